import { othersRead, othersWrite, groupWrite, groupRead } from '../../parsers/records';
import { defineCheck, type FindingDraft } from '../types';
import { PERM_REFS, problemsToFinding, type ModeProblem } from './fileFindings';

export default defineCheck({
  id: 'PERM-AUTHORIZED-KEYS',
  title: 'An authorized_keys file is not private to its user',
  category: 'permissions',
  severity: 'high',
  cis: 'CIS Debian Linux 12 v1.1.0 7.2.10',
  references: [...PERM_REFS, 'https://man.openbsd.org/sshd#AUTHORIZED_KEYS_FILE_FORMAT'],
  rationale:
    'Whoever can write a user\'s authorized keys can add their own key and log in as that user. Readable files reveal which keys (and comments: people, machines) have access.',
  remediation: 'Run `chown USER: FILE && chmod 600 FILE` for each file listed (root-owned files under /etc/ssh: `chmod 644` at most, never writable by others).',
  fixKind: 'file-mode',
  requires: ['sshKeys'],
  evaluate: ({ sshKeys }) => {
    const findings: FindingDraft[] = [];
    for (const u of sshKeys.users) {
      for (const f of u.files) {
        const s = f.stat;
        const p: ModeProblem[] = [];
        if (othersWrite(s.mode) || groupWrite(s.mode)) p.push({ severity: 'high', reason: 'writable beyond its user' });
        if (s.uid !== u.uid && s.uid !== 0) p.push({ severity: 'high', reason: `owned by ${s.owner}, not ${u.user}` });
        if (othersRead(s.mode) || groupRead(s.mode)) p.push({ severity: 'low', reason: 'readable beyond its user (expected 0600)' });
        if (p.length) findings.push(problemsToFinding(s, p));
      }
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
