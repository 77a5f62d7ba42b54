import { othersRead, othersWrite, groupWrite, groupRead } from '../../parsers/records';
import { defineCheck, type FindingDraft } from '../types';
import { PERM_REFS, problemsToFinding, type ModeProblem } from './fileFindings';

export default defineCheck({
  id: 'PERM-SSH-DIR',
  title: '~/.ssh is not private to its user',
  category: 'permissions',
  severity: 'high',
  cis: 'CIS Debian Linux 12 v1.1.0 7.2.10',
  references: [...PERM_REFS, 'https://man.openbsd.org/sshd#FILES'],
  rationale:
    '~/.ssh holds the authorized keys and often private keys. If others can write it they can add their key and log in as the user; if they can list or read it they learn key names and may read keys. sshd (StrictModes) also refuses keys in a writable ~/.ssh.',
  remediation: 'Run `chown USER: ~USER/.ssh && chmod 700 ~USER/.ssh` for each user listed.',
  fixKind: 'file-mode',
  requires: ['sshKeys'],
  evaluate: ({ sshKeys }) => {
    const findings: FindingDraft[] = [];
    for (const u of sshKeys.users) {
      const s = u.sshDir;
      if (!s || s.type !== 'd') continue;
      const p: ModeProblem[] = [];
      if (othersWrite(s.mode) || groupWrite(s.mode)) p.push({ severity: 'high', reason: 'writable beyond its user' });
      if (s.uid !== u.uid && s.uid !== 0) p.push({ severity: 'high', reason: `owned by ${s.owner}, not ${u.user}` });
      if (othersRead(s.mode) || groupRead(s.mode)) p.push({ severity: 'medium', reason: 'listable beyond its user' });
      else if (s.mode & 0o011) p.push({ severity: 'low', reason: 'enterable beyond its user (expected 0700)' });
      if (p.length) findings.push(problemsToFinding(s, p));
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
