import { describeResult } from '../dnsView';
import { mxSet } from './lookups';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-MX-RECORD',
  title: 'The domain has no MX record',
  severity: 'medium',
  references: [`${RFC.smtp}#section-5.1`, `${RFC.nullMx}#section-3`],
  rationale: 'Without MX records senders fall back to the domain\'s own address (implicit MX), which is rarely the mail server; a null MX ("0 .") says the domain takes no mail and must be the only MX record.',
  remediation: 'Publish MX records naming the mail servers (host names with A/AAAA records), or a single null MX "0 ." for a domain that receives no mail.',
  evaluate: (dns, { domain }) => {
    const set = mxSet(dns, domain);
    if (set.kind === 'problem') return set.outcome;
    if (set.kind === 'hosts') return { status: 'pass' };
    if (set.kind === 'null-mx')
      return set.extra.length
        ? { status: 'fail', findings: [{ severity: 'medium', resource: `mx:${domain}`, title: 'Null MX beside other MX records', evidence: `"0 ." and ${set.extra.join(', ')} (RFC 7505 §3: a null MX must be the only one)` }] }
        : { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'medium', resource: `mx:${domain}`, evidence: `MX ${domain}: ${describeResult(set.result)}` }] };
  },
});
