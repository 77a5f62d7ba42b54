import { defineCheck } from '../types';
import { adminDomain, AUTHELIA_DOCS, autheliaRules } from './model';
import { where, withAuthelia } from './autheliaCommon';

export default defineCheck({
  id: 'AUTHELIA-ADMIN-ONE-FACTOR',
  title: 'Admin host protected by one factor only in Authelia',
  category: 'access',
  severity: 'medium',
  references: [`${AUTHELIA_DOCS}security/access-control/#two_factor`, 'https://pages.nist.gov/800-63-3/sp800-63b.html'],
  rationale: 'Admin interfaces are where a stolen or guessed password does the most harm; a second factor (TOTP, WebAuthn, Duo) stops credential stuffing and phishing of the password alone.',
  remediation: 'Set `policy: two_factor` on the rules that match admin hosts, and enable a second factor method (totp or webauthn).',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withAuthelia(proxy, (a) =>
      autheliaRules(a)
        .filter((r) => r.policy === 'one_factor')
        .flatMap((r) => {
          const admin = r.domains.filter(adminDomain);
          return admin.length ? [{ severity: 'medium' as const, resource: `${a.resource}:rules[${r.index}]`, evidence: `access_control.rules[${r.index}] allows ${admin.join(', ')} with one_factor in ${where(a)}` }] : [];
        }),
    ),
});
