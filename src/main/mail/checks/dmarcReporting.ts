import { dmarcOf, dmarcResource } from './dmarcShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DMARC-REPORTING',
  title: 'DMARC asks for no aggregate reports (rua)',
  severity: 'low',
  references: [`${RFC.dmarc}#section-4.7`, RFC.dmarcReports],
  rationale: 'Aggregate reports are how an operator learns which servers send as the domain and whether they pass; without rua= a move to quarantine/reject is blind.',
  remediation: 'Add rua=mailto:ADDRESS (an address of the domain, or of a report service that authorises it).',
  evaluate: (dns, { domain }) => {
    const d = dmarcOf(dns, domain);
    if (!('dmarc' in d)) return d.outcome;
    const { record, discovery } = d.dmarc;
    if (record.rua.length) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'low', resource: dmarcResource(discovery.policyDomain!), evidence: `${discovery.foundAt}: no rua= tag${record.ruf.length ? ` (ruf= only: ${record.ruf.map((u) => u.raw).join(', ')})` : ''}` }] };
  },
});
