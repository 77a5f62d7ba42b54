import { isLoginShell } from '../../parsers/accounts';
import { defineCheck, type FindingDraft } from '../types';
import { CIS, uidMin } from './common';

/** Accounts Debian gives a special "shell" on purpose. */
const SPECIAL = new Set(['sync', 'shutdown', 'halt']);

export default defineCheck({
  id: 'ACC-SYSTEM-ACCOUNT-LOGIN',
  title: 'A system account has a login shell or a password',
  category: 'access',
  severity: 'medium',
  cis: `${CIS} 5.4.2.7, 5.4.2.8`,
  references: ['https://manpages.debian.org/bookworm/passwd/usermod.8.en.html'],
  rationale:
    'System accounts (uid below login.defs UID_MIN, root aside) exist to own files and run daemons; nobody should log in as them. A shell plus a password is a login nobody watches (medium); a shell alone lets anyone who gets the account\'s key or a service exploit a full session (low); a password on an account without a shell is one more hash to crack for nothing (low). The password field is classified on the host (set / locked / empty): no hash is read here.',
  remediation:
    'Give the account no shell and lock it: `usermod -s /usr/sbin/nologin -L ACCOUNT` (check first that no cron job or service runs commands through its shell, e.g. `su - ACCOUNT -c`).',
  fixKind: 'manual',
  requires: ['hostHardening', 'accounts', 'shadow'],
  evaluate: ({ hostHardening: h, accounts, shadow }) => {
    const min = uidMin(h);
    const findings: FindingDraft[] = [];
    for (const u of accounts.users) {
      if (u.uid === 0 || u.uid >= min || SPECIAL.has(u.name) || u.name === 'nobody' && !isLoginShell(u.shell)) continue;
      const state = u.passwdField !== 'shadowed' ? u.passwdField : (shadow.entries.find((e) => e.name === u.name)?.state ?? 'locked');
      const shell = isLoginShell(u.shell);
      const password = state === 'set';
      // An empty password is ACC-EMPTY-PASSWORD's finding.
      if (!shell && !password) continue;
      findings.push({
        severity: shell && password ? 'medium' : 'low',
        resource: `account:${u.name}`,
        evidence: `${u.name} (uid ${u.uid} < UID_MIN ${min}) has ${shell ? `login shell ${u.shell || '/bin/sh (empty field)'}` : `no login shell (${u.shell})`} and password ${state}`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
