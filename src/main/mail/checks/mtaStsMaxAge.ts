import { MAX_AGE_LIMIT_S, MAX_AGE_WARN_S } from '../mtaSts';
import { stsPolicy, stsResource } from './mtaStsShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-MTA-STS-MAX-AGE',
  title: 'MTA-STS max_age out of bounds',
  severity: 'low',
  references: [`${RFC.mtaSts}#section-3.2`],
  rationale: `Senders cache the policy for max_age seconds, at most ${MAX_AGE_LIMIT_S} (RFC 8461 §3.2). A value under a day lets the policy lapse between visits, and a sender that comes back after it expired, on a path where the attacker blocks the HTTPS fetch, delivers without TLS.`,
  remediation: 'Set max_age to weeks (e.g. "max_age: 604800" while testing, "max_age: 1209600" or more in enforce), at most 31557600.',
  evaluate: (dns, ctx) => {
    const s = stsPolicy(dns, ctx);
    if ('outcome' in s) return s.outcome;
    const age = s.policy.maxAge;
    if (age === null) return { status: 'not-applicable', message: 'max_age missing or invalid (see MAIL-MTA-STS-POLICY)' };
    const res = stsResource(ctx.domain, 'max_age');
    if (age > MAX_AGE_LIMIT_S) return { status: 'fail', findings: [{ severity: 'low', resource: res, title: 'MTA-STS max_age above the RFC limit', evidence: `${s.url}: max_age: ${age} (more than ${MAX_AGE_LIMIT_S})` }] };
    if (age < MAX_AGE_WARN_S) return { status: 'fail', findings: [{ severity: 'low', resource: res, title: 'MTA-STS max_age under a day', evidence: `${s.url}: max_age: ${age} s (less than ${MAX_AGE_WARN_S})` }] };
    return { status: 'pass' };
  },
});
