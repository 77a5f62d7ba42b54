import type { Severity } from '../../../../shared/domain';
import { othersRead, othersWrite, type FileStat } from '../../parsers/records';
import { defineCheck, type FindingDraft } from '../types';
import { fileResource, PERM_REFS, statEvidence, worst } from './fileFindings';

/** Login records that are world-readable by design (who/last read them). */
const PUBLIC_RECORDS = /^(wtmp|lastlog|faillog)([.-].*)?$/;
/** Logs with logins, IPs, mail addresses or request URLs: medium when others can read them. */
const SENSITIVE = /^(auth\.log|secure|syslog|messages|kern\.log|daemon\.log|user\.log|debug|mail\.(log|err|warn|info)|maillog|btmp|fail2ban\.log|sudo.*|audit\.log|.*access.*\.log|.*error.*\.log)/;

/** auth.log.2.gz → auth.log: rotations of one log are one finding. */
export function logFamily(path: string): string {
  return path.replace(/(\.\d+)?(\.(gz|xz|bz2|zst))?$/, '').replace(/-\d{8}$/, '');
}

export default defineCheck({
  id: 'PERM-LOG-FILES',
  title: 'Log files are readable or writable by every user',
  category: 'permissions',
  severity: 'high',
  cis: 'CIS Debian Linux 12 v1.1.0 6.2.4.1',
  references: PERM_REFS,
  rationale:
    'Logs record user names, source addresses, mail addresses, request URLs with tokens, and sometimes passwords typed into the wrong prompt. Every local user and compromised service can read world-readable logs; world-writable ones can be forged to hide an intrusion.',
  remediation: 'Run `chmod o-rwx FILE` (logs: 0640, group adm), and set the mode in the logger / logrotate `create 0640 root adm` so new files keep it.',
  fixKind: 'file-mode',
  requires: ['logFiles'],
  evaluate: ({ logFiles }) => {
    const families = new Map<string, FileStat[]>();
    for (const f of logFiles.files) {
      if (f.type !== 'f') continue;
      const name = f.path.slice(f.path.lastIndexOf('/') + 1);
      const write = othersWrite(f.mode);
      const read = othersRead(f.mode) && !PUBLIC_RECORDS.test(name);
      if (!write && !read) continue;
      const fam = logFamily(f.path);
      families.set(fam, [...(families.get(fam) ?? []), f]);
    }
    const findings: FindingDraft[] = [];
    for (const [fam, files] of families) {
      const sev: Severity[] = files.map((f) => {
        const name = f.path.slice(f.path.lastIndexOf('/') + 1);
        if (othersWrite(f.mode)) return 'high';
        return SENSITIVE.test(name) ? 'medium' : 'low';
      });
      const what = files.some((f) => othersWrite(f.mode)) ? 'writable by every user' : 'readable by every user';
      findings.push({
        severity: worst(sev),
        resource: fileResource(fam),
        evidence: `${files.map((f) => statEvidence(f)).slice(0, 4).join('; ')}${files.length > 4 ? ` and ${files.length - 4} more` : ''}: ${what}`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
