import { forwardingReasons } from '../../parsers/kernel';
import { defineCheck } from '../types';
import { sysctlFix } from './sysctl';

const KEYS = ['net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding'];

export default defineCheck({
  id: 'KRNL-IP-FORWARD',
  title: 'The host forwards packets between networks without a visible reason',
  category: 'network',
  severity: 'medium',
  cis: 'CIS Debian Linux 12 v1.1.0 3.3.1',
  references: ['https://docs.kernel.org/networking/ip-sysctl.html', 'https://docs.docker.com/engine/network/packet-filtering-firewalls/'],
  rationale:
    'A host that forwards packets is a router: traffic can pass through it between its networks (say, from the internet to a back-end network), and only the FORWARD chain of the firewall stands in the way. Docker and a WireGuard server need forwarding, so on such a host it is expected and not reported; elsewhere it is medium.',
  remediation:
    sysctlFix(['net.ipv4.ip_forward = 0', 'net.ipv6.conf.all.forwarding = 0']) +
    ' If the host is meant to route (a VPN gateway, containers), keep it on and make sure the firewall\'s FORWARD policy is drop with explicit rules.',
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) => {
    const on = KEYS.filter((k) => kernelParams.values[k] !== undefined && kernelParams.values[k] !== 0);
    if (!KEYS.some((k) => k in kernelParams.values)) return { status: 'not-applicable', message: 'the forwarding settings could not be read' };
    if (!on.length) return { status: 'pass' };
    const reasons = forwardingReasons(kernelParams);
    if (reasons.length) return { status: 'not-applicable', message: `forwarding is on (${on.join(', ')}) and expected: this host runs ${reasons.join(' and ')}, which route(s) packets through it` };
    return {
      status: 'fail',
      findings: [
        {
          severity: 'medium',
          resource: 'sysctl:ip-forward',
          evidence: `${on.map((k) => `${k} = ${kernelParams.values[k]}`).join(', ')} (want 0); no Docker bridge, WireGuard interface or configuration, or VM/container bridge was found that needs it`,
        },
      ],
    };
  },
});
