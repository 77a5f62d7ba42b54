// The DNSSEC status of the domain (and of the MX hosts' DANE names) as the audit's resolver reports
// it: the AD bit set by a validating resolver, and whether signatures came back at all (so an
// unsigned zone and a resolver that does not validate are told apart). Pure over a DnsView.
import { mxSet } from './checks/lookups';
import type { DnsView } from './dnsView';
import type { DnsResult } from './resolver';

export interface DnssecName {
  name: string;
  type: string;
  /** The resolver set AD: it validated the answer. */
  validated: boolean;
  /** RRSIGs came back: the zone is signed. */
  signed: boolean;
  /** What the lookup got when it got no answer/NODATA/NXDOMAIN ("pending", "error: SERVFAIL"). */
  problem: string | null;
}

/** What another check (DANE) and the UI read: `validated` is the domain's own answer. */
export interface DnssecFacts {
  validated: boolean;
  signed: boolean;
  resolver: string;
  names: DnssecName[];
}

function one(name: string, type: string, r: DnsResult): DnssecName {
  if (r.kind === 'answer' || r.kind === 'nodata' || r.kind === 'nxdomain') return { name, type, validated: r.ad === true, signed: r.rrsig === true, problem: null };
  return { name, type, validated: false, signed: false, problem: r.kind === 'error' ? `lookup failed: ${r.code}` : 'not looked up' };
}

/** The domain's TXT answer (always asked first), then `_25._tcp.<mx>` TLSA where the MX has one. */
export function dnssecFacts(dns: DnsView, domain: string, resolverLabel: string): DnssecFacts {
  const names = [one(domain, 'TXT', dns.lookup(domain, 'TXT'))];
  const set = mxSet(dns, domain);
  if (set.kind === 'hosts')
    for (const h of set.hosts) {
      const n = `_25._tcp.${h.exchange}`;
      const r = dns.lookup(n, 'TLSA');
      if (r.kind === 'answer') names.push(one(n, 'TLSA', r));
    }
  return { validated: names[0]!.validated, signed: names[0]!.signed, resolver: resolverLabel, names };
}
