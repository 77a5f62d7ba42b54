import { addressScope, cidrContains, parseCidr } from '../../parsers/addresses';
import type { ListeningSocket } from '../../parsers/listening';
import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { describeSocket, socketResource } from './ports';

/** sshd's sockets: by process name when visible, else the sockets on port 22. */
function sshdSockets(sockets: readonly ListeningSocket[]): ListeningSocket[] {
  const named = sockets.filter((s) => s.proto === 'tcp' && s.processes.includes('sshd'));
  if (named.length) return named;
  return sockets.filter((s) => s.proto === 'tcp' && s.port === 22 && s.processes.length === 0);
}

export default defineCheck({
  id: 'NET-SSH-BEYOND-VPN',
  title: 'SSH listens beyond the VPN on a VPN-only host',
  category: 'network',
  severity: 'high',
  references: ['https://man.openbsd.org/sshd_config#ListenAddress'],
  rationale:
    'The host profile says this server is reached through the VPN only, yet sshd accepts connections on other addresses: SSH stays exposed to the internet’s brute force and to any sshd vulnerability, and the VPN adds nothing.',
  remediation:
    'Set `ListenAddress <VPN address>` (and 127.0.0.1 if needed) in sshd_config, make sshd start after the VPN interface (systemd `After=wg-quick@wg0.service`), or allow port 22 in the firewall only on the VPN interface (`ufw allow in on wg0 to any port 22`). Keep a session open while changing it.',
  fixKind: 'sshd-config',
  requires: ['listening', 'interfaces', 'vpnProfile'],
  evaluate: ({ listening, interfaces, vpnProfile }) => {
    const allowed: string[] = [];
    const vpnIf = vpnProfile.interface ? interfaces.find((i) => i.name === vpnProfile.interface) : undefined;
    for (const a of vpnIf?.addresses ?? []) allowed.push(a.replace(/\/\d+$/, ''));
    const subnet = vpnProfile.subnet ? parseCidr(vpnProfile.subnet) : null;
    if (!vpnIf && !subnet) return { status: 'not-applicable', message: `the VPN interface ${vpnProfile.interface ?? '(not set)'} is not on the host and the profile has no VPN subnet` };
    const socks = sshdSockets(listening);
    if (!socks.length) return { status: 'not-applicable', message: 'no sshd listening socket was seen' };
    const parts = [
      vpnProfile.interface ? `${vpnProfile.interface} (${vpnIf ? vpnIf.addresses.join(', ') || 'no address' : 'interface not present'})` : '',
      subnet ? `subnet ${vpnProfile.subnet}` : '',
    ].filter(Boolean);
    const vpnText = `VPN ${parts.join(', ')}`;
    const findings: FindingDraft[] = [];
    for (const s of socks) {
      if (addressScope(s.address) === 'loopback') continue;
      if (s.interface && s.interface === vpnProfile.interface) continue;
      if (allowed.includes(s.address) || (subnet && addressScope(s.address) !== 'any' && cidrContains(subnet, s.address))) continue;
      findings.push({
        severity: 'high',
        resource: socketResource(s),
        evidence: `${describeSocket(s)}${addressScope(s.address) === 'any' ? ' (every address)' : ''}; the host is VPN-only: ${vpnText}`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
