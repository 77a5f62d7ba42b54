import type { Severity } from '../../../../shared/domain';
import { isLoginShell } from '../../parsers/accounts';
import { loginDefs, pamUnixLines } from '../../parsers/hardening';
import { worst } from '../permissions/fileFindings';
import { defineCheck } from '../types';
import { CIS } from './common';

const STRONG = /^(YESCRYPT|SHA512)$/i;
const PAM_WEAK = /\b(md5|bigcrypt|blowfish|sha256)\b/;

export default defineCheck({
  id: 'ACC-PASSWORD-POLICY',
  title: 'Password aging or hashing is weaker than CIS asks',
  category: 'access',
  severity: 'medium',
  cis: `${CIS} 5.3.3.4.1, 5.3.3.4.3, 5.4.1.1–5.4.1.4`,
  references: ['https://manpages.debian.org/bookworm/login/login.defs.5.en.html', 'https://manpages.debian.org/bookworm/libpam-modules/pam_unix.8.en.html', 'Lynis AUTH-9229, AUTH-9286'],
  rationale:
    'Where accounts log in with passwords, the hash in /etc/shadow is what a thief of that file attacks offline: yescrypt or SHA-512 crypt make that slow, MD5 or DES crypt do not (medium). Passwords that never expire and `nullok` (an empty password accepted by pam_unix) are hardening points (low). On a host where no account has a password, none of this applies.',
  remediation:
    'In /etc/login.defs set `ENCRYPT_METHOD YESCRYPT` (or SHA512), `PASS_MAX_DAYS 365`, `PASS_MIN_DAYS 1`, `PASS_WARN_AGE 7`; apply the aging to existing accounts with `chage --maxdays 365 --mindays 1 --warndays 7 USER`; in /etc/pam.d/common-password keep `yescrypt` (or `sha512`) on the pam_unix line; remove `nullok` from /etc/pam.d/common-auth (`pam-auth-update` regenerates these files: change the profile in /usr/share/pam-configs if it does).',
  fixKind: 'manual',
  requires: ['hostHardening', 'accounts', 'shadow'],
  evaluate: ({ hostHardening: h, accounts, shadow }) => {
    const withPassword = shadow.entries.filter((e) => e.state === 'set' && accounts.users.some((u) => u.name === e.name && isLoginShell(u.shell)));
    if (!withPassword.length) return { status: 'not-applicable', message: 'no account with a login shell has a password set: password aging and hashing do not apply' };
    const defs = loginDefs(h);
    const p: Array<{ severity: Severity; text: string }> = [];
    const method = defs.ENCRYPT_METHOD;
    if (method && !STRONG.test(method)) p.push({ severity: 'medium', text: `login.defs ENCRYPT_METHOD ${method} (want YESCRYPT or SHA512)` });
    for (const line of pamUnixLines(h, 'common-password')) if (PAM_WEAK.test(line) && !/\b(yescrypt|sha512)\b/.test(line)) p.push({ severity: 'medium', text: `common-password hashes with ${PAM_WEAK.exec(line)![1]}: ${line.replace(/\s+/g, ' ')}` });
    const max = Number(defs.PASS_MAX_DAYS ?? 99999);
    if (!(max > 0 && max <= 365)) p.push({ severity: 'low', text: `PASS_MAX_DAYS ${defs.PASS_MAX_DAYS ?? '(unset: 99999)'} (want 1–365)` });
    if (!(Number(defs.PASS_MIN_DAYS ?? 0) >= 1)) p.push({ severity: 'low', text: `PASS_MIN_DAYS ${defs.PASS_MIN_DAYS ?? '(unset: 0)'} (want 1 or more)` });
    if (!(Number(defs.PASS_WARN_AGE ?? 7) >= 7)) p.push({ severity: 'low', text: `PASS_WARN_AGE ${defs.PASS_WARN_AGE} (want 7 or more)` });
    const neverExpire = withPassword.filter((e) => e.maxDays === null || e.maxDays > 365).map((e) => e.name);
    if (neverExpire.length) p.push({ severity: 'low', text: `password never expires within 365 days for ${neverExpire.join(', ')}` });
    for (const line of pamUnixLines(h, 'common-auth')) if (/\bnullok\b/.test(line)) p.push({ severity: 'low', text: 'pam_unix in common-auth has nullok (an empty password is accepted)' });
    if (!p.length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: [{ severity: worst(p.map((x) => x.severity)), resource: 'accounts:password-policy', evidence: `${withPassword.length} account(s) with a password (${withPassword.map((e) => e.name).slice(0, 5).join(', ')}): ${p.map((x) => x.text).join('; ')}` }],
    };
  },
});
