import { dkimResource, selectorKeys } from './dkimShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DKIM-RECORD',
  title: 'DKIM selector has no key record',
  severity: 'high',
  references: [`${RFC.dkim}#section-3.6.2`, `${RFC.dkim}#section-6.1.2`],
  rationale: 'Mail signed with a selector whose key is not in DNS fails DKIM verification (RFC 6376 §6.1.2), and DMARC then rests on SPF alone, which forwarding breaks.',
  remediation: 'Publish the signer\'s public key as one TXT record at SELECTOR._domainkey.DOMAIN ("v=DKIM1; k=rsa; p=…"), exactly as the signing software (opendkim, rspamd, Mailcow) prints it.',
  evaluate: (dns, ctx) => {
    const s = selectorKeys(dns, ctx);
    if ('outcome' in s) return s.outcome;
    const bad = s.keys.filter((k) => k.kind !== 'key');
    if (!bad.length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: bad.map((k) =>
        k.kind === 'missing'
          ? { severity: 'high' as const, resource: dkimResource(k.name), evidence: k.evidence }
          : { severity: 'high' as const, resource: dkimResource(k.name), title: 'DKIM selector has several key records', evidence: k.kind === 'several' ? k.records.map((r) => JSON.stringify(r)).join('; ') : '' },
      ),
    };
  },
});
