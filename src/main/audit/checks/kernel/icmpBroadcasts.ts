import { defineCheck } from '../types';
import { evaluateSysctl, sysctlFix } from './sysctl';

const KEYS = ['net.ipv4.icmp_echo_ignore_broadcasts', 'net.ipv4.icmp_ignore_bogus_error_responses'];

export default defineCheck({
  id: 'KRNL-ICMP-BROADCAST-BOGUS',
  title: 'Broadcast pings or bogus ICMP errors are answered',
  category: 'network',
  severity: 'low',
  cis: 'CIS Debian Linux 12 v1.1.0 3.3.3, 3.3.4',
  references: ['https://docs.kernel.org/networking/ip-sysctl.html', 'Lynis KRNL-6000'],
  rationale:
    'A host that answers pings sent to a broadcast address can be used to amplify a flood against a spoofed victim (smurf attack); bogus ICMP error responses fill the logs. Low: both are on by default and rarely reachable from outside.',
  remediation: sysctlFix(KEYS.map((k) => `${k} = 1`)),
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) =>
    evaluateSysctl(kernelParams, { keys: KEYS, ok: (v) => v === 1, want: '1', severity: 'low', resource: 'sysctl:icmp-broadcast-bogus' }),
});
