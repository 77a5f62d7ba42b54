import { defineCheck } from '../types';
import { CIS } from './common';

export default defineCheck({
  id: 'SYS-APPARMOR',
  title: 'AppArmor is not enabled or its profiles do not enforce',
  category: 'system',
  severity: 'medium',
  cis: `${CIS} 1.3.1.2, 1.3.1.3`,
  references: ['https://wiki.debian.org/AppArmor/HowToUse', 'Lynis MACF-6208'],
  rationale:
    'AppArmor confines programs to the files and capabilities their profile allows, so a compromised service (or a container escaping its runtime, whose docker-default profile is an AppArmor profile) reaches less. Debian enables it by default; a kernel booted with apparmor=0, or profiles only in complain mode (logged, not blocked), give up that layer. Medium when it is off; low when profiles only complain.',
  remediation:
    'Install and enable it: `apt install apparmor apparmor-utils`, make sure the kernel command line has no `apparmor=0` (Debian: /etc/default/grub, then `update-grub` and reboot), and put profiles in enforce mode with `aa-enforce /etc/apparmor.d/*` after testing them in complain mode. `aa-status` shows the result.',
  fixKind: 'manual',
  requires: ['hostHardening', 'systemInfo'],
  evaluate: ({ hostHardening: h, systemInfo }) => {
    if (systemInfo.container !== null) return { status: 'not-applicable', message: `this host is a ${systemInfo.container} container: the host kernel's security module confines it` };
    const aa = h.apparmor;
    if (aa.enabled !== true)
      return {
        status: 'fail',
        findings: [{ severity: 'medium', resource: 'system:apparmor', evidence: aa.enabled === false ? 'AppArmor is built into the kernel but disabled (/sys/module/apparmor/parameters/enabled = N)' : 'AppArmor is not in the running kernel (/sys/module/apparmor/parameters/enabled does not exist)' }],
      };
    if (aa.profilesDenied || aa.enforce === null) return { status: 'not-applicable', message: 'AppArmor is enabled; its profile list (/sys/kernel/security/apparmor/profiles) needs root: audit with sudo to see the modes' };
    if (aa.enforce === 0) return { status: 'fail', findings: [{ severity: 'medium', resource: 'system:apparmor', evidence: `AppArmor is enabled but no profile enforces (${aa.complain ?? 0} in complain mode)` }] };
    if ((aa.complain ?? 0) > 0) return { status: 'fail', findings: [{ severity: 'low', resource: 'system:apparmor', evidence: `${aa.enforce} AppArmor profile(s) enforce, ${aa.complain} only complain (logged, not blocked)` }] };
    return { status: 'pass' };
  },
});
