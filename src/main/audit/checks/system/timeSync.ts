import { localTimeDaemons } from '../../parsers/system';
import { defineCheck } from '../types';

export default defineCheck({
  id: 'SYS-TIME-SYNC',
  title: 'The clock is not synchronised',
  category: 'system',
  severity: 'medium',
  cis: 'CIS Debian Linux 12 v1.1.0 2.3.1.1',
  references: ['https://wiki.debian.org/DateTime', 'Lynis TIME-3104'],
  rationale:
    'Log correlation, TLS certificate and token validity, TOTP codes and backup schedules all depend on a correct clock. A drifting clock breaks authentication and makes incident timelines unreliable.',
  remediation:
    'Run exactly one time daemon: `timedatectl set-ntp true` (systemd-timesyncd) or `apt-get install chrony`, then check with `timedatectl` / `chronyc tracking`.',
  fixKind: 'manual',
  requires: ['timeSync', 'systemInfo'],
  evaluate: ({ timeSync, systemInfo }) => {
    if (systemInfo.container)
      return { status: 'not-applicable', message: `the host is a ${systemInfo.container} container: its clock is the container host's` };
    const daemons = localTimeDaemons(timeSync);
    const names = [...new Set(daemons.map((d) => d.name))];
    const td = timeSync.timedatectl;
    if (td && td.synchronized === false && td.ntp === false && !names.length)
      return { status: 'fail', findings: [{ severity: 'medium', resource: 'system:time-sync', evidence: 'timedatectl: NTP=no, NTPSynchronized=no; no time daemon is running' }] };
    if (td?.synchronized === true || names.length) {
      if (names.length > 1)
        return {
          status: 'fail',
          findings: [{ severity: 'low', resource: 'system:time-sync', title: 'More than one time daemon is running', evidence: `running: ${names.join(', ')} (they fight over the clock)` }],
        };
      if (td && td.synchronized === false)
        return { status: 'fail', findings: [{ severity: 'low', resource: 'system:time-sync', title: 'The clock is not synchronised yet', evidence: `${names[0] ?? 'NTP'} is running but timedatectl reports NTPSynchronized=no` }] };
      return { status: 'pass' };
    }
    return {
      status: 'fail',
      findings: [
        {
          severity: 'medium',
          resource: 'system:time-sync',
          evidence: `no time daemon is running (looked for chronyd, ntpd, systemd-timesyncd, openntpd)${td ? `; timedatectl: NTP=${td.ntp === null ? '?' : td.ntp ? 'yes' : 'no'}` : ''}`,
        },
      ],
    };
  },
});
