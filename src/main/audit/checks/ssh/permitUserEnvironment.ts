import { defineCheck } from '../types';
import { SSHD_REFS, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-PERMIT-USER-ENVIRONMENT',
  title: 'SSH lets users set environment variables for sshd',
  category: 'ssh',
  severity: 'medium',
  references: [...SSHD_REFS, 'Lynis SSH-7408'],
  rationale: 'With PermitUserEnvironment, ~/.ssh/environment and environment= in authorized_keys can set LD_PRELOAD and similar variables, bypassing forced commands and other key restrictions.',
  remediation: 'Set `PermitUserEnvironment no` (the default) in sshd_config, check with `sshd -t`, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const v = value(sshd, 'PermitUserEnvironment');
    if (!v || v === 'no') return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'medium', resource: sshdResource(sshd, 'PermitUserEnvironment'), evidence: `PermitUserEnvironment ${v}` }] };
  },
});
