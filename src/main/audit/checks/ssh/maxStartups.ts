import { defineCheck } from '../types';
import { CIS_DEBIAN12, SSHD_REFS, globalEvidence, sshdResource, value } from './sshdValue';

/** CIS 5.1.18: 10:30:60 or more restrictive. */
export const MAX_STARTUPS_START = 10;
export const MAX_STARTUPS_FULL = 60;

/** `start:rate:full` or a single number (a hard limit); null when it is neither. */
export function parseMaxStartups(v: string): { start: number; rate: number; full: number } | null {
  const m = /^(\d+)(?::(\d+):(\d+))?$/.exec(v.trim());
  if (!m) return null;
  const start = Number(m[1]);
  return m[2] === undefined ? { start, rate: 100, full: start } : { start, rate: Number(m[2]), full: Number(m[3]) };
}

export default defineCheck({
  id: 'SSH-MAX-STARTUPS',
  title: 'SSH accepts many unauthenticated connections at once',
  category: 'ssh',
  severity: 'low',
  cis: CIS_DEBIAN12('5.1.18'),
  references: [...SSHD_REFS, CIS_DEBIAN12('5.1.18 Ensure sshd MaxStartups is configured')],
  rationale:
    'MaxStartups start:rate:full makes sshd drop new unauthenticated connections at random from `start` pending ones and all of them at `full`. The default 10:30:100 lets 100 half-open logins tie up the daemon; CIS asks for 10:30:60 or stricter. (The drop rate is not judged: a higher rate only drops more.)',
  remediation: `Set \`MaxStartups ${MAX_STARTUPS_START}:30:${MAX_STARTUPS_FULL}\` in sshd_config, check with \`sshd -t\`, then reload sshd. Consider \`PerSourceMaxStartups\` (OpenSSH 8.5+) so one address cannot take them all.`,
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const raw = value(sshd, 'MaxStartups');
    const ms = parseMaxStartups(raw);
    if (!ms) return { status: 'not-applicable', message: `MaxStartups is "${raw}", not start:rate:full` };
    if (ms.start <= MAX_STARTUPS_START && ms.full <= MAX_STARTUPS_FULL) return { status: 'pass' };
    return {
      status: 'fail',
      findings: [{ severity: 'low', resource: sshdResource(sshd, 'MaxStartups'), evidence: globalEvidence('MaxStartups', raw, `${MAX_STARTUPS_START}:30:${MAX_STARTUPS_FULL} or stricter recommended`) }],
    };
  },
});
