import { defineCheck } from '../types';
import { evaluateSysctl, sysctlFix } from './sysctl';

const KEYS = ['fs.protected_symlinks', 'fs.protected_hardlinks', 'fs.protected_fifos', 'fs.protected_regular'];
const LINKS = new Set(['fs.protected_symlinks', 'fs.protected_hardlinks']);

export default defineCheck({
  id: 'KRNL-PROTECTED-LINKS',
  title: 'Link and file protections in shared folders are off',
  category: 'system',
  severity: 'medium',
  references: ['https://docs.kernel.org/admin-guide/sysctl/fs.html#protected-symlinks', 'Lynis KRNL-6000'],
  rationale:
    'In world-writable sticky folders such as /tmp, a local user can plant a symlink or hard link where a root process will write, and make it overwrite any file (the classic /tmp race to root). fs.protected_symlinks and protected_hardlinks stop that: medium when off. protected_fifos and protected_regular (≥ 1) stop the same trick with FIFOs and existing files: low. Debian enables the first two by default; not a CIS Debian 12 item.',
  remediation: sysctlFix(['fs.protected_symlinks = 1', 'fs.protected_hardlinks = 1', 'fs.protected_fifos = 1', 'fs.protected_regular = 2']),
  fixKind: 'manual',
  requires: ['kernelParams'],
  evaluate: ({ kernelParams }) => {
    const links = KEYS.filter((k) => LINKS.has(k));
    return evaluateSysctl(kernelParams, {
      keys: KEYS,
      ok: (v) => v >= 1,
      want: '1 or more',
      // Severity by which keys are off: the link protections are the ones that stop the classic race.
      severity: () => (links.some((k) => kernelParams.values[k] === 0) ? 'medium' : 'low'),
      resource: 'sysctl:fs.protected',
    });
  },
});
