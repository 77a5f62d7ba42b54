import { backupFiles } from '../../parsers/backups';
import { defineCheck, type FindingDraft } from '../types';
import { BACKUP_REFS, backupResource, withBackups } from './locations';

export default defineCheck({
  id: 'BACKUP-UNENCRYPTED',
  title: 'Backups are not encrypted',
  category: 'backups',
  severity: 'medium',
  references: BACKUP_REFS,
  rationale:
    'A backup holds every secret of the system it copies. Unencrypted, it is exposed wherever it travels: other users on the host, the off-site storage, whoever finds an old disk.',
  remediation:
    'Encrypt before the backup leaves the job: `pg_dump … | age -r RECIPIENT > db.sql.age`, `gpg --encrypt`, or a tool that encrypts by default (restic, borg with repokey). Keep the private key off the host.',
  fixKind: 'manual',
  effort: 'high',
  requires: ['backups'],
  evaluate: ({ backups }) => {
    const locs = withBackups(backups);
    if (!locs.length) return { status: 'not-applicable', message: 'no backups found (see BACKUP-NONE)' };
    const findings: FindingDraft[] = [];
    for (const l of locs) {
      const files = backupFiles(l);
      const plain = files.filter((f) => f.encryption === 'unencrypted');
      if (!plain.length) continue;
      const examples = plain
        .slice(0, 3)
        .map((f) => `${f.stat.path.slice(l.path.length + 1)}${f.magic ? ` (${f.magic})` : ''}`)
        .join(', ');
      findings.push({
        severity: 'medium',
        resource: backupResource(l.path),
        evidence: `${plain.length} of ${files.length} backup files in ${l.path} are not encrypted, e.g. ${examples}`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
