import { periodicEnabled } from '../../parsers/system';
import { defineCheck } from '../types';
import { UNATTENDED_REFS } from './format';

export default defineCheck({
  id: 'SYS-UNATTENDED-UPGRADES',
  title: 'Security updates are not installed automatically',
  category: 'system',
  severity: 'medium',
  references: UNATTENDED_REFS,
  rationale:
    'Without unattended-upgrades, security fixes wait for someone to log in and install them; on self-hosted servers that is often weeks. Automatic installation of the security suite closes most of that window with little risk.',
  remediation:
    'Install and enable it: `apt-get install unattended-upgrades && dpkg-reconfigure -plow unattended-upgrades` (writes /etc/apt/apt.conf.d/20auto-upgrades with APT::Periodic::Update-Package-Lists "1" and APT::Periodic::Unattended-Upgrade "1"); keep the security origin in 50unattended-upgrades and check with `unattended-upgrade --dry-run -d`.',
  fixKind: 'manual',
  requires: ['autoUpgrades'],
  evaluate: ({ autoUpgrades: a }) => {
    const problems: string[] = [];
    if (!a.installed) problems.push('the unattended-upgrades package is not installed');
    if (!periodicEnabled(a.periodic['Unattended-Upgrade']))
      problems.push(`APT::Periodic::Unattended-Upgrade is ${a.periodic['Unattended-Upgrade'] === undefined ? 'not set' : `"${a.periodic['Unattended-Upgrade']}"`}`);
    if (!periodicEnabled(a.periodic['Update-Package-Lists']))
      problems.push(`APT::Periodic::Update-Package-Lists is ${a.periodic['Update-Package-Lists'] === undefined ? 'not set' : `"${a.periodic['Update-Package-Lists']}"`}`);
    if (a.installed && !a.origins.some((o) => /security/i.test(o))) problems.push('no security origin in Unattended-Upgrade::Origins-Pattern / Allowed-Origins');
    if (a.timer && (/^(disabled|masked)/.test(a.timer.enabled) || a.timer.enabled === '')) problems.push(`apt-daily-upgrade.timer is ${a.timer.enabled || 'missing'}`);
    if (!a.timer && !a.cron) problems.push('neither systemd nor /etc/cron.daily/apt-compat runs the periodic apt jobs');
    if (!problems.length) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'medium', resource: 'apt:unattended-upgrades', evidence: problems.join('; ') }] };
  },
});
