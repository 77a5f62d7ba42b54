import { dkimResource, presentKeys } from './dkimShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DKIM-KEY-SIZE',
  title: 'DKIM RSA key is too short',
  severity: 'high',
  references: [`${RFC.dkimCrypto}#section-3.2`, `${RFC.dkimEd25519}`],
  rationale: 'RFC 8301 §3.2: verifiers must not accept RSA keys under 1024 bits and signers should use at least 2048; short keys can be factored and signatures forged.',
  remediation: 'Generate a new 2048-bit RSA key (or add an ed25519 key beside it) under a new selector, publish it, switch the signer to it, then remove the old record.',
  evaluate: (dns, ctx) => {
    const s = presentKeys(dns, ctx);
    if ('outcome' in s) return s.outcome;
    const findings = s.keys
      .filter((k) => k.key.keyType === 'rsa' && k.key.bits !== null && k.key.bits < 2048)
      .map((k) => ({
        severity: k.key.bits! < 1024 ? ('high' as const) : ('medium' as const),
        resource: dkimResource(k.name),
        title: k.key.bits! < 1024 ? 'DKIM RSA key under 1024 bits (verifiers reject it)' : 'DKIM RSA key under 2048 bits',
        evidence: `${k.name}: k=rsa, ${k.key.bits}-bit key`,
      }));
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
