import { defineCheck } from '../types';
import { CIS_DEBIAN12, SSHD_REFS, forwardingDisabled, globalEvidence, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-AGENT-FORWARDING',
  title: 'SSH accepts forwarded SSH agents',
  category: 'ssh',
  severity: 'low',
  cis: CIS_DEBIAN12('5.1.8'),
  references: [...SSHD_REFS, CIS_DEBIAN12('5.1.8 Ensure sshd DisableForwarding is enabled'), 'Lynis SSH-7408 (AllowAgentForwarding)'],
  rationale:
    'A client that forwards its agent lets root on this server (or whoever takes it over) sign logins to other hosts with the admin’s keys for as long as the session lasts. Refusing it on the server protects admins who forward by habit; users with a shell can still forward by other means, so this is a hardening tip.',
  remediation: 'Set `AllowAgentForwarding no` (or `DisableForwarding yes`) in sshd_config, check with `sshd -t`, then reload sshd. Use `ssh -J` instead of agent forwarding to reach hosts behind this one.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const v = value(sshd, 'AllowAgentForwarding');
    if (forwardingDisabled(sshd) || !v || v === 'no') return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'low', resource: sshdResource(sshd, 'AllowAgentForwarding'), evidence: globalEvidence('AllowAgentForwarding', v) }] };
  },
});
