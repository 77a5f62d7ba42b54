// The three fail2ban checks: not installed, installed but not running, running without an SSH jail.
import { isSshJail } from '../../parsers/fail2ban';
import { defineCheck } from '../types';

const REFS = ['https://github.com/fail2ban/fail2ban', 'https://manpages.debian.org/bookworm/fail2ban/jail.conf.5.en.html'];

export const fail2banMissing = defineCheck({
  id: 'NET-FAIL2BAN-MISSING',
  title: 'No brute-force protection (fail2ban) is installed',
  category: 'network',
  severity: 'medium',
  references: REFS,
  rationale: 'SSH and other login services on the internet see thousands of password guesses a day; fail2ban (or CrowdSec) bans the sources after a few failures, which cuts the noise and slows real attacks.',
  remediation: 'Install fail2ban (`apt-get install fail2ban`); Debian enables the sshd jail by default (/etc/fail2ban/jail.d/defaults-debian.conf). Check with `fail2ban-client status sshd`.',
  fixKind: 'manual',
  requires: ['fail2ban'],
  evaluate: ({ fail2ban }) => {
    if (fail2ban.installed || fail2ban.crowdsec) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'medium', resource: 'fail2ban', evidence: 'fail2ban-client is not installed and no CrowdSec (crowdsec/cscli) was found' }] };
  },
});

export const fail2banInactive = defineCheck({
  id: 'NET-FAIL2BAN-INACTIVE',
  title: 'fail2ban is installed but not running',
  category: 'network',
  severity: 'medium',
  references: REFS,
  rationale: 'An installed but stopped fail2ban gives a false sense of protection: nothing is banned.',
  remediation: 'Start it and enable it at boot: `systemctl enable --now fail2ban`; check `fail2ban-client status` and /var/log/fail2ban.log if it does not stay up.',
  fixKind: 'manual',
  requires: ['fail2ban'],
  evaluate: ({ fail2ban }) => {
    if (!fail2ban.installed) return { status: 'not-applicable', message: 'fail2ban is not installed (see NET-FAIL2BAN-MISSING)' };
    if (fail2ban.running) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'medium', resource: 'fail2ban:server', evidence: fail2ban.note ?? 'the fail2ban server does not answer' }] };
  },
});

export const fail2banNoSshdJail = defineCheck({
  id: 'NET-FAIL2BAN-NO-SSHD-JAIL',
  title: 'fail2ban has no SSH jail',
  category: 'network',
  severity: 'medium',
  references: REFS,
  rationale: 'fail2ban only acts on the jails that are enabled; without an sshd jail, SSH password guessing goes unanswered.',
  remediation: 'Enable it in /etc/fail2ban/jail.local: `[sshd]` / `enabled = true` (on systemd hosts also `backend = systemd`), then `fail2ban-client reload` and check `fail2ban-client status sshd`.',
  fixKind: 'manual',
  requires: ['fail2ban'],
  evaluate: ({ fail2ban }) => {
    if (!fail2ban.installed || !fail2ban.running) return { status: 'not-applicable', message: 'fail2ban is not running' };
    if (fail2ban.jails.some(isSshJail)) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'medium', resource: 'fail2ban:jail:sshd', evidence: `fail2ban runs with ${fail2ban.jails.length ? `jails ${fail2ban.jails.join(', ')}` : 'no jails'}, none for SSH` }] };
  },
});
