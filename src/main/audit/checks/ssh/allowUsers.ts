import { defineCheck } from '../types';
import { SSHD_REFS, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-NO-ALLOW-USERS',
  title: 'SSH does not limit which accounts may log in',
  category: 'ssh',
  severity: 'low',
  cis: 'CIS Debian Linux 12 v1.1.0 5.1.4 (sshd access is configured)',
  references: SSHD_REFS,
  rationale:
    'Without AllowUsers or AllowGroups every account with a shell and a credential can log in over SSH, including service accounts that got a password or key by accident. An allow list keeps SSH to the people who administer the server.',
  remediation: 'Add `AllowGroups sshusers` (and put the admins in that group) or `AllowUsers alice bob` to sshd_config, check with `sshd -t`, then reload sshd — from a second session, so a mistake does not lock you out.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    if (value(sshd, 'AllowUsers') || value(sshd, 'AllowGroups')) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'low', resource: sshdResource(sshd, 'AllowUsers'), evidence: 'neither AllowUsers nor AllowGroups is set' }] };
  },
});
