import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { CIS_DEBIAN12, SSHD_REFS, globalEvidence, intValue, sshdResource } from './sshdValue';

export default defineCheck({
  id: 'SSH-CLIENT-ALIVE',
  title: 'SSH does not detect dead client connections',
  category: 'ssh',
  severity: 'low',
  cis: CIS_DEBIAN12('5.1.7'),
  references: [...SSHD_REFS, CIS_DEBIAN12('5.1.7 Ensure sshd ClientAliveInterval and ClientAliveCountMax are configured'), 'Lynis SSH-7408 (ClientAliveInterval, ClientAliveCountMax)'],
  rationale:
    'With ClientAliveInterval 0 sshd never asks an idle client whether it is still there (ClientAliveCountMax 0 makes the probes never end a session), so sessions of crashed or disconnected clients stay open with their logged-in shells and forwardings. The probes run inside the encrypted channel, unlike TCPKeepAlive, so they cannot be spoofed.',
  remediation: 'Set `ClientAliveInterval 300` and `ClientAliveCountMax 3` (any values above 0; the session ends after interval × count seconds without an answer) in sshd_config, check with `sshd -t`, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const interval = intValue(sshd, 'ClientAliveInterval');
    const count = intValue(sshd, 'ClientAliveCountMax');
    if (Number.isNaN(interval) || Number.isNaN(count)) return { status: 'not-applicable', message: 'ClientAliveInterval or ClientAliveCountMax is not a number' };
    const findings: FindingDraft[] = [];
    if (interval === 0)
      findings.push({ severity: 'low', resource: sshdResource(sshd, 'ClientAliveInterval'), evidence: globalEvidence('ClientAliveInterval', '0', 'sshd never checks that an idle client is still there') });
    if (count === 0)
      findings.push({ severity: 'low', resource: sshdResource(sshd, 'ClientAliveCountMax'), evidence: globalEvidence('ClientAliveCountMax', '0', 'unanswered probes never end the session') });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
