import { defineCheck } from '../types';
import { exposureText, loopbackOnly, POSTFIX_REFS } from './postfixExposure';

export default defineCheck({
  id: 'MAIL-SMTPD-NO-TLS',
  title: 'Postfix does not offer STARTTLS',
  category: 'mail',
  severity: 'medium',
  references: [...POSTFIX_REFS, 'https://www.postfix.org/TLS_README.html'],
  rationale: 'Without STARTTLS, mail to this server (and any SMTP AUTH password) crosses the network in clear text, and many senders rate the server as untrustworthy.',
  remediation: 'Set `smtpd_tls_security_level = may` with `smtpd_tls_chain_files` (or smtpd_tls_cert_file/key_file) pointing at a valid certificate (e.g. Let’s Encrypt), then `postfix reload`; check with `swaks --tls`.',
  fixKind: 'manual',
  requires: ['postfix'],
  evaluate: ({ postfix }) => {
    if (loopbackOnly(postfix)) return { status: 'not-applicable', message: 'smtpd listens on loopback only' };
    const e = postfix.effective;
    const level = (e.smtpd_tls_security_level ?? '').trim() || ((e.smtpd_use_tls ?? '').trim() === 'yes' ? 'may' : 'none');
    const cert = (e.smtpd_tls_chain_files ?? '').trim() || (e.smtpd_tls_cert_file ?? '').trim();
    if (level !== 'none' && cert) return { status: 'pass' };
    const why = level === 'none' ? `smtpd_tls_security_level is ${e.smtpd_tls_security_level ? `"${e.smtpd_tls_security_level}"` : 'empty'}` : `smtpd_tls_security_level = ${level} but no certificate is configured (smtpd_tls_chain_files / smtpd_tls_cert_file)`;
    return { status: 'fail', findings: [{ severity: 'medium', resource: 'postfix:main.cf:smtpd_tls_security_level', evidence: `${why}; ${exposureText(postfix)}` }] };
  },
});
