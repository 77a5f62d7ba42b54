import { othersWrite, groupWrite } from '../../parsers/records';
import { defineCheck, type FindingDraft } from '../types';
import { PERM_REFS, problemsToFinding, type ModeProblem } from './fileFindings';

export default defineCheck({
  id: 'PERM-PASSWD-FILES',
  title: '/etc/passwd or /etc/group is writable beyond root',
  category: 'permissions',
  severity: 'critical',
  cis: 'CIS Debian Linux 12 v1.1.0 7.1.1-7.1.4',
  references: PERM_REFS,
  rationale: 'Whoever can write /etc/passwd or /etc/group can add a UID 0 account or join the sudo group: root in one edit.',
  remediation: 'Run `chown root:root /etc/passwd /etc/passwd- /etc/group /etc/group- && chmod 644 /etc/passwd /etc/passwd- /etc/group /etc/group-`, then look for accounts or group members that should not be there.',
  fixKind: 'file-mode',
  requires: ['criticalFiles'],
  evaluate: ({ criticalFiles }) => {
    const findings: FindingDraft[] = [];
    for (const { stat: s } of criticalFiles.files.filter((f) => f.role === 'passwd' || f.role === 'group')) {
      const p: ModeProblem[] = [];
      if (othersWrite(s.mode)) p.push({ severity: 'critical', reason: 'writable by every user' });
      if (groupWrite(s.mode) && s.gid !== 0) p.push({ severity: 'critical', reason: `writable by group ${s.group}` });
      else if (groupWrite(s.mode)) p.push({ severity: 'medium', reason: 'writable by group root' });
      if (s.uid !== 0) p.push({ severity: 'high', reason: `owned by ${s.owner}, not root` });
      if (s.mode & 0o7111) p.push({ severity: 'low', reason: 'has execute or special bits (expected 0644)' });
      if (p.length) findings.push(problemsToFinding(s, p));
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
