import { mxHostsOf } from './mxShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-MX-RESOLVABLE',
  title: 'MX host has no address',
  severity: 'high',
  references: [`${RFC.smtp}#section-5.1`],
  rationale: 'Senders cannot deliver to an MX host whose name has no A or AAAA record; if it is the only (or preferred) MX, mail is delayed or bounced.',
  remediation: 'Publish A/AAAA records for the MX host, or point the MX record at the right host name.',
  evaluate: (dns, { domain }) => {
    const m = mxHostsOf(dns, domain);
    if ('outcome' in m) return m.outcome;
    const bad = m.hosts.filter((h) => h.problem);
    if (bad.length && bad.every((h) => h.problem!.startsWith('lookup failed'))) return { status: 'error', message: bad.map((h) => `${h.exchange}: ${h.problem}`).join('; ') };
    const definite = bad.filter((h) => !h.problem!.startsWith('lookup failed'));
    if (!definite.length) return { status: 'pass' };
    return { status: 'fail', findings: definite.map((h) => ({ severity: 'high' as const, resource: `mx:${h.exchange}`, evidence: `MX ${h.preference} ${h.exchange}: ${h.problem}` })) };
  },
});
