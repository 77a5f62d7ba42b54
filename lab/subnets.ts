// Lab subnets: one /30 per link, from the lab pools (10.213/16 root links, 10.215/16 links
// between namespaces, 10.216/16 tunnels), reserved with an O_EXCL lock file under
// /run/rampart-lab/subnets/ so parallel processes (vitest workers) never share one, and never
// overlapping a prefix the root namespace already uses.
import { randomInt } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { firstExisting, runCommand as run } from './proc';

export type LabSubnetPool = 'host' | 'link' | 'tunnel';

export const POOL_BASES: Readonly<Record<LabSubnetPool, string>> = {
  host: '10.213.0.0',
  link: '10.215.0.0',
  tunnel: '10.216.0.0',
};
export const RUN_DIR = '/run/rampart-lab';
export const SUBNETS_DIR = join(RUN_DIR, 'subnets');
const IP = firstExisting(['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip']) ?? 'ip';

export interface Subnet {
  network: string; // 10.213.a.b (multiple of 4)
  rootAddress: string; // .1
  hostAddress: string; // .2
  lockPath: string;
}

function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  return (((p[0] ?? 0) << 24) | ((p[1] ?? 0) << 16) | ((p[2] ?? 0) << 8) | (p[3] ?? 0)) >>> 0;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Prefixes (network int, prefix length) the root namespace already uses, from addresses and routes. */
async function usedPrefixes(): Promise<Array<[number, number]>> {
  const [addrs, routes] = await Promise.all([
    run(IP, ['-4', '-o', 'addr', 'show'], { timeoutMs: 5_000 }),
    run(IP, ['-4', 'route', 'show', 'table', 'all'], { timeoutMs: 5_000 }),
  ]);
  const out: Array<[number, number]> = [];
  const add = (cidr: string): void => {
    const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?$/.exec(cidr);
    if (!m?.[1]) return;
    const len = m[2] === undefined ? 32 : Number(m[2]);
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    out.push([(ipToInt(m[1]) & mask) >>> 0, len]);
  };
  for (const m of addrs.stdout.matchAll(/\binet (\S+)/g)) if (m[1]) add(m[1]);
  for (const line of routes.stdout.split('\n')) {
    const first = line.trim().split(/\s+/)[0] ?? '';
    const dst = ['unicast', 'local', 'broadcast', 'blackhole', 'unreachable', 'prohibit'].includes(first)
      ? (line.trim().split(/\s+/)[1] ?? '')
      : first;
    if (dst && dst !== 'default') add(dst);
  }
  return out;
}

function overlaps(aNet: number, aLen: number, bNet: number, bLen: number): boolean {
  const len = Math.min(aLen, bLen);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((aNet & mask) >>> 0) === ((bNet & mask) >>> 0);
}

const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether `ip` is an IPv4 address inside one of the lab pools (10.213/16, 10.215/16, 10.216/16). */
export function isLabPoolAddress(ip: string): boolean {
  if (!IPV4_RE.test(ip)) return false;
  const n = ipToInt(ip);
  return Object.values(POOL_BASES).some((b) => overlaps(n, 32, ipToInt(b), 16));
}

/** 'a.b.c.d/len' inside a lab pool, with len 16..32. */
export function isLabPoolPrefix(prefix: string): boolean {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(prefix);
  return m?.[1] !== undefined && isLabPoolAddress(m[1]) && Number(m[2]) >= 16 && Number(m[2]) <= 32;
}

export async function allocateSubnet(name: string, pool: LabSubnetPool = 'host'): Promise<Subnet> {
  const used = (await usedPrefixes()).filter(([, len]) => len > 0); // ignore 0.0.0.0/0
  const baseIp = POOL_BASES[pool];
  const base = ipToInt(baseIp);
  for (let attempt = 0; attempt < 200; attempt++) {
    const index = randomInt(1, 16383); // /30 number inside the /16, skipping the first and last
    const net = (base + index * 4) >>> 0;
    if (used.some(([n, len]) => overlaps(net, 30, n, len))) continue;
    const network = intToIp(net);
    const lockPath = join(SUBNETS_DIR, network);
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    try {
      writeSync(fd, name);
    } finally {
      closeSync(fd);
    }
    return { network, rootAddress: intToIp(net + 1), hostAddress: intToIp(net + 2), lockPath };
  }
  throw new Error(`could not find a free /30 in ${baseIp}/16 after 200 attempts`);
}

export function releaseSubnetLocks(name: string): void {
  let entries: string[];
  try {
    entries = readdirSync(SUBNETS_DIR);
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(SUBNETS_DIR, e);
    try {
      if (readFileSync(p, 'utf8') === name) unlinkSync(p);
    } catch {
      /* raced with another cleanup */
    }
  }
}
