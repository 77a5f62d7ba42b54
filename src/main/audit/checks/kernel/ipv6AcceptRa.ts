import { defineCheck } from '../types';
import { evaluateSysctl, sysctlFix } from './sysctl';

const KEYS = ['net.ipv6.conf.all.accept_ra', 'net.ipv6.conf.default.accept_ra'];

export default defineCheck({
  id: 'KRNL-IPV6-ACCEPT-RA',
  title: 'IPv6 router advertisements are accepted',
  category: 'network',
  severity: 'low',
  cis: 'CIS Debian Linux 12 v1.1.0 3.3.11',
  references: ['https://docs.kernel.org/networking/ip-sysctl.html', 'Lynis KRNL-6000'],
  rationale:
    'A router advertisement sets the host\'s IPv6 addresses and default route. Anyone on the segment can send one and become the host\'s IPv6 gateway, even on a network that was meant to be IPv4 only. Low: it needs a local foothold, and hosts whose provider configures IPv6 by SLAAC need it on their uplink (then set it per interface, not for all).',
  remediation: sysctlFix(KEYS.map((k) => `${k} = 0`)) + ' A host that gets its IPv6 address by SLAAC keeps accept_ra = 1 on its uplink interface only (net.ipv6.conf.IFACE.accept_ra).',
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) =>
    evaluateSysctl(kernelParams, { keys: KEYS, ok: (v) => v === 0, want: '0', severity: 'low', resource: 'sysctl:ipv6-accept-ra' }),
});
