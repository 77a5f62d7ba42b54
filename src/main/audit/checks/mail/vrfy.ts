import { defineCheck } from '../types';
import { loopbackOnly, POSTFIX_REFS } from './postfixExposure';

export default defineCheck({
  id: 'MAIL-VRFY-ENABLED',
  title: 'Postfix answers VRFY (address probing)',
  category: 'mail',
  severity: 'low',
  references: [...POSTFIX_REFS, 'https://www.postfix.org/postconf.5.html#disable_vrfy_command'],
  rationale: 'The SMTP VRFY command tells anyone which mailboxes exist: a free list of valid user names for spam and password guessing.',
  remediation: 'Set `disable_vrfy_command = yes` in /etc/postfix/main.cf and `postfix reload`.',
  fixKind: 'manual',
  requires: ['postfix'],
  evaluate: ({ postfix }) => {
    if (loopbackOnly(postfix)) return { status: 'not-applicable', message: 'smtpd listens on loopback only' };
    if ((postfix.effective.disable_vrfy_command ?? 'no').trim() === 'yes') return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'low', resource: 'postfix:main.cf:disable_vrfy_command', evidence: `disable_vrfy_command = ${postfix.effective.disable_vrfy_command ?? 'no (default)'}` }] };
  },
});
