// One mail domain run: grade and categories, findings grouped and graded with triage (the host
// run view's panels), the comparison with another run of the domain (the run before, or any one
// picked), the records as parsed, and the checks.
import { useEffect, useState } from 'react';
import type React from 'react';
import type { RunDetail } from '../../../shared/domain';
import { MailRecords } from '../components/MailRecords';
import { DiffLists, ScoreChange } from '../components/RunDiffPanel';
import { FindingCounts, StatusBadge } from '../components/ui';
import { formatDate, formatDuration } from '../format';
import { useMail } from '../mail';
import { useStore } from '../store';
import '../mail.css';
import { CategoryPanel, Checks, Findings, GradePanel, NotCounted, RunErrors } from './RunScreen';

export function MailRunScreen({ runId }: { runId: string }): React.JSX.Element {
  const run = useStore((s) => (s.currentRun?.id === runId ? s.currentRun : null));
  const loading = useStore((s) => s.runLoading);
  const loadRun = useStore((s) => s.loadRun);
  const navigate = useStore((s) => s.navigate);
  const domains = useMail((s) => s.domains);
  const loadDomains = useMail((s) => s.loadDomains);
  const domain = run ? (domains.find((d) => d.domain === run.address) ?? null) : null;

  useEffect(() => {
    void loadRun(runId);
    void loadDomains();
  }, [runId, loadRun, loadDomains]);

  if (!run) {
    return (
      <section className="screen">
        <button type="button" className="link back" data-testid="back-to-mail" onClick={() => navigate({ screen: 'mail' })}>
          ← Mail
        </button>
        <div className="panel empty">{loading ? 'Loading run…' : 'This run could not be loaded.'}</div>
      </section>
    );
  }
  // Triage applies to a finding's identity and re-scores the domain's latest run, so it is offered there.
  const latestRunId = domain?.lastRun?.id ?? null;
  const canTriage = latestRunId === run.id;
  const details = run.details;
  return (
    <section className="screen" data-testid="mail-run-view" data-run-id={run.id}>
      <button type="button" className="link back" data-testid="back-to-mail" onClick={() => navigate(domain ? { screen: 'mail', domainId: domain.id } : { screen: 'mail' })}>
        ← {domain ? domain.domain : 'Mail'}
      </button>
      <header className="panel run-header">
        <div className="host-title">
          <h1 className="mono">{run.hostName}</h1>
          <span className="muted">mail audit</span>
          <StatusBadge status={run.status} testId="run-status" />
        </div>
        <dl className="facts inline">
          <dt>Started</dt>
          <dd>{formatDate(run.startedAt)}</dd>
          <dt>Duration</dt>
          <dd>{formatDuration(run.durationMs)}</dd>
          <dt>Resolver</dt>
          <dd className="mono nowrap" data-testid="mail-run-resolver">
            {typeof details?.resolver === 'string' ? details.resolver : '—'}
          </dd>
          <dt>DNS questions</dt>
          <dd className="mono" data-testid="mail-run-queries">
            {run.execCount}
          </dd>
          <dt>Findings</dt>
          <dd>
            <FindingCounts counts={run.findingCounts} />
          </dd>
          <dt>Run</dt>
          <dd className="mono small">{run.id}</dd>
        </dl>
      </header>
      <div className="run-top">
        <GradePanel run={run} />
        <CategoryPanel run={run} />
      </div>
      <RunErrors run={run} />
      {!canTriage && latestRunId && (
        <div className="panel note small" data-testid="triage-readonly">
          An older run: statuses are shown as this run was scored. Triage findings from the{' '}
          <button type="button" className="link" data-testid="open-latest-run" onClick={() => navigate({ screen: 'mail-run', runId: latestRunId })}>
            latest run of {run.hostName}
          </button>
          .
        </div>
      )}
      <MailDiff run={run} domainId={domain?.id ?? null} />
      <Findings run={run} canTriage={canTriage} latestRunId={latestRunId} />
      <NotCounted run={run} canTriage={canTriage} />
      <MailRecords details={details} expectedMx={domain?.expectedMx ?? null} />
      <Checks checks={run.checks} />
    </section>
  );
}

function MailDiff({ run, domainId }: { run: RunDetail; domainId: number | null }): React.JSX.Element {
  const diff = useMail((s) => (s.diff?.runId === run.id ? s.diff : null));
  const diffError = useMail((s) => s.diffError);
  const loadDiff = useMail((s) => s.loadDiff);
  const runs = useMail((s) => (domainId === null ? undefined : s.runs[domainId]));
  const loadRuns = useMail((s) => s.loadRuns);
  const navigate = useStore((s) => s.navigate);
  // '' = the run before this one.
  const [against, setAgainst] = useState('');

  useEffect(() => {
    if (domainId !== null) void loadRuns(domainId);
  }, [domainId, loadRuns]);
  useEffect(() => {
    void loadDiff(run.id, against || undefined);
  }, [run.id, against, loadDiff]);

  const others = (runs ?? []).filter((r) => r.id !== run.id);
  return (
    <div className="panel diff" data-testid="run-diff" data-state={diff ? (diff.previousRunId ? 'ready' : 'first') : 'loading'} data-previous-run-id={diff?.previousRunId ?? ''}>
      <div className="panel-title">
        <h2>Changes</h2>
        <label className="small compare-with">
          against{' '}
          <select data-testid="diff-against" value={against} onChange={(e) => setAgainst(e.target.value)}>
            <option value="">the run before this one</option>
            {others.map((r) => (
              <option key={r.id} value={r.id}>
                the run of {formatDate(r.startedAt)} ({r.score?.grade ?? 'no grade'})
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        {diff?.previousRunId && (
          <button type="button" className="link small" data-testid="diff-previous-link" onClick={() => navigate({ screen: 'mail-run', runId: diff.previousRunId! })}>
            open the other run
          </button>
        )}
      </div>
      {diffError && <p className="bad-text">{diffError}</p>}
      {!diff && !diffError && <p className="muted">Comparing…</p>}
      {diff && !diff.previousRunId && (
        <p className="muted" data-testid="diff-first">
          First audit of this domain: nothing to compare with yet.
        </p>
      )}
      {diff?.previousRunId && (
        <>
          <ScoreChange diff={diff} run={run} />
          <DiffLists key={diff.previousRunId} diff={diff} />
        </>
      )}
    </div>
  );
}
