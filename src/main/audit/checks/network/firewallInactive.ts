import { incomingFiltering } from '../../parsers/netfilter';
import { defineCheck } from '../types';
import { UFW_REF } from './ports';

export default defineCheck({
  id: 'NET-FIREWALL-INACTIVE',
  title: 'No host firewall filters incoming traffic',
  category: 'network',
  severity: 'high',
  cis: 'CIS Debian Linux 12 v1.1.0 4.1 (configure a single firewall utility)',
  references: [UFW_REF, 'https://wiki.debian.org/Uncomplicated%20Firewall%20%28ufw%29'],
  rationale:
    'Without a host firewall every service that listens on a public address is reachable by anyone; one forgotten admin panel or database is then enough. A default-deny firewall limits exposure to what was opened on purpose.',
  remediation:
    'Allow SSH first (`ufw allow OpenSSH`, or only from your VPN: `ufw allow in on wg0 to any port 22`), set `ufw default deny incoming`, then `ufw enable`. Keep a second session open while doing it.',
  fixKind: 'manual',
  requires: ['ufw', 'netfilter'],
  evaluate: ({ ufw, netfilter }) => {
    const f = incomingFiltering(netfilter);
    if (ufw.active) {
      // ufw decides "active" from ufw.conf; make sure its rules really are in the kernel.
      const ipt = netfilter.iptables;
      if (ipt && !Object.keys(ipt.tables.filter ?? {}).some((c) => c.startsWith('ufw-')) && !f.filtering)
        return {
          status: 'fail',
          findings: [{ severity: 'high', resource: 'firewall:ufw', title: 'ufw is enabled but its rules are not loaded', evidence: `ufw reports active (${ufw.statusSource}), but iptables has no ufw chains and ${f.evidence}` }],
        };
      return { status: 'pass' };
    }
    if (f.filtering) return { status: 'pass' };
    const ufwText = ufw.installed ? `ufw is installed but inactive (${ufw.statusSource})` : 'ufw is not installed';
    return { status: 'fail', findings: [{ severity: 'high', resource: 'firewall', evidence: `${ufwText}; ${f.evidence}` }] };
  },
});
