// Inventory import: choose an Ansible inventory or an ssh_config file by path, preview what it
// proposes (problems and duplicates shown per host), select, import. Nothing is written before
// "Import".
import { useId, useState, type FormEvent } from 'react';
import type React from 'react';
import type { ImportCandidate, ImportPreview, ImportResult, InventoryKind } from '../../../shared/ipc/inventory';
import type { KnownHostsImportResult } from '../../../shared/ipc/hostKeys';
import { errorMessage } from '../api';
import { useStore } from '../store';

const KINDS: ReadonlyArray<{ kind: InventoryKind; label: string; placeholder: string }> = [
  { kind: 'ansible', label: 'Ansible inventory (INI or YAML)', placeholder: '/home/you/ansible/inventory.ini' },
  { kind: 'ssh-config', label: 'OpenSSH client config (~/.ssh/config)', placeholder: '~/.ssh/config' },
];

export function ImportDialog({ onClose }: { onClose: () => void }): React.JSX.Element {
  const previewInventory = useStore((s) => s.previewInventory);
  const importInventory = useStore((s) => s.importInventory);
  const [kind, setKind] = useState<InventoryKind>('ansible');
  const [path, setPath] = useState('');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const idPrefix = useId();

  const onPreview = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const p = await previewInventory(kind, path.trim());
      setPreview(p);
      setSelected(new Set(p.candidates.filter((c) => c.problems.length === 0).map((c) => c.name)));
    } catch (err) {
      setPreview(null);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const onImport = async (): Promise<void> => {
    if (!preview) return;
    const chosen: ImportCandidate[] = preview.candidates.filter((c) => selected.has(c.name));
    setBusy(true);
    setError(null);
    try {
      const r = await importInventory(chosen);
      // What was imported is no longer importable: refresh the preview's duplicate marks, and
      // show the result with them (never a result beside rows that still offer the import).
      const p = await previewInventory(preview.kind, preview.path).catch(() => null);
      if (p) {
        setPreview(p);
        setSelected(new Set());
      }
      setResult(r);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (name: string): void =>
    setSelected((old) => {
      const next = new Set(old);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });

  const importable = preview?.candidates.filter((c) => c.problems.length === 0) ?? [];
  const placeholder = KINDS.find((k) => k.kind === kind)?.placeholder;

  return (
    <section className="panel dialog" data-testid="import-dialog" aria-label="Import hosts">
      <div className="panel-title">
        <h2>Import hosts</h2>
        <span className="muted">from an inventory you already keep. Preview first; nothing is added until you import.</span>
        <span className="spacer" />
        <button type="button" className="btn small" data-testid="import-close" onClick={onClose}>
          Close
        </button>
      </div>
      <form className="import-source" onSubmit={(e) => void onPreview(e)} noValidate>
        <div className="kind-choice" role="radiogroup" aria-label="File type">
          {KINDS.map((k) => (
            <label key={k.kind} className="check">
              <input type="radio" name={`${idPrefix}-kind`} value={k.kind} data-testid={`import-kind-${k.kind}`} checked={kind === k.kind} onChange={() => setKind(k.kind)} />
              {k.label}
            </label>
          ))}
        </div>
        <div className={`field wide${error ? ' has-error' : ''}`}>
          <label htmlFor={`${idPrefix}-path`}>File path</label>
          <div className="inline-input">
            <input
              id={`${idPrefix}-path`}
              type="text"
              spellCheck={false}
              data-testid="import-path"
              placeholder={placeholder}
              value={path}
              aria-invalid={error ? true : undefined}
              onChange={(e) => setPath(e.target.value)}
            />
            <button type="submit" className="btn" data-testid="import-preview" disabled={busy || path.trim() === ''}>
              {busy && !preview ? 'Reading…' : 'Preview'}
            </button>
          </div>
          {error && (
            <div className="field-error" data-testid="import-error" role="alert">
              {error}
            </div>
          )}
        </div>
      </form>

      {preview && (
        <>
          {preview.warnings.length > 0 && (
            <ul className="warnings" data-testid="import-warnings">
              {preview.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          )}
          {preview.candidates.length === 0 ? (
            <p className="muted" data-testid="import-empty">
              No hosts found in {preview.path}.
            </p>
          ) : (
            <table className="table import-table" data-testid="import-preview-table">
              <thead>
                <tr>
                  <th>
                    <input
                      type="checkbox"
                      aria-label="Select all importable"
                      data-testid="import-select-all"
                      checked={importable.length > 0 && importable.every((c) => selected.has(c.name))}
                      onChange={(e) => setSelected(e.target.checked ? new Set(importable.map((c) => c.name)) : new Set())}
                    />
                  </th>
                  <th>Name</th>
                  <th>Target</th>
                  <th>Key file</th>
                  <th>Jump</th>
                  <th>Groups</th>
                  <th>Problems</th>
                </tr>
              </thead>
              <tbody>
                {preview.candidates.map((c) => {
                  const blocked = c.problems.length > 0;
                  return (
                    <tr key={c.name} data-testid="import-candidate" data-name={c.name} data-importable={blocked ? 'false' : 'true'} className={blocked ? 'blocked' : ''}>
                      <td>
                        <input type="checkbox" aria-label={`Import ${c.name}`} data-testid="import-select" checked={selected.has(c.name)} disabled={blocked} onChange={() => toggle(c.name)} />
                      </td>
                      <td className="strong">{c.name}</td>
                      <td className="mono">
                        {c.username ?? <span className="muted">{preview.defaultUsername}</span>}@{c.address}:{c.port}
                      </td>
                      <td className="mono small">{c.identityFile ?? <span className="muted">agent</span>}</td>
                      <td className="mono small">{c.jump.length ? c.jump.join(' → ') : <span className="muted">—</span>}</td>
                      <td className="small">{c.groups.join(', ')}</td>
                      <td className="small" data-testid="import-problems">
                        {blocked ? (
                          <ul className="problems">
                            {c.problems.map((p, i) => (
                              <li key={i}>{p}</li>
                            ))}
                          </ul>
                        ) : (
                          <span className="ok-text">ready</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <div className="form-actions">
            <button type="button" className="btn primary" data-testid="import-confirm" disabled={busy || selected.size === 0} onClick={() => void onImport()}>
              {busy ? 'Importing…' : `Import ${selected.size} host${selected.size === 1 ? '' : 's'}`}
            </button>
            <span className="muted small">
              {preview.candidates.length} found in <span className="mono">{preview.path}</span>
            </span>
          </div>
        </>
      )}

      {result && (
        <div className="import-result" data-testid="import-result" role="status">
          <p>
            <strong data-testid="import-added-count">{result.added.length}</strong> added
            {result.added.length > 0 && `: ${result.added.map((h) => h.name).join(', ')}`}.
          </p>
          {result.skipped.length > 0 && (
            <ul data-testid="import-skipped">
              {result.skipped.map((s) => (
                <li key={s.name}>
                  <span className="strong">{s.name}</span>: {s.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

export function KnownHostsDialog({ onClose }: { onClose: () => void }): React.JSX.Element {
  const importKnownHosts = useStore((s) => s.importKnownHosts);
  const [path, setPath] = useState('~/.ssh/known_hosts');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<KnownHostsImportResult | null>(null);
  const idPrefix = useId();

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await importKnownHosts(path.trim()));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const conflicts = result?.skipped.filter((s) => s.reason === 'conflict') ?? [];
  const others = result?.skipped.filter((s) => s.reason !== 'conflict') ?? [];

  return (
    <section className="panel dialog" data-testid="known-hosts-dialog" aria-label="Import host keys from known_hosts">
      <div className="panel-title">
        <h2>Pin host keys from known_hosts</h2>
        <span className="muted">Keys your own ssh already trusts, for hosts in Rampart. A different key already pinned is never replaced.</span>
        <span className="spacer" />
        <button type="button" className="btn small" data-testid="known-hosts-close" onClick={onClose}>
          Close
        </button>
      </div>
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <div className={`field wide${error ? ' has-error' : ''}`}>
          <label htmlFor={`${idPrefix}-path`}>known_hosts file</label>
          <div className="inline-input">
            <input
              id={`${idPrefix}-path`}
              type="text"
              spellCheck={false}
              data-testid="known-hosts-path"
              value={path}
              aria-invalid={error ? true : undefined}
              onChange={(e) => setPath(e.target.value)}
            />
            <button type="submit" className="btn primary" data-testid="known-hosts-import" disabled={busy || path.trim() === ''}>
              {busy ? 'Reading…' : 'Pin matching keys'}
            </button>
          </div>
          {error && (
            <div className="field-error" data-testid="known-hosts-error" role="alert">
              {error}
            </div>
          )}
        </div>
      </form>
      {result && (
        <div className="import-result" data-testid="known-hosts-result" role="status">
          <p>
            <strong data-testid="known-hosts-pinned-count">{result.pinned.length}</strong> pinned from {result.entries} entries
            {result.invalidLines.length > 0 && <span className="muted"> ({result.invalidLines.length} unreadable lines ignored)</span>}.
          </p>
          {result.pinned.length > 0 && (
            <ul>
              {result.pinned.map((p) => (
                <li key={p.hostId} data-testid="known-hosts-pinned">
                  <span className="strong">{p.hostName}</span> <span className="mono small">{p.keyType} {p.fingerprint}</span>
                </li>
              ))}
            </ul>
          )}
          {conflicts.length > 0 && (
            <div className="conflicts">
              <h3>Left alone: a different key is pinned</h3>
              <ul>
                {conflicts.map((c) => (
                  <li key={c.hostId} data-testid="known-hosts-conflict">
                    <span className="strong">{c.hostName}</span>: pinned <code className="fingerprint old">{c.pinnedFingerprint}</code>, file{' '}
                    <code className="fingerprint">{c.fileFingerprint}</code>. Check the server, then replace the pin from the host&apos;s screen (Connect).
                  </li>
                ))}
              </ul>
            </div>
          )}
          {others.length > 0 && (
            <ul className="muted small">
              {others.map((s) => (
                <li key={s.hostId} data-testid="known-hosts-skipped" data-reason={s.reason}>
                  {s.hostName}: {s.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
