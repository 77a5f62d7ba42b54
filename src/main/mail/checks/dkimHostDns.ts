import { hostDkimResource, hostKeysWithDns, keyWhere } from './dkimHostShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DKIM-HOST-DNS',
  title: 'Selector configured on the mail host has no DNS key',
  severity: 'high',
  references: [`${RFC.dkim}#section-3.6.2`],
  rationale: 'The mail host signs with this selector (its opendkim or rspamd configuration says so), but no single key record is published for it: every message it signs fails DKIM at the receiver, and DMARC rests on SPF alone.',
  remediation: 'Publish the key the host signs with: on the host, "openssl pkey -in KEYFILE -pubout" prints the public key; publish its base64 body as "v=DKIM1; k=rsa; p=…" at SELECTOR._domainkey.DOMAIN (or stop signing with that selector).',
  evaluate: (dns, ctx) => {
    const s = hostKeysWithDns(dns, ctx);
    if ('outcome' in s) return s.outcome;
    const missing = s.pairs.filter((p) => p.dns.kind !== 'key');
    if (!missing.length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: missing.map((p) => ({
        severity: 'high' as const,
        resource: hostDkimResource(p.host),
        evidence: `${ctx.hostDkim!.host}: ${keyWhere(p.host)}; DNS ${p.dns.name}: ${p.dns.kind === 'missing' ? p.dns.evidence : 'several key records'}`,
      })),
    };
  },
});
