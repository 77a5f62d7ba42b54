import { othersRead, othersWrite, groupRead, groupWrite } from '../../parsers/records';
import { defineCheck, type FindingDraft } from '../types';
import { PERM_REFS, problemsToFinding, type ModeProblem } from './fileFindings';

export default defineCheck({
  id: 'PERM-SSH-HOST-KEYS',
  title: 'SSH host private keys are accessible beyond root',
  category: 'permissions',
  severity: 'critical',
  cis: 'CIS Debian Linux 12 v1.1.0 5.1.2',
  references: [...PERM_REFS, 'https://man.openbsd.org/sshd#FILES'],
  rationale:
    'A host private key lets its holder impersonate the server: clients that trust the key will hand credentials to a man in the middle without any warning. sshd also refuses keys that others can read.',
  remediation:
    'Run `chown root:root /etc/ssh/ssh_host_*_key && chmod 600 /etc/ssh/ssh_host_*_key`. If the keys were readable by others, regenerate them (`rm /etc/ssh/ssh_host_*; ssh-keygen -A`), reload sshd and tell users about the new fingerprints.',
  fixKind: 'file-mode',
  requires: ['criticalFiles'],
  evaluate: ({ criticalFiles }) => {
    const keys = criticalFiles.files.filter((f) => f.role === 'hostkey');
    if (!keys.length) return { status: 'not-applicable', message: 'no SSH host private keys found' };
    const findings: FindingDraft[] = [];
    for (const { stat: s } of keys) {
      const p: ModeProblem[] = [];
      if (othersRead(s.mode)) p.push({ severity: 'critical', reason: 'readable by every user' });
      if (othersWrite(s.mode) || groupWrite(s.mode)) p.push({ severity: 'critical', reason: 'writable beyond root' });
      // RHEL-style 0640 root:ssh_keys is accepted by sshd.
      if (groupRead(s.mode) && s.group !== 'ssh_keys' && s.gid !== 0) p.push({ severity: 'high', reason: `readable by group ${s.group}` });
      if (s.uid !== 0) p.push({ severity: 'high', reason: `owned by ${s.owner}, not root` });
      if (p.length) findings.push(problemsToFinding(s, p));
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
