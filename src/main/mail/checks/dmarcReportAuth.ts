import { describeResult } from '../dnsView';
import { isDmarcRecord, reportAuthName, sameOrganisation } from '../dmarc';
import { dmarcOf } from './dmarcShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DMARC-REPORT-AUTH',
  title: 'External DMARC report address is not authorised',
  severity: 'medium',
  references: [`${RFC.dmarcReports}#section-3`, `${RFC.dmarc7489}#section-7.1`],
  rationale: 'Receivers send reports to an address outside the domain\'s organisation only if that destination publishes "v=DMARC1" at DOMAIN._report._dmarc.DESTINATION; otherwise the reports are silently dropped.',
  remediation: 'Ask the report destination to publish the TXT record "v=DMARC1" at DOMAIN._report._dmarc.DESTINATION (report services do this when the domain is added), or report to an address of the domain.',
  evaluate: (dns, { domain }) => {
    const d = dmarcOf(dns, domain);
    if (!('dmarc' in d)) return d.outcome;
    const { record, discovery } = d.dmarc;
    const policyDomain = discovery.policyDomain!;
    const external = [...record.rua.map((u) => ({ tag: 'rua', u })), ...record.ruf.map((u) => ({ tag: 'ruf', u }))].filter(
      (x) => x.u.host !== null && !sameOrganisation(domain, x.u.host, policyDomain),
    );
    if (!external.length) return record.rua.length || record.ruf.length ? { status: 'pass' } : { status: 'not-applicable', message: 'no rua= or ruf= address' };
    const findings = [];
    const seen = new Set<string>();
    for (const { tag, u } of external) {
      if (seen.has(u.host!)) continue;
      seen.add(u.host!);
      const name = reportAuthName(policyDomain, u.host!);
      const r = dns.lookup(name, 'TXT');
      if (r.kind === 'pending') return { status: 'error' as const, message: `TXT ${name}: not looked up yet` };
      if (r.kind === 'error') return { status: 'error' as const, message: `TXT ${name}: ${describeResult(r)}` };
      if (r.kind === 'answer' && r.data.some(isDmarcRecord)) continue;
      findings.push({ severity: 'medium' as const, resource: `dmarc-report:${policyDomain}:${u.host}`, evidence: `${tag}=${u.raw}: ${name} ${r.kind === 'answer' ? `holds no "v=DMARC1" (${r.data.map((x) => JSON.stringify(x)).join('; ')})` : describeResult(r)}` });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
