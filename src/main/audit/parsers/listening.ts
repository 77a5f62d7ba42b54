// `ss -tulpnH`: listening TCP sockets and bound UDP sockets, with the owning processes when the
// collector may see them (root sees all; an unprivileged user only its own).
import { addressScope, type AddressScope } from './addresses';
import { outputExcerpt } from './excerpt';

export interface ListeningSocket {
  proto: 'tcp' | 'udp';
  /** As printed, without brackets or %interface: '0.0.0.0', '::', '*', '127.0.0.1', 'fe80::1'. */
  address: string;
  /** Interface the socket is bound to (`%eth0`), if any. */
  interface: string | null;
  port: number;
  scope: AddressScope;
  /** Process names (`users:(("sshd",…))`); empty when not visible. */
  processes: string[];
  pids: number[];
}

export class ListeningParseError extends Error {}

const MAX_LINES = 20_000;

/** Splits `addr:port` (`[v6]:p`, `v4%if:p`, `*:p`, `:::p`) into its parts. */
export function splitLocal(local: string): { address: string; interface: string | null; port: number } | null {
  const i = local.lastIndexOf(':');
  if (i <= 0) return null;
  const portText = local.slice(i + 1);
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  if (port > 65535) return null;
  let host = local.slice(0, i);
  let iface: string | null = null;
  // `[fe80::1%eth0]` or `[::]%eth0` or `0.0.0.0%wg0`
  const pct = /%([^\]\s]+)\]?$/.exec(host);
  if (pct) {
    iface = pct[1]!;
    host = host.slice(0, pct.index) + (host.endsWith(']') ? ']' : '');
  }
  host = host.replace(/^\[|\]$/g, '');
  if (!host) return null;
  return { address: host, interface: iface, port };
}

function processesOf(rest: string): { names: string[]; pids: number[] } {
  const names: string[] = [];
  const pids: number[] = [];
  for (const m of rest.matchAll(/\("([^"]*)",pid=(\d+)/g)) {
    if (!names.includes(m[1]!)) names.push(m[1]!);
    pids.push(Number(m[2]));
  }
  return { names, pids };
}

export function parseSsListening(text: string): ListeningSocket[] {
  const lines = text.split('\n');
  if (lines.length > MAX_LINES) throw new ListeningParseError(`ss printed ${lines.length} lines; more than ${MAX_LINES} is not a socket list`);
  const out: ListeningSocket[] = [];
  let unknown = 0;
  let seen = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    seen++;
    const cols = line.split(/\s+/);
    // Netid State Recv-Q Send-Q Local Peer [Process]
    const [netid, state, , , local] = cols;
    if (!netid || !state || !local || !/^(tcp|udp)$/.test(netid) || !/^\d+$/.test(cols[2] ?? '')) {
      unknown++;
      continue;
    }
    if (netid === 'tcp' && state !== 'LISTEN') continue;
    const parts = splitLocal(local);
    if (!parts) {
      unknown++;
      continue;
    }
    const { names, pids } = processesOf(cols.slice(6).join(' '));
    out.push({
      proto: netid as 'tcp' | 'udp',
      address: parts.address,
      interface: parts.interface,
      port: parts.port,
      scope: addressScope(parts.address),
      processes: names,
      pids,
    });
  }
  if (seen > 0 && out.length === 0 && unknown === seen) throw new ListeningParseError(`the output of ss does not look like a socket list: "${outputExcerpt(text, 120)}"`);
  return out;
}

/** 'tcp 0.0.0.0:5432 (postgres)' */
export function describeSocket(s: ListeningSocket): string {
  const host = s.address.includes(':') ? `[${s.address}]` : s.address;
  const procs = s.processes.length ? ` (${s.processes.join(', ')})` : '';
  return `${s.proto} ${host}${s.interface ? `%${s.interface}` : ''}:${s.port}${procs}`;
}

/** Reachable from other machines: bound to any address or a public/private non-loopback one. */
export function isExternallyBound(s: ListeningSocket): boolean {
  return s.scope !== 'loopback' && !(s.interface === 'lo');
}
