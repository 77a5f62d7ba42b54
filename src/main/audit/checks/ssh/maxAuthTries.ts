import { defineCheck } from '../types';
import { SSHD_REFS, sshdResource, value } from './sshdValue';

export const MAX_AUTH_TRIES_LIMIT = 4;

export default defineCheck({
  id: 'SSH-MAX-AUTH-TRIES',
  title: 'SSH allows many authentication attempts per connection',
  category: 'ssh',
  severity: 'medium',
  cis: 'CIS Debian Linux 12 v1.1.0 5.1.16',
  references: SSHD_REFS,
  rationale: 'Each connection may try this many credentials; a low limit slows brute force and makes attacks visible in the logs sooner.',
  remediation: `Set \`MaxAuthTries ${MAX_AUTH_TRIES_LIMIT}\` (or lower) in sshd_config, check with \`sshd -t\`, then reload sshd.`,
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const raw = value(sshd, 'MaxAuthTries');
    const n = raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isInteger(n)) return { status: 'not-applicable', message: `MaxAuthTries is "${raw}", not a number` };
    if (n <= MAX_AUTH_TRIES_LIMIT) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'medium', resource: sshdResource(sshd, 'MaxAuthTries'), evidence: `MaxAuthTries ${n} (at most ${MAX_AUTH_TRIES_LIMIT} recommended)` }] };
  },
});
