import type { Severity } from '../../../shared/domain';
import type { FindingDraft } from '../../audit/checks/types';
import { dmarcOf, dmarcResource } from './dmarcShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DMARC-POLICY',
  title: 'DMARC policy is monitoring only',
  severity: 'medium',
  references: [`${RFC.dmarc}#section-4.7`, `${RFC.dmarc}#section-5.5`],
  rationale: 'p=none only asks for reports: receivers deliver mail that fails DMARC as if there were no record, so the domain can still be spoofed. sp= and np= set the policy of subdomains and of names that do not exist.',
  remediation: 'After the aggregate reports show all legitimate mail passing, set p=quarantine, then p=reject; set sp=/np= no weaker than p= unless a subdomain needs it.',
  evaluate: (dns, { domain }) => {
    const d = dmarcOf(dns, domain);
    if (!('dmarc' in d)) return d.outcome;
    const { record, discovery, own } = d.dmarc;
    const res = dmarcResource(discovery.policyDomain!);
    const findings: FindingDraft[] = [];
    const p = record.p ?? 'none';
    const where = own ? discovery.foundAt! : `${discovery.foundAt} (inherited by the tree walk)`;
    // For a subdomain that inherits the record, sp= applies (RFC 9989 §4.7), falling back to p=.
    const effective = own ? p : (record.sp ?? p);
    const sev: Severity = 'medium';
    if (effective === 'none')
      findings.push({ severity: sev, resource: res, evidence: `${where}: ${own ? `p=${record.p ?? '(missing)'}` : `sp=${record.sp ?? `(absent, p=${p})`}`}; adkim=${record.adkim}, aspf=${record.aspf}` });
    else {
      const rank = { none: 0, quarantine: 1, reject: 2 } as const;
      if (own && record.sp && rank[record.sp] < rank[p]) findings.push({ severity: 'low', resource: `${res}:sp`, title: 'DMARC subdomain policy (sp=) is weaker than p=', evidence: `${where}: p=${p}, sp=${record.sp}` });
      if (own && record.np && rank[record.np] < rank[p]) findings.push({ severity: 'low', resource: `${res}:np`, title: 'DMARC policy for non-existent subdomains (np=) is weaker than p=', evidence: `${where}: p=${p}, np=${record.np}` });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
