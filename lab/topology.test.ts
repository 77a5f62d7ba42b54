// Lab topologies (jump chain, WireGuard), driven with the OpenSSH client. Needs root, wireguard-go
// and wireguard-tools; skipped without them unless RAMPART_LAB_REQUIRED=1 (then it fails).

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroyAllLabHosts, labExec, labPrerequisites, regenerateHostKeys, type LabHost } from './lab';
import { procAlive } from './proc';
import { withStaleSweepLock } from './staleSweepLock';
import { createJumpChain, createWireGuardLab, rootRouteDevice, wireGuardPrerequisites, type JumpChain, type WireGuardLab } from './topology';

const LAB_DIR = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(LAB_DIR, '..');
const required = process.env.RAMPART_LAB_REQUIRED === '1';
const labAvailable = labPrerequisites().ok || required;
const wireGuardAvailable = wireGuardPrerequisites().ok || required;

interface Result {
  stdout: string;
  stderr: string;
  code: number;
  ms: number;
}

function exec(file: string, args: readonly string[], opts: { timeoutMs?: number } = {}): Promise<Result> {
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = execFile(file, args, { timeout: opts.timeoutMs ?? 15_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolvePromise({ stdout: String(stdout), stderr: String(stderr), code, ms: Date.now() - started });
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end();
  });
}

/** OpenSSH options for a lab host without a config file (host keys not checked). */
function plainSshOptions(identityFile: string, connectTimeout = 5): string[] {
  return [
    '-F', '/dev/null',
    '-i', identityFile,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'LogLevel=ERROR',
    '-o', `ConnectTimeout=${connectTimeout}`,
  ];
}

function ssh(host: LabHost, command: string, connectTimeout = 5): Promise<Result> {
  return exec('ssh', [...plainSshOptions(host.identityFile, connectTimeout), '-p', String(host.port), `${host.user}@${host.address}`, command]);
}

/** A plain TCP connect from this process: resolves with the error code, or 'connected'. */
function tcpConnect(address: string, port: number, timeoutMs: number): Promise<{ result: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolveConnect) => {
    const sock = connect({ host: address, port });
    const done = (result: string): void => {
      clearTimeout(timer);
      sock.destroy();
      resolveConnect({ result, ms: Date.now() - started });
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    sock.on('connect', () => done('connected'));
    sock.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}


function netnsOf(pid: number | 'self'): string {
  return readlinkSync(`/proc/${pid}/ns/net`);
}

async function listeningSockets(host: LabHost): Promise<string[]> {
  const r = await labExec(host, ['ss', '-Hltn']);
  expect(r.code).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.trim().split(/\s+/)[3] ?? '');
}

async function rootRoutes(): Promise<string> {
  return (await exec('ip', ['-4', 'route', 'show', 'table', 'all'])).stdout;
}

function subnetLocksOf(name: string): string[] {
  const dir = '/run/rampart-lab/subnets';
  try {
    return readdirSync(dir).filter((e) => {
      try {
        return readFileSync(join(dir, e), 'utf8') === name;
      } catch {
        return false;
      }
    });
  } catch {
    return [];
  }
}

async function expectHostGone(host: LabHost): Promise<void> {
  expect(existsSync(`/run/netns/${host.name}`)).toBe(false);
  expect(existsSync(host.etcDir)).toBe(false);
  expect(existsSync(host.stateDir)).toBe(false);
  expect(existsSync(`/run/rampart-lab/hosts/${host.name}.json`)).toBe(false);
  expect(procAlive(host.pid)).toBe(false);
  expect(subnetLocksOf(host.name)).toEqual([]);
}

interface WireGuardFacts {
  server: LabHost;
  clientInterface: string;
  serverInterface: string;
  tunnelSubnet: string;
  clientPid: number;
  serverPid: number;
}

async function expectWireGuardGone(wg: WireGuardFacts): Promise<void> {
  await expectHostGone(wg.server);
  expect(procAlive(wg.clientPid)).toBe(false);
  expect(procAlive(wg.serverPid)).toBe(false);
  expect(existsSync(`/sys/class/net/${wg.clientInterface}`)).toBe(false);
  expect(existsSync(`/run/wireguard/${wg.clientInterface}.sock`)).toBe(false);
  expect(existsSync(`/run/wireguard/${wg.serverInterface}.sock`)).toBe(false);
  expect(await rootRoutes()).not.toContain(wg.tunnelSubnet);
}

async function expectChainGone(hops: readonly LabHost[]): Promise<void> {
  for (const h of hops) await expectHostGone(h);
  const routes = await rootRoutes();
  // The inner links' guard routes: 'unreachable <inner /30>'.
  for (const h of hops.slice(1)) expect(routes).not.toContain(`${h.address.replace(/\d+$/, (d) => String(Number(d) - 2))}/30`);
}


describe.skipIf(!labAvailable)('jump chain (2 hops: bastion + target reachable only through it)', () => {
  let chain: JumpChain;
  beforeAll(async () => {
    chain = await createJumpChain({ hops: 2 });
  });
  afterAll(async () => {
    await chain?.destroy();
  });

  it('wires the target behind the bastion only: no route from here, sshd on the inner address only', async () => {
    const { bastion, target, hops } = chain;
    expect(hops).toEqual([bastion, target]);
    expect(bastion.address).toMatch(/^10\.213\.\d+\.\d+$/);
    expect(target.address).toMatch(/^10\.215\.\d+\.\d+$/);
    for (const h of hops) {
      expect(h).toMatchObject({ port: 22, user: 'root' });
      expect(existsSync(h.identityFile)).toBe(true);
      expect(Object.keys(h.hostKeyFingerprints)).toEqual(['ssh-ed25519']);
    }
    expect(chain.jumpSpec()).toBe(`root@${bastion.address}:22`);

    // From the test process: no route to the inner address, a direct connect fails at once.
    expect(await rootRouteDevice(target.address)).toBeUndefined();
    const direct = await tcpConnect(target.address, target.port, 3_000);
    expect(direct.result).toBe('EHOSTUNREACH');
    const directSsh = await ssh(target, 'true', 2);
    expect(directSsh.code).toBe(255);
    expect(directSsh.stderr).toMatch(/No route to host/);

    // The target has no link to the root namespace and no way back to it.
    const targetLinks = await labExec(target, ['ip', '-o', 'link', 'show']);
    expect(targetLinks.stdout).not.toMatch(/\brn[0-9a-f]{6}\b/);
    expect((await labExec(target, ['ip', 'route', 'get', bastion.address.replace(/\d+$/, (d) => String(Number(d) - 1))])).code).not.toBe(0);
    expect(await listeningSockets(target)).toEqual([`${target.address}:22`]);

    // The bastion reaches it and allows TCP forwarding.
    const fromBastion = await labExec(bastion, ['bash', '--norc', '-c', `exec 3<>/dev/tcp/${target.address}/22 && head -c 4 <&3`], { timeoutMs: 5_000 });
    expect(fromBastion.stdout).toBe('SSH-');
    const bastionCfg = await labExec(bastion, ['/usr/sbin/sshd', '-T', '-f', '/etc/ssh/sshd_config']);
    expect(bastionCfg.stdout).toMatch(/^allowtcpforwarding yes$/m);
    expect(bastionCfg.stdout).toMatch(/^disableforwarding no$/m);
  });

  it('OpenSSH logs in to the target through the bastion: config ProxyJump, -J, ProxyCommand', async () => {
    const { bastion, target } = chain;
    const whoami = 'echo "$SSH_CONNECTION"';
    const proxyCommand = ['ssh', ...plainSshOptions(bastion.identityFile), '-W', '%h:%p', `root@${bastion.address}`].join(' ');
    const [viaConfig, viaJ, viaProxyCommand] = await Promise.all([
      exec('ssh', [...chain.sshArgs(), whoami]),
      exec('ssh', ['-F', chain.sshConfigFile, '-J', chain.jumpSpec(), `root@${target.address}`, whoami]),
      exec('ssh', [...plainSshOptions(target.identityFile), '-o', `ProxyCommand=${proxyCommand}`, `root@${target.address}`, whoami]),
    ]);
    const innerBastionSide = target.address.replace(/\d+$/, (d) => String(Number(d) - 1));
    for (const r of [viaConfig, viaJ, viaProxyCommand]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      // client = the bastion's inner address, server = the target's.
      expect(r.stdout.trim()).toMatch(new RegExp(`^${innerBastionSide.replace(/\./g, '\\.')} \\d+ ${target.address.replace(/\./g, '\\.')} 22$`));
    }
    // The config checks host keys strictly against the chain's known_hosts.
    expect(readFileSync(chain.sshConfigFile, 'utf8')).toMatch(/StrictHostKeyChecking yes/);
    // And the bastion itself, directly.
    expect((await exec('ssh', [...chain.sshArgs(0), 'echo bastion'])).stdout).toBe('bastion\n');
  });

  it('destroy removes both hops, the inner link, its guard route and subnet locks', async () => {
    const hops = [...chain.hops];
    const innerLock = subnetLocksOf(chain.target.name);
    expect(innerLock).toHaveLength(1);
    expect(await rootRoutes()).toContain(`unreachable ${innerLock[0]}/30`);
    await chain.destroy();
    await chain.destroy(); // idempotent
    await expectChainGone(hops);
    expect(await rootRoutes()).not.toContain(`${innerLock[0]}/30`);
  });
});

describe.skipIf(!wireGuardAvailable)('WireGuard lab (wireguard-go in the root namespace and in the server)', () => {
  let wg: WireGuardLab;
  beforeAll(async () => {
    wg = await createWireGuardLab();
  });
  afterAll(async () => {
    await wg?.destroy();
  });

  it('routes the tunnel address via the client interface, handshakes, and sshd answers only there', async () => {
    expect(wg.clientInterface).toMatch(/^rmpwg[0-9a-f]{6}$/);
    expect(wg.clientInterface.length).toBeLessThanOrEqual(15);
    expect(wg.tunnelSubnet).toMatch(/^10\.216\.\d+\.\d+\/30$/);
    expect(wg.server.address).toBe(wg.tunnelSubnet.replace(/\d+\/30$/, (d) => String(Number(d.slice(0, -3)) + 2)));
    expect(wg.state()).toBe('up');

    const route = JSON.parse((await exec('ip', ['-j', 'route', 'get', wg.server.address])).stdout) as Array<{ dev: string }>;
    expect(route[0]?.dev).toBe(wg.clientInterface);
    const hs = await exec('wg', ['show', wg.clientInterface, 'latest-handshakes']);
    const ts = Number(hs.stdout.trim().split(/\s+/)[1]);
    expect(Math.abs(Date.now() / 1000 - ts)).toBeLessThan(30);

    const login = await ssh(wg.server, 'echo "$SSH_CONNECTION"');
    expect(login).toMatchObject({ code: 0, stderr: '' });
    expect(login.stdout.trim().split(' ')).toEqual([wg.clientAddress, expect.stringMatching(/^\d+$/), wg.server.address, '22']);

    // Only the tunnel address: not the server's veth address (the WireGuard endpoint).
    expect(await listeningSockets(wg.server)).toEqual([`${wg.server.address}:22`]);
    const underlay = wg.serverEndpoint.split(':')[0] ?? '';
    expect((await tcpConnect(underlay, 22, 3_000)).result).toBe('ECONNREFUSED');

    // The two wireguard-go processes: one here, one in the server's namespace.
    expect(readFileSync(`/proc/${wg.clientPid}/cmdline`, 'utf8').split('\0')).toEqual([expect.stringMatching(/(^|\/)wireguard-go$/), '-f', wg.clientInterface, '']);
    expect(netnsOf(wg.clientPid)).toBe(netnsOf('self'));
    expect(netnsOf(wg.serverPid)).not.toBe(netnsOf('self'));
    expect(netnsOf(wg.serverPid)).toBe(netnsOf(wg.server.pid));
  });

  // Well under wireguard-go's 5 s REKEY_TIMEOUT (what a refused handshake would cost), with room
  // for a loaded two-core CI machine: typically 0.1–0.3 s.
  const WG_UP_LIMIT_MS = 4_000;
  it('down: ssh fails fast (link down, or no handshake); up: handshake well before the 5 s rekey wait and ssh works again', async () => {
    // VPN switched off: no route to the tunnel, fails at once.
    await wg.down();
    expect(wg.state()).toBe('link-down');
    expect(await rootRouteDevice(wg.server.address)).toBeUndefined();
    expect(await wg.latestHandshake()).toBe(0);
    const off = await ssh(wg.server, 'true', 2);
    expect(off.code).toBe(255);
    expect(off.stderr).toMatch(/No route to host/);
    expect(off.ms).toBeLessThan(1_900); // ssh's ConnectTimeout is 2 s: no route fails before it

    let started = Date.now();
    await wg.up();
    expect(Date.now() - started).toBeLessThan(WG_UP_LIMIT_MS);
    expect(await wg.latestHandshake()).toBeGreaterThanOrEqual(Math.floor(started / 1000) - 1);
    expect((await ssh(wg.server, 'echo back')).stdout).toBe('back\n');

    // Route still there, but the server no longer accepts the client: handshakes never complete.
    await wg.down('no-handshake');
    expect(wg.state()).toBe('no-handshake');
    expect(await rootRouteDevice(wg.server.address)).toBe(wg.clientInterface);
    const stalled = await ssh(wg.server, 'true', 1);
    expect(stalled.code).toBe(255);
    expect(stalled.stderr).toMatch(/timed out/i);
    expect(stalled.ms).toBeLessThan(3_000);
    expect(await wg.latestHandshake()).toBe(0);

    started = Date.now();
    await wg.up();
    expect(Date.now() - started).toBeLessThan(WG_UP_LIMIT_MS);
    expect(await wg.latestHandshake()).toBeGreaterThan(0);
    expect((await ssh(wg.server, 'echo again')).stdout).toBe('again\n');
  });

  it('regenerateHostKeys restarts sshd but leaves the tunnel running', async () => {
    const renewed = await regenerateHostKeys(wg.server);
    expect(renewed.address).toBe(wg.server.address);
    expect(renewed.hostKeyFingerprints).not.toEqual(wg.server.hostKeyFingerprints);
    expect(procAlive(wg.clientPid) && procAlive(wg.serverPid)).toBe(true);
    expect((await ssh(renewed, 'echo renewed')).stdout).toBe('renewed\n');
  });

  it('destroy kills both wireguard-go processes, deletes the interface, routes, sockets and the server', async () => {
    const facts: WireGuardFacts = { ...wg };
    await wg.destroy();
    await wg.destroy(); // idempotent
    await expectWireGuardGone(facts);
  });
});

describe.skipIf(!wireGuardAvailable)('topology cleanup when the creating process ends', () => {
  let scriptDir = '';
  let script = '';
  beforeAll(() => {
    scriptDir = mkdtempSync(join(tmpdir(), 'rampart-topology-child-'));
    script = join(scriptDir, 'child.mts');
    writeFileSync(
      script,
      `import { createJumpChain, createWireGuardLab } from ${JSON.stringify(pathToFileURL(join(LAB_DIR, 'topology.ts')).href)};
const [chain, wg] = await Promise.all([createJumpChain({ hops: 2 }), createWireGuardLab()]);
const { server, clientInterface, serverInterface, tunnelSubnet, clientPid, serverPid } = wg;
process.stdout.write(JSON.stringify({ hops: chain.hops, wg: { server, clientInterface, serverInterface, tunnelSubnet, clientPid, serverPid } }) + '\\n');
if (process.argv[2] === 'exit') process.exit(0);
setInterval(() => {}, 1000);
`,
    );
  });
  afterAll(() => rmSync(scriptDir, { recursive: true, force: true }));

  async function startChild(mode: 'exit' | 'wait'): Promise<{ hops: LabHost[]; wg: WireGuardFacts; kill: () => void; ended: Promise<unknown> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', script, mode], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    const ended = new Promise((r) => child.on('close', (code, signal) => r({ code, signal })));
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const facts = await new Promise<{ hops: LabHost[]; wg: WireGuardFacts }>((resolveFacts, reject) => {
      const timer = setTimeout(() => reject(new Error(`child printed nothing: ${err}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          resolveFacts(JSON.parse(out.slice(0, nl)) as { hops: LabHost[]; wg: WireGuardFacts });
        }
      });
      void ended.then(() => reject(new Error(`child ended early: ${err}`)));
    });
    return { ...facts, kill: () => child.kill('SIGKILL'), ended };
  }

  it.concurrent('normal exit: the exit hooks remove chain, tunnel and both wireguard-go processes', async () => {
    const { hops, wg, ended } = await startChild('exit');
    await ended;
    await expectChainGone(hops);
    await expectWireGuardGone(wg);
  });

  it.concurrent('SIGKILL leaves them stale; destroyAllLabHosts({ staleOnly }) removes all of it', async () => {
    await withStaleSweepLock(async () => {
      const { hops, wg, kill, ended } = await startChild('wait');
      kill();
      await ended;
      expect(procAlive(wg.clientPid)).toBe(true); // the root-namespace wireguard-go outlived its creator
      expect(existsSync(`/sys/class/net/${wg.clientInterface}`)).toBe(true);
      await destroyAllLabHosts({ staleOnly: true });
      await expectChainGone(hops);
      await expectWireGuardGone(wg);
    });
  });
});

describe.skipIf(!wireGuardAvailable)('npm run lab -- up jump-chain | wireguard (lab/cli.ts)', () => {
  const cli = (...args: string[]): Promise<Result> =>
    exec(process.execPath, ['--import', 'tsx', join(LAB_DIR, 'cli.ts'), ...args], { timeoutMs: 30_000 });

  it('prints connection instructions that work as printed; down removes everything', async () => {
    const [chainUp, wgUp, badHops] = await Promise.all([cli('up', 'jump-chain', '--hops', '3'), cli('up', 'wireguard', '--json'), cli('up', 'jump-chain', '--hops', '9')]);
    expect(badHops).toMatchObject({ code: 2, stderr: expect.stringContaining('--hops must be 1..8') });
    expect(chainUp).toMatchObject({ code: 0, stderr: '' });
    expect(wgUp).toMatchObject({ code: 0, stderr: '' });
    const names = /npm run lab -- down ((?:rmp-[0-9a-f]{6} ?)+)/.exec(chainUp.stdout)?.[1]?.trim().split(' ') ?? [];
    expect(names).toHaveLength(3);
    const hops = names.map((n) => JSON.parse(readFileSync(`/run/rampart-lab/hosts/${n}.json`, 'utf8')) as LabHost);
    const wg = JSON.parse(wgUp.stdout) as WireGuardFacts;
    try {
      // Both printed `ssh -F …` lines reach the third host through the first two.
      const sshLines = chainUp.stdout.split('\n').filter((l) => l.trim().startsWith('ssh -F '));
      expect(sshLines).toHaveLength(2);
      const logins = await Promise.all(sshLines.map((l) => exec('ssh', [...l.trim().split(/\s+/).slice(1), 'echo "$SSH_CONNECTION"'])));
      for (const r of logins) {
        expect(r).toMatchObject({ code: 0, stderr: '' });
        expect(r.stdout.trim().split(' ')[2]).toBe(hops[2]?.address);
      }
      // The CLI process is gone; the tunnel (root-namespace wireguard-go) keeps running.
      expect(procAlive(wg.clientPid)).toBe(true);
      expect((await ssh(wg.server, 'echo tunnel')).stdout).toBe('tunnel\n');
    } finally {
      const down = await cli('down', ...names, wg.server.name);
      expect(down.code).toBe(0);
    }
    await expectChainGone(hops);
    await expectWireGuardGone(wg);
  });
});
