// A throw-away Docker engine for tests: a real dockerd with its own data root, exec root, pid file
// and socket under a temp dir, no iptables and no bridge (`--iptables=false --ip6tables=false
// --bridge=none`), started in a private mount namespace (`unshare --mount --propagation private`)
// so its overlay and netns mounts vanish with its processes. Images come from `docker import` of a
// busybox-static rootfs; nothing is pulled. Linux + root only.
//
// Needs the Debian packages docker.io (dockerd, containerd, runc, docker CLI), busybox-static and,
// for compose projects, docker-compose (1.29; there is no compose v2 plugin in Debian 12).
//
// Each engine `rmpd-<hex>` is a dir <baseDir>/rmpd-<hex>/ (data/, exec/, docker.sock, dockerd.log,
// rootfs.tar, compose/) and a registry entry /run/rampart-lab/docker/<name>.json naming its owner
// process. stopLabDocker removes containers, stops dockerd and removes the dir; an exit hook does
// the same (SIGKILL, no waiting) when the owner exits; startLabDocker first sweeps engines whose
// owner died (a crashed test run). Only processes whose command line names the engine's own dir,
// and their descendants, are ever killed.
//
// Network rule: containers are created with `--network none` (or `--network host` only with
// `docker create`, never started) or on lab networks (`lab-*`, createLabNetwork): dockerd runs in
// a private network namespace too (`unshare --net`), so their bridges and veths exist only there,
// with no address outside it and no route out; compose services must say `network_mode: none`. No bridge,
// no NAT, no traffic.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { firstExisting, listPids, runCommand, type RunOptions, type RunResult, onProcessExit, procAlive, procCmdline, procStartTime, procStat, sleep, waitGone } from './proc';

export interface LabDocker {
  /** rmpd-<6 hex> */
  name: string;
  /** <baseDir>/<name>: data/, exec/, docker.sock, dockerd.log, compose/ */
  dir: string;
  /** The daemon's unix socket. */
  socket: string;
  /** `unix://<socket>`: for DOCKER_HOST (e.g. sshd_config `SetEnv DOCKER_HOST=…` on a lab host). */
  dockerHost: string;
  /** dockerd's pid. */
  pid: number;
  images: {
    /** A pinned tag: lab/busybox:1.35 */
    pinned: string;
    /** The same image as lab/busybox:latest */
    latest: string;
    /** An image without any tag, as `sha256:<id>`. */
    untagged: string;
  };
}

export interface StartLabDockerOptions {
  /** Parent of the engine dir (default os.tmpdir(); keep it short: the socket path must fit 107 bytes). */
  baseDir?: string;
  /** How long dockerd may take to answer /_ping (default 15 s; about 1 s here). */
  readyTimeoutMs?: number;
}

interface Record_ {
  version: 1;
  name: string;
  dir: string;
  pid: number;
  startTime: string;
  ownerPid: number;
  ownerStartTime: string;
  createdAt: string;
}

export const LAB_IMAGE_PINNED = 'lab/busybox:1.35';
export const LAB_IMAGE_LATEST = 'lab/busybox:latest';

const NAME_RE = /^rmpd-[0-9a-f]{6}$/;
const REGISTRY_DIR = '/run/rampart-lab/docker';
const CMD_TIMEOUT_MS = 60_000;
const run = (file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> => runCommand(file, args, { timeoutMs: CMD_TIMEOUT_MS, ...opts });

const DOCKERD = firstExisting(['/usr/sbin/dockerd', '/usr/bin/dockerd']);
// Prefer Debian's CLI (the daemon's version) over a newer static one in /usr/local/bin.
const DOCKER = firstExisting(['/usr/bin/docker', '/usr/local/bin/docker']);
const COMPOSE = firstExisting(['/usr/bin/docker-compose', '/usr/local/bin/docker-compose']);
const BUSYBOX = firstExisting(['/bin/busybox', '/usr/bin/busybox']);
const UNSHARE = firstExisting(['/usr/bin/unshare', '/bin/unshare']);
const NSENTER = firstExisting(['/usr/bin/nsenter', '/bin/nsenter']);
const IP = firstExisting(['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip']);
const TAR = firstExisting(['/usr/bin/tar', '/bin/tar']) ?? 'tar';

// ---------------------------------------------------------------------------------------------
// Commands

export type { RunResult } from './proc';

function dockerEnv(d: Pick<LabDocker, 'dockerHost' | 'dir'>): NodeJS.ProcessEnv {
  // The CLI's config dir inside the engine dir: nothing is written to the machine's ~/.docker.
  return { ...process.env, DOCKER_HOST: d.dockerHost, DOCKER_CONFIG: join(d.dir, 'cli-config'), DOCKER_CONTEXT: '' };
}

/** Runs the docker CLI against this engine. Never rejects. */
export function dockerCli(d: LabDocker, args: readonly string[], opts: { timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  if (!DOCKER) return Promise.resolve({ stdout: '', stderr: 'docker CLI not found (apt-get install docker.io)', code: 127 });
  return run(DOCKER, args, { env: dockerEnv(d), ...opts });
}

/** Runs the docker CLI against this engine; throws with its stderr on failure. Returns stdout. */
export async function docker(d: LabDocker, args: readonly string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  const r = await dockerCli(d, args, opts);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

// ---------------------------------------------------------------------------------------------
// /proc helpers

/**
 * The engine's processes: every process whose command line names the engine dir (dockerd,
 * containerd, containerd-shim) and all their descendants (the containers' processes).
 */
function enginePids(dir: string): number[] {
  const marker = `${dir}/`;
  const parent = new Map<number, number>();
  const roots: number[] = [];
  for (const pid of listPids()) {
    if (pid <= 1) continue;
    const st = procStat(pid);
    if (!st || st.state === 'Z' || st.state === 'X') continue;
    parent.set(pid, st.ppid);
    if (procCmdline(pid).includes(marker)) roots.push(pid);
  }
  const result = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!result.has(pid) && result.has(ppid)) {
        result.add(pid);
        grew = true;
      }
    }
  }
  result.delete(process.pid);
  return [...result];
}

function killAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
}

/** Mount points under `dir` visible here (only if a mount leaked out of the engine's namespace). */
function mountsUnder(dir: string): string[] {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .map((p) => p.replace(/\\040/g, ' '))
      .filter((p) => p === dir || p.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Prerequisites

/** A statically linked ELF has no PT_INTERP program header. */
function isStaticElf(path: string): boolean {
  try {
    const b = readFileSync(path);
    if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) return false; // 64-bit little-endian ELF
    const phoff = Number(b.readBigUInt64LE(0x20));
    const phentsize = b.readUInt16LE(0x36);
    const phnum = b.readUInt16LE(0x38);
    for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return false;
    return true;
  } catch {
    return false;
  }
}

export function labDockerPrerequisites(): { ok: true } | { ok: false; reason: string } {
  const missing: string[] = [];
  if (process.platform !== 'linux') missing.push(`Linux (this is ${process.platform})`);
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) missing.push('root');
  if (!DOCKERD) missing.push('dockerd (apt-get install --no-install-recommends docker.io)');
  if (!DOCKER) missing.push('the docker CLI (apt-get install --no-install-recommends docker.io)');
  if (!BUSYBOX || !isStaticElf(BUSYBOX)) missing.push('a static /bin/busybox (apt-get install busybox-static)');
  if (!UNSHARE) missing.push('unshare (util-linux)');
  return missing.length === 0 ? { ok: true } : { ok: false, reason: `missing: ${missing.join('; ')}` };
}

/** docker-compose 1.x is installed (compose projects need it). */
export function labComposeAvailable(): boolean {
  return COMPOSE !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Registry and cleanup

function registryPath(name: string): string {
  return join(REGISTRY_DIR, `${name}.json`);
}

function readRecord(path: string): Record_ | undefined {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as Partial<Record_>;
    if (r && typeof r.name === 'string' && NAME_RE.test(r.name) && typeof r.dir === 'string' && validDir(r.dir, r.name)) return r as Record_;
  } catch {
    /* ignore */
  }
  return undefined;
}

function validDir(dir: string, name: string): boolean {
  return isAbsolute(dir) && resolve(dir) === dir && basename(dir) === name && dir.split('/').length >= 3;
}

function saveRecord(rec: Record_): void {
  const tmp = `${registryPath(rec.name)}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(rec, null, 2)}\n`, { mode: 0o644 });
  renameSync(tmp, registryPath(rec.name));
}

const owned = new Set<string>();

function cleanupOwnedSync(): void {
  for (const name of [...owned]) {
    const rec = readRecord(registryPath(name));
    if (rec) destroySync(rec);
    owned.delete(name);
  }
}

/** SIGKILL everything of the engine, unmount leftovers, remove its cgroups, dir and registry entry. */
function destroySync(rec: Record_): void {
  for (let i = 0; i < 3; i++) {
    const pids = enginePids(rec.dir);
    if (pids.length === 0) break;
    killAll(pids, 'SIGKILL');
    const deadline = Date.now() + 2_000;
    while (pids.some(procAlive) && Date.now() < deadline) spawnSync('sleep', ['0.05']);
  }
  for (const m of mountsUnder(rec.dir)) spawnSync('umount', ['-l', m], { stdio: 'ignore', timeout: 5_000 });
  removeCgroupsSync(rec.name);
  // A shim that was still exiting can write into the dir while it is removed (ENOTEMPTY): retry.
  try {
    rmSync(rec.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch {
    /* best effort */
  }
  rmSync(registryPath(rec.name), { force: true });
}

/** Cgroup hierarchies mounted here (cgroup v1 controllers and/or the v2 root). */
function cgroupMounts(): string[] {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((l) => / - cgroup2? /.test(l))
      .map((l) => l.split(' ')[4] ?? '')
      .filter((p) => p.startsWith('/'));
  } catch {
    return [];
  }
}

/** The containers' cgroups live under /<name> (dockerd --cgroup-parent): rmdir them, deepest first. */
function removeCgroupsSync(name: string): void {
  if (!NAME_RE.test(name)) return;
  const rmTree = (dir: string): void => {
    let subs: string[];
    try {
      subs = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return;
    }
    for (const s of subs) rmTree(join(dir, s));
    try {
      rmdirSync(dir);
    } catch {
      /* busy or gone */
    }
  };
  for (const m of cgroupMounts()) rmTree(join(m, name));
}

function ownerAlive(rec: Record_): boolean {
  return rec.ownerPid > 1 && procAlive(rec.ownerPid) && procStartTime(rec.ownerPid) === rec.ownerStartTime;
}

/** Removes engines whose owner process is gone (a crashed or killed test run). Returns their names. */
export async function sweepStaleLabDockers(): Promise<string[]> {
  let entries: string[];
  try {
    entries = readdirSync(REGISTRY_DIR);
  } catch {
    return [];
  }
  const swept: string[] = [];
  for (const e of entries.sort()) {
    if (!e.endsWith('.json') || !NAME_RE.test(e.slice(0, -5))) continue;
    const rec = readRecord(join(REGISTRY_DIR, e));
    if (!rec || ownerAlive(rec) || owned.has(rec.name)) continue;
    destroySync(rec);
    swept.push(rec.name);
  }
  return swept;
}

// ---------------------------------------------------------------------------------------------
// Start / stop

function ping(socket: string): Promise<boolean> {
  return new Promise((res) => {
    const req = request({ socketPath: socket, path: '/_ping', method: 'GET', timeout: 1_000 }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('error', () => res(false));
    req.on('timeout', () => {
      req.destroy();
      res(false);
    });
    req.end();
  });
}

function buildRootfs(dir: string): string {
  const root = join(dir, 'rootfs');
  for (const d of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'home']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync(BUSYBOX!, join(root, 'bin', 'busybox'));
  const list = spawnSync(BUSYBOX!, ['--list'], { encoding: 'utf8' }).stdout ?? '';
  for (const applet of list.split('\n').map((s) => s.trim())) {
    if (!/^[a-z0-9_.[-]+$/i.test(applet) || applet === 'busybox' || applet.includes('/')) continue;
    try {
      symlinkSync('busybox', join(root, 'bin', applet));
    } catch {
      /* duplicate */
    }
  }
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\napp:x:1000:1000:app:/home:/bin/sh\n');
  writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\napp:x:1000:\n');
  const tar = join(dir, 'rootfs.tar');
  const r = spawnSync(TAR, ['-C', root, '--owner=0', '--group=0', '-cf', tar, '.'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar of the busybox rootfs failed: ${r.stderr}`);
  return tar;
}

/** Starts a private dockerd and imports the lab images. Destroys what it made if anything fails. */
export async function startLabDocker(opts: StartLabDockerOptions = {}): Promise<LabDocker> {
  const pre = labDockerPrerequisites();
  if (!pre.ok) throw new Error(`lab docker unavailable: ${pre.reason}`);
  mkdirSync(REGISTRY_DIR, { recursive: true, mode: 0o755 });
  await sweepStaleLabDockers();

  const baseDir = resolve(opts.baseDir ?? tmpdir());
  let name = '';
  for (let i = 0; i < 20 && !name; i++) {
    const candidate = `rmpd-${randomBytes(3).toString('hex')}`;
    if (existsSync(join(baseDir, candidate))) continue;
    try {
      closeSync(openSync(registryPath(candidate), 'wx', 0o644));
      name = candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  if (!name) throw new Error('could not reserve a lab docker name');
  const dir = join(baseDir, name);
  const socket = join(dir, 'docker.sock');
  if (Buffer.byteLength(socket) > 107) throw new Error(`socket path too long for a unix socket: ${socket}`);
  const rec: Record_ = {
    version: 1,
    name,
    dir,
    pid: 0,
    startTime: '',
    ownerPid: process.pid,
    ownerStartTime: procStartTime(process.pid),
    createdAt: new Date().toISOString(),
  };
  owned.add(name);
  onProcessExit(cleanupOwnedSync);
  saveRecord(rec);

  const d: LabDocker = {
    name,
    dir,
    socket,
    dockerHost: `unix://${socket}`,
    pid: 0,
    images: { pinned: LAB_IMAGE_PINNED, latest: LAB_IMAGE_LATEST, untagged: '' },
  };
  try {
    mkdirSync(dir, { recursive: false, mode: 0o711 });
    for (const sub of ['data', 'exec', 'compose', 'cli-config']) mkdirSync(join(dir, sub), { mode: 0o711 });
    const logFd = openSync(join(dir, 'dockerd.log'), 'a', 0o600);
    const args = [
      '--mount',
      // Its own network namespace: lab networks' bridges and veths never touch the machine's.
      '--net',
      '--propagation',
      'private',
      DOCKERD!,
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'dockerd.pid'),
      '-H',
      d.dockerHost,
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--ip-forward=false',
      '--ip-masq=false',
      '--userland-proxy=false',
      '--log-level=warn',
      // The containers' cgroups under /<name> in every hierarchy, so teardown finds them even after a crash.
      `--cgroup-parent=/${name}`,
      // No daemon.json of the machine: an empty config file of our own.
      '--config-file',
      join(dir, 'daemon.json'),
    ];
    writeFileSync(join(dir, 'daemon.json'), '{}\n');
    const child = spawn(UNSHARE!, args, { stdio: ['ignore', logFd, logFd], detached: true });
    closeSync(logFd);
    child.unref();
    child.on('error', () => {});
    if (!child.pid) throw new Error('could not spawn dockerd');
    // `unshare` execs dockerd: same pid.
    d.pid = child.pid;
    rec.pid = child.pid;
    rec.startTime = procStartTime(child.pid);
    saveRecord(rec);

    const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
    let ready = false;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || !procAlive(child.pid)) break;
      if (await ping(socket)) {
        ready = true;
        break;
      }
      await sleep(100);
    }
    if (!ready) {
      let log = '';
      try {
        log = readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-2_000);
      } catch {
        /* none */
      }
      throw new Error(`dockerd did not become ready: ${log.trim()}`);
    }

    // Loopback up in its network namespace: containers on lab networks may publish on 127.0.0.1
    // (dockerd reserves the host port there, and only there).
    const lo = await run(NSENTER ?? 'nsenter', ['--target', String(child.pid), '--net', IP ?? 'ip', 'link', 'set', 'lo', 'up']);
    if (lo.code !== 0) throw new Error(`could not bring up loopback in dockerd's network namespace: ${lo.stderr.trim()}`);
    const tar = buildRootfs(dir);
    await docker(d, ['import', tar, LAB_IMAGE_PINNED]);
    await docker(d, ['tag', LAB_IMAGE_PINNED, LAB_IMAGE_LATEST]);
    const untagged = (await docker(d, ['import', '--change', 'LABEL rampart.lab=untagged', tar])).trim();
    if (!/^sha256:[0-9a-f]{64}$/.test(untagged)) throw new Error(`docker import returned ${JSON.stringify(untagged)}`);
    d.images.untagged = untagged;
    return d;
  } catch (err) {
    destroySync(rec);
    owned.delete(name);
    throw err;
  }
}

/**
 * Stops the engine: SIGKILL to dockerd, containerd, the shims and the containers' processes (all
 * of them name the engine dir or descend from one that does), then removes the cgroups, the dir
 * and the registry entry. Nothing survives that dockerd would have cleaned up gracefully: its
 * mounts die with its private mount namespace, its lab networks with its private network namespace, and there are no iptables rules.
 * Idempotent; the same path the exit hook and the stale sweep take.
 */
export async function stopLabDocker(d: LabDocker): Promise<void> {
  if (!NAME_RE.test(d.name) || !validDir(d.dir, d.name)) throw new Error(`not a lab docker: ${d.name} ${d.dir}`);
  const rec: Record_ = readRecord(registryPath(d.name)) ?? {
    version: 1,
    name: d.name,
    dir: d.dir,
    pid: d.pid,
    startTime: '',
    ownerPid: process.pid,
    ownerStartTime: '',
    createdAt: '',
  };
  for (let i = 0; i < 3; i++) {
    const pids = enginePids(d.dir);
    if (pids.length === 0) break;
    killAll(pids, 'SIGKILL');
    const left = await waitGone(pids, 3_000);
    if (left.length && i === 2) throw new Error(`lab docker ${d.name}: processes ${left.join(', ')} survived SIGKILL`);
  }
  destroySync(rec);
  owned.delete(d.name);
}

/** Whether the engine's dockerd is running. */
export function isLabDockerRunning(d: LabDocker): boolean {
  return procAlive(d.pid) && procCmdline(d.pid).includes(`${d.dir}/`);
}

// ---------------------------------------------------------------------------------------------
// Containers and compose projects

export interface LabContainerSpec {
  name: string;
  /** Default lab/busybox:1.35. */
  image?: string;
  /** Extra `docker create` flags. `--network none` is added unless a --network/--net flag is given. */
  args?: readonly string[];
  /** Default ['sleep', '3600']. */
  cmd?: readonly string[];
  /** Start it (default true). Privileged containers cannot start here: create them only. */
  start?: boolean;
  /** Lab networks (createLabNetwork) to attach it to, instead of `--network none`. */
  networks?: readonly string[];
}

/** Names of lab networks: createLabNetwork makes them, createLabContainer accepts them. */
const LAB_NETWORK_RE = /^lab-[a-z0-9][a-z0-9-]{0,30}$/;

/**
 * A user-defined bridge network (`--internal` when asked) in the engine's private network
 * namespace: nothing of it is visible on the machine. Name `lab-…`. Returns its id.
 */
export async function createLabNetwork(d: LabDocker, name: string, opts: { internal?: boolean } = {}): Promise<string> {
  if (!LAB_NETWORK_RE.test(name)) throw new Error(`lab network names are lab-<lower-case letters, digits, ->: ${name}`);
  return (await docker(d, ['network', 'create', '--driver', 'bridge', ...(opts.internal ? ['--internal'] : []), name])).trim();
}

function networkOf(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--(?:network|net)=(.*)$/.exec(a);
    if (m) return m[1]!;
    if (a === '--network' || a === '--net') return args[i + 1] ?? '';
  }
  return null;
}

/** `docker create` (+ `docker start`) of a lab container. Returns its full id. */
export async function createLabContainer(d: LabDocker, spec: LabContainerSpec): Promise<string> {
  const args = spec.args ?? [];
  const net = networkOf(args);
  if (net !== null && net !== 'none' && net !== 'host') throw new Error(`lab containers use --network none (or host, created only, or lab networks via spec.networks), not ${net}`);
  const nets = spec.networks ?? [];
  for (const n of nets) if (!LAB_NETWORK_RE.test(n)) throw new Error(`lab containers use --network none or lab networks (lab-…), not ${n}`);
  if (nets.length && net !== null) throw new Error('give either spec.networks or a --network flag');
  const start = spec.start ?? true;
  if (net === 'host' && start) throw new Error('a --network host container may only be created, not started');
  const netArgs = nets.length ? ['--network', nets[0]!] : net === null ? ['--network', 'none'] : [];
  const id = (await docker(d, ['create', ...netArgs, '--name', spec.name, ...args, spec.image ?? LAB_IMAGE_PINNED, ...(spec.cmd ?? ['sleep', '3600'])])).trim();
  for (const n of nets.slice(1)) await docker(d, ['network', 'connect', n, id]);
  if (start) await docker(d, ['start', id]);
  return id;
}

export interface LabComposeSpec {
  /** Compose project name (lower-case letters, digits, '-', '_'). */
  project: string;
  /** Files of the project dir: at least the compose file. */
  files: Readonly<Record<string, string>>;
  /** Default docker-compose.yml. */
  composeFile?: string;
}

/**
 * Writes a compose project under <dir>/compose/<project>/ and runs `docker-compose -p P up -d`.
 * Every service must use `network_mode: none` and a lab image (no bridge, no pull).
 */
export async function composeUp(d: LabDocker, spec: LabComposeSpec): Promise<{ dir: string; composeFile: string }> {
  if (!COMPOSE) throw new Error('docker-compose is not installed (apt-get install --no-install-recommends docker-compose)');
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(spec.project)) throw new Error(`invalid compose project name ${JSON.stringify(spec.project)}`);
  const composeFile = spec.composeFile ?? 'docker-compose.yml';
  const text = spec.files[composeFile];
  if (text === undefined) throw new Error(`files has no ${composeFile}`);
  const doc = parseYaml(text) as { services?: Record<string, { network_mode?: unknown; image?: unknown }> } | null;
  for (const [svc, def] of Object.entries(doc?.services ?? {})) {
    if (def?.network_mode !== 'none') throw new Error(`compose service ${svc}: lab services need network_mode: none`);
    if (typeof def.image !== 'string' || !(def.image.startsWith('lab/') || def.image.startsWith('sha256:')))
      throw new Error(`compose service ${svc}: use a lab image (lab/busybox:…), nothing is pulled`);
  }
  const dir = join(d.dir, 'compose', spec.project);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(spec.files)) {
    if (file.includes('/') || file === '..' || file === '.') throw new Error(`compose project files must be plain names: ${file}`);
    writeFileSync(join(dir, file), content, { mode: 0o644 });
  }
  const r = await run(COMPOSE, ['-p', spec.project, '-f', composeFile, 'up', '-d', '--no-build'], {
    cwd: dir,
    env: { ...dockerEnv(d), COMPOSE_INTERACTIVE_NO_CLI: '1' },
  });
  if (r.code !== 0) throw new Error(`docker-compose up failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return { dir, composeFile: join(dir, composeFile) };
}
