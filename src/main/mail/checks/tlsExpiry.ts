import { where } from '../smtpFacts';
import { perPort, SMTP_RFC } from './smtpShared';
import { defineMailCheck } from './types';

/** Warn this long before a certificate expires. */
export const EXPIRY_WARN_DAYS = 30;
const DAY_MS = 86_400_000;

export default defineMailCheck({
  id: 'MAIL-TLS-EXPIRY',
  title: 'Mail server certificate expired or expires soon',
  severity: 'high',
  references: [`${SMTP_RFC.pkix}#section-4.1.2.5`],
  rationale: 'An expired certificate breaks mail clients and MTA-STS/DANE-TA senders; one that expires within 30 days shows renewal is not working (automated renewals run 30 days ahead).',
  remediation: 'Renew the certificate (certbot renew, or your CA), make sure the MTA and IMAP/POP3 servers are reloaded after renewal, and that the renewal job runs.',
  evaluate: (dns, ctx) =>
    perPort(
      dns,
      ctx,
      (p) => p.state === 'tls' && (p.tls?.chain.length ?? 0) > 0,
      (p, facts) => {
        const leaf = p.tls!.chain[0]!;
        const now = Date.parse(facts.probedAt);
        const resource = `tls:${p.host}/${p.address}:${p.port}`;
        const notAfter = Date.parse(leaf.notAfter);
        const notBefore = Date.parse(leaf.notBefore);
        const cert = `certificate "${leaf.subject}"`;
        if (notAfter < now) return { findings: [{ severity: 'high', resource, title: 'Mail server certificate has expired', evidence: `${where(p)}: ${cert} expired on ${leaf.notAfter} (${Math.floor((now - notAfter) / DAY_MS)} days ago)` }] };
        if (notBefore > now) return { findings: [{ severity: 'high', resource, title: 'Mail server certificate is not valid yet', evidence: `${where(p)}: ${cert} is valid from ${leaf.notBefore}` }] };
        const days = Math.floor((notAfter - now) / DAY_MS);
        if (days < EXPIRY_WARN_DAYS) return { findings: [{ severity: 'medium', resource, title: 'Mail server certificate expires soon', evidence: `${where(p)}: ${cert} expires on ${leaf.notAfter} (in ${days} days)` }] };
        return {};
      },
      'no TLS handshake succeeded',
    ),
});
