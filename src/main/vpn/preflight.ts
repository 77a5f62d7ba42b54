// WireGuard preflight for VPN-only hosts: before any SSH packet leaves, find which interface the
// kernel would route the host's address through and require a WireGuard interface with a recent
// handshake. Otherwise refuse, naming the interface it would have used — a VPN-only host
// reached over the open internet is exactly what the profile's flag exists to prevent.
import { execFile } from 'node:child_process';
import { RampartError } from '../../shared/errors';
import { cidrContains, isIpv4, parseCidr } from '../audit/parsers/addresses';

/** WireGuard re-handshakes every 2 minutes while traffic flows; older than this means stale. */
export const HANDSHAKE_FRESH_S = 180;

export interface VpnRequirement {
  /** Expected WireGuard interface (e.g. wg0); empty = any WireGuard interface. */
  interface?: string | null;
  /** Expected tunnel subnet (CIDR) the host address must be inside, e.g. 10.77.0.0/24. */
  subnet?: string | null;
}

export interface RouteInfo {
  dev: string;
  src: string | null;
  gateway: string | null;
}

export interface VpnState {
  address: string;
  route: RouteInfo;
  /** Is the route's interface a WireGuard interface (`wg show` knows it)? */
  isWireGuard: boolean;
  /** Seconds since the newest peer handshake; null when none yet or not readable. */
  latestHandshakeAgeS: number | null;
  /** false when `wg show` could not be read (not root, wg not installed): handshake unknown. */
  handshakeReadable: boolean;
  ok: boolean;
  message: string;
}

export type Run = (cmd: string, args: string[]) => Promise<{ stdout: string; stderr: string; code: number }>;

export const runCommand: Run = (cmd, args) =>
  new Promise((resolve) => {
    execFile(cmd, args, { timeout: 5_000, maxBuffer: 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 127) : 0;
      resolve({ stdout: String(stdout), stderr: String(stderr) || (err && !stderr ? err.message : ''), code });
    });
  });

/** `ip -j route get ADDR` (Linux). */
export function parseIpRouteGet(json: string): RouteInfo | null {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return null;
  }
  const r = Array.isArray(data) ? (data[0] as Record<string, unknown> | undefined) : undefined;
  if (!r || typeof r.dev !== 'string') return null;
  return { dev: r.dev, src: typeof r.prefsrc === 'string' ? r.prefsrc : null, gateway: typeof r.gateway === 'string' ? r.gateway : null };
}

/** `route -n get ADDR` (macOS/BSD): "interface: utun3", "gateway: …". */
export function parseRouteGet(text: string): RouteInfo | null {
  const dev = /^\s*interface:\s*(\S+)/m.exec(text)?.[1];
  if (!dev) return null;
  return { dev, src: null, gateway: /^\s*gateway:\s*(\S+)/m.exec(text)?.[1] ?? null };
}

/** `wg show IF latest-handshakes`: "<peer pubkey>\t<unix seconds>" per peer; 0 = never. */
export function parseLatestHandshakes(text: string): number[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((p) => p.length === 2 && /^\d+$/.test(p[1]!))
    .map((p) => Number(p[1]));
}

/** Whether an IPv4 address lies in an IPv4 `a.b.c.d/n` (the VPN subnet of a host profile). */
export function ipv4InCidr(address: string, cidr: string): boolean {
  const c = /\//.test(cidr) ? parseCidr(cidr) : null;
  return c !== null && c.family === 4 && isIpv4(address) && cidrContains(c, address);
}

export interface PreflightOptions {
  run?: Run;
  platform?: NodeJS.Platform;
  nowS?: () => number;
}

/** Inspects the route and tunnel state; never throws for a down VPN (see assertVpnUp). */
export async function inspectVpn(address: string, req: VpnRequirement, opts: PreflightOptions = {}): Promise<VpnState> {
  const run = opts.run ?? runCommand;
  const platform = opts.platform ?? process.platform;
  const now = opts.nowS ?? (() => Math.floor(Date.now() / 1000));
  let route: RouteInfo | null;
  if (platform === 'linux') {
    const r = await run('ip', ['-j', 'route', 'get', address]);
    if (r.code !== 0) throw new RampartError('VPN_DOWN', `No route to ${address}: ${r.stderr.trim() || 'ip route get failed'}. The VPN is down or the address is wrong.`);
    route = parseIpRouteGet(r.stdout);
  } else if (platform === 'darwin' || platform === 'freebsd' || platform === 'openbsd') {
    const r = await run('route', ['-n', 'get', address]);
    if (r.code !== 0) throw new RampartError('VPN_DOWN', `No route to ${address}: ${r.stderr.trim() || 'route get failed'}.`);
    route = parseRouteGet(r.stdout);
  } else {
    throw new RampartError('VPN_DOWN', `The WireGuard preflight is not implemented on ${platform}; turn off "VPN only" for this host or connect from Linux or macOS.`);
  }
  if (!route) throw new RampartError('VPN_DOWN', `Could not read the route to ${address}.`);

  const base = { address, route };
  const wanted = req.interface?.trim() || null;
  if (req.subnet && !ipv4InCidr(address, req.subnet))
    return { ...base, isWireGuard: false, latestHandshakeAgeS: null, handshakeReadable: false, ok: false, message: `${address} is not inside the VPN subnet ${req.subnet} set for this host.` };

  const wg = await run('wg', ['show', route.dev, 'latest-handshakes']);
  const readable = wg.code === 0;
  // "Unable to access interface: Operation not permitted" means it may be WireGuard but we are not root.
  const permissionDenied = /not permitted|Permission denied/i.test(wg.stderr);
  const isWireGuard = readable || (permissionDenied && (wanted === route.dev || /^(wg|utun)/.test(route.dev)));
  const stamps = readable ? parseLatestHandshakes(wg.stdout).filter((s) => s > 0) : [];
  const age = stamps.length ? Math.max(0, now() - Math.max(...stamps)) : null;

  let ok = true;
  let message: string;
  if (wanted && route.dev !== wanted) {
    ok = false;
    message = `Traffic to ${address} would leave through ${route.dev}, not the WireGuard interface ${wanted}. Bring ${wanted} up (e.g. \`wg-quick up ${wanted}\`) before connecting.`;
  } else if (!isWireGuard) {
    ok = false;
    message = `Traffic to ${address} would leave through ${route.dev}, which is not a WireGuard interface. This host is VPN-only: bring the tunnel up first.`;
  } else if (readable && age === null) {
    ok = false;
    message = `The WireGuard interface ${route.dev} has never completed a handshake with its peer: the tunnel is not up.`;
  } else if (readable && age !== null && age > HANDSHAKE_FRESH_S) {
    ok = false;
    message = `The last WireGuard handshake on ${route.dev} was ${age} s ago (more than ${HANDSHAKE_FRESH_S} s): the tunnel looks down.`;
  } else if (!readable) {
    message = `Route to ${address} leaves through ${route.dev}; its handshake could not be read (${wg.stderr.trim() || 'wg show failed'}), so only the route was checked.`;
  } else {
    message = `Route to ${address} leaves through WireGuard interface ${route.dev}; last handshake ${age} s ago.`;
  }
  return { ...base, isWireGuard, latestHandshakeAgeS: age, handshakeReadable: readable, ok, message };
}

/** Throws VPN_DOWN with a specific message unless the VPN is usable for this address. */
export async function assertVpnUp(address: string, req: VpnRequirement, opts: PreflightOptions = {}): Promise<VpnState> {
  const state = await inspectVpn(address, req, opts);
  if (!state.ok) throw new RampartError('VPN_DOWN', state.message, { interface: state.route.dev, address });
  return state;
}
