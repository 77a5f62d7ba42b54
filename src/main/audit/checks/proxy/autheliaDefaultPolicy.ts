import { defineCheck } from '../types';
import { AUTHELIA_DOCS } from './model';
import { where, withAuthelia } from './autheliaCommon';

export default defineCheck({
  id: 'AUTHELIA-DEFAULT-POLICY',
  title: 'Authelia access control does not deny by default',
  category: 'access',
  severity: 'high',
  references: [`${AUTHELIA_DOCS}security/access-control/#default_policy`],
  rationale:
    'default_policy applies to every request no rule matches. With `bypass` any host the proxy sends to Authelia that was forgotten in the rules is public; with one_factor/two_factor it is open to every user. `deny` makes each exposure a decision written in a rule.',
  remediation: 'Set `access_control.default_policy: deny` and add a rule (two_factor for admin hosts) for each protected host.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withAuthelia(proxy, (a) => {
      const p = (a.entries['access_control.default_policy'] ?? 'deny').toLowerCase();
      if (p === 'deny') return [];
      return [{ severity: p === 'bypass' ? ('high' as const) : ('medium' as const), resource: a.resource, evidence: `access_control.default_policy is ${p} in ${where(a)}` }];
    }),
});
