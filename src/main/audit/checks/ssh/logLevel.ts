import { defineCheck } from '../types';
import { CIS_DEBIAN12, SSHD_REFS, globalEvidence, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-LOG-LEVEL',
  title: 'SSH does not log logins at a useful level',
  category: 'ssh',
  severity: 'medium',
  cis: CIS_DEBIAN12('5.1.14'),
  references: [...SSHD_REFS, CIS_DEBIAN12('5.1.14 Ensure sshd LogLevel is configured'), 'Lynis SSH-7408 (LogLevel)'],
  rationale:
    'At QUIET (printed as SILENT by sshd -T), FATAL or ERROR sshd does not log logins and failed attempts: there is no record of who came in, and fail2ban and similar tools see nothing to ban. DEBUG levels log data that sshd_config(5) calls a violation of users’ privacy. INFO logs each login with the fingerprint of the key used; VERBOSE adds the keys offered and refused (Lynis prefers it; CIS accepts either).',
  remediation: 'Set `LogLevel VERBOSE` (or INFO) in sshd_config, check with `sshd -t`, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const v = value(sshd, 'LogLevel').toUpperCase();
    if (v === 'INFO' || v === 'VERBOSE') return { status: 'pass' };
    if (/^(QUIET|SILENT|FATAL|ERROR)$/.test(v))
      return { status: 'fail', findings: [{ severity: 'medium', resource: sshdResource(sshd, 'LogLevel'), evidence: globalEvidence('LogLevel', v, 'logins and failed attempts are not logged') }] };
    if (/^DEBUG[123]?$/.test(v))
      return {
        status: 'fail',
        findings: [{ severity: 'low', resource: sshdResource(sshd, 'LogLevel'), title: 'SSH logs at a debug level', evidence: globalEvidence('LogLevel', v, 'debug logging records more about users than needed') }],
      };
    return { status: 'not-applicable', message: `LogLevel is "${v}", not a level sshd knows` };
  },
});
