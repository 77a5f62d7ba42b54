import { defineCheck } from '../types';
import { CIS } from './common';

export default defineCheck({
  id: 'SYS-AUDITD',
  title: 'auditd is not installed, not running or has no rules',
  category: 'system',
  severity: 'low',
  cis: `${CIS} 6.2.1.1, 6.2.1.2, 6.2.3 (Level 2)`,
  references: ['https://manpages.debian.org/bookworm/auditd/auditctl.8.en.html', 'Lynis ACCT-9628, ACCT-9630'],
  rationale:
    'The kernel audit log records who changed sudoers, passwd or the time, loaded a kernel module or used a privileged command, in a trail an intruder cannot silently trim the way a shell history can be. CIS puts auditd in Level 2 (more work to run and read than most small servers get), so its absence is low here.',
  remediation:
    '`apt install auditd audispd-plugins`, `systemctl enable --now auditd`, and add rules under /etc/audit/rules.d/ (the CIS 6.2.3 set, or /usr/share/doc/auditd/examples/rules/30-stig.rules.gz as a start); load them with `augenrules --load` and check with `auditctl -l`.',
  fixKind: 'manual',
  requires: ['hostHardening', 'systemInfo'],
  evaluate: ({ hostHardening: h, systemInfo }) => {
    if (systemInfo.container !== null) return { status: 'not-applicable', message: `this host is a ${systemInfo.container} container: kernel auditing belongs to the host` };
    const a = h.auditd;
    let evidence: string | null = null;
    if (!a.installed) evidence = 'auditd is not installed';
    else if (!a.running) evidence = 'auditd is installed but not running (no live auditd process behind /run/auditd.pid)';
    else if (a.rules === 0) evidence = `auditd runs with no rules loaded (auditctl -l: No rules; ${a.ruleFiles} file(s) in /etc/audit/rules.d)`;
    else if (a.rules === null) return { status: 'not-applicable', message: 'auditd runs; `auditctl -l` needs root to list the loaded rules: audit with sudo' };
    return evidence ? { status: 'fail', findings: [{ severity: 'low', resource: 'system:auditd', evidence }] } : { status: 'pass' };
  },
});
