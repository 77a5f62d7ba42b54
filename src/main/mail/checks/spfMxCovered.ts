import { evaluateSpf } from '../spf';
import { mxAddresses, mxSet } from './lookups';
import { spfWalkOf } from './spfShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-SPF-MX-NOT-COVERED',
  title: 'An MX address is not authorised by SPF',
  severity: 'medium',
  references: [`${RFC.spf}#section-4`, `${RFC.spf}#section-5.4`],
  rationale: 'A self-hosted mail server usually also sends (outgoing mail, bounces, forwards) from its MX address; if SPF does not pass for it, that mail fails SPF and, without aligned DKIM, DMARC.',
  remediation: 'Add the MX host to the record ("mx", "a:HOST" or its ip4:/ip6: address), before the final "all".',
  evaluate: (dns, { domain }) => {
    const w = spfWalkOf(dns, domain);
    if ('outcome' in w) return w.outcome;
    const set = mxSet(dns, domain);
    if (set.kind === 'problem') return set.outcome;
    if (set.kind !== 'hosts') return { status: 'not-applicable', message: set.kind === 'null-mx' ? 'null MX: the domain receives no mail' : 'the domain has no MX record' };
    const addrs = mxAddresses(set);
    if (!addrs.length) return { status: 'not-applicable', message: 'no MX host has an address' };
    const results = addrs.map((a) => ({ ...a, ...evaluateSpf(dns, domain, a.address) }));
    if (results.some((r) => r.result === 'unknown' && dns.missing.size)) return { status: 'error', message: 'SPF lookups not finished' };
    const bad = results.filter((r) => r.result !== 'pass' && r.result !== 'unknown');
    if (!bad.length) {
      if (results.every((r) => r.result === 'unknown')) return { status: 'not-applicable', message: 'the result depends on the sender (macros, ptr or exists terms)' };
      return { status: 'pass' };
    }
    return {
      status: 'fail',
      findings: bad.map((r) => ({
        severity: 'medium' as const,
        resource: `spf-mx:${domain}:${r.address}`,
        evidence: `SPF of ${domain} gives ${r.result} for ${r.address} (MX ${r.exchange})${r.matched ? `, decided by "${r.matched}"` : ''}`,
      })),
    };
  },
});
