import { defineCheck } from '../types';
import { CIS_DEBIAN12, SSHD_REFS, globalEvidence, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-GSSAPI-AUTH',
  title: 'SSH accepts GSSAPI (Kerberos) authentication',
  category: 'ssh',
  severity: 'low',
  cis: CIS_DEBIAN12('5.1.9'),
  references: [...SSHD_REFS, CIS_DEBIAN12('5.1.9 Ensure sshd GSSAPIAuthentication is disabled')],
  rationale: 'GSSAPI authentication is only useful in a Kerberos realm; elsewhere it adds a pre-authentication code path (and on some clients slow DNS look-ups) for nothing.',
  remediation: 'Set `GSSAPIAuthentication no` (Debian’s default) in sshd_config unless the host is in a Kerberos realm, check with `sshd -t`, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    if (value(sshd, 'GSSAPIAuthentication') !== 'yes') return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'low', resource: sshdResource(sshd, 'GSSAPIAuthentication'), evidence: globalEvidence('GSSAPIAuthentication', 'yes') }] };
  },
});
