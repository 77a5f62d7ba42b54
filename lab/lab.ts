// Rampart lab hosts: throw-away sshd servers, each in its own network namespace, for tests and for
// trying the app by hand (`npm run lab`). Linux + root only.
//
// A host `rmp-<hex>` is:
//   - a network namespace of that name, with `lo` up and a veth pair on its own /30 from
//     10.213.0.0/16 (root side .1 = `rv<hex>`, host side .2 = `rn<hex>`), no default route;
//   - its own /etc/ssh via /etc/netns/<name>/ssh (`ip netns exec` bind-mounts it over /etc/ssh):
//     sshd_config from lab/scenarios.ts, freshly generated host keys, authorized_keys_root with a
//     freshly generated client key, plus an empty /etc/sudoers.d;
//   - an sshd started with `ip netns exec <name> /usr/sbin/sshd -D -f /etc/ssh/sshd_config -E <log>`;
//   - a state dir (<repo>/.lab/<name>/ or <baseDir>/<name>/) with the client key, known_hosts,
//     sshd log, pid file and host.json, and a registry entry /run/rampart-lab/hosts/<name>.json.
// Subnets are reserved with O_EXCL lock files under /run/rampart-lab/subnets/, so parallel
// processes (vitest workers) never share one. Pools: 10.213.0.0/16 root links ('host'),
// 10.215.0.0/16 links between namespaces ('link'), 10.216.0.0/16 tunnels ('tunnel').
//
// Topologies (lab/topology.ts) wire hosts differently through CreateLabHostOptions.network: no root
// link, extra links, sshd listening on one address only. Whatever they create outside the host's
// namespace (root-namespace interfaces and routes, processes such as wireguard-go) is recorded as
// the host's attachments and removed with it, by destroyLabHost, the exit hooks and stale sweeps.
//
// Network rule: everything here talks only to lab-pool addresses (10.213/16, 10.215/16, 10.216/16)
// of hosts it created; the sshd banner probe only to 10.213 addresses behind the host's own veth.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { endianness } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, firstExisting, listPids, mustRun as must, runCommand as run, onProcessExit, procAlive, procCmdline, procStartTime, sleep, waitGone } from './proc';
import {
  hostKeyFileName,
  isLabScenario,
  renderSshdConfig,
  scenarios,
  scenarioNames,
  type LabHostKeySpec,
  type LabScenario,
} from './scenarios';
import { attachedPids, linkExists, mergeAttachments, removeAttachments, removeAttachmentsSync, type HostAttachmentsRecord, type LabHostAttachments } from './attachments';
import { allocateSubnet, isLabPoolAddress, POOL_BASES, releaseSubnetLocks, RUN_DIR, SUBNETS_DIR, type LabSubnetPool } from './subnets';

export { scenarioNames, scenarios, isLabScenario, type LabScenario } from './scenarios';
export type { LabHostAttachments, LabRootRoute } from './attachments';

export interface LabHost {
  /** e.g. 'rmp-3fa9c1'; also the network namespace name. */
  name: string;
  scenario: LabScenario;
  /** 10.213.x.y inside the namespace, reachable from the root namespace via the veth pair. */
  address: string;
  port: number;
  user: string;
  /** Unencrypted ed25519 client private key, authorized for `user` on the host. */
  identityFile: string;
  /** Key type ('ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256') -> 'SHA256:...' as `ssh-keygen -lf` prints. */
  hostKeyFingerprints: Record<string, string>;
  /** '/etc/ssh/sshd_config' (as seen from inside the host). */
  sshdConfigPath: string;
  /** /etc/netns/<name> */
  etcDir: string;
  /** Per-host dir with client key, known_hosts, sshd log, pid file, host.json. */
  stateDir: string;
  /** sshd -E log. */
  logFile: string;
  /** sshd pid. */
  pid: number;
}

export interface CreateLabHostOptions {
  scenario: LabScenario;
  /** Must match /^rmp-[a-z0-9][a-z0-9-]*$/ (max 28 chars); default rmp-<6 hex>. */
  name?: string;
  /** Parent dir of the state dir (default <repo>/.lab); the state dir is <baseDir>/<name>. */
  baseDir?: string;
  /**
   * Keep the host when this process exits (used by `npm run lab -- up`). Default false: hosts are
   * destroyed best-effort on process exit / SIGINT / SIGTERM / SIGHUP.
   */
  persistent?: boolean;
  /**
   * Extra sshd_config lines, put in front of the scenario's settings (sshd keeps the first value of
   * most keywords, so they win over the scenario), e.g. 'AllowTcpForwarding yes'. No `Match` blocks.
   */
  sshdExtraConfig?: string;
  /** How the host is wired; default: the veth pair to the root namespace described above. */
  network?: LabNetworkOptions;
}

/** The lab's address pools, each split into /30s: see reserveSubnet in LabNetworkContext. */
export type { LabSubnetPool } from './subnets';

/** A reserved /30. */
export interface LabSubnet {
  /** e.g. '10.215.7.12/30' */
  cidr: string;
  /** Network address, e.g. '10.215.7.12'. */
  network: string;
  /** The two usable addresses (.1 and .2 of the /30). */
  first: string;
  second: string;
}

export interface LabNetworkOptions {
  /**
   * Create the veth pair to the root namespace (10.213.x.y/30, `address` = host side). Default true.
   * With false the namespace only has `lo` until `setup` wires it, and `setup` must return the address.
   */
  rootLink?: boolean;
  /**
   * Called once the namespace (and its root link, if any) exists, before sshd starts. May add links
   * and processes; register everything it creates outside this namespace with `ctx.attach` BEFORE
   * creating it. Returning `{ address }` makes that the host's `address` and makes sshd listen only
   * there (`ListenAddress address:port`; readiness is then checked on the listening socket inside
   * the namespace instead of with a banner probe from the root namespace). Returning nothing keeps
   * the root link's address and the default listener.
   */
  setup?: (ctx: LabNetworkContext) => Promise<{ address: string } | void>;
}

export interface LabNetworkContext {
  /** Host name = network namespace name. */
  name: string;
  /** Host state dir (exists; removed with the host). */
  stateDir: string;
  /** The root link, unless `rootLink: false`. */
  rootLink?: { hostAddress: string; rootAddress: string; vethRoot: string; vethNs: string };
  /** Reserves a free /30 from a pool; the reservation belongs to this host and ends with it. */
  reserveSubnet(pool: LabSubnetPool): Promise<LabSubnet>;
  /** Records resources to remove with this host (saved at once; call before creating them). */
  attach(attachments: LabHostAttachments): void;
}

/** Things outside a host's namespace that belong to it; destroyed with the host. */
/** What host.json / the registry entry hold: the public LabHost plus bookkeeping. */
interface HostRecord extends LabHost {
  version: 1;
  status: 'creating' | 'running';
  vethRoot: string;
  vethNs: string;
  /** '10.213.x.y/30' (network address) or '' before allocation. */
  subnet: string;
  rootAddress: string;
  /** Inode of the network namespace (as in `readlink /proc/PID/ns/net`), 0 if unknown. */
  netnsInode: number;
  ownerPid: number;
  ownerStartTime: string;
  persistent: boolean;
  createdAt: string;
  /** How startSshd decides sshd is up: SSH banner from the root namespace (default) or a listening socket. */
  readiness?: 'banner' | 'listen';
  attachments?: HostAttachmentsRecord;
}

// ---------------------------------------------------------------------------------------------
// Constants and small helpers

const LAB_NET_PREFIX = '10.213.';
const NAME_RE = /^rmp-[a-z0-9][a-z0-9-]{0,23}$/;
const VETH_RE = /^r[vn][0-9a-f]{6}$/;
const HOSTS_DIR = join(RUN_DIR, 'hosts');
const NETNS_RUN_DIR = '/run/netns';
const ETC_NETNS_DIR = '/etc/netns';
const SSHD = '/usr/sbin/sshd';
const SSHD_PORT = 22;
const SSHD_START_TIMEOUT_MS = 8_000;

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_LAB_BASE_DIR = join(REPO_ROOT, '.lab');

const IP = firstExisting(['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip']) ?? 'ip';
const SSH_KEYGEN = firstExisting(['/usr/bin/ssh-keygen', '/usr/local/bin/ssh-keygen']) ?? 'ssh-keygen';

/** Lab host names: 'rmp-' + lower-case letters, digits and '-' (at most 28 chars). */
export function isLabHostName(name: string): boolean {
  return NAME_RE.test(name);
}

function assertName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new Error(
      `invalid lab host name ${JSON.stringify(name)}: must match ${NAME_RE.source} (the 'rmp-' prefix is required)`,
    );
  }
}

function writeFileAtomicSync(path: string, data: string, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

// ---------------------------------------------------------------------------------------------
// /proc helpers

function procNetnsInode(pid: number): number {
  try {
    const m = /^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/ns/net`));
    return m?.[1] ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function netnsInodeOf(name: string): number {
  try {
    return statSync(join(NETNS_RUN_DIR, name)).ino;
  } catch {
    return 0;
  }
}

function netnsExists(name: string): boolean {
  return existsSync(join(NETNS_RUN_DIR, name));
}

/** All live processes whose network namespace has this inode. */
function pidsInNetns(inode: number): number[] {
  if (!inode) return [];
  return listPids().filter((pid) => procNetnsInode(pid) === inode && procAlive(pid));
}

/**
 * The pids that belong to this host and may be killed: the recorded sshd pid if it still is that
 * sshd (cmdline is sshd and its netns is ours, or its cmdline names our log file), plus every
 * process inside our namespace (sshd's session children, stray `ip netns exec` commands).
 */
function ownPids(rec: HostRecord): number[] {
  const inodes = new Set<number>([netnsInodeOf(rec.name), rec.netnsInode].filter((n) => n > 0));
  const pids = new Set<number>();
  if (rec.pid > 1 && procAlive(rec.pid)) {
    const cmd = procCmdline(rec.pid);
    const isSshd = /(^|\/|\s)sshd(:|\s|$)/.test(cmd);
    const nsOk = inodes.has(procNetnsInode(rec.pid));
    const logOk = rec.logFile !== '' && cmd.includes(rec.logFile);
    if (isSshd && (nsOk || logOk)) pids.add(rec.pid);
  }
  for (const ino of inodes) for (const pid of pidsInNetns(ino)) pids.add(pid);
  pids.delete(process.pid);
  return [...pids];
}

// ---------------------------------------------------------------------------------------------
// Prerequisites

export function labPrerequisites(): { ok: true } | { ok: false; reason: string } {
  const missing: string[] = [];
  if (process.platform !== 'linux') missing.push(`Linux (this is ${process.platform})`);
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    missing.push('root (network namespaces and /etc/netns need uid 0; run as root)');
  }
  if (!firstExisting(['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'])) {
    missing.push("the 'ip' command (apt-get install iproute2)");
  }
  if (!existsSync(SSHD)) missing.push(`${SSHD} (apt-get install openssh-server)`);
  if (!firstExisting(['/usr/bin/ssh-keygen', '/usr/local/bin/ssh-keygen'])) {
    missing.push('ssh-keygen (apt-get install openssh-client)');
  }
  if (!existsSync('/etc/ssh')) missing.push('/etc/ssh (apt-get install openssh-server)');
  if (!existsSync('/etc/sudoers.d')) {
    missing.push('/etc/sudoers.d, which `ip netns exec` binds a per-host copy over (apt-get install sudo)');
  }
  return missing.length === 0 ? { ok: true } : { ok: false, reason: `missing: ${missing.join('; ')}` };
}

// ---------------------------------------------------------------------------------------------
// Records (registry under /run/rampart-lab/hosts + host.json in the state dir)

function registryPath(name: string): string {
  return join(HOSTS_DIR, `${name}.json`);
}

function toLabHost(r: HostRecord): LabHost {
  return {
    name: r.name,
    scenario: r.scenario,
    address: r.address,
    port: r.port,
    user: r.user,
    identityFile: r.identityFile,
    hostKeyFingerprints: { ...r.hostKeyFingerprints },
    sshdConfigPath: r.sshdConfigPath,
    etcDir: r.etcDir,
    stateDir: r.stateDir,
    logFile: r.logFile,
    pid: r.pid,
  };
}

function parseRecord(text: string): HostRecord | undefined {
  try {
    const r = JSON.parse(text) as Partial<HostRecord>;
    if (r && typeof r.name === 'string' && NAME_RE.test(r.name) && typeof r.stateDir === 'string') {
      return r as HostRecord;
    }
  } catch {
    /* ignore */
  }
  return undefined;
}

function readRecordFile(path: string): HostRecord | undefined {
  try {
    return parseRecord(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function saveRecordSync(rec: HostRecord): void {
  const json = `${JSON.stringify(rec, null, 2)}\n`;
  if (existsSync(rec.stateDir)) writeFileAtomicSync(join(rec.stateDir, 'host.json'), json);
  writeFileAtomicSync(registryPath(rec.name), json);
}

/** Every record: the /run registry first, then <repo>/.lab/<name>/host.json (e.g. after a reboot). */
function allRecords(): HostRecord[] {
  const byName = new Map<string, HostRecord>();
  const scan = (dir: string, pick: (entry: string) => string | undefined): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries.sort()) {
      const p = pick(e);
      if (!p) continue;
      const rec = readRecordFile(p);
      if (rec && !byName.has(rec.name)) byName.set(rec.name, rec);
    }
  };
  scan(HOSTS_DIR, (e) => (e.endsWith('.json') && NAME_RE.test(e.slice(0, -5)) ? join(HOSTS_DIR, e) : undefined));
  scan(DEFAULT_LAB_BASE_DIR, (e) => (NAME_RE.test(e) ? join(DEFAULT_LAB_BASE_DIR, e, 'host.json') : undefined));
  return [...byName.values()];
}

function findRecord(name: string, hint?: LabHost): HostRecord | undefined {
  const fromRegistry = readRecordFile(registryPath(name));
  if (fromRegistry) return fromRegistry;
  if (hint) {
    const fromState = readRecordFile(join(hint.stateDir, 'host.json'));
    if (fromState && fromState.name === name) return fromState;
  }
  const fromDefault = readRecordFile(join(DEFAULT_LAB_BASE_DIR, name, 'host.json'));
  return fromDefault && fromDefault.name === name ? fromDefault : undefined;
}

/** A record with just enough to clean up `name` when no state is left. */
function minimalRecord(name: string, hint?: LabHost): HostRecord {
  return {
    version: 1,
    status: 'creating',
    name,
    scenario: hint?.scenario ?? 'hardened',
    address: hint?.address ?? '',
    port: hint?.port ?? SSHD_PORT,
    user: hint?.user ?? 'root',
    identityFile: hint?.identityFile ?? '',
    hostKeyFingerprints: hint?.hostKeyFingerprints ?? {},
    sshdConfigPath: '/etc/ssh/sshd_config',
    etcDir: join(ETC_NETNS_DIR, name),
    stateDir: hint?.stateDir ?? join(DEFAULT_LAB_BASE_DIR, name),
    logFile: hint?.logFile ?? '',
    pid: hint?.pid ?? 0,
    vethRoot: '',
    vethNs: '',
    subnet: '',
    rootAddress: '',
    netnsInode: 0,
    ownerPid: 0,
    ownerStartTime: '',
    persistent: false,
    createdAt: '',
  };
}

// ---------------------------------------------------------------------------------------------
// Cleanup of hosts created by this process (best effort) on exit and on fatal signals

const ownedByThisProcess = new Set<string>();
const sshdChildren = new Map<number, ChildProcess>();

function cleanupOwnedSync(): void {
  for (const name of [...ownedByThisProcess]) {
    try {
      destroySync(findRecord(name) ?? minimalRecord(name));
    } catch {
      /* best effort */
    }
    ownedByThisProcess.delete(name);
  }
}

/** Synchronous teardown for exit handlers: SIGKILL, no waiting. */
function destroySync(rec: HostRecord): void {
  assertName(rec.name);
  for (const pid of new Set([...ownPids(rec), ...attachedPids(rec.attachments)])) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  const ipSync = (args: string[]): void => {
    spawnSync(IP, args, { stdio: 'ignore', timeout: 5_000 });
  };
  removeAttachmentsSync(rec.attachments);
  if (VETH_RE.test(rec.vethRoot) && linkExists(rec.vethRoot)) ipSync(['link', 'del', rec.vethRoot]);
  if (netnsExists(rec.name)) ipSync(['netns', 'del', rec.name]);
  removeFilesSync(rec);
}

function removeFilesSync(rec: HostRecord): void {
  rmSync(join(ETC_NETNS_DIR, rec.name), { recursive: true, force: true });
  releaseSubnetLocks(rec.name);
  if (rec.stateDir && basename(rec.stateDir) === rec.name) rmSync(rec.stateDir, { recursive: true, force: true });
  rmSync(registryPath(rec.name), { force: true });
}

// ---------------------------------------------------------------------------------------------
// Keys

/** 'SHA256:...' exactly as `ssh-keygen -lf` prints it, from an OpenSSH public key line. */
export function fingerprintOfPublicKey(line: string): { type: string; fingerprint: string } {
  const [type, b64] = line.trim().split(/\s+/);
  if (!type || !b64) throw new Error(`not an OpenSSH public key: ${line.slice(0, 40)}`);
  const digest = createHash('sha256').update(Buffer.from(b64, 'base64')).digest('base64').replace(/=+$/, '');
  return { type, fingerprint: `SHA256:${digest}` };
}

async function generateKey(path: string, spec: LabHostKeySpec, comment: string): Promise<string> {
  await rm(path, { force: true });
  await rm(`${path}.pub`, { force: true });
  const args = ['-q', '-t', spec.type, ...(spec.bits ? ['-b', String(spec.bits)] : []), '-N', '', '-C', comment, '-f', path];
  await must(SSH_KEYGEN, args, { timeoutMs: 60_000 });
  return (await readFile(`${path}.pub`, 'utf8')).trim();
}

/** Generates the scenario's host keys into <etcDir>/ssh; returns type -> fingerprint and the pub lines. */
async function generateHostKeys(rec: HostRecord): Promise<{ fingerprints: Record<string, string>; pubLines: string[] }> {
  const sshDir = join(rec.etcDir, 'ssh');
  for (const e of readdirSync(sshDir)) {
    if (/^ssh_host_.*_key(\.pub)?$/.test(e)) rmSync(join(sshDir, e), { force: true });
  }
  const pubLines = await Promise.all(
    scenarios[rec.scenario].hostKeys.map((k) => generateKey(join(sshDir, hostKeyFileName(k.type)), k, '')),
  );
  const fingerprints: Record<string, string> = {};
  for (const line of pubLines) {
    const { type, fingerprint } = fingerprintOfPublicKey(line);
    fingerprints[type] = fingerprint;
  }
  return { fingerprints, pubLines };
}

function writeKnownHosts(rec: HostRecord, pubLines: readonly string[]): void {
  const hostPattern = rec.port === 22 ? rec.address : `[${rec.address}]:${rec.port}`;
  const lines = pubLines.map((l) => {
    const [type, b64] = l.split(/\s+/);
    return `${hostPattern} ${type} ${b64}`;
  });
  writeFileAtomicSync(join(rec.stateDir, 'known_hosts'), `${lines.join('\n')}\n`, 0o600);
}

// ---------------------------------------------------------------------------------------------
// sshd

function tailOf(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Resolves true once a TCP connection to addr:port receives an SSH banner (false on timeout, error or close). */
export function probeSsh(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolveProbe) => {
    const sock = connect({ host: address, port });
    let done = false;
    let buf = '';
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolveProbe(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (buf.includes('SSH-')) finish(true);
    });
    sock.on('error', () => finish(false));
    sock.on('close', () => finish(false));
  });
}

/** /proc/net/tcp spelling of an IPv4 address ('0201D70A' for 10.215.1.2 on little-endian). */
function procNetHex(ip: string): string {
  const bytes = ip.split('.').map(Number);
  if (endianness() === 'LE') bytes.reverse();
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
}

/** Whether the process's network namespace has a TCP socket listening on address:port (or *:port). */
function tcpListening(pid: number, address: string, port: number): boolean {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const wanted = new Set([`${procNetHex(address)}:${portHex}`, `00000000:${portHex}`]);
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/net/tcp`, 'utf8');
  } catch {
    return false;
  }
  return text.split('\n').some((line) => {
    const f = line.trim().split(/\s+/);
    return f[3] === '0A' && wanted.has(f[1] ?? ''); // 0A = LISTEN
  });
}

async function startSshd(rec: HostRecord): Promise<number> {
  const banner = rec.readiness !== 'listen';
  // Network rule: only ever connect to a lab address whose veth route exists, so a probe can never
  // leave the machine through the default route. Hosts with another address (topologies) are
  // checked inside their namespace instead.
  if (banner) {
    if (!rec.address.startsWith(LAB_NET_PREFIX)) throw new Error(`refusing to probe non-lab address ${rec.address}`);
    if (!VETH_RE.test(rec.vethRoot) || !linkExists(rec.vethRoot) || !netnsExists(rec.name)) {
      throw new Error(`lab host ${rec.name}: namespace or veth ${rec.vethRoot} is missing`);
    }
  } else if (!netnsExists(rec.name)) {
    throw new Error(`lab host ${rec.name}: namespace is missing`);
  }
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const pidFile = join(rec.stateDir, 'sshd.pid');
  rmSync(pidFile, { force: true });

  const check = await run(IP, ['netns', 'exec', rec.name, SSHD, '-t', '-f', rec.sshdConfigPath], { timeoutMs: 10_000 });
  if (check.code !== 0) throw new Error(`sshd -t rejected the ${rec.scenario} config of ${rec.name}: ${check.stderr.trim()}`);

  // -D: stay a child of this process (detached into its own session), so that Node reaps it when
  // it is stopped; a daemonized sshd would be re-parented to PID 1, which does not reap zombies in
  // some containers. `ip netns exec` runs a shell that execs sshd, so child.pid is sshd's pid.
  // Every lab host's own /etc lives under /etc/netns/<name>/ (its entries are already bound over
  // /etc/* in this mount namespace): a tmpfs over /etc/netns hides the other hosts' files from
  // this sshd's sessions, so an audit sees one server, as on a real one (parallel test files
  // otherwise found each other's planted files). `ip netns exec` gives sshd a private mount
  // namespace, so the tmpfs is seen by nothing else.
  const hideOtherHosts = 'mount -t tmpfs -o mode=0755,size=64k rampart-lab-hide /etc/netns || exit 97; exec "$0" "$@"';
  const child = spawn(IP, ['netns', 'exec', rec.name, '/bin/sh', '-c', hideOtherHosts, SSHD, '-D', '-f', rec.sshdConfigPath, '-E', rec.logFile], {
    detached: true,
    stdio: 'ignore',
  });
  let exited: string | undefined;
  child.on('error', (err) => {
    exited = `could not start sshd: ${err.message}`;
  });
  child.on('exit', (code, signal) => {
    exited = `sshd exited early (code ${code}, signal ${signal})`;
    if (child.pid) sshdChildren.delete(child.pid);
  });
  child.unref();
  if (child.pid) sshdChildren.set(child.pid, child);

  const deadline = Date.now() + SSHD_START_TIMEOUT_MS;
  let pid = 0;
  while (Date.now() < deadline) {
    if (exited) break;
    if (!pid) {
      try {
        pid = Number(readFileSync(pidFile, 'utf8').trim()) || 0;
      } catch {
        /* not yet */
      }
    }
    if (pid && (banner ? await probeSsh(rec.address, rec.port, 1_000) : tcpListening(pid, rec.address, rec.port))) return pid;
    await sleep(pid ? 50 : 25);
  }
  if (child.pid && procAlive(child.pid)) child.kill('SIGKILL');
  throw new Error(
    `sshd of lab host ${rec.name} did not ${banner ? 'accept connections' : 'listen'} on ${rec.address}:${rec.port} within ` +
      `${SSHD_START_TIMEOUT_MS} ms${exited ? ` (${exited})` : ''}. Log ${rec.logFile}:\n${tailOf(rec.logFile)}`,
  );
}

/**
 * Stops this host's processes: SIGTERM, then SIGKILL after a bounded wait. With `keepAttached`
 * (sshd restarts) the attached processes keep running; otherwise they are stopped too.
 */
async function killOwnProcesses(rec: HostRecord, opts: { keepAttached?: boolean } = {}): Promise<void> {
  const attached = attachedPids(rec.attachments);
  const pids = opts.keepAttached
    ? ownPids(rec).filter((p) => !attached.includes(p))
    : [...new Set([...ownPids(rec), ...attached])];
  if (pids.length === 0) return;
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  let alive = await waitGone(pids, 3_000);
  if (alive.length > 0) {
    for (const pid of alive) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    alive = await waitGone(alive, 2_000);
    if (alive.length > 0) throw new Error(`lab host ${rec.name}: processes ${alive.join(', ')} survived SIGKILL`);
  }
  // Give Node a moment to reap sshd children it spawned, so no zombie lingers.
  const ours = pids.map((p) => sshdChildren.get(p)).filter((c): c is ChildProcess => c !== undefined);
  const deadline = Date.now() + 1_000;
  while (ours.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) await sleep(10);
}

// ---------------------------------------------------------------------------------------------
// Public API

export async function createLabHost(opts: CreateLabHostOptions): Promise<LabHost> {
  const pre = labPrerequisites();
  if (!pre.ok) throw new Error(`lab hosts unavailable: ${pre.reason}`);
  if (!isLabScenario(opts.scenario)) {
    throw new Error(`unknown lab scenario ${JSON.stringify(opts.scenario)} (known: ${scenarioNames.join(', ')})`);
  }
  if (opts.name !== undefined) assertName(opts.name);
  if (opts.sshdExtraConfig !== undefined && /^\s*match\b/im.test(opts.sshdExtraConfig)) {
    throw new Error('sshdExtraConfig: Match blocks are not supported (they would swallow the settings after them)');
  }
  const rootLink = opts.network?.rootLink !== false;
  if (!rootLink && !opts.network?.setup) throw new Error('network.rootLink false needs network.setup to wire the host');
  mkdirSync(HOSTS_DIR, { recursive: true, mode: 0o755 });
  mkdirSync(SUBNETS_DIR, { recursive: true, mode: 0o755 });

  // Reserve a name: the registry entry is created with O_EXCL.
  const baseDir = resolve(opts.baseDir ?? DEFAULT_LAB_BASE_DIR);
  let name = '';
  let hex = '';
  for (let attempt = 0; attempt < 50 && !name; attempt++) {
    hex = randomBytes(3).toString('hex');
    const candidate = opts.name ?? `rmp-${hex}`;
    if (netnsExists(candidate) || existsSync(join(ETC_NETNS_DIR, candidate))) {
      if (opts.name) throw new Error(`lab host ${candidate} already exists (netns or /etc/netns entry present)`);
      continue;
    }
    try {
      closeSync(openSync(registryPath(candidate), 'wx', 0o644));
      name = candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (opts.name) throw new Error(`lab host ${candidate} already exists (${registryPath(candidate)})`, { cause: err });
    }
  }
  if (!name) throw new Error('could not reserve a lab host name');

  const stateDir = join(baseDir, name);
  const rec: HostRecord = {
    version: 1,
    status: 'creating',
    name,
    scenario: opts.scenario,
    address: '',
    port: SSHD_PORT,
    user: 'root',
    identityFile: join(stateDir, 'id_ed25519'),
    hostKeyFingerprints: {},
    sshdConfigPath: '/etc/ssh/sshd_config',
    etcDir: join(ETC_NETNS_DIR, name),
    stateDir,
    logFile: join(stateDir, 'sshd.log'),
    pid: 0,
    vethRoot: `rv${hex}`,
    vethNs: `rn${hex}`,
    subnet: '',
    rootAddress: '',
    netnsInode: 0,
    ownerPid: process.pid,
    ownerStartTime: procStartTime(process.pid),
    persistent: opts.persistent === true,
    createdAt: new Date().toISOString(),
  };
  if (!rec.persistent) {
    ownedByThisProcess.add(name);
    onProcessExit(cleanupOwnedSync);
  }

  try {
    await rm(stateDir, { recursive: true, force: true }); // leftovers of an earlier host of this name
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const sshDir = join(rec.etcDir, 'ssh');
    await mkdir(sshDir, { recursive: true, mode: 0o755 });
    await mkdir(join(rec.etcDir, 'sudoers.d'), { recursive: true, mode: 0o750 });
    saveRecordSync(rec);

    // Keys (RSA takes the longest) in parallel with the network setup.
    const keysPromise = Promise.all([
      generateHostKeys(rec),
      generateKey(rec.identityFile, { type: 'ed25519' }, `rampart-lab@${name}`),
    ]);
    keysPromise.catch(() => {}); // awaited below; avoid an unhandled rejection if the network part throws first

    if (rootLink) {
      const subnet = await allocateSubnet(name);
      rec.subnet = `${subnet.network}/30`;
      rec.rootAddress = subnet.rootAddress;
      rec.address = subnet.hostAddress;
    } else {
      rec.vethRoot = '';
      rec.vethNs = '';
    }
    saveRecordSync(rec);

    await must(IP, ['netns', 'add', name]);
    rec.netnsInode = netnsInodeOf(name);
    saveRecordSync(rec);
    if (rootLink) {
      await must(IP, ['link', 'add', rec.vethRoot, 'type', 'veth', 'peer', 'name', rec.vethNs, 'netns', name]);
      await must(IP, ['addr', 'add', `${rec.rootAddress}/30`, 'dev', rec.vethRoot]);
      await must(IP, ['link', 'set', rec.vethRoot, 'up']);
      await must(IP, ['-n', name, '-batch', '-'], {
        input: `link set lo up\naddr add ${rec.address}/30 dev ${rec.vethNs}\nlink set ${rec.vethNs} up\n`,
      });
    } else {
      await must(IP, ['-n', name, 'link', 'set', 'lo', 'up']);
    }

    let listenAddress: string | undefined;
    if (opts.network?.setup) {
      const ctx: LabNetworkContext = {
        name,
        stateDir,
        rootLink: rootLink
          ? { hostAddress: rec.address, rootAddress: rec.rootAddress, vethRoot: rec.vethRoot, vethNs: rec.vethNs }
          : undefined,
        reserveSubnet: async (pool) => {
          if (!Object.hasOwn(POOL_BASES, pool)) throw new Error(`unknown lab subnet pool ${JSON.stringify(pool)}`);
          const sub = await allocateSubnet(name, pool);
          return { cidr: `${sub.network}/30`, network: sub.network, first: sub.rootAddress, second: sub.hostAddress };
        },
        attach: (a) => {
          rec.attachments = mergeAttachments(rec.attachments, a);
          saveRecordSync(rec);
        },
      };
      const res = await opts.network.setup(ctx);
      if (res) {
        if (!isLabPoolAddress(res.address)) throw new Error(`network.setup returned a non-lab address ${JSON.stringify(res.address)}`);
        rec.address = res.address;
        rec.readiness = 'listen';
        listenAddress = res.address;
        saveRecordSync(rec);
      }
    }
    if (!rec.address) throw new Error('network.rootLink false needs network.setup to return { address }');

    const [{ fingerprints, pubLines }, clientPub] = await keysPromise;
    rec.hostKeyFingerprints = fingerprints;
    writeKnownHosts(rec, pubLines);
    await writeFile(join(sshDir, 'authorized_keys_root'), `${clientPub}\n`, { mode: 0o600 });
    // root gets a home of its own inside the host: the machine's /root (with whatever its
    // ~/.bashrc runs on every exec) is not part of the host under test.
    const rootHome = join(stateDir, 'root-home');
    await mkdir(rootHome, { recursive: true, mode: 0o700 });
    const passwd = readFileSync('/etc/passwd', 'utf8').replace(/^root:([^:]*):0:0:([^:]*):[^:]*:/m, `root:$1:0:0:$2:${rootHome}:`);
    await writeFile(join(rec.etcDir, 'passwd'), passwd, { mode: 0o644 });
    for (const f of ['moduli', 'ssh_config']) {
      if (existsSync(join('/etc/ssh', f))) copyFileSync(join('/etc/ssh', f), join(sshDir, f));
    }
    await mkdir(join(sshDir, 'sshd_config.d'), { recursive: true });
    await mkdir(join(sshDir, 'ssh_config.d'), { recursive: true });
    const pidFile = join(stateDir, 'sshd.pid');
    const extraConfig = [listenAddress ? `ListenAddress ${listenAddress}:${rec.port}` : '', opts.sshdExtraConfig?.trim() ?? '']
      .filter(Boolean)
      .join('\n');
    await writeFile(
      join(sshDir, 'sshd_config'),
      withExtraSshdConfig(renderSshdConfig(rec.scenario, { hostName: name, pidFile, port: rec.port }), extraConfig),
      { mode: 0o644 },
    );

    rec.pid = await startSshd(rec);
    rec.status = 'running';
    saveRecordSync(rec);
    return toLabHost(rec);
  } catch (err) {
    try {
      await destroyRecord(rec);
    } catch {
      /* report the original error */
    }
    throw err;
  }
}

/** Puts `extra` in front of the generated settings (sshd keeps the first value of most keywords). */
function withExtraSshdConfig(config: string, extra: string): string {
  if (!extra) return config;
  const block = `# Extra settings (CreateLabHostOptions: sshdExtraConfig / network.setup address)\n${extra}\n\n`;
  const at = config.indexOf('# Host-specific settings');
  return at < 0 ? block + config : config.slice(0, at) + block + config.slice(at);
}

async function destroyRecord(rec: HostRecord): Promise<void> {
  assertName(rec.name);
  await killOwnProcesses(rec);
  await removeAttachments(rec.name, rec.attachments);
  // Deleting the root end removes the pair at once; `ip netns del` alone frees it asynchronously.
  if (VETH_RE.test(rec.vethRoot) && linkExists(rec.vethRoot)) {
    const r = await run(IP, ['link', 'del', rec.vethRoot], { timeoutMs: 10_000 });
    if (r.code !== 0 && linkExists(rec.vethRoot)) throw new Error(`ip link del ${rec.vethRoot}: ${r.stderr.trim()}`);
  }
  if (netnsExists(rec.name)) {
    const r = await run(IP, ['netns', 'del', rec.name], { timeoutMs: 10_000 });
    if (r.code !== 0 && netnsExists(rec.name)) throw new Error(`ip netns del ${rec.name}: ${r.stderr.trim()}`);
  }
  removeFilesSync(rec);
  ownedByThisProcess.delete(rec.name);
}

/** Idempotent: kills only this host's processes, deletes netns, veth, /etc/netns/<name>, locks and state. */
export async function destroyLabHost(host: LabHost | string): Promise<void> {
  const name = typeof host === 'string' ? host : host.name;
  assertName(name);
  const hint = typeof host === 'string' ? undefined : host;
  const rec = findRecord(name, hint) ?? minimalRecord(name, hint);
  await destroyRecord(rec);
}

function ownerAlive(rec: HostRecord): boolean {
  return rec.ownerPid > 1 && procAlive(rec.ownerPid) && procStartTime(rec.ownerPid) === rec.ownerStartTime;
}

/** Whether the host's sshd is still running in its namespace. */
export function isLabHostRunning(host: LabHost): boolean {
  const rec = findRecord(host.name, host) ?? minimalRecord(host.name, host);
  return netnsExists(rec.name) && rec.pid > 1 && ownPids(rec).includes(rec.pid);
}

/** Hosts from the state files (running or not). */
export async function listLabHosts(): Promise<LabHost[]> {
  return allRecords()
    .filter((r) => r.status === 'running')
    .map(toLabHost);
}

/**
 * Destroys every lab host that has state (registry or <repo>/.lab), and removes orphaned subnet
 * locks. With `staleOnly`, only hosts nobody uses any more: non-persistent hosts whose creating
 * process is gone, and persistent ones whose sshd or namespace is gone.
 */
export async function destroyAllLabHosts(opts: { staleOnly?: boolean } = {}): Promise<void> {
  const errors: string[] = [];
  for (const rec of allRecords()) {
    if (opts.staleOnly) {
      const alive = ownerAlive(rec);
      const healthy = rec.status === 'running' && isLabHostRunning(rec);
      const stale = rec.persistent ? !healthy && !(rec.status === 'creating' && alive) : !alive;
      if (!stale) continue;
    }
    try {
      await destroyRecord(rec);
    } catch (err) {
      errors.push(`${rec.name}: ${errorMessage(err)}`);
    }
  }
  // Subnet locks are taken after the registry entry and released before it: a lock whose owner has
  // no registry entry and no namespace is orphaned.
  let locks: string[] = [];
  try {
    locks = readdirSync(SUBNETS_DIR);
  } catch {
    /* none */
  }
  for (const e of locks) {
    const p = join(SUBNETS_DIR, e);
    try {
      const owner = readFileSync(p, 'utf8');
      if (!existsSync(registryPath(owner)) && !netnsExists(owner)) unlinkSync(p);
    } catch {
      /* raced */
    }
  }
  if (errors.length > 0) throw new Error(`could not destroy every lab host:\n${errors.join('\n')}`);
}

/** New host keys (same types) and an sshd restart; returns the host with new fingerprints and pid. */
export async function regenerateHostKeys(host: LabHost): Promise<LabHost> {
  assertName(host.name);
  const rec = findRecord(host.name, host);
  if (!rec || rec.status !== 'running') throw new Error(`lab host ${host.name} has no running state`);
  await killOwnProcesses(rec, { keepAttached: true }); // stops sshd and any sessions in the namespace
  const { fingerprints, pubLines } = await generateHostKeys(rec);
  rec.hostKeyFingerprints = fingerprints;
  writeKnownHosts(rec, pubLines);
  rec.pid = await startSshd(rec);
  saveRecordSync(rec);
  return toLabHost(rec);
}

/** Runs argv inside the host (`ip netns exec <name> ...`, so with the host's /etc view). */
export async function labExec(
  host: LabHost,
  argv: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  assertName(host.name);
  if (argv.length === 0) throw new Error('labExec: empty argv');
  if (!netnsExists(host.name)) throw new Error(`lab host ${host.name} does not exist`);
  return run(IP, ['netns', 'exec', host.name, ...argv], opts);
}
