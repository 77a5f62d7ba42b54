// Small shared pieces: badges, the error banner, the run table.
import type React from 'react';
import type { Grade, LastRun, RunStatus, RunSummary, Severity } from '../../../shared/domain';
import { useStore, type DiffCounts } from '../store';
import { SEVERITY_ICON, SEVERITY_ORDER, SEVERITY_SHORT, formatDate, formatDuration, formatScore, gradeClass, target } from '../format';

export function SeverityBadge({ severity }: { severity: Severity }): React.JSX.Element {
  return (
    <span className={`sev sev-${severity}`} data-testid="finding-severity">
      {severity}
    </span>
  );
}

/** Severity as a shape, a word and a colour (the row headers of the fleet's tables). */
export function SeverityLabel({ severity }: { severity: Severity }): React.JSX.Element {
  return (
    <span className={`sev-label sev-text-${severity}`}>
      <span className={`sev-icon sev-${severity}`} aria-hidden="true">
        {SEVERITY_ICON[severity]}
      </span>
      {severity}
    </span>
  );
}

export function GradeChip({ grade, testId }: { grade: Grade | null | undefined; testId?: string }): React.JSX.Element {
  return (
    <span className={`grade-chip ${gradeClass(grade)}`} data-testid={testId}>
      {grade ?? '—'}
    </span>
  );
}

export function StatusBadge({ status, testId }: { status: RunStatus; testId?: string }): React.JSX.Element {
  return (
    <span className={`status status-${status}`} data-testid={testId}>
      {status}
    </span>
  );
}

export function FindingCounts({ counts }: { counts: Partial<Record<Severity, number>> }): React.JSX.Element {
  const nonZero = SEVERITY_ORDER.filter((s) => (counts[s] ?? 0) > 0);
  if (nonZero.length === 0) return <span className="muted">none</span>;
  return (
    <span className="counts" data-testid="finding-counts">
      {nonZero.map((s) => (
        <span key={s} className={`count sev-${s}`} title={`${counts[s] ?? 0} ${s}`}>
          {counts[s] ?? 0}
          {SEVERITY_SHORT[s]}
        </span>
      ))}
    </span>
  );
}

export function ErrorBanner(): React.JSX.Element | null {
  const banner = useStore((s) => s.banner);
  const dismiss = useStore((s) => s.dismissError);
  if (!banner) return null;
  return (
    <div className="banner" role="alert" data-testid="error-banner" data-code={banner.code} key={banner.id}>
      <span className="banner-code">{banner.code}</span>
      <span className="banner-message" data-testid="error-message">
        {banner.message}
      </span>
      <button type="button" className="banner-close" aria-label="Dismiss" data-testid="dismiss-error" onClick={dismiss}>
        ×
      </button>
    </div>
  );
}

/** "+2 new −1 resolved =8 unchanged" against the previous run of the host. */
export function ChangeCounts({ counts }: { counts: DiffCounts | undefined }): React.JSX.Element {
  if (!counts) return <span className="muted">…</span>;
  if (counts.previousRunId === null)
    return (
      <span className="muted" data-testid="run-changes" data-first="true">
        first run
      </span>
    );
  return (
    <span className="changes" data-testid="run-changes" data-new={counts.new} data-resolved={counts.resolved} data-unchanged={counts.unchanged}>
      <span className={counts.new ? 'chg-new' : 'muted'} title="New findings">
        +{counts.new}
      </span>
      <span className={counts.resolved ? 'chg-resolved' : 'muted'} title="Resolved findings">
        −{counts.resolved}
      </span>
      <span className="muted" title="Unchanged findings">
        ={counts.unchanged}
      </span>
    </span>
  );
}

export function RunTable({ runs, showHost, changes }: { runs: RunSummary[]; showHost: boolean; changes?: Record<string, DiffCounts> }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  // A mail domain's run opens in the Mail run view (its parsed records, its domain's history).
  const open = (runId: string): void => navigate(runs.find((r) => r.id === runId)?.targetKind === 'domain' ? { screen: 'mail-run', runId } : { screen: 'run', runId });
  return (
    <table className="table clickable" data-testid="run-table">
      <thead>
        <tr>
          <th>Started</th>
          {showHost && <th>Host</th>}
          <th>Status</th>
          <th>Grade</th>
          <th className="num">Score</th>
          <th>Findings</th>
          {changes && <th title="Against the previous run of the host: new, resolved, unchanged">Changes</th>}
          <th className="num">Duration</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr
            key={r.id}
            data-testid="run-row"
            data-run-id={r.id}
            tabIndex={0}
            onClick={() => open(r.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                open(r.id);
              }
            }}
          >
            <td className="nowrap">{formatDate(r.startedAt)}</td>
            {showHost && (
              <td>
                <span className="strong">{r.hostName}</span> <span className="mono muted">{r.targetKind === 'domain' ? 'mail domain' : target(r)}</span>
              </td>
            )}
            <td>
              <StatusBadge status={r.status} />
            </td>
            <td>
              <GradeChip grade={r.score?.grade} testId="run-grade" />
            </td>
            <td className="num mono" data-testid="run-score">
              {formatScore(r.score?.overall)}
            </td>
            <td>
              <FindingCounts counts={r.findingCounts} />
            </td>
            {changes && (
              <td className="nowrap">
                <ChangeCounts counts={changes[r.id]} />
              </td>
            )}
            <td className="num muted">{formatDuration(r.durationMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A target's latest run in a list row: grade, score, status when not complete, date; or "never audited". */
export function LastRunCell({ lastRun, gradeTestId }: { lastRun: LastRun | null; gradeTestId: string }): React.JSX.Element {
  if (!lastRun) return <span className="muted">never audited</span>;
  return (
    <span className="last-run">
      <GradeChip grade={lastRun.grade} testId={gradeTestId} />
      <span className="mono">{formatScore(lastRun.score)}</span>
      {lastRun.status !== 'complete' && <StatusBadge status={lastRun.status} />}
      <span className="muted small">{formatDate(lastRun.startedAt)}</span>
    </span>
  );
}
