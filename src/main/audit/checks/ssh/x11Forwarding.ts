import { defineCheck } from '../types';
import { SSHD_REFS, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-X11-FORWARDING',
  title: 'SSH X11 forwarding is enabled',
  category: 'ssh',
  severity: 'low',
  cis: 'CIS Debian Linux 12 v1.1.0 5.1.8',
  references: SSHD_REFS,
  rationale: 'Servers rarely need X11; forwarding exposes the client’s display to a compromised server and widens the attack surface.',
  remediation: 'Set `X11Forwarding no` (or `DisableForwarding yes`) in sshd_config, check with `sshd -t`, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    if (value(sshd, 'X11Forwarding') !== 'yes' || value(sshd, 'DisableForwarding') === 'yes') return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'low', resource: sshdResource(sshd, 'X11Forwarding'), evidence: 'X11Forwarding yes' }] };
  },
});
