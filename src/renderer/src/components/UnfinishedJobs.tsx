// Jobs a crash (or a dropped connection) left unfinished, on every host: shown at start and after
// each job until they are rolled back or finished. They may hold files half-changed, and a host
// with one gets no new fix until it is dealt with.
import type React from 'react';
import { useFixes } from '../fixes';
import { OUTCOME_TEXT } from './FixDialog';
import { formatDate } from '../format';
import { useStore } from '../store';

export function UnfinishedJobs(): React.JSX.Element | null {
  const jobs = useFixes((s) => s.unfinished);
  const busy = useFixes((s) => s.dialog?.phase === 'running');
  const rollbackJob = useFixes((s) => s.rollbackJob);
  const resumeJob = useFixes((s) => s.resumeJob);
  const hosts = useStore((s) => s.hosts);
  if (jobs.length === 0) return null;
  return (
    <div className="panel unfinished-jobs" data-testid="unfinished-jobs">
      <div className="panel-title">
        <h2>Unfinished fix jobs</h2>
        <span className="muted">{jobs.length}</span>
      </div>
      <p className="small">
        These jobs stopped before they finished (Rampart closed, or the connection dropped). Their files may be half-changed. <strong>Roll back</strong>{' '}
        puts every file back as it was before the job; <strong>Finish</strong> reads each unsure step on the host, then completes and verifies the job.
      </p>
      <table className="table">
        <thead>
          <tr>
            <th>Host</th>
            <th>Started</th>
            <th>Confirmed by</th>
            <th>Fixes</th>
            <th>State</th>
            <th>Job</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => {
            // Only a job of a host profile in this database can be reconnected to.
            const host = hosts.find((h) => h.id === j.hostId) ?? hosts.find((h) => h.address === j.address && h.port === j.port);
            return (
              <tr key={j.jobId} data-testid="unfinished-job" data-job-id={j.jobId} data-status={j.status}>
                <td className="strong">{host?.name ?? j.hostName}</td>
                <td className="nowrap">{formatDate(j.createdAt)}</td>
                <td>{j.confirmedBy ?? '—'}</td>
                <td className="small">
                  {j.fixes.map((f) => (
                    <div key={f.findingId} data-testid="unfinished-fix" data-outcome={f.outcome}>
                      {j.fixes.length > 1 && <span className={`fix-status fst-${f.outcome}`}>{OUTCOME_TEXT[f.outcome] ?? f.outcome}</span>} {f.title}{' '}
                      <span className="mono muted">{f.resource}</span>
                    </div>
                  ))}
                </td>
                <td>
                  <span className={`fix-status fst-${j.status}`}>{j.status}</span>
                  {j.fixes.length > 1 && (
                    <div className="small muted" data-testid="unfinished-policy" data-value={j.onFailure}>
                      on failure: {j.onFailure}
                      {j.onFailure !== 'rollback-all' ? ' (Finish goes on under it; Roll back undoes everything applied)' : ''}
                    </div>
                  )}
                  {j.running && <span className="small muted"> running now</span>}
                  {j.lockoutGuard?.armed && (
                    <div className="small" data-testid="unfinished-guard">
                      A dead-man switch was armed: the host puts the old access settings back by itself when its window ends. An unproven access change is
                      never carried on: Finish rolls back a change that was not proven.
                    </div>
                  )}
                </td>
                <td className="mono small">{j.jobId}</td>
                <td className="nowrap">
                  {host ? (
                    <>
                      <button type="button" className="btn small danger-outline" data-testid="unfinished-rollback" disabled={busy || j.running} onClick={() => void rollbackJob(host.id, j.jobId)}>
                        Roll back
                      </button>{' '}
                      <button type="button" className="btn small" data-testid="unfinished-finish" disabled={busy || j.running} onClick={() => void resumeJob(host.id, j.jobId)}>
                        Finish
                      </button>
                    </>
                  ) : (
                    <span className="small muted">no saved host for {j.address}:{j.port}: use rampart fix --rollback/--resume</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
