// main() in-process for everything that needs no server (the lab tests in test/cli.test.ts cover
// audits end to end through bin/rampart.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, VERSION } from './index';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function cli(argv: string[], tty = false): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: tty },
    cwd: os.tmpdir(),
  });
  return { code, stdout, stderr };
}

describe('main', () => {
  it('the version is the package version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `rampart ${pkg.version}\n`, stderr: '' });
  });

  it('help goes to stdout with exit 0', async () => {
    const r = await cli(['audit', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: rampart audit');
    expect(r.stderr).toBe('');
    expect((await cli(['--help'])).stdout).toContain('Usage: rampart <command>');
  });

  it('usage errors: exit 2, one line on stderr, nothing on stdout', async () => {
    const r = await cli(['audit', '--host', 'root@10.213.0.2', '--format', 'yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('rampart: error: --format must be one of json, table, markdown, got "yaml" (see: rampart audit --help)\n');
  });

  it('with --format json an error is also a JSON object on stdout', async () => {
    const r = await cli(['audit', '--format', 'json', '--fail-on', 'bad', '--host', 'root@10.213.0.2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rampart: error: --fail-on must be one of/);
    expect(JSON.parse(r.stdout)).toEqual({
      tool: 'rampart',
      version: VERSION,
      status: 'failed',
      error: { code: 'USAGE', message: expect.stringContaining('--fail-on must be one of') },
    });
  });

  it('a missing identity file or known_hosts file is reported before any connection', async () => {
    const missing = path.join(os.tmpdir(), `rampart-no-such-${process.pid}`);
    // Loopback port 1 (nothing listens): had a connection been tried, the error would say so.
    const kh = await cli(['audit', '--host', 'root@127.0.0.1:1', '--known-hosts', missing, '--format', 'json']);
    expect(kh.code).toBe(2);
    expect(JSON.parse(kh.stdout).error).toEqual({ code: 'USAGE', message: `cannot read --known-hosts ${missing}: no such file` });
    const id = await cli(['audit', '--host', 'root@127.0.0.1:1', '--identity', missing, '--accept-new-host-key', '--format', 'json']);
    expect(id.code).toBe(2);
    expect(JSON.parse(id.stdout).error).toEqual({ code: 'IDENTITY_UNREADABLE', message: `Cannot read the private key ${missing}: no such file.` });
    expect(id.stderr).toBe(`rampart: error: Cannot read the private key ${missing}: no such file.\n`);
  });

  it('an unusable --db is a clean exit 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-cli-'));
    try {
      const notDb = path.join(dir, 'not.db');
      fs.writeFileSync(notDb, 'this is not sqlite '.repeat(100));
      const r = await cli(['audit', '--host', 'root@127.0.0.1:1', '--db', notDb, '--format', 'json']);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout).error.code).toBe('DB_CORRUPT');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(fs.readFileSync(notDb, 'utf8')).toBe('this is not sqlite '.repeat(100));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
