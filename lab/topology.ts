// Rampart lab topologies: lab hosts wired so that the connection layer can be tested against
// realistic paths. Linux + root only, like lab/lab.ts (which these build on).
//
// Jump chain (`createJumpChain({ hops: n })`):
//
//   root ns ──veth 10.213.a.b/30── hops[0] (bastion) ──veth 10.215.c.d/30── hops[1] ── … ── hops[n-1]
//
//   - hops[0] is an ordinary lab host reachable from the root namespace (its `address` is its
//     10.213 address); every later hop is a namespace WITHOUT a link to the root namespace, joined to
//     the previous hop by its own veth pair on a /30 from 10.215.0.0/16, and its sshd listens ONLY on
//     that inner address (`ListenAddress`). So hops[i].address is the address as seen from hops[i-1].
//   - Every hop except the last runs with `AllowTcpForwarding yes` (the hardened scenario does not
//     set it, so it would be yes anyway; it is explicit here so scenarios can't turn it off).
//   - The root namespace has no route to the inner links. To keep the Network rule (never send
//     anything off the machine), each inner /30 gets an `unreachable` route in the root namespace,
//     so a direct connect fails at once with EHOSTUNREACH instead of following the default route.
//   - OpenSSH's `-J` starts the jump `ssh` with only -l/-p/-F/-v: -i and -o options are NOT passed
//     on. Use the generated ssh_config (`chain.sshConfigFile`, passed on by -F):
//       ssh -F <sshConfigFile> <target name>                 (ProxyJump chain from the config)
//       ssh -F <sshConfigFile> -J root@<bastion> root@<target address>
//     or a ProxyCommand that carries the options: `-o ProxyCommand="ssh -i KEY … -W %h:%p root@BASTION"`.
//
// WireGuard (`createWireGuardLab()`):
//
//   root ns: rmpwg<hex> (wireguard-go, 10.216.x.1/30) ══ UDP over the server's 10.213 veth ══
//   server ns: rmpws<hex> (wireguard-go, 10.216.x.2/30, listen port 51820), sshd ListenAddress 10.216.x.2
//
//   - Both interfaces are userspace wireguard-go (no kernel WireGuard needed), started with `-f`
//     (foreground) so their pids are known. The root one and both UAPI sockets
//     (/run/wireguard/<if>.sock) are attachments of the server lab host: destroyLabHost(server), the
//     exit hooks and destroyAllLabHosts({ staleOnly }) kill exactly those pids (checked by start time and
//     cmdline) and delete the root interface, the guard route and the sockets.
//   - A lower-priority `unreachable` route for the tunnel /30 (metric 4096) sits behind the
//     interface's connected route: when the interface is down, traffic to the tunnel fails at once
//     instead of leaving through the default route.
//
// Network rule: everything here talks only to addresses of namespaces it created.

import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createLabHost,
  destroyLabHost,
  labPrerequisites,
  probeSsh,
  type CreateLabHostOptions,
  type LabHost,
  type LabNetworkContext,
  type LabScenario,
} from './lab';
import { errorMessage, firstExisting, mustRun, runCommand, sleep, type RunOptions, type RunResult } from './proc';

// ---------------------------------------------------------------------------------------------
// Small helpers

const IP = firstExisting(['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip']) ?? 'ip';
const WG = firstExisting(['/usr/bin/wg', '/usr/local/bin/wg']) ?? 'wg';
const WIREGUARD_GO = firstExisting(['/usr/bin/wireguard-go', '/usr/local/bin/wireguard-go']) ?? 'wireguard-go';
const WIREGUARD_RUN_DIR = '/run/wireguard';
const WG_SERVER_PORT = 51820;
/** Metric of the tunnel's guard route: far behind the interface's connected route (metric 0). */
const TUNNEL_GUARD_METRIC = 4096;
const MAX_HOPS = 8;


// Commands here are short (ip, wg): 15 s is plenty.
const run = (file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> => runCommand(file, args, { timeoutMs: 15_000, ...opts });
const must = (file: string, args: readonly string[], opts: RunOptions = {}): Promise<string> => mustRun(file, args, { timeoutMs: 15_000, ...opts });

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (err: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a rejection nobody waits for is not an unhandled one
  return { promise, resolve, reject };
}

function configValue(path: string): string {
  if (/["\n\r]/.test(path)) throw new Error(`unsupported character in ssh_config value: ${path}`);
  return /\s/.test(path) ? `"${path}"` : path;
}

async function destroyAll(hosts: readonly LabHost[]): Promise<void> {
  // Deepest first (not required: each host's teardown is independent).
  const results = await Promise.allSettled([...hosts].reverse().map((h) => destroyLabHost(h)));
  const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => errorMessage(r.reason));
  if (errors.length > 0) throw new Error(`could not destroy every lab host:\n${errors.join('\n')}`);
}

/** The route the root namespace would use for `address`: its device, or undefined (no route / unreachable). */
export async function rootRouteDevice(address: string): Promise<string | undefined> {
  const r = await run(IP, ['-j', 'route', 'get', address], { timeoutMs: 5_000 });
  if (r.code !== 0) return undefined;
  try {
    const routes = JSON.parse(r.stdout) as Array<{ dev?: string; type?: string }>;
    const first = routes[0];
    return first && (first.type === undefined || first.type === 'unicast') ? first.dev : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Jump chain

export interface JumpChainOptions {
  /**
   * Number of SSH hosts in the chain, bastion included (1..8): 1 = a bastion alone, 2 = bastion +
   * target (`ssh -J bastion target`), 3 = bastion + middle hop + target.
   */
  hops: number;
  /** Scenario of every hop (default 'hardened'). */
  scenario?: LabScenario;
  /** As in CreateLabHostOptions (keep the hosts after this process exits; default false). */
  persistent?: boolean;
  /** As in CreateLabHostOptions. */
  baseDir?: string;
  /** More setup of the target (last hop) before its sshd starts, e.g. its own /etc/ufw. */
  targetSetup?: (ctx: LabNetworkContext) => Promise<void>;
}

export interface JumpChain {
  /**
   * [bastion, …, target]. hops[0].address is reachable from the root namespace; hops[i].address
   * (i > 0) is the hop's inner address, reachable only from hops[i-1]. port/user/identityFile/
   * hostKeyFingerprints are those of each hop's own sshd.
   */
  hops: LabHost[];
  /** hops[0] */
  bastion: LabHost;
  /** hops[hops.length - 1] */
  target: LabHost;
  /**
   * ssh_config with a `Host <name> <address>` block per hop: HostName, Port, User, IdentityFile,
   * IdentitiesOnly, BatchMode, strict checking against `knownHostsFile`, and `ProxyJump <previous
   * hop's name>` for every hop after the bastion.
   */
  sshConfigFile: string;
  /** known_hosts with every hop's host keys under the address it is reached at. */
  knownHostsFile: string;
  /** OpenSSH argv (without the remote command) to log in to hops[hop] (default: target) through the chain. */
  sshArgs(hop?: number): string[];
  /** The `-J` value for reaching hops[hop] (default: target): 'root@10.213.1.2:22,root@10.215.3.6:22'. */
  jumpSpec(hop?: number): string;
  /** Destroys every hop (idempotent). */
  destroy(): Promise<void>;
}

/** Wires `ctx`'s namespace (no root link) to the previous hop's namespace; returns the inner address. */
async function linkToPreviousHop(ctx: LabNetworkContext, previous: string): Promise<{ address: string }> {
  const subnet = await ctx.reserveSubnet('link');
  // Guard route first: the root namespace must never route the inner /30 anywhere else.
  ctx.attach({ rootRoutes: [{ type: 'unreachable', prefix: subnet.cidr }] });
  await must(IP, ['route', 'add', 'unreachable', subnet.cidr]);
  const id = randomBytes(3).toString('hex');
  const down = `jd${id}`; // in the previous hop, towards this one
  const up = `ju${id}`; // in this hop, towards the previous one
  // Both ends live in lab namespaces: the pair disappears with either of them.
  await must(IP, ['-n', ctx.name, 'link', 'add', up, 'type', 'veth', 'peer', 'name', down, 'netns', previous]);
  await must(IP, ['-n', previous, '-batch', '-'], { input: `addr add ${subnet.first}/30 dev ${down}\nlink set ${down} up\n` });
  await must(IP, ['-n', ctx.name, '-batch', '-'], { input: `addr add ${subnet.second}/30 dev ${up}\nlink set ${up} up\n` });
  return { address: subnet.second };
}

function chainSshConfig(hops: readonly LabHost[], knownHostsFile: string): string {
  const blocks = hops.map((h, i) => {
    const lines = [
      `# hop ${i}${i === 0 ? ' (bastion, reachable from the root namespace)' : ` (only reachable from ${hops[i - 1]?.name})`}`,
      `Host ${h.name} ${h.address}`,
      `  HostName ${h.address}`,
      `  Port ${h.port}`,
      `  User ${h.user}`,
      `  IdentityFile ${configValue(h.identityFile)}`,
      '  IdentitiesOnly yes',
      '  BatchMode yes',
      '  StrictHostKeyChecking yes',
      `  UserKnownHostsFile ${configValue(knownHostsFile)}`,
      '  GlobalKnownHostsFile /dev/null',
      '  ConnectTimeout 5',
      '  LogLevel ERROR',
    ];
    if (i > 0) lines.push(`  ProxyJump ${hops[i - 1]?.name}`);
    return lines.join('\n');
  });
  return `# Generated by Rampart's lab (lab/topology.ts): jump chain ${hops.map((h) => h.name).join(' -> ')}\n\n${blocks.join('\n\n')}\n`;
}

/**
 * Creates a chain of lab hosts where each host after the first is reachable only through the
 * previous one. Resolves when every sshd listens; on failure, whatever was created is destroyed.
 */
export async function createJumpChain(opts: JumpChainOptions): Promise<JumpChain> {
  const n = opts.hops;
  if (!Number.isInteger(n) || n < 1 || n > MAX_HOPS) throw new Error(`createJumpChain: hops must be an integer 1..${MAX_HOPS}, got ${n}`);
  const scenario = opts.scenario ?? 'hardened';
  // Hop i's setup needs hop i-1's namespace: each hop announces its namespace name as soon as it
  // exists, so all hops are created concurrently (key generation, sshd starts).
  const nsReady = Array.from({ length: n }, () => deferred<string>());
  const creations = Array.from({ length: n }, (_, i) => {
    const last = i === n - 1;
    const options: CreateLabHostOptions = {
      scenario,
      persistent: opts.persistent,
      baseDir: opts.baseDir,
      sshdExtraConfig: last ? undefined : 'AllowTcpForwarding yes',
      network:
        i === 0
          ? {
              setup: async (ctx) => {
                nsReady[0]?.resolve(ctx.name);
              },
            }
          : {
              rootLink: false,
              setup: async (ctx) => {
                nsReady[i]?.resolve(ctx.name);
                const previous = await (nsReady[i - 1] as Deferred<string>).promise;
                if (last) await opts.targetSetup?.(ctx);
                return linkToPreviousHop(ctx, previous);
              },
            },
    };
    return createLabHost(options).catch((err: unknown) => {
      nsReady[i]?.reject(err);
      throw err;
    });
  });
  const settled = await Promise.allSettled(creations);
  const hops = settled.filter((r): r is PromiseFulfilledResult<LabHost> => r.status === 'fulfilled').map((r) => r.value);
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure || hops.length !== n) {
    await destroyAll(hops).catch(() => {});
    throw failure?.reason instanceof Error ? failure.reason : new Error(`createJumpChain failed: ${String(failure?.reason)}`);
  }

  const bastion = hops[0] as LabHost;
  const target = hops[n - 1] as LabHost;
  const dir = join(bastion.stateDir, 'chain');
  const knownHostsFile = join(dir, 'known_hosts');
  const sshConfigFile = join(dir, 'ssh_config');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const knownHosts = hops.map((h) => readFileSync(join(h.stateDir, 'known_hosts'), 'utf8').trimEnd()).join('\n');
    writeFileSync(knownHostsFile, `${knownHosts}\n`, { mode: 0o600 });
    writeFileSync(sshConfigFile, chainSshConfig(hops, knownHostsFile), { mode: 0o600 });
  } catch (err) {
    await destroyAll(hops).catch(() => {});
    throw err;
  }

  const hopIndex = (hop: number | undefined): number => {
    const i = hop ?? n - 1;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`hop index ${i} out of range 0..${n - 1}`);
    return i;
  };
  return {
    hops,
    bastion,
    target,
    sshConfigFile,
    knownHostsFile,
    sshArgs: (hop) => ['-F', sshConfigFile, (hops[hopIndex(hop)] as LabHost).name],
    jumpSpec: (hop) =>
      hops
        .slice(0, hopIndex(hop))
        .map((h) => `${h.user}@${h.address}:${h.port}`)
        .join(','),
    destroy: () => destroyAll(hops),
  };
}

// ---------------------------------------------------------------------------------------------
// WireGuard

export type WireGuardDownMode = 'link-down' | 'no-handshake';

export interface WireGuardLabOptions {
  /** Scenario of the server (default 'hardened'). */
  scenario?: LabScenario;
  /** As in CreateLabHostOptions (keep everything after this process exits; default false). */
  persistent?: boolean;
  /** As in CreateLabHostOptions. */
  baseDir?: string;
}

export interface WireGuardLab {
  /** The server; `address` is its tunnel address (10.216.x.2), the only address its sshd listens on. */
  server: LabHost;
  /** wireguard-go interface in the root (this process's) namespace, 'rmpwg' + 6 hex. */
  clientInterface: string;
  /** Root side of the tunnel (10.216.x.1). */
  clientAddress: string;
  /** wireguard-go interface inside the server's namespace, 'rmpws' + 6 hex. */
  serverInterface: string;
  /** '10.216.x.y/30' */
  tunnelSubnet: string;
  /** The server's WireGuard endpoint over its veth, '10.213.a.b:51820'. */
  serverEndpoint: string;
  /** Pids of the two wireguard-go processes (root namespace / server namespace). */
  clientPid: number;
  serverPid: number;
  /** 'up', or how the tunnel was taken down. */
  state(): 'up' | WireGuardDownMode;
  /**
   * Brings the tunnel (back) up and resolves once a fresh handshake completed and the server's sshd
   * answers through the tunnel (well under 1 s here); rejects after 5 s.
   */
  up(): Promise<void>;
  /**
   * Takes the tunnel down. In both modes the client's session is dropped (latest handshake 0).
   *  - 'link-down' (default): `ip link set dev <clientInterface> down`, as when the VPN is switched
   *    off: the tunnel route goes away and connecting fails at once (EHOSTUNREACH, "No route to host").
   *  - 'no-handshake': the interface and its route stay, but the server no longer knows the client's
   *    key, so handshakes never complete and packets are silently dropped: connecting times out, as
   *    when the VPN server is unreachable.
   */
  down(mode?: WireGuardDownMode): Promise<void>;
  /** Unix seconds of the client's latest handshake with the server, 0 if none. */
  latestHandshake(): Promise<number>;
  /** Destroys server, tunnel, both wireguard-go processes, routes (idempotent). */
  destroy(): Promise<void>;
}

export function wireGuardPrerequisites(): { ok: true } | { ok: false; reason: string } {
  const missing: string[] = [];
  const lab = labPrerequisites();
  if (!lab.ok) missing.push(lab.reason.replace(/^missing: /, ''));
  if (!existsSync(WIREGUARD_GO)) missing.push('wireguard-go (apt-get install --no-install-recommends wireguard-go)');
  if (!existsSync(WG)) missing.push('wg (apt-get install --no-install-recommends wireguard-tools)');
  if (!existsSync('/dev/net/tun')) missing.push('/dev/net/tun (the tun driver)');
  return missing.length === 0 ? { ok: true } : { ok: false, reason: `missing: ${missing.join('; ')}` };
}

/** A WireGuard key pair as base64 (Curve25519, as `wg genkey | wg pubkey` makes). */
function wireGuardKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync('x25519');
  const jwk = privateKey.export({ format: 'jwk' });
  if (!jwk.d || !jwk.x) throw new Error('x25519 key export failed');
  return {
    privateKey: Buffer.from(jwk.d, 'base64url').toString('base64'),
    publicKey: Buffer.from(jwk.x, 'base64url').toString('base64'),
  };
}

const wireGuardChildren = new Set<ChildProcess>();

/** Starts `[ip netns exec NS] wireguard-go -f IF` detached, logging to `logFile`; returns its pid. */
function spawnWireGuardGo(netns: string | undefined, ifname: string, logFile: string): { pid: number; child: ChildProcess } {
  const fd = openSync(logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    const argv = ['-f', ifname];
    // `ip netns exec` execs the command, so the pid is wireguard-go's either way.
    child = netns
      ? spawn(IP, ['netns', 'exec', netns, WIREGUARD_GO, ...argv], { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, LOG_LEVEL: 'verbose' } })
      : spawn(WIREGUARD_GO, argv, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, LOG_LEVEL: 'verbose' } });
  } finally {
    closeSync(fd);
  }
  if (!child.pid) throw new Error(`could not start wireguard-go for ${ifname}`);
  // Keep the handle so Node reaps the process when it ends; unref so it never keeps us alive.
  wireGuardChildren.add(child);
  child.on('exit', () => wireGuardChildren.delete(child));
  child.on('error', () => wireGuardChildren.delete(child));
  child.unref();
  return { pid: child.pid, child };
}

async function waitForUapi(ifname: string, child: ChildProcess, logFile: string): Promise<void> {
  const sock = join(WIREGUARD_RUN_DIR, `${ifname}.sock`);
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (existsSync(sock)) return;
    await sleep(10);
  }
  let log = '';
  try {
    log = readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n');
  } catch {
    /* none */
  }
  throw new Error(`wireguard-go for ${ifname} did not create ${sock}${child.exitCode !== null ? ` (exited ${child.exitCode})` : ''}: ${log}`);
}

/**
 * Creates a server lab host whose sshd listens only on its WireGuard tunnel address, and the
 * client side of the tunnel in this process's (root) namespace. Resolves with the tunnel up and a
 * completed handshake.
 */
export async function createWireGuardLab(opts: WireGuardLabOptions = {}): Promise<WireGuardLab> {
  const pre = wireGuardPrerequisites();
  if (!pre.ok) throw new Error(`WireGuard lab unavailable: ${pre.reason}`);
  const id = randomBytes(3).toString('hex');
  const clientIf = `rmpwg${id}`;
  const serverIf = `rmpws${id}`;
  const clientKeys = wireGuardKeyPair();
  const serverKeys = wireGuardKeyPair();
  let wired: { tunnel: string; clientAddress: string; serverAddress: string; endpoint: string; clientPid: number; serverPid: number } | undefined;

  const server = await createLabHost({
    scenario: opts.scenario ?? 'hardened',
    persistent: opts.persistent,
    baseDir: opts.baseDir,
    network: {
      setup: async (ctx) => {
        const link = ctx.rootLink;
        if (!link) throw new Error('WireGuard server needs its root link');
        const tunnel = await ctx.reserveSubnet('tunnel');
        const dir = join(ctx.stateDir, 'wireguard');
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const clientKeyFile = join(dir, 'client.key');
        const serverKeyFile = join(dir, 'server.key');
        writeFileSync(clientKeyFile, `${clientKeys.privateKey}\n`, { mode: 0o600 });
        writeFileSync(serverKeyFile, `${serverKeys.privateKey}\n`, { mode: 0o600 });

        // Record everything outside the namespace before creating it.
        ctx.attach({
          rootLinks: [clientIf],
          rootRoutes: [{ type: 'unreachable', prefix: tunnel.cidr, metric: TUNNEL_GUARD_METRIC }],
          wireguardInterfaces: [clientIf, serverIf],
        });
        await must(IP, ['route', 'add', 'unreachable', tunnel.cidr, 'metric', String(TUNNEL_GUARD_METRIC)]);

        // The server's wireguard-go runs inside the namespace (so it is one of the host's processes
        // anyway); attaching it keeps it running across regenerateHostKeys' sshd restart.
        const srv = spawnWireGuardGo(ctx.name, serverIf, join(dir, 'server.log'));
        ctx.attach({ processes: [{ pid: srv.pid, cmdline: `wireguard-go -f ${serverIf}` }] });
        const cli = spawnWireGuardGo(undefined, clientIf, join(dir, 'client.log'));
        ctx.attach({ processes: [{ pid: cli.pid, cmdline: `wireguard-go -f ${clientIf}` }] });
        await Promise.all([waitForUapi(serverIf, srv.child, join(dir, 'server.log')), waitForUapi(clientIf, cli.child, join(dir, 'client.log'))]);

        const endpoint = `${link.hostAddress}:${WG_SERVER_PORT}`;
        await Promise.all([
          (async () => {
            await must(IP, ['netns', 'exec', ctx.name, WG, 'set', serverIf, 'private-key', serverKeyFile, 'listen-port', String(WG_SERVER_PORT),
              'peer', clientKeys.publicKey, 'allowed-ips', `${tunnel.first}/32`]);
            await must(IP, ['-n', ctx.name, '-batch', '-'], { input: `addr add ${tunnel.second}/30 dev ${serverIf}\nlink set ${serverIf} up\n` });
          })(),
          (async () => {
            await must(WG, ['set', clientIf, 'private-key', clientKeyFile, 'peer', serverKeys.publicKey, 'allowed-ips', `${tunnel.second}/32`, 'endpoint', endpoint]);
            await must(IP, ['-batch', '-'], { input: `addr add ${tunnel.first}/30 dev ${clientIf}\nlink set ${clientIf} up\n` });
          })(),
        ]);
        wired = { tunnel: tunnel.cidr, clientAddress: tunnel.first, serverAddress: tunnel.second, endpoint, clientPid: cli.pid, serverPid: srv.pid };
        return { address: tunnel.second };
      },
    },
  });
  if (!wired) {
    await destroyLabHost(server).catch(() => {});
    throw new Error('WireGuard lab: network setup did not run');
  }
  const w = wired;
  let state: 'up' | WireGuardDownMode = 'up';

  const latestHandshake = async (): Promise<number> => {
    const out = await must(WG, ['show', clientIf, 'latest-handshakes'], { timeoutMs: 5_000 });
    return Math.max(0, ...out.split('\n').map((l) => Number(l.trim().split(/\s+/)[1] ?? 0) || 0));
  };
  const clientPeerArgs = ['peer', serverKeys.publicKey, 'allowed-ips', `${w.serverAddress}/32`, 'endpoint', w.endpoint];
  /** Removes and re-adds the client's peer: drops its sessions, latest handshake back to 0. */
  const resetClientPeer = async (): Promise<void> => {
    await must(WG, ['set', clientIf, 'peer', serverKeys.publicKey, 'remove']);
    await must(WG, ['set', clientIf, ...clientPeerArgs]);
  };
  const serverWg = (args: string[]): Promise<string> => must(IP, ['netns', 'exec', server.name, WG, 'set', serverIf, ...args]);

  const restore = async (): Promise<void> => {
    if (state === 'up') return;
    if (state === 'link-down') await must(IP, ['link', 'set', 'dev', clientIf, 'up']);
    if (state === 'no-handshake') await serverWg(['peer', clientKeys.publicKey, 'allowed-ips', `${w.clientAddress}/32`]);
    // A handshake attempted while down (and refused) makes wireguard-go wait REKEY_TIMEOUT (5 s)
    // before the next one: a fresh peer starts one with the first packet.
    await resetClientPeer();
    state = 'up';
  };

  const up = async (): Promise<void> => {
    await restore();
    // Network rule: only probe when the root namespace routes the address into our tunnel.
    const dev = await rootRouteDevice(server.address);
    if (dev !== clientIf) throw new Error(`WireGuard lab: ${server.address} is routed via ${dev ?? 'nothing'}, not ${clientIf}`);
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      // The probe's SYN makes wireguard-go start the handshake.
      if ((await probeSsh(server.address, server.port, Math.max(100, Math.min(1_000, deadline - Date.now())))) && (await latestHandshake()) > 0) return;
      await sleep(20);
    }
    throw new Error(`WireGuard lab: no handshake / no sshd banner through ${clientIf} within 5 s (logs in ${join(server.stateDir, 'wireguard')})`);
  };

  const down = async (mode: WireGuardDownMode = 'link-down'): Promise<void> => {
    if (mode !== 'link-down' && mode !== 'no-handshake') throw new Error(`unknown WireGuard down mode ${JSON.stringify(mode)}`);
    if (state === mode) return;
    if (state !== 'up') await restore();
    if (mode === 'link-down') await must(IP, ['link', 'set', 'dev', clientIf, 'down']);
    else await serverWg(['peer', clientKeys.publicKey, 'remove']);
    await resetClientPeer();
    state = mode;
  };

  const lab: WireGuardLab = {
    server,
    clientInterface: clientIf,
    clientAddress: w.clientAddress,
    serverInterface: serverIf,
    tunnelSubnet: w.tunnel,
    serverEndpoint: w.endpoint,
    clientPid: w.clientPid,
    serverPid: w.serverPid,
    state: () => state,
    up,
    down,
    latestHandshake,
    destroy: () => destroyLabHost(server),
  };
  try {
    await up();
  } catch (err) {
    await destroyLabHost(server).catch(() => {});
    throw err;
  }
  return lab;
}
