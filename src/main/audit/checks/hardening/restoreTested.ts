import type { FileStat } from '../../parsers/records';
import { utc } from '../system/format';
import { BACKUP_REFS, withBackups } from '../backups/locations';
import { defineCheck } from '../types';
import { days } from './common';

/** A restore test older than this no longer proves the current backups restore. */
export const RESTORE_TEST_MAX_AGE_DAYS = 90;
const MARKER = /restore/i;
const TOOL_LOG = /(restic|borg)/i;

export default defineCheck({
  id: 'BACKUP-RESTORE-UNTESTED',
  title: 'No record that a backup restore was tested',
  category: 'backups',
  severity: 'low',
  references: [...BACKUP_REFS, 'https://restic.readthedocs.io/en/stable/050_restore.html', 'https://borgbackup.readthedocs.io/en/stable/usage/check.html'],
  rationale:
    'A backup that was never restored is a hope: wrong paths, a missing key, a dump that stops halfway or a repository that silently broke show up only on the day it is needed. The check looks for a record of a restore test where the host keeps one: a file named like *restore* (for example `.restore-tested`, touched by the test script) in a backup location or under /var/log, or restic/borg logs there (their `check` runs verify the repository, short of a restore). Older than 90 days counts as untested. Not a CIS item. Low: it says nothing is broken, only that nobody checked.',
  remediation:
    'Restore into a scratch folder or a scratch host on a schedule (monthly: `restic restore latest --target /tmp/restore-test`, `borg extract --dry-run`, or load the dump into a throwaway database), compare a few files or row counts, then record it: `touch /var/backups/.restore-tested` (or log to /var/log/restore-test.log). Run `restic check --read-data-subset 5%` / `borg check --verify-data` between restores.',
  fixKind: 'manual',
  requires: ['backups', 'hostHardening'],
  evaluate: ({ backups, hostHardening: h }) => {
    const locs = withBackups(backups);
    if (!locs.length) return { status: 'not-applicable', message: 'no backups found (see BACKUP-NONE)' };
    const records: FileStat[] = [
      ...backups.locations.flatMap((l) => l.files.map((f) => f.stat)).filter((s) => MARKER.test(s.path.slice(s.path.lastIndexOf('/') + 1))),
      ...h.restoreLogs.filter((s) => s.type === 'f'),
    ];
    const now = backups.now || h.now;
    const newest = records.reduce<FileStat | null>((a, b) => (!a || b.mtime > a.mtime ? b : a), null);
    const where = locs.map((l) => l.path).slice(0, 4).join(', ');
    if (!newest)
      return { status: 'fail', findings: [{ severity: 'low', resource: 'backups:restore-test', evidence: `backups in ${where}, but no restore-test record (no *restore* file there or under /var/log, no restic/borg log)` }] };
    const ageD = days(now - newest.mtime);
    if (ageD <= RESTORE_TEST_MAX_AGE_DAYS) return { status: 'pass' };
    const kind = TOOL_LOG.test(newest.path) && !MARKER.test(newest.path) ? 'the newest restic/borg log' : 'the newest restore-test record';
    return { status: 'fail', findings: [{ severity: 'low', resource: 'backups:restore-test', evidence: `${kind} is ${newest.path} from ${utc(newest.mtime)}, ${ageD} days ago (limit ${RESTORE_TEST_MAX_AGE_DAYS})` }] };
  },
});
