// The host-hardening side of the whole-server scenarios (issue 16 items 3, 7, 8; CIS 5.1.3): what
// can be truthfully set per lab host, in its own /etc view (/etc/netns/NAME, bound by `ip netns
// exec` before sshd starts) or its own mount namespace (sshd's, where the audit's sessions run):
//   - login.defs (password aging and hashing), /etc/security (a `core` hard limit), /etc/systemd
//     (journald Storage), /etc/cron.d|daily|weekly (modes): own copies of the machine's;
//   - hardened only: /tmp, /var/tmp, /dev/shm and /var/log re-mounted nodev,nosuid,noexec in the host's mount
//     namespace (bind mounts over themselves: the contents stay the machine's), and a restore-test
//     record in its /var/log;
//   - vulnerable only: a SUID copy of a system program in its scan root, a listener run by a copied
//     interpreter (no package owns the copy), an old SSH host key and WireGuard config, a writable
//     host public key, a system account with a shell and a password, a group-writable home and a
//     container running as that home's owner with the home mounted read-write, a DKIM key two
//     years old (hardened: a fresh one).
// What the lab cannot vary (AppArmor, auditd, block devices: the machine's kernel and disks) is
// fixture-tested in src/main/audit/checks/hardening.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabNetworkContext } from './lab';
import { createLabContainer, type LabDocker } from './docker';
import { addUsers, canary, inHostMountNs, type AuditLabHost } from './plant';
import { mustInHost } from './services';

export type HardeningKind = 'hardened' | 'vulnerable';

const LOGIN_DEFS: Record<HardeningKind, Record<string, string>> = {
  hardened: { PASS_MAX_DAYS: '365', PASS_MIN_DAYS: '1', PASS_WARN_AGE: '7', ENCRYPT_METHOD: 'YESCRYPT' },
  vulnerable: { PASS_MAX_DAYS: '99999', PASS_MIN_DAYS: '0', PASS_WARN_AGE: '7', ENCRYPT_METHOD: 'MD5' },
};

/** The machine's login.defs with `values` replacing (or adding) those keys. */
function loginDefs(values: Record<string, string>): string {
  const lines = readFileSync('/etc/login.defs', 'utf8').split('\n');
  const done = new Set<string>();
  const out = lines.map((l) => {
    const key = /^\s*([A-Z_]+)\s/.exec(l)?.[1];
    if (!key || !(key in values)) return l;
    done.add(key);
    return `${key}\t${values[key]}`;
  });
  for (const [k, v] of Object.entries(values)) if (!done.has(k)) out.push(`${k}\t${v}`);
  return out.join('\n');
}

/** Before sshd starts: the host's own login.defs, /etc/security, /etc/systemd and cron folders. */
export function plantHostConfig(ctx: Pick<LabNetworkContext, 'name'>, kind: HardeningKind): void {
  const etc = join('/etc/netns', ctx.name);
  writeFileSync(join(etc, 'login.defs'), loginDefs(LOGIN_DEFS[kind]), { mode: 0o644 });
  cpSync('/etc/security', join(etc, 'security'), { recursive: true, verbatimSymlinks: true });
  if (kind === 'hardened') writeFileSync(join(etc, 'security', 'limits.d', '60-no-core.conf'), '* hard core 0\n', { mode: 0o644 });
  cpSync('/etc/systemd', join(etc, 'systemd'), { recursive: true, verbatimSymlinks: true });
  const dropIns = join(etc, 'systemd', 'journald.conf.d');
  mkdirSync(dropIns, { recursive: true });
  writeFileSync(join(dropIns, '60-storage.conf'), `[Journal]\nStorage=${kind === 'hardened' ? 'persistent' : 'volatile'}\n`, { mode: 0o644 });
  // Its own DKIM key folder (opendkim's /etc/dkimkeys; the key is written once sshd runs).
  if (existsSync('/etc/dkimkeys')) mkdirSync(join(etc, 'dkimkeys'), { mode: 0o700 });
  for (const d of ['cron.d', 'cron.daily', 'cron.weekly', 'cron.hourly', 'cron.monthly']) {
    if (!existsSync(join('/etc', d))) continue; // ip netns exec can only bind over what exists
    cpSync(join('/etc', d), join(etc, d), { recursive: true, verbatimSymlinks: true });
    chmodSync(join(etc, d), kind === 'hardened' ? 0o700 : d === 'cron.d' ? 0o777 : 0o755);
  }
}

/** Re-mounts `path` (a bind mount over itself) with nodev,nosuid,noexec in the host's mount namespace only. */
async function remountStrict(host: AuditLabHost['host'], path: string): Promise<void> {
  await inHostMountNs(host, ['mount', '--bind', path, path]);
  await inHostMountNs(host, ['mount', '-o', 'remount,bind,nodev,nosuid,noexec', path]);
}

/** Days before now, as a Date. */
const daysAgo = (d: number): Date => new Date(Date.now() - d * 86_400_000);

/**
 * After sshd started. `serviceDir` (0755, removed with the scenario) takes the copied interpreter
 * of the vulnerable host's unowned listener; `docker` is the scenario's own dockerd. Returns secrets planted (for the no-leak test).
 */
export async function plantHostHardening(s: AuditLabHost, kind: HardeningKind, serviceDir: string, docker: LabDocker): Promise<string[]> {
  const host = s.host;
  // A DKIM signing key: fresh on hardened, two years old on vulnerable (SECRET-KEY-AGE).
  const planted: string[] = [];
  const dkimDir = join(host.etcDir, 'dkimkeys');
  if (existsSync(dkimDir)) {
    const key = execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519'], { encoding: 'utf8' });
    const file = join(dkimDir, 'mail.private');
    writeFileSync(file, key, { mode: 0o600 });
    if (kind === 'vulnerable') utimesSync(file, daysAgo(730), daysAgo(730));
    planted.push(key.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''));
  }
  if (kind === 'hardened') {
    for (const p of ['/tmp', '/var/tmp', '/dev/shm', '/var/log']) await remountStrict(host, p);
    await inHostMountNs(host, ['sh', '-c', 'umask 077; echo "restore of the nightly backup into /tmp/restore-test: ok" > /var/log/restore-test.log']);
    return planted;
  }
  // A SUID-root copy of a harmless system program where no package put it (the classic planted root shell's place).
  const tools = join(s.scanRoots[0]!, 'tools');
  mkdirSync(tools, { recursive: true, mode: 0o755 });
  copyFileSync('/usr/bin/id', join(tools, '.sysupdate'));
  chmodSync(join(tools, '.sysupdate'), 0o4755);
  // A listener whose program is a copy of python3 outside every package, on all addresses.
  const agent = join(serviceDir, 'rampart-agent');
  copyFileSync('/usr/bin/python3', agent);
  chmodSync(agent, 0o755);
  const code = 'import socket,time\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\ns.bind(("0.0.0.0",8088))\ns.listen()\ntime.sleep(3600)';
  await mustInHost(host, ['sh', '-c', `"$2" -c "$1" >/dev/null 2>&1 </dev/null &`, 'sh', code, agent]);
  for (let i = 0; i < 100 && !(await mustInHost(host, ['ss', '-tlnH'])).includes('0.0.0.0:8088 '); i++) await new Promise((r) => setTimeout(r, 20));
  // Keys never rotated: the SSH host keys and WireGuard configs are two years old.
  const sshDir = join(host.etcDir, 'ssh');
  const old = daysAgo(730);
  for (const f of readdirSync(sshDir)) if (/^ssh_host_.*_key$/.test(f)) utimesSync(join(sshDir, f), old, old);
  const wgDir = join(host.etcDir, 'wireguard');
  if (existsSync(wgDir)) for (const f of readdirSync(wgDir)) if (f.endsWith('.conf')) utimesSync(join(wgDir, f), old, old);
  // CIS 5.1.3: a host public key anyone may rewrite.
  const pub = readdirSync(sshDir).find((f) => /^ssh_host_.*_key\.pub$/.test(f));
  if (pub) chmodSync(join(sshDir, pub), 0o666);
  // A system account with a login shell and a password (the hash is a canary: it must not leave the host).
  const hash = execFileSync('openssl', ['passwd', '-6', '-salt', 'labsvc', canary('svc-pw')], { encoding: 'utf8' }).trim();
  addUsers(host, [{ name: 'labsvc', uid: 991, gid: 991, home: '/var/lib/labsvc', shell: '/bin/bash', password: { hash } }]);
  // A login user's home the whole group may write into.
  const alice = s.host.etcDir && readFileSync(join(host.etcDir, 'passwd'), 'utf8').split('\n').find((l) => l.startsWith('rampart-alice:') || l.startsWith('alice:'));
  const aliceHome = alice?.split(':')[5];
  if (aliceHome && existsSync(aliceHome)) {
    chmodSync(aliceHome, 0o775);
    // A container running as alice's uid with her home mounted read-write.
    const uid = alice!.split(':')[2]!;
    await createLabContainer(docker, { name: 'v-uid-alice', args: ['--user', `${uid}:${uid}`, '-v', `${aliceHome}:/data`] });
  }
  return [...planted, hash];
}
