import { dkimResource, presentKeys } from './dkimShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DKIM-TESTING',
  title: 'DKIM key is in testing mode (t=y)',
  severity: 'low',
  references: [`${RFC.dkim}#section-3.6.1`],
  rationale: 't=y tells verifiers the domain is testing DKIM: they must not treat signed mail differently from unsigned mail, so the signature protects nothing.',
  remediation: 'Remove "y" from the t= tag once signing works.',
  evaluate: (dns, ctx) => {
    const s = presentKeys(dns, ctx);
    if ('outcome' in s) return s.outcome;
    const bad = s.keys.filter((k) => k.key.flags.includes('y'));
    return bad.length ? { status: 'fail', findings: bad.map((k) => ({ severity: 'low' as const, resource: dkimResource(k.name), evidence: `${k.name}: t=${k.key.flags.join(':')}` })) } : { status: 'pass' };
  },
});
