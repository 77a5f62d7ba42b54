import { dkimResource, presentKeys } from './dkimShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DKIM-REVOKED',
  title: 'DKIM key is revoked (empty p=)',
  severity: 'medium',
  references: [`${RFC.dkim}#section-3.6.1`],
  rationale: 'An empty p= revokes the key: every signature made with this selector fails. Right after a key rotation that is intended; for a selector still in use it breaks DKIM.',
  remediation: 'If the signer still uses this selector, publish its public key; otherwise stop naming the selector (it is retired).',
  evaluate: (dns, ctx) => {
    const s = presentKeys(dns, ctx);
    if ('outcome' in s) return s.outcome;
    const bad = s.keys.filter((k) => k.key.revoked);
    return bad.length ? { status: 'fail', findings: bad.map((k) => ({ severity: 'medium' as const, resource: dkimResource(k.name), evidence: `${k.name}: ${JSON.stringify(k.key.raw)}` })) } : { status: 'pass' };
  },
});
