import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { configResource, WG_REFS } from './wgNames';

export default defineCheck({
  id: 'VPN-WG-SAVECONFIG',
  title: 'WireGuard config is rewritten from the live state (SaveConfig)',
  category: 'vpn',
  severity: 'low',
  references: WG_REFS,
  rationale: 'With SaveConfig = true, wg-quick overwrites the file with the running state on shutdown: peers added by hand or by a compromised process become permanent, and edits made while the interface is up are lost.',
  remediation: 'Remove `SaveConfig = true` (or set it to false) and manage peers in the file.',
  fixKind: 'manual',
  requires: ['wireguardConfigs'],
  evaluate: ({ wireguardConfigs }) => {
    if (!wireguardConfigs.files.length) return { status: 'not-applicable', message: 'no WireGuard configs in /etc/wireguard' };
    const findings: FindingDraft[] = wireguardConfigs.files
      .filter((f) => f.saveConfig === true)
      .map((f) => ({ severity: 'low' as const, resource: configResource(f), evidence: `${f.path}: SaveConfig = true` }));
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
