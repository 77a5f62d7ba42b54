import { spfRecords } from './lookups';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-SPF-RECORD',
  title: 'The domain has exactly one SPF record',
  severity: 'high',
  references: [`${RFC.spf}#section-4.5`, `${RFC.spf}#section-3.2`],
  rationale:
    'Without an SPF record receivers cannot tell which servers may send for the domain; with two or more, every SPF check ends in permerror (RFC 7208 §4.5) and DMARC cannot pass on SPF.',
  remediation: 'Publish one TXT record at the domain starting with "v=spf1" that lists the servers that send its mail and ends in "-all" (or "~all"); merge duplicates into one.',
  evaluate: (dns, { domain }) => {
    const { records, problem } = spfRecords(dns, domain);
    if (problem) return problem;
    if (records.length === 1) return { status: 'pass' };
    if (records.length === 0) {
      const r = dns.lookup(domain, 'TXT');
      return { status: 'fail', findings: [{ severity: 'high', resource: `spf:${domain}`, title: 'No SPF record', evidence: r.kind === 'nxdomain' ? `${domain} does not exist (NXDOMAIN)` : `no TXT record at ${domain} starts with "v=spf1"` }] };
    }
    return {
      status: 'fail',
      findings: [{ severity: 'high', resource: `spf:${domain}`, title: `${records.length} SPF records (permerror)`, evidence: records.map((r) => JSON.stringify(r)).join('; ') }],
    };
  },
});
