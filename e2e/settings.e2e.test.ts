// The Settings screen (issue 14 items 6 and 8) in the built renderer over the real handler
// table: a database filled through the Store API (test/support/reportStore.ts: a host with three
// runs, one target without a profile, an accepted risk and a false positive) and a real
// gnome-keyring on a private D-Bus holding a key and a sudo password. No native dialog here, so
// every file is a typed path. Screenshots in e2e/screenshots/settings/.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { fillStore } from '../test/support/reportStore';
import { startTestKeyring, type TestKeyring } from '../test/support/keyring';
import { KeytarSecretStore } from '../src/main/secrets/secretStore';
import type { RunSummary } from '../src/shared/domain';
import { SCHEMA_VERSION } from '../src/main/store/migrations';
import { ensureBuilt, openApp, resetScreenshots, shot, type App } from './harness';
import { pageOf, stepper, text, unwrap, visible } from './steps';

const PLANTED = { key: '-----BEGIN OPENSSH PRIVATE KEY-----e2e-planted-key', sudo: 'e2e-planted-sudo-password' };

describe('Settings', () => {
  let tmp = '';
  let app: App | null = null;
  let dbFile = '';
  let keyring: TestKeyring | null = null;
  const savedEnv = { ...process.env };
  let acceptedId = '';
  const page = (): Page => pageOf(app);
  const step = stepper(() => app);
  const runIds = async (): Promise<string[]> => unwrap(await app!.call<RunSummary[]>('runs', 'list', { limit: 100 })).map((r) => r.id).sort();
  // DOM expressions as strings: this file is compiled without the DOM library.
  const js = <T>(expr: string): Promise<T> => page().evaluate<T>(expr);
  const colorScheme = (): Promise<string | null> => js("document.documentElement.getAttribute('data-color-scheme')");
  // Full-page shots from the top: a sticky top bar would otherwise be drawn mid-page.
  const snap = async (name: string): Promise<void> => {
    await page().evaluate('window.scrollTo(0, 0)');
    await shot(page(), name);
  };
  const focused = (): Promise<string | null> => js("document.activeElement && document.activeElement.getAttribute('data-testid')");

  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('settings');
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-settings-'));
    dbFile = join(tmp, 'rampart.sqlite3');
    const filled = fillStore(dbFile);
    acceptedId = filled.acceptedId;
    filled.store.close();
    // The services run in this process: they get a private keyring before keytar is first used.
    keyring = await startTestKeyring();
    Object.assign(process.env, keyring.env);
    const secrets = new KeytarSecretStore();
    await secrets.set('host:1:private-key', PLANTED.key);
    await secrets.set('host:1:sudo-password', PLANTED.sudo);
    app = await openApp({ dbFile });
  });

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      keyring?.stop();
      for (const k of Object.keys(keyring?.env ?? {})) process.env[k] = savedEnv[k];
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  step('the screen shows the database location, schema and what the keychain holds (counts only)', async () => {
    await page().getByTestId('nav-settings').click();
    const screen = await visible(page().getByTestId('settings-screen'));
    expect(await text(page().getByTestId('settings-db-path'))).toBe(dbFile);
    expect(await text(page().getByTestId('settings-db-schema'))).toBe(String(SCHEMA_VERSION));
    expect(await text(page().getByTestId('settings-db-size'))).toMatch(/KB$/);
    await visible(page().getByTestId('keychain-counts'));
    expect(await text(page().getByTestId('keychain-keys'))).toBe('1');
    expect(await text(page().getByTestId('keychain-passphrases'))).toBe('0');
    expect(await text(page().getByTestId('keychain-sudo'))).toBe('1');
    const all = (await screen.textContent()) ?? '';
    expect(all).not.toContain(PLANTED.key);
    expect(all).not.toContain(PLANTED.sudo);
    // Typed paths: no native dialog in the browser bridge.
    await visible(page().getByTestId('backup-path'));
    await snap('settings');
  });

  step('theme: dark at once, kept across a reload; "system" follows the OS', async () => {
    await page().emulateMedia({ colorScheme: 'light' });
    expect(await colorScheme()).toBe('light');
    await page().getByTestId('theme-dark').check();
    await expect.poll(colorScheme).toBe('dark');
    const bg = await js<string>('getComputedStyle(document.body).backgroundColor');
    expect(bg).toBe('rgb(15, 20, 27)');
    await snap('settings-dark');
    await app!.reload();
    await expect.poll(colorScheme).toBe('dark');
    await page().getByTestId('nav-settings').click();
    await page().getByTestId('theme-system').check();
    await expect.poll(colorScheme).toBe('light');
    await page().emulateMedia({ colorScheme: 'dark' });
    await expect.poll(colorScheme).toBe('dark');
    await page().getByTestId('nav-dashboard').click();
    await visible(page().getByTestId('dashboard-screen'));
    await snap('fleet-dark-system');
    await page().emulateMedia({ colorScheme: 'light' });
    await expect.poll(colorScheme).toBe('light');
    await page().getByTestId('nav-settings').click();
    await visible(page().getByTestId('settings-screen'));
  });

  step('default fail-on is saved in the database', async () => {
    await page().getByTestId('settings-fail-on').selectOption('critical');
    await expect.poll(async () => unwrap(await app!.call<{ settings: { defaultFailOn: string } }>('settings', 'get', {})).settings.defaultFailOn).toBe('critical');
  });

  step('backup to a typed path; a relative path is refused', async () => {
    await page().getByTestId('backup-path').fill('backup.sqlite3');
    await page().getByTestId('backup-run').click();
    expect(await text(await visible(page().getByTestId('backup-error')))).toMatch(/not an absolute path/);
    const file = join(tmp, 'backup-1.sqlite3');
    await page().getByTestId('backup-path').fill(file);
    await page().getByTestId('backup-run').click();
    expect(await text(await visible(page().getByTestId('backup-result')))).toContain(`Backed up to ${file}`);
    expect(readFileSync(file).subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
  });

  step('retention: the preview lists what would go; the confirm dialog takes focus, Escape gives it back; then delete', async () => {
    await page().getByTestId('retention-runs').fill('1');
    await page().getByTestId('retention-preview').click();
    const plan = await visible(page().getByTestId('retention-plan'));
    expect(await plan.locator('[data-testid="retention-run"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')))).toEqual(['run-prev', 'run-mid']);
    expect(await text(page().getByTestId('retention-summary'))).toMatch(/2 runs would be deleted; 2 kept\. Triage decisions: 2 kept .*, 0 removed/);
    expect(await runIds()).toEqual(['run-latest', 'run-mid', 'run-other', 'run-prev']);
    await snap('retention-preview');
    const apply = page().getByTestId('retention-apply');
    await apply.click();
    const dialog = await visible(page().getByTestId('retention-confirm'));
    expect(await dialog.getAttribute('role')).toBe('dialog');
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await focused()).toBe('retention-cancel');
    await snap('retention-confirm');
    await page().keyboard.press('Escape');
    await expect.poll(() => page().getByTestId('retention-confirm').count()).toBe(0);
    expect(await focused()).toBe('retention-apply');
    expect(await runIds()).toHaveLength(4);
    await apply.click();
    await page().getByTestId('retention-confirm-run').click();
    expect(await text(await visible(page().getByTestId('retention-result')))).toMatch(/Deleted 2 runs and 0 triage decisions .* 2 runs kept/);
    expect(await runIds()).toEqual(['run-latest', 'run-other']);
  });

  step('restore: a file that is not a backup is refused with a clear error and nothing changes; the backup brings the runs back', async () => {
    const junk = join(tmp, 'notes.sqlite3');
    writeFileSync(junk, 'not a database\n');
    await page().getByTestId('restore-path').fill(junk);
    await page().getByTestId('restore-run').click();
    await visible(page().getByTestId('restore-confirm'));
    expect(await focused()).toBe('restore-confirm-run');
    await page().getByTestId('restore-confirm-run').click();
    expect(await text(await visible(page().getByTestId('restore-error')))).toMatch(/is not a Rampart database backup: it is not an SQLite database file\. Nothing was changed\./);
    expect(await runIds()).toEqual(['run-latest', 'run-other']);
    await snap('restore-refused');
    await page().getByTestId('restore-path').fill(join(tmp, 'backup-1.sqlite3'));
    await page().getByTestId('restore-run').click();
    await page().getByTestId('restore-confirm-run').click();
    const ok = await text(await visible(page().getByTestId('restore-result')));
    expect(ok).toMatch(/1 host, 4 runs\. The database as it was before is saved at .*rampart-before-restore-/);
    const before = /saved at (\S+\.sqlite3)/.exec(ok)![1]!;
    expect(existsSync(before)).toBe(true);
    expect(await runIds()).toEqual(['run-latest', 'run-mid', 'run-other', 'run-prev']);
    // Settings came back with the database (the backup was taken with fail-on critical).
    expect(await page().getByTestId('settings-fail-on').inputValue()).toBe('critical');
    await snap('restored');
  });

  step('export a bundle; importing it back after a newer local decision reports the conflict and keeps the newer', async () => {
    const bundle = join(tmp, 'bundle.json');
    await page().getByTestId('export-host').selectOption('web-1');
    await page().getByTestId('export-path').fill(bundle);
    await page().getByTestId('export-run').click();
    expect(await text(await visible(page().getByTestId('export-result')))).toMatch(/Exported 3 runs and 2 triage decisions/);
    expect(JSON.parse(readFileSync(bundle, 'utf8'))).toMatchObject({ schema: 'rampart.bundle/v1', host: 'web-1' });
    // A decision taken here after the export: newer than the bundle's.
    unwrap(await app!.call('findings', 'triage', { findingKey: acceptedId, status: 'open' }));
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"schema":"something-else"}');
    await page().getByTestId('import-path').fill(bad);
    await page().getByTestId('import-run').click();
    expect(await text(await visible(page().getByTestId('import-error')))).toMatch(/not a valid Rampart bundle: schema: not a Rampart bundle .*Nothing was imported/);
    await page().getByTestId('import-path').fill(bundle);
    await page().getByTestId('import-run').click();
    await visible(page().getByTestId('import-result'));
    expect(await text(page().getByTestId('import-runs-added'))).toBe('0');
    expect(await text(page().getByTestId('import-runs-skipped'))).toBe('3');
    expect(await text(page().getByTestId('import-triage-unchanged'))).toBe('1');
    expect(await text(page().getByTestId('import-conflicts'))).toBe('1');
    expect(await text(page().getByTestId('import-conflict'))).toMatch(/No brute-force protection.*web-1 · NET-FAIL2BAN-MISSING.*open.*accepted.*This database’s \(newer\)/);
    await snap('import-conflict');
  });
});
