import { useEffect, useState } from 'react';
import type React from 'react';
import type { CheckResult, Finding, RunDetail, Score, Severity } from '../../../shared/domain';
import { GRADING_FORMULA } from '../../../shared/grading';
import { ReportButton } from '../components/ReportButton';
import { RunDiffPanel } from '../components/RunDiffPanel';
import { TRIAGE_LABEL, TriageBar } from '../components/Triage';
import { FindingCounts, GradeChip, SeverityBadge, StatusBadge } from '../components/ui';
import type { FixDeclaration } from '../../../shared/ipc/remediation';
import { useFixes } from '../fixes';
import { CHECK_STATUS_LABEL, SEVERITY_RANK, categoryLabel, formatDate, formatDuration, formatScore, gradeClass, target } from '../format';
import { useStore } from '../store';

export function RunScreen({ runId }: { runId: string }): React.JSX.Element {
  const run = useStore((s) => (s.currentRun?.id === runId ? s.currentRun : null));
  const loading = useStore((s) => s.runLoading);
  const loadRun = useStore((s) => s.loadRun);
  // Triage applies to a finding's identity and re-scores the latest run that has it, so it is
  // offered on the host's latest run; older runs show the statuses they were scored with.
  const latestRunId = useStore((s) => {
    const hostId = s.currentRun?.id === runId ? s.currentRun.hostId : null;
    return hostId === null ? null : (s.hosts.find((h) => h.id === hostId)?.lastRun?.id ?? null);
  });

  useEffect(() => {
    void loadRun(runId);
  }, [runId, loadRun]);

  if (!run) {
    return (
      <section className="screen">
        <BackLink hostId={null} />
        <div className="panel empty">{loading ? 'Loading run…' : 'This run could not be loaded.'}</div>
      </section>
    );
  }
  return (
    <section className="screen" data-testid="run-view" data-run-id={run.id}>
      <BackLink hostId={run.hostId} />
      <RunHeader run={run} />
      <div className="run-top">
        <GradePanel run={run} />
        <CategoryPanel run={run} />
      </div>
      <RunErrors run={run} />
      <RunDiffPanel run={run} />
      <Findings run={run} canTriage={latestRunId === run.id} latestRunId={latestRunId} />
      <NotCounted run={run} canTriage={latestRunId === run.id} />
      <Checks checks={run.checks} />
    </section>
  );
}

function BackLink({ hostId }: { hostId: number | null }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  const host = useStore((s) => (hostId === null ? undefined : s.hosts.find((h) => h.id === hostId)));
  if (hostId !== null && host) {
    return (
      <button type="button" className="link back" data-testid="back-to-host" onClick={() => navigate({ screen: 'host', hostId })}>
        ← {host.name}
      </button>
    );
  }
  if (hostId !== null) {
    return (
      <button type="button" className="link back" data-testid="back-to-host" onClick={() => navigate({ screen: 'host', hostId })}>
        ← Host
      </button>
    );
  }
  return (
    <button type="button" className="link back" data-testid="back-to-runs" onClick={() => navigate({ screen: 'runs' })}>
      ← Runs
    </button>
  );
}

function RunHeader({ run }: { run: RunDetail }): React.JSX.Element {
  return (
    <header className="panel run-header">
      <div className="host-title">
        <h1>{run.hostName}</h1>
        <span className="mono">{target(run)}</span>
        <StatusBadge status={run.status} testId="run-status" />
      </div>
      <dl className="facts inline">
        <dt>Started</dt>
        <dd>{formatDate(run.startedAt)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(run.durationMs)}</dd>
        <dt>OS</dt>
        <dd>{run.os ?? <span className="muted">unknown</span>}</dd>
        <dt>Commands</dt>
        <dd title="Remote commands executed">{run.execCount}</dd>
        <dt>Findings</dt>
        <dd>
          <FindingCounts counts={run.findingCounts} />
        </dd>
        {run.timings && Object.keys(run.timings).length > 0 && (
          <>
            <dt>Phases</dt>
            <dd className="small" data-testid="run-timings">
              {Object.entries(run.timings)
                .map(([phase, ms]) => `${phase.replace(/Ms$/, '')} ${formatDuration(ms)}`)
                .join(' · ')}
            </dd>
          </>
        )}
        <dt>Run</dt>
        <dd className="mono small">{run.id}</dd>
      </dl>
      <ReportButton runId={run.id} />
    </header>
  );
}

export function GradePanel({ run }: { run: RunDetail }): React.JSX.Element {
  const score = run.score;
  return (
    <div className="panel grade-panel">
      <div className="grade-main">
        <div className={`grade-big ${gradeClass(score?.grade)}`} data-testid="grade">
          {score?.grade ?? '—'}
        </div>
        <div className="score-block">
          <div>
            <span className="score-num" data-testid="score">
              {formatScore(score?.overall)}
            </span>
            <span className="muted"> / 100</span>
          </div>
          {score?.cap && (
            <div className="cap" data-testid="grade-cap">
              Capped: {score.cap}
            </div>
          )}
          {!score && <div className="muted">No score: the run did not produce results.</div>}
          <NotCountedNote run={run} />
        </div>
      </div>
      <div className="formula">
        <div className="formula-title">How the grade is computed</div>
        <div className="formula-text" data-testid="grade-formula">
          {GRADING_FORMULA}
        </div>
      </div>
    </div>
  );
}

function NotCountedNote({ run }: { run: RunDetail }): React.JSX.Element | null {
  const n = run.findings.filter((f) => f.status !== 'open').length;
  if (n === 0) return null;
  return (
    <div className="not-counted-note small">
      <button
        type="button"
        className="link"
        data-testid="grade-not-counted"
        onClick={() => document.querySelector('[data-testid="not-counted"]')?.scrollIntoView({ behavior: 'smooth', block: 'start' })}
      >
        {n} finding{n === 1 ? '' : 's'} not counted
      </button>{' '}
      <span className="muted">(accepted risk, false positive or fixed)</span>
    </div>
  );
}

export function CategoryPanel({ run }: { run: RunDetail }): React.JSX.Element {
  const categories = Object.entries(run.score?.categories ?? {}).sort(([a], [b]) => categoryLabel(a).localeCompare(categoryLabel(b)));
  const findingsBy = new Map<string, number>();
  for (const f of run.findings) if (f.status === 'open') findingsBy.set(f.category, (findingsBy.get(f.category) ?? 0) + 1);
  return (
    <div className="panel category-panel">
      <h2>Categories</h2>
      {categories.length === 0 ? (
        <p className="muted">No scored categories.</p>
      ) : (
        <table className="table" data-testid="category-table">
          <thead>
            <tr>
              <th>Category</th>
              <th>Grade</th>
              <th className="num">Score</th>
              <th className="num" title="Sum of the weights of applicable checks">
                Weight
              </th>
              <th className="num" title="Open findings (the ones that count)">
                Open
              </th>
            </tr>
          </thead>
          <tbody>
            {categories.map(([cat, c]) => (
              <tr key={cat} data-testid="category-row" data-category={cat}>
                <td className="strong">{categoryLabel(cat)}</td>
                <td>
                  <GradeChip grade={c.grade} testId="category-grade" />
                </td>
                <td className="num mono" data-testid="category-score">
                  <span className="bar-cell">
                    <meter min={0} max={100} low={60} high={90} optimum={100} value={c.score} />
                    {formatScore(c.score)}
                  </span>
                </td>
                <td className="num mono muted">{c.applicableWeight}</td>
                <td className="num" data-testid="category-open">
                  {findingsBy.get(cat) ?? 0}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function worst(findings: Finding[]): number {
  return Math.min(...findings.map((f) => SEVERITY_RANK[f.severity]));
}

function bySeverity(a: Finding, b: Finding): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.title.localeCompare(b.title);
}

/** The fix a finding can get here: only open findings of the host's latest run (what a plan reads). */
function fixOf(f: Finding, canTriage: boolean, fixByCheck: Record<string, FixDeclaration>): FixDeclaration | undefined {
  return canTriage && f.status === 'open' ? fixByCheck[f.checkId] : undefined;
}

export function Findings({ run, canTriage, latestRunId }: { run: RunDetail; canTriage: boolean; latestRunId: string | null }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  const fixByCheck = useFixes((s) => s.fixByCheck);
  const startFix = useFixes((s) => s.startFix);
  const dialogOpen = useFixes((s) => s.dialog !== null);
  const [selected, setSelected] = useState<string[]>([]);
  const findings = run.findings.filter((f) => f.status === 'open');
  // A selection holds only findings that can still be fixed (a fixed one leaves the open list).
  const selectable = new Set(findings.filter((f) => fixOf(f, canTriage, fixByCheck)).map((f) => f.id));
  const chosen = selected.filter((id) => selectable.has(id));
  const toggle = (id: string): void => setSelected((cur) => (cur.includes(id) ? cur.filter((x) => x !== id) : [...cur, id]));
  const fix = (keys: string[]): void => {
    if (run.hostId !== null && keys.length) void startFix(run.hostId, keys);
  };
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = groups.get(f.category);
    if (list) list.push(f);
    else groups.set(f.category, [f]);
  }
  const ordered = [...groups.entries()]
    .map(([cat, list]) => [cat, [...list].sort(bySeverity)] as const)
    .sort(([ca, a], [cb, b]) => worst(a) - worst(b) || categoryLabel(ca).localeCompare(categoryLabel(cb)));

  return (
    <div className="findings" data-testid="findings">
      <h2 className="section-title">
        Findings <span className="muted" data-testid="open-count">{findings.length}</span>
        {findings.length !== run.findings.length && <span className="muted small"> open · {run.findings.length - findings.length} not counted (below)</span>}
      </h2>
      {run.hostId !== null && (canTriage || selectable.size > 0) && (
        <div className="panel note fix-bar" data-testid="fix-bar">
          <span className="small">
            {selectable.size} open finding{selectable.size === 1 ? ' has' : 's have'} an automatic fix. Select several to fix them in one job (applied in the order
            selected, each verified, each with its own rollback; the preview asks what a failure does: roll back the whole job, stop, or continue).
          </span>
          <span className="spacer" />
          <button type="button" className="link small" data-testid="open-fix-history" onClick={() => navigate({ screen: 'fixes', hostId: run.hostId! })}>
            Fix history
          </button>
          {chosen.length > 0 && (
            <button type="button" className="btn small" data-testid="fix-clear-selection" onClick={() => setSelected([])}>
              Clear
            </button>
          )}
          <button type="button" className="btn small primary" data-testid="fix-selected" disabled={chosen.length === 0 || dialogOpen} onClick={() => fix(chosen)}>
            Fix selected ({chosen.length})
          </button>
        </div>
      )}
      {!canTriage && run.hostId !== null && latestRunId !== null && (
        <div className="panel note small" data-testid="triage-readonly">
          An older run: statuses are shown as this run was scored. Triage findings from the{' '}
          <button type="button" className="link" data-testid="open-latest-run" onClick={() => navigate({ screen: 'run', runId: latestRunId })}>
            latest run of this host
          </button>
          .
        </div>
      )}
      {run.findings.length === 0 && (
        <div className="panel empty" data-testid="no-findings">
          No findings: every applicable check passed.
        </div>
      )}
      {run.findings.length > 0 && findings.length === 0 && (
        <div className="panel empty" data-testid="no-open-findings">
          No open findings: every finding is triaged (see below).
        </div>
      )}
      {ordered.map(([cat, list]) => (
        <div key={cat} className="finding-group" data-testid="finding-group" data-category={cat}>
          <GroupHeader category={cat} count={list.length} score={run.score} />
          {list.map((f) => (
            <FindingCard
              key={f.id}
              finding={f}
              canTriage={canTriage}
              showCategory={false}
              fix={fixOf(f, canTriage, fixByCheck)}
              selected={chosen.includes(f.id)}
              onSelect={() => toggle(f.id)}
              onFix={() => fix([f.id])}
              fixDisabled={dialogOpen}
            />
          ))}
        </div>
      ))}
    </div>
  );
}

function GroupHeader({ category, count, score }: { category: string; count: number; score: Score | null }): React.JSX.Element {
  const c = score?.categories[category];
  return (
    <h3 className="group-head">
      <span>{categoryLabel(category)}</span>
      {c ? (
        <>
          <GradeChip grade={c.grade} testId="group-grade" />
          <span className="mono group-score" data-testid="group-score" title={`Weighted pass ratio over ${c.applicableWeight} applicable weight`}>
            {formatScore(c.score)}
          </span>
        </>
      ) : (
        <span className="muted group-score" data-testid="group-score" title="No check of this category could be scored">
          not scored
        </span>
      )}
      <span className="muted">
        {count} open finding{count === 1 ? '' : 's'}
      </span>
    </h3>
  );
}

/** Accepted risks, false positives and fixed findings: listed, but left out of the grade. */
export function NotCounted({ run, canTriage }: { run: RunDetail; canTriage: boolean }): React.JSX.Element | null {
  const list = run.findings.filter((f) => f.status !== 'open');
  if (list.length === 0) return null;
  const order: Record<Finding['status'], number> = { accepted: 0, 'false-positive': 1, fixed: 2, open: 3 };
  const sortedList = [...list].sort((a, b) => order[a.status] - order[b.status] || bySeverity(a, b));
  return (
    <div className="findings not-counted" data-testid="not-counted">
      <h2 className="section-title">
        Not counted in the grade <span className="muted" data-testid="not-counted-count">{list.length}</span>
      </h2>
      <p className="muted small">
        Accepted risks (until their expiry), false positives and findings marked fixed do not lower the grade. An accepted risk counts again once it
        expires; a fixed finding reopens if a later audit finds it again.
      </p>
      {sortedList.map((f) => (
        <FindingCard key={f.id} finding={f} canTriage={canTriage} showCategory />
      ))}
    </div>
  );
}

interface FixProps {
  fix?: FixDeclaration | undefined;
  selected?: boolean;
  onSelect?: () => void;
  onFix?: () => void;
  fixDisabled?: boolean;
}

function FindingCard({
  finding: f,
  canTriage,
  showCategory,
  fix,
  selected = false,
  onSelect,
  onFix,
  fixDisabled = false,
}: { finding: Finding; canTriage: boolean; showCategory: boolean } & FixProps): React.JSX.Element {
  return (
    <article
      className={`panel finding finding-${f.severity}${f.status !== 'open' ? ' finding-triaged' : ''}`}
      data-testid="finding"
      data-severity={f.severity}
      data-check-id={f.checkId}
      data-finding-id={f.id}
      data-status={f.status}
      data-fixable={fix ? 'true' : 'false'}
    >
      <header className="finding-head">
        {fix && (
          <input
            type="checkbox"
            className="fix-check"
            data-testid="fix-select"
            aria-label={`Select for a fix: ${f.title}`}
            checked={selected}
            onChange={() => onSelect?.()}
          />
        )}
        <SeverityBadge severity={f.severity} />
        <span className="finding-title" data-testid="finding-title">
          {f.title}
        </span>
        {f.status !== 'open' && <span className={`finding-status ts-${f.status}`}>{TRIAGE_LABEL[f.status]}</span>}
        {showCategory && <span className="muted small">{categoryLabel(f.category)}</span>}
        <span className="spacer" />
        <code className="check-id" data-testid="finding-check-id">
          {f.checkId}
        </code>
      </header>
      <dl className="finding-body">
        <dt>Resource</dt>
        <dd className="mono" data-testid="finding-resource">
          {f.resource}
        </dd>
        {f.rationale && (
          <>
            <dt>Why</dt>
            <dd data-testid="finding-rationale">{f.rationale}</dd>
          </>
        )}
        <dt>Evidence</dt>
        <dd>
          <pre className="evidence" data-testid="finding-evidence">
            {f.evidence}
          </pre>
        </dd>
        <dt>Fix</dt>
        <dd className="remediation" data-testid="finding-remediation">
          {f.remediation}
        </dd>
        {f.references.length > 0 && (
          <>
            <dt>References</dt>
            <dd>
              <ul className="refs" data-testid="finding-references">
                {f.references.map((r) => (
                  <li key={r} className="mono small">
                    {/^https:\/\//.test(r) ? (
                      // The main process opens https links in the system browser; nothing navigates in-app.
                      <a href={r} target="_blank" rel="noreferrer noopener">
                        {r}
                      </a>
                    ) : (
                      r
                    )}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      {fix && (
        <div className="fix-offer" data-testid="fix-offer">
          <button type="button" className="btn small primary" data-testid="fix-finding" disabled={fixDisabled} onClick={() => onFix?.()}>
            Fix…
          </button>
          <span className="small">
            {fix.title} <span className="muted">({fix.risk} risk{fix.reversible ? ', reversible' : ''})</span>
          </span>
        </div>
      )}
      <TriageBar finding={f} canTriage={canTriage} />
    </article>
  );
}

const CHECK_STATUS_RANK: Record<CheckResult['status'], number> = { fail: 0, error: 1, 'needs-sudo': 2, 'not-applicable': 3, pass: 4 };

export function Checks({ checks }: { checks: CheckResult[] }): React.JSX.Element | null {
  const [open, setOpen] = useState(false);
  if (checks.length === 0) return null;
  const counts = new Map<string, number>();
  for (const c of checks) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  const sorted = [...checks].sort(
    (a, b) => CHECK_STATUS_RANK[a.status] - CHECK_STATUS_RANK[b.status] || SEVERITY_RANK[a.severity as Severity] - SEVERITY_RANK[b.severity as Severity] || a.checkId.localeCompare(b.checkId),
  );
  return (
    <div className="panel checks" data-testid="checks">
      <div className="panel-title">
        <h2>Checks</h2>
        <span className="check-counts">
          {[...counts.entries()].map(([status, n]) => (
            <span key={status} className={`check-status cs-${status}`}>
              {n} {CHECK_STATUS_LABEL[status as CheckResult['status']]}
            </span>
          ))}
        </span>
        <span className="spacer" />
        <button type="button" className="btn small" data-testid="toggle-checks" onClick={() => setOpen((o) => !o)}>
          {open ? 'Hide' : `Show all ${checks.length}`}
        </button>
      </div>
      {open && (
        <table className="table" data-testid="check-table">
          <thead>
            <tr>
              <th>Check</th>
              <th>Category</th>
              <th>Status</th>
              <th>Severity</th>
              <th>Note</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((c) => (
              <tr key={c.checkId} data-testid="check-row">
                <td className="mono">{c.checkId}</td>
                <td>{categoryLabel(c.category)}</td>
                <td>
                  <span className={`check-status cs-${c.status}`}>{CHECK_STATUS_LABEL[c.status]}</span>
                </td>
                <td>
                  <span className={`sev sev-${c.severity}`}>{c.severity}</span>
                </td>
                <td className="small">{c.message ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** What could not be collected or evaluated in a run (shown above its findings). */
export function RunErrors({ run }: { run: Pick<RunDetail, 'errors'> }): React.JSX.Element | null {
  if (run.errors.length === 0) return null;
  return (
    <div className="panel run-errors" data-testid="run-errors">
      <h2>Errors during this run</h2>
      <ul>
        {run.errors.map((e, i) => (
          <li key={i} data-testid="run-error">
            <span className="mono strong">{e.section}</span>: {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
