import { octal } from '../../parsers/records';
import { defineCheck, type FindingDraft } from '../types';
import { CIS } from './common';

const SCRATCH = /^\/(tmp|var\/tmp|dev\/shm|home)(\/|$)/;

export default defineCheck({
  id: 'SYS-SUID-UNOWNED',
  title: 'SUID/SGID programs that no package installed',
  category: 'system',
  severity: 'high',
  cis: `${CIS} 7.1.13`,
  references: ['https://manpages.debian.org/bookworm/dpkg/dpkg.1.en.html', 'https://attack.mitre.org/techniques/T1548/001/'],
  rationale:
    'A setuid program runs as its owner (usually root) whoever starts it. Debian\'s own are listed in the package database; one that no package installed is either software installed by hand (which must be trusted as much as sudo) or a backdoor left to regain root. High in /tmp, /var/tmp, /dev/shm or a home folder (the classic planted root shell); medium elsewhere.',
  remediation:
    'Find out where it came from (`ls -l`, `stat`, `sha256sum` against the vendor\'s, the shell history and logs around its time). Remove the bit with `chmod u-s,g-s FILE` unless the program needs it and is trusted; delete a copy of a shell or a tool you did not install and treat the host as compromised.',
  fixKind: 'manual',
  requires: ['ownership'],
  evaluate: ({ ownership: o }) => {
    if (!o.dpkg) return { status: 'not-applicable', message: 'no dpkg package database on this host: SUID/SGID programs cannot be matched to packages' };
    const seen = new Set<string>();
    const findings: FindingDraft[] = [];
    for (const f of o.special) {
      if (seen.has(f.path) || o.owned.has(f.path)) continue;
      seen.add(f.path);
      const bits = [f.mode & 0o4000 ? 'setuid' : '', f.mode & 0o2000 ? 'setgid' : ''].filter(Boolean).join('+');
      findings.push({ severity: SCRATCH.test(f.path) ? 'high' : 'medium', resource: `file:${f.path}`, evidence: `${JSON.stringify(f.path)} ${octal(f.mode)} owner ${f.owner} (${bits}) is not in any package's file list` });
    }
    if (!findings.length) return { status: 'pass' };
    return { status: 'fail', findings };
  },
});
