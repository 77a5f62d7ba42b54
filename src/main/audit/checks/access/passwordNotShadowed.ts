import { defineCheck } from '../types';

export default defineCheck({
  id: 'ACC-PASSWORD-NOT-SHADOWED',
  title: 'A password hash is stored in /etc/passwd',
  category: 'access',
  severity: 'high',
  cis: 'CIS Debian Linux 12 v1.1.0 7.2.1',
  references: ['https://manpages.debian.org/bookworm/passwd/pwconv.8.en.html'],
  rationale: '/etc/passwd is readable by every user: a hash stored there can be copied and cracked offline. Hashes belong in /etc/shadow, readable only by root.',
  remediation: 'Run `pwconv` to move the hashes to /etc/shadow (then check with `pwck -r`).',
  fixKind: 'manual',
  requires: ['accounts'],
  evaluate: ({ accounts }) => {
    const bad = accounts.users.filter((u) => u.passwdField === 'set');
    if (!bad.length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: bad.map((u) => ({ severity: 'high' as const, resource: `user:${u.name}`, evidence: `${u.name}'s password hash is in the world-readable /etc/passwd` })),
    };
  },
});
