import { defineCheck } from '../types';
import { loopbackOnly, POSTFIX_REFS } from './postfixExposure';

export default defineCheck({
  id: 'MAIL-BANNER-VERSION',
  title: 'Postfix SMTP banner shows its version',
  category: 'mail',
  severity: 'low',
  references: [...POSTFIX_REFS, 'https://www.postfix.org/postconf.5.html#smtpd_banner'],
  rationale: 'A version in the greeting lets scanners match the server to known vulnerabilities without trying them.',
  remediation: 'Set `smtpd_banner = $myhostname ESMTP` in /etc/postfix/main.cf and `postfix reload`.',
  fixKind: 'manual',
  requires: ['postfix'],
  evaluate: ({ postfix }) => {
    if (loopbackOnly(postfix)) return { status: 'not-applicable', message: 'smtpd listens on loopback only' };
    const raw = postfix.explicit.smtpd_banner ?? '';
    const version = (postfix.effective.mail_version ?? '').trim();
    const banner = postfix.effective.smtpd_banner ?? raw;
    if (!/\$\{?mail_version\}?/.test(raw) && !(version && banner.includes(version))) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'low', resource: 'postfix:main.cf:smtpd_banner', evidence: `smtpd_banner = ${raw || banner}` }] };
  },
});
