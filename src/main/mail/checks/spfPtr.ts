import { spfResource, spfWalkOf } from './spfShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-SPF-PTR',
  title: 'SPF uses the deprecated ptr mechanism',
  severity: 'low',
  references: [`${RFC.spf}#section-5.5`],
  rationale: 'ptr is slow, unreliable and "SHOULD NOT be published" (RFC 7208 §5.5); some receivers skip it, so mail it was meant to authorise may fail.',
  remediation: 'Replace ptr with ip4:/ip6: ranges or a:/mx: terms for the sending servers.',
  evaluate: (dns, { domain }) => {
    const w = spfWalkOf(dns, domain);
    if ('outcome' in w) return w.outcome;
    const ptr = w.walk.lookups.filter((l) => /^[+\-~?]?ptr(:|$)/i.test(l.term));
    if (!ptr.length) return { status: 'pass' };
    return { status: 'fail', findings: ptr.map((l) => ({ severity: 'low' as const, resource: spfResource(l.domain), evidence: `"${l.term}" in the record of ${l.domain} (${l.path})` })) };
  },
});
