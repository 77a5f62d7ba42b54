import type { FindingDraft } from '../../audit/checks/types';
import { describeResult } from '../dnsView';
import { reverseName } from '../resolver';
import { mxAddresses } from './lookups';
import { mxHostsOf } from './mxShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-MX-PTR',
  title: 'MX address has no forward-confirmed reverse DNS',
  severity: 'medium',
  references: [`${RFC.smtp}#section-4.1.4`, 'https://www.rfc-editor.org/rfc/rfc8601#section-2.7.3'],
  rationale: 'Receivers check that a sending address has a PTR record whose name resolves back to the same address (FCrDNS); mail from an address without it is often refused or scored as spam. The MX usually also sends.',
  remediation: 'Ask whoever owns the address (hosting provider, ISP) to set its PTR to the mail host\'s name, and make sure that name has an A/AAAA record with this address.',
  evaluate: (dns, { domain }) => {
    const m = mxHostsOf(dns, domain);
    if ('outcome' in m) return m.outcome;
    const addrs = mxAddresses({ kind: 'hosts', hosts: m.hosts });
    if (!addrs.length) return { status: 'not-applicable', message: 'no MX host has an address' };
    const findings: FindingDraft[] = [];
    const errors: string[] = [];
    for (const { exchange, address } of addrs) {
      const rev = reverseName(address);
      const ptr = dns.lookup(rev, 'PTR');
      if (ptr.kind === 'pending') return { status: 'error', message: `PTR ${rev}: not looked up yet` };
      if (ptr.kind === 'error') {
        errors.push(`PTR ${address}: ${describeResult(ptr)}`);
        continue;
      }
      if (ptr.kind !== 'answer') {
        findings.push({ severity: 'medium', resource: `ptr:${address}`, title: 'MX address has no PTR record', evidence: `${address} (MX ${exchange}): ${describeResult(ptr)}` });
        continue;
      }
      const type = address.includes(':') ? 'AAAA' : 'A';
      let confirmed = false;
      const seen: string[] = [];
      for (const name of ptr.data) {
        const fwd = dns.lookup(name, type);
        if (fwd.kind === 'pending') return { status: 'error', message: `${type} ${name}: not looked up yet` };
        seen.push(`${name} → ${describeResult(fwd)}`);
        if (fwd.kind === 'answer' && fwd.data.includes(address)) confirmed = true;
      }
      if (!confirmed) findings.push({ severity: 'medium', resource: `ptr:${address}`, evidence: `${address} (MX ${exchange}): PTR ${seen.join('; ')}; no name resolves back to ${address}` });
      else if (!ptr.data.includes(exchange)) {
        // FCrDNS holds; a PTR naming another host is common (shared hosting) and not a finding.
      }
    }
    if (findings.length) return { status: 'fail', findings };
    if (errors.length) return { status: 'error', message: errors.join('; ') };
    return { status: 'pass' };
  },
});
