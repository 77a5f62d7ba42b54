import { dmarcOf } from './dmarcShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DMARC-RECORD',
  title: 'No DMARC policy applies to the domain',
  severity: 'high',
  references: [`${RFC.dmarc}#section-4.10`, `${RFC.dmarc7489}#section-6.6.3`],
  rationale: 'Without DMARC receivers have no instruction for mail that fails SPF and DKIM alignment, and large mailbox providers increasingly refuse or junk mail from domains without it. More than one record at the same name means no policy applies.',
  remediation: 'Publish one TXT record at _dmarc.DOMAIN, e.g. "v=DMARC1; p=none; rua=mailto:dmarc-reports@DOMAIN", read the reports, then move to p=quarantine and p=reject.',
  evaluate: (dns, { domain }) => {
    const d = dmarcOf(dns, domain);
    if ('dmarc' in d) return { status: 'pass' };
    if (d.outcome.status === 'error') return d.outcome;
    const asked = d.discovery.asked.map((a) => `${a.name}: ${a.result === 'answer' ? `${a.dmarcRecords} DMARC record(s)` : a.result}`).join(', ');
    if (d.discovery.records.length > 1)
      return { status: 'fail', findings: [{ severity: 'high', resource: `dmarc:${domain}`, title: `${d.discovery.records.length} DMARC records at ${d.discovery.foundAt} (none applies)`, evidence: d.discovery.records.map((r) => JSON.stringify(r)).join('; ') }] };
    return { status: 'fail', findings: [{ severity: 'high', resource: `dmarc:${domain}`, evidence: `no DMARC record found by the tree walk (${asked})` }] };
  },
});
