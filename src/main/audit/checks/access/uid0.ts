import { defineCheck } from '../types';

export default defineCheck({
  id: 'ACC-UID0',
  title: 'An account other than root has UID 0',
  category: 'access',
  severity: 'critical',
  cis: 'CIS Debian Linux 12 v1.1.0 5.4.2.1',
  references: ['Lynis AUTH-9204'],
  rationale:
    'Every account with UID 0 is root under another name: it bypasses sudo logging and is a classic backdoor. Only root should have UID 0.',
  remediation: 'Remove the account (`userdel NAME`) or give it its own UID (`usermod -u NEW NAME`) after checking what it was for; review how it appeared.',
  fixKind: 'manual',
  requires: ['accounts'],
  evaluate: ({ accounts }) => {
    const extra = accounts.users.filter((u) => u.uid === 0 && u.name !== 'root');
    if (!extra.length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: extra.map((u) => ({
        severity: 'critical' as const,
        resource: `user:${u.name}`,
        evidence: `${u.name} has UID 0 (shell ${u.shell || '/bin/sh'}, home ${u.home})`,
      })),
    };
  },
});
