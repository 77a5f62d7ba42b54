import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { configResource, modeText, WG_REFS } from './wgNames';

export default defineCheck({
  id: 'VPN-WG-CONFIG-READABLE',
  title: 'WireGuard config readable beyond root',
  category: 'vpn',
  severity: 'critical',
  references: WG_REFS,
  rationale:
    'A wg-quick config holds the interface’s private key: whoever reads it can impersonate the server (or the client) on the VPN. wg-quick itself warns when the file is world-accessible.',
  remediation: 'Run `chmod 600 /etc/wireguard/*.conf && chown root:root /etc/wireguard/*.conf` and `chmod 700 /etc/wireguard`. If the key was exposed to other users, rotate it (`wg genkey`) and update the peers.',
  fixKind: 'file-mode',
  requires: ['wireguardConfigs'],
  evaluate: ({ wireguardConfigs }) => {
    const { dir, files } = wireguardConfigs;
    if (!dir || !files.length) return { status: 'not-applicable', message: 'no WireGuard configs in /etc/wireguard' };
    // A file is only reachable by others if the directory lets them in (x for others / group).
    const dirOthers = (dir.mode & 0o001) !== 0;
    const dirGroup = (dir.mode & 0o010) !== 0;
    const findings: FindingDraft[] = [];
    for (const f of files) {
      const other = (f.mode & 0o004) !== 0;
      const group = (f.mode & 0o040) !== 0 && f.group !== 'root';
      if (!other && !group) continue;
      const what = f.hasPrivateKey ? 'holds the interface’s PrivateKey' : 'no PrivateKey line (PostUp/PreUp may load it)';
      let severity: FindingDraft['severity'];
      let reach: string;
      if (other) {
        severity = dirOthers ? 'critical' : 'medium';
        reach = dirOthers ? 'world-readable' : `world-readable, but ${dir.mode.toString(8)} on /etc/wireguard keeps others out for now`;
      } else {
        severity = dirGroup || dirOthers ? 'high' : 'medium';
        reach = `readable by group ${f.group}${dirGroup || dirOthers ? '' : `, but /etc/wireguard (${modeText(dir.mode)}) keeps the group out for now`}`;
      }
      if (!f.hasPrivateKey && f.readable) severity = severity === 'critical' ? 'high' : severity === 'high' ? 'medium' : 'low';
      findings.push({ severity, resource: configResource(f), evidence: `${f.path} mode ${modeText(f.mode)} ${f.owner}:${f.group} (${reach}; ${what})` });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
