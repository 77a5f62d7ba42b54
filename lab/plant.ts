// Planting host state into lab hosts, for the host-audit tests: files, users, modes and daemons a
// real server would have, per host, without touching the machine the lab runs on.
//
// Where planted state lives (lab hosts share the machine's filesystem, see lab/lab.ts):
//   - /etc entries: <etcDir>/<entry> (= /etc/netns/<name>/<entry>) is bind-mounted over /etc/<entry>
//     for the host's sshd and every session. Only entries that exist in the real /etc can be bound,
//     and only entries present when sshd starts are bound for its sessions: new entries are planted
//     from createLabHost's `network.setup` hook (it runs before sshd starts). Files that lab.ts
//     writes itself (passwd, ssh/*) are changed in place afterwards (same inode, so the bind
//     mount shows the new content); folders (ssh/, sudoers.d/) can get new files at any time.
//   - Other system folders (/var/log, /var/backups, /run, /etc/netns): a per-host folder is
//     mounted over them inside the host's own mount namespace (the one `ip netns exec` made for its
//     sshd; `nsenter -t <sshd pid> -m`). Mounts there are invisible to the machine and to other
//     hosts, and vanish with the host's processes.
//   - Homes, scan roots, backup and data folders: plain folders under <tmpdir>/rampart-plant/<name>
//     (destroyAuditLabHost removes them), so that their modes, not lab.ts's 0700 state dir,
//     decide who can reach them.
//   - Daemons (chronyd): started inside the host's network namespace; destroyLabHost stops them.
//
// Network rule: nothing here talks to any address. chronyd is configured with 127.0.0.1 as its
// only server (inside the host's namespace) and no listening ports; apt reads a file: repository.

import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createLabHost, destroyLabHost, labExec, type LabHost, type LabNetworkContext, type LabScenario } from './lab';

// ---------------------------------------------------------------------------------------------
// Small helpers

const NSENTER = ['/usr/bin/nsenter', '/bin/nsenter'].find((p) => existsSync(p)) ?? 'nsenter';
const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p)) ?? 'ip';
const SSH_KEYGEN = ['/usr/bin/ssh-keygen', '/usr/local/bin/ssh-keygen'].find((p) => existsSync(p)) ?? 'ssh-keygen';

/** Runs a command (never via a shell); throws with its output when it fails. */
function must(file: string, args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${(stderr || stdout || err.message).trim()}`));
      else resolve(stdout);
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(opts.input ?? '');
  });
}

/** The per-host /etc folder of a lab host name. */
export function etcDirOf(name: string): string {
  return join('/etc/netns', name);
}

export interface PlantOptions {
  /** Permission bits, set with chmod after writing (so the umask does not interfere). */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Modification time (backups, package lists). */
  mtime?: Date;
}

function applyOptions(path: string, opts: PlantOptions): void {
  if (opts.uid !== undefined || opts.gid !== undefined) chownSync(path, opts.uid ?? 0, opts.gid ?? 0);
  if (opts.mode !== undefined) chmodSync(path, opts.mode);
  if (opts.mtime) utimesSync(path, opts.mtime, opts.mtime);
}

/** Creates a folder (and missing parents, 0755) with the given mode and owner. */
export function plantDir(path: string, opts: PlantOptions = {}): string {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  applyOptions(path, { mode: 0o755, ...opts });
  return path;
}

/**
 * Writes a file (parents created 0755). An existing file is rewritten in place (same inode), so a
 * file that is bind-mounted into a host shows the new content there.
 */
export function plantFile(path: string, content: string | Buffer, opts: PlantOptions = {}): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  writeFileSync(path, content);
  applyOptions(path, { mode: 0o644, ...opts });
  return path;
}

/** Appends lines to a file in place (same inode). */
export function appendInPlace(path: string, lines: readonly string[]): void {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  writeFileSync(path, `${old}${old && !old.endsWith('\n') ? '\n' : ''}${lines.join('\n')}\n`);
}

/** A distinctive value to plant as a secret and to search for afterwards. */
export function canary(label: string): string {
  return `rmp-canary-${label}-${randomBytes(9).toString('hex')}`;
}

/** An ssh-keygen key pair made in `dir` (removed keys stay only in the returned strings). */
export async function keyPair(dir: string, type: 'ed25519' | 'rsa' | 'dsa' | 'ecdsa', bits?: number, comment = 'lab'): Promise<{ privateKey: string; publicKey: string }> {
  const base = join(dir, `key-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await must(SSH_KEYGEN, ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', comment, '-f', base], { timeoutMs: 60_000 });
  return { privateKey: readFileSync(base, 'utf8'), publicKey: readFileSync(`${base}.pub`, 'utf8').trim() };
}

/** A base64 line from the middle of a PEM / OpenSSH private key: key material to search for. */
export function keyMaterial(privateKey: string): string {
  const lines = privateKey.split('\n').filter((l) => l && !l.startsWith('-----'));
  return lines[Math.min(1, lines.length - 1)] ?? '';
}

/** A real SHA-512 crypt hash of a random password (planted into shadow files as a canary). */
export async function cryptHash(): Promise<string> {
  return (await must('openssl', ['passwd', '-6', '-salt', randomBytes(6).toString('hex'), randomBytes(12).toString('hex')])).trim();
}

// ---------------------------------------------------------------------------------------------
// Users

export interface PlantUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** empty: "" in shadow; locked: "!"; disabled: "*" (no password, may still log in with a key); hash: a crypt hash. */
  password: 'empty' | 'locked' | 'disabled' | { hash: string };
  /** Put the hash into /etc/passwd instead of "x" (legacy, unshadowed). */
  hashInPasswd?: boolean;
  /** Supplementary groups (must exist in the group file). */
  groups?: string[];
}

function shadowField(u: PlantUser): string {
  if (u.password === 'empty') return '';
  if (u.password === 'locked') return '!';
  if (u.password === 'disabled') return '*';
  return u.password.hash;
}

export function passwdLine(u: PlantUser): string {
  const pw = u.hashInPasswd && typeof u.password === 'object' ? u.password.hash : 'x';
  return `${u.name}:${pw}:${u.uid}:${u.gid}:lab user:${u.home}:${u.shell}`;
}

export function shadowLine(u: Pick<PlantUser, 'name'> & Partial<PlantUser>): string {
  const field = u.password ? shadowField(u as PlantUser) : '*';
  return `${u.name}:${field}:20000:0:99999:7:::`;
}

/** A shadow file for every account of a passwd file, all without a usable password ("*"). */
export function lockedShadowFor(passwd: string): string {
  return passwd
    .split('\n')
    .filter((l) => l.includes(':'))
    .map((l) => shadowLine({ name: l.split(':')[0]! }))
    .join('\n')
    .concat('\n');
}

/**
 * The host's own group file and a shadow file with every account locked, in `etc` (default
 * /etc/netns/NAME). Call from the network setup hook: /etc entries are bound for sshd's sessions
 * only if present before it starts.
 */
export function plantOwnAccounts(name: string, etc = join('/etc/netns', name)): void {
  plantFile(join(etc, 'group'), readFileSync('/etc/group', 'utf8'), { mode: 0o644 });
  plantFile(join(etc, 'shadow'), lockedShadowFor(readFileSync('/etc/passwd', 'utf8')), { mode: 0o640 });
}

/**
 * Adds users to a host's passwd, shadow and group files (in place). The files must be in the
 * host's etcDir since before sshd started (passwd is, from lab.ts; plant shadow and group from
 * the setup hook).
 */
export function addUsers(host: Pick<LabHost, 'etcDir'>, users: readonly PlantUser[]): void {
  appendInPlace(join(host.etcDir, 'passwd'), users.map(passwdLine));
  appendInPlace(join(host.etcDir, 'shadow'), users.map(shadowLine));
  const groupPath = join(host.etcDir, 'group');
  const groups = readFileSync(groupPath, 'utf8').split('\n').filter(Boolean);
  for (const u of users) {
    if (!groups.some((g) => g.split(':')[2] === String(u.gid))) groups.push(`${u.name}:x:${u.gid}:`);
    for (const extra of u.groups ?? []) {
      const i = groups.findIndex((g) => g.split(':')[0] === extra);
      if (i < 0) throw new Error(`addUsers: no group ${extra} in ${groupPath}`);
      const [name, x, gid, members] = groups[i]!.split(':');
      const list = (members ?? '').split(',').filter(Boolean);
      if (!list.includes(u.name)) list.push(u.name);
      groups[i] = [name, x, gid, list.join(',')].join(':');
    }
  }
  writeFileSync(groupPath, `${groups.join('\n')}\n`);
}

// ---------------------------------------------------------------------------------------------
// The host's mount namespace

/** Runs argv inside the host's mount namespace (that of its sshd, inherited by every session). */
export async function inHostMountNs(host: Pick<LabHost, 'pid' | 'name'>, argv: readonly string[]): Promise<string> {
  if (!(host.pid > 1)) throw new Error(`lab host ${host.name} has no sshd pid`);
  const comm = readFileSync(`/proc/${host.pid}/comm`, 'utf8').trim();
  if (comm !== 'sshd') throw new Error(`lab host ${host.name}: pid ${host.pid} is ${comm}, not its sshd`);
  return must(NSENTER, ['-t', String(host.pid), '-m', '--', ...argv]);
}

/** Mounts a per-host folder over `target` for this host only. */
export async function bindInHost(host: Pick<LabHost, 'pid' | 'name'>, source: string, target: string): Promise<void> {
  await inHostMountNs(host, ['mount', '--bind', source, target]);
}

/**
 * Overlays `target` for this host only: the host sees the machine's `target` plus the files in
 * `upper` (e.g. /run plus /run/reboot-required).
 */
export async function overlayInHost(host: Pick<LabHost, 'pid' | 'name' | 'stateDir'>, target: string, files: Record<string, string>): Promise<void> {
  const base = join(host.stateDir, 'overlays', target.replace(/[^A-Za-z0-9]+/g, '_'));
  const upper = plantDir(join(base, 'upper'));
  const work = plantDir(join(base, 'work'));
  for (const [name, content] of Object.entries(files)) plantFile(join(upper, name), content);
  await inHostMountNs(host, ['mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${target},upperdir=${upper},workdir=${work}`, target]);
}

// ---------------------------------------------------------------------------------------------
// Daemons

/**
 * Starts chronyd inside the host's network namespace, without control of the clock (-x), with
 * 127.0.0.1 (inside the namespace) as its only server and no listening ports. Returns its pid;
 * destroyLabHost stops it with the host's other processes.
 */
export async function startChronyd(host: Pick<LabHost, 'name' | 'stateDir'>): Promise<number> {
  const dir = plantDir(join(host.stateDir, 'chrony'), { mode: 0o700 });
  const pidFile = join(dir, 'chronyd.pid');
  const conf = plantFile(join(dir, 'chrony.conf'), [`pidfile ${pidFile}`, 'server 127.0.0.1 iburst', 'port 0', 'cmdport 0', 'bindcmdaddress /', ''].join('\n'));
  await must(IP, ['netns', 'exec', host.name, 'chronyd', '-x', '-u', 'root', '-f', conf]);
  for (let i = 0; i < 50; i++) {
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (pid > 1 && existsSync(`/proc/${pid}`)) return pid;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`chronyd did not start in ${host.name}`);
}

// ---------------------------------------------------------------------------------------------
// apt: a per-host /etc/apt reading a local file: repository

export interface RepoPackage {
  name: string;
  version: string;
  arch: string;
}

export interface RepoSuite {
  suite: string;
  label: string;
  packages: RepoPackage[];
}

/** Installed version and architecture of a package on the machine (dpkg-query). */
export async function installedPackage(name: string): Promise<RepoPackage> {
  const [version, arch] = (await must('dpkg-query', ['-W', '-f', '${Version}\t${Architecture}', name])).trim().split('\t');
  return { name, version: version!, arch: arch! };
}

/** Writes a flat-enough Debian repository (dists/SUITE/main/binary-ARCH/Packages + Release). */
export function buildAptRepo(dir: string, suites: readonly RepoSuite[], arch: string): void {
  for (const s of suites) {
    const packages = s.packages
      .map((p) =>
        [
          `Package: ${p.name}`,
          `Version: ${p.version}`,
          `Architecture: ${p.arch}`,
          'Maintainer: Rampart Lab <lab@lab.invalid>',
          `Filename: pool/main/${p.name}_${p.version}_${p.arch}.deb`,
          'Size: 1024',
          `SHA256: ${createHash('sha256').update(`${p.name}${p.version}`).digest('hex')}`,
          'Description: lab package',
          '',
        ].join('\n'),
      )
      .join('\n');
    const rel = `main/binary-${arch}/Packages`;
    plantFile(join(dir, 'dists', s.suite, rel), packages);
    const sha = createHash('sha256').update(packages).digest('hex');
    plantFile(
      join(dir, 'dists', s.suite, 'Release'),
      [
        'Origin: Debian',
        `Label: ${s.label}`,
        `Suite: ${s.suite}`,
        `Codename: ${s.suite}`,
        `Date: ${new Date().toUTCString()}`,
        `Architectures: ${arch} all`,
        'Components: main',
        'SHA256:',
        ` ${sha} ${Buffer.byteLength(packages)} ${rel}`,
        '',
      ].join('\n'),
    );
  }
}

/**
 * A per-host /etc/apt (plant before sshd starts): sources pointing at `repoDir`, package lists in
 * the host's state dir, no binary caches, and the given periodic / unattended-upgrades settings.
 */
export function plantAptConfig(
  etcDir: string,
  stateDir: string,
  opts: { repoDir: string; suites: readonly string[]; periodic: Record<string, string>; unattendedOrigins: readonly string[] | null },
): { listsDir: string } {
  const apt = join(etcDir, 'apt');
  const listsDir = plantDir(join(stateDir, 'apt', 'lists'), { mode: 0o755 });
  for (const d of ['apt.conf.d', 'sources.list.d', 'preferences.d', 'trusted.gpg.d', 'auth.conf.d', 'keyrings']) plantDir(join(apt, d));
  plantFile(join(apt, 'sources.list'), opts.suites.map((s) => `deb [trusted=yes] file:${opts.repoDir} ${s} main`).join('\n') + '\n');
  plantFile(
    join(apt, 'apt.conf.d', '99rampart-lab'),
    [
      `Dir::State::lists "${listsDir}/";`,
      'Dir::Cache::pkgcache "";',
      'Dir::Cache::srcpkgcache "";',
      'APT::Sandbox::User "root";',
      'Acquire::Languages "none";',
      '',
    ].join('\n'),
  );
  const periodic = Object.entries(opts.periodic).map(([k, v]) => `APT::Periodic::${k} "${v}";`);
  if (periodic.length) plantFile(join(apt, 'apt.conf.d', '20auto-upgrades'), `${periodic.join('\n')}\n`);
  if (opts.unattendedOrigins)
    plantFile(
      join(apt, 'apt.conf.d', '50unattended-upgrades'),
      `Unattended-Upgrade::Origins-Pattern {\n${opts.unattendedOrigins.map((o) => `        "${o}";`).join('\n')}\n};\n`,
    );
  return { listsDir };
}

/** `apt-get update` inside the host (its /etc/apt), from the file: repository only. */
export async function aptUpdate(host: LabHost): Promise<void> {
  const r = await labExec(host, ['apt-get', 'update', '-q'], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`apt-get update in ${host.name} failed: ${r.stderr || r.stdout}`);
}

// ---------------------------------------------------------------------------------------------
// Audit scenarios

export type AuditLabKind = 'vulnerable' | 'hardened' | 'bare';

export interface AuditLabHost {
  host: LabHost;
  kind: AuditLabKind;
  /** Per-host folder with the planted homes (home/) and scan root (srv/); removed by destroyAuditLabHost. */
  root: string;
  /** Folders to give the audit as scan roots. */
  scanRoots: string[];
  /** Distinctive planted values (secrets, password hashes, key material): never to appear in findings or the database. */
  canaries: string[];
  /** A non-root account that logs in with host.identityFile (for unprivileged audits). */
  unprivilegedUser: string;
  /** Notable planted paths (as the host sees them). */
  paths: Record<string, string>;
}

const UNPRIVILEGED = 'auditor';
const GZIP_SQL = (text: string): Buffer => gzipSync(Buffer.from(text));
/** OpenPGP symmetric-key encrypted session key packet header (old format tag 3) + random body. */
const GPG_LIKE = (): Buffer => Buffer.concat([Buffer.from([0x8c, 0x0d, 0x04, 0x09, 0x03, 0x02]), randomBytes(200)]);

const daysAgo = (d: number): Date => new Date(Date.now() - d * 86_400_000);

/**
 * A lab host prepared for the host-audit tests:
 *  - hardened: everything the host-audit checks look at is in order (see the test for the list);
 *  - vulnerable: each misconfiguration of the catalog is planted (world-readable secrets, weak
 *    modes, UID 0 user, empty password, NOPASSWD ALL, weak authorized keys, pending security
 *    updates, unattended-upgrades off, reboot required, end-of-life OS, no time sync, stale,
 *    unencrypted and world-readable backups, world-readable logs, open data folder…);
 *  - bare: a hardened sshd with nothing planted but empty /var/backups and /var/log: no backups.
 */
export async function createAuditLabHost(
  kind: AuditLabKind,
  opts: {
    baseDir?: string;
    /** More sshd_config lines (e.g. `SetEnv DOCKER_HOST=…`). */
    sshdExtraConfig?: string;
    /** Runs after this module's own setup, still before sshd starts (services' /etc copies, interfaces). */
    setup?: (ctx: LabNetworkContext) => Promise<void>;
  } = {},
): Promise<AuditLabHost> {
  const scenario: LabScenario = kind === 'vulnerable' ? 'weak-ssh' : 'hardened';
  const canaries: string[] = [];
  const paths: Record<string, string> = {};
  const arch = (await must('dpkg', ['--print-architecture'])).trim();
  const [bash, openssl, baseFiles] = await Promise.all([installedPackage('bash'), installedPackage('openssl'), installedPackage('base-files')]);
  const shadowHash = await cryptHash();
  const passwdHash = await cryptHash();
  const backupHash = await cryptHash();
  if (kind === 'vulnerable') canaries.push(shadowHash, passwdHash, backupHash);

  const host = await createLabHost({
    scenario,
    ...(opts.baseDir ? { baseDir: opts.baseDir } : {}),
    // The hardened scenario allows only root (AllowUsers lists accumulate across lines).
    ...(scenario === 'hardened' || opts.sshdExtraConfig
      ? { sshdExtraConfig: [...(scenario === 'hardened' ? [`AllowUsers ${UNPRIVILEGED}`] : []), ...(opts.sshdExtraConfig ? [opts.sshdExtraConfig] : [])].join('\n') }
      : {}),
    network: {
      // Before sshd starts: /etc entries that lab.ts does not create itself.
      setup: async (ctx) => {
        const etc = etcDirOf(ctx.name);
        const machinePasswd = readFileSync('/etc/passwd', 'utf8');
        plantFile(join(etc, 'group'), readFileSync('/etc/group', 'utf8'), { mode: 0o644 });
        let shadow = lockedShadowFor(machinePasswd);
        if (kind === 'vulnerable') shadow = shadow.replace(/^root:\*:/m, `root:${shadowHash}:`);
        plantFile(join(etc, 'shadow'), shadow, { mode: kind === 'vulnerable' ? 0o644 : 0o640, uid: 0, gid: shadowGid() });
        await opts.setup?.(ctx);
        if (kind === 'bare') return;
        if (kind === 'vulnerable') plantFile(join(etc, 'os-release'), 'PRETTY_NAME="Debian GNU/Linux 10 (buster)"\nNAME="Debian GNU/Linux"\nVERSION_ID="10"\nVERSION="10 (buster)"\nVERSION_CODENAME=buster\nID=debian\n');
        const repoDir = join(ctx.stateDir, 'apt', 'repo');
        buildAptRepo(
          repoDir,
          kind === 'vulnerable'
            ? [
                { suite: 'bookworm-security', label: 'Debian-Security', packages: [bump(bash), bump(openssl)] },
                { suite: 'bookworm-updates', label: 'Debian', packages: [bump(baseFiles)] },
              ]
            : [
                // Older than installed: apt lists them, nothing is upgradable.
                { suite: 'bookworm-security', label: 'Debian-Security', packages: [older(bash), older(openssl)] },
                { suite: 'bookworm-updates', label: 'Debian', packages: [older(baseFiles)] },
              ],
          arch,
        );
        plantAptConfig(etc, ctx.stateDir, {
          repoDir,
          suites: ['bookworm-security', 'bookworm-updates'],
          periodic: kind === 'vulnerable' ? { 'Update-Package-Lists': '1', 'Unattended-Upgrade': '0' } : { 'Update-Package-Lists': '1', 'Unattended-Upgrade': '1' },
          unattendedOrigins: kind === 'vulnerable' ? null : ['origin=Debian,codename=${distro_codename}-security,label=Debian-Security'],
        });
      },
    },
  });

  const etc = host.etcDir;
  const state = host.stateDir;
  const rootHome = join(state, 'root-home');
  // Homes and scan roots live outside the state dir (which lab.ts keeps 0700 under a 0700 .lab):
  // under a 0700 parent no file is reachable by other users, and the audit rightly says so.
  const root = plantRootOf(host.name);
  plantDir(dirname(root), { mode: 0o755 });
  plantDir(root, { mode: 0o755 });
  const homes = plantDir(join(root, 'home'), { mode: 0o755 });
  const scanRoot = plantDir(join(root, 'srv'), { mode: 0o755 });
  const clientPub = readFileSync(`${host.identityFile}.pub`, 'utf8').trim();

  // An unprivileged account that logs in with the lab's client key.
  addUsers(host, [{ name: UNPRIVILEGED, uid: 4100, gid: 4100, home: join(homes, UNPRIVILEGED), shell: '/bin/sh', password: 'disabled' }]);
  plantFile(join(etc, 'ssh', `authorized_keys_${UNPRIVILEGED}`), `${clientPub}\n`, { mode: 0o600, uid: 4100, gid: 4100 });

  // Per-host /var/log, /var/backups, and no view of other hosts' /etc/netns.
  const varLog = plantDir(join(state, 'var-log'));
  const varBackups = plantDir(join(state, 'var-backups'));
  const emptyNetns = plantDir(join(state, 'empty-netns'), { mode: 0o755 });
  await bindInHost(host, emptyNetns, '/etc/netns');
  await bindInHost(host, varLog, '/var/log');
  await bindInHost(host, varBackups, '/var/backups');
  plantFile(join(varLog, 'wtmp'), '', { mode: 0o664, gid: groupGid('utmp') });
  plantFile(join(varBackups, 'dpkg.status.0'), 'Package: base-files\nStatus: install ok installed\n', { mode: 0o644 });
  if (kind === 'bare') return { host, kind, root, scanRoots: [scanRoot], canaries, unprivilegedUser: UNPRIVILEGED, paths };

  await aptUpdate(host);

  if (kind === 'hardened') {
    chmodSync(join(etc, 'ssh', 'sshd_config'), 0o600);
    plantFile(join(varLog, 'auth.log'), 'sshd[1]: Accepted publickey for root\n', { mode: 0o640, gid: groupGid('adm') });
    plantFile(join(varLog, 'syslog'), 'kernel: lab\n', { mode: 0o640, gid: groupGid('adm') });
    plantFile(join(varBackups, 'shadow.bak'), lockedShadowFor('root:x:0:0::/root:/bin/sh\n'), { mode: 0o600 });
    // Protected secrets, a private data folder, a fresh encrypted backup.
    const envSecret = canary('hardened-env');
    canaries.push(envSecret);
    plantFile(join(scanRoot, 'app', '.env'), `DB_PASSWORD=${envSecret}\n`, { mode: 0o600 });
    plantFile(join(scanRoot, 'app', '.env.example'), 'DB_PASSWORD=changeme\n', { mode: 0o644 });
    const k = await keyPair(join(state, 'keys'), 'ed25519');
    plantFile(join(rootHome, '.ssh', 'id_ed25519'), k.privateKey, { mode: 0o600 });
    canaries.push(keyMaterial(k.privateKey));
    chmodSync(join(rootHome, '.ssh'), 0o700);
    plantFile(join(rootHome, '.ssh', 'authorized_keys'), `${clientPub}\n`, { mode: 0o600 });
    plantFile(join(scanRoot, 'app', 'pgdata', 'PG_VERSION'), '15\n', { mode: 0o600 });
    chmodSync(join(scanRoot, 'app', 'pgdata'), 0o700);
    plantDir(join(scanRoot, 'backups'), { mode: 0o700 });
    plantFile(join(scanRoot, 'backups', `db-${new Date().toISOString().slice(0, 10)}.sql.gz.gpg`), GPG_LIKE(), { mode: 0o600 });
    plantDir(join(rootHome, 'backups'), { mode: 0o700 });
    plantFile(join(rootHome, 'backups', 'etc.tar.age'), Buffer.concat([Buffer.from('age-encryption.org/v1\n-> X25519 lab\n'), randomBytes(64)]), { mode: 0o600 });
    await startChronyd(host);
    return { host, kind, root, scanRoots: [scanRoot], canaries, unprivilegedUser: UNPRIVILEGED, paths };
  }

  // ---- vulnerable ----
  const usersGid = groupGid('users');
  const alice = join(homes, 'alice');
  const aliceHash = await cryptHash();
  canaries.push(aliceHash);
  addUsers(host, [
    { name: 'toor', uid: 0, gid: 0, home: join(homes, 'toor'), shell: '/bin/sh', password: 'locked' },
    { name: 'alice', uid: 4101, gid: 4101, home: alice, shell: '/bin/bash', password: { hash: aliceHash }, groups: ['sudo'] },
    { name: 'guest', uid: 4102, gid: 4102, home: join(homes, 'guest'), shell: '/bin/sh', password: 'empty' },
    { name: 'legacy', uid: 4103, gid: 4103, home: join(homes, 'legacy'), shell: '/usr/sbin/nologin', password: { hash: passwdHash }, hashInPasswd: true },
    { name: 'backupsvc', uid: 4101, gid: 4101, home: join(homes, 'backupsvc'), shell: '/usr/sbin/nologin', password: 'locked' },
  ]);

  // sudo: NOPASSWD ALL for the sudo group, authentication off for guest (world-readable file).
  plantFile(join(etc, 'sudoers.d', '90-nopasswd'), '# lab: passwordless sudo\n%sudo ALL=(ALL:ALL) NOPASSWD: ALL\n', { mode: 0o440 });
  plantFile(join(etc, 'sudoers.d', '91-guest'), 'Defaults:guest !authenticate\nguest ALL=(root) /usr/bin/apt-get\n', { mode: 0o644 });
  paths.sudoersNopasswd = join('/etc/sudoers.d', '90-nopasswd');

  // sshd config world-writable, a leftover world-readable DSA host key.
  chmodSync(join(etc, 'ssh', 'sshd_config'), 0o666);
  const dsaHost = await keyPair(join(state, 'keys'), 'dsa');
  plantFile(join(etc, 'ssh', 'ssh_host_dsa_key'), dsaHost.privateKey, { mode: 0o644 });
  canaries.push(keyMaterial(dsaHost.privateKey));

  // alice: weak authorized keys (writable file), an open ~/.ssh with a readable private key.
  const dsa = await keyPair(join(state, 'keys'), 'dsa', undefined, 'alice-old-dsa');
  const rsa2048 = await keyPair(join(state, 'keys'), 'rsa', 2048, 'alice-laptop');
  const rsa1024 = await keyPair(join(state, 'keys'), 'rsa', 1024, 'alice-ancient');
  plantFile(join(etc, 'ssh', 'authorized_keys_alice'), `${dsa.publicKey}\n${rsa2048.publicKey}\n`, { mode: 0o666 });
  plantDir(alice, { mode: 0o755, uid: 4101, gid: 4101 });
  plantDir(join(alice, '.ssh'), { mode: 0o777, uid: 4101, gid: 4101 });
  plantFile(join(alice, '.ssh', 'authorized_keys'), `${rsa1024.publicKey}\n`, { mode: 0o644, uid: 4101, gid: 4101 });
  const aliceKey = await keyPair(join(state, 'keys'), 'ed25519', undefined, 'alice@lab');
  plantFile(join(alice, '.ssh', 'id_ed25519'), aliceKey.privateKey, { mode: 0o644, uid: 4101, gid: 4101 });
  canaries.push(keyMaterial(aliceKey.privateKey));

  // alice's compose project: readable secrets of every kind, a world-writable compose file.
  const web = join(alice, 'apps', 'web');
  const envSecret = canary('alice-env');
  const pgpass = canary('pgpass');
  const mycnf = canary('mycnf');
  const acme = canary('acme');
  const wgKey = Buffer.from(canary('wg')).toString('base64');
  canaries.push(envSecret, pgpass, mycnf, acme, wgKey);
  const own = { uid: 4101, gid: 4101 };
  plantFile(join(web, '.env'), `POSTGRES_PASSWORD=${envSecret}\n`, { mode: 0o644, ...own });
  plantFile(join(web, '.env.example'), 'POSTGRES_PASSWORD=changeme\n', { mode: 0o644, ...own });
  plantFile(join(web, 'acme.json'), `{"letsencrypt":{"Account":{"PrivateKey":"${acme}"}}}\n`, { mode: 0o666, ...own });
  plantFile(join(web, 'wg0.conf'), `[Interface]\nPrivateKey = ${wgKey}\n`, { mode: 0o640, uid: 4101, gid: usersGid });
  const htpasswdHash = await cryptHash();
  canaries.push(htpasswdHash);
  plantFile(join(web, 'htpasswd'), `admin:${htpasswdHash}\n`, { mode: 0o644, ...own });
  const tls = await keyPair(join(state, 'keys'), 'rsa', 2048);
  plantFile(join(web, 'tls', 'server.key'), tls.privateKey, { mode: 0o644, ...own });
  canaries.push(keyMaterial(tls.privateKey));
  plantFile(join(web, 'tls', 'cert.pem'), '-----BEGIN CERTIFICATE-----\nMIIBlab\n-----END CERTIFICATE-----\n', { mode: 0o644, ...own });
  plantFile(join(web, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx:1.27\n    env_file: .env\n', { mode: 0o666, ...own });
  plantFile(join(alice, '.pgpass'), `db:5432:app:app:${pgpass}\n`, { mode: 0o644, ...own });
  plantFile(join(alice, '.my.cnf'), `[client]\npassword=${mycnf}\n`, { mode: 0o644, ...own });
  // An open PostgreSQL data folder, and stale, unencrypted, world-readable backups.
  plantFile(join(alice, 'apps', 'pg', 'data', 'PG_VERSION'), '15\n', { mode: 0o644, ...own });
  plantDir(join(alice, 'apps', 'pg', 'data', 'global'), { mode: 0o755, ...own });
  chmodSync(join(alice, 'apps', 'pg', 'data'), 0o755);
  const dumpSecret = canary('dump');
  canaries.push(dumpSecret);
  plantDir(join(alice, 'backups'), { mode: 0o755, ...own });
  plantFile(join(alice, 'backups', 'db-2026-11-20.sql.gz'), GZIP_SQL(`INSERT INTO secrets VALUES ('${dumpSecret}');\n`), { mode: 0o644, ...own, mtime: daysAgo(6) });
  paths.aliceHome = alice;
  paths.aliceEnv = join(web, '.env');

  // Scan root: a compose stack with a readable .env and very stale unencrypted backups.
  const stackSecret = canary('stack-env');
  canaries.push(stackSecret);
  plantFile(join(scanRoot, 'stack', '.env'), `API_TOKEN=${stackSecret}\n`, { mode: 0o604 });
  plantFile(join(scanRoot, 'stack', 'docker-compose.yml'), 'services: {}\n', { mode: 0o666 });
  plantDir(join(scanRoot, 'backups'), { mode: 0o750 });
  plantFile(join(scanRoot, 'backups', 'stack.tar.gz'), GZIP_SQL('lab tar'), { mode: 0o600, mtime: daysAgo(10) });
  paths.scanEnv = join(scanRoot, 'stack', '.env');

  // /var/log and /var/backups: readable auth log, writable kernel log, readable shadow copy.
  plantFile(join(varLog, 'auth.log'), 'sshd[1]: Accepted publickey for alice\n', { mode: 0o644 });
  plantFile(join(varLog, 'auth.log.1'), 'sshd[1]: Failed password for root\n', { mode: 0o644 });
  plantFile(join(varLog, 'kern.log'), 'kernel: lab\n', { mode: 0o666 });
  plantFile(join(varBackups, 'shadow.bak'), `root:${backupHash}:20000:0:99999:7:::\n`, { mode: 0o644 });

  // Stale package lists (30 days), a pending reboot.
  const lists = join(state, 'apt', 'lists');
  for (const f of readdirSync(lists)) if (f.endsWith('Release')) utimesSync(join(lists, f), daysAgo(30), daysAgo(30));
  await overlayInHost(host, '/run', { 'reboot-required': '*** System restart required ***\n', 'reboot-required.pkgs': 'linux-image-6.1.0-99-amd64\nlibc6\n' });

  return { host, kind, root, scanRoots: [scanRoot], canaries: canaries.filter(Boolean), unprivilegedUser: UNPRIVILEGED, paths };
}

/** Where a host's planted homes and scan roots live (outside its 0700 state dir). */
export function plantRootOf(name: string): string {
  return join(tmpdir(), 'rampart-plant', name);
}

/** Destroys the lab host and removes its planted folders. */
export async function destroyAuditLabHost(a: Pick<AuditLabHost, 'host'>): Promise<void> {
  try {
    await destroyLabHost(a.host);
  } finally {
    rmSync(plantRootOf(a.host.name), { recursive: true, force: true });
  }
}

/** "5.2.15-2+b8" → "5.2.15-2+b8+rmp1": a newer version of an installed package. */
function bump(p: RepoPackage): RepoPackage {
  return { ...p, version: `${p.version}+rmp1` };
}

/** "5.2.15-2+b8" → "5.2.15-2+b8~lab0": an older version (a repo entry equal to the installed one
 *  but with other checksums would be offered as an upgrade). */
function older(p: RepoPackage): RepoPackage {
  return { ...p, version: `${p.version}~lab0` };
}

function groupGid(name: string): number {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no group ${name} on this machine`);
  return Number(line.split(':')[2]);
}

function shadowGid(): number {
  try {
    return groupGid('shadow');
  } catch {
    return 0;
  }
}
