// `rampart report` in-process (main()), on a database filled through the Store API: exit codes,
// scopes and messages. The lab test (test/report-cli.lab.test.ts) runs the real binary and PDF.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillStore } from '../../test/support/reportStore';
import { ReportDocument } from '../shared/report';
import { main } from './index';

let dir = '';
let db = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-report-cmd-'));
  db = path.join(dir, 'runs.sqlite3');
  fillStore(db).store.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['report', ...argv], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: dir });
  return { code, stdout, stderr };
}

describe('rampart report (in-process)', () => {
  it('writes the fleet, a host, a run and the latest run; says what it wrote on stderr, nothing on stdout', async () => {
    const fleet = await run('--db', db, '--format', 'json', '--out', 'fleet.json');
    expect(fleet.code, fleet.stderr).toBe(0);
    expect(fleet.stdout).toBe('');
    expect(fleet.stderr).toMatch(/wrote full report \(json\) of fleet \(2 targets\)/);
    expect(ReportDocument.parse(JSON.parse(fs.readFileSync(path.join(dir, 'fleet.json'), 'utf8'))).provenance.runs).toHaveLength(2);

    const host = await run('--db', db, '--host', 'web-1', '--kind', 'executive', '--format', 'md', '--out', 'web.md');
    expect(host.code, host.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'web.md'), 'utf8')).toMatch(/^# Executive summary: web-1\n/);

    const one = await run('--db', db, '--run', 'run-prev', '--format', 'csv', '--out', 'prev.csv');
    expect(one.code, one.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'prev.csv'), 'utf8').split('\r\n').filter(Boolean)).toHaveLength(1 + 3);

    const latest = await run('--db', db, '--run', 'latest', '--host', 'web-1', '--format', 'html', '--out', 'latest.html');
    expect(latest.code, latest.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'latest.html'), 'utf8')).toContain('run-latest');
  });

  it('exit 2 with one line: unknown host or run, a run of another host, --no-db, a missing database, usage', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--db', db, '--host', 'nope', '--format', 'md', '--out', 'x.md'], /nothing to report: No host or run target named nope/],
      [['--db', db, '--run', 'nope', '--format', 'md', '--out', 'x.md'], /nothing to report: No audit run with id nope/],
      [['--db', db, '--host', 'web-1', '--run', 'run-other', '--format', 'md', '--out', 'x.md'], /run run-other is a run of 10\.9\.0\.3, not of web-1/],
      [['--no-db', '--format', 'md', '--out', 'x.md'], /nothing to report: --no-db/],
      [['--db', path.join(dir, 'none.sqlite3'), '--format', 'md', '--out', 'x.md'], /no database at/],
      [['--db', db, '--format', 'md'], /--out FILE is required \(see: rampart report --help\)/],
      [['--db', db, '--format', 'json', '--out', path.join(dir, 'no-such-dir', 'x.json')], /cannot write .*no-such-dir/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(fs.existsSync(path.join(dir, 'none.sqlite3'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'x.md'))).toBe(false);
  });

  it('--help prints the report help', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: rampart report');
  });
});
