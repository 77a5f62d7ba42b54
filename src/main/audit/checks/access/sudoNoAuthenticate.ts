import { defineCheck } from '../types';
import { SUDO_REFS, sudoersResource } from './sudoersRefs';

export default defineCheck({
  id: 'ACC-SUDO-NO-AUTHENTICATE',
  title: 'sudo authentication is turned off',
  category: 'access',
  severity: 'high',
  cis: 'CIS Debian Linux 12 v1.1.0 5.2.5',
  references: SUDO_REFS,
  rationale: '`Defaults !authenticate` makes sudo ask nobody in its scope for a password: every sudo rule there behaves like NOPASSWD.',
  remediation: 'Remove `!authenticate` from the Defaults line (`visudo -f FILE`).',
  fixKind: 'manual',
  requires: ['sudoers'],
  evaluate: ({ sudoers }) => {
    const bad = sudoers.defaults.filter((d) => d.noAuthenticate);
    if (!bad.length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: bad.map((d) => ({
        severity: 'high' as const,
        resource: sudoersResource(d.file, d.line),
        evidence: `${d.file}:${d.line}: Defaults${d.scope ?? ''} !authenticate${d.scope ? ` (applies to ${d.scope})` : ' (applies to every rule)'}`,
      })),
    };
  },
});
