import type { UpgradablePackage } from '../../parsers/system';
import { defineCheck } from '../types';
import { DEBIAN_SECURITY_REFS } from './format';

/** "3 security updates pending: openssl (3.0.15 → 3.0.17), …" */
export function describeUpdates(pkgs: readonly UpgradablePackage[], what: string, max = 8): string {
  const shown = pkgs.slice(0, max).map((p) => `${p.name} (${p.from ?? '?'} → ${p.version}, ${p.suites.join(',')})`);
  const more = pkgs.length > max ? ` and ${pkgs.length - max} more` : '';
  return `${pkgs.length} ${what}${pkgs.length === 1 ? '' : 's'} pending: ${shown.join(', ')}${more}`;
}

export default defineCheck({
  id: 'SYS-PENDING-UPDATES',
  title: 'Package updates are pending',
  category: 'system',
  severity: 'low',
  cis: 'CIS Debian Linux 12 v1.1.0 1.2.2.1',
  references: DEBIAN_SECURITY_REFS,
  rationale:
    'Point-release updates carry bug fixes and, now and then, security fixes that were not published through the security suite. A host that lags behind also makes the next upgrade bigger and riskier.',
  remediation: 'Review and install them in a maintenance window: `apt-get update && apt-get upgrade`, then restart affected services.',
  fixKind: 'manual',
  effort: 'low',
  requires: ['aptUpdates'],
  evaluate: ({ aptUpdates }) => {
    if (aptUpdates.listsCount === 0)
      return { status: 'not-applicable', message: 'the host has no package lists (apt update never ran): pending updates cannot be known' };
    const regular = aptUpdates.upgradable.filter((p) => !p.security);
    if (!regular.length) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'low', resource: 'packages:updates', evidence: describeUpdates(regular, 'update') }] };
  },
});
