import { defineCheck } from '../types';
import { routerHasAuth, routerMiddlewares, TRAEFIK_DOCS } from './model';
import { withTraefik } from './traefikCommon';

export default defineCheck({
  id: 'TRAEFIK-DASHBOARD-NO-AUTH',
  title: 'Traefik dashboard router without an authentication middleware',
  category: 'network',
  severity: 'high',
  references: [`${TRAEFIK_DOCS}operations/dashboard/#secure-mode`, `${TRAEFIK_DOCS}middlewares/http/basicauth/`, `${TRAEFIK_DOCS}middlewares/http/forwardauth/`],
  rationale:
    'A router to `api@internal` publishes the dashboard and API on a normal entry point. Without a basicAuth, digestAuth or forwardAuth middleware (directly, in a chain, or on the entry point) anyone who can reach that host name sees the full routing configuration.',
  remediation:
    'Add an authentication middleware to the dashboard router, e.g. `traefik.http.routers.dashboard.middlewares=authelia@docker` (forwardAuth) or a basicAuth middleware with a bcrypt hash, and restrict it to the admin network (ipAllowList).',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withTraefik(proxy, (m) =>
      m.routers
        .filter((r) => /^api@internal$/i.test(r.service) && !routerHasAuth(m, r))
        .map((r) => ({
          severity: 'high' as const,
          resource: `traefik-router:${r.name}@${r.provider}`,
          evidence: `router ${r.name} (${r.origin}) serves api@internal${r.rule ? ` for ${r.rule}` : ''} with middlewares [${routerMiddlewares(m, r).join(', ')}]: none authenticates`,
        })),
    ),
});
