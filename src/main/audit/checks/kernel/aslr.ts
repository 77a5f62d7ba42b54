import { defineCheck } from '../types';
import { evaluateSysctl, sysctlFix } from './sysctl';

export default defineCheck({
  id: 'KRNL-ASLR',
  title: 'Address space layout randomisation is weakened',
  category: 'system',
  severity: 'medium',
  cis: 'CIS Debian Linux 12 v1.1.0 1.5.1',
  references: ['https://docs.kernel.org/admin-guide/sysctl/kernel.html#randomize-va-space', 'Lynis KRNL-6000'],
  rationale:
    'Randomised memory layout is what makes most memory-corruption bugs hard to exploit reliably. Medium when off (0): every exploit for a service on this host gets easier; low when partial (1, heap not randomised).',
  remediation: sysctlFix(['kernel.randomize_va_space = 2']),
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) =>
    evaluateSysctl(kernelParams, {
      keys: ['kernel.randomize_va_space'],
      ok: (v) => v === 2,
      want: '2',
      severity: (vals) => (vals.some((v) => v === 0) ? 'medium' : 'low'),
      resource: 'sysctl:kernel.randomize_va_space',
    }),
});
