import { defineCheck } from '../types';
import { evaluateSysctl, sysctlFix } from './sysctl';

export default defineCheck({
  id: 'KRNL-SUID-DUMPABLE',
  title: 'Privileged programs may leave core dumps',
  category: 'system',
  severity: 'medium',
  cis: 'CIS Debian Linux 12 v1.1.0 1.5.3',
  references: ['https://docs.kernel.org/admin-guide/sysctl/fs.html#suid-dumpable', 'Lynis KRNL-5820'],
  rationale:
    'A core dump of a setuid program holds what it had in memory: password hashes, keys. With fs.suid_dumpable = 1 such dumps are written as the user who crashed the program, who can then read them. Medium for 1; low for 2 (dumps readable by root only, or piped to a handler).',
  remediation: sysctlFix(['fs.suid_dumpable = 0']) + ' CIS also asks for `* hard core 0` in /etc/security/limits.conf.',
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) =>
    evaluateSysctl(kernelParams, {
      keys: ['fs.suid_dumpable'],
      ok: (v) => v === 0,
      want: '0',
      severity: (vals) => (vals.some((v) => v === 1) ? 'medium' : 'low'),
      resource: 'sysctl:fs.suid_dumpable',
    }),
});
