// IP address and prefix helpers for the network, VPN and mail checks: what kind of address a
// socket is bound to, and how wide a CIDR is. Pure functions, IPv4 and IPv6.

export type AddressScope = 'any' | 'loopback' | 'private' | 'link-local' | 'public' | 'unknown';

import { isIpv4 } from '../../../shared/domain';

export { isIpv4 };

export function ipv4ToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  return (((p[0] ?? 0) << 24) | ((p[1] ?? 0) << 16) | ((p[2] ?? 0) << 8) | (p[3] ?? 0)) >>> 0;
}

/** Expands an IPv6 address (with optional embedded IPv4 tail) into 8 16-bit groups, or null. */
export function ipv6Groups(s: string): number[] | null {
  let addr = s.toLowerCase();
  if (!/^[0-9a-f:.]+$/.test(addr) || !addr.includes(':')) return null;
  let tail: number[] = [];
  const lastColon = addr.lastIndexOf(':');
  const last = addr.slice(lastColon + 1);
  if (last.includes('.')) {
    if (!isIpv4(last)) return null;
    const n = ipv4ToInt(last);
    tail = [n >>> 16, n & 0xffff];
    addr = `${addr.slice(0, lastColon + 1)}0:0`;
  }
  const halves = addr.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return null;
  let groups: number[];
  if (halves.length === 2) {
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return null;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else {
    if (head.length !== 8) return null;
    groups = head;
  }
  if (tail.length) groups.splice(6, 2, ...tail);
  return groups;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), else null. */
function mappedIpv4(groups: number[]): string | null {
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const hi = groups[6]!;
    const lo = groups[7]!;
    return [hi >>> 8, hi & 255, lo >>> 8, lo & 255].join('.');
  }
  return null;
}

function inV4(ip: number, net: string, len: number): boolean {
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((ip & mask) >>> 0) === ((ipv4ToInt(net) & mask) >>> 0);
}

/** Classifies a bound address: `*`, 0.0.0.0 and :: are "any". */
export function addressScope(address: string): AddressScope {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (a === '*' || a === '0.0.0.0' || a === '::' || a === '') return 'any';
  if (isIpv4(a)) {
    const n = ipv4ToInt(a);
    if (inV4(n, '127.0.0.0', 8)) return 'loopback';
    if (inV4(n, '169.254.0.0', 16)) return 'link-local';
    if (inV4(n, '10.0.0.0', 8) || inV4(n, '172.16.0.0', 12) || inV4(n, '192.168.0.0', 16) || inV4(n, '100.64.0.0', 10)) return 'private';
    return 'public';
  }
  const g = ipv6Groups(a);
  if (!g) return 'unknown';
  if (g.every((x) => x === 0)) return 'any';
  const v4 = mappedIpv4(g);
  if (v4) return addressScope(v4);
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'private';
  return 'public';
}

export interface Cidr {
  family: 4 | 6;
  address: string;
  prefix: number;
}

/** Parses `a.b.c.d[/n]`, `[v6]/n`, `v6/n`; a bare address gets the full-length prefix. */
export function parseCidr(text: string): Cidr | null {
  const m = /^\[?([0-9A-Fa-f:.]+?)\]?(?:\/(\d{1,3}))?$/.exec(text.trim());
  if (!m) return null;
  const address = m[1]!;
  if (isIpv4(address)) {
    const prefix = m[2] === undefined ? 32 : Number(m[2]);
    return prefix <= 32 ? { family: 4, address, prefix } : null;
  }
  if (ipv6Groups(address)) {
    const prefix = m[2] === undefined ? 128 : Number(m[2]);
    return prefix <= 128 ? { family: 6, address, prefix } : null;
  }
  return null;
}

/** Whether `address` lies inside `cidr` (same family; IPv4-mapped IPv6 counts as IPv4). */
export function cidrContains(cidr: Cidr, address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (cidr.family === 4) {
    let v4 = isIpv4(a) ? a : null;
    if (!v4) {
      const g = ipv6Groups(a);
      v4 = g ? mappedIpv4(g) : null;
    }
    return v4 !== null && inV4(ipv4ToInt(v4), cidr.address, cidr.prefix);
  }
  const ga = ipv6Groups(a);
  const gn = ipv6Groups(cidr.address);
  if (!ga || !gn) return false;
  let bits = cidr.prefix;
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const take = Math.min(16, bits);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((ga[i]! & mask) !== (gn[i]! & mask)) return false;
  }
  return true;
}

/** 0.0.0.0/0 or ::/0 (or an equivalent /0). */
export function isDefaultRoute(c: Cidr): boolean {
  return c.prefix === 0;
}

/** Host-form address for `host:port` strings: IPv6 in brackets. */
export function formatHostPort(address: string, port: number | string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]:${port}` : `${address}:${port}`;
}
