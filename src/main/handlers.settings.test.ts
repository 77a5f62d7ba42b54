// settings:* and reports:preview / reports:saveAs through the handler table on real temporary
// SQLite files: typed paths without a dialog service, the dialog's choice (and cancel) with one,
// keychain counts from a real gnome-keyring on a private D-Bus (never a value in the response).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillStore } from '../../test/support/reportStore';
import { noSecrets } from '../../test/support/handlers';
import { startTestKeyring, type TestKeyring } from '../../test/support/keyring';
import type { Result } from '../shared/errors';
import type { DialogService, SaveDialogOptions } from './dialogs';
import { createHandlers } from './handlers';
import { KeytarSecretStore, type SecretStore } from './secrets/secretStore';
import { createServices } from './services';

let tmp = '';
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-handlers-settings-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function app(opts: { secrets?: SecretStore; dialogs?: DialogService; fill?: boolean } = {}) {
  const dbFile = path.join(tmp, `db-${++n}`, 'rampart.sqlite3');
  if (opts.fill !== false) fillStore(dbFile).store.close();
  const services = createServices({ dbFile, secrets: opts.secrets ?? noSecrets, ...(opts.dialogs ? { dialogs: opts.dialogs } : {}) });
  const h = createHandlers(services);
  const call = async <T = Record<string, unknown>>(ch: string, req: unknown): Promise<Result<T>> => (await h.invoke(ch, req)) as Result<T>;
  const ok = async <T = Record<string, unknown>>(ch: string, req: unknown): Promise<T> => {
    const r = await call<T>(ch, req);
    if (!r.ok) throw new Error(`${ch}: ${r.error.code} ${r.error.message}`);
    return r.data;
  };
  const fail = async (ch: string, req: unknown) => {
    const r = await call(ch, req);
    if (r.ok) throw new Error(`${ch} should have failed`);
    return r.error;
  };
  return { services, dbFile, ok, fail };
}

describe('settings:get keychain status', () => {
  let keyring: TestKeyring | null = null;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    keyring = await startTestKeyring();
    for (const [k, v] of Object.entries(keyring.env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    keyring?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('counts the stored keys and passwords by kind, and never returns a value', async () => {
    const secrets = new KeytarSecretStore('rampart-test-settings');
    const values = ['-----BEGIN OPENSSH PRIVATE KEY-----planted-key-1', 'planted-key-2', 'planted-passphrase-x', 'planted-sudo-pw-y'];
    await secrets.set('host:1:private-key', values[0]!);
    await secrets.set('host:2:private-key', values[1]!);
    await secrets.set('host:1:passphrase', values[2]!);
    await secrets.set('host:2:sudo-password', values[3]!);
    const a = app({ secrets });
    const view = await a.ok<{ keychain: unknown; dbPath: string }>('settings:get', { keychain: true });
    // Without asking, the keychain is not touched (the app reads the theme at every start).
    expect((await a.ok<{ keychain: unknown }>('settings:get', {})).keychain).toBeNull();
    expect(view.keychain).toEqual({ available: true, message: null, privateKeys: 2, passphrases: 1, sudoPasswords: 1, other: 0 });
    expect(view.dbPath).toBe(a.dbFile);
    const json = JSON.stringify(view);
    for (const v of values) expect(json).not.toContain(v);
    for (const acct of await secrets.accounts()) await secrets.delete(acct);
    a.services.close();
  });
});

describe('settings channels', () => {
  it('without a keychain: available false with the reason; settings update and read back', async () => {
    const a = app();
    const view = await a.ok<{ keychain: { available: boolean; message: string }; settings: unknown; nativeDialogs: boolean; schemaVersion: number; dbBytes: number }>('settings:get', { keychain: true });
    expect(view.keychain.available).toBe(false);
    expect(view.keychain.message).toMatch(/keychain not expected/);
    expect(view.nativeDialogs).toBe(false);
    expect(view.dbBytes).toBeGreaterThan(0);
    expect(await a.ok('settings:update', { theme: 'dark', defaultFailOn: 'medium' })).toMatchObject({ theme: 'dark', defaultFailOn: 'medium' });
    expect((await a.fail('settings:update', { theme: 'blue' })).code).toBe('VALIDATION');
    expect((await a.fail('settings:update', { retention: { keepRunsPerTarget: 0, keepDays: null } })).message).toMatch(/At least 1 run/);
    expect((await a.ok<{ settings: unknown }>('settings:get', {})).settings).toEqual({ theme: 'dark', retention: { keepRunsPerTarget: null, keepDays: null }, defaultFailOn: 'medium' });
    a.services.close();
  });

  it('retention preview then apply; a stale preview is a CONFLICT', async () => {
    const a = app();
    const policy = { keepRunsPerTarget: 1, keepDays: null };
    const p = await a.ok<{ deleteRuns: Array<{ id: string }> }>('settings:retentionPreview', { policy });
    expect(p.deleteRuns.map((r) => r.id)).toEqual(['run-prev', 'run-mid']);
    expect((await a.fail('settings:retentionApply', { policy, expectRunIds: ['run-prev'] })).code).toBe('CONFLICT');
    expect(await a.ok('settings:retentionApply', { policy, expectRunIds: ['run-prev', 'run-mid'] })).toEqual({ deletedRuns: 2, deletedTriage: 0, keptRuns: 2 });
    a.services.close();
  });

  it('backup and restore with typed paths; relative or bad files refused, nothing changed', async () => {
    const a = app();
    const backup = path.join(tmp, 'typed-backup.sqlite3');
    expect((await a.fail('settings:backup', {})).message).toMatch(/Type the full path/);
    expect((await a.fail('settings:backup', { path: 'relative.sqlite3' })).message).toMatch(/not an absolute path/);
    expect(await a.ok('settings:backup', { path: backup })).toMatchObject({ cancelled: false, file: backup });
    a.services.store.db.prepare('DELETE FROM audit_runs').run();
    const junk = path.join(tmp, 'junk.sqlite3');
    fs.writeFileSync(junk, 'junk');
    expect((await a.fail('settings:restore', { path: junk })).code).toBe('BACKUP_INVALID');
    expect(a.services.store.listRuns().length).toBe(0);
    // Not while a job runs: its result would land in the replaced database.
    a.services.jobs.set('job-1', new AbortController());
    expect((await a.fail('settings:restore', { path: backup })).code).toBe('CONFLICT');
    expect((await a.fail('settings:retentionApply', { policy: { keepRunsPerTarget: 1, keepDays: null }, expectRunIds: [] })).code).toBe('CONFLICT');
    a.services.jobs.clear();
    expect(a.services.store.listRuns().length).toBe(0);
    const r = await a.ok<{ runs: number; previousSavedTo: string }>('settings:restore', { path: backup });
    expect(r.runs).toBe(4);
    expect(path.dirname(r.previousSavedTo)).toBe(path.join(path.dirname(a.dbFile), 'backups'));
    expect(a.services.store.listRuns().length).toBe(4);
    a.services.close();
  });

  it('with a dialog service: the dialog picks the file, cancel writes nothing, a typed path is refused', async () => {
    const asked: SaveDialogOptions[] = [];
    let answer: string | null = null;
    const dialogs: DialogService = {
      saveFile: (o) => {
        asked.push(o);
        return Promise.resolve(answer);
      },
      openFile: () => Promise.resolve(answer),
    };
    const a = app({ dialogs });
    expect((await a.fail('settings:backup', { path: path.join(tmp, 'x.sqlite3') })).message).toMatch(/own file dialog/);
    expect(await a.ok('settings:backup', {})).toEqual({ cancelled: true });
    expect(await a.ok('reports:saveAs', { scope: { kind: 'fleet' }, kind: 'full', format: 'html' })).toEqual({ cancelled: true });
    answer = path.join(tmp, 'from-dialog.json');
    expect(await a.ok('settings:exportBundle', { host: 'web-1' })).toMatchObject({ cancelled: false, file: answer, runs: 3, triage: 2 });
    answer = path.join(tmp, 'ACTION_PLAN_TODO.md');
    expect(await a.ok('reports:saveAs', { scope: { kind: 'host', name: 'web-1' }, kind: 'action-plan', format: 'md' })).toMatchObject({ cancelled: false, file: answer, format: 'md' });
    expect(fs.readFileSync(answer, 'utf8')).toMatch(/^- \[ \] /m);
    expect(asked.map((o) => path.basename(o.defaultName))).toEqual([expect.stringMatching(/^rampart-backup-\d{4}-\d\d-\d\d\.sqlite3$/), expect.stringMatching(/^fleet-full-\d{4}-\d\d-\d\d\.html$/), expect.stringMatching(/^rampart-bundle-web-1-/), 'ACTION_PLAN_TODO.md']);
    expect((await a.ok<{ nativeDialogs: boolean }>('app:info', {})).nativeDialogs).toBe(true);
    a.services.close();
  });

  it('bundle export from one database and import into another; a bad bundle changes nothing', async () => {
    const a = app();
    const b = app({ fill: false });
    const file = path.join(tmp, 'bundle-typed.json');
    await a.ok('settings:exportBundle', { path: file });
    const bad = path.join(tmp, 'bad-bundle.json');
    fs.writeFileSync(bad, JSON.stringify({ schema: 'rampart.bundle/v1', runs: 'x' }));
    const e = await b.fail('settings:importBundle', { path: bad });
    expect(e.code).toBe('BUNDLE_INVALID');
    expect(b.services.store.listRuns().length).toBe(0);
    expect(await b.ok('settings:importBundle', { path: file })).toMatchObject({ cancelled: false, runsAdded: 4, runsSkipped: 0, triageAdded: 2, triageUnchanged: 0, conflicts: [] });
    a.services.close();
    b.services.close();
  });
});

describe('reports:preview and reports:saveAs', () => {
  it('previews a run, a host and the fleet as script-free HTML; unknown scopes are NOT_FOUND', async () => {
    const a = app();
    const fleet = await a.ok<{ html: string; targets: number; title: string }>('reports:preview', { scope: { kind: 'fleet' }, kind: 'executive' });
    expect(fleet.targets).toBe(2);
    expect(fleet.html).not.toMatch(/<script/i);
    const host = await a.ok<{ html: string; targets: number }>('reports:preview', { scope: { kind: 'host', name: 'web-1' }, kind: 'full' });
    expect(host.targets).toBe(1);
    expect(host.html).toContain('container:&lt;script&gt;');
    expect((await a.ok<{ targets: number }>('reports:preview', { scope: { kind: 'run', runId: 'run-other' }, kind: 'findings' })).targets).toBe(1);
    expect((await a.fail('reports:preview', { scope: { kind: 'host', name: 'nope' }, kind: 'full' })).code).toBe('NOT_FOUND');
    expect((await a.fail('reports:preview', { scope: { kind: 'galaxy' }, kind: 'full' })).code).toBe('VALIDATION');
    a.services.close();
  });

  it('saves each text format where typed, owner-only; a missing folder is a field error', async () => {
    const a = app();
    for (const format of ['md', 'html', 'json', 'csv'] as const) {
      const file = path.join(tmp, `fleet.${format}`);
      const r = await a.ok<{ file: string; bytes: number }>('reports:saveAs', { scope: { kind: 'fleet' }, kind: 'full', format, path: file });
      expect(r.file).toBe(file);
      expect(fs.statSync(file).size).toBe(r.bytes);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    }
    expect((await a.fail('reports:saveAs', { scope: { kind: 'fleet' }, kind: 'full', format: 'md', path: path.join(tmp, 'no-such-dir', 'x.md') })).message).toMatch(/does not exist/);
    a.services.close();
  });
});
