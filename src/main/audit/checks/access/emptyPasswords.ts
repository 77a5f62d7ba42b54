import { accountPasswordState, isLoginShell } from '../../parsers/accounts';
import { defineCheck, type FindingDraft } from '../types';

export default defineCheck({
  id: 'ACC-EMPTY-PASSWORD',
  title: 'An account has an empty password',
  category: 'access',
  severity: 'critical',
  cis: 'CIS Debian Linux 12 v1.1.0 7.2.2',
  references: ['https://manpages.debian.org/bookworm/passwd/shadow.5.en.html'],
  rationale:
    'An empty password field lets anyone log in as that account without a password wherever password logins are accepted (console, su, and SSH if PermitEmptyPasswords is on).',
  remediation: 'Lock the password (`passwd -l NAME`) or set one (`passwd NAME`); if the account should not log in at all, also set its shell to /usr/sbin/nologin.',
  fixKind: 'manual',
  requires: ['accounts', 'shadow'],
  evaluate: ({ accounts, shadow }) => {
    const findings: FindingDraft[] = [];
    for (const u of accounts.users) {
      if (accountPasswordState(u, shadow) !== 'empty') continue;
      const login = isLoginShell(u.shell);
      const where = u.passwdField === 'empty' ? '/etc/passwd' : '/etc/shadow';
      findings.push({
        severity: login ? 'critical' : 'medium',
        resource: `user:${u.name}`,
        evidence: `${u.name} (UID ${u.uid}) has an empty password field in ${where}; shell ${u.shell || '/bin/sh'}${login ? '' : ' (no login shell)'}`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
