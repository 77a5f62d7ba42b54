// The host audit (system, access, permissions, file secrets, backups) end to end against real lab
// hosts with planted state (lab/plant.ts): a "vulnerable" host where every misconfiguration of
// that part of the catalog is present and found check by check, a "hardened" host where every one
// of those checks passes, a "bare" host without backups, unprivileged audits (needs-sudo instead
// of a falsely clean result), and no planted secret value in findings or in the database file.
// Needs root; skipped without the lab prerequisites unless RAMPART_LAB_REQUIRED=1 (then it fails).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPrerequisites } from '../lab/lab';
import { createAuditLabHost, destroyAuditLabHost, type AuditLabHost } from '../lab/plant';
import { runAudit, type AuditTarget } from '../src/main/audit/auditor';
import { buildCollectScript, parseCollectOutput } from '../src/main/audit/collector';
import { evaluate, type Evaluation } from '../src/main/audit/engine';
import { connect } from '../src/main/ssh/connection';
import { Store } from '../src/main/store/store';
import type { CheckResult, Finding, RunDetail, Severity } from '../src/shared/domain';
import { checks as hardeningChecks } from '../src/main/audit/checks/hardening';

function prerequisites(): { ok: boolean; reason: string } {
  const lab = labPrerequisites();
  if (!lab.ok) return { ok: false, reason: lab.reason };
  const missing = ['/usr/sbin/chronyd', '/usr/bin/unattended-upgrade', '/usr/bin/nsenter', '/usr/bin/apt-get', '/usr/bin/openssl'].filter((p) => !existsSync(p));
  return missing.length ? { ok: false, reason: `missing ${missing.join(', ')} (apt-get install chrony unattended-upgrades util-linux openssl)` } : { ok: true, reason: '' };
}
const pre = prerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';

/**
 * The checks of this part of the catalog, without the host-hardening ones (issue 16: mounts,
 * AppArmor, auditd, journald, cron, SUID, password policy, service accounts, key age, restore
 * tests…): those judge machine-wide state that these planted hosts share with the build machine,
 * and are tested on the whole-server scenarios, whose hosts get their own login.defs, limits,
 * journald, cron folders and mounts (test/audit-scenarios.test.ts, lab/hostHardening.ts).
 */
const HARDENING_IDS = new Set(hardeningChecks.map((c) => c.id));
const HOST_CHECK = { test: (id: string): boolean => /^(SYS|ACC|PERM|SECRET-FILE|BACKUP)-/.test(id) && !HARDENING_IDS.has(id) };

function target(a: AuditLabHost, over: Partial<AuditTarget> = {}): AuditTarget {
  return {
    hostId: null,
    name: a.host.name,
    address: a.host.address,
    port: a.host.port,
    username: a.host.user,
    identityFile: a.host.identityFile,
    sshdConfigPath: a.host.sshdConfigPath,
    scanRoots: a.scanRoots,
    ...over,
  };
}

function statusOf(checks: readonly CheckResult[], id: string): CheckResult {
  const c = checks.find((x) => x.checkId === id);
  if (!c) throw new Error(`no result for ${id}`);
  return c;
}

function found(findings: readonly Finding[], id: string): Array<{ severity: Severity; resource: string; evidence: string }> {
  return findings.filter((f) => f.checkId === id).map((f) => ({ severity: f.severity, resource: f.resource, evidence: f.evidence }));
}

/** Every [severity, resource] pair is among the check's findings. */
function expectFindings(findings: readonly Finding[], id: string, expected: ReadonlyArray<[Severity, string]>): void {
  const got = found(findings, id).map((f) => `${f.severity} ${f.resource}`);
  for (const [sev, res] of expected) expect(got, id).toContain(`${sev} ${res}`);
}

function expectNotFlagged(findings: readonly Finding[], resource: string): void {
  expect(
    findings.filter((f) => HOST_CHECK.test(f.checkId) && f.resource === resource).map((f) => f.checkId),
    resource,
  ).toEqual([]);
}

/** The collector over SSH with scan roots, evaluated without the store. */
async function collectWithScanRoots(a: AuditLabHost): Promise<Evaluation> {
  const conn = await connect(
    { address: a.host.address, port: a.host.port, username: a.host.user, identityFile: a.host.identityFile },
    { kind: 'accept-new', onAccept: () => undefined },
  );
  try {
    const { marker, scripts } = buildCollectScript({ sshdConfigPath: a.host.sshdConfigPath, scanRoots: a.scanRoots });
    const outputs = await Promise.all(scripts.map((s) => conn.exec('sh -s', { stdin: s, timeoutMs: 120_000 })));
    const { facts } = parseCollectOutput(outputs.map((o) => o.stdout).join('\n'), marker, a.host.sshdConfigPath, { scanRoots: a.scanRoots });
    return evaluate(facts, `${a.host.address}:${a.host.port}`);
  } finally {
    conn.close();
  }
}

// Each audit runs the whole collector (~1–3 s idle; much longer on a loaded machine).
describe.skipIf(!labAvailable)(`host audit against planted lab hosts${pre.ok ? '' : ` (${pre.reason})`}`, { timeout: 180_000 }, () => {
  let vulnerable: AuditLabHost;
  let hardened: AuditLabHost;
  let bare: AuditLabHost;
  const created: AuditLabHost[] = [];
  let dir: string;
  let dbFile: string;
  let store: Store;
  const runs: RunDetail[] = [];
  const evaluations: Evaluation[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-host-audit-'));
    dbFile = path.join(dir, 'rampart.db');
    store = new Store(dbFile);
    const results = await Promise.allSettled([createAuditLabHost('vulnerable'), createAuditLabHost('hardened'), createAuditLabHost('bare')]);
    for (const r of results) if (r.status === 'fulfilled') created.push(r.value);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    [vulnerable, hardened, bare] = created as [AuditLabHost, AuditLabHost, AuditLabHost];
  }, 120_000);

  afterAll(async () => {
    try {
      store?.close();
    } catch {
      /* closed by the secrets test */
    }
    await Promise.allSettled(created.map((a) => destroyAuditLabHost(a)));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('vulnerable: every planted misconfiguration is found, check by check', async () => {
    const run = await runAudit(store, target(vulnerable), { acceptNewHostKey: true });
    runs.push(run);
    expect(run.execCount).toBeLessThanOrEqual(3);
    const host = run.checks.filter((c) => HOST_CHECK.test(c.checkId));
    expect(host.length).toBeGreaterThanOrEqual(25);
    // Everything planted fails; PERM-PASSWD-FILES (left intact) and BACKUP-NONE (backups exist) pass.
    const notFailing = host.filter((c) => c.status !== 'fail').map((c) => `${c.checkId}:${c.status}`);
    expect(notFailing.sort()).toEqual(['BACKUP-NONE:pass', 'PERM-PASSWD-FILES:pass']);

    const f = run.findings;
    const alice = vulnerable.paths.aliceHome!;
    const web = `${alice}/apps/web`;
    // secrets
    expectFindings(f, 'SECRET-FILE-READABLE', [
      ['critical', `file:${web}/.env`],
      ['critical', `file:${web}/acme.json`],
      ['critical', `file:${web}/htpasswd`],
      ['critical', `file:${web}/tls/server.key`],
      ['critical', `file:${alice}/.ssh/id_ed25519`],
      ['critical', `file:${alice}/.pgpass`],
      ['critical', `file:${alice}/.my.cnf`],
      ['medium', `file:${web}/wg0.conf`],
    ]);
    expect(found(f, 'SECRET-FILE-READABLE').find((x) => x.resource.endsWith('/wg0.conf'))!.evidence).toMatch(/readable by group users/);
    expectFindings(f, 'SECRET-FILE-WRITABLE', [['high', `file:${web}/acme.json`]]);
    // templates and certificates are not secrets; properly protected lab keys are not flagged
    for (const r of [`file:${web}/.env.example`, `file:${web}/tls/cert.pem`, 'file:/etc/ssh/ssh_host_ed25519_key', 'file:/var/log/wtmp', 'file:/etc/passwd'])
      expectNotFlagged(f, r);

    // permissions
    expectFindings(f, 'PERM-SHADOW-FILES', [['critical', 'file:/etc/shadow']]);
    expectFindings(f, 'PERM-SSH-HOST-KEYS', [['critical', 'file:/etc/ssh/ssh_host_dsa_key']]);
    expectFindings(f, 'PERM-SSHD-CONFIG', [['high', 'file:/etc/ssh/sshd_config']]);
    expectFindings(f, 'PERM-SUDOERS-FILES', [['low', 'file:/etc/sudoers.d/91-guest']]);
    expectFindings(f, 'PERM-SSH-DIR', [['high', `file:${alice}/.ssh`]]);
    expectFindings(f, 'PERM-AUTHORIZED-KEYS', [
      ['high', 'file:/etc/ssh/authorized_keys_alice'],
      ['low', `file:${alice}/.ssh/authorized_keys`],
    ]);
    expectFindings(f, 'PERM-WORLD-WRITABLE', [
      ['high', 'file:/etc/ssh/sshd_config'],
      ['high', 'file:/etc/ssh/authorized_keys_alice'],
      ['high', `file:${web}/docker-compose.yml`],
      ['high', `file:${alice}/.ssh`],
    ]);
    expectFindings(f, 'PERM-LOG-FILES', [
      ['high', 'file:/var/log/kern.log'],
      ['medium', 'file:/var/log/auth.log'],
    ]);
    expect(found(f, 'PERM-LOG-FILES').find((x) => x.resource === 'file:/var/log/auth.log')!.evidence).toContain('/var/log/auth.log.1');
    expectFindings(f, 'PERM-DATA-DIRS', [['high', `file:${alice}/apps/pg/data`]]);

    // access
    expectFindings(f, 'ACC-UID0', [['critical', 'user:toor']]);
    expectFindings(f, 'ACC-EMPTY-PASSWORD', [['critical', 'user:guest']]);
    expectFindings(f, 'ACC-PASSWORD-NOT-SHADOWED', [['high', 'user:legacy']]);
    expectFindings(f, 'ACC-DUPLICATE-UID', [['medium', 'uid:4101']]);
    expectFindings(f, 'ACC-SUDO-NOPASSWD-ALL', [['high', 'sudoers:/etc/sudoers.d/90-nopasswd:2']]);
    expectFindings(f, 'ACC-SUDO-NO-AUTHENTICATE', [['high', 'sudoers:/etc/sudoers.d/91-guest:1']]);
    expectFindings(f, 'ACC-WEAK-AUTHORIZED-KEYS', [
      ['high', 'authorized-keys:/etc/ssh/authorized_keys_alice'],
      ['low', `authorized-keys:${alice}/.ssh/authorized_keys`],
    ]);
    const weak = found(f, 'ACC-WEAK-AUTHORIZED-KEYS').find((x) => x.resource === 'authorized-keys:/etc/ssh/authorized_keys_alice')!;
    expect(weak.evidence).toMatch(/DSA .*SHA256:.*RSA 2048 bits/);
    expect(found(f, 'ACC-UID0')).toHaveLength(1);

    // system
    expectFindings(f, 'SYS-SECURITY-UPDATES', [['high', 'packages:security-updates']]);
    expect(found(f, 'SYS-SECURITY-UPDATES')[0]!.evidence).toMatch(/^2 security updates pending: .*bash .*bookworm-security.*openssl/);
    expect(found(f, 'SYS-PENDING-UPDATES')[0]!.evidence).toMatch(/^1 update pending: base-files/);
    expect(found(f, 'SYS-PACKAGE-LISTS-STALE')[0]!.evidence).toMatch(/30 days ago/);
    expect(found(f, 'SYS-UNATTENDED-UPGRADES')[0]!.evidence).toMatch(/APT::Periodic::Unattended-Upgrade is "0"/);
    expectFindings(f, 'SYS-REBOOT-REQUIRED', [['medium', 'system:reboot-required']]);
    expect(found(f, 'SYS-REBOOT-REQUIRED')[0]!.evidence).toContain('linux-image-6.1.0-99-amd64');
    expectFindings(f, 'SYS-OS-EOL', [['high', 'os:debian-10']]);
    expectFindings(f, 'SYS-TIME-SYNC', [['medium', 'system:time-sync']]);

    // backups
    expectFindings(f, 'BACKUP-STALE', [['medium', `backup:${alice}/backups`]]);
    expectFindings(f, 'BACKUP-UNENCRYPTED', [['medium', `backup:${alice}/backups`]]);
    expectFindings(f, 'BACKUP-READABLE', [
      ['critical', `backup:${alice}/backups`],
      ['critical', 'backup:/var/backups'],
    ]);
    expect(found(f, 'BACKUP-READABLE').find((x) => x.resource === 'backup:/var/backups')!.evidence).toContain('shadow.bak');

    for (const x of f.filter((y) => HOST_CHECK.test(y.checkId))) {
      expect(x.remediation.length, x.checkId).toBeGreaterThan(20);
      expect(x.rationale.length, x.checkId).toBeGreaterThan(20);
    }
  });

  it('vulnerable: what lives under the scan roots (stack .env, compose file, very stale backups) is found', async () => {
    const ev = await collectWithScanRoots(vulnerable);
    evaluations.push(ev);
    const root = vulnerable.scanRoots[0]!;
    expectFindings(ev.findings, 'SECRET-FILE-READABLE', [['critical', `file:${root}/stack/.env`]]);
    expectFindings(ev.findings, 'PERM-WORLD-WRITABLE', [['high', `file:${root}/stack/docker-compose.yml`]]);
    expectFindings(ev.findings, 'BACKUP-STALE', [['high', `backup:${root}/backups`]]);
    expectFindings(ev.findings, 'BACKUP-UNENCRYPTED', [['medium', `backup:${root}/backups`]]);
    // 0600 files in a 0750 folder: not readable by others
    expect(found(ev.findings, 'BACKUP-READABLE').map((x) => x.resource)).not.toContain(`backup:${root}/backups`);
  });

  it('hardened: every host-audit check passes', async () => {
    const run = await runAudit(store, target(hardened), { acceptNewHostKey: true });
    runs.push(run);
    const host = run.checks.filter((c) => HOST_CHECK.test(c.checkId));
    expect(host.length).toBeGreaterThanOrEqual(25);
    expect(host.filter((c) => c.status !== 'pass').map((c) => `${c.checkId}:${c.status}:${c.message ?? ''}`)).toEqual([]);
    expect(run.findings.filter((f) => HOST_CHECK.test(f.checkId))).toEqual([]);
    // And with its scan roots (a protected .env, a private data folder, fresh encrypted backups).
    const ev = await collectWithScanRoots(hardened);
    evaluations.push(ev);
    expect(ev.checks.filter((c) => HOST_CHECK.test(c.checkId) && c.status !== 'pass').map((c) => c.checkId)).toEqual([]);
  });

  it('bare: no backups anywhere is a finding; the other backup checks have nothing to judge', async () => {
    const run = await runAudit(store, target(bare), { acceptNewHostKey: true });
    runs.push(run);
    expect(statusOf(run.checks, 'BACKUP-NONE').status).toBe('fail');
    expect(found(run.findings, 'BACKUP-NONE')).toEqual([
      { severity: 'medium', resource: 'backups:host', evidence: expect.stringMatching(/^no backup files in \/var\/backups/) as unknown as string },
    ]);
    for (const id of ['BACKUP-STALE', 'BACKUP-UNENCRYPTED']) expect(statusOf(run.checks, id).status, id).toBe('not-applicable');
    expect(statusOf(run.checks, 'BACKUP-READABLE').status).toBe('pass');
  });

  it('unprivileged: root-only facts are needs-sudo instead of a clean result', async () => {
    const run = await runAudit(store, target(hardened, { username: hardened.unprivilegedUser }), {});
    runs.push(run);
    const st = (id: string): string => statusOf(run.checks, id).status;
    // /etc/shadow and sudoers are root-only; homes, scan roots and the package lists are in folders
    // the account may not enter: none of that may come out as "pass".
    for (const id of [
      'ACC-EMPTY-PASSWORD',
      'ACC-SUDO-NOPASSWD-ALL',
      'ACC-SUDO-NO-AUTHENTICATE',
      'PERM-SUDOERS-FILES',
      'ACC-WEAK-AUTHORIZED-KEYS',
      'PERM-SSH-DIR',
      'PERM-AUTHORIZED-KEYS',
      'SECRET-FILE-READABLE',
      'SECRET-FILE-WRITABLE',
      'PERM-WORLD-WRITABLE',
      'PERM-DATA-DIRS',
      'BACKUP-NONE',
      'BACKUP-READABLE',
      'SYS-SECURITY-UPDATES',
    ])
      expect(st(id), id).toBe('needs-sudo');
    expect(statusOf(run.checks, 'ACC-EMPTY-PASSWORD').message).toMatch(/\/etc\/shadow needs root/);
    // What any user may read is still judged.
    for (const id of ['ACC-UID0', 'ACC-DUPLICATE-UID', 'PERM-SHADOW-FILES', 'PERM-PASSWD-FILES', 'PERM-SSHD-CONFIG', 'SYS-OS-EOL', 'SYS-UNATTENDED-UPGRADES'])
      expect(st(id), id).toBe('pass');
    expect(run.findings.filter((f) => HOST_CHECK.test(f.checkId))).toEqual([]);
  });

  it('unprivileged on the vulnerable host: a world-readable /etc/shadow is read, so the empty password is still found', async () => {
    const run = await runAudit(store, target(vulnerable, { username: vulnerable.unprivilegedUser }), {});
    runs.push(run);
    expect(statusOf(run.checks, 'ACC-EMPTY-PASSWORD').status).toBe('fail');
    expectFindings(run.findings, 'ACC-EMPTY-PASSWORD', [['critical', 'user:guest']]);
    expectFindings(run.findings, 'PERM-SHADOW-FILES', [['critical', 'file:/etc/shadow']]);
    expect(statusOf(run.checks, 'ACC-SUDO-NOPASSWD-ALL').status).toBe('needs-sudo');
  });

  it('no planted secret value, hash or key material reaches findings, evidence or the database file', () => {
    const canaries = created.flatMap((a) => a.canaries);
    expect(canaries.length).toBeGreaterThanOrEqual(12);
    const stored = JSON.stringify(runs.map((r) => store.getRun(r.id)));
    const returned = JSON.stringify(runs) + JSON.stringify(evaluations);
    store.close();
    const dbBytes = readdirSync(dir)
      .filter((n) => n.startsWith('rampart.db'))
      .map((n) => readFileSync(path.join(dir, n)).toString('latin1'))
      .join('\n');
    expect(dbBytes.length).toBeGreaterThan(0);
    for (const c of canaries) {
      expect(returned.includes(c), `returned findings contain ${c.slice(0, 16)}…`).toBe(false);
      expect(stored.includes(c), `stored runs contain ${c.slice(0, 16)}…`).toBe(false);
      expect(dbBytes.includes(c), `database file contains ${c.slice(0, 16)}…`).toBe(false);
    }
    // No password hash of any kind in the stored runs.
    expect(stored).not.toMatch(/\$6\$[./A-Za-z0-9]{4,}\$/);
  });
});
