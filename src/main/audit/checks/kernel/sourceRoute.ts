import { defineCheck } from '../types';
import { evaluateSysctl, sysctlFix } from './sysctl';

const KEYS = [
  'net.ipv4.conf.all.accept_source_route',
  'net.ipv4.conf.default.accept_source_route',
  'net.ipv6.conf.all.accept_source_route',
  'net.ipv6.conf.default.accept_source_route',
];

export default defineCheck({
  id: 'KRNL-SOURCE-ROUTE',
  title: 'Source-routed packets are accepted',
  category: 'network',
  severity: 'medium',
  cis: 'CIS Debian Linux 12 v1.1.0 3.3.8',
  references: ['https://docs.kernel.org/networking/ip-sysctl.html', 'Lynis KRNL-6000'],
  rationale:
    'A source-routed packet chooses its own path through the network, which lets a sender reach addresses the routing and filtering were meant to keep it from, and makes spoofed replies come back to the attacker. Medium: it can be used from afar, though most upstream routers drop such packets.',
  remediation: sysctlFix(KEYS.map((k) => `${k} = 0`)),
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) =>
    evaluateSysctl(kernelParams, { keys: KEYS, ok: (v) => v === 0, want: '0', severity: 'medium', resource: 'sysctl:accept-source-route' }),
});
