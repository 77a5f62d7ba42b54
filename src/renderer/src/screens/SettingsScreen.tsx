// Settings (issue 14 items 6 and 8): theme, the database (where it is, backup, restore), export
// and import of runs and triage decisions, retention (preview before anything is deleted), the
// default fail-on severity of `rampart audit`, and what the keychain holds (counts, never values).
import { useEffect, useId, useState } from 'react';
import type React from 'react';
import type { ExportResult, ImportResult, RestoreResult, RetentionPolicy, RetentionPreview, SettingsView, Theme } from '../../../shared/ipc/settings';
import { call, errorMessage } from '../api';
import { ModalDialog } from '../components/ModalDialog';
import { PathField, useNativeDialogs } from '../components/PathField';
import { formatDate } from '../format';
import { useSettings } from '../settings';
import { useStore } from '../store';
import '../settings.css';

function formatBytes(n: number | null): string {
  if (n === null) return '—';
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const THEMES: Array<[Theme, string, string]> = [
  ['system', 'System', 'Follows the operating system’s light or dark setting'],
  ['light', 'Light', ''],
  ['dark', 'Dark', ''],
];

const FAIL_ON: Array<[string, string]> = [
  ['critical', 'Critical'],
  ['high', 'High (Rampart’s default)'],
  ['medium', 'Medium'],
  ['low', 'Low'],
  ['info', 'Info'],
  ['none', 'None (never fail on findings)'],
];

/** A result line or an error line under an action, announced to screen readers. */
function Outcome({ ok, error, testId }: { ok: React.ReactNode; error: string | null; testId: string }): React.JSX.Element | null {
  if (error)
    return (
      <p className="form-error" role="alert" data-testid={`${testId}-error`}>
        {error}
      </p>
    );
  if (ok)
    return (
      <p className="settings-ok" role="status" data-testid={`${testId}-result`}>
        {ok}
      </p>
    );
  return null;
}

function Appearance({ view }: { view: SettingsView }): React.JSX.Element {
  const update = useSettings((s) => s.update);
  const showError = useStore((s) => s.showError);
  return (
    <section className="panel" aria-labelledby="settings-appearance">
      <h2 id="settings-appearance">Appearance</h2>
      <fieldset className="settings-choices">
        <legend>Theme</legend>
        {THEMES.map(([t, label, hint]) => (
          <label key={t} className="check">
            <input
              type="radio"
              name="theme"
              value={t}
              data-testid={`theme-${t}`}
              checked={view.settings.theme === t}
              onChange={() => void update({ theme: t }).catch((e: unknown) => showError(e))}
            />
            {label}
            {hint && <span className="muted small"> — {hint}</span>}
          </label>
        ))}
      </fieldset>
    </section>
  );
}

function Database({ view, reload }: { view: SettingsView; reload: () => Promise<void> }): React.JSX.Element {
  const native = useNativeDialogs();
  const [backupPath, setBackupPath] = useState('');
  const [restorePath, setRestorePath] = useState('');
  const [busy, setBusy] = useState<'backup' | 'restore' | null>(null);
  const [backup, setBackup] = useState<{ ok: React.ReactNode; error: string | null }>({ ok: null, error: null });
  const [restore, setRestore] = useState<{ ok: React.ReactNode; error: string | null }>({ ok: null, error: null });
  const [confirming, setConfirming] = useState(false);

  const doBackup = async (): Promise<void> => {
    setBusy('backup');
    setBackup({ ok: null, error: null });
    try {
      const r = await call('settings', 'backup', native ? {} : { path: backupPath.trim() });
      setBackup(r.cancelled ? { ok: null, error: null } : { ok: <>Backed up to <span className="mono">{r.file}</span> ({formatBytes(r.bytes)}).</>, error: null });
    } catch (e) {
      setBackup({ ok: null, error: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  };

  const doRestore = async (): Promise<void> => {
    setConfirming(false);
    setBusy('restore');
    setRestore({ ok: null, error: null });
    try {
      const r: RestoreResult = await call('settings', 'restore', native ? {} : { path: restorePath.trim() });
      if (!r.cancelled) {
        setRestore({
          ok: (
            <>
              Restored <span className="mono">{r.restoredFrom}</span> (schema {r.fromSchemaVersion}
              {r.fromSchemaVersion !== r.schemaVersion ? `, migrated to ${r.schemaVersion}` : ''}): {r.hosts} host{r.hosts === 1 ? '' : 's'}, {r.runs} run{r.runs === 1 ? '' : 's'}. The database as it was before is saved at{' '}
              <span className="mono">{r.previousSavedTo}</span>.
            </>
          ),
          error: null,
        });
        await reload();
      }
    } catch (e) {
      setRestore({ ok: null, error: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="panel" aria-labelledby="settings-database">
      <h2 id="settings-database">Database</h2>
      <p className="small muted">Everything Rampart knows — hosts, runs, triage decisions, fix journals — lives in this one SQLite file on this computer; nothing needs a connection to be read.</p>
      <dl className="facts settings-facts">
        <dt>Location</dt>
        <dd className="mono" data-testid="settings-db-path">
          {view.dbPath}
        </dd>
        <dt>Size</dt>
        <dd data-testid="settings-db-size">{formatBytes(view.dbBytes)}</dd>
        <dt>Schema version</dt>
        <dd data-testid="settings-db-schema">{view.schemaVersion}</dd>
        <dt>Backups folder</dt>
        <dd className="mono">{view.backupsDir}</dd>
      </dl>
      <div className="settings-action">
        <h3>Back up</h3>
        <p className="small muted">A consistent copy made while Rampart keeps running (SQLite’s online backup), written owner-only.</p>
        <PathField label="Back up to" value={backupPath} onChange={setBackupPath} placeholder={`${view.backupsDir}/rampart-backup.sqlite3`} testId="backup-path" disabled={busy !== null} />
        <button type="button" className="btn" data-testid="backup-run" disabled={busy !== null || (!native && !backupPath.trim())} onClick={() => void doBackup()}>
          {busy === 'backup' ? 'Backing up…' : native ? 'Back up to…' : 'Back up'}
        </button>
        <Outcome ok={backup.ok} error={backup.error} testId="backup" />
      </div>
      <div className="settings-action">
        <h3>Restore</h3>
        <p className="small muted">Replaces this database with a backup. The file is checked first (an intact Rampart database, not from a newer Rampart); the current database is copied to the backups folder before anything changes.</p>
        <PathField label="Restore from" value={restorePath} onChange={setRestorePath} placeholder="/path/to/rampart-backup.sqlite3" testId="restore-path" disabled={busy !== null} />
        <button type="button" className="btn danger-outline" data-testid="restore-run" disabled={busy !== null || (!native && !restorePath.trim())} onClick={() => setConfirming(true)}>
          {busy === 'restore' ? 'Restoring…' : native ? 'Restore from…' : 'Restore'}
        </button>
        <Outcome ok={restore.ok} error={restore.error} testId="restore" />
      </div>
      {confirming && (
        <ModalDialog title="Restore the database?" onClose={() => setConfirming(false)} testId="restore-confirm">
          <p>
            Every host, run and triage decision in <span className="mono">{view.dbPath}</span> is replaced by the backup
            {native ? ' you choose next' : <> <span className="mono">{restorePath.trim()}</span></>}. The current database is saved to <span className="mono">{view.backupsDir}</span> first.
          </p>
          <div className="form-actions">
            <button type="button" className="btn" data-testid="restore-cancel" onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button type="button" className="btn danger" data-testid="restore-confirm-run" data-autofocus onClick={() => void doRestore()}>
              {native ? 'Choose the backup…' : 'Restore'}
            </button>
          </div>
        </ModalDialog>
      )}
    </section>
  );
}

function ExportImport({ reload }: { reload: () => Promise<void> }): React.JSX.Element {
  const native = useNativeDialogs();
  const hosts = useStore((s) => s.hosts);
  const id = useId();
  const [host, setHost] = useState('');
  const [exportPath, setExportPath] = useState('');
  const [importPath, setImportPath] = useState('');
  const [busy, setBusy] = useState<'export' | 'import' | null>(null);
  const [exported, setExported] = useState<{ r: Extract<ExportResult, { cancelled: false }> | null; error: string | null }>({ r: null, error: null });
  const [imported, setImported] = useState<{ r: Extract<ImportResult, { cancelled: false }> | null; error: string | null }>({ r: null, error: null });

  const doExport = async (): Promise<void> => {
    setBusy('export');
    setExported({ r: null, error: null });
    try {
      const r = await call('settings', 'exportBundle', { ...(host ? { host } : {}), ...(native ? {} : { path: exportPath.trim() }) });
      setExported({ r: r.cancelled ? null : r, error: null });
    } catch (e) {
      setExported({ r: null, error: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  };
  const doImport = async (): Promise<void> => {
    setBusy('import');
    setImported({ r: null, error: null });
    try {
      const r = await call('settings', 'importBundle', native ? {} : { path: importPath.trim() });
      setImported({ r: r.cancelled ? null : r, error: null });
      if (!r.cancelled) await reload();
    } catch (e) {
      setImported({ r: null, error: errorMessage(e) });
    } finally {
      setBusy(null);
    }
  };
  const r = imported.r;

  return (
    <section className="panel" aria-labelledby="settings-bundle">
      <h2 id="settings-bundle">Export and import</h2>
      <p className="small muted">
        Runs and triage decisions as one JSON bundle (<span className="mono">rampart.bundle/v1</span>), to carry them to another computer or keep them outside the database. No host profile,
        pinned key or keychain entry is in it. Also <span className="mono">rampart export</span> / <span className="mono">rampart import</span>.
      </p>
      <div className="settings-action">
        <h3>Export</h3>
        <div className="field">
          <label htmlFor={`${id}-host`}>Runs of</label>
          <select id={`${id}-host`} data-testid="export-host" value={host} onChange={(e) => setHost(e.target.value)}>
            <option value="">Every host and mail domain</option>
            {hosts.map((h) => (
              <option key={h.id} value={h.name}>
                {h.name}
              </option>
            ))}
          </select>
        </div>
        <PathField label="Export to" value={exportPath} onChange={setExportPath} placeholder="/home/me/rampart-bundle.json" testId="export-path" disabled={busy !== null} />
        <button type="button" className="btn" data-testid="export-run" disabled={busy !== null || (!native && !exportPath.trim())} onClick={() => void doExport()}>
          {busy === 'export' ? 'Exporting…' : native ? 'Export to…' : 'Export'}
        </button>
        <Outcome
          ok={
            exported.r && (
              <>
                Exported {exported.r.runs} run{exported.r.runs === 1 ? '' : 's'} and {exported.r.triage} triage decision{exported.r.triage === 1 ? '' : 's'} to <span className="mono">{exported.r.file}</span> ({formatBytes(exported.r.bytes)}).
              </>
            )
          }
          error={exported.error}
          testId="export"
        />
      </div>
      <div className="settings-action">
        <h3>Import</h3>
        <p className="small muted">Merged in one transaction: runs already here are skipped; for a finding with a different decision on each side the newer decision is kept. A bundle that is not valid changes nothing.</p>
        <PathField label="Import from" value={importPath} onChange={setImportPath} placeholder="/home/me/rampart-bundle.json" testId="import-path" disabled={busy !== null} />
        <button type="button" className="btn" data-testid="import-run" disabled={busy !== null || (!native && !importPath.trim())} onClick={() => void doImport()}>
          {busy === 'import' ? 'Importing…' : native ? 'Import from…' : 'Import'}
        </button>
        {imported.error && (
          <p className="form-error" role="alert" data-testid="import-error">
            {imported.error}
          </p>
        )}
        {r && (
          <div className="import-result" role="status" data-testid="import-result">
            <p>
              From <span className="mono">{r.file}</span>: runs <strong data-testid="import-runs-added">{r.runsAdded}</strong> added, <strong data-testid="import-runs-skipped">{r.runsSkipped}</strong> already here; triage
              decisions <strong data-testid="import-triage-added">{r.triageAdded}</strong> added, <strong data-testid="import-triage-unchanged">{r.triageUnchanged}</strong> unchanged,{' '}
              <strong data-testid="import-conflicts">{r.conflicts.length}</strong> conflicting.
            </p>
            {r.conflicts.length > 0 && (
              <table className="table compact" data-testid="import-conflict-table">
                <caption className="sr-only">Conflicting triage decisions</caption>
                <thead>
                  <tr>
                    <th scope="col">Finding</th>
                    <th scope="col">Here</th>
                    <th scope="col">In the bundle</th>
                    <th scope="col">Kept</th>
                  </tr>
                </thead>
                <tbody>
                  {r.conflicts.map((c) => (
                    <tr key={c.findingKey} data-testid="import-conflict">
                      <th scope="row">
                        {c.title ?? c.findingKey}
                        <div className="muted small">
                          {c.target ?? 'no run here'}
                          {c.checkId ? <> · <span className="mono">{c.checkId}</span></> : null}
                        </div>
                      </th>
                      <td>
                        {c.local.status} <span className="muted small">{formatDate(c.local.updatedAt)}</span>
                      </td>
                      <td>
                        {c.bundle.status} <span className="muted small">{formatDate(c.bundle.updatedAt)}</span>
                      </td>
                      <td>{c.kept === 'local' ? 'This database’s (newer)' : 'The bundle’s (newer)'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        )}
      </div>
    </section>
  );
}

function numberOrNull(s: string): number | null {
  const t = s.trim();
  return t === '' ? null : Number(t);
}

function Retention({ view }: { view: SettingsView }): React.JSX.Element {
  const update = useSettings((s) => s.update);
  const id = useId();
  const saved = view.settings.retention;
  const [keepRuns, setKeepRuns] = useState(saved.keepRunsPerTarget === null ? '' : String(saved.keepRunsPerTarget));
  const [keepDays, setKeepDays] = useState(saved.keepDays === null ? '' : String(saved.keepDays));
  const [preview, setPreview] = useState<RetentionPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<React.ReactNode>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  const policy = (): RetentionPolicy => ({ keepRunsPerTarget: numberOrNull(keepRuns), keepDays: numberOrNull(keepDays) });

  const doPreview = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setDone(null);
    setPreview(null);
    try {
      const p = policy();
      await update({ retention: p });
      setPreview(await call('settings', 'retentionPreview', { policy: p }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const doApply = async (): Promise<void> => {
    if (!preview) return;
    setConfirming(false);
    setBusy(true);
    try {
      const r = await call('settings', 'retentionApply', { policy: preview.policy, expectRunIds: preview.deleteRuns.map((x) => x.id) });
      setPreview(null);
      setDone(
        <>
          Deleted {r.deletedRuns} run{r.deletedRuns === 1 ? '' : 's'} and {r.deletedTriage} triage decision{r.deletedTriage === 1 ? '' : 's'} of findings no kept run has; {r.keptRuns} run{r.keptRuns === 1 ? '' : 's'} kept.
        </>,
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="settings-retention">
      <h2 id="settings-retention">Retention</h2>
      <p className="small muted">
        A run is kept when it is one of the newest runs of its host (or mail domain) <em>or</em> younger than the age below; a host’s latest run is always kept. Empty: that rule is off (both
        empty: keep everything). Nothing is deleted until you have seen the list and confirmed.
      </p>
      <div className="form-grid even">
        <div className="field">
          <label htmlFor={`${id}-runs`}>Keep the newest runs per host</label>
          <input id={`${id}-runs`} data-testid="retention-runs" type="number" min={1} inputMode="numeric" value={keepRuns} onChange={(e) => setKeepRuns(e.target.value)} placeholder="off" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-days`}>Keep runs younger than (days)</label>
          <input id={`${id}-days`} data-testid="retention-days" type="number" min={1} inputMode="numeric" value={keepDays} onChange={(e) => setKeepDays(e.target.value)} placeholder="off" />
        </div>
      </div>
      <div className="form-actions left">
        <button type="button" className="btn" data-testid="retention-preview" disabled={busy} onClick={() => void doPreview()}>
          Save and preview
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="retention-error">
          {error}
        </p>
      )}
      {done && (
        <p className="settings-ok" role="status" data-testid="retention-result">
          {done}
        </p>
      )}
      {preview && (
        <div className="retention-preview" data-testid="retention-plan">
          <p role="status" data-testid="retention-summary">
            {preview.deleteRuns.length === 0
              ? 'This policy deletes nothing.'
              : `${preview.deleteRuns.length} run${preview.deleteRuns.length === 1 ? '' : 's'} would be deleted; ${preview.keptRuns} kept.`}{' '}
            Triage decisions: {preview.keptTriage} kept (their finding is still in a kept run), {preview.orphanTriage} removed (their finding is in no kept run).
          </p>
          {preview.deleteRuns.length > 0 && (
            <>
              <table className="table compact" data-testid="retention-table">
                <caption className="sr-only">Runs the retention policy deletes</caption>
                <thead>
                  <tr>
                    <th scope="col">Host</th>
                    <th scope="col">Audited</th>
                    <th scope="col">Status</th>
                    <th scope="col">Grade</th>
                    <th scope="col" className="num">
                      Findings
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {preview.deleteRuns.map((r) => (
                    <tr key={r.id} data-testid="retention-run" data-run-id={r.id}>
                      <th scope="row">{r.target}</th>
                      <td>{formatDate(r.startedAt)}</td>
                      <td>{r.status}</td>
                      <td>{r.grade ?? '—'}</td>
                      <td className="num">{r.findings}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <button type="button" className="btn danger" data-testid="retention-apply" disabled={busy} onClick={() => setConfirming(true)}>
                Delete {preview.deleteRuns.length} run{preview.deleteRuns.length === 1 ? '' : 's'}…
              </button>
            </>
          )}
        </div>
      )}
      {confirming && preview && (
        <ModalDialog title="Delete these runs?" onClose={() => setConfirming(false)} testId="retention-confirm">
          <p>
            {preview.deleteRuns.length} run{preview.deleteRuns.length === 1 ? '' : 's'} and their findings are deleted for good
            {preview.orphanTriage ? `, with ${preview.orphanTriage} triage decision${preview.orphanTriage === 1 ? '' : 's'} of findings no kept run has` : ''}. Back up the database first if you may want them
            back.
          </p>
          <div className="form-actions">
            <button type="button" className="btn" data-testid="retention-cancel" data-autofocus onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button type="button" className="btn danger" data-testid="retention-confirm-run" onClick={() => void doApply()}>
              Delete {preview.deleteRuns.length} run{preview.deleteRuns.length === 1 ? '' : 's'}
            </button>
          </div>
        </ModalDialog>
      )}
    </section>
  );
}

function FailOn({ view }: { view: SettingsView }): React.JSX.Element {
  const update = useSettings((s) => s.update);
  const showError = useStore((s) => s.showError);
  const id = useId();
  return (
    <section className="panel" aria-labelledby="settings-failon">
      <h2 id="settings-failon">Default fail-on severity</h2>
      <div className="field">
        <label htmlFor={`${id}-failon`}>Exit status 1 when a finding is at or above</label>
        <select
          id={`${id}-failon`}
          data-testid="settings-fail-on"
          value={view.settings.defaultFailOn}
          onChange={(e) => void update({ defaultFailOn: e.target.value as SettingsView['settings']['defaultFailOn'] }).catch((x: unknown) => showError(x))}
        >
          {FAIL_ON.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
        <div className="field-hint">
          Used by <span className="mono">rampart audit</span> on this database when <span className="mono">--fail-on</span> is not given (CI jobs, scripts). The app itself never fails on
          findings.
        </div>
      </div>
    </section>
  );
}

function Keychain({ view }: { view: SettingsView }): React.JSX.Element {
  const k = view.keychain;
  if (!k) return <></>;
  return (
    <section className="panel" aria-labelledby="settings-keychain">
      <h2 id="settings-keychain">Keychain</h2>
      {k.available ? (
        <>
          <p data-testid="keychain-status">
            <span className="ok-mark" aria-hidden="true">
              ✓
            </span>{' '}
            The system keychain is available. Rampart keeps every private key, passphrase and sudo password there, never in the database.
          </p>
          <dl className="facts settings-facts" data-testid="keychain-counts">
            <dt>Private keys</dt>
            <dd data-testid="keychain-keys">{k.privateKeys}</dd>
            <dt>Key passphrases</dt>
            <dd data-testid="keychain-passphrases">{k.passphrases}</dd>
            <dt>sudo passwords</dt>
            <dd data-testid="keychain-sudo">{k.sudoPasswords}</dd>
            {k.other > 0 && (
              <>
                <dt>Other entries</dt>
                <dd>{k.other}</dd>
              </>
            )}
          </dl>
          <p className="small muted">Counts only: no stored value ever leaves the keychain for this screen.</p>
        </>
      ) : (
        <p className="form-error" data-testid="keychain-status">
          The keychain is not available: {k.message}
        </p>
      )}
    </section>
  );
}

export function SettingsScreen(): React.JSX.Element {
  const view = useSettings((s) => s.view);
  const error = useSettings((s) => s.error);
  const load = useSettings((s) => s.load);
  useEffect(() => {
    void load({ keychain: true });
  }, [load]);

  const reload = async (): Promise<void> => {
    // A restore or an import changes hosts and runs under every screen.
    await Promise.all([load({ keychain: true }), useStore.getState().init()]);
  };

  return (
    <div className="screen settings-screen" data-testid="settings-screen">
      <div className="screen-header">
        <h1>Settings</h1>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {!view ? (
        <div className="panel empty">Loading…</div>
      ) : (
        <>
          <Appearance view={view} />
          <Database view={view} reload={reload} />
          <ExportImport reload={reload} />
          <Retention view={view} />
          <FailOn view={view} />
          <Keychain view={view} />
        </>
      )}
    </div>
  );
}
