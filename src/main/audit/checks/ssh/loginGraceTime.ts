import { defineCheck } from '../types';
import { SSHD_REFS, sshdResource, value } from './sshdValue';

export const LOGIN_GRACE_LIMIT_S = 60;

export default defineCheck({
  id: 'SSH-LOGIN-GRACE-TIME',
  title: 'SSH keeps unauthenticated connections open long',
  category: 'ssh',
  severity: 'low',
  cis: 'CIS Debian Linux 12 v1.1.0 5.1.13',
  references: SSHD_REFS,
  rationale: 'Unauthenticated connections occupy MaxStartups slots; a long grace time makes it easy to starve legitimate logins.',
  remediation: `Set \`LoginGraceTime ${LOGIN_GRACE_LIMIT_S}\` (seconds, or lower) in sshd_config, check with \`sshd -t\`, then reload sshd.`,
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    // sshd -T prints the value in seconds; 0 means no limit.
    const raw = value(sshd, 'LoginGraceTime');
    const seconds = raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isFinite(seconds)) return { status: 'not-applicable', message: 'LoginGraceTime is not a number of seconds' };
    if (seconds > 0 && seconds <= LOGIN_GRACE_LIMIT_S) return { status: 'pass' };
    return {
      status: 'fail',
      findings: [{ severity: 'low', resource: sshdResource(sshd, 'LoginGraceTime'), evidence: `LoginGraceTime ${seconds === 0 ? '0 (unlimited)' : `${seconds} s`}` }],
    };
  },
});
