import { defineCheck } from '../types';
import { SSHD_REFS, sshdResource, value } from './sshdValue';

export default defineCheck({
  id: 'SSH-PASSWORD-AUTH',
  title: 'SSH accepts passwords',
  category: 'ssh',
  severity: 'high',
  references: [...SSHD_REFS, 'https://www.openssh.com/txt/release-8.7'],
  rationale:
    'Password logins can be brute-forced and phished; keys cannot. Keyboard-interactive authentication usually asks for the same password through PAM.',
  remediation:
    'Set `PasswordAuthentication no` and `KbdInteractiveAuthentication no` in sshd_config once every user has a key, check with `sshd -t`, then reload sshd.',
  fixKind: 'sshd-config',
  requires: ['sshd'],
  evaluate: ({ sshd }) => {
    const findings = [];
    if (value(sshd, 'PasswordAuthentication') === 'yes')
      findings.push({ severity: 'high' as const, resource: sshdResource(sshd, 'PasswordAuthentication'), evidence: 'PasswordAuthentication yes' });
    // sshd -T prints kbdinteractiveauthentication (ChallengeResponseAuthentication on older releases).
    const kbd = value(sshd, 'KbdInteractiveAuthentication') || value(sshd, 'ChallengeResponseAuthentication');
    if (kbd === 'yes') {
      const pam = value(sshd, 'UsePAM') === 'yes';
      findings.push({
        severity: pam ? ('high' as const) : ('medium' as const),
        resource: sshdResource(sshd, 'KbdInteractiveAuthentication'),
        title: 'SSH accepts keyboard-interactive logins',
        evidence: `KbdInteractiveAuthentication yes${pam ? ' with UsePAM yes (asks for the account password)' : ''}`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
