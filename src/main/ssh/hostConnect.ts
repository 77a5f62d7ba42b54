// Connecting to a host from its profile: VPN preflight for the first hop, then every hop of the
// jump chain in order (each through the previous one's forwardOut), each with its own pinned key
// and its own credentials, the key always verified before any credential is offered.
import net from 'node:net';
import type { Host } from '../../shared/domain';
import { RampartError, type IpcError } from '../../shared/errors';
import type { SecretStore } from '../secrets/secretStore';
import type { Store } from '../store/store';
import { assertVpnUp, inspectVpn, type PreflightOptions, type VpnState } from '../vpn/preflight';
import { getSudoPassword, resolveCredentials } from './auth';
import { walkChain } from './chain';
import { connect, probeHostKey, type HostKeyPolicy, type PresentedKey, type SshConnection } from './connection';
import { execPrivileged } from './sudo';

export interface ConnectDeps {
  store: Store;
  secrets: SecretStore;
  env?: NodeJS.ProcessEnv;
  preflight?: PreflightOptions;
}

export interface HostConnectOptions {
  signal?: AbortSignal | undefined;
  /** Pin keys seen for the first time (after the user accepted them). Never replaces a pin. */
  acceptNewHostKey?: boolean | undefined;
  readyTimeoutMs?: number | undefined;
  keepaliveIntervalMs?: number | undefined;
  keepaliveCountMax?: number | undefined;
}

function policyFor(deps: ConnectDeps, hop: Host, opts: HostConnectOptions): HostKeyPolicy {
  const pin = deps.store.getPin(hop.address, hop.port);
  if (pin) return { kind: 'pinned', pin };
  if (opts.acceptNewHostKey)
    return { kind: 'accept-new', onAccept: (k: PresentedKey) => deps.store.pinKey(hop.address, hop.port, k.keyType, k.fingerprint, false) };
  throw new RampartError(
    'HOST_KEY_UNKNOWN',
    `No host key is pinned for "${hop.name}" (${hop.address}:${hop.port}). Check its fingerprint and accept it first (Connect in the app).`,
    { hostId: hop.id },
  );
}

function hopLabel(chain: Host[], i: number): string {
  return chain.length > 1 ? ` (hop ${i + 1} of ${chain.length}: "${chain[i]!.name}")` : '';
}

function withHop(e: unknown, chain: Host[], i: number): unknown {
  if (!(e instanceof RampartError) || chain.length < 2) return e;
  return new RampartError(e.code, `${e.message}${hopLabel(chain, i)}`, { ...(e.details ?? {}), hop: chain[i]!.name });
}

async function preflight(deps: ConnectDeps, first: Host): Promise<VpnState | null> {
  if (!first.vpnOnly) return null;
  return assertVpnUp(first.address, { interface: first.vpnInterface, subnet: first.vpnSubnet }, deps.preflight);
}

/** Opens an authenticated connection to the host, through its jump hosts. Closing it closes the chain. */
export async function openHostConnection(deps: ConnectDeps, hostId: number, opts: HostConnectOptions = {}): Promise<SshConnection> {
  const chain = deps.store.jumpChain(hostId);
  await preflight(deps, chain[0]!);
  return walkChain(chain, {
    signal: opts.signal,
    withHop: (e, i) => withHop(e, chain, i),
    openHop: async (hop, i, via) => {
      const policy = policyFor(deps, hop, opts);
      const credentials = await resolveCredentials(hop, deps.secrets, deps.env);
      const sock = via ? await via.forwardOut(hop.address, hop.port) : undefined;
      return connect({ address: hop.address, port: hop.port, username: hop.username, credentials }, policy, {
        sock,
        signal: opts.signal,
        ...(opts.readyTimeoutMs ? { readyTimeoutMs: opts.readyTimeoutMs } : {}),
        ...(opts.keepaliveIntervalMs ? { keepaliveIntervalMs: opts.keepaliveIntervalMs } : {}),
        ...(opts.keepaliveCountMax ? { keepaliveCountMax: opts.keepaliveCountMax } : {}),
      });
    },
  });
}

/**
 * The key a host presents, read without authenticating to it. Jump hosts on the way are
 * connected normally (their keys must be pinned).
 */
export async function probeHostKeyOf(deps: ConnectDeps, hostId: number, opts: HostConnectOptions = {}): Promise<PresentedKey> {
  const chain = deps.store.jumpChain(hostId);
  const target = chain[chain.length - 1]!;
  if (chain.length === 1) {
    await preflight(deps, target);
    return probeHostKey(target, { signal: opts.signal });
  }
  const via = await openHostConnection(deps, chain[chain.length - 2]!.id, opts);
  try {
    const sock = await via.forwardOut(target.address, target.port);
    return await probeHostKey(target, { sock, signal: opts.signal });
  } finally {
    via.close();
  }
}

export function vpnState(deps: ConnectDeps, hostId: number): Promise<VpnState | null> {
  const first = deps.store.jumpChain(hostId)[0]!;
  if (!first.vpnOnly) return Promise.resolve(null);
  return inspectVpn(first.address, { interface: first.vpnInterface, subnet: first.vpnSubnet }, deps.preflight);
}

// ---- test connection ------------------------------------------------------------------------

export type TestStepName = 'route' | 'tcp' | 'host-key' | 'auth' | 'sudo';
export interface TestStep {
  step: TestStepName;
  hop: string;
  status: 'ok' | 'failed' | 'skipped';
  message: string;
  durationMs: number;
}
export interface ConnectionTest {
  ok: boolean;
  steps: TestStep[];
  error: IpcError | null;
}

function tcpProbe(address: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: address, port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new RampartError('CONNECTION_TIMEOUT', `No TCP answer from ${address}:${port} within ${timeoutMs} ms.`));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve();
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const code = err.code;
      reject(
        code === 'ECONNREFUSED'
          ? new RampartError('CONNECTION_REFUSED', `${address}:${port} refused the connection: nothing listens there, or a firewall rejects it.`)
          : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? new RampartError('HOST_UNRESOLVED', `Cannot resolve ${address}.`)
            : new RampartError('HOST_UNREACHABLE', `Cannot reach ${address}:${port} (${code ?? err.message}).`),
      );
    });
  });
}

/**
 * Step by step, stopping at the first failure: route (VPN preflight) → TCP → host key → auth for
 * each hop, then sudo on the target. Never pins anything: an unknown key is a failed step.
 */
export async function testConnection(
  deps: ConnectDeps,
  hostId: number,
  opts: {
    signal?: AbortSignal;
    timeoutMs?: number;
    /** After a test that passed: offered the target's connection (with its jump chain); true = kept (closing it later closes the chain). */
    keep?: (conn: SshConnection) => boolean;
  } = {},
): Promise<ConnectionTest> {
  const steps: TestStep[] = [];
  const timeoutMs = opts.timeoutMs ?? 8_000;
  const chain = deps.store.jumpChain(hostId);
  const opened: SshConnection[] = [];
  const run = async (step: TestStepName, hop: Host, fn: () => Promise<string>): Promise<void> => {
    const t0 = Date.now();
    try {
      const message = await fn();
      steps.push({ step, hop: hop.name, status: 'ok', message, durationMs: Date.now() - t0 });
    } catch (e) {
      const err = e instanceof RampartError ? e : new RampartError('INTERNAL', (e as Error).message);
      steps.push({ step, hop: hop.name, status: 'failed', message: err.message, durationMs: Date.now() - t0 });
      throw err;
    }
  };
  try {
    const first = chain[0]!;
    await run('route', first, async () => {
      if (first.vpnOnly) return (await preflight(deps, first))!.message;
      if (process.platform !== 'linux') return 'Not a VPN-only host; route not checked.';
      const s = await inspectVpn(first.address, {}, deps.preflight).catch((e: unknown) => {
        throw e instanceof RampartError ? new RampartError('HOST_UNREACHABLE', e.message) : e;
      });
      return `Route to ${first.address} leaves through ${s.route.dev}${s.route.gateway ? ` via ${s.route.gateway}` : ''}.`;
    });
    for (let i = 0; i < chain.length; i++) {
      const hop = chain[i]!;
      let sockFor: (() => Promise<NodeJS.ReadWriteStream | undefined>) = async () => undefined;
      await run('tcp', hop, async () => {
        if (i === 0) {
          await tcpProbe(hop.address, hop.port, timeoutMs);
          return `${hop.address}:${hop.port} accepts TCP connections.`;
        }
        const probe = await opened[i - 1]!.forwardOut(hop.address, hop.port);
        probe.destroy();
        sockFor = () => opened[i - 1]!.forwardOut(hop.address, hop.port);
        return `"${chain[i - 1]!.name}" reaches ${hop.address}:${hop.port}.`;
      });
      await run('host-key', hop, async () => {
        const presented = await probeHostKey(hop, { sock: await sockFor(), readyTimeoutMs: timeoutMs });
        const pin = deps.store.getPin(hop.address, hop.port);
        if (!pin)
          throw new RampartError('HOST_KEY_UNKNOWN', `${hop.address}:${hop.port} presents ${presented.fingerprint} (${presented.keyType}), which is not pinned yet. Use Connect to check and accept it.`);
        if (pin.fingerprint !== presented.fingerprint)
          throw new RampartError(
            'HOST_KEY_CHANGED',
            `The host key of ${hop.address}:${hop.port} has CHANGED. Pinned: ${pin.fingerprint} (${pin.keyType}); presented now: ${presented.fingerprint} (${presented.keyType}).`,
            { pinned: pin.fingerprint, presented: presented.fingerprint },
          );
        return `Host key matches the pinned ${pin.fingerprint} (${pin.keyType}).`;
      });
      await run('auth', hop, async () => {
        const credentials = await resolveCredentials(hop, deps.secrets, deps.env);
        const pin = deps.store.getPin(hop.address, hop.port)!;
        const conn = await connect({ address: hop.address, port: hop.port, username: hop.username, credentials }, { kind: 'pinned', pin }, {
          sock: await sockFor(),
          readyTimeoutMs: timeoutMs,
          signal: opts.signal,
        });
        opened.push(conn);
        return `Logged in as ${hop.username} with ${credentials.describe.join(' or ')}.`;
      });
    }
    const target = chain[chain.length - 1]!;
    if (target.sudo === 'none') steps.push({ step: 'sudo', hop: target.name, status: 'skipped', message: 'This host is audited without sudo.', durationMs: 0 });
    else
      await run('sudo', target, async () => {
        const password = target.sudo === 'sudo-password' ? await getSudoPassword(target, deps.secrets) : null;
        // noCache: a cached sudo ticket must not make a wrong stored password look right.
        const res = await execPrivileged(opened[opened.length - 1]!, { mode: target.sudo, password, host: target.name }, 'true', { timeoutMs, noCache: true });
        if (res.uid !== 0) throw new RampartError('SUDO_DENIED', `sudo on ${target.name} ran the command as uid ${res.uid}, not as root.`);
        if (target.sudo === 'sudo-n') return 'sudo -n gives root without a password.';
        return res.passwordUsed
          ? 'sudo asked for the password and accepted the stored one: root.'
          : 'sudo gave root without asking for a password (a NOPASSWD rule, or the login is root), so the stored password was not checked.';
      });
    const last = opened[opened.length - 1];
    if (last && opts.keep) {
      const hops = opened.slice(0, -1).reverse();
      // The jump hops carry the target's connection: they close with it.
      last.onClose(() => {
        for (const c of hops) c.close();
      });
      if (opts.keep(last)) opened.length = 0;
    }
    return { ok: true, steps, error: null };
  } catch (e) {
    const err = e instanceof RampartError ? e : new RampartError('INTERNAL', (e as Error).message);
    return { ok: false, steps, error: err.toJSON() };
  } finally {
    for (const c of [...opened].reverse()) c.close();
  }
}
