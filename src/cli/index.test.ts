// main() in-process for everything that needs no server (the lab tests in test/cli.test.ts cover
// audits end to end through bin/rampart.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { loadTrivyReports } from './auditCommand';
import { main, VERSION } from './index';
import type { HostFacts } from '../main/audit/facts';
import { CHECKS } from '../main/audit/checks';
import { evaluate } from '../main/audit/engine';
import { applyTrivyReport } from '../main/audit/sections/cve';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function cli(argv: string[], tty = false, signal?: AbortSignal): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: tty },
    cwd: os.tmpdir(),
    ...(signal ? { signal } : {}),
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

// A throwaway client key: without one (and without an agent) a login fails before any TCP.
let keyDir: string;
let KEY: string;
beforeAll(() => {
  keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-cli-key-'));
  KEY = path.join(keyDir, 'id_ed25519');
  fs.writeFileSync(KEY, ssh2.utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
});
afterAll(() => fs.rmSync(keyDir, { recursive: true, force: true }));

/** A temporary directory for the duration of `fn`. */
async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-cli-'));
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const TRIVY = {
  SchemaVersion: 2,
  ArtifactName: 'nginx:1.25',
  Results: [
    {
      Target: 'nginx:1.25 (debian 12.4)',
      Vulnerabilities: [
        { VulnerabilityID: 'CVE-2024-0001', PkgName: 'openssl', InstalledVersion: '3.0.11', FixedVersion: '3.0.13', Severity: 'CRITICAL' },
        { VulnerabilityID: 'CVE-2024-0002', PkgName: 'zlib', InstalledVersion: '1.2.13', FixedVersion: '', Severity: 'LOW' },
      ],
    },
    { Target: 'app', Vulnerabilities: null },
  ],
};

describe('--trivy-report', () => {
  it('is read and checked before connecting', async () => {
    await withDir(async (dir) => {
      const missing = path.join(dir, 'missing.json');
      const r = await cli(['audit', '--host', 'root@127.0.0.1:1', '--identity', KEY, '--accept-new-host-key', '--trivy-report', missing, '--format', 'json']);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout).error).toEqual({ code: 'USAGE', message: `cannot read --trivy-report ${missing}: no such file` });
      const bad = path.join(dir, 'bad.json');
      for (const [text, re] of [
        ['{"Results": 3}', /Results is not a list/],
        ['not json', /not valid JSON/],
        ['{"hello": 1}', /not a Trivy report/],
        ['{"SchemaVersion":2,"Results":[{"Vulnerabilities":{}}]}', /Vulnerabilities is not a list/],
      ] as const) {
        fs.writeFileSync(bad, text);
        const b = await cli(['audit', '--host', 'root@127.0.0.1:1', '--identity', KEY, '--accept-new-host-key', '--trivy-report', bad, '--format', 'json']);
        expect(b.code).toBe(2);
        const err = JSON.parse(b.stdout).error;
        expect(err.code).toBe('TRIVY_REPORT_INVALID');
        expect(err.message).toMatch(new RegExp(`^--trivy-report ${bad.replace(/[.+]/g, '\\$&')} is not a Trivy JSON report: `));
        expect(err.message).toMatch(re);
      }
      // A valid report gets as far as connecting.
      const good = path.join(dir, 'trivy.json');
      fs.writeFileSync(good, JSON.stringify(TRIVY));
      const g = await cli(['audit', '--host', 'root@127.0.0.1:1', '--identity', KEY, '--accept-new-host-key', '--trivy-report', good, '--format', 'json']);
      expect(JSON.parse(g.stdout).error.code).toBe('CONNECTION_REFUSED');
    });
  });

  it('report files become CVE findings: applied to the facts, evaluated by the cve checks', async () => {
    await withDir(async (dir) => {
      const file = path.join(dir, 'trivy.json');
      fs.writeFileSync(file, JSON.stringify(TRIVY) + '\n' + JSON.stringify({ ...TRIVY, ArtifactName: 'redis:7' }));
      const loaded = loadTrivyReports([file]);
      expect(loaded[0]!.scans.map((s) => s.image)).toEqual(['nginx:1.25', 'redis:7']);
      const facts = applyTrivyReport({} as HostFacts, loaded[0]!.scans, 'trivy.json');
      const cve = CHECKS.filter((c) => c.category === 'cve');
      const { findings } = evaluate(facts, 'h:22', cve);
      const images = new Set(findings.filter((f) => f.severity === 'critical' || f.severity === 'high').map((f) => f.resource));
      expect([...images].some((r) => r.includes('nginx:1.25'))).toBe(true);
      expect([...images].some((r) => r.includes('redis:7'))).toBe(true);
    });
  });
});

describe('--jump without a server', () => {
  it('a jump host that refuses: exit 2, the hop named in the message', async () => {
    const r = await cli(['audit', '--host', 'root@10.215.0.2', '--jump', 'ops@127.0.0.1:1', '--identity', KEY, '--accept-new-host-key', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toEqual({
      code: 'CONNECTION_REFUSED',
      message: '127.0.0.1:1 refused the connection: nothing listens on port 1, or a firewall rejects it. (jump host 1 of 1: ops@127.0.0.1:1)',
      details: { jumpHost: 'ops@127.0.0.1:1' },
    });
    expect(r.stderr).toBe(`rampart: error: ${JSON.parse(r.stdout).error.message}\n`);
  });
});

describe('--inventory without a server', () => {
  const INVENTORY = `[web]
web1 ansible_host=127.0.0.1 ansible_port=1 ansible_user=root
web2 ansible_host=127.0.0.1 ansible_port=2 ansible_user=root
[db]
db1 ansible_host=127.0.0.1 ansible_port=99999
`;

  it('unreadable, empty or malformed inventories are usage errors', async () => {
    await withDir(async (dir) => {
      const missing = path.join(dir, 'none.ini');
      const m = await cli(['audit', '--inventory', missing, '--format', 'json']);
      expect(m.code).toBe(2);
      expect(JSON.parse(m.stdout).error).toEqual({ code: 'USAGE', message: `cannot read --inventory ${missing}: no such file` });
      const empty = path.join(dir, 'empty.ini');
      fs.writeFileSync(empty, '# nothing\n[web]\n');
      const e = await cli(['audit', '--inventory', empty]);
      expect(e.code).toBe(2);
      expect(e.stderr).toBe(`rampart: error: --inventory ${empty} lists no hosts\n`);
      const yaml = path.join(dir, 'bad.yml');
      fs.writeFileSync(yaml, 'all:\n  hosts: [\n');
      const y = await cli(['audit', '--inventory', yaml, '--format', 'json']);
      expect(y.code).toBe(2);
      expect(JSON.parse(y.stdout).error.message).toMatch(/^--inventory .*bad\.yml: bad\.yml is not valid YAML/);
    });
  });

  it('failed hosts are entries of the fleet report (exit 2); a terminal gets one line per host, a pipe none', async () => {
    await withDir(async (dir) => {
      const inv = path.join(dir, 'hosts.ini');
      fs.writeFileSync(inv, INVENTORY);
      const r = await cli(['audit', '--inventory', inv, '--identity', KEY, '--accept-new-host-key', '--concurrency', '2', '--format', 'json']);
      expect(r.code).toBe(2);
      const rep = JSON.parse(r.stdout);
      expect(Object.keys(rep)).toEqual(['tool', 'version', 'inventory', 'startedAt', 'finishedAt', 'hosts', 'summary']);
      expect(rep).toMatchObject({ tool: 'rampart', version: VERSION, inventory: inv });
      expect(rep.hosts).toEqual([
        {
          host: { name: 'web1', address: '127.0.0.1', port: 1, username: 'root' },
          status: 'failed',
          error: { code: 'CONNECTION_REFUSED', message: '127.0.0.1:1 refused the connection: nothing listens on port 1, or a firewall rejects it.' },
        },
        {
          host: { name: 'web2', address: '127.0.0.1', port: 2, username: 'root' },
          status: 'failed',
          error: { code: 'CONNECTION_REFUSED', message: '127.0.0.1:2 refused the connection: nothing listens on port 2, or a firewall rejects it.' },
        },
        {
          host: { name: 'db1', address: '127.0.0.1', port: 22, username: expect.any(String) },
          status: 'failed',
          error: { code: 'INVENTORY_INVALID', message: 'hosts.ini:5: ansible_port "99999" is not a port number' },
        },
      ]);
      expect(rep.summary).toEqual({ total: 3, complete: 0, partial: 0, failed: 3, worstGrade: null, findingCounts: { critical: 0, high: 0, medium: 0, low: 0, info: 0 } });
      // Not a terminal: no progress, only the closing error line.
      expect(r.stderr).toBe('rampart: error: 3 of 3 host(s) could not be audited (web1, web2, db1) and 0 audit(s) are incomplete; see the report\n');

      const tty = await cli(['audit', '--inventory', inv, '--identity', KEY, '--accept-new-host-key'], true);
      expect(tty.code).toBe(2);
      const progress = tty.stderr.split('\n').filter((l) => /^rampart: \[\d\/3\] /.test(l));
      expect(progress).toHaveLength(3);
      expect(progress.map((l) => /^rampart: \[(\d)\/3\]/.exec(l)![1]).sort()).toEqual(['1', '2', '3']);
      expect(progress.some((l) => l.includes('db1 (') && l.includes('failed: INVENTORY_INVALID'))).toBe(true);
      expect(tty.stdout).toMatch(/^HOST +TARGET +STATUS +GRADE/m);
      expect(tty.stdout).toMatch(/^web1 +root@127\.0\.0\.1:1 +failed/m);
      expect(tty.stdout).toContain('3 host(s): 0 complete, 0 partial, 3 failed; worst grade -');
    });
  });

  it('interrupted: exit 130, the hosts not audited are failed entries (CANCELLED)', async () => {
    await withDir(async (dir) => {
      const inv = path.join(dir, 'hosts.ini');
      fs.writeFileSync(inv, INVENTORY);
      const r = await cli(['audit', '--inventory', inv, '--identity', KEY, '--accept-new-host-key', '--format', 'json'], false, AbortSignal.abort());
      expect(r.code).toBe(130);
      const rep = JSON.parse(r.stdout);
      expect(rep.hosts.map((h: { error: { code: string } }) => h.error.code)).toEqual(['CANCELLED', 'CANCELLED', 'INVENTORY_INVALID']);
      expect(rep.hosts[0].error.message).toBe('Not audited: interrupted.');
      expect(r.stderr).toBe('');
    });
  });

  it('without --accept-new-host-key or --known-hosts, each host fails on its unknown key (nothing listens: refused)', async () => {
    await withDir(async (dir) => {
      const inv = path.join(dir, 'hosts.yml');
      fs.writeFileSync(inv, 'all:\n  hosts:\n    a:\n      ansible_host: 127.0.0.1\n      ansible_port: 1\n');
      const r = await cli(['audit', '--inventory', inv, '--format', 'markdown']);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('# Rampart fleet audit: ');
      expect(r.stdout).toMatch(/\| a \| `\S+@127\.0\.0\.1:1` \| failed \|/);
      expect(r.stdout).toContain('CONNECTION_REFUSED');
    });
  });
});
