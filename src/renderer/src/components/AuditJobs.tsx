// Audits running in the background: the top bar's pill (how many, overall progress) opens a
// popover listing each audit with its phase, progress and Cancel, plus "Cancel all". Audits keep
// running whatever screen the user is on.
import { useEffect, useRef, useState } from 'react';
import type React from 'react';
import { AUDIT_PHASE_LABEL } from '../format';
import { useStore, type Job } from '../store';
import '../jobs.css';

export function AuditJobsPill(): React.JSX.Element | null {
  const jobs = useStore((s) => s.jobs);
  const hosts = useStore((s) => s.hosts);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (jobs.length === 0) setOpen(false);
  }, [jobs.length]);
  if (jobs.length === 0) return null;
  const running = jobs.filter((j) => j.phase !== 'queued');
  const queued = jobs.length - running.length;
  const first = jobs[0] as Job;
  const label =
    jobs.length === 1
      ? `Auditing ${hosts.find((h) => h.id === first.hostId)?.name ?? 'host'} · ${Math.round(first.progress * 100)}%`
      : `Auditing ${running.length} host${running.length === 1 ? '' : 's'}${queued ? ` · ${queued} queued` : ''}`;
  return (
    <>
      <button
        type="button"
        className="job-pill"
        data-testid="job-indicator"
        data-jobs={jobs.length}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <span className="pulse" aria-hidden="true" />
        {label}
      </button>
      {open && <AuditJobsPopover onClose={() => setOpen(false)} />}
    </>
  );
}

function AuditJobsPopover({ onClose }: { onClose: () => void }): React.JSX.Element {
  const jobs = useStore((s) => s.jobs);
  const hosts = useStore((s) => s.hosts);
  const cancelAudit = useStore((s) => s.cancelAudit);
  const cancelAll = useStore((s) => s.cancelAllAudits);
  const navigate = useStore((s) => s.navigate);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="jobs-popover" role="dialog" aria-label="Audits running" data-testid="jobs-panel" tabIndex={-1} ref={ref}>
      <div className="progress-head">
        <h2>Audits</h2>
        <span className="spacer" />
        <button type="button" className="btn small" data-testid="cancel-all-audits" onClick={() => void cancelAll()}>
          Cancel all
        </button>
        <button type="button" className="btn small" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      {jobs.map((j) => {
        const host = hosts.find((h) => h.id === j.hostId);
        return (
          <div key={j.jobId} className="job-row" data-testid="job-row" data-host={host?.name ?? ''} data-phase={j.phase}>
            <button type="button" className="link job-host" onClick={() => navigate({ screen: 'host', hostId: j.hostId })}>
              {host?.name ?? `host ${j.hostId}`}
            </button>
            <button type="button" className="btn small" data-testid="job-cancel" disabled={j.cancelling} onClick={() => void cancelAudit(j.jobId)}>
              {j.cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
            <span className="muted small">
              {AUDIT_PHASE_LABEL[j.phase]}
              {j.phase === 'queued' ? '' : ` · ${j.message}`}
            </span>
            <span className="mono muted small">{Math.round(j.progress * 100)}%</span>
            <progress max={1} value={j.progress} aria-label={`Audit of ${host?.name ?? 'host'}`} />
          </div>
        );
      })}
    </div>
  );
}
