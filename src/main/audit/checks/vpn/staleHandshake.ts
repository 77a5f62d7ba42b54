import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { peerName, WG_REFS } from './wgNames';

/** With PersistentKeepalive a live peer re-handshakes every 2 minutes; 5 minutes of silence means it is gone. */
export const HANDSHAKE_STALE_S = 300;

export default defineCheck({
  id: 'VPN-WG-NO-HANDSHAKE',
  title: 'Always-on WireGuard peer has no recent handshake',
  category: 'vpn',
  severity: 'medium',
  references: WG_REFS,
  rationale:
    'A peer with an Endpoint and PersistentKeepalive is meant to be connected all the time (site link, the server of a client). No handshake for minutes means the tunnel is down: wrong key, endpoint unreachable, or a firewall in the way.',
  remediation: 'Check `wg show`, the endpoint’s reachability on its UDP port, both sides’ keys and the firewall (`ufw allow 51820/udp` on the server).',
  fixKind: 'manual',
  requires: ['wireguardRuntime'],
  evaluate: ({ wireguardRuntime }) => {
    const rt = wireguardRuntime;
    if (!rt.interfaces.length) return { status: 'not-applicable', message: 'no running WireGuard interface' };
    if (rt.now === null) return { status: 'not-applicable', message: 'the host clock was not read' };
    const findings: FindingDraft[] = [];
    let judged = 0;
    for (const iface of rt.interfaces) {
      iface.peers.forEach((p, i) => {
        if (!p.endpoint || !p.persistentKeepalive) return;
        judged++;
        const age = p.latestHandshake ? rt.now! - p.latestHandshake : null;
        if (age !== null && age <= HANDSHAKE_STALE_S) return;
        findings.push({
          severity: 'medium',
          resource: `wireguard:${iface.name}:peer:${p.publicKey}`,
          evidence: `${iface.name}: peer ${peerName(p.publicKey, i)} (endpoint ${p.endpoint}, keepalive ${p.persistentKeepalive} s) ${age === null ? 'never completed a handshake' : `last handshake ${Math.round(age / 60)} min ago`}`,
        });
      });
    }
    if (!judged) return { status: 'not-applicable', message: 'no peer with an endpoint and PersistentKeepalive' };
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
