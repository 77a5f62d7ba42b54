import type { FindingDraft } from '../../audit/checks/types';
import { describeResult } from '../dnsView';
import type { DnsResult } from '../resolver';
import { expandIpv6 } from '../resolver';
import { mxAddresses } from './lookups';
import { mxHostsOf } from './mxShared';
import { defineMailCheck, RFC } from './types';

/** Lists asked when the user names none (each can be replaced with --dnsbl). */
export const DEFAULT_DNSBL_ZONES = ['zen.spamhaus.org', 'bl.spamcop.net', 'b.barracudacentral.org'] as const;

/** RFC 5782 §2.1/§2.4: the name to ask for `ip` in `zone`. */
export function dnsblName(ip: string, zone: string): string {
  if (!ip.includes(':')) return `${ip.split('.').reverse().join('.')}.${zone}`;
  return `${expandIpv6(ip).replace(/:/g, '').split('').reverse().join('.')}.${zone}`;
}

export type DnsblVerdict = { verdict: 'listed'; codes: string[] } | { verdict: 'clean' } | { verdict: 'unknown'; why: string };

/**
 * RFC 5782 §2.1: an A record in 127.0.0.0/8 means listed, NXDOMAIN means not listed. Lists answer
 * 127.255.255.x when they refuse the query (Spamhaus: public/open resolver, over quota), and some
 * resolvers rewrite NXDOMAIN to an advertising address: both are unknown, never clean.
 */
export function dnsblVerdict(r: DnsResult): DnsblVerdict {
  if (r.kind === 'nxdomain') return { verdict: 'clean' };
  if (r.kind === 'answer') {
    const refusal = r.data.filter((a) => a.startsWith('127.255.255.'));
    if (refusal.length) return { verdict: 'unknown', why: `the list refused the query (answered ${refusal.join(', ')})` };
    const listed = r.data.filter((a) => a.startsWith('127.'));
    if (listed.length) return { verdict: 'listed', codes: listed };
    return { verdict: 'unknown', why: `answer outside 127.0.0.0/8 (${r.data.join(', ')}): the resolver may rewrite NXDOMAIN` };
  }
  if (r.kind === 'nodata') return { verdict: 'unknown', why: 'the name exists without an A record (not an RFC 5782 answer)' };
  return { verdict: 'unknown', why: describeResult(r) };
}

export default defineMailCheck({
  id: 'MAIL-DNSBL',
  title: 'MX address is on a DNS blocklist',
  severity: 'high',
  references: [RFC.dnsbl, 'https://www.spamhaus.org/faqs/dnsbl-usage/'],
  rationale: 'Receivers refuse or junk mail from listed addresses. The MX usually also sends the domain\'s mail. Some lists refuse queries that come through large public resolvers, so a refused answer says nothing about the address.',
  remediation: 'Find out why the address is listed (the list\'s lookup page), stop the cause (open relay, compromised account, no rate limits), then request delisting.',
  evaluate: (dns, { domain, dnsblZones, resolverLabel }) => {
    if (!dnsblZones.length) return { status: 'not-applicable', message: 'no DNSBL zone configured' };
    const m = mxHostsOf(dns, domain);
    if ('outcome' in m) return m.outcome;
    const addrs = mxAddresses({ kind: 'hosts', hosts: m.hosts });
    if (!addrs.length) return { status: 'not-applicable', message: 'no MX host has an address' };
    const findings: FindingDraft[] = [];
    const unknown: string[] = [];
    for (const { exchange, address } of addrs)
      for (const zone of dnsblZones) {
        const name = dnsblName(address, zone);
        const r = dns.lookup(name, 'A');
        if (r.kind === 'pending') return { status: 'error', message: `A ${name}: not looked up yet` };
        const v = dnsblVerdict(r);
        if (v.verdict === 'listed') findings.push({ severity: 'high', resource: `dnsbl:${zone}:${address}`, evidence: `${address} (MX ${exchange}) is listed in ${zone}: ${name} → ${v.codes.join(', ')} (asked through ${resolverLabel})` });
        else if (v.verdict === 'unknown') unknown.push(`${address} in ${zone}: ${v.why}`);
      }
    if (findings.length) return { status: 'fail', findings };
    if (unknown.length) return { status: 'error', message: `unknown, not clean (asked through ${resolverLabel}): ${unknown.join('; ')}` };
    return { status: 'pass' };
  },
});
