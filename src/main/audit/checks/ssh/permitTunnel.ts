import { defineCheck } from '../types';
import { SSHD_REFS, globalEvidence, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-PERMIT-TUNNEL',
  title: 'SSH allows tun/tap device tunnels (VPN over SSH)',
  category: 'ssh',
  severity: 'low',
  references: [...SSHD_REFS, 'Lynis SSH-7408 (PermitTunnel)'],
  rationale: 'PermitTunnel lets a login (`ssh -w`) bridge a network device on the server to the client: a layer-3 or layer-2 VPN into every network the server is on, outside the firewall rules written for forwarded ports.',
  remediation: 'Set `PermitTunnel no` (the default) in sshd_config, check with `sshd -t`, then reload sshd. Use WireGuard for a VPN.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const v = value(sshd, 'PermitTunnel');
    if (!v || v === 'no') return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'low', resource: sshdResource(sshd, 'PermitTunnel'), evidence: globalEvidence('PermitTunnel', v) }] };
  },
});
