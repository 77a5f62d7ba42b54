import { defineCheck } from '../types';
import { isOn, opt, TRAEFIK_DOCS } from './model';
import { withTraefikInstances } from './traefikCommon';

export default defineCheck({
  id: 'TRAEFIK-API-INSECURE',
  title: 'Traefik API and dashboard served without authentication (api.insecure)',
  category: 'network',
  severity: 'high',
  references: [`${TRAEFIK_DOCS}operations/api/#insecure`, `${TRAEFIK_DOCS}operations/dashboard/#secure-mode`],
  rationale:
    '`api.insecure=true` serves the API and dashboard on the `traefik` entry point (port 8080) with no router and so no middleware: anyone who reaches the port reads every router, service, middleware and back-end address — a map of the whole stack.',
  remediation:
    'Set `api.insecure=false` (drop `--api.insecure`) and expose the dashboard through a router with `service: api@internal`, TLS and an authentication middleware (basicAuth with a strong hash or forwardAuth to Authelia), reachable only from the admin network or VPN.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withTraefikInstances(proxy, (m) =>
      m.instances
        .filter((i) => isOn(i, 'api.insecure'))
        .map((i) => ({ severity: 'high' as const, resource: `traefik:${i.resource}`, evidence: `${i.label}: api.insecure=${opt(i, 'api.insecure') || 'true'} (from ${i.staticSource})` })),
    ),
});
