import { defineCheck } from '../types';
import { CIS_DEBIAN12, SSHD_REFS, globalEvidence, intValue, sshdResource, value } from './sshdValue';

export const MAX_SESSIONS_LIMIT = 10;

export default defineCheck({
  id: 'SSH-MAX-SESSIONS',
  title: 'SSH allows many sessions per connection',
  category: 'ssh',
  severity: 'low',
  cis: CIS_DEBIAN12('5.1.17'),
  references: [...SSHD_REFS, CIS_DEBIAN12('5.1.17 Ensure sshd MaxSessions is configured'), 'Lynis SSH-7408 (MaxSessions)'],
  rationale:
    'MaxSessions bounds the shells, commands and subsystems one authenticated connection may multiplex; a high limit lets one connection hold many processes open. CIS asks for 10 or fewer (the default). Lynis suggests 2, but that makes multiplexing clients wait: Rampart itself runs up to 8 channels per connection and queues beyond what sshd allows.',
  remediation: `Set \`MaxSessions ${MAX_SESSIONS_LIMIT}\` (or lower) in sshd_config, check with \`sshd -t\`, then reload sshd.`,
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const n = intValue(sshd, 'MaxSessions');
    if (Number.isNaN(n)) return { status: 'not-applicable', message: `MaxSessions is "${value(sshd, 'MaxSessions')}", not a number` };
    if (n <= MAX_SESSIONS_LIMIT) return { status: 'pass' };
    return { status: 'fail', findings: [{ severity: 'low', resource: sshdResource(sshd, 'MaxSessions'), evidence: globalEvidence('MaxSessions', String(n), `at most ${MAX_SESSIONS_LIMIT} recommended`) }] };
  },
});
