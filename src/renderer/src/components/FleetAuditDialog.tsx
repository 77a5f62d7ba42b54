// Audit several hosts from the UI: every host, the hosts with a tag, or a hand-picked set. The
// preview says which hosts will run and which are left out and why (no trusted host key yet,
// already auditing); the audits then run in the background, a few at a time.
import { useEffect, useMemo, useRef, useState } from 'react';
import type React from 'react';
import type { Host } from '../../../shared/domain';
import { jobOfHost } from '../state/audit';
import { useStore } from '../store';
import '../jobs.css';

type Scope = { kind: 'all' } | { kind: 'tag'; tag: string } | { kind: 'pick'; ids: number[] };

function reasonLeftOut(host: Host, busy: boolean): string | null {
  if (host.hostKey === null) return 'no trusted host key yet (connect first)';
  if (busy) return 'already auditing';
  return null;
}

export function FleetAuditDialog({ onClose }: { onClose: () => void }): React.JSX.Element {
  const hosts = useStore((s) => s.hosts);
  const jobs = useStore((s) => s.jobs);
  const runFleetAudit = useStore((s) => s.runFleetAudit);
  const tags = useMemo(() => [...new Set(hosts.flatMap((h) => h.tags))].sort(), [hosts]);
  const [scope, setScope] = useState<Scope>({ kind: 'all' });
  const [started, setStarted] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  const chosen = hosts.filter((h) => (scope.kind === 'all' ? true : scope.kind === 'tag' ? h.tags.includes(scope.tag) : scope.ids.includes(h.id)));
  const rows = chosen.map((h) => ({ host: h, leftOut: reasonLeftOut(h, jobOfHost({ jobs }, h.id) !== undefined) }));
  const runnable = rows.filter((r) => r.leftOut === null);

  const start = (): void => {
    const result = runFleetAudit(runnable.map((r) => r.host.id));
    setStarted(`${result.queued.length} audit${result.queued.length === 1 ? '' : 's'} started in the background${result.skipped.length ? `, ${result.skipped.length} left out` : ''}.`);
  };

  return (
    <div className="panel form fleet-dialog" role="dialog" aria-labelledby="fleet-audit-title" data-testid="fleet-audit-dialog">
      <h2 id="fleet-audit-title" tabIndex={-1} ref={headingRef} className="panel-title">
        Audit several hosts
      </h2>
      <fieldset>
        <legend className="muted small">Which hosts</legend>
        <label className="check">
          <input type="radio" name="fleet-scope" data-testid="fleet-scope-all" checked={scope.kind === 'all'} onChange={() => setScope({ kind: 'all' })} /> Every host
        </label>{' '}
        <label className="check">
          <input
            type="radio"
            name="fleet-scope"
            data-testid="fleet-scope-tag"
            checked={scope.kind === 'tag'}
            disabled={tags.length === 0}
            onChange={() => setScope({ kind: 'tag', tag: tags[0] ?? '' })}
          />{' '}
          Hosts tagged
        </label>{' '}
        <select
          aria-label="Tag"
          data-testid="fleet-tag"
          disabled={scope.kind !== 'tag'}
          value={scope.kind === 'tag' ? scope.tag : ''}
          onChange={(e) => setScope({ kind: 'tag', tag: e.target.value })}
        >
          {scope.kind !== 'tag' && <option value="">—</option>}
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>{' '}
        <label className="check">
          <input type="radio" name="fleet-scope" data-testid="fleet-scope-pick" checked={scope.kind === 'pick'} onChange={() => setScope({ kind: 'pick', ids: [] })} /> Pick hosts
        </label>
      </fieldset>
      {scope.kind === 'pick' && (
        <div className="host-pick" role="group" aria-label="Hosts to audit">
          {hosts.map((h) => (
            <label key={h.id} className="check">
              <input
                type="checkbox"
                data-testid="fleet-pick"
                data-host={h.name}
                checked={scope.ids.includes(h.id)}
                onChange={(e) => setScope({ kind: 'pick', ids: e.target.checked ? [...scope.ids, h.id] : scope.ids.filter((x) => x !== h.id) })}
              />{' '}
              {h.name}
            </label>
          ))}
        </div>
      )}
      <table className="table" data-testid="fleet-preview" aria-label="Audit preview">
        <thead>
          <tr>
            <th>Host</th>
            <th>Will it run</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.host.id} data-testid="fleet-preview-row" data-host={r.host.name} data-runs={r.leftOut === null ? 'yes' : 'no'}>
              <td>{r.host.name}</td>
              <td className={r.leftOut ? 'muted' : ''}>{r.leftOut ? `left out: ${r.leftOut}` : 'audit'}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={2} className="muted">
                No host matches.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {started && (
        <p className="small" role="status" data-testid="fleet-started">
          {started} Follow them from the audits indicator in the top bar.
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn primary" data-testid="fleet-start" disabled={runnable.length === 0 || started !== null} onClick={start}>
          Audit {runnable.length} host{runnable.length === 1 ? '' : 's'}
        </button>
        <button type="button" className="btn" data-testid="fleet-close" onClick={onClose}>
          {started ? 'Close' : 'Cancel'}
        </button>
      </div>
    </div>
  );
}
