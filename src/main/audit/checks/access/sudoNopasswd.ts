import { defineCheck, type FindingDraft } from '../types';
import { SUDO_REFS, sudoersResource } from './sudoersRefs';

export default defineCheck({
  id: 'ACC-SUDO-NOPASSWD-ALL',
  title: 'sudo grants every command without a password',
  category: 'access',
  severity: 'high',
  cis: 'CIS Debian Linux 12 v1.1.0 5.2.4',
  references: SUDO_REFS,
  rationale:
    'With NOPASSWD: ALL, anyone who gets a shell as one of these users (a stolen SSH key, a compromised app running as them) is root at once. The password prompt is the last barrier between a user session and root.',
  remediation:
    'Remove NOPASSWD from rules that allow ALL (edit with `visudo -f FILE`); keep NOPASSWD only for the specific commands automation needs, e.g. `deploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app`.',
  fixKind: 'manual',
  requires: ['sudoers'],
  evaluate: ({ sudoers }) => {
    const findings: FindingDraft[] = [];
    for (const r of sudoers.rules) {
      const cmd = r.commands.find((c) => c.nopasswd && c.all);
      if (!cmd) continue;
      const everyone = r.expandedUsers.includes('ALL');
      const who = r.users.join(',') === r.expandedUsers.join(',') ? r.users.join(', ') : `${r.users.join(', ')} (${r.expandedUsers.join(', ')})`;
      // The rule is shown rebuilt from its parts, not verbatim: other commands on the same line
      // may carry arguments (a password on a mysqldump command line) that must not leave the host.
      findings.push({
        severity: everyone ? 'critical' : 'high',
        resource: sudoersResource(r.file, r.line),
        evidence: `${r.file}:${r.line}: ${r.users.join(',')} … =${cmd.runas === null ? '' : ` (${cmd.runas})`} NOPASSWD: ${cmd.command} — ${everyone ? 'every user' : who} may run any command as ${cmd.runas ?? 'root'} without a password`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
