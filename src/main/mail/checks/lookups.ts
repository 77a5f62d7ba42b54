// Lookups several mail checks share: the domain's SPF records, its MX hosts and their addresses.
import net from 'node:net';
import type { DnsView } from '../dnsView';
import { describeResult } from '../dnsView';
import type { DnsResult } from '../resolver';
import { isSpfRecord } from '../spf';
import type { MailOutcome } from './types';

/** Outcome for a lookup that is pending (collection pass) or failed; null when it answered. */
export function lookupProblem(r: DnsResult, what: string): MailOutcome | null {
  if (r.kind === 'pending') return { status: 'error', message: `${what}: not looked up yet` };
  if (r.kind === 'error') return { status: 'error', message: `${what}: ${describeResult(r)}` };
  return null;
}

export function spfRecords(dns: DnsView, domain: string): { records: string[]; problem: MailOutcome | null } {
  const r = dns.lookup(domain, 'TXT');
  const problem = lookupProblem(r, `TXT ${domain}`);
  return { records: r.kind === 'answer' ? r.data.filter(isSpfRecord) : [], problem };
}

export interface MxHost {
  preference: number;
  exchange: string;
  addresses: string[];
  /** The exchange name is an alias (CNAME) — RFC 2181 §10.3. */
  cname: string | null;
  /** Why it has no address: NXDOMAIN, no A/AAAA, lookup error. */
  problem: string | null;
}

export type MxSet =
  | { kind: 'hosts'; hosts: MxHost[] }
  | { kind: 'null-mx'; extra: string[] }
  /** No MX record: RFC 5321 §5.1 falls back to the domain's own address (implicit MX). */
  | { kind: 'none'; result: DnsResult }
  | { kind: 'problem'; outcome: MailOutcome };

export function mxSet(dns: DnsView, domain: string): MxSet {
  const r = dns.lookup(domain, 'MX');
  const p = lookupProblem(r, `MX ${domain}`);
  if (p) return { kind: 'problem', outcome: p };
  if (r.kind !== 'answer' || !r.mx?.length) return { kind: 'none', result: r };
  // RFC 7505: "0 ." says the domain accepts no mail.
  if (r.mx.some((m) => m.exchange === '')) return { kind: 'null-mx', extra: r.mx.filter((m) => m.exchange !== '').map((m) => m.exchange) };
  const hosts: MxHost[] = [];
  for (const m of r.mx) {
    const a = dns.lookup(m.exchange, 'A');
    const aaaa = dns.lookup(m.exchange, 'AAAA');
    for (const x of [a, aaaa]) {
      const q = lookupProblem(x, `address of ${m.exchange}`);
      if (q && x.kind === 'pending') return { kind: 'problem', outcome: q };
    }
    const addresses = [a, aaaa].flatMap((x) => (x.kind === 'answer' ? x.data.filter((d) => net.isIP(d)) : []));
    const aliases = a.kind === 'answer' || a.kind === 'nodata' || a.kind === 'nxdomain' ? a.aliases : [];
    let problem: string | null = null;
    if (!addresses.length) {
      if (a.kind === 'error' || aaaa.kind === 'error') problem = `lookup failed (${describeResult(a.kind === 'error' ? a : aaaa)})`;
      else if (a.kind === 'nxdomain') problem = 'the name does not exist (NXDOMAIN)';
      else problem = 'no A or AAAA record';
    }
    hosts.push({ preference: m.preference, exchange: m.exchange, addresses, cname: aliases.length ? aliases[aliases.length - 1]! : null, problem });
  }
  return { kind: 'hosts', hosts };
}

/** Every address of every MX host (deduplicated), with the host it belongs to. */
export function mxAddresses(set: MxSet): Array<{ exchange: string; address: string }> {
  if (set.kind !== 'hosts') return [];
  const seen = new Set<string>();
  const out: Array<{ exchange: string; address: string }> = [];
  for (const h of set.hosts)
    for (const a of h.addresses)
      if (!seen.has(a)) {
        seen.add(a);
        out.push({ exchange: h.exchange, address: a });
      }
  return out;
}
