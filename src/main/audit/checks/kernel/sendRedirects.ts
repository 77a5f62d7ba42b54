import { defineCheck } from '../types';
import { evaluateSysctl, sysctlFix } from './sysctl';

const KEYS = ['net.ipv4.conf.all.send_redirects', 'net.ipv4.conf.default.send_redirects'];

export default defineCheck({
  id: 'KRNL-SEND-REDIRECTS',
  title: 'The host sends ICMP redirects',
  category: 'network',
  severity: 'low',
  cis: 'CIS Debian Linux 12 v1.1.0 3.3.2',
  references: ['https://docs.kernel.org/networking/ip-sysctl.html', 'Lynis KRNL-6000'],
  rationale:
    'Only a router should tell other machines which way to route. A host that sends redirects can be used to steer its neighbours\' traffic. Low: it only matters while the host forwards packets.',
  remediation: sysctlFix(KEYS.map((k) => `${k} = 0`)),
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) =>
    evaluateSysctl(kernelParams, { keys: KEYS, ok: (v) => v === 0, want: '0', severity: 'low', resource: 'sysctl:send-redirects' }),
});
