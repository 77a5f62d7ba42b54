// A run against the previous run of the same host: what is new, what was resolved, what stayed.
import { useEffect, useState } from 'react';
import type React from 'react';
import type { Finding, RunDetail, RunDiff } from '../../../shared/domain';
import { SEVERITY_RANK, categoryLabel, formatDate, formatScore } from '../format';
import { useStore } from '../store';
import { GradeChip } from './ui';
import { TRIAGE_LABEL } from './Triage';

type Kind = 'new' | 'resolved' | 'unchanged';

const KINDS: ReadonlyArray<{ kind: Kind; label: string; hint: string }> = [
  { kind: 'new', label: 'New', hint: 'Found now, not in the previous run' },
  { kind: 'resolved', label: 'Resolved', hint: 'In the previous run, not found now' },
  { kind: 'unchanged', label: 'Unchanged', hint: 'Found in both runs' },
];

function sorted(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.checkId.localeCompare(b.checkId) || a.resource.localeCompare(b.resource));
}

export function RunDiffPanel({ run }: { run: RunDetail }): React.JSX.Element {
  const diff = useStore((s) => (s.currentDiff?.runId === run.id ? s.currentDiff : null));
  const loading = useStore((s) => s.diffLoading);
  const loadDiff = useStore((s) => s.loadDiff);

  useEffect(() => {
    void loadDiff(run.id);
  }, [run.id, loadDiff]);

  if (!diff) {
    return (
      <div className="panel diff" data-testid="run-diff" data-state="loading">
        <h2>Changes since the previous run</h2>
        <p className="muted">{loading ? 'Comparing with the previous run…' : 'The comparison could not be loaded.'}</p>
      </div>
    );
  }
  if (!diff.previousRunId) {
    return (
      <div className="panel diff" data-testid="run-diff" data-state="first">
        <h2>Changes since the previous run</h2>
        <p className="muted" data-testid="diff-first">
          First audit of this host: nothing to compare with yet.
        </p>
      </div>
    );
  }
  return (
    <div className="panel diff" data-testid="run-diff" data-state="ready" data-previous-run-id={diff.previousRunId}>
      <div className="panel-title">
        <h2>Changes since the previous run</h2>
        <PreviousLink diff={diff} />
      </div>
      <ScoreChange diff={diff} run={run} />
      <DiffLists diff={diff} />
    </div>
  );
}

/** The new / resolved / unchanged tiles and lists of a diff (also used by the Mail run view). */
export function DiffLists({ diff }: { diff: RunDiff }): React.JSX.Element {
  const [open, setOpen] = useState<Record<Kind, boolean>>({ new: true, resolved: true, unchanged: false });
  return (
    <>
      <div className="diff-tiles">
        {KINDS.map(({ kind, label, hint }) => (
          <button
            key={kind}
            type="button"
            className={`diff-tile diff-${kind}${open[kind] ? ' open' : ''}`}
            data-testid={`diff-tile-${kind}`}
            aria-expanded={open[kind]}
            title={hint}
            onClick={() => setOpen((o) => ({ ...o, [kind]: !o[kind] }))}
          >
            <span className="diff-count" data-testid={`diff-${kind}-count`}>
              {diff[kind].length}
            </span>
            <span className="diff-label">{label}</span>
          </button>
        ))}
      </div>
      {KINDS.filter(({ kind }) => open[kind]).map(({ kind, label }) => (
        <div key={kind} className="diff-list" data-testid={`diff-list-${kind}`}>
          <h3>
            {label} <span className="muted">{diff[kind].length}</span>
          </h3>
          {diff[kind].length === 0 ? (
            <p className="muted small">None.</p>
          ) : (
            <table className="table compact diff-table">
              <colgroup>
                <col className="c-sev" />
                <col />
                <col className="c-resource" />
                <col className="c-status" />
                <col className="c-check" />
              </colgroup>
              <tbody>
                {sorted(diff[kind]).map((f) => (
                  <tr key={f.id} data-testid="diff-item" data-kind={kind} data-check-id={f.checkId} data-status={f.status}>
                    <td className="sev-cell">
                      <span className={`sev sev-${f.severity}`}>{f.severity}</span>
                    </td>
                    <td>
                      <span className="strong">{f.title}</span>{' '}
                      <span className="muted small">{categoryLabel(f.category)}</span>
                    </td>
                    <td className="mono small diff-resource">{f.resource}</td>
                    <td className="nowrap">
                      {f.status !== 'open' && <span className={`triage-status small ts-${f.status}`}>{TRIAGE_LABEL[f.status]}</span>}
                      {diff.regressed?.includes(f.id) && (
                        <span className="triage-status small ts-open" data-testid="diff-regressed" title="Found again: resolved or marked fixed before">
                          ↺ regressed
                        </span>
                      )}
                    </td>
                    <td className="mono small muted">{f.checkId}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </>
  );
}

function PreviousLink({ diff }: { diff: RunDiff }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  const prevId = diff.previousRunId!;
  return (
    <button type="button" className="link small" data-testid="diff-previous-link" onClick={() => navigate({ screen: 'run', runId: prevId })}>
      against the run of {diff.previous ? formatDate(diff.previous.startedAt) : prevId}
    </button>
  );
}

export function ScoreChange({ diff, run }: { diff: RunDiff; run: RunDetail }): React.JSX.Element | null {
  const before = diff.previous?.score;
  const after = run.score;
  if (!before || !after) return null;
  const delta = Math.round((after.overall - before.overall) * 10) / 10;
  return (
    <div className="score-change" data-testid="diff-score-change">
      <GradeChip grade={before.grade} /> <span className="mono">{formatScore(before.overall)}</span>
      <span className="muted"> → </span>
      <GradeChip grade={after.grade} /> <span className="mono">{formatScore(after.overall)}</span>
      <span className={`delta ${delta > 0 ? 'up' : delta < 0 ? 'down' : ''}`}>
        {' '}
        ({delta > 0 ? '+' : ''}
        {delta.toFixed(1)})
      </span>
    </div>
  );
}
