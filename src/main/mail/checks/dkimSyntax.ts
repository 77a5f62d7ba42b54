import { dkimResource, presentKeys } from './dkimShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DKIM-SYNTAX',
  title: 'DKIM key record has a syntax error',
  severity: 'high',
  references: [`${RFC.dkim}#section-3.6.1`, `${RFC.dkimEd25519}#section-4`],
  rationale: 'A verifier that cannot parse the key record (bad tags, unknown key type, a p= that is not a key) treats signatures as failing.',
  remediation: 'Re-publish the record as the signing software prints it: tag=value pairs separated by ";", v=DKIM1 first if present, k=rsa or k=ed25519, p= the base64 public key (long keys split into several strings of one TXT record, not several records).',
  evaluate: (dns, ctx) => {
    const s = presentKeys(dns, ctx);
    if ('outcome' in s) return s.outcome;
    const bad = s.keys.filter((k) => k.key.errors.length);
    if (!bad.length) return { status: 'pass' };
    return { status: 'fail', findings: bad.map((k) => ({ severity: 'high' as const, resource: dkimResource(k.name), evidence: `${k.name}: ${k.key.errors.join('; ')}` })) };
  },
});
