import { MAX_LOOKUPS } from '../spf';
import { spfResource, spfWalkOf } from './spfShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-SPF-LOOKUPS',
  title: 'SPF needs more than 10 DNS lookups',
  severity: 'high',
  references: [`${RFC.spf}#section-4.6.4`],
  rationale:
    'Receivers stop after 10 DNS-querying terms (include, a, mx, ptr, exists, redirect) across the record and everything it includes, and return permerror: the record then authorises nobody.',
  remediation: 'Replace a and mx terms with ip4:/ip6: ranges, drop includes of services no longer used, or flatten large provider includes into their address ranges.',
  evaluate: (dns, { domain }) => {
    const w = spfWalkOf(dns, domain);
    if ('outcome' in w) return w.outcome;
    const n = w.walk.lookups.length;
    // §4.6.4 also limits an mx term to 10 MX hosts (more is a permerror of its own).
    const wideMx = w.walk.lookups.filter((l) => l.problem?.includes('MX hosts'));
    const mxFindings = wideMx.map((l) => ({ severity: 'high' as const, resource: `spf:${l.domain}:${l.term.toLowerCase()}`, title: 'SPF mx term names more than 10 MX hosts', evidence: `"${l.term}" in the record of ${l.domain}: ${l.problem}` }));
    if (n <= MAX_LOOKUPS && !w.walk.capped) return mxFindings.length ? { status: 'fail', findings: mxFindings } : { status: 'pass' };
    const byRecord = new Map<string, string[]>();
    for (const l of w.walk.lookups) byRecord.set(l.domain, [...(byRecord.get(l.domain) ?? []), l.term]);
    const breakdown = [...byRecord.entries()].map(([d, terms]) => `${d}: ${terms.length} (${terms.join(' ')})`).join('; ');
    return {
      status: 'fail',
      findings: [{ severity: 'high', resource: spfResource(domain), evidence: `${w.walk.capped ? 'at least ' : ''}${n} DNS-querying terms (limit ${MAX_LOOKUPS}): ${breakdown}` }, ...mxFindings],
    };
  },
});
