// The host-hardening checks through the engine, on recorded section outputs: the build machine
// (Debian 12, no AppArmor in its kernel, no auditd, no separate /tmp), the lab's hardened and
// vulnerable scenario hosts (lab/hostHardening.ts: their own login.defs, limits, journald, cron
// folders, mounts, planted SUID copy, unowned listener, old keys), and edits of those recordings
// for what the lab cannot vary (AppArmor on and in complain mode, auditd with rules, LUKS, DKIM,
// systemd-coredump, a SUID file name with a newline). Each edit is named where it is made.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../../../../test/support/hostFixtures';
import { evaluate } from '../../engine';
import type { HostFacts } from '../../facts';
import type { Account, Shadow } from '../../parsers/accounts';
import type { Backups } from '../../parsers/backups';
import type { DataDirs, SecretFiles } from '../../parsers/files';
import { parseHostHardening, parseOwnership, type HostHardening, type Ownership } from '../../parsers/hardening';
import type { ListeningSocket } from '../../parsers/listening';
import { keyMaxAgeDays } from '../../sections/hardening';
import { checks } from './index';

const HOST = '192.0.2.10:22';
const body = (name: string): string => fs.readFileSync(path.join(FIXTURES, 'hardening', `${name}.txt`), 'latin1').replace(/\n@exit \d+\n?$/, '\n');
const hardening = (scenario: string, extra = ''): HostHardening => parseHostHardening(body(`sys_hardening-${scenario}`) + extra);
const ownership = (scenario: string, edit: (b: string) => string = (b) => b): Ownership => parseOwnership(edit(body(`sys_ownership-${scenario}`)));

const user = (name: string, uid: number, shell: string, home = `/home/${name}`): Account => ({ name, uid, gid: uid, home, shell, passwdField: 'shadowed' });
const NOW = 1796546205;
const stat = (p: string, mode = 0o600, mtime = NOW - 86_400) => ({ path: p, mode, uid: 0, gid: 0, owner: 'root', group: 'root', type: 'f', size: 10, mtime });

interface Others {
  users?: Account[];
  shadow?: Shadow;
  listening?: ListeningSocket[];
  secretFiles?: SecretFiles;
  dataDirs?: DataDirs;
  backups?: Backups;
  container?: string | null;
  docker?: unknown;
}

function run(h: HostHardening, o: Ownership, others: Others = {}) {
  const facts = {
    hostHardening: { ok: true, value: h },
    ownership: { ok: true, value: o },
    systemInfo: { ok: true, value: { kernel: '6.1.0', now: h.now, container: others.container ?? null, systemd: true, bootKernels: [], rebootRequired: false, rebootPackages: [] } },
    accounts: { ok: true, value: { users: others.users ?? [user('root', 0, '/bin/bash', '/root')], groups: [] } },
    shadow: { ok: true, value: others.shadow ?? { entries: [{ name: 'root', state: 'locked', lastChange: 20000, maxDays: 99999, expires: null }] } },
    listening: { ok: true, value: others.listening ?? [] },
    secretFiles: { ok: true, value: others.secretFiles ?? { files: [], denied: [], closedDirs: [], truncated: false } },
    dataDirs: { ok: true, value: others.dataDirs ?? { dirs: [], denied: [] } },
    backups: { ok: true, value: others.backups ?? { now: h.now, locations: [], denied: [], truncated: false } },
    docker: { ok: true, value: others.docker ?? { daemon: { userns: false, rootless: false }, containers: [] } },
  } as unknown as HostFacts;
  const ev = evaluate(facts, HOST, checks);
  return {
    status: (id: string) => ev.checks.find((c) => c.checkId === id)?.status,
    message: (id: string) => ev.checks.find((c) => c.checkId === id)?.message,
    findings: (id: string) => ev.findings.filter((f) => f.checkId === id).map((f) => `${f.severity} ${f.resource}: ${f.evidence}`),
  };
}

const backupsAt = (dir: string, files: string[] = ['db.sql.gz.gpg'], now = NOW): Backups => ({
  now,
  denied: [],
  truncated: false,
  locations: [{ path: dir, source: 'scan-root', stat: { ...stat(dir, 0o700), type: 'd' }, files: files.map((f) => ({ stat: stat(`${dir}/${f}`), magic: 'gpg', encryption: 'encrypted', housekeeping: false })) }],
});

describe('host-hardening checks: metadata', () => {
  it('every check names a category, a CIS item or says it is none, references, and has honest severities', () => {
    expect(checks).toHaveLength(16);
    for (const c of checks) {
      expect(c.references.length, c.id).toBeGreaterThan(0);
      if (!c.cis) expect(c.rationale, c.id).toMatch(/not a CIS item/i);
      expect(c.remediation.length, c.id).toBeGreaterThan(40);
    }
    // Hardening settings are low or medium; only what hands out root is high.
    const high = checks.filter((c) => c.severity === 'high' || c.severity === 'critical').map((c) => c.id).sort();
    expect(high).toEqual(['PERM-CRON', 'PERM-HOME-DIRS', 'SYS-SUID-UNOWNED']);
  });
});

describe('host-hardening checks: the lab scenario hosts (recorded)', () => {
  it('hardened: strict temporary mounts, core limit, persistent journal, tidy cron, no unowned SUID or listener, fresh keys, a restore record', () => {
    const h = hardening('hardened');
    const r = run(h, ownership('hardened'), { backups: backupsAt('/srv/backups') });
    for (const id of ['SYS-TMP-MOUNT-OPTIONS', 'SYS-CORE-DUMPS', 'SYS-JOURNALD-PERSISTENT', 'SYS-SUID-UNOWNED', 'NET-LISTENER-UNOWNED', 'PERM-CRON', 'PERM-SSH-HOST-PUBKEYS', 'SECRET-KEY-AGE', 'BACKUP-RESTORE-UNTESTED'])
      expect([id, r.status(id)]).toEqual([id, 'pass']);
    expect(h.restoreLogs.map((s) => s.path)).toEqual(['/var/log/restore-test.log']);
    // The machine's kernel: AppArmor absent, no auditd (the lab cannot change these).
    expect(r.findings('SYS-APPARMOR')).toEqual(['medium system:apparmor: AppArmor is not in the running kernel (/sys/module/apparmor/parameters/enabled does not exist)']);
    expect(r.findings('SYS-AUDITD')).toEqual(['low system:auditd: auditd is not installed']);
  });

  it('vulnerable: every weak setting planted is found, with the values seen', () => {
    const h = hardening('vulnerable');
    const accounts = [user('root', 0, '/bin/bash', '/root'), user('labsvc', 991, '/bin/bash', '/var/lib/labsvc'), user('daemon', 1, '/usr/sbin/nologin', '/usr/sbin'), user('sync', 4, '/bin/sync', '/bin')];
    const shadow: Shadow = { entries: [{ name: 'root', state: 'set', lastChange: 20000, maxDays: 99999, expires: null }, { name: 'labsvc', state: 'set', lastChange: 20000, maxDays: null, expires: null }, { name: 'daemon', state: 'locked', lastChange: null, maxDays: null, expires: null }] };
    const agent = ownership('vulnerable').listening.find((l) => l.comm === 'rampart-agent')!;
    const listening: ListeningSocket[] = [{ proto: 'tcp', address: '0.0.0.0', interface: null, port: 8088, scope: 'any', processes: ['rampart-agent'], pids: [agent.pid] }];
    const r = run(h, ownership('vulnerable'), { users: accounts, shadow, listening, backups: backupsAt('/srv/backups') });
    expect(r.findings('SYS-TMP-MOUNT-OPTIONS')).toEqual([
      'low mount:/tmp: /tmp is not a separate file system (part of the one holding /), so none of nodev, nosuid, noexec can apply to it (CIS 1.1.2.1)',
      'low mount:/dev/shm: /dev/shm (tmpfs) is mounted rw,relatime,size=24731400k: nodev, nosuid, noexec missing (CIS 1.1.2.2)',
      'low mount:/var/tmp: /var/tmp is not a separate file system (part of the one holding /var), so none of nodev, nosuid, noexec can apply to it (CIS 1.1.2.5)',
      // The lab's per-host /var/log is a mount of its own: judged, as CIS 1.1.2.6 asks for a separate one.
      'low mount:/var/log: /var/log (ext4) is mounted rw,relatime,discard,no_prefetch_block_bitmaps,resv_strict,resuid=65534,resgid=65534: nodev, nosuid, noexec missing (CIS 1.1.2.6)',
    ]);
    expect(r.findings('SYS-CORE-DUMPS')).toEqual(['low system:core-dumps: no `* hard core 0` in /etc/security/limits.conf or limits.d; kernel.core_pattern = core']);
    expect(r.findings('SYS-JOURNALD-PERSISTENT')).toEqual(['low system:journald-storage: Storage=volatile (/etc/systemd/journald.conf.d/60-storage.conf): the journal is kept in /run only']);
    expect(r.findings('PERM-CRON')).toContain('high file:/etc/cron.d: /etc/cron.d 0777 (rwxrwxrwx) root:root: writable beyond root: its jobs run as root; readable or listable beyond root (CIS: og-rwx)');
    expect(r.findings('SYS-SUID-UNOWNED')).toEqual([expect.stringMatching(/^high file:\/tmp\/rampart-plant\/[^/]+\/srv\/tools\/\.sysupdate: ".*\/\.sysupdate" 4755 owner root \(setuid\) is not in any package's file list$/)]);
    expect(r.findings('NET-LISTENER-UNOWNED')).toEqual([expect.stringMatching(/^medium listener:.*\/rampart-agent: rampart-agent \(pid \d+, ".*\/rampart-agent"\) listens on tcp 0\.0\.0\.0:8088 \(rampart-agent\); no package's file list names it/)]);
    expect(r.findings('PERM-SSH-HOST-PUBKEYS')).toEqual(['medium file:/etc/ssh/ssh_host_ecdsa_key.pub: /etc/ssh/ssh_host_ecdsa_key.pub 0666 (rw-rw-rw-) root:root: writable beyond root']);
    const old = r.findings('SECRET-KEY-AGE');
    expect(old).toHaveLength(6); // 4 host keys and 2 WireGuard configs, 730 days old
    expect(old[0]).toMatch(/^low file:\/etc\/ssh\/ssh_host_dsa_key: SSH host key \/etc\/ssh\/ssh_host_dsa_key last changed 2024-12-06 \d\d:\d\d UTC, 730 days ago \(limit 365 days\)$/);
    expect(r.findings('ACC-PASSWORD-POLICY')).toEqual([
      'medium accounts:password-policy: 2 account(s) with a password (root, labsvc): login.defs ENCRYPT_METHOD MD5 (want YESCRYPT or SHA512); PASS_MAX_DAYS 99999 (want 1–365); PASS_MIN_DAYS 0 (want 1 or more); password never expires within 365 days for root, labsvc; pam_unix in common-auth has nullok (an empty password is accepted)',
    ]);
    expect(r.findings('ACC-SYSTEM-ACCOUNT-LOGIN')).toEqual(['medium account:labsvc: labsvc (uid 991 < UID_MIN 1000) has login shell /bin/bash and password set']);
    expect(r.findings('BACKUP-RESTORE-UNTESTED')).toEqual(['low backups:restore-test: backups in /srv/backups, but no restore-test record (no *restore* file there or under /var/log, no restic/borg log)']);
  });

  it('the build machine: packages own every SUID program found; nothing listens outside a package', () => {
    const o = ownership('buildhost');
    expect(o.dpkg).toBe(true);
    expect(o.special.length).toBeGreaterThan(10);
    expect(o.special.filter((s) => !o.owned.has(s.path))).toEqual([]);
    // usrmerge: dpkg lists /bin/mount, the walk finds /usr/bin/mount.
    expect(o.owned.has('/usr/bin/mount')).toBe(true);
    expect(run(hardening('buildhost'), o).status('SYS-SUID-UNOWNED')).toBe('pass');
  });
});

describe('host-hardening checks: what the lab cannot vary (edited recordings)', () => {
  it('AppArmor enabled with every profile enforcing passes; complain-only profiles are low; no enforcing profile is medium', () => {
    const aa = (enforce: number, complain: number) => `AA\tenabled\tY\0AA\tenforce\t${enforce}\0AA\tcomplain\t${complain}\0`;
    expect(run(hardening('hardened', aa(31, 0)), ownership('hardened')).status('SYS-APPARMOR')).toBe('pass');
    expect(run(hardening('hardened', aa(29, 2)), ownership('hardened')).findings('SYS-APPARMOR')).toEqual(['low system:apparmor: 29 AppArmor profile(s) enforce, 2 only complain (logged, not blocked)']);
    expect(run(hardening('hardened', aa(0, 4)), ownership('hardened')).findings('SYS-APPARMOR')).toEqual(['medium system:apparmor: AppArmor is enabled but no profile enforces (4 in complain mode)']);
    const hidden = run(hardening('hardened', 'AA\tenabled\tY\0AA\tprofiles\tdenied\0'), ownership('hardened'));
    expect(hidden.status('SYS-APPARMOR')).toBe('not-applicable');
    expect(hidden.message('SYS-APPARMOR')).toMatch(/needs root/);
    // A container host: its kernel's security module is the host's business.
    expect(run(hardening('hardened'), ownership('hardened'), { container: 'docker' }).status('SYS-APPARMOR')).toBe('not-applicable');
  });

  it('auditd: running with rules passes; running without rules, or stopped, is low', () => {
    const au = (running: string, rules: string) => `AU\tinstalled\tyes\0AU\trunning\t${running}\0${rules}`;
    expect(run(hardening('hardened', au('yes', 'AU\trules\t42\0')), ownership('hardened')).status('SYS-AUDITD')).toBe('pass');
    expect(run(hardening('hardened', au('yes', 'AU\trules\t0\0')), ownership('hardened')).findings('SYS-AUDITD')).toEqual(['low system:auditd: auditd runs with no rules loaded (auditctl -l: No rules; 0 file(s) in /etc/audit/rules.d)']);
    expect(run(hardening('hardened', au('no', '')), ownership('hardened')).findings('SYS-AUDITD')).toEqual(['low system:auditd: auditd is installed but not running (no live auditd process behind /run/auditd.pid)']);
  });

  it('systemd-coredump: Storage=none and ProcessSizeMax=0 are needed besides the hard limit', () => {
    const withCd = hardening('hardened', 'CD\tsystemd-coredump\tyes\0');
    expect(run(withCd, ownership('hardened')).findings('SYS-CORE-DUMPS')).toEqual(['low system:core-dumps: systemd-coredump Storage=external (default), not none; systemd-coredump ProcessSizeMax=(default), not 0; kernel.core_pattern = core']);
    const set = parseHostHardening(`C\t/etc/systemd/coredump.conf.d/60-no-dumps.conf\tStorage=none\0C\t/etc/systemd/coredump.conf.d/60-no-dumps.conf\tProcessSizeMax=0\0${body('sys_hardening-hardened')}CD\tsystemd-coredump\tyes\0`);
    expect(run(set, ownership('hardened')).status('SYS-CORE-DUMPS')).toBe('pass');
  });

  it('encryption at rest: data on a LUKS volume passes; on a plain disk it is low with the device chain; only the root file system is info', () => {
    const luks = '{"blockdevices":[{"name":"sda","type":"disk","fstype":null,"mountpoints":[null],"children":[{"name":"sda1","type":"part","fstype":"vfat","mountpoints":["/boot/efi"]},{"name":"sda2","type":"part","fstype":"crypto_LUKS","mountpoints":[null],"children":[{"name":"data_crypt","type":"crypt","fstype":"ext4","mountpoints":["/srv"]}]},{"name":"sda3","type":"part","fstype":"ext4","mountpoints":["/"]}]}]}';
    const h = parseHostHardening(body('sys_hardening-hardened').replace(/B\t\{[\s\S]*\}\s*\0/, `B\t${luks}\0`));
    const pg: DataDirs = { denied: [], dirs: [{ engine: 'postgresql', stat: { ...stat('/srv/pg/data', 0o700), type: 'd' } }] };
    expect(run(h, ownership('hardened'), { dataDirs: pg, backups: backupsAt('/srv/backups') }).status('SYS-ENCRYPTION-AT-REST')).toBe('pass');
    expect(run(h, ownership('hardened'), { backups: backupsAt('/var/backups') }).findings('SYS-ENCRYPTION-AT-REST')).toEqual([
      'low volume:/: backups /var/backups on /: sda (disk) → sda3 (part, ext4), no dm-crypt/LUKS layer',
    ]);
    expect(run(h, ownership('hardened')).findings('SYS-ENCRYPTION-AT-REST')).toEqual(['info volume:/: the root file system is on sda (disk) → sda3 (part, ext4), no dm-crypt/LUKS layer (no database or backup was found on a block device)']);
    // The build machine's real lsblk: one virtio disk, no partitions.
    expect(run(hardening('buildhost'), ownership('buildhost'), { backups: backupsAt('/var/backups') }).findings('SYS-ENCRYPTION-AT-REST')).toEqual(['low volume:/: backups /var/backups on /: vda (disk), no dm-crypt/LUKS layer']);
  });

  it('DKIM keys and users\' private keys count for rotation; the limit comes from RAMPART_KEY_MAX_AGE_DAYS', () => {
    const dkim = `S\t600\t110\t110\topendkim\topendkim\tf\t1679\t${NOW - 400 * 86_400}.0\t/etc/opendkim/keys/example.org/mail.private\0`;
    const h = hardening('hardened', dkim);
    const secretFiles: SecretFiles = { files: [{ kind: 'ssh-private-key', stat: stat('/home/alice/.ssh/id_ed25519', 0o600, NOW - 500 * 86_400) }], denied: [], closedDirs: [], truncated: false };
    expect(run({ ...h, now: NOW }, ownership('hardened'), { secretFiles }).findings('SECRET-KEY-AGE')).toEqual([
      'low file:/etc/opendkim/keys/example.org/mail.private: DKIM signing key /etc/opendkim/keys/example.org/mail.private last changed 2025-11-01 08:36 UTC, 400 days ago (limit 365 days)',
      'low file:/home/alice/.ssh/id_ed25519: SSH private key /home/alice/.ssh/id_ed25519 last changed 2025-06-24 08:36 UTC, 500 days ago (limit 365 days)',
    ].map((s) => expect.stringMatching(new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\d\d:\d\d UTC/, '\\d\\d:\\d\\d UTC').replace(/2025-\d\d-\d\d/, '\\d{4}-\\d\\d-\\d\\d')}$`))));
    expect(run({ ...h, now: NOW, keyMaxAgeDays: 450 }, ownership('hardened'), { secretFiles }).findings('SECRET-KEY-AGE')).toHaveLength(1);
    expect(keyMaxAgeDays({})).toBe(365);
    expect(keyMaxAgeDays({ RAMPART_KEY_MAX_AGE_DAYS: '90' })).toBe(90);
    expect(() => keyMaxAgeDays({ RAMPART_KEY_MAX_AGE_DAYS: '1y' })).toThrow(/whole number of days/);
  });

  it('restore tests: an old record is low with its age; restic/borg logs count; no backups → not applicable', () => {
    const old = `S\t644\t0\t0\troot\troot\tf\t100\t${NOW - 200 * 86_400}.0\t/var/log/borg/borgmatic.log\0`;
    const h = parseHostHardening(body('sys_hardening-vulnerable') + old);
    expect(h.restoreLogs.map((s) => s.path)).toEqual(['/var/log/borg/borgmatic.log']);
    expect(run(h, ownership('vulnerable'), { backups: backupsAt('/srv/backups') }).findings('BACKUP-RESTORE-UNTESTED')).toEqual([
      expect.stringMatching(/^low backups:restore-test: the newest restic\/borg log is \/var\/log\/borg\/borgmatic\.log from .* UTC, 200 days ago \(limit 90\)$/),
    ]);
    // A marker beside the backups.
    expect(run(h, ownership('vulnerable'), { backups: backupsAt('/srv/backups', ['db.sql.gz.gpg', '.restore-tested']) }).status('BACKUP-RESTORE-UNTESTED')).toBe('pass');
    expect(run(h, ownership('vulnerable')).status('BACKUP-RESTORE-UNTESTED')).toBe('not-applicable');
  });

  it('a SUID file whose name holds a newline is reported whole; a deleted listener binary is still matched to its package', () => {
    const o = ownership('hardened', (b) => b.replace('\nOWNED', '\nU\t4755\t0\troot\t/tmp/x\n4755\t0\troot\t/usr/bin/passwd\nL\t77\thost\tsshd\t/usr/sbin/sshd (deleted)\nOWNED\n/usr/sbin/sshd'));
    expect(o.timedOut).toBe(false);
    expect(o.special.find((s) => s.path.startsWith('/tmp/x'))?.path).toBe('/tmp/x\n4755\t0\troot\t/usr/bin/passwd');
    const r = run(hardening('hardened'), o, { listening: [{ proto: 'tcp', address: '0.0.0.0', interface: null, port: 22, scope: 'any', processes: ['sshd'], pids: [77] }] });
    expect(r.findings('SYS-SUID-UNOWNED')).toEqual(['high file:/tmp/x\n4755\t0\troot\t/usr/bin/passwd: "/tmp/x\\n4755\\t0\\troot\\t/usr/bin/passwd" 4755 owner root (setuid) is not in any package\'s file list']);
    expect(r.status('NET-LISTENER-UNOWNED')).toBe('pass');
    // A walk stopped by the time limit makes the fact an error, never a clean result.
    expect(ownership('hardened', (b) => b.replace('FINDRC 0', 'FINDRC 124')).timedOut).toBe(true);
    expect(ownership('hardened', (b) => b.replace('FINDRC 0', 'FINDRC 1')).walkIncomplete).toBe(true);
    expect(ownership('hardened').walkIncomplete).toBe(false);
    // Without dpkg nothing can be judged.
    expect(run(hardening('hardened'), ownership('hardened', (b) => b.replace('DPKG\tyes', 'DPKG\tno'))).status('SYS-SUID-UNOWNED')).toBe('not-applicable');
  });

  it('home folders: world-writable is high, someone else\'s is medium; service accounts with a shell but no password are low', () => {
    const homes = 'H\talice\t/home/alice\0S\t777\t1000\t1000\talice\talice\td\t4096\t1796546205.0\t/home/alice\0H\tbob\t/home/bob\0S\t700\t0\t0\troot\troot\td\t4096\t1796546205.0\t/home/bob\0';
    const r = run(hardening('hardened', homes), ownership('hardened'), { users: [user('root', 0, '/bin/bash', '/root'), user('alice', 1000, '/bin/bash'), user('bob', 1001, '/bin/sh'), user('postgres', 101, '/bin/bash', '/var/lib/postgresql')] });
    expect(r.findings('PERM-HOME-DIRS')).toEqual([
      expect.stringMatching(/^low file:\/var\/lib\/postgresql: /),
      'high file:/home/alice: /home/alice 0777 (rwxrwxrwx) alice:alice: writable by every user; writable by group alice; open to other users (CIS: 750 or stricter)',
      'medium file:/home/bob: /home/bob 0700 (rwx------) root:root: owned by root, not bob',
    ]);
    expect(r.findings('ACC-SYSTEM-ACCOUNT-LOGIN')).toEqual(['low account:postgres: postgres (uid 101 < UID_MIN 1000) has login shell /bin/bash and password locked']);
  });
});

describe('DOCKER-UID-HOST-ACCOUNT', () => {
  const container = (name: string, user: string, mounts: Array<{ type: string; source: string; destination: string; rw: boolean }>) => ({
    name, user, image: 'lab/busybox:1.35', mounts, state: { status: 'running', running: true, restarting: false, health: null, restartCount: 0, startedAt: null },
  });
  const users = [user('root', 0, '/bin/bash', '/root'), user('alice', 4101, '/bin/bash', '/home/alice'), user('www-data', 33, '/usr/sbin/nologin', '/var/www')];
  const docker = (containers: unknown[], daemon = { userns: false, rootless: false }) => ({ daemon, containers });

  it('a container running as a login user\'s uid with her home mounted read-write is medium; a service uid is low; read-only, named users and unknown uids pass', () => {
    const r = run(hardening('hardened'), ownership('hardened'), {
      users,
      docker: docker([
        container('v-uid-alice', '4101:4101', [{ type: 'bind', source: '/home/alice', destination: '/data', rw: true }]),
        container('web', '33', [{ type: 'bind', source: '/srv/www', destination: '/var/www', rw: true }]),
        container('ro', '4101', [{ type: 'bind', source: '/home/alice', destination: '/data', rw: false }]),
        container('named', 'app', [{ type: 'bind', source: '/srv/app', destination: '/data', rw: true }]),
        container('stranger', '10001', [{ type: 'bind', source: '/srv/app', destination: '/data', rw: true }]),
        container('rootuser', '', [{ type: 'bind', source: '/srv/app', destination: '/data', rw: true }]),
      ]),
    });
    expect(r.findings('DOCKER-UID-HOST-ACCOUNT')).toEqual([
      "medium container:v-uid-alice: v-uid-alice runs as uid 4101 = host account alice (login shell /bin/bash) with read-write bind mounts /home/alice → /data; /home/alice is alice's home (image lab/busybox:1.35, running)",
      'low container:web: web runs as uid 33 = host account www-data (no login shell) with read-write bind mounts /srv/www → /var/www (image lab/busybox:1.35, running)',
    ]);
  });

  it('user-namespace remapping or a rootless daemon: not applicable', () => {
    const c = [container('v-uid-alice', '4101', [{ type: 'bind', source: '/home/alice', destination: '/data', rw: true }])];
    expect(run(hardening('hardened'), ownership('hardened'), { users, docker: docker(c, { userns: true, rootless: false }) }).status('DOCKER-UID-HOST-ACCOUNT')).toBe('not-applicable');
    expect(run(hardening('hardened'), ownership('hardened'), { users, docker: docker([]) }).status('DOCKER-UID-HOST-ACCOUNT')).toBe('not-applicable');
  });
});
