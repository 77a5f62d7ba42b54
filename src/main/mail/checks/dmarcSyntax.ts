import { dmarcOf, dmarcResource } from './dmarcShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DMARC-SYNTAX',
  title: 'DMARC record has a syntax error',
  severity: 'medium',
  references: [`${RFC.dmarc}#section-4.7`, `${RFC.dmarc7489}#section-6.4`],
  rationale: 'Receivers ignore invalid tags (and RFC 7489 receivers the whole record when v=DMARC1 is not first or p= is invalid), so the intended policy or reporting silently does not apply.',
  remediation: 'Correct the record: "v=DMARC1" first, then tag=value pairs separated by ";" (p=none|quarantine|reject, sp=, np=, adkim=r|s, aspf=r|s, rua=mailto:…).',
  evaluate: (dns, { domain }) => {
    const d = dmarcOf(dns, domain);
    if (!('dmarc' in d)) return d.outcome;
    const { record, discovery } = d.dmarc;
    if (!record.errors.length) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'medium', resource: dmarcResource(discovery.policyDomain!), evidence: `${discovery.foundAt}: ${record.errors.join('; ')} (record: ${JSON.stringify(record.raw)})` }] };
  },
});
