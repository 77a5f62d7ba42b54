// "Export as Ansible" in the fix preview (issue 11): the previewed plan as a playbook that runs the
// same changes with the same pre-checks through Ansible's builtin modules. Shows the playbook and
// the fixes left out (with why); "Save" writes it to a path on this computer, the inventory beside
// it (NAME.inventory.yml). Nothing is sent to the host.
import { useId, useState } from 'react';
import type React from 'react';
import type { FixAnsibleExport } from '../../../shared/ipc/remediation';
import { call, errorMessage } from '../api';

export function AnsibleExport({ hostId, jobId }: { hostId: number; jobId: string }): React.JSX.Element {
  const [result, setResult] = useState<FixAnsibleExport | null>(null);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const run = async (save: boolean): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      setResult(await call('remediation', 'exportAnsible', { hostId, jobId, ...(save ? { path: path.trim() } : {}) }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (!result && !error)
    return (
      <div className="form-actions">
        <button type="button" className="btn" data-testid="fix-export-ansible" disabled={busy} onClick={() => void run(false)}>
          Export as Ansible
        </button>
      </div>
    );
  return (
    <section className="fix-ansible" data-testid="fix-ansible-export" aria-label="Export as Ansible">
      <h3>Export as Ansible</h3>
      {result && (
        <>
          <p className="small">
            {result.exported.length} fix{result.exported.length === 1 ? '' : 'es'} as an Ansible playbook (builtin modules only). It first checks that every file is exactly as this
            preview saw it and changes nothing if not. Ansible has no dead-man switch: Rampart&apos;s lockout guard does not carry over.
          </p>
          {result.skipped.length > 0 && (
            <ul className="small" data-testid="fix-ansible-skipped">
              {result.skipped.map((s) => (
                <li key={s.findingId}>
                  Not exported: <span className="mono">{s.checkId}</span> {s.resource}: {s.reason}
                </li>
              ))}
            </ul>
          )}
          <pre className="diff" data-testid="fix-ansible-playbook">
            {result.playbook}
          </pre>
          {result.playbookFile && (
            <p className="small" data-testid="fix-ansible-saved">
              Saved <span className="mono">{result.playbookFile}</span> and <span className="mono">{result.inventoryFile}</span>. Run:{' '}
              <span className="mono">
                ansible-playbook -i {result.inventoryFile} {result.playbookFile} --check
              </span>
            </p>
          )}
        </>
      )}
      <div className="field">
        <label htmlFor={`${id}-path`}>Save to (a path on this computer; the inventory goes beside it)</label>
        <input id={`${id}-path`} data-testid="fix-ansible-path" className="mono" placeholder="/home/me/rampart-fix.yml" spellCheck={false} value={path} onChange={(e) => setPath(e.target.value)} />
      </div>
      {error && (
        <div className="form-error" role="alert" data-testid="fix-ansible-error">
          {error}
        </div>
      )}
      <div className="form-actions">
        <button type="button" className="btn" data-testid="fix-ansible-save" disabled={busy || !path.trim()} onClick={() => void run(true)}>
          Save playbook
        </button>
      </div>
    </section>
  );
}
