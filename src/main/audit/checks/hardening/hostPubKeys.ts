import { groupWrite, othersWrite } from '../../parsers/records';
import { PERM_REFS, problemsToFinding, type ModeProblem } from '../permissions/fileFindings';
import { defineCheck, type FindingDraft } from '../types';
import { CIS } from './common';

export default defineCheck({
  id: 'PERM-SSH-HOST-PUBKEYS',
  title: 'SSH host public key files are writable beyond root',
  category: 'permissions',
  severity: 'medium',
  cis: `${CIS} 5.1.3`,
  references: [...PERM_REFS, 'https://man.openbsd.org/sshd#FILES'],
  rationale:
    'The public halves are meant to be read by everyone, so 644 is right; but one that others may change lets them swap what `ssh-keyscan`, SSHFP records or an admin copying the fingerprint publish, and sshd loads a `.pub` beside a certificate or an agent-held key. Medium when writable beyond root or owned by another user; CIS 5.1.3 (644 or stricter, root:root).',
  remediation: '`chown root:root /etc/ssh/ssh_host_*_key.pub && chmod 644 /etc/ssh/ssh_host_*_key.pub`.',
  fixKind: 'file-mode',
  requires: ['hostHardening'],
  evaluate: ({ hostHardening: h }) => {
    const pubs = h.keys.filter((k) => k.role === 'ssh-host-pubkey');
    if (!pubs.length) return { status: 'not-applicable', message: 'no SSH host public key files in /etc/ssh' };
    const findings: FindingDraft[] = [];
    for (const { stat: s } of pubs) {
      const p: ModeProblem[] = [];
      if (othersWrite(s.mode) || groupWrite(s.mode)) p.push({ severity: 'medium', reason: 'writable beyond root' });
      if (s.uid !== 0) p.push({ severity: 'medium', reason: `owned by ${s.owner}, not root` });
      if ((s.mode & 0o7111) !== 0) p.push({ severity: 'low', reason: 'has execute or special bits (want 644)' });
      if (p.length) findings.push(problemsToFinding(s, p));
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
