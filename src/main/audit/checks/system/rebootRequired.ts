import { newerInstalledKernel } from '../../parsers/system';
import { listSome } from '../../parsers/records';
import { defineCheck, type FindingDraft } from '../types';

export default defineCheck({
  id: 'SYS-REBOOT-REQUIRED',
  title: 'A reboot is pending',
  category: 'system',
  severity: 'medium',
  references: ['https://manpages.debian.org/bookworm/needrestart/needrestart.1.en.html', 'Lynis KRNL-5830'],
  rationale:
    'Updated kernels and core libraries only protect the host once it runs them: until the reboot, the fixed vulnerabilities stay exploitable in the running kernel and in long-running processes.',
  remediation:
    'Reboot the host in a maintenance window (`systemctl reboot`), then check that `uname -r` shows the newest installed kernel and that /var/run/reboot-required is gone.',
  fixKind: 'manual',
  effort: 'low',
  requires: ['systemInfo'],
  evaluate: ({ systemInfo }) => {
    const findings: FindingDraft[] = [];
    if (systemInfo.rebootRequired) {
      const pkgs = systemInfo.rebootPackages.length ? ` (requested by ${listSome(systemInfo.rebootPackages)})` : '';
      findings.push({ severity: 'medium', resource: 'system:reboot-required', evidence: `/var/run/reboot-required exists${pkgs}` });
    }
    const newer = newerInstalledKernel(systemInfo);
    if (newer)
      findings.push({
        severity: 'medium',
        resource: 'system:kernel',
        title: 'A newer kernel is installed but not running',
        evidence: `running kernel ${systemInfo.kernel}, newest installed ${newer} (/boot/vmlinuz-${newer})`,
      });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
