import { incomingFiltering } from '../../parsers/netfilter';
import { defineCheck } from '../types';
import { UFW_REF } from './ports';

export default defineCheck({
  id: 'NET-FIREWALL-DEFAULT-INCOMING',
  title: 'Firewall lets incoming traffic in by default',
  category: 'network',
  severity: 'high',
  cis: 'CIS Debian Linux 12 v1.1.0 4.2.7 (ufw default deny policy)',
  references: [UFW_REF],
  rationale:
    'A firewall whose default for incoming traffic is "allow" only blocks what someone remembered to block: every new service is exposed the moment it starts listening.',
  remediation: 'Run `ufw default deny incoming` (after `ufw allow` rules for SSH and the services that must be public), or give the INPUT chain a DROP policy.',
  fixKind: 'manual',
  requires: ['ufw', 'netfilter'],
  evaluate: ({ ufw, netfilter }) => {
    if (ufw.active && ufw.defaults.incoming) {
      if (ufw.defaults.incoming === 'deny' || ufw.defaults.incoming === 'reject') return { status: 'pass' };
      return {
        status: 'fail',
        findings: [{ severity: 'high', resource: 'firewall:ufw:default-incoming', evidence: `ufw is active with default incoming policy "${ufw.defaults.incoming}" (${ufw.statusSource === 'ufw status' ? 'ufw status verbose' : '/etc/default/ufw'})` }],
      };
    }
    const f = incomingFiltering(netfilter);
    if (!f.filtering) return { status: 'not-applicable', message: 'no firewall filters incoming traffic (see NET-FIREWALL-INACTIVE)' };
    if (f.defaultDeny) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'medium', resource: 'firewall:input-policy', evidence: `${f.evidence}: traffic no rule matches is accepted` }] };
  },
});
