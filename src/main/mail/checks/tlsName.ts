import { isMxSmtp, where } from '../smtpFacts';
import { perPort, SMTP_RFC } from './smtpShared';
import { defineMailCheck } from './types';

export default defineMailCheck({
  id: 'MAIL-TLS-NAME',
  title: 'Mail server certificate does not name the host',
  severity: 'high',
  references: [`${SMTP_RFC.names}#section-6`, 'https://www.rfc-editor.org/rfc/rfc8461#section-4.1', `${SMTP_RFC.daneSmtp}#section-3.2.3`],
  rationale: 'Clients check that the certificate names the host they connected to (the MX name for MTA-STS senders, the configured server name for mail clients); a certificate for another name fails that check. Hosts given by address have no name to check.',
  remediation: 'Issue the certificate for the MX / mail host name (subjectAltName DNS entries for every name clients use), or point the MX and client settings at a name the certificate covers.',
  evaluate: (dns, ctx) =>
    perPort(
      dns,
      ctx,
      (p) => p.state === 'tls' && p.tls !== null && p.tls.nameMatch !== null,
      (p) =>
        p.tls!.nameMatch
          ? {}
          : {
              findings: [
                {
                  severity: isMxSmtp(p) ? 'medium' : 'high',
                  resource: `tls:${p.host}/${p.address}:${p.port}`,
                  evidence: `${where(p)}: ${p.tls!.nameError ?? 'name mismatch'} (certificate names: ${p.tls!.chain[0]?.altNames.join(', ') || `CN ${p.tls!.chain[0]?.subject ?? '?'}`})`,
                },
              ],
            },
      'no TLS handshake with a host name succeeded (hosts given by address have no name to check)',
    ),
});
