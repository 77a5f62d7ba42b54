import { MAX_VOID_LOOKUPS } from '../spf';
import { spfResource, spfWalkOf } from './spfShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-SPF-VOID-LOOKUPS',
  title: 'SPF has more than 2 void lookups',
  severity: 'high',
  references: [`${RFC.spf}#section-4.6.4`],
  rationale: 'Terms whose lookup finds nothing (NXDOMAIN or no record) count as void; receivers return permerror after two (RFC 7208 §4.6.4), so the record stops authorising anyone.',
  remediation: 'Remove the terms that point at names without records (old includes, a:/mx: of retired hosts).',
  evaluate: (dns, { domain }) => {
    const w = spfWalkOf(dns, domain);
    if ('outcome' in w) return w.outcome;
    const v = w.walk.voidLookups;
    if (v.length <= MAX_VOID_LOOKUPS) return { status: 'pass' };
    return {
      status: 'fail',
      findings: [{ severity: 'high', resource: spfResource(domain), evidence: `${v.length} void lookups (limit ${MAX_VOID_LOOKUPS}): ${v.map((l) => `${l.term} in ${l.domain}`).join(', ')}` }],
    };
  },
});
