// Trivy reports attached to a host's audits: for hosts that have no Trivy, the admin scans the
// images elsewhere (`trivy image --format json`) and attaches the JSON files here. The main process
// reads them before connecting, so a wrong file fails the audit at once with its name.
import { useState } from 'react';
import type React from 'react';
import { call } from '../api';
import { useStore } from '../store';
import '../jobs.css';

const NONE: string[] = [];

export function TrivyReports({ hostId }: { hostId: number }): React.JSX.Element {
  const paths = useStore((s) => s.trivyReports[hostId] ?? NONE);
  const setTrivyReports = useStore((s) => s.setTrivyReports);
  const nativeDialogs = useStore((s) => s.appInfo?.nativeDialogs ?? false);
  const showError = useStore((s) => s.showError);
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);

  const add = (): void => {
    const p = draft.trim();
    if (!p) return;
    if (!(p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p))) {
      setError('Give the full path of the report file (it is read on this computer).');
      return;
    }
    setError(null);
    setTrivyReports(hostId, [...paths, p]);
    setDraft('');
  };

  return (
    <div className="trivy-reports" data-testid="trivy-reports">
      <button type="button" className="btn small" data-testid="trivy-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        Trivy reports{paths.length ? ` (${paths.length})` : ''}…
      </button>
      {open && (
        <div className="panel note" role="group" aria-label="Trivy reports for this host's audits">
          <p className="muted small">
            Trivy JSON reports (<span className="mono">trivy image --format json</span>) of this host&apos;s images, used by the CVE checks
            of its next audits when the host has no Trivy. Read on this computer; nothing is uploaded.
          </p>
          {paths.length > 0 && (
            <ul data-testid="trivy-list">
              {paths.map((p) => (
                <li key={p} data-testid="trivy-item">
                  <span className="mono">{p}</span>{' '}
                  <button type="button" className="btn small" aria-label={`Detach ${p}`} onClick={() => setTrivyReports(hostId, paths.filter((x) => x !== p))}>
                    Detach
                  </button>
                </li>
              ))}
            </ul>
          )}
          {nativeDialogs ? (
            <button
              type="button"
              className="btn small"
              data-testid="trivy-choose"
              onClick={() =>
                void call('audit', 'chooseTrivyReport', {}).then(
                  (r) => r.path && setTrivyReports(hostId, [...paths, r.path]),
                  (e: unknown) => showError(e),
                )
              }
            >
              Choose a report file…
            </button>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                add();
              }}
            >
              <label>
                <span className="sr-only">Report file</span>
                <input
                  data-testid="trivy-path"
                  placeholder="/home/you/scans/nginx.json"
                  value={draft}
                  onChange={(e) => setDraft(e.target.value)}
                  aria-invalid={error !== null}
                />
              </label>
              <button type="submit" className="btn small" data-testid="trivy-attach" disabled={!draft.trim()}>
                Attach
              </button>
            </form>
          )}
          {error && (
            <p className="warn-text small" role="alert" data-testid="trivy-error">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
