import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { configResource, WG_REFS } from './wgNames';

export default defineCheck({
  id: 'VPN-WG-INTERFACE-DOWN',
  title: 'WireGuard interface is configured but not up',
  category: 'vpn',
  severity: 'medium',
  references: WG_REFS,
  rationale:
    'A config in /etc/wireguard whose interface is not running means the VPN path is broken: admins fall back to the public SSH port, VPN-only services are unreachable, and the outage may go unnoticed.',
  remediation: 'Start it and enable it at boot: `systemctl enable --now wg-quick@<name>`; check `wg show <name>` and `journalctl -u wg-quick@<name>`. Remove configs that are no longer used.',
  fixKind: 'manual',
  requires: ['wireguardConfigs', 'wireguardRuntime', 'interfaces'],
  evaluate: ({ wireguardConfigs, wireguardRuntime, interfaces }) => {
    if (!wireguardConfigs.files.length) return { status: 'not-applicable', message: 'no WireGuard configs in /etc/wireguard' };
    const findings: FindingDraft[] = [];
    for (const f of wireguardConfigs.files) {
      const live = wireguardRuntime.interfaces.some((i) => i.name === f.name);
      const link = interfaces.find((i) => i.name === f.name);
      if (live && (!link || link.up)) continue;
      const why = live ? 'the interface exists but is administratively down' : link ? `${f.name} exists but is not a running WireGuard interface (wg show does not list it)` : `no interface ${f.name} (wg show does not list it)`;
      findings.push({ severity: 'medium', resource: configResource(f), evidence: `${f.path}: ${why}${wireguardRuntime.installed ? '' : '; the wg tool is not installed'}` });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
