import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { CIS_DEBIAN12, SSHD_REFS, forwardingDisabled, globalEvidence, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-TCP-FORWARDING',
  title: 'SSH lets users forward ports and sockets through the server',
  category: 'ssh',
  severity: 'low',
  cis: CIS_DEBIAN12('5.1.8'),
  references: [...SSHD_REFS, CIS_DEBIAN12('5.1.8 Ensure sshd DisableForwarding is enabled'), 'Lynis SSH-7408 (AllowTcpForwarding)'],
  rationale:
    'Forwarding turns every SSH login into a way into the networks behind the server (local forwards) or a listener on the server (remote forwards), also for accounts meant to run only a forced command or SFTP. For users with a full shell it is a small gain — they can run their own forwarder — so this is a hardening tip. A jump host (Rampart’s --jump too) needs local forwarding: `AllowTcpForwarding local` keeps that and is reported as info.',
  remediation:
    'Set `DisableForwarding yes` in sshd_config (or `AllowTcpForwarding no` and `AllowStreamLocalForwarding no`; `AllowTcpForwarding local` on a jump host), check with `sshd -t`, then reload sshd. Allow it per user in a Match block where needed.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    if (forwardingDisabled(sshd)) return { status: 'pass' };
    const findings: FindingDraft[] = [];
    const tcp = value(sshd, 'AllowTcpForwarding');
    if (tcp === 'local')
      findings.push({ severity: 'info', resource: sshdResource(sshd, 'AllowTcpForwarding'), evidence: globalEvidence('AllowTcpForwarding', 'local', 'local forwards only, as a jump host needs') });
    else if (tcp && tcp !== 'no')
      findings.push({ severity: 'low', resource: sshdResource(sshd, 'AllowTcpForwarding'), evidence: globalEvidence('AllowTcpForwarding', tcp, tcp === 'remote' ? 'users may open listening ports on the server' : 'users may tunnel to any address the server reaches and listen on its ports') });
    const unix = value(sshd, 'AllowStreamLocalForwarding');
    if (unix && unix !== 'no')
      findings.push({ severity: 'low', resource: sshdResource(sshd, 'AllowStreamLocalForwarding'), title: 'SSH lets users forward Unix sockets of the server', evidence: globalEvidence('AllowStreamLocalForwarding', unix, 'users may reach the server’s Unix sockets they can open') });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
