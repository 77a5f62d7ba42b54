import { dkimResource, presentKeys } from './dkimShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DKIM-SHA1',
  title: 'DKIM key allows SHA-1 signatures',
  severity: 'high',
  references: [`${RFC.dkimCrypto}#section-3.1`],
  rationale: 'RFC 8301 §3.1: signers must not use rsa-sha1 and verifiers must not accept it. A key limited to h=sha1 can only make signatures receivers reject.',
  remediation: 'Remove the h= tag (or set h=sha256) and sign with rsa-sha256.',
  evaluate: (dns, ctx) => {
    const s = presentKeys(dns, ctx);
    if ('outcome' in s) return s.outcome;
    const findings = s.keys
      .filter((k) => k.key.hashes?.includes('sha1'))
      .map((k) => {
        const only = !k.key.hashes!.includes('sha256');
        return { severity: only ? ('high' as const) : ('low' as const), resource: dkimResource(k.name), title: only ? 'DKIM key only allows SHA-1 signatures' : 'DKIM key still allows SHA-1 signatures', evidence: `${k.name}: h=${k.key.hashes!.join(':')}` };
      });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
