import { defineCheck } from '../types';
import { SSHD_REFS, forwardingDisabled, globalEvidence, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-GATEWAY-PORTS',
  title: 'SSH remote forwards listen on every address of the server',
  category: 'ssh',
  severity: 'medium',
  references: [...SSHD_REFS, 'Lynis SSH-7408 (GatewayPorts)'],
  rationale:
    'With GatewayPorts yes (or clientspecified) a port a user forwards from their own machine (`ssh -R`) listens on the server’s public addresses instead of loopback: any account that can log in can publish a service of its choice on the network, next to the services the admin knows about. Only the firewall stands in the way.',
  remediation: 'Set `GatewayPorts no` (the default) in sshd_config, check with `sshd -t`, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const v = value(sshd, 'GatewayPorts');
    const tcp = value(sshd, 'AllowTcpForwarding');
    // Without remote forwarding GatewayPorts has nothing to act on.
    if (!v || v === 'no' || forwardingDisabled(sshd) || tcp === 'no' || tcp === 'local') return { status: 'pass' };
    return {
      status: 'fail',
      findings: [{ severity: 'medium', resource: sshdResource(sshd, 'GatewayPorts'), evidence: globalEvidence('GatewayPorts', v, `remote forwards may listen on all addresses (AllowTcpForwarding ${tcp || 'yes'})`) }],
    };
  },
});
