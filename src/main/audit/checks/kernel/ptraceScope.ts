import { defineCheck } from '../types';
import { evaluateSysctl, sysctlFix } from './sysctl';

export default defineCheck({
  id: 'KRNL-PTRACE-SCOPE',
  title: 'Any process may trace other processes of the same user',
  category: 'system',
  severity: 'low',
  cis: 'CIS Debian Linux 12 v1.1.0 1.5.2',
  references: ['https://docs.kernel.org/admin-guide/LSM/Yama.html', 'Lynis KRNL-6000'],
  rationale:
    'With Yama\'s ptrace_scope at 0, one compromised process can attach to every other process of its user and read its memory: SSH agent keys, passwords typed into a session, tokens. Low: the attacker already runs code as that user. A kernel without Yama has no such setting (not a finding).',
  remediation: sysctlFix(['kernel.yama.ptrace_scope = 1']),
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) =>
    evaluateSysctl(kernelParams, { keys: ['kernel.yama.ptrace_scope'], ok: (v) => v >= 1, want: '1 or more', severity: 'low', resource: 'sysctl:kernel.yama.ptrace_scope' }),
});
