import { defineCheck } from '../types';
import { evaluateSysctl, sysctlFix } from './sysctl';

const KEYS = [
  'net.ipv4.conf.all.accept_redirects',
  'net.ipv4.conf.default.accept_redirects',
  'net.ipv4.conf.all.secure_redirects',
  'net.ipv4.conf.default.secure_redirects',
  'net.ipv6.conf.all.accept_redirects',
  'net.ipv6.conf.default.accept_redirects',
];

export default defineCheck({
  id: 'KRNL-ICMP-REDIRECTS',
  title: 'ICMP redirects are accepted',
  category: 'network',
  severity: 'low',
  cis: 'CIS Debian Linux 12 v1.1.0 3.3.5, 3.3.6',
  references: ['https://docs.kernel.org/networking/ip-sysctl.html', 'Lynis KRNL-6000'],
  rationale:
    'An ICMP redirect rewrites the host\'s routing table. Someone on the same network segment can forge one and route the host\'s traffic through a machine of theirs. Low: it needs a foothold on the local network, and a server with one gateway never needs redirects.',
  remediation: sysctlFix(KEYS.map((k) => `${k} = 0`)),
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) =>
    evaluateSysctl(kernelParams, { keys: KEYS, ok: (v) => v === 0, want: '0', severity: 'low', resource: 'sysctl:icmp-redirects' }),
});
