// Shared bits of the backup checks.
import { backupFiles, type BackupLocation, type Backups } from '../../parsers/backups';

export const BACKUP_REFS = ['https://www.cisa.gov/sites/default/files/publications/data_backup_options.pdf'];

/** Stable resource of a backup location. */
export function backupResource(path: string): string {
  return `backup:${path}`;
}

/** Locations that hold at least one backup file of the admin's. */
export function withBackups(b: Backups): BackupLocation[] {
  return b.locations.filter((l) => backupFiles(l).length > 0);
}

export function where(b: Backups): string {
  const locs = b.locations.map((l) => l.path);
  return locs.length ? locs.join(', ') : '/var/backups (absent)';
}
