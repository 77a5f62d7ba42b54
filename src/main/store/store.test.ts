// The typed store over a real SQLite file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Host, RunDetail, RunSummary, type CheckResult, type Finding, type Score } from '../../shared/domain';
import { RampartError } from '../../shared/errors';
import { SCHEMA_VERSION } from './migrations';
import { Store, type NewHost, type RunRecord } from './store';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-store-test-'));
  store = new Store(path.join(dir, 'rampart.db'));
});

afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const FP_A = 'SHA256:' + 'a'.repeat(43);
const FP_B = 'SHA256:' + 'B'.repeat(43);

function host(over: Partial<NewHost> = {}): NewHost {
  return { name: 'web-1', address: '192.0.2.10', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config', ...over };
}

function thrown(fn: () => unknown): RampartError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RampartError);
    return e as RampartError;
  }
  throw new Error('expected the call to throw');
}

function finding(over: Partial<Finding> & Pick<Finding, 'id' | 'checkId' | 'severity'>): Finding {
  return {
    category: 'ssh',
    title: `title of ${over.checkId}`,
    resource: `sshd:/etc/ssh/sshd_config:${over.checkId}`,
    evidence: `evidence of ${over.id}`,
    rationale: 'because',
    remediation: 'fix it',
    references: ['https://man.openbsd.org/sshd_config'],
    status: 'open',
    ...over,
  };
}

const SCORE: Score = {
  overall: 72.5,
  grade: 'C',
  cap: null,
  categories: { ssh: { score: 72.5, grade: 'C', applicableWeight: 40 } },
};

function run(over: Partial<RunRecord> = {}): RunRecord {
  const checks: CheckResult[] = [
    { checkId: 'SSH-PERMIT-ROOT-LOGIN', category: 'ssh', severity: 'high', status: 'fail' },
    { checkId: 'SSH-WEAK-KEX', category: 'ssh', severity: 'high', status: 'pass' },
    { checkId: 'SSH-X11-FORWARDING', category: 'ssh', severity: 'low', status: 'needs-sudo', message: 'sshd -T needs root' },
  ];
  const findings: Finding[] = [
    finding({ id: 'k-low', checkId: 'SSH-X11-FORWARDING', severity: 'low' }),
    finding({ id: 'k-crit', checkId: 'SSH-PERMIT-EMPTY-PASSWORDS', severity: 'critical', references: ['CIS 5.1.19', 'https://x'] }),
    finding({ id: 'k-high', checkId: 'SSH-PERMIT-ROOT-LOGIN', severity: 'high', status: 'accepted' }),
    finding({ id: 'k-high2', checkId: 'SSH-PASSWORD-AUTH', severity: 'high' }),
  ];
  return {
    hostId: null,
    hostName: 'web-1',
    address: '192.0.2.10',
    port: 22,
    startedAt: '2025-03-01T10:00:00.000Z',
    finishedAt: '2025-03-01T10:00:05.000Z',
    status: 'complete',
    os: 'Debian GNU/Linux 12 (bookworm)',
    score: SCORE,
    errors: [{ section: 'os', message: 'os-release: exit code 1' }],
    execCount: 1,
    durationMs: 5000,
    checks,
    findings,
    ...over,
  };
}

describe('Store: hosts', () => {
  it('reports the schema version', () => {
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
  });

  it('adds a host and returns it complete and schema-valid', () => {
    const h = store.addHost(host({ identityFile: '/home/me/.ssh/id_ed25519', port: 2222 }));
    expect(Host.parse(h)).toEqual(h);
    expect(h).toMatchObject({
      name: 'web-1',
      address: '192.0.2.10',
      port: 2222,
      username: 'admin',
      identityFile: '/home/me/.ssh/id_ed25519',
      sshdConfigPath: '/etc/ssh/sshd_config',
      hostKey: null,
      lastRun: null,
    });
    expect(h.id).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(h.createdAt))).toBe(false);
  });

  it('stores a missing identity file as null', () => {
    expect(store.addHost(host()).identityFile).toBeNull();
  });

  it('lists hosts sorted by name and gets them by id', () => {
    const b = store.addHost(host({ name: 'zeta', address: '10.0.0.2' }));
    const a = store.addHost(host({ name: 'alpha', address: '10.0.0.1' }));
    expect(store.listHosts().map((h) => h.name)).toEqual(['alpha', 'zeta']);
    expect(store.getHost(a.id).name).toBe('alpha');
    expect(store.getHost(b.id).address).toBe('10.0.0.2');
    expect(store.findHostByName('zeta')?.id).toBe(b.id);
    expect(store.findHostByName('nobody')).toBeNull();
  });

  it('getHost of an unknown id → NOT_FOUND', () => {
    expect(thrown(() => store.getHost(4242)).code).toBe('NOT_FOUND');
  });

  it('a duplicate name → CONFLICT, and the first host is untouched', () => {
    const first = store.addHost(host());
    const e = thrown(() => store.addHost(host({ address: '10.9.9.9' })));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('web-1');
    expect(store.listHosts()).toHaveLength(1);
    expect(store.getHost(first.id).address).toBe('192.0.2.10');
  });

  it('removes a host; removing again reports false', () => {
    const h = store.addHost(host());
    expect(store.removeHost(h.id)).toBe(true);
    expect(store.listHosts()).toEqual([]);
    expect(store.removeHost(h.id)).toBe(false);
    expect(() => store.getHost(h.id)).toThrow(RampartError);
  });

  it('persists across reopening the file', () => {
    const h = store.addHost(host());
    store.pinKey(h.address, h.port, 'ssh-ed25519', FP_A, false);
    store.close();
    store = new Store(path.join(dir, 'rampart.db'));
    expect(store.getHost(h.id)).toMatchObject({ name: 'web-1', hostKey: { fingerprint: FP_A, keyType: 'ssh-ed25519' } });
  });
});

describe('Store: pinned host keys', () => {
  it('pins a key and shows it on the host', () => {
    const h = store.addHost(host());
    const pin = store.pinKey(h.address, h.port, 'ssh-ed25519', FP_A, false);
    expect(pin).toMatchObject({ address: h.address, port: h.port, keyType: 'ssh-ed25519', fingerprint: FP_A });
    expect(store.getPin(h.address, h.port)).toEqual(pin);
    expect(store.getHost(h.id).hostKey).toEqual(pin);
    expect(store.getPin(h.address, 2222)).toBeNull();
  });

  it('re-pinning the same fingerprint without replace is fine', () => {
    store.pinKey('10.0.0.1', 22, 'ssh-ed25519', FP_A, false);
    expect(store.pinKey('10.0.0.1', 22, 'ssh-ed25519', FP_A, false).fingerprint).toBe(FP_A);
  });

  it('a different fingerprint without replace → HOST_KEY_CHANGED, the old pin stays', () => {
    store.pinKey('10.0.0.1', 22, 'ssh-ed25519', FP_A, false);
    const e = thrown(() => store.pinKey('10.0.0.1', 22, 'ssh-rsa', FP_B, false));
    expect(e.code).toBe('HOST_KEY_CHANGED');
    expect(e.details).toEqual({ pinned: FP_A, presented: FP_B });
    expect(store.getPin('10.0.0.1', 22)).toMatchObject({ keyType: 'ssh-ed25519', fingerprint: FP_A });
  });

  it('with replace the pin is updated', () => {
    store.pinKey('10.0.0.1', 22, 'ssh-ed25519', FP_A, false);
    const pin = store.pinKey('10.0.0.1', 22, 'ssh-rsa', FP_B, true);
    expect(pin).toMatchObject({ keyType: 'ssh-rsa', fingerprint: FP_B });
    expect(store.getPin('10.0.0.1', 22)).toEqual(pin);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM host_keys').get()).toEqual({ n: 1 });
  });

  it('pins are per address and port', () => {
    store.pinKey('10.0.0.1', 22, 'ssh-ed25519', FP_A, false);
    store.pinKey('10.0.0.1', 2222, 'ssh-ed25519', FP_B, false);
    expect(store.getPin('10.0.0.1', 22)?.fingerprint).toBe(FP_A);
    expect(store.getPin('10.0.0.1', 2222)?.fingerprint).toBe(FP_B);
  });
});

describe('Store: runs', () => {
  it('saveRun/getRun round-trips the summary, checks, findings and errors', () => {
    const h = store.addHost(host());
    const rec = run({ hostId: h.id });
    const id = store.saveRun(rec);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const got = store.getRun(id);
    expect(RunDetail.parse(got)).toEqual(got);
    expect(got).toMatchObject({
      id,
      hostId: h.id,
      hostName: 'web-1',
      address: '192.0.2.10',
      port: 22,
      startedAt: rec.startedAt,
      finishedAt: rec.finishedAt,
      status: 'complete',
      os: 'Debian GNU/Linux 12 (bookworm)',
      score: SCORE,
      execCount: 1,
      durationMs: 5000,
      errors: rec.errors,
    });
    // Checks come back ordered by check id, message only where one was saved.
    expect(got.checks).toEqual([...rec.checks].sort((a, b) => a.checkId.localeCompare(b.checkId)));
    // Findings come back worst first, every field intact.
    expect(got.findings.map((f) => f.id)).toEqual(['k-crit', 'k-high2', 'k-high', 'k-low']);
    for (const f of rec.findings) expect(got.findings.find((g) => g.id === f.id)).toEqual(f);
  });

  it('keeps the caller-supplied run id', () => {
    expect(store.saveRun(run({ id: 'run-fixed-id' }))).toBe('run-fixed-id');
    expect(store.getRun('run-fixed-id').id).toBe('run-fixed-id');
  });

  it('a run with no score, no findings and nulls round-trips', () => {
    const id = store.saveRun(run({ score: null, findings: [], checks: [], errors: [], finishedAt: null, os: null, durationMs: null, status: 'failed' }));
    const got = store.getRun(id);
    expect(got).toMatchObject({ score: null, findings: [], checks: [], errors: [], finishedAt: null, os: null, durationMs: null, status: 'failed' });
    expect(got.findingCounts).toEqual({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });
  });

  it('findingCounts counts per severity with zeros for the rest', () => {
    const id = store.saveRun(run());
    expect(store.getRun(id).findingCounts).toEqual({ critical: 1, high: 2, medium: 0, low: 1, info: 0 });
    expect(store.listRuns()[0]!.findingCounts).toEqual({ critical: 1, high: 2, medium: 0, low: 1, info: 0 });
  });

  it('getRun of an unknown id → NOT_FOUND', () => {
    expect(thrown(() => store.getRun('no-such-run')).code).toBe('NOT_FOUND');
  });

  it('a failing insert saves nothing of the run (one transaction)', () => {
    const bad = run({ id: 'half', findings: [finding({ id: 'dup', checkId: 'A', severity: 'low' }), finding({ id: 'dup', checkId: 'B', severity: 'low' })] });
    expect(() => store.saveRun(bad)).toThrow(/UNIQUE/);
    expect(() => store.getRun('half')).toThrow(RampartError);
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM check_results WHERE run_id = 'half'").get()).toEqual({ n: 0 });
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM findings WHERE run_id = 'half'").get()).toEqual({ n: 0 });
  });

  it('listRuns: newest first, filtered by host, limited', () => {
    const a = store.addHost(host({ name: 'a', address: '10.0.0.1' }));
    const b = store.addHost(host({ name: 'b', address: '10.0.0.2' }));
    store.saveRun(run({ id: 'a1', hostId: a.id, startedAt: '2025-01-01T00:00:00.000Z' }));
    store.saveRun(run({ id: 'a3', hostId: a.id, startedAt: '2025-01-03T00:00:00.000Z' }));
    store.saveRun(run({ id: 'b2', hostId: b.id, startedAt: '2025-01-02T00:00:00.000Z' }));
    store.saveRun(run({ id: 'a2', hostId: a.id, startedAt: '2025-01-02T12:00:00.000Z' }));
    const all = store.listRuns();
    for (const r of all) expect(RunSummary.parse(r)).toEqual(r);
    expect(all.map((r) => r.id)).toEqual(['a3', 'a2', 'b2', 'a1']);
    expect(store.listRuns({ hostId: a.id }).map((r) => r.id)).toEqual(['a3', 'a2', 'a1']);
    expect(store.listRuns({ hostId: b.id }).map((r) => r.id)).toEqual(['b2']);
    expect(store.listRuns({ limit: 2 }).map((r) => r.id)).toEqual(['a3', 'a2']);
    expect(store.listRuns({ hostId: a.id, limit: 1 }).map((r) => r.id)).toEqual(['a3']);
    expect(store.listRuns({ hostId: 999 })).toEqual([]);
  });

  it('Host.lastRun is the newest run of that host, with score and grade', () => {
    const a = store.addHost(host({ name: 'a', address: '10.0.0.1' }));
    const b = store.addHost(host({ name: 'b', address: '10.0.0.2' }));
    store.saveRun(run({ id: 'old', hostId: a.id, startedAt: '2025-01-01T00:00:00.000Z', score: { ...SCORE, overall: 50, grade: 'F' } }));
    store.saveRun(run({ id: 'new', hostId: a.id, startedAt: '2025-02-01T00:00:00.000Z', status: 'partial' }));
    store.saveRun(run({ id: 'other', hostId: b.id, startedAt: '2025-03-01T00:00:00.000Z', score: null }));
    expect(store.getHost(a.id).lastRun).toEqual({ id: 'new', startedAt: '2025-02-01T00:00:00.000Z', status: 'partial', score: 72.5, grade: 'C' });
    expect(store.getHost(b.id).lastRun).toEqual({ id: 'other', startedAt: '2025-03-01T00:00:00.000Z', status: 'complete', score: null, grade: null });
    const listed = store.listHosts();
    expect(listed.find((h) => h.name === 'a')!.lastRun?.id).toBe('new');
  });

  it('removing a host keeps its runs, with host_id set to null', () => {
    const h = store.addHost(host());
    const id = store.saveRun(run({ hostId: h.id }));
    expect(store.removeHost(h.id)).toBe(true);
    const got = store.getRun(id);
    expect(got.hostId).toBeNull();
    expect(got.hostName).toBe('web-1');
    expect(got.findings).toHaveLength(4);
    expect(got.checks).toHaveLength(3);
    expect(store.listRuns().map((r) => r.id)).toEqual([id]);
    expect(store.listRuns({ hostId: h.id })).toEqual([]);
  });

  it('a run for a host id that does not exist is refused (foreign key)', () => {
    expect(() => store.saveRun(run({ id: 'orphan', hostId: 12345 }))).toThrow(/FOREIGN KEY/);
    expect(() => store.getRun('orphan')).toThrow(RampartError);
  });
});

describe('Store: host profile (update, jump chain, dependents, secret flags)', () => {
  it('adds a host with every profile field and reads it back', () => {
    const bastion = store.addHost(host({ name: 'bastion', address: '192.0.2.1' }));
    const h = store.addHost(
      host({
        auth: 'agent',
        identityFile: null,
        jumpHostId: bastion.id,
        vpnOnly: true,
        vpnInterface: 'wg0',
        vpnSubnet: '10.77.0.0/24',
        sudo: 'sudo-n',
        tags: ['prod', 'web'],
        scanRoots: ['/srv', '/opt/stacks'],
        sshdConfigPath: '/etc/ssh/sshd_config.d/custom.conf',
      }),
    );
    expect(Host.parse(h)).toEqual(h);
    expect(h).toMatchObject({
      auth: 'agent',
      identityFile: null,
      jumpHostId: bastion.id,
      vpnOnly: true,
      vpnInterface: 'wg0',
      vpnSubnet: '10.77.0.0/24',
      sudo: 'sudo-n',
      tags: ['prod', 'web'],
      scanRoots: ['/srv', '/opt/stacks'],
      sshdConfigPath: '/etc/ssh/sshd_config.d/custom.conf',
      secrets: { privateKey: false, passphrase: false, sudoPassword: false },
    });
  });

  it('a jump host that does not exist → NOT_FOUND, nothing added', () => {
    expect(thrown(() => store.addHost(host({ jumpHostId: 999 }))).code).toBe('NOT_FOUND');
    expect(store.listHosts()).toEqual([]);
  });

  it('updateHost changes only the given fields; null clears optional ones', () => {
    const h = store.addHost(host({ identityFile: '/root/.ssh/id_ed25519', auth: 'key-file', tags: ['a'], vpnOnly: true, vpnInterface: 'wg0', sudo: 'sudo-n' }));
    const u = store.updateHost(h.id, { port: 2222, tags: ['b', 'c'] });
    expect(u).toMatchObject({ port: 2222, tags: ['b', 'c'], vpnOnly: true, vpnInterface: 'wg0', sudo: 'sudo-n', identityFile: '/root/.ssh/id_ed25519', name: 'web-1' });
    const cleared = store.updateHost(h.id, { vpnOnly: false, vpnInterface: null, auth: 'agent', identityFile: null });
    expect(cleared).toMatchObject({ vpnOnly: false, vpnInterface: null, auth: 'agent', identityFile: null, port: 2222 });
    expect(store.getHost(h.id)).toEqual(cleared);
  });

  it('updateHost: key-file auth without a key file → VALIDATION on identityFile, nothing changed', () => {
    const h = store.addHost(host({ auth: 'agent' }));
    const e = thrown(() => store.updateHost(h.id, { auth: 'key-file', port: 2200 }));
    expect(e.code).toBe('VALIDATION');
    expect(e.details).toMatchObject({ issues: [{ path: ['identityFile'] }] });
    expect(store.getHost(h.id)).toMatchObject({ auth: 'agent', port: 22 });
  });

  // store.addHost defaults auth to 'key-file' even without a key file (HostInput, the IPC schema,
  // defaults to 'agent' then); these hosts say 'agent' so updateHost's whole-profile check passes.
  it('updateHost: renaming onto another host → CONFLICT; unknown id → NOT_FOUND', () => {
    store.addHost(host({ name: 'a', address: '10.0.0.1', auth: 'agent' }));
    const b = store.addHost(host({ name: 'b', address: '10.0.0.2', auth: 'agent' }));
    expect(thrown(() => store.updateHost(b.id, { name: 'a' })).code).toBe('CONFLICT');
    expect(store.updateHost(b.id, { name: 'b' }).name).toBe('b'); // its own name is fine
    expect(thrown(() => store.updateHost(4242, { port: 1 })).code).toBe('NOT_FOUND');
  });

  it('jumpChain lists the hops first hop first; a jump loop is refused', () => {
    const a = store.addHost(host({ name: 'a', address: '10.0.0.1', auth: 'agent' }));
    const b = store.addHost(host({ name: 'b', address: '10.0.0.2', auth: 'agent', jumpHostId: a.id }));
    const c = store.addHost(host({ name: 'c', address: '10.0.0.3', auth: 'agent', jumpHostId: b.id }));
    expect(store.jumpChain(c.id).map((h) => h.name)).toEqual(['a', 'b', 'c']);
    expect(store.jumpChain(a.id).map((h) => h.name)).toEqual(['a']);
    const e = thrown(() => store.updateHost(a.id, { jumpHostId: c.id }));
    expect(e.code).toBe('VALIDATION');
    expect(e.details).toMatchObject({ issues: [{ path: ['jumpHostId'] }] });
    expect(thrown(() => store.updateHost(a.id, { jumpHostId: a.id })).code).toBe('VALIDATION');
    expect(store.getHost(a.id).jumpHostId).toBeNull();
  });

  it('dependents and removeHost: a host others jump through cannot be removed', () => {
    const bastion = store.addHost(host({ name: 'bastion', address: '10.0.0.1' }));
    const t1 = store.addHost(host({ name: 't1', address: '10.0.0.2', auth: 'agent', jumpHostId: bastion.id }));
    store.addHost(host({ name: 't2', address: '10.0.0.3', jumpHostId: bastion.id }));
    expect(store.dependents(bastion.id).map((h) => h.name)).toEqual(['t1', 't2']);
    expect(store.dependents(t1.id)).toEqual([]);
    const e = thrown(() => store.removeHost(bastion.id));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('t1, t2');
    expect(store.getHost(bastion.id).name).toBe('bastion');
    store.updateHost(t1.id, { jumpHostId: null });
    expect(store.dependents(bastion.id).map((h) => h.name)).toEqual(['t2']);
  });

  it('setSecretFlag records presence only', () => {
    const h = store.addHost(host());
    expect(store.setSecretFlag(h.id, 'privateKey', true).secrets).toEqual({ privateKey: true, passphrase: false, sudoPassword: false });
    expect(store.setSecretFlag(h.id, 'sudoPassword', true).secrets).toEqual({ privateKey: true, passphrase: false, sudoPassword: true });
    expect(store.setSecretFlag(h.id, 'privateKey', false).secrets).toEqual({ privateKey: false, passphrase: false, sudoPassword: true });
    expect(thrown(() => store.setSecretFlag(999, 'passphrase', true)).code).toBe('NOT_FOUND');
  });
});
