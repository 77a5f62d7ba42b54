import { defineCheck } from '../types';
import { evaluateSysctl, sysctlFix } from './sysctl';

const KEYS = ['net.ipv4.tcp_syncookies'];

export default defineCheck({
  id: 'KRNL-TCP-SYNCOOKIES',
  title: 'TCP SYN cookies are off',
  category: 'network',
  severity: 'medium',
  cis: 'CIS Debian Linux 12 v1.1.0 3.3.10',
  references: ['https://docs.kernel.org/networking/ip-sysctl.html', 'Lynis KRNL-6000'],
  rationale:
    'Without SYN cookies a SYN flood fills the listen queues and the host stops accepting connections, SSH included. Medium: anyone who can reach an open port can do it, from afar.',
  remediation: sysctlFix(['net.ipv4.tcp_syncookies = 1']),
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) =>
    evaluateSysctl(kernelParams, { keys: KEYS, ok: (v) => v === 1 || v === 2, want: '1', severity: 'medium', resource: 'sysctl:net.ipv4.tcp_syncookies' }),
});
