import { dnsKeyToSpki } from '../hostDkim';
import { hostDkimResource, hostKeysWithDns, keyWhere, pTag } from './dkimHostShared';
import { defineMailCheck, RFC } from './types';

export default defineMailCheck({
  id: 'MAIL-DKIM-HOST-MATCH',
  title: 'DNS DKIM key does not match the mail host\'s private key',
  severity: 'critical',
  references: [`${RFC.dkim}#section-6.1.3`, `${RFC.dkim}#section-3.6.1`],
  rationale: 'The public key in DNS must be the pair of the private key the host signs with; when they differ (a key rotated on the server but not in DNS, or the reverse) every signature fails verification, so all mail from the domain fails DKIM. The comparison uses the public key computed on the host: the private key never leaves it.',
  remediation: 'On the host, "openssl pkey -in KEYFILE -pubout" prints the public key of the signing key; publish its base64 body as p= at SELECTOR._domainkey.DOMAIN, or point the signer back at the key that DNS publishes. Rotate with a new selector to avoid a window of failures.',
  evaluate: (dns, ctx) => {
    const s = hostKeysWithDns(dns, ctx);
    if ('outcome' in s) return s.outcome;
    const findings = [];
    let compared = 0;
    for (const { host, dns: d } of s.pairs) {
      if (d.kind !== 'key') continue; // MAIL-DKIM-HOST-DNS
      const where = `${ctx.hostDkim!.host}: ${keyWhere(host)}`;
      if (!host.publicKey) {
        findings.push({ severity: 'high' as const, resource: hostDkimResource(host), title: 'DKIM key file on the mail host cannot be read', evidence: `${where}: ${host.problem ?? 'no public key'}` });
        continue;
      }
      const p = pTag(d.key.raw);
      if (!p || d.key.revoked) continue; // revoked or invalid: the DKIM record checks say so
      compared++;
      const published = dnsKeyToSpki(p, d.key.keyType);
      if (published !== host.publicKey)
        findings.push({
          severity: 'critical' as const,
          resource: hostDkimResource(host),
          evidence: `${where} is ${host.keyType ?? '?'}${host.bits ? ` ${host.bits} bits` : ''}; ${d.name} publishes ${published ? `another ${d.key.keyType} key${d.key.bits ? ` (${d.key.bits} bits)` : ''}` : 'a key that cannot be read'}: signatures made on the host fail verification`,
        });
    }
    if (findings.length) return { status: 'fail', findings };
    return compared ? { status: 'pass' } : { status: 'not-applicable', message: 'no selector of the host has a usable DNS key to compare' };
  },
});
