import { defineCheck } from '../types';
import { notSendingReason } from './health';
import { POSTFIX_REFS } from './postfixExposure';

export default defineCheck({
  id: 'MAIL-SMTP-CLIENT-NO-TLS',
  title: 'Postfix sends mail without trying TLS',
  category: 'mail',
  severity: 'medium',
  references: [...POSTFIX_REFS, 'https://www.postfix.org/TLS_README.html#client_tls_may'],
  rationale:
    'With smtp_tls_security_level empty or none, Postfix never uses STARTTLS when it delivers: every outgoing message crosses the internet in clear text even to receivers that offer TLS, and receivers that require TLS (MTA-STS, DANE, policy) refuse it.',
  remediation: 'Set `smtp_tls_security_level = may` (or `dane` with a DNSSEC-validating resolver), then `postfix reload`.',
  fixKind: 'manual',
  requires: ['postfix'],
  evaluate: ({ postfix }) => {
    const why = notSendingReason(postfix);
    if (why) return { status: 'not-applicable', message: why };
    const e = postfix.effective;
    const level = (e.smtp_tls_security_level ?? '').trim() || ((postfix.explicit.smtp_use_tls ?? '').trim() === 'yes' ? 'may' : 'none');
    if (level !== 'none') return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'medium', resource: 'postfix:main.cf:smtp_tls_security_level', evidence: `smtp_tls_security_level is ${e.smtp_tls_security_level ? `"${e.smtp_tls_security_level}"` : 'empty'}: outgoing mail never uses STARTTLS${e.relayhost ? ` (relayhost = ${e.relayhost})` : ''}` }] };
  },
});
