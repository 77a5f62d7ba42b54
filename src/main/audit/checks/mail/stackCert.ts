import { defineCheck } from '../types';
import { certFindings } from './certExpiry';
import { noContainersMessage, stackLabel } from './stackHelpers';

export default defineCheck({
  id: 'MAIL-STACK-CERT',
  title: "The mail stack's certificate is expired or expiring",
  category: 'mail',
  severity: 'high',
  references: ['https://docs.mailcow.email/post_installation/firststeps-ssl/', 'https://www.postfix.org/TLS_README.html'],
  rationale:
    "A containerised stack keeps its certificate on the host (Mailcow: data/assets/ssl/cert.pem, mounted at /etc/ssl/mail into Postfix and Dovecot). When its renewal (Mailcow's acme container) fails, mail clients refuse IMAP and submission, and senders that verify (DANE, MTA-STS) stop delivering. Read on the host: the first CERTIFICATE block only, never key.pem.",
  remediation: 'Look at the renewal: Mailcow `docker compose logs --tail 200 acme-mailcow`; after a renewal restart Postfix and Dovecot (`docker compose restart postfix-mailcow dovecot-mailcow`).',
  fixKind: 'manual',
  requires: ['mailStack'],
  evaluate: ({ mailStack }) => {
    if (!mailStack.certs.length) return { status: 'not-applicable', message: mailStack.dockerError ? noContainersMessage(mailStack) : 'no certificate mounted into the mail stack at /etc/ssl/mail' };
    if (mailStack.now === null) return { status: 'not-applicable', message: "the host's clock was not read" };
    const findings = certFindings(mailStack.certs, mailStack.now, 'stack:cert:').map((f) => ({ ...f, evidence: `${f.evidence} (${stackLabel(mailStack)})` }));
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
