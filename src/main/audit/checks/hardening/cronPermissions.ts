import type { FileStat } from '../../parsers/records';
import { groupWrite, othersRead, othersWrite, groupRead } from '../../parsers/records';
import { problemsToFinding, type ModeProblem } from '../permissions/fileFindings';
import { defineCheck, type FindingDraft } from '../types';
import { CIS } from './common';

export default defineCheck({
  id: 'PERM-CRON',
  title: 'cron and at files are open beyond root',
  category: 'permissions',
  severity: 'high',
  cis: `${CIS} 2.4.1.2–2.4.1.8, 2.4.2.1`,
  references: ['https://manpages.debian.org/bookworm/cron/crontab.5.en.html', 'Lynis FILE-7524 (cron folder modes)'],
  rationale:
    'Everything in /etc/crontab and /etc/cron.* runs as root: a user who can write there is root at the next minute (high). Readable by others, the jobs tell an intruder which scripts root runs (low). Without /etc/cron.allow (and /etc/at.allow) every account may schedule its own jobs, which CIS restricts to named users (low).',
  remediation:
    '`chown root:root /etc/crontab /etc/cron.{hourly,daily,weekly,monthly,d}`, `chmod og-rwx` them (600 for /etc/crontab, 700 for the folders); create /etc/cron.allow (and /etc/at.allow) owned by root, mode 640, listing the users who may schedule jobs (root alone is enough on most servers), and remove cron.deny / at.deny.',
  fixKind: 'manual',
  requires: ['hostHardening'],
  evaluate: ({ hostHardening: h }) => {
    const { daemons, files } = h.cron;
    const hasCron = daemons.some((d) => d === 'cron' || d === 'crond' || d === 'cronie');
    const hasAt = daemons.includes('atd');
    if (!hasCron && !hasAt && !files.length) return { status: 'not-applicable', message: 'neither cron nor at is installed' };
    const findings: FindingDraft[] = [];
    for (const s of files) {
      if (/\/(cron|at)\.(allow|deny)$/.test(s.path)) {
        const p: ModeProblem[] = [];
        if (othersWrite(s.mode) || groupWrite(s.mode) || s.uid !== 0) p.push({ severity: 'high', reason: 'writable or owned beyond root (anyone who edits it decides who may schedule jobs)' });
        if (p.length) findings.push(problemsToFinding(s, p));
        continue;
      }
      findings.push(...modeFinding(s));
    }
    const allow = (n: string) => files.some((f) => f.path === `/etc/${n}.allow`);
    if (hasCron && !allow('cron')) findings.push({ severity: 'low', resource: 'file:/etc/cron.allow', evidence: `/etc/cron.allow does not exist: every account may use crontab${files.some((f) => f.path === '/etc/cron.deny') ? ' (except those in /etc/cron.deny)' : ''}` });
    if (hasAt && !allow('at')) findings.push({ severity: 'low', resource: 'file:/etc/at.allow', evidence: `/etc/at.allow does not exist: every account may use at${files.some((f) => f.path === '/etc/at.deny') ? ' (except those in /etc/at.deny)' : ''}` });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});

function modeFinding(s: FileStat): FindingDraft[] {
  const p: ModeProblem[] = [];
  if (othersWrite(s.mode) || groupWrite(s.mode)) p.push({ severity: 'high', reason: 'writable beyond root: its jobs run as root' });
  if (s.uid !== 0) p.push({ severity: 'high', reason: `owned by ${s.owner}, not root` });
  if (othersRead(s.mode) || groupRead(s.mode) || (s.mode & 0o011) !== 0) p.push({ severity: 'low', reason: 'readable or listable beyond root (CIS: og-rwx)' });
  return p.length ? [problemsToFinding(s, p)] : [];
}
