import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { SSHD_REFS, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-HOSTBASED-AUTH',
  title: 'SSH trusts other hosts (host-based / rhosts authentication)',
  category: 'ssh',
  severity: 'medium',
  cis: 'CIS Debian Linux 12 v1.1.0 5.1.10, 5.1.11',
  references: [...SSHD_REFS, 'Lynis SSH-7408'],
  rationale: 'Host-based authentication and .rhosts/.shosts files let users of another machine in without a key or password of their own: compromising that machine is enough.',
  remediation: 'Set `HostbasedAuthentication no` and `IgnoreRhosts yes` in sshd_config (both are the defaults), check with `sshd -t`, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const findings: FindingDraft[] = [];
    if (value(sshd, 'HostbasedAuthentication') === 'yes')
      findings.push({ severity: 'medium', resource: sshdResource(sshd, 'HostbasedAuthentication'), evidence: 'HostbasedAuthentication yes' });
    if (value(sshd, 'IgnoreRhosts') === 'no')
      findings.push({ severity: 'medium', resource: sshdResource(sshd, 'IgnoreRhosts'), title: 'SSH reads users’ .rhosts/.shosts files', evidence: 'IgnoreRhosts no' });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
