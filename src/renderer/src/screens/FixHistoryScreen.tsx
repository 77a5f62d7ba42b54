// A host's fix history / audit trail: every job with when, who confirmed it, what it changed,
// the outcome and the job id; a job opens to its journaled steps (the exact commands, their
// outcome and times) and diffs. An applied job can be rolled back from here, an unfinished one
// rolled back or finished.
import { useEffect, useState } from 'react';
import type React from 'react';
import type { FixJobSummary, LockoutGuard } from '../../../shared/ipc/remediation';
import { DiffView, OUTCOME_TEXT, POLICIES, RiskBadge } from '../components/FixDialog';
import { useFixes } from '../fixes';
import { formatDate, target } from '../format';
import { useStore } from '../store';

const NO_JOBS: FixJobSummary[] = [];
const UNFINISHED = ['planned', 'applying', 'verifying', 'rolling-back'];
const OUTCOME: Record<string, string> = {
  applied: 'applied and verified',
  partial: 'partly applied',
  'rolled-back': 'rolled back',
  refused: 'refused (nothing changed)',
  'rollback-incomplete': 'rollback incomplete',
};

export function FixHistoryScreen({ hostId }: { hostId: number }): React.JSX.Element {
  const host = useStore((s) => s.hosts.find((h) => h.id === hostId));
  const navigate = useStore((s) => s.navigate);
  const jobs = useFixes((s) => s.history[hostId] ?? NO_JOBS);
  const loaded = useFixes((s) => hostId in s.history);
  const loadHistory = useFixes((s) => s.loadHistory);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    void loadHistory(hostId);
  }, [hostId, loadHistory]);

  return (
    <section className="screen" data-testid="fix-history" data-host-id={hostId}>
      <button type="button" className="link back" data-testid="back-to-host" onClick={() => navigate({ screen: 'host', hostId })}>
        ← {host?.name ?? 'Host'}
      </button>
      <header className="panel">
        <div className="host-title">
          <h1>Fix history — {host?.name ?? `host ${hostId}`}</h1>
          {host && <span className="mono">{target(host)}</span>}
        </div>
        <p className="small muted">
          Every fix job on this host, newest first: who confirmed it and when, what it changed, how it ended. Backups of the previous modes and owners stay
          on the host (root-only), in the job&apos;s folder.
        </p>
      </header>
      <div className="panel flush">
        {!loaded ? (
          <p className="muted pad">Loading…</p>
        ) : jobs.length === 0 ? (
          <p className="muted pad" data-testid="fix-history-empty">
            No fix jobs on this host yet.
          </p>
        ) : (
          <table className="table fix-history-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>Outcome</th>
                <th>Job</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <JobRows key={j.jobId} job={j} hostId={hostId} open={open === j.jobId} onToggle={() => setOpen(open === j.jobId ? null : j.jobId)} />
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

/** One line on what the lockout guard did in a job with access fixes. */
function GuardSummary({ guard }: { guard: LockoutGuard }): React.JSX.Element {
  const proof = guard.newSessionOk === true ? 'new SSH connection logged in' : guard.newSessionOk === false ? 'new SSH connection refused' : 'no access proof ran';
  const restored = guard.restoredBy === 'session' ? 'rolled back through the session' : guard.restoredBy === 'timer' ? 'restored by the dead-man timer' : 'nothing restored';
  return (
    <div className="small muted" data-testid="fix-job-guard" data-new-session-ok={String(guard.newSessionOk)} data-restored-by={guard.restoredBy}>
      lockout guard: {guard.armed ? 'armed' : 'not armed'}; {proof}; {restored}
    </div>
  );
}

function JobRows({ job: j, hostId, open, onToggle }: { job: FixJobSummary; hostId: number; open: boolean; onToggle: () => void }): React.JSX.Element {
  const detail = useFixes((s) => s.details[j.jobId]);
  const loadJob = useFixes((s) => s.loadJob);
  const rollbackJob = useFixes((s) => s.rollbackJob);
  const resumeJob = useFixes((s) => s.resumeJob);
  const busy = useFixes((s) => s.dialog?.phase === 'running');
  const [confirming, setConfirming] = useState(false);
  const unfinished = UNFINISHED.includes(j.status);
  const canRollback = !j.running && (j.status === 'applied' || j.status === 'partial' || j.status === 'rollback-incomplete' || unfinished);
  // Each fix's own outcome matters when the job's outcome does not say it for all (partial, several fixes).
  const perFix = j.fixes.length > 1 || j.status === 'partial';

  useEffect(() => {
    if (open) void loadJob(j.jobId);
  }, [open, j.jobId, j.updatedAt, loadJob]);

  return (
    <>
      <tr data-testid="fix-job-row" data-job-id={j.jobId} data-status={j.status} className={open ? 'open' : ''}>
        <td className="nowrap">{formatDate(j.createdAt)}</td>
        <td>
          <div data-testid="fix-job-who">{j.confirmedBy ?? '—'}</div>
          {j.confirmedAt && <div className="small muted">confirmed {formatDate(j.confirmedAt)}</div>}
        </td>
        <td className="small" data-testid="fix-job-what">
          {j.fixes.map((f, i) => (
            <div key={`${f.findingId}-${i}`} data-testid="fix-job-fix" data-finding-id={f.findingId} data-outcome={f.outcome}>
              {perFix && (
                <>
                  <span className={`fix-status fst-${f.outcome}`} data-testid="fix-job-fix-outcome">
                    {OUTCOME_TEXT[f.outcome] ?? f.outcome}
                  </span>{' '}
                </>
              )}
              <span className="strong">{f.title}</span> <span className="mono muted">{f.checkId}</span>
              {f.targets.map((t) => (
                <div key={t.path} className="mono">
                  {t.path}: {t.from} → {t.to}
                </div>
              ))}
              {perFix && f.outcomeDetail && f.outcome !== 'applied' && (
                <div className="small muted" data-testid="fix-job-fix-detail">
                  {f.outcomeDetail}
                </div>
              )}
            </div>
          ))}
        </td>
        <td>
          <span className={`fix-status fst-${j.status}`} data-testid="fix-job-outcome">
            {OUTCOME[j.status] ?? j.status}
          </span>
          {j.running && <div className="small muted">running now</div>}
          {j.fixes.length > 1 && (
            <div className="small muted" data-testid="fix-job-policy" data-value={j.onFailure}>
              on failure: {POLICIES.find((p) => p.value === j.onFailure)?.label.toLowerCase() ?? j.onFailure}
            </div>
          )}
          {j.lockoutGuard && <GuardSummary guard={j.lockoutGuard} />}
          {j.error && j.status !== 'applied' && <div className="small">{j.error}</div>}
        </td>
        <td className="mono small" data-testid="fix-job-id">
          {j.jobId}
        </td>
        <td className="nowrap">
          <button type="button" className="btn small" data-testid="fix-job-toggle" onClick={onToggle}>
            {open ? 'Hide' : 'Details'}
          </button>{' '}
          {canRollback && !confirming && (
            <button type="button" className="btn small danger-outline" data-testid="fix-job-rollback" disabled={busy} onClick={() => setConfirming(true)}>
              Roll back
            </button>
          )}{' '}
          {unfinished && !j.running && (
            <button type="button" className="btn small" data-testid="fix-job-finish" disabled={busy} onClick={() => void resumeJob(hostId, j.jobId)}>
              Finish
            </button>
          )}
          {confirming && (
            <span className="confirm confirm-box" data-testid="fix-rollback-confirm-box">
              <span className="small">Put every file of this job back as it was before it?</span>
              <button
                type="button"
                className="btn small danger"
                data-testid="fix-rollback-confirm"
                disabled={busy}
                onClick={() => {
                  setConfirming(false);
                  void rollbackJob(hostId, j.jobId);
                }}
              >
                Roll back
              </button>
              <button type="button" className="btn small" data-testid="fix-rollback-cancel" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </span>
          )}
        </td>
      </tr>
      {open && (
        <tr className="fix-job-detail-row">
          <td colSpan={6}>
            <div data-testid="fix-job-detail" data-job-id={j.jobId}>
              <p className="small">
                Backups: <span className="mono">{j.backupDir}</span> on the host{j.status === 'rollback-incomplete' ? ` (as root: sh ${j.backupDir}/restore.sh)` : ''}. Last
                change {formatDate(j.updatedAt)}.
              </p>
              {j.fixes.map((f, i) => (
                <div key={`${f.findingId}-${i}`} className="small">
                  <RiskBadge risk={f.risk} /> {f.title}: <span className="mono">{f.resource}</span> <span className="muted">(finding {f.findingId})</span>
                  {f.diff ? <DiffView diff={f.diff} testId="fix-job-diff" /> : <span className="muted"> — no file content edited (mode and owner only)</span>}
                </div>
              ))}
              {!detail ? (
                <p className="muted small">Loading the steps…</p>
              ) : (
                <table className="table fix-journal">
                  <thead>
                    <tr>
                      <th>#</th>
                      <th>Step</th>
                      <th>Status</th>
                      <th>Detail</th>
                      <th>Command</th>
                      <th>Finished</th>
                    </tr>
                  </thead>
                  <tbody>
                    {detail.steps.map((s) => (
                      <tr key={s.seq} data-testid="fix-journal-step" data-status={s.status} data-kind={s.kind}>
                        <td className="num">{s.seq}</td>
                        <td className="mono small">
                          {s.name}
                          {s.target !== null && ` ${JSON.stringify(s.target)}`}
                        </td>
                        <td>
                          <span className={`fix-status fst-${s.status}`}>{s.status}</span>
                        </td>
                        <td className="small">{s.detail ?? ''}</td>
                        <td>
                          <details>
                            <summary className="small muted">show</summary>
                            <pre className="command">{s.command}</pre>
                          </details>
                        </td>
                        <td className="nowrap small">{s.finishedAt ? formatDate(s.finishedAt) : ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          </td>
        </tr>
      )}
    </>
  );
}
