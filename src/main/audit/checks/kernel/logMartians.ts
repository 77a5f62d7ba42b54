import { defineCheck } from '../types';
import { evaluateSysctl, sysctlFix } from './sysctl';

const KEYS = ['net.ipv4.conf.all.log_martians', 'net.ipv4.conf.default.log_martians'];

export default defineCheck({
  id: 'KRNL-LOG-MARTIANS',
  title: 'Packets with impossible addresses are not logged',
  category: 'network',
  severity: 'low',
  cis: 'CIS Debian Linux 12 v1.1.0 3.3.9',
  references: ['https://docs.kernel.org/networking/ip-sysctl.html', 'Lynis KRNL-6000'],
  rationale:
    '"Martian" packets (source addresses that cannot be valid on the interface) are a sign of spoofing or a misconfigured network. Logging them leaves a trace for an investigation. Low: it only adds visibility.',
  remediation: sysctlFix(KEYS.map((k) => `${k} = 1`)) + ' With ufw, also set `net/ipv4/conf/all/log_martians=1` in /etc/ufw/sysctl.conf: ufw applies that file when it starts, after sysctl.d.',
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) =>
    evaluateSysctl(kernelParams, { keys: KEYS, ok: (v) => v === 1, want: '1', severity: 'low', resource: 'sysctl:log-martians' }),
});
