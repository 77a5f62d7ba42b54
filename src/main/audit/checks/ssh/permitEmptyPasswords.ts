import { defineCheck } from '../types';
import { SSHD_REFS, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-PERMIT-EMPTY-PASSWORDS',
  title: 'SSH allows accounts with empty passwords',
  category: 'ssh',
  severity: 'critical',
  cis: 'CIS Debian Linux 12 v1.1.0 5.1.19',
  references: SSHD_REFS,
  rationale: 'Any account without a password could be entered by anyone who can reach the SSH port.',
  remediation: 'Set `PermitEmptyPasswords no` in sshd_config, check with `sshd -t`, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    if (value(sshd, 'PermitEmptyPasswords') !== 'yes') return { status: 'pass' };
    // Without password authentication of any kind, empty passwords cannot be used.
    const pw = value(sshd, 'PasswordAuthentication') === 'yes' || value(sshd, 'KbdInteractiveAuthentication') === 'yes';
    return {
      status: 'fail',
      findings: [
        {
          severity: pw ? 'critical' : 'medium',
          resource: sshdResource(sshd, 'PermitEmptyPasswords'),
          evidence: `PermitEmptyPasswords yes${pw ? ' and password logins are enabled' : ' (password logins are off, so it is latent)'}`,
        },
      ],
    };
  },
});
