import { isLoginShell } from '../../parsers/accounts';
import { groupWrite, othersRead, othersWrite } from '../../parsers/records';
import { problemsToFinding, type ModeProblem } from '../permissions/fileFindings';
import { defineCheck, type FindingDraft } from '../types';
import { CIS } from './common';

export default defineCheck({
  id: 'PERM-HOME-DIRS',
  title: 'Home folders are writable or readable by other users',
  category: 'permissions',
  severity: 'high',
  cis: `${CIS} 7.2.9`,
  references: ['https://manpages.debian.org/bookworm/adduser/adduser.conf.5.en.html', 'Lynis HOME-9304'],
  rationale:
    'Whoever can write into a user\'s home can replace ~/.bashrc or ~/.profile and run code as that user (as root, for root\'s home) at the next login: high when others may write, medium for the group or when the folder belongs to someone else. Readable by others, every file without its own restrictive mode can be read (low). CIS asks for 750 or stricter, owned by the user.',
  remediation: '`chown USER: HOME && chmod 750 HOME` (700 where the group needs nothing); on Debian set `DIR_MODE=0700` in /etc/adduser.conf for new users.',
  fixKind: 'manual',
  requires: ['hostHardening', 'accounts'],
  evaluate: ({ hostHardening: h, accounts }) => {
    const login = new Map(accounts.users.filter((u) => isLoginShell(u.shell)).map((u) => [u.name, u]));
    const findings: FindingDraft[] = [];
    const seen = new Set<string>();
    for (const { user, home, stat: s } of h.homes) {
      const u = login.get(user);
      if (!u || !s || s.type !== 'd' || seen.has(home)) continue;
      seen.add(home);
      const p: ModeProblem[] = [];
      if (othersWrite(s.mode) && !(s.mode & 0o1000)) p.push({ severity: 'high', reason: 'writable by every user' });
      else if (othersWrite(s.mode)) p.push({ severity: 'medium', reason: 'writable by every user (sticky: they cannot replace existing files)' });
      if (groupWrite(s.mode)) p.push({ severity: 'medium', reason: `writable by group ${s.group}` });
      if (s.uid !== u.uid) p.push({ severity: 'medium', reason: `owned by ${s.owner}, not ${user}` });
      if (othersRead(s.mode) || (s.mode & 0o001) !== 0) p.push({ severity: 'low', reason: 'open to other users (CIS: 750 or stricter)' });
      if (p.length) findings.push(problemsToFinding(s, p, `Home folder of ${user} is open beyond its owner`));
    }
    if (!seen.size) return { status: 'not-applicable', message: 'no account with a login shell has an existing home folder' };
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
