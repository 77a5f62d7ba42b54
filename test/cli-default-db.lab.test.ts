// The CLI's default database is the desktop app's (issue 15, item 8): a CLI audit is kept there,
// its pinned host key trusted by the next run, and the app (createServices on the same default
// path) lists the run; --no-db keeps nothing; --db FILE wins. The tests' own RAMPART_DB
// (vitest.config.ts) is emptied here so the real default is used, under a temporary
// XDG_CONFIG_HOME and HOME.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { createHandlers } from '../src/main/handlers';
import { createServices } from '../src/main/services';
import { defaultDbFile } from '../src/main/store/location';
import { Store } from '../src/main/store/store';
import { BIN, exec, type Result } from './support/cliContract';
import { noSecrets } from './support/handlers';

const run = labPrerequisites().ok || process.env.RAMPART_LAB_REQUIRED === '1';

describe.runIf(run)('rampart CLI: the app database by default', () => {
  let lab: LabHost;
  let home: string;
  let env: Record<string, string>;
  let dbFile: string;

  const rampart = (...args: string[]): Promise<Result> => exec(process.execPath, [BIN, ...args], 150_000, env);
  const login = (): string[] => ['--host', `${lab.user}@${lab.address}:${lab.port}`, '--identity', lab.identityFile, '--format', 'json', '--fail-on', 'none'];
  const runCount = (): number => {
    const s = new Store(dbFile);
    try {
      return s.listRuns({ limit: 1000 }).length;
    } finally {
      s.close();
    }
  };

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-default-db-'));
    env = { RAMPART_DB: '', HOME: home, XDG_CONFIG_HOME: path.join(home, 'config') };
    dbFile = defaultDbFile({ env, platform: 'linux', home });
    lab = await createLabHost({ scenario: 'hardened' });
  }, 120_000);
  afterAll(async () => {
    if (lab) await destroyLabHost(lab);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('keeps the run and the pin in the app database, which the app then lists; --no-db keeps nothing', async () => {
    expect(dbFile).toBe(path.join(home, 'config', 'rampart', 'rampart.sqlite3'));
    const first = await rampart('audit', ...login(), '--accept-new-host-key');
    expect(first.code, first.stderr).toBe(0);
    expect(fs.existsSync(dbFile)).toBe(true);
    expect(fs.statSync(path.dirname(dbFile)).mode & 0o777).toBe(0o700);
    expect(runCount()).toBe(1);

    // The pin is kept: no --accept-new-host-key needed, and no trust-on-first-use warning.
    const second = await rampart('audit', ...login());
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/trusted the new host key/);
    expect(runCount()).toBe(2);

    // --no-db: nothing kept and nothing read (the pin is not known then).
    const none = await rampart('audit', ...login(), '--no-db');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/host key .* is not known/);
    expect(runCount()).toBe(2);

    // The desktop app opens the same file and sees the CLI's runs.
    const services = createServices({ dbFile: defaultDbFile({ env, platform: 'linux', home }), secrets: noSecrets });
    try {
      const res = await createHandlers(services).invoke('runs:list', {});
      expect(res.ok && (res.data as unknown[]).length).toBe(2);
    } finally {
      services.close();
    }
  }, 400_000);

  it('--db FILE wins; --db with --no-db is a usage error', async () => {
    const other = path.join(home, 'other', 'x.sqlite3');
    const r = await rampart('audit', ...login(), '--db', other, '--accept-new-host-key');
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(other)).toBe(true);
    const both = await rampart('audit', ...login(), '--db', other, '--no-db');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--db and --no-db cannot be combined');
  }, 200_000);
});
