import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { configResource, modeText, WG_REFS } from './wgNames';

export default defineCheck({
  id: 'VPN-WG-CONFIG-OWNER',
  title: 'WireGuard config can be changed by someone other than root',
  category: 'vpn',
  severity: 'critical',
  references: WG_REFS,
  rationale:
    'wg-quick runs the config’s PreUp/PostUp/PostDown lines as root: whoever can write the file (its owner, or others through write bits) runs commands as root the next time the tunnel starts, and can redirect the VPN.',
  remediation: 'Run `chown root:root /etc/wireguard/*.conf && chmod 600 /etc/wireguard/*.conf`, and `chown root:root /etc/wireguard && chmod 700 /etc/wireguard`.',
  fixKind: 'file-mode',
  requires: ['wireguardConfigs'],
  evaluate: ({ wireguardConfigs }) => {
    const { dir, files } = wireguardConfigs;
    if (!dir) return { status: 'not-applicable', message: 'no /etc/wireguard directory' };
    const findings: FindingDraft[] = [];
    if (dir.owner !== 'root' || (dir.mode & 0o002) !== 0 || ((dir.mode & 0o020) !== 0 && dir.group !== 'root'))
      findings.push({ severity: 'critical', resource: 'wireguard:/etc/wireguard', evidence: `/etc/wireguard mode ${modeText(dir.mode)} ${dir.owner}:${dir.group}: others can replace the configs in it` });
    for (const f of files) {
      const worldWritable = (f.mode & 0o002) !== 0;
      const groupWritable = (f.mode & 0o020) !== 0 && f.group !== 'root';
      if (f.owner === 'root' && !worldWritable && !groupWritable) continue;
      const who = [f.owner !== 'root' ? `owned by ${f.owner}` : '', worldWritable ? 'world-writable' : '', groupWritable ? `writable by group ${f.group}` : ''].filter(Boolean).join(', ');
      findings.push({ severity: worldWritable ? 'critical' : 'high', resource: configResource(f), evidence: `${f.path} mode ${modeText(f.mode)} ${f.owner}:${f.group} (${who})` });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
