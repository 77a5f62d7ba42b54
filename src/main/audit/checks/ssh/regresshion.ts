import { compareOpenssh } from '../../parsers/sshVersion';
import { defineCheck } from '../types';
import { SSHD_REFS } from './sshdValue';
import { fixedIn, REGRESSHION_BACKPORTS, REGRESSHION_FIRST, REGRESSHION_FIXED_UPSTREAM, versionText } from './opensshFixes';

export default defineCheck({
  id: 'SSH-REGRESSHION',
  title: 'OpenSSH is vulnerable to regreSSHion (CVE-2024-6387)',
  category: 'ssh',
  severity: 'high',
  references: [...SSHD_REFS, 'https://www.qualys.com/2024/07/01/cve-2024-6387/regresshion.txt', 'https://www.openssh.com/txt/release-9.8'],
  rationale:
    'A race in sshd’s SIGALRM handler (OpenSSH 8.5p1 to 9.7p1 on glibc) lets an unauthenticated attacker run code as root after many connection attempts. It needs no credentials and no special configuration.',
  remediation:
    'Install your distribution’s OpenSSH security update (or OpenSSH 9.8p1+) and restart sshd. If you cannot update at once, `LoginGraceTime 0` in sshd_config removes the race at the cost of easier connection exhaustion.',
  fixKind: 'manual',
  requires: ['sshVersion'],
  evaluate: ({ sshVersion }) => {
    const v = sshVersion.openssh;
    if (!v) return { status: 'not-applicable', message: 'the OpenSSH version could not be read (not OpenSSH?)' };
    if (compareOpenssh(v, REGRESSHION_FIRST) < 0) return { status: 'pass' };
    const verdict = fixedIn(sshVersion, REGRESSHION_FIXED_UPSTREAM, REGRESSHION_BACKPORTS);
    if (verdict.fixed === true) return { status: 'pass' };
    return {
      status: 'fail',
      findings: [
        verdict.fixed === false
          ? { severity: 'high', resource: 'openssh:CVE-2024-6387', evidence: verdict.why }
          : { severity: 'low', resource: 'openssh:CVE-2024-6387', title: 'OpenSSH may be vulnerable to regreSSHion (CVE-2024-6387)', evidence: `${versionText(sshVersion)} is in the affected range 8.5p1–9.7p1; ${verdict.why}` },
      ],
    };
  },
});
