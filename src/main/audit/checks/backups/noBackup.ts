import { defineCheck } from '../types';
import { BACKUP_REFS, where, withBackups } from './locations';

export default defineCheck({
  id: 'BACKUP-NONE',
  title: 'No backups found on the host',
  category: 'backups',
  severity: 'medium',
  references: BACKUP_REFS,
  rationale:
    'Without backups, ransomware, a bad migration or a failed disk is permanent data loss. Rampart looks for backup files on the host (/var/backups, folders named *backup* in the scan roots and home folders); backups made elsewhere are invisible to it.',
  remediation:
    'Set up scheduled, encrypted backups (restic, borg, pg_dump | age …) to a folder named backups under a scan root and to off-site storage. If backups go only off-site (provider snapshots, a backup server pulling), accept this finding with that as the reason.',
  fixKind: 'manual',
  effort: 'high',
  requires: ['backups'],
  evaluate: ({ backups }) => {
    if (withBackups(backups).length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: [
        {
          severity: 'medium',
          resource: 'backups:host',
          evidence: `no backup files in ${where(backups)} (Debian's own /var/backups copies of dpkg and account files do not count)`,
        },
      ],
    };
  },
});
