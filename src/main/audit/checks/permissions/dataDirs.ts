import { groupWrite, othersRead, othersWrite, type FileStat } from '../../parsers/records';
import type { DataEngine } from '../../parsers/files';
import { defineCheck, type FindingDraft } from '../types';
import { PERM_REFS, problemsToFinding, type ModeProblem } from './fileFindings';

const ENGINE: Readonly<Record<DataEngine, string>> = { postgresql: 'PostgreSQL', mysql: 'MySQL/MariaDB', mongodb: 'MongoDB', redis: 'Redis' };

export default defineCheck({
  id: 'PERM-DATA-DIRS',
  title: 'A database data folder is open to other users',
  category: 'permissions',
  severity: 'high',
  references: [...PERM_REFS, 'https://www.postgresql.org/docs/current/creating-cluster.html'],
  rationale:
    'Data folders hold every row of the database, including password hashes and tokens, readable without going through the database\'s own access control. PostgreSQL requires 0700 (0750 with group access); other engines should be as strict.',
  remediation: 'Run `chmod 700 DIR` (PostgreSQL may use 0750 for a backup group) and `chown -R` it to the database user (UID 999 in the official images).',
  fixKind: 'file-mode',
  requires: ['dataDirs'],
  evaluate: ({ dataDirs }) => {
    if (!dataDirs.dirs.length) return { status: 'not-applicable', message: 'no database data folder found' };
    const findings: FindingDraft[] = [];
    for (const d of dataDirs.dirs) {
      const s: FileStat = d.stat;
      const p: ModeProblem[] = [];
      if (othersRead(s.mode) || s.mode & 0o001) p.push({ severity: 'high', reason: `${ENGINE[d.engine]} data folder open to every user (expected 0700)` });
      if (othersWrite(s.mode) || groupWrite(s.mode)) p.push({ severity: 'high', reason: 'writable beyond its owner' });
      if (p.length) findings.push(problemsToFinding(s, p));
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
