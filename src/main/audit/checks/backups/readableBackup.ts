import type { Severity } from '../../../../shared/domain';
import { describeAccess, othersRead } from '../../parsers/records';
import { worst } from '../permissions/fileFindings';
import { defineCheck, type FindingDraft } from '../types';
import { BACKUP_REFS, backupResource } from './locations';

/** Debian's copies of the password hash files. */
const HASH_COPIES = /^(shadow|gshadow)\.bak/;

export default defineCheck({
  id: 'BACKUP-READABLE',
  title: 'Backups are readable by other users',
  category: 'backups',
  severity: 'critical',
  references: BACKUP_REFS,
  rationale:
    'A readable backup gives every local user and compromised service the whole database or config tree — password hashes, API keys, customer data — without touching the live system.',
  remediation: 'Run `chmod 600` on the backup files and `chmod 700` (or 750 for a backup group) on the folders, and set `umask 077` in the backup job so new files are private.',
  fixKind: 'file-mode',
  requires: ['backups'],
  evaluate: ({ backups }) => {
    const findings: FindingDraft[] = [];
    for (const l of backups.locations) {
      const readable = l.files.filter((f) => othersRead(f.stat.mode) && (!f.housekeeping || HASH_COPIES.test(f.stat.path.slice(l.path.length + 1))));
      const sev: Severity[] = readable.map((f) => (f.housekeeping || f.encryption === 'unencrypted' ? 'critical' : f.encryption === 'encrypted' ? 'medium' : 'high'));
      const parts: string[] = [];
      if (readable.length) {
        const shown = readable.slice(0, 4).map((f) => `${f.stat.path} ${describeAccess(f.stat)}${f.encryption === 'encrypted' ? ' (encrypted)' : f.encryption === 'unencrypted' ? ' (unencrypted)' : ''}`);
        parts.push(`readable by every user: ${shown.join(', ')}${readable.length > 4 ? ` and ${readable.length - 4} more` : ''}`);
      }
      // A folder others may list shows names, sizes and dates of the backups (low on its own).
      const hasOwn = l.files.some((f) => !f.housekeeping);
      if (hasOwn && l.stat.mode & 0o005) {
        sev.push('low');
        parts.push(`folder ${l.path} ${describeAccess(l.stat)} is open to every user`);
      }
      if (!parts.length) continue;
      findings.push({ severity: worst(sev), resource: backupResource(l.path), evidence: parts.join('; ') });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
