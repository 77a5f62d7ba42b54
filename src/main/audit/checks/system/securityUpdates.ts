import { defineCheck } from '../types';
import { DEBIAN_SECURITY_REFS } from './format';
import { describeUpdates } from './pendingUpdates';

export default defineCheck({
  id: 'SYS-SECURITY-UPDATES',
  title: 'Security updates are pending',
  category: 'system',
  severity: 'high',
  cis: 'CIS Debian Linux 12 v1.1.0 1.2.2.1',
  references: [...DEBIAN_SECURITY_REFS, 'Lynis PKGS-7392'],
  rationale:
    'Packages with a pending security update have published, fixed vulnerabilities: exploits for many of them follow within days. Security updates are the cheapest risk reduction there is.',
  remediation:
    'Install them: `apt-get update && apt-get upgrade` (or only the security ones with `unattended-upgrade -v`), restart the affected services (`needrestart`) and reboot if a kernel or libc was updated. Turn on unattended-upgrades so this does not pile up again.',
  fixKind: 'manual',
  effort: 'low',
  requires: ['aptUpdates'],
  evaluate: ({ aptUpdates }) => {
    if (aptUpdates.listsCount === 0)
      return { status: 'not-applicable', message: 'the host has no package lists (apt update never ran): pending updates cannot be known' };
    const security = aptUpdates.upgradable.filter((p) => p.security);
    if (!security.length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: [{ severity: 'high', resource: 'packages:security-updates', evidence: describeUpdates(security, 'security update') }],
    };
  },
});
