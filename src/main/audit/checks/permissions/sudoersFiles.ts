import { othersRead, othersWrite, groupWrite } from '../../parsers/records';
import { defineCheck, type FindingDraft } from '../types';
import { PERM_REFS, problemsToFinding, type ModeProblem } from './fileFindings';

export default defineCheck({
  id: 'PERM-SUDOERS-FILES',
  title: 'sudoers files are accessible beyond root',
  category: 'permissions',
  severity: 'high',
  references: [...PERM_REFS, 'https://www.sudo.ws/docs/man/sudoers.man/'],
  rationale:
    'Write access to /etc/sudoers or a file in /etc/sudoers.d is root access. Readable rules show an attacker which accounts to go after for passwordless root.',
  remediation: 'Run `chown root:root /etc/sudoers /etc/sudoers.d/* && chmod 440 /etc/sudoers /etc/sudoers.d/*`, then `visudo -c`.',
  fixKind: 'file-mode',
  // sudoers (root only) makes this needs-sudo when unprivileged: /etc/sudoers.d cannot be listed.
  requires: ['criticalFiles', 'sudoers'],
  evaluate: ({ criticalFiles }) => {
    const files = criticalFiles.files.filter((f) => f.role === 'sudoers');
    if (!files.length) return { status: 'not-applicable', message: 'sudo is not installed' };
    const findings: FindingDraft[] = [];
    for (const { stat: s } of files) {
      const p: ModeProblem[] = [];
      if (othersWrite(s.mode)) p.push({ severity: 'high', reason: 'writable by every user (sudo refuses to run)' });
      if (groupWrite(s.mode) && s.gid !== 0) p.push({ severity: 'high', reason: `writable by group ${s.group}` });
      if (s.uid !== 0) p.push({ severity: 'high', reason: `owned by ${s.owner}, not root (sudo refuses it)` });
      if (othersRead(s.mode)) p.push({ severity: 'low', reason: 'readable by every user' });
      if (p.length) findings.push(problemsToFinding(s, p));
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
