import { dmarcOf, dmarcResource } from './dmarcShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DMARC-PCT',
  title: 'DMARC policy applies to less than 100% of mail (pct)',
  severity: 'low',
  references: [`${RFC.dmarc7489}#section-6.3`, `${RFC.dmarc}#appendix-A.6`],
  rationale: 'RFC 9989 removed pct= (its receivers ignore it), but RFC 7489 receivers still apply the policy only to that share of failing mail and treat the rest one step more leniently.',
  remediation: 'Remove pct= (or set pct=100) once the policy is settled; use t=y for testing under RFC 9989.',
  evaluate: (dns, { domain }) => {
    const d = dmarcOf(dns, domain);
    if (!('dmarc' in d)) return d.outcome;
    const { record, discovery } = d.dmarc;
    if (record.pct === null || record.pct >= 100) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'low', resource: dmarcResource(discovery.policyDomain!), evidence: `${discovery.foundAt}: pct=${record.pct} (p=${record.p ?? '(missing)'})` }] };
  },
});
