import { useEffect, useId, useState, type FormEvent } from 'react';
import type React from 'react';
import type { Host } from '../../../shared/domain';
import { isApiError } from '../api';
import { GradeChip, StatusBadge } from '../components/ui';
import { formatDate, formatScore, target } from '../format';
import { useStore, type AddHostRequest } from '../store';

export function HostsScreen(): React.JSX.Element {
  const hosts = useStore((s) => s.hosts);
  const loaded = useStore((s) => s.hostsLoaded);
  const loadHosts = useStore((s) => s.loadHosts);
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    void loadHosts();
  }, [loadHosts]);

  return (
    <section className="screen" data-testid="hosts-screen">
      <header className="screen-header">
        <h1>Hosts</h1>
        <span className="muted">{loaded ? `${hosts.length} host${hosts.length === 1 ? '' : 's'}` : 'loading…'}</span>
        <div className="spacer" />
        <button type="button" className="btn primary" data-testid="add-host" onClick={() => setAdding(true)} disabled={adding}>
          Add host
        </button>
      </header>

      {adding && <AddHostForm onClose={() => setAdding(false)} />}

      {loaded && hosts.length === 0 && !adding ? (
        <div className="panel empty" data-testid="hosts-empty">
          <p>No hosts yet.</p>
          <p className="muted">Add a server you can reach over SSH with a key. Rampart only reads; it never changes the server.</p>
        </div>
      ) : (
        hosts.length > 0 && <HostTable hosts={hosts} />
      )}
    </section>
  );
}

function HostTable({ hosts }: { hosts: Host[] }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  const open = (hostId: number): void => navigate({ screen: 'host', hostId });
  return (
    <div className="panel flush">
      <table className="table clickable" data-testid="host-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Target</th>
            <th>Host key</th>
            <th>Last run</th>
          </tr>
        </thead>
        <tbody>
          {hosts.map((h) => (
            <tr
              key={h.id}
              data-testid="host-row"
              data-host-id={h.id}
              tabIndex={0}
              onClick={() => open(h.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  open(h.id);
                }
              }}
            >
              <td className="strong" data-testid="host-name-cell">
                {h.name}
              </td>
              <td className="mono" data-testid="host-target">
                {target(h)}
              </td>
              <td className="mono small" data-testid="host-key">
                {h.hostKey ? (
                  <span title={`${h.hostKey.keyType}, pinned ${formatDate(h.hostKey.pinnedAt)}`}>{h.hostKey.fingerprint}</span>
                ) : (
                  <span className="warn-text">not pinned</span>
                )}
              </td>
              <td data-testid="host-last-run">
                {h.lastRun ? (
                  <span className="last-run">
                    <GradeChip grade={h.lastRun.grade} testId="host-grade" />
                    <span className="mono">{formatScore(h.lastRun.score)}</span>
                    {h.lastRun.status !== 'complete' && <StatusBadge status={h.lastRun.status} />}
                    <span className="muted small">{formatDate(h.lastRun.startedAt)}</span>
                  </span>
                ) : (
                  <span className="muted">never audited</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type FieldName = 'name' | 'address' | 'port' | 'username' | 'identityFile' | 'sshdConfigPath';
type Values = Record<FieldName, string>;

const INITIAL: Values = { name: '', address: '', port: '22', username: '', identityFile: '', sshdConfigPath: '/etc/ssh/sshd_config' };

const FIELDS: ReadonlyArray<{ field: FieldName; label: string; testId: string; placeholder: string; hint?: string; wide?: boolean }> = [
  { field: 'name', label: 'Name', testId: 'host-name', placeholder: 'web-1' },
  { field: 'address', label: 'Address', testId: 'host-address', placeholder: '203.0.113.10 or web-1.example.net' },
  { field: 'port', label: 'Port', testId: 'host-port', placeholder: '22' },
  { field: 'username', label: 'User', testId: 'host-user', placeholder: 'root' },
  {
    field: 'identityFile',
    label: 'Private key file',
    testId: 'host-identity',
    placeholder: '/home/you/.ssh/id_ed25519',
    hint: 'Path on this machine. Leave empty to use the SSH agent.',
    wide: true,
  },
  { field: 'sshdConfigPath', label: 'sshd_config path', testId: 'host-sshd-config', placeholder: '/etc/ssh/sshd_config', wide: true },
];

const FIELD_NAMES: ReadonlySet<string> = new Set(FIELDS.map((f) => f.field));

/** Sends what the user typed; the main process validates (one schema, one set of messages). */
function toRequest(v: Values): AddHostRequest {
  const req: AddHostRequest = { name: v.name, address: v.address, username: v.username };
  if (v.port.trim() !== '') req.port = v.port.trim();
  if (v.identityFile.trim() !== '') req.identityFile = v.identityFile;
  if (v.sshdConfigPath.trim() !== '') req.sshdConfigPath = v.sshdConfigPath;
  return req;
}

function AddHostForm({ onClose }: { onClose: () => void }): React.JSX.Element {
  const addHost = useStore((s) => s.addHost);
  const [values, setValues] = useState<Values>(INITIAL);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<string, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const idPrefix = useId();

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (saving) return;
    setSaving(true);
    setFormError(null);
    setFieldErrors({});
    try {
      await addHost(toRequest(values));
      onClose();
    } catch (err) {
      const byField = isApiError(err) ? err.fieldErrors() : {};
      const fieldsOnly = Object.keys(byField).length > 0 && Object.keys(byField).every((k) => FIELD_NAMES.has(k));
      // When every problem is shown next to its field, the summary need not repeat them.
      setFormError(fieldsOnly ? 'Check the highlighted fields.' : err instanceof Error ? err.message : 'Could not save the host.');
      setFieldErrors(byField);
      setSaving(false);
    }
  };

  const otherIssues = Object.entries(fieldErrors).filter(([k]) => !FIELD_NAMES.has(k));

  return (
    <form className="panel form" data-testid="host-form" onSubmit={(e) => void onSubmit(e)} noValidate autoComplete="off">
      <h2>Add host</h2>
      <div className="form-grid">
        {FIELDS.map(({ field, label, testId, placeholder, hint, wide }) => {
          const id = `${idPrefix}-${field}`;
          const error = fieldErrors[field];
          return (
            <div key={field} className={`field${wide ? ' wide' : ''}${error ? ' has-error' : ''}`}>
              <label htmlFor={id}>{label}</label>
              <input
                id={id}
                type="text"
                inputMode={field === 'port' ? 'numeric' : undefined}
                spellCheck={false}
                data-testid={testId}
                placeholder={placeholder}
                value={values[field]}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${id}-error` : undefined}
                onChange={(e) => setValues((v) => ({ ...v, [field]: e.target.value }))}
              />
              {error ? (
                <div id={`${id}-error`} className="field-error" data-testid={`field-error-${field}`}>
                  {error}
                </div>
              ) : (
                hint && <div className="field-hint">{hint}</div>
              )}
            </div>
          );
        })}
      </div>
      {formError && (
        <div className="form-error" role="alert" data-testid="form-error">
          {formError}
          {otherIssues.length > 0 && (
            <ul>
              {otherIssues.map(([k, m]) => (
                <li key={k}>
                  {k}: {m}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn primary" data-testid="host-save" disabled={saving}>
          {saving ? 'Saving…' : 'Save host'}
        </button>
        <button type="button" className="btn" data-testid="host-cancel" onClick={onClose} disabled={saving}>
          Cancel
        </button>
      </div>
    </form>
  );
}
