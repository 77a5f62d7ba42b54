import { defineCheck } from '../types';
import { CIS_DEBIAN12, SSHD_REFS, globalEvidence, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-USE-PAM',
  title: 'SSH logins bypass PAM',
  category: 'ssh',
  severity: 'low',
  cis: CIS_DEBIAN12('5.1.22'),
  references: [...SSHD_REFS, CIS_DEBIAN12('5.1.22 Ensure sshd UsePAM is enabled')],
  rationale:
    'With UsePAM no the PAM account and session rules do not apply to SSH logins: no pam_faillock lock-outs, pam_access rules, pam_limits limits or pam_loginuid audit identity, and a second factor configured in PAM is skipped. The rest of the system’s login policy silently stops at sshd.',
  remediation: 'Set `UsePAM yes` (Debian’s default) in sshd_config, check with `sshd -t`, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const v = value(sshd, 'UsePAM');
    if (v !== 'no') return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'low', resource: sshdResource(sshd, 'UsePAM'), evidence: globalEvidence('UsePAM', 'no') }] };
  },
});
