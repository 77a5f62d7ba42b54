import { isMxSmtp, where } from '../smtpFacts';
import { perPort, SMTP_RFC } from './smtpShared';
import { defineMailCheck } from './types';

/** Reported by MAIL-TLS-EXPIRY, not here. */
const EXPIRY_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

export default defineMailCheck({
  id: 'MAIL-TLS-CHAIN',
  title: 'Mail server certificate does not chain to a trusted CA',
  severity: 'high',
  references: [`${SMTP_RFC.pkix}#section-6`, 'https://www.rfc-editor.org/rfc/rfc8461#section-4.2', `${SMTP_RFC.implicitTls}#section-4.1`],
  rationale: 'Mail clients (465, 587, 993, 995) refuse or warn on an untrusted certificate, and senders that enforce MTA-STS will not deliver to an MX whose certificate does not verify. On port 25 most senders still deliver (opportunistic TLS), so it weighs less there.',
  remediation: 'Serve a certificate from a public CA (e.g. Let\'s Encrypt) together with its intermediate certificates (Postfix: smtpd_tls_chain_files or a full-chain smtpd_tls_cert_file; Dovecot: ssl_cert = <fullchain.pem).',
  evaluate: (dns, ctx) =>
    perPort(
      dns,
      ctx,
      (p) => p.state === 'tls' && p.tls !== null,
      (p) => {
        const t = p.tls!;
        if (t.authorized || EXPIRY_ERRORS.has(t.authorizationError ?? '')) return {};
        const leaf = t.chain[0];
        return {
          findings: [
            {
              severity: isMxSmtp(p) ? 'medium' : 'high',
              resource: `tls:${p.host}/${p.address}:${p.port}`,
              evidence: `${where(p)}: ${t.authorizationError}${leaf ? `; certificate "${leaf.subject}" issued by "${leaf.issuer}", ${t.chain.length} certificate${t.chain.length === 1 ? '' : 's'} in the chain` : ''}`,
            },
          ],
        };
      },
      'no TLS handshake succeeded',
    ),
});
