import { describeSocket } from '../../parsers/listening';
import { defineCheck, type FindingDraft } from '../types';

export default defineCheck({
  id: 'NET-LISTENER-UNOWNED',
  title: 'A listening service runs a program no package or container owns',
  category: 'network',
  severity: 'medium',
  references: ['https://manpages.debian.org/bookworm/iproute2/ss.8.en.html', 'https://attack.mitre.org/techniques/T1205/'],
  rationale:
    'Every listening port should belong to something the admin knows: a Debian package (which gets security updates) or a container (whose image is scanned). A program outside both — built or copied by hand, or dropped by an intruder as a backdoor or proxy — gets no updates and no review. Not a CIS item (CIS 2.1.22 only asks to review listening services). Medium when it listens beyond loopback, low on loopback only.',
  remediation:
    'Identify it (`ls -l /proc/PID/exe`, `systemctl status PID`, `ps -o pid,user,lstart,args -p PID`). Install it from a package or run it in a container if it is wanted, keep it updated by hand otherwise (and accept this finding with the reason); stop it, remove it and investigate if nobody knows it.',
  fixKind: 'manual',
  requires: ['ownership', 'listening'],
  evaluate: ({ ownership: o, listening }) => {
    if (!o.dpkg) return { status: 'not-applicable', message: 'no dpkg package database on this host: listening programs cannot be matched to packages' };
    if (!o.listening.length) {
      if (listening.some((s) => s.pids.length === 0)) return { status: 'not-applicable', message: 'the owners of the listening sockets are hidden from this user: audit with sudo' };
      return { status: 'pass' };
    }
    const findings: FindingDraft[] = [];
    for (const l of o.listening) {
      if (l.container || !l.exe || o.owned.has(l.exe)) continue;
      const socks = listening.filter((s) => s.pids.includes(l.pid));
      const external = socks.some((s) => s.scope !== 'loopback');
      findings.push({
        severity: external ? 'medium' : 'low',
        resource: `listener:${l.exe}`,
        evidence: `${l.comm || '?'} (pid ${l.pid}, ${JSON.stringify(l.exe)}${l.deleted ? ', deleted since it started' : ''}) listens on ${socks.map(describeSocket).join(', ') || 'a socket'}; no package's file list names it and it does not run in a container`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
