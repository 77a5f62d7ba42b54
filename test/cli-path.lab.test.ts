// Path independence: the CLI installed at a long path with spaces and quotes (a copy of the bin and
// a freshly built bundle, node_modules linked in, no sources) audits a real lab host, and its
// lab state, keys and database paths with spaces work too. Needs root for the lab host.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { exec, ROOT, VERSION } from './support/cliContract';

const labAvailable = labPrerequisites().ok || process.env.RAMPART_LAB_REQUIRED === '1';

describe.runIf(labAvailable)('the CLI from a copy at a long path with spaces (test/cli-path.lab.test.ts)', () => {
  let top: string;
  let install: string;
  let host: LabHost;

  beforeAll(async () => {
    top = fs.mkdtempSync(path.join(os.tmpdir(), "rampart path with spaces 'and quotes' "));
    install = path.join(top, 'a deliberately long folder name that makes the path longer than usual', 'rampart $(not a command)');
    fs.mkdirSync(path.join(install, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'bin', 'rampart.mjs'), path.join(install, 'bin', 'rampart.mjs'));
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(install, 'package.json'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(install, 'node_modules'));
    // The bundle the copy runs, built from this checkout's sources into the copy.
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-cli.mjs')], { env: { ...process.env, RAMPART_CLI_OUT: path.join(install, 'out', 'cli') } });
    host = await createLabHost({ scenario: 'hardened' });
  }, 120_000);

  afterAll(async () => {
    if (host) await destroyLabHost(host);
    if (top) fs.rmSync(top, { recursive: true, force: true });
  });

  it('runs its own bundle (no sources there) and audits a lab host into a database at that path', async () => {
    const bin = path.join(install, 'bin', 'rampart.mjs');
    const v = await exec(process.execPath, [bin, '--version'], 60_000, { RAMPART_CLI_WHICH: '1' });
    expect(v).toEqual({ code: 0, stdout: `rampart ${VERSION}\n`, stderr: `rampart: running the bundle ${path.join(install, 'out', 'cli', 'rampart.mjs')}\n` });
    const key = path.join(top, 'id key with spaces');
    fs.copyFileSync(host.identityFile, key);
    fs.chmodSync(key, 0o600);
    const db = path.join(top, 'the database.sqlite3');
    const r = await exec(process.execPath, [bin, 'audit', '--host', `root@${host.address}`, '--identity', key, '--accept-new-host-key', '--db', db, '--format', 'json', '--fail-on', 'none'], 120_000);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { status: string; host: { address: string }; checks: unknown[] };
    expect(report.status).toBe('complete');
    expect(report.host.address).toBe(host.address);
    expect(report.checks.length).toBeGreaterThan(50);
    expect(fs.existsSync(db)).toBe(true);
  }, 150_000);
});
