// The two whole-server lab scenarios (lab/scenario.ts), audited end to end with runAudit over SSH
// and the whole catalog, as the issue's lab section asks:
//   - hardened must grade A or better with no open high or critical finding;
//   - vulnerable: each must-have misconfiguration is present and detected (one finding or more per
//     check), the grade is F, and no planted secret reaches the run or the database.
// Each scenario has its own dockerd; both hosts run ufw, fail2ban, Postfix and wireguard-go inside
// their network namespace. Needs root and the lab's packages; skipped without them unless
// RAMPART_LAB_REQUIRED=1 (then it fails).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labComposeAvailable, labDockerPrerequisites } from '../lab/docker';
import { labPrerequisites } from '../lab/lab';
import { createScenarioHost, destroyScenarioHost, type ScenarioHost } from '../lab/scenario';
import { missingServiceTools } from '../lab/services';
import { runAudit, type AuditTarget } from '../src/main/audit/auditor';
import { CHECKS } from '../src/main/audit/checks';
import { ingestTrivyReport } from '../src/main/audit/cve/trivy';
import { Store } from '../src/main/store/store';
import type { RunDetail } from '../src/shared/domain';

const PLANT_TOOLS = ['/usr/sbin/chronyd', '/usr/bin/unattended-upgrade', '/usr/bin/nsenter', '/usr/bin/apt-get', '/usr/bin/openssl'];
const missing = [...missingServiceTools(), ...PLANT_TOOLS.filter((t) => !fs.existsSync(t))];
const ready = labPrerequisites().ok && labDockerPrerequisites().ok && labComposeAvailable() && missing.length === 0;
const available = ready || process.env.RAMPART_LAB_REQUIRED === '1';

/**
 * Host-hardening checks whose settings lab/hostHardening.ts sets per host (own /etc view, own mount
 * namespace): the hardened host passes them, the vulnerable one fails them. AppArmor, auditd and
 * encryption at rest follow the machine's kernel and disks (fixture-tested).
 */
const HARDENING_IN_LAB = [
  'SYS-TMP-MOUNT-OPTIONS', 'SYS-CORE-DUMPS', 'SYS-JOURNALD-PERSISTENT', 'SYS-SUID-UNOWNED', 'NET-LISTENER-UNOWNED', 'PERM-CRON',
  'PERM-SSH-HOST-PUBKEYS', 'SECRET-KEY-AGE', 'BACKUP-RESTORE-UNTESTED',
];

/**
 * The issue's must-have list, as check ids. Left out, with the reason: NET-FIREWALL-INACTIVE and
 * BACKUP-NONE (the opposite states of NET-FIREWALL-DEFAULT-INCOMING and the stale/readable backup
 * checks, covered on other lab hosts), NET-FAIL2BAN-MISSING / -NO-SSHD-JAIL (fail2ban is installed
 * and stopped here: -INACTIVE), SSH-TERRAPIN (Debian's OpenSSH has the strict-KEX fix, so a real
 * sshd here is not exposed; fixture-tested).
 */
const MUST_DETECT = [
  'SECRET-FILE-READABLE', 'SECRETS-COMPOSE-LITERAL', 'SECRETS-CONTAINER-ENV', 'SECRETS-DEFAULT-COMPOSE', 'SECRETS-DEFAULT-CONTAINER',
  'PERM-WORLD-WRITABLE', 'PERM-SHADOW-FILES', 'PERM-SSH-HOST-KEYS', 'PERM-SSHD-CONFIG', 'PERM-SSH-DIR', 'PERM-AUTHORIZED-KEYS', 'PERM-LOG-FILES', 'PERM-DATA-DIRS',
  'DOCKER-PRIVILEGED', 'DOCKER-SOCKET-MOUNT', 'DOCKER-DANGEROUS-CAPS', 'DOCKER-NO-CAP-DROP-ALL', 'DOCKER-NO-NEW-PRIVILEGES', 'DOCKER-ROOT-USER',
  'DOCKER-NO-MEMORY-LIMIT', 'DOCKER-NO-CPU-LIMIT', 'DOCKER-NO-PIDS-LIMIT', 'DOCKER-HOST-NETWORK', 'DOCKER-HOST-PID', 'DOCKER-HOST-IPC', 'DOCKER-HOST-UTS',
  'DOCKER-SENSITIVE-MOUNT', 'DOCKER-APPARMOR-UNCONFINED', 'DOCKER-SECCOMP-UNCONFINED', 'DOCKER-ROOTFS-WRITABLE', 'DOCKER-PORTS-ALL-INTERFACES',
  'DOCKER-NO-HEALTHCHECK', 'DOCKER-UNHEALTHY', 'DOCKER-IMAGE-LATEST', 'DOCKER-GROUP-MEMBERS',
  'NET-FIREWALL-DEFAULT-INCOMING', 'NET-DB-PORT-PUBLIC', 'NET-DOCKER-BYPASSES-UFW', 'NET-SSH-BEYOND-VPN', 'NET-FAIL2BAN-INACTIVE',
  'SSH-PERMIT-ROOT-LOGIN', 'SSH-PASSWORD-AUTH', 'SSH-PERMIT-EMPTY-PASSWORDS', 'SSH-WEAK-KEX', 'SSH-WEAK-CIPHERS', 'SSH-WEAK-MACS', 'SSH-WEAK-HOSTKEY-ALGORITHMS',
  'SSH-MAX-AUTH-TRIES', 'SSH-X11-FORWARDING', 'SSH-NO-ALLOW-USERS', 'SSH-LOGIN-GRACE-TIME',
  // CIS Debian 12 5.1 and Lynis SSH-7408 (SSH-LOG-LEVEL: the scenario keeps sshd's logs; fixture-tested).
  'SSH-STRICT-MODES', 'SSH-GATEWAY-PORTS', 'SSH-TCP-FORWARDING', 'SSH-AGENT-FORWARDING', 'SSH-PERMIT-TUNNEL', 'SSH-CLIENT-ALIVE',
  'SSH-MAX-SESSIONS', 'SSH-MAX-STARTUPS', 'SSH-USE-PAM', 'SSH-GSSAPI-AUTH', 'SSH-BANNER',
  'ACC-UID0', 'ACC-EMPTY-PASSWORD', 'ACC-SUDO-NOPASSWD-ALL', 'ACC-WEAK-AUTHORIZED-KEYS',
  'SYS-UNATTENDED-UPGRADES', 'SYS-SECURITY-UPDATES', 'SYS-REBOOT-REQUIRED', 'SYS-OS-EOL', 'SYS-TIME-SYNC',
  'BACKUP-STALE', 'BACKUP-UNENCRYPTED', 'BACKUP-READABLE',
  'VPN-WG-CONFIG-READABLE', 'VPN-WG-INTERFACE-DOWN', 'VPN-WG-BROAD-ALLOWEDIPS',
  'MAIL-OPEN-RELAY-MYNETWORKS', 'MAIL-RELAY-RESTRICTIONS', 'MAIL-QUEUE-LARGE',
  'CVE-IMAGE-FIXABLE',
  // Issue 16 items 4–6: lab/containerSets.ts createProxySet (Traefik, Authelia, a database on the proxy's network).
  'TRAEFIK-API-INSECURE', 'TRAEFIK-DASHBOARD-NO-AUTH', 'TRAEFIK-EXPOSED-BY-DEFAULT', 'AUTHELIA-DEFAULT-POLICY', 'AUTHELIA-ADMIN-BYPASS', 'AUTHELIA-INLINE-SECRET',
  'SEG-PUBLISHED-SHARES-BACKEND', 'SEG-BACKEND-NOT-INTERNAL',
  // CIS Debian 12 3.3, set in the host's own network namespace (lab/scenario.ts NET_SYSCTLS).
  'KRNL-ICMP-REDIRECTS', 'KRNL-SEND-REDIRECTS', 'KRNL-SOURCE-ROUTE', 'KRNL-RP-FILTER', 'KRNL-LOG-MARTIANS', 'KRNL-ICMP-BROADCAST-BOGUS',
  'KRNL-TCP-SYNCOOKIES', 'KRNL-IPV6-ACCEPT-RA',
  // Host hardening (issue 16 items 3, 7, 8, CIS 5.1.3), planted per host by lab/hostHardening.ts.
  ...HARDENING_IN_LAB, 'PERM-HOME-DIRS', 'ACC-PASSWORD-POLICY', 'ACC-SYSTEM-ACCOUNT-LOGIN', 'DOCKER-UID-HOST-ACCOUNT',
];

function target(s: ScenarioHost, over: Partial<AuditTarget> = {}): AuditTarget {
  const h = s.host;
  return { hostId: null, name: h.name, address: h.address, port: h.port, username: h.user, identityFile: h.identityFile, sshdConfigPath: h.sshdConfigPath, scanRoots: s.scanRoots, ...over };
}

const trivy = (s: ScenarioHost) => [{ name: `${s.scenario}-trivy.json`, scans: ingestTrivyReport(s.trivyReport) }];

describe.skipIf(!available)(`whole-server lab scenarios${ready ? '' : ` (missing: ${missing.join(', ') || 'lab/docker prerequisites'})`}`, { timeout: 240_000 }, () => {
  const scenarios: ScenarioHost[] = [];
  let hardened: ScenarioHost;
  let vulnerable: ScenarioHost;
  let dir: string;
  let dbFile: string;
  let store: Store;
  let hardRun: RunDetail;
  let vulnRun: RunDetail;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-scenarios-'));
    fs.chmodSync(dir, 0o755); // postfix must reach its queue below
    dbFile = path.join(dir, 'rampart.db');
    store = new Store(dbFile);
    const results = await Promise.allSettled([createScenarioHost('hardened', dir), createScenarioHost('vulnerable', dir)]);
    for (const r of results) if (r.status === 'fulfilled') scenarios.push(r.value);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    hardened = scenarios.find((s) => s.scenario === 'hardened')!;
    vulnerable = scenarios.find((s) => s.scenario === 'vulnerable')!;
    [hardRun, vulnRun] = await Promise.all([
      runAudit(store, target(hardened), { acceptNewHostKey: true, trivyReports: trivy(hardened) }),
      runAudit(store, target(vulnerable, { vpn: { only: true, interface: vulnerable.wgInterface } }), { acceptNewHostKey: true, trivyReports: trivy(vulnerable) }),
    ]);
  }, 240_000);

  afterAll(async () => {
    try {
      store?.close();
    } catch {
      /* already closed */
    }
    await Promise.allSettled(scenarios.map((s) => destroyScenarioHost(s)));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('both runs are complete, every section collected, in at most 3 exec round trips', () => {
    for (const run of [hardRun, vulnRun]) {
      expect(run.status, run.hostName).toBe('complete');
      expect(run.errors, run.hostName).toEqual([]);
      expect(run.execCount).toBeLessThanOrEqual(3);
      expect(run.checks.map((c) => c.checkId).sort()).toEqual(CHECKS.map((c) => c.id).sort());
      expect(run.checks.filter((c) => c.status === 'error' || c.status === 'needs-sudo').map((c) => `${c.checkId}: ${c.message}`), run.hostName).toEqual([]);
    }
  });

  it('hardened: grade A or better, no open high or critical finding, every category graded', () => {
    const serious = hardRun.findings.filter((f) => f.severity === 'high' || f.severity === 'critical');
    expect(serious.map((f) => `${f.checkId} ${f.resource}: ${f.evidence}`)).toEqual([]);
    expect(hardRun.score, JSON.stringify(hardRun.findings.map((f) => `${f.severity} ${f.checkId} ${f.resource}`))).not.toBeNull();
    expect(['A+', 'A']).toContain(hardRun.score!.grade);
    expect(hardRun.score!.overall).toBeGreaterThanOrEqual(90);
    // Every category of the catalog has checks that applied here (nothing graded by default).
    expect(Object.keys(hardRun.score!.categories).sort()).toEqual(['access', 'backups', 'containers', 'cve', 'mail', 'network', 'permissions', 'secrets', 'ssh', 'system', 'vpn']);
    for (const [cat, s] of Object.entries(hardRun.score!.categories)) expect(s.score, cat).toBeGreaterThanOrEqual(80);
  });

  it('hardened: the Traefik, Authelia and segmentation checks pass on its proxy set (lab/containerSets.ts createHardenedProxySet)', () => {
    const ours = hardRun.checks.filter((c) => /^(TRAEFIK|AUTHELIA|SEG)-/.test(c.checkId));
    expect(ours.length).toBe(21);
    expect(ours.filter((c) => c.status !== 'pass' && c.status !== 'not-applicable').map((c) => `${c.checkId}:${c.status}`)).toEqual([]);
    // Found and judged, not skipped: Traefik, Authelia and the internal back-end network were seen.
    for (const id of ['TRAEFIK-API-INSECURE', 'TRAEFIK-DASHBOARD-NO-AUTH', 'TRAEFIK-ENTRYPOINT-NO-TLS', 'TRAEFIK-NO-SECURITY-HEADERS', 'AUTHELIA-DEFAULT-POLICY', 'AUTHELIA-CONFIG-READABLE', 'SEG-BACKEND-NOT-INTERNAL', 'SEG-PUBLISHED-SHARES-BACKEND'])
      expect(hardRun.checks.find((c) => c.checkId === id)?.status, id).toBe('pass');
  });

  it('hardened: every SSH check but key-only root login passes (CIS Debian 12 5.1 with PAM on)', () => {
    expect(hardRun.checks.filter((c) => c.category === 'ssh' && c.status !== 'pass').map((c) => `${c.checkId}:${c.status}`)).toEqual(['SSH-PERMIT-ROOT-LOGIN:fail']);
  });

  it('kernel parameters: the hardened namespace passes every network check; forwarding on the vulnerable one is explained by WireGuard', () => {
    const net = (run: RunDetail) => run.checks.filter((c) => c.checkId.startsWith('KRNL-') && c.category === 'network');
    expect(net(hardRun).map((c) => `${c.checkId}:${c.status}`)).toEqual(net(hardRun).map((c) => `${c.checkId}:pass`));
    const fwd = vulnRun.checks.find((c) => c.checkId === 'KRNL-IP-FORWARD');
    expect(fwd?.status).toBe('not-applicable');
    expect(fwd?.message).toMatch(/^forwarding is on \(net\.ipv4\.ip_forward\) and expected: this host runs WireGuard/);
  });

  it('kernel parameters: the kernel-wide checks report the machine\'s own values (the lab does not change them)', () => {
    // ASLR, Yama, suid_dumpable, dmesg_restrict and fs.protected_* are one per kernel: a lab host
    // shows the build machine's values, so the hardened host passes or fails them as the machine
    // does (e.g. fs.protected_symlinks = 0 on a machine that leaves it off: a medium, accepted here).
    const machine = (key: string): number | undefined => {
      const file = `/proc/sys/${key.replace(/\./g, '/')}`;
      return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) : undefined;
    };
    const status = (id: string) => hardRun.checks.find((c) => c.checkId === id)?.status;
    const want = (keys: string[], ok: (v: number) => boolean) => {
      const vals = keys.map(machine).filter((v): v is number => v !== undefined);
      return vals.length === 0 ? 'not-applicable' : vals.every(ok) ? 'pass' : 'fail';
    };
    expect(status('KRNL-ASLR')).toBe(want(['kernel.randomize_va_space'], (v) => v === 2));
    expect(status('KRNL-PTRACE-SCOPE')).toBe(want(['kernel.yama.ptrace_scope'], (v) => v >= 1));
    expect(status('KRNL-SUID-DUMPABLE')).toBe(want(['fs.suid_dumpable'], (v) => v === 0));
    expect(status('KRNL-DMESG-RESTRICT')).toBe(want(['kernel.dmesg_restrict'], (v) => v === 1));
    expect(status('KRNL-PROTECTED-LINKS')).toBe(want(['fs.protected_symlinks', 'fs.protected_hardlinks', 'fs.protected_fifos', 'fs.protected_regular'], (v) => v >= 1));
  });

  it('host hardening: the hardened host passes what the lab sets; AppArmor and auditd follow the machine', () => {
    const status = (id: string) => hardRun.checks.find((c) => c.checkId === id)?.status;
    expect(HARDENING_IN_LAB.map((id) => `${id}:${status(id)}`)).toEqual(HARDENING_IN_LAB.map((id) => `${id}:pass`));
    // No account of the hardened host has a password: aging and hashing do not apply.
    expect(status('ACC-PASSWORD-POLICY')).toBe('not-applicable');
    const apparmorOn = fs.existsSync('/sys/module/apparmor/parameters/enabled') && fs.readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
    if (!apparmorOn) expect(status('SYS-APPARMOR')).toBe('fail');
    if (!fs.existsSync('/usr/sbin/auditd') && !fs.existsSync('/sbin/auditd')) expect(status('SYS-AUDITD')).toBe('fail');
    for (const run of [hardRun, vulnRun]) expect(run.checks.find((c) => c.checkId === 'SYS-ENCRYPTION-AT-REST')?.status, run.hostName).toMatch(/^(pass|fail)$/);
    // Key ages on the vulnerable host: its SSH host keys, WireGuard configs and DKIM key (opendkim's
    // /etc/dkimkeys, its own per host) are two years old.
    const old = vulnRun.findings.filter((f) => f.checkId === 'SECRET-KEY-AGE').map((f) => f.resource);
    expect(old).toContain('file:/etc/dkimkeys/mail.private');
    expect(old.filter((r) => r.startsWith('file:/etc/ssh/ssh_host_')).length).toBeGreaterThanOrEqual(3);
    expect(old.filter((r) => r.startsWith('file:/etc/wireguard/')).length).toBe(2);
  });

  it('vulnerable: each must-have misconfiguration is detected', () => {
    const failing = new Set(vulnRun.findings.map((f) => f.checkId));
    expect(MUST_DETECT.filter((id) => !failing.has(id))).toEqual([]);
    for (const id of MUST_DETECT) expect(vulnRun.checks.find((c) => c.checkId === id)?.status, id).toBe('fail');
    // Severity where the issue names it: world-readable secret files are critical.
    expect(vulnRun.findings.filter((f) => f.checkId === 'SECRET-FILE-READABLE' && f.severity === 'critical').length).toBeGreaterThan(0);
  });

  it('vulnerable: grade F, strictly worse than hardened in every category', () => {
    expect(vulnRun.score!.grade).toBe('F');
    for (const [cat, s] of Object.entries(vulnRun.score!.categories)) {
      const hard = hardRun.score!.categories[cat];
      expect(hard, cat).toBeDefined();
      expect(s.score, cat).toBeLessThan(hard!.score);
    }
  });

  it('no planted secret, hash, key or WireGuard private key reaches the runs or the database', () => {
    const secrets = [...vulnerable.canaries, ...hardened.canaries, ...vulnerable.wgPrivateKeys, ...hardened.wgPrivateKeys].filter((s) => s.length >= 12);
    expect(secrets.length).toBeGreaterThan(20);
    const texts = [JSON.stringify(hardRun), JSON.stringify(vulnRun), JSON.stringify(store.getRun(vulnRun.id))];
    store.close();
    const db = ['', '-wal', '-shm'].map((s) => (fs.existsSync(dbFile + s) ? fs.readFileSync(dbFile + s).toString('latin1') : '')).join('\n');
    for (const s of secrets) {
      for (const t of texts) expect(t.includes(s), `run holds ${s.slice(0, 16)}…`).toBe(false);
      expect(db.includes(s), `database holds ${s.slice(0, 16)}…`).toBe(false);
    }
  });
});
