import { defineCheck } from '../types';
import { adminReason, routerHasAuth, routerMiddlewares, TRAEFIK_DOCS } from './model';
import { withTraefik } from './traefikCommon';

export default defineCheck({
  id: 'TRAEFIK-ADMIN-ROUTER-NO-AUTH',
  title: 'Admin interface routed by Traefik without an authentication middleware',
  category: 'network',
  severity: 'high',
  references: [`${TRAEFIK_DOCS}middlewares/http/forwardauth/`, `${TRAEFIK_DOCS}middlewares/http/basicauth/`, 'https://www.authelia.com/integration/proxies/traefik/'],
  rationale:
    'Admin consoles (Portainer, pgAdmin, Grafana, Proxmox, …) published through the proxy are found by certificate-transparency logs and scanners within hours. Their own login is often weak, default or vulnerable; a forwardAuth (SSO with two factors) or basicAuth middleware in front keeps them out of reach.',
  remediation:
    'Add an authentication middleware to the router (`traefik.http.routers.NAME.middlewares=authelia@docker`), or an ipAllowList for the admin network/VPN, or stop publishing the admin interface.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withTraefik(proxy, (m) =>
      m.routers.flatMap((r) => {
        if (/^api@internal$/i.test(r.service)) return []; // TRAEFIK-DASHBOARD-NO-AUTH
        const why = adminReason(r);
        if (!why || routerHasAuth(m, r)) return [];
        return [{ severity: 'high' as const, resource: `traefik-router:${r.name}@${r.provider}`, evidence: `router ${r.name} (${r.origin}): ${why}; middlewares [${routerMiddlewares(m, r).join(', ')}] include no basicAuth/digestAuth/forwardAuth` }];
      }),
    ),
});
