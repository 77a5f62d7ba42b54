import { mxHostsOf } from './mxShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-MX-CNAME',
  title: 'MX record points at an alias (CNAME)',
  severity: 'medium',
  references: [`${RFC.dnsClarify}#section-10.3`, `${RFC.smtp}#section-5.1`],
  rationale: 'RFC 2181 §10.3: an MX must name a host, not an alias. Many senders follow the CNAME, some refuse, and the name the server greets with no longer matches the MX.',
  remediation: 'Point the MX record at the canonical host name (the CNAME\'s target) directly.',
  evaluate: (dns, { domain }) => {
    const m = mxHostsOf(dns, domain);
    if ('outcome' in m) return m.outcome;
    const bad = m.hosts.filter((h) => h.cname);
    return bad.length
      ? { status: 'fail', findings: bad.map((h) => ({ severity: 'medium' as const, resource: `mx:${h.exchange}`, evidence: `MX ${h.preference} ${h.exchange} is a CNAME to ${h.cname}` })) }
      : { status: 'pass' };
  },
});
