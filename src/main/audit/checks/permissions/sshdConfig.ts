import { othersRead, othersWrite, groupWrite } from '../../parsers/records';
import { defineCheck, type FindingDraft } from '../types';
import { PERM_REFS, problemsToFinding, type ModeProblem } from './fileFindings';

export default defineCheck({
  id: 'PERM-SSHD-CONFIG',
  title: 'sshd_config is writable or readable beyond root',
  category: 'permissions',
  severity: 'high',
  cis: 'CIS Debian Linux 12 v1.1.0 5.1.1',
  references: PERM_REFS,
  rationale:
    'Whoever can write sshd_config (or a drop-in it includes) can enable root password logins or add an AuthorizedKeysCommand: root access at the next reload. Readable configs tell an attacker which users, ports and methods to target.',
  remediation: 'Run `chown root:root /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf && chmod 600 /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf`.',
  fixKind: 'file-mode',
  requires: ['criticalFiles'],
  evaluate: ({ criticalFiles }) => {
    const files = criticalFiles.files.filter((f) => f.role === 'sshd_config');
    if (!files.length) return { status: 'not-applicable', message: 'no sshd_config found' };
    const findings: FindingDraft[] = [];
    for (const { stat: s } of files) {
      const p: ModeProblem[] = [];
      if (othersWrite(s.mode)) p.push({ severity: 'high', reason: 'writable by every user' });
      if (groupWrite(s.mode)) p.push({ severity: s.gid === 0 ? 'medium' : 'high', reason: `writable by group ${s.group}` });
      if (s.uid !== 0) p.push({ severity: 'high', reason: `owned by ${s.owner}, not root` });
      if (othersRead(s.mode)) p.push({ severity: 'low', reason: 'readable by every user (CIS: 0600)' });
      if (p.length) findings.push(problemsToFinding(s, p));
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
