import type { Severity } from '../../../shared/domain';
import { spfResource, spfWalkOf } from './spfShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-SPF-ALL',
  title: 'SPF does not end in -all',
  severity: 'high',
  references: [`${RFC.spf}#section-5.1`, `${RFC.spf}#appendix-A`],
  rationale:
    '"+all" authorises every server on the internet and "?all" says nothing; without a final "all" (or a redirect) the default is neutral. "~all" (softfail) asks receivers to accept but mark; "-all" lets them refuse.',
  remediation: 'End the record with "-all" once every sending server is listed (or "~all" while checking DMARC reports).',
  evaluate: (dns, { domain }) => {
    const w = spfWalkOf(dns, domain);
    if ('outcome' in w) return w.outcome;
    const parsed = w.walk.root.parsed!;
    const all = parsed.terms.find((t) => t.kind === 'mechanism' && t.name === 'all');
    const res = spfResource(domain);
    if (!all || all.kind !== 'mechanism') {
      if (parsed.redirect) return { status: 'pass' };
      return { status: 'fail', findings: [{ severity: 'medium', resource: res, title: 'SPF has no "all" term (default neutral)', evidence: w.walk.root.record! }] };
    }
    const bad: Record<string, [Severity, string] | undefined> = {
      '+': ['high', `SPF "${all.raw}" authorises every server`],
      '?': ['medium', `SPF "${all.raw}" is neutral for everyone else`],
      '~': ['low', 'SPF ends in ~all (softfail), not -all'],
    };
    const b = bad[all.qualifier];
    if (!b) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: b[0], resource: res, title: b[1], evidence: w.walk.root.record! }] };
  },
});
