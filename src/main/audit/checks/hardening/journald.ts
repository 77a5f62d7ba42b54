import { systemdKey } from '../../parsers/hardening';
import { defineCheck } from '../types';
import { CIS } from './common';

export default defineCheck({
  id: 'SYS-JOURNALD-PERSISTENT',
  title: 'The system journal is not kept across reboots',
  category: 'system',
  severity: 'low',
  cis: `${CIS} 6.1.2.4`,
  references: ['https://manpages.debian.org/bookworm/systemd/journald.conf.5.en.html'],
  rationale:
    'With Storage=volatile (or auto without /var/log/journal) journald keeps its logs in /run only: a reboot, including one an intruder causes, erases every login and service message since the last boot unless rsyslog keeps a copy. Low: it weakens the investigation afterwards, it opens nothing.',
  remediation:
    'Put `Storage=persistent` under [Journal] in /etc/systemd/journald.conf.d/60-persistent.conf (or create /var/log/journal with `systemd-tmpfiles --create --prefix /var/log/journal`) and run `systemctl restart systemd-journald`.',
  fixKind: 'manual',
  requires: ['hostHardening'],
  evaluate: ({ hostHardening: h }) => {
    if (!h.journal.installed) return { status: 'not-applicable', message: 'systemd-journald is not installed on this host' };
    const s = systemdKey(h, '/etc/systemd/journald.conf', 'Storage');
    const value = (s?.value ?? 'auto').toLowerCase();
    const where = s ? `Storage=${s.value} (${s.file})` : 'Storage not set (default auto)';
    if (value === 'persistent') return { status: 'pass' };
    if (value === 'auto' && h.journal.persistentDir) return { status: 'pass' };
    const why = value === 'auto' ? `${where} and /var/log/journal does not exist, so the journal lives in /run only` : `${where}: the journal is ${value === 'none' ? 'not stored at all' : 'kept in /run only'}`;
    return { status: 'fail', findings: [{ severity: 'low', resource: 'system:journald-storage', evidence: why }] };
  },
});
