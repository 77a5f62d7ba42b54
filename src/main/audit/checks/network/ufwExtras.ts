// ufw settings beyond on/off: IPv6 filtering and logging.
import { addressScope } from '../../parsers/addresses';
import { defineCheck } from '../types';
import { describeSocket, externalSockets, UFW_REF } from './ports';

export const ufwIpv6Off = defineCheck({
  id: 'NET-UFW-IPV6-OFF',
  title: 'ufw does not filter IPv6 while services listen on IPv6',
  category: 'network',
  severity: 'medium',
  references: [UFW_REF],
  rationale: 'With IPV6=no in /etc/default/ufw, ufw installs no IPv6 rules: a host with a global IPv6 address exposes every IPv6 (or dual-stack [::]) listener unfiltered.',
  remediation: 'Set `IPV6=yes` in /etc/default/ufw and run `ufw reload` (rules added before apply to IPv6 too), or disable IPv6 on the host.',
  fixKind: 'manual',
  requires: ['ufw', 'listening', 'interfaces'],
  evaluate: ({ ufw, listening, interfaces }) => {
    if (!ufw.active) return { status: 'not-applicable', message: 'ufw is not active' };
    if (ufw.ipv6 !== false) return { status: 'pass' };
    const globalV6 = interfaces.flatMap((i) => i.addresses).filter((a) => a.includes(':') && ['public', 'private'].includes(addressScope(a.replace(/\/\d+$/, ''))));
    if (!globalV6.length) return { status: 'pass' };
    const v6 = externalSockets(listening).filter((s) => s.address.includes(':') || s.address === '*');
    if (!v6.length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: [{ severity: 'medium', resource: 'firewall:ufw:ipv6', evidence: `IPV6=no in /etc/default/ufw; the host has ${globalV6.join(', ')} and ${v6.slice(0, 5).map(describeSocket).join(', ')}${v6.length > 5 ? ` and ${v6.length - 5} more` : ''} listen on IPv6` }],
    };
  },
});

export const ufwLoggingOff = defineCheck({
  id: 'NET-UFW-LOGGING-OFF',
  title: 'ufw logging is off',
  category: 'network',
  severity: 'low',
  references: [UFW_REF],
  rationale: 'Without firewall logs, blocked scans and connection attempts leave no trace to investigate or alert on.',
  remediation: 'Run `ufw logging low` (or medium).',
  fixKind: 'manual',
  requires: ['ufw'],
  evaluate: ({ ufw }) => {
    if (!ufw.active) return { status: 'not-applicable', message: 'ufw is not active' };
    if (ufw.logging !== 'off') return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'low', resource: 'firewall:ufw:logging', evidence: 'ufw logging off' }] };
  },
});
