import { defineCheck } from '../types';
import { evaluateSysctl, sysctlFix } from './sysctl';

const KEYS = ['net.ipv4.conf.all.rp_filter', 'net.ipv4.conf.default.rp_filter'];

export default defineCheck({
  id: 'KRNL-RP-FILTER',
  title: 'Reverse path filtering is off',
  category: 'network',
  severity: 'low',
  cis: 'CIS Debian Linux 12 v1.1.0 3.3.7',
  references: ['https://docs.kernel.org/networking/ip-sysctl.html', 'Lynis KRNL-6000'],
  rationale:
    'With reverse path filtering the kernel drops packets whose source address could not be answered through the interface they came in on: the usual sign of spoofing. CIS asks for strict mode (1); loose mode (2) is accepted here because strict breaks asymmetric routing on hosts with a VPN or several uplinks. Low: spoofed packets mostly matter for reflection and blind attacks.',
  remediation: sysctlFix(KEYS.map((k) => `${k} = 1`)),
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) =>
    evaluateSysctl(kernelParams, { keys: KEYS, ok: (v) => v === 1 || v === 2, want: '1 (or 2, loose)', severity: 'low', resource: 'sysctl:rp-filter' }),
});
