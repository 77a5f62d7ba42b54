import { backupFiles } from '../../parsers/backups';
import { age, utc } from '../system/format';
import { defineCheck, type FindingDraft } from '../types';
import { BACKUP_REFS, backupResource, withBackups } from './locations';

/** A backup location whose newest file is older than this is stale (medium). */
export const STALE_AFTER_S = 48 * 3600;
/** … and older than this, high. */
export const VERY_STALE_AFTER_S = 7 * 24 * 3600;

export default defineCheck({
  id: 'BACKUP-STALE',
  title: 'The newest backup is older than 48 hours',
  category: 'backups',
  severity: 'high',
  references: BACKUP_REFS,
  rationale: 'A backup job that silently stopped is only noticed when a restore is needed. Everything written since the newest backup would be lost.',
  remediation: 'Check the backup job (cron / systemd timer logs, `journalctl -u JOB`), run it by hand, and add monitoring that alerts when no new backup appears for a day.',
  fixKind: 'manual',
  effort: 'medium',
  requires: ['backups'],
  evaluate: ({ backups }) => {
    const locs = withBackups(backups);
    if (!locs.length) return { status: 'not-applicable', message: 'no backups found (see BACKUP-NONE)' };
    const findings: FindingDraft[] = [];
    for (const l of locs) {
      const newest = backupFiles(l).reduce((a, b) => (b.stat.mtime > a.stat.mtime ? b : a));
      const ageS = backups.now - newest.stat.mtime;
      if (ageS <= STALE_AFTER_S) continue;
      findings.push({
        severity: ageS > VERY_STALE_AFTER_S ? 'high' : 'medium',
        resource: backupResource(l.path),
        evidence: `newest file in ${l.path} is ${newest.stat.path} from ${utc(newest.stat.mtime)}, ${age(ageS)} old`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
