import { defineCheck } from '../types';
import { SSHD_REFS, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-PERMIT-ROOT-LOGIN',
  title: 'Root can log in over SSH',
  category: 'ssh',
  severity: 'high',
  cis: 'CIS Debian Linux 12 v1.1.0 5.1.20',
  references: SSHD_REFS,
  rationale:
    'Direct root logins bypass per-user accountability and make root the account every brute-force attempt targets. Admins should log in as themselves and escalate with sudo.',
  remediation:
    'Set `PermitRootLogin no` in sshd_config (after making sure another account with sudo can log in), check with `sshd -t`, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const v = value(sshd, 'PermitRootLogin');
    if (v === 'no' || v === 'forced-commands-only') return { status: 'pass' };
    const resource = sshdResource(sshd, 'PermitRootLogin');
    if (v === 'prohibit-password' || v === 'without-password')
      return {
        status: 'fail',
        findings: [{ severity: 'low', resource, title: 'Root can log in over SSH with a key', evidence: `PermitRootLogin ${v}` }],
      };
    return { status: 'fail', findings: [{ severity: 'high', resource, title: 'Root can log in over SSH with a password', evidence: `PermitRootLogin ${v || '(unset)'}` }] };
  },
});
