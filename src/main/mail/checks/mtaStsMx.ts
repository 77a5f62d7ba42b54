import { mxPatternMatches } from '../mtaSts';
import { mxSet } from './lookups';
import { stsPolicy, stsResource } from './mtaStsShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-MTA-STS-MX',
  title: 'MX host not covered by the MTA-STS policy',
  severity: 'high',
  references: [`${RFC.mtaSts}#section-4.1`],
  rationale: 'A sender applying the policy delivers only to MX hosts matching one of its mx: patterns ("*.example.com" matches one label). In enforce mode an MX the patterns miss never gets mail from those senders; in testing mode they report it as a failure.',
  remediation: 'Add an "mx: HOST" line (or a "*.DOMAIN" pattern) for every MX host, then change the id= of the _mta-sts record so senders fetch the new policy.',
  evaluate: (dns, ctx) => {
    const s = stsPolicy(dns, ctx);
    if ('outcome' in s) return s.outcome;
    const set = mxSet(dns, ctx.domain);
    if (set.kind === 'problem') return set.outcome;
    if (set.kind !== 'hosts') return { status: 'not-applicable', message: 'the domain has no MX hosts' };
    const missed = set.hosts.filter((h) => !s.policy.mx.some((p) => mxPatternMatches(p, h.exchange)));
    if (!missed.length) return { status: 'pass' };
    const severity = s.policy.mode === 'enforce' ? ('high' as const) : ('medium' as const);
    return {
      status: 'fail',
      findings: missed.map((h) => ({
        severity,
        resource: stsResource(ctx.domain, `mx:${h.exchange}`),
        evidence: `MX ${h.preference} ${h.exchange} matches none of the policy's patterns (${s.policy.mx.map((p) => `mx: ${p}`).join(', ') || 'none'}) in ${s.url}, mode ${s.policy.mode ?? '?'}`,
      })),
    };
  },
});
