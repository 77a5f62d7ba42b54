import { othersRead, othersWrite, groupRead, groupWrite } from '../../parsers/records';
import { defineCheck, type FindingDraft } from '../types';
import { PERM_REFS, problemsToFinding, type ModeProblem } from './fileFindings';

export default defineCheck({
  id: 'PERM-SHADOW-FILES',
  title: '/etc/shadow or /etc/gshadow is readable or writable beyond root',
  category: 'permissions',
  severity: 'critical',
  cis: 'CIS Debian Linux 12 v1.1.0 7.1.5-7.1.8',
  references: PERM_REFS,
  rationale:
    '/etc/shadow and /etc/gshadow hold the password hashes: anyone who can read them can crack passwords offline, anyone who can write them can set root\'s password. Only root (and the shadow group, read-only) may access them.',
  remediation: 'Run `chown root:shadow /etc/shadow /etc/shadow- /etc/gshadow /etc/gshadow- && chmod 640 /etc/shadow /etc/shadow- /etc/gshadow /etc/gshadow-`. If they were readable, consider the hashes exposed and have the users change their passwords.',
  fixKind: 'file-mode',
  requires: ['criticalFiles'],
  evaluate: ({ criticalFiles }) => {
    const files = criticalFiles.files.filter((f) => f.role === 'shadow' || f.role === 'gshadow');
    if (!files.length) return { status: 'not-applicable', message: 'no /etc/shadow or /etc/gshadow on this host' };
    const findings: FindingDraft[] = [];
    for (const { stat: s } of files) {
      const p: ModeProblem[] = [];
      if (othersRead(s.mode)) p.push({ severity: 'critical', reason: 'readable by every user' });
      if (othersWrite(s.mode)) p.push({ severity: 'critical', reason: 'writable by every user' });
      if (groupWrite(s.mode)) p.push({ severity: 'high', reason: `writable by group ${s.group}` });
      if (groupRead(s.mode) && s.group !== 'shadow' && s.gid !== 0) p.push({ severity: 'high', reason: `readable by group ${s.group}` });
      if (s.uid !== 0) p.push({ severity: 'high', reason: `owned by ${s.owner}, not root` });
      if (p.length) findings.push(problemsToFinding(s, p));
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
