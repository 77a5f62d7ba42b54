import { defineCheck } from '../types';
import { adminDomain, AUTHELIA_DOCS, autheliaRules } from './model';
import { where, withAuthelia } from './autheliaCommon';

export default defineCheck({
  id: 'AUTHELIA-ADMIN-BYPASS',
  title: 'Authelia rule bypasses authentication for an admin host',
  category: 'access',
  severity: 'high',
  references: [`${AUTHELIA_DOCS}security/access-control/#bypass`, `${AUTHELIA_DOCS}security/access-control/#rules`],
  rationale:
    'A `bypass` rule turns Authelia off for the hosts it matches. On an admin interface (the Traefik dashboard, Portainer, pgAdmin, Grafana, …) that leaves only the application’s own login, or none.',
  remediation: 'Change the rule’s policy to `two_factor` (and limit it to the admin group with `subject: group:admins`), or remove the host from the bypass rule.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withAuthelia(proxy, (a) =>
      autheliaRules(a)
        .filter((r) => r.policy === 'bypass')
        .flatMap((r) => {
          const admin = r.domains.filter(adminDomain);
          return admin.length ? [{ severity: 'high' as const, resource: `${a.resource}:rules[${r.index}]`, evidence: `access_control.rules[${r.index}] bypasses ${admin.join(', ')} in ${where(a)}` }] : [];
        }),
    ),
});
