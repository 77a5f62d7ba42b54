import { spfWalkOf } from './spfShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-SPF-INCLUDE-UNRESOLVED',
  title: 'SPF include or redirect does not resolve to one SPF record',
  severity: 'high',
  references: [`${RFC.spf}#section-5.2`, `${RFC.spf}#section-6.1`],
  rationale: 'An include: or redirect= whose target has no SPF record (or several, or loops back) makes the evaluation a permerror for every sender (RFC 7208 §5.2, §6.1).',
  remediation: 'Fix or remove the include/redirect named in the evidence (a typo, a retired provider, a provider that moved its record).',
  evaluate: (dns, { domain }) => {
    const w = spfWalkOf(dns, domain);
    if ('outcome' in w) return w.outcome;
    if (!w.walk.unresolved.length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: w.walk.unresolved.map((l) => ({ severity: 'high' as const, resource: `spf:${l.domain}:${l.term.toLowerCase()}`, evidence: `"${l.term}" in the record of ${l.domain}: ${l.problem}` })),
    };
  },
});
