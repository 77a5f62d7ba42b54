import { parseCidr } from '../../parsers/addresses';
import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { peerName, WG_REFS } from './wgNames';

function broad(allowed: readonly string[]): string[] {
  return allowed.filter((a) => {
    const c = parseCidr(a);
    return c !== null && c.prefix === 0;
  });
}

export default defineCheck({
  id: 'VPN-WG-BROAD-ALLOWEDIPS',
  title: 'WireGuard server peer allowed every address (0.0.0.0/0 or ::/0)',
  category: 'vpn',
  severity: 'high',
  references: [...WG_REFS, 'https://www.wireguard.com/#cryptokey-routing'],
  rationale:
    'On a server, a peer’s AllowedIPs are both what the server routes to it and the source addresses it accepts from it. 0.0.0.0/0 on a server peer sends the server’s traffic for everything into that one client and lets the client spoof any source address. (On a client, 0.0.0.0/0 toward the server is the normal full-tunnel setup and is not flagged.)',
  remediation: 'Give each peer on the server its own tunnel address only (`AllowedIPs = 10.77.0.2/32`), plus the subnets behind it if it is a site gateway.',
  fixKind: 'manual',
  requires: ['wireguardConfigs', 'wireguardRuntime'],
  evaluate: ({ wireguardConfigs, wireguardRuntime }) => {
    const findings = new Map<string, FindingDraft>();
    const servers = new Set<string>();
    for (const f of wireguardConfigs.files) {
      // A server listens on a fixed port; a client usually has one peer with an Endpoint.
      if (f.listenPort === null) continue;
      servers.add(f.name);
      f.peers.forEach((p, i) => {
        const b = broad(p.allowedIps);
        if (!b.length) return;
        const resource = `wireguard:${f.name}:peer:${p.publicKey ?? `#${i + 1}`}`;
        findings.set(resource, { severity: 'high', resource, evidence: `${f.path}: peer ${peerName(p.publicKey, i)} AllowedIPs ${p.allowedIps.join(', ')} on a server (ListenPort ${f.listenPort}, ${f.peers.length} peer(s))` });
      });
    }
    for (const iface of wireguardRuntime.interfaces) {
      if (!servers.has(iface.name) && iface.peers.length < 2) continue;
      iface.peers.forEach((p, i) => {
        const b = broad(p.allowedIps);
        if (!b.length) return;
        const resource = `wireguard:${iface.name}:peer:${p.publicKey}`;
        if (!findings.has(resource))
          findings.set(resource, { severity: 'high', resource, evidence: `wg show ${iface.name}: peer ${peerName(p.publicKey, i)} allowed ips ${p.allowedIps.join(', ')} on a server interface with ${iface.peers.length} peer(s)` });
      });
    }
    if (!servers.size && !wireguardRuntime.interfaces.length) return { status: 'not-applicable', message: 'no WireGuard server interface' };
    return findings.size ? { status: 'fail', findings: [...findings.values()] } : { status: 'pass' };
  },
});
