// `rampart export` / `rampart import` in-process (main()) on real SQLite files, their parsing,
// and the default fail-on severity taken from the database's settings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillStore } from '../../test/support/reportStore';
import { updateSettings } from '../main/data/appSettings';
import { Store } from '../main/store/store';
import { parseCommandLine, UsageError } from './args';
import { failOnFor } from './dataCommand';
import { main } from './index';

let dir = '';
let db = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-data-cmd-'));
  db = path.join(dir, 'runs.sqlite3');
  fillStore(db).store.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: dir });
  return { code, stdout, stderr };
}

describe('parsing', () => {
  it('export and import options, paths resolved against the working directory', () => {
    expect(parseCommandLine(['export', '--out', 'b.json', '--host', 'web-1', '--db', 'x.db'], '/w')).toEqual({ kind: 'export', out: '/w/b.json', host: 'web-1', db: '/w/x.db' });
    expect(parseCommandLine(['import', 'b.json', '--db', '/d/x.db'], '/w')).toEqual({ kind: 'import', file: '/w/b.json', db: '/d/x.db' });
    expect(parseCommandLine(['export', '--help'])).toEqual({ kind: 'help', topic: 'export' });
    expect(parseCommandLine(['help', 'import'])).toEqual({ kind: 'help', topic: 'import' });
    expect(() => parseCommandLine(['export'])).toThrow(UsageError);
    expect(() => parseCommandLine(['import'])).toThrow(/bundle FILE to import is required/);
    expect(() => parseCommandLine(['import', 'a', 'b'])).toThrow(/one bundle FILE at a time/);
    expect(() => parseCommandLine(['export', '--out', 'x', '--bogus'])).toThrow(UsageError);
  });
});

describe('rampart export / import', () => {
  it('exports a host, imports into a new database, and a second import adds nothing', async () => {
    const e = await run('export', '--db', db, '--host', 'web-1', '--out', 'web.json');
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).toMatch(/exported 3 run\(s\) and 2 triage decision\(s\)/);
    expect(fs.statSync(path.join(dir, 'web.json')).mode & 0o777).toBe(0o600);
    const i = await run('import', 'web.json', '--db', 'copy.sqlite3');
    expect(i.code, i.stderr).toBe(0);
    expect(i.stdout).toBe('runs: 3 added, 0 already present\ntriage decisions: 2 added, 0 unchanged, 0 conflicting\n');
    const again = await run('import', 'web.json', '--db', 'copy.sqlite3');
    expect(again.stdout).toMatch(/runs: 0 added, 3 already present\ntriage decisions: 0 added, 2 unchanged, 0 conflicting/);
    const s = new Store(path.join(dir, 'copy.sqlite3'));
    expect(s.listRuns().map((r) => r.id).sort()).toEqual(['run-latest', 'run-mid', 'run-prev']);
    // A newer decision here than the bundle's: the conflict is listed, this database's kept.
    const accepted = s.getRun('run-latest').findings.find((f) => f.checkId === 'NET-FAIL2BAN-MISSING')!;
    s.setTriage({ findingKey: accepted.id, status: 'open' });
    s.close();
    const third = await run('import', 'web.json', '--db', 'copy.sqlite3');
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/1 unchanged, 1 conflicting\nconflict .+ \[NET-FAIL2BAN-MISSING\] on web-1: here open at \S+, bundle accepted at 2026-02-22T00:00:00.000Z → kept this database's \(newer\)\n$/);
  });

  it('exit 2 with a clear message: nothing to export, a bad bundle (nothing imported)', async () => {
    expect((await run('export', '--db', 'missing.sqlite3', '--out', 'x.json')).stderr).toMatch(/nothing to export: no database at/);
    const none = await run('export', '--db', db, '--host', 'nope', '--out', 'x.json');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nothing to export: No host or run target named nope/);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"schema":"rampart.bundle/v1","tool":"rampart"}');
    const bad = await run('import', 'bad.json', '--db', 'never.sqlite3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a valid Rampart bundle: version: .*Nothing was imported/);
    // The bundle is checked before the database is opened: no database was created for it.
    expect(fs.existsSync(path.join(dir, 'never.sqlite3'))).toBe(false);
  });
});

describe('default fail-on', () => {
  it('--fail-on wins; without it the database setting applies; --no-db uses high', () => {
    const s = new Store(path.join(dir, 'settings.sqlite3'));
    const given = parseCommandLine(['audit', '--host', 'root@h', '--fail-on', 'low', '--db', s.file]);
    const defaulted = parseCommandLine(['audit', '--host', 'root@h', '--db', s.file]);
    const noDb = parseCommandLine(['audit', '--host', 'root@h', '--no-db']);
    if (given.kind !== 'audit' || defaulted.kind !== 'audit' || noDb.kind !== 'audit') throw new Error('unexpected parse');
    expect(failOnFor(defaulted, s)).toBe('high');
    updateSettings(s.db, { defaultFailOn: 'critical' });
    expect(failOnFor(defaulted, s)).toBe('critical');
    expect(failOnFor(given, s)).toBe('low');
    expect(failOnFor(noDb, s)).toBe('high');
    s.close();
  });
});
