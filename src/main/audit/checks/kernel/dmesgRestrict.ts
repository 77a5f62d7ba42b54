import { defineCheck } from '../types';
import { evaluateSysctl, sysctlFix } from './sysctl';

export default defineCheck({
  id: 'KRNL-DMESG-RESTRICT',
  title: 'Any user can read the kernel log',
  category: 'system',
  severity: 'low',
  references: ['https://docs.kernel.org/admin-guide/sysctl/kernel.html#dmesg-restrict', 'Lynis KRNL-6000'],
  rationale:
    'The kernel log shows kernel addresses, hardware and firewall events; an unprivileged local user can use the addresses to defeat kernel address randomisation in an exploit. Low: it helps an attacker who already has a shell. Not a CIS Debian 12 item; Lynis and the kernel self-protection project ask for it.',
  remediation: sysctlFix(['kernel.dmesg_restrict = 1']),
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) =>
    evaluateSysctl(kernelParams, { keys: ['kernel.dmesg_restrict'], ok: (v) => v === 1, want: '1', severity: 'low', resource: 'sysctl:kernel.dmesg_restrict' }),
});
