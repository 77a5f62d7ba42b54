import { defineCheck } from '../types';
import { CIS_DEBIAN12, SSHD_REFS, globalEvidence, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-BANNER',
  title: 'SSH shows no warning banner before login',
  category: 'ssh',
  // A banner is a legal notice, not a control: nothing gets easier for an attacker without it.
  severity: 'info',
  cis: CIS_DEBIAN12('5.1.5'),
  references: [...SSHD_REFS, CIS_DEBIAN12('5.1.5 Ensure sshd Banner is configured')],
  rationale:
    'A pre-login banner states that access is for authorised users and monitored; some policies and legal systems expect it before unauthorised access can be pursued. It protects nothing technically, so this is informational — and the banner must not name the OS or its version.',
  remediation: 'Write the notice to /etc/issue.net (no OS name or version), set `Banner /etc/issue.net` in sshd_config, check with `sshd -t`, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const v = value(sshd, 'Banner');
    if (v && v !== 'none') return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'info', resource: sshdResource(sshd, 'Banner'), evidence: globalEvidence('Banner', v || 'none', 'no notice is shown before login') }] };
  },
});
