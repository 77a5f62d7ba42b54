import { defineCheck } from '../types';
import { entrypointNames, hasSection, opt, TRAEFIK_DOCS } from './model';
import { withTraefikInstances } from './traefikCommon';

export default defineCheck({
  id: 'TRAEFIK-ENTRYPOINT-NO-TLS',
  title: 'Traefik entry point without TLS and without a redirect to HTTPS',
  category: 'network',
  severity: 'medium',
  references: [`${TRAEFIK_DOCS}routing/entrypoints/#redirection`, `${TRAEFIK_DOCS}routing/entrypoints/#tls`],
  rationale:
    'An entry point that neither terminates TLS nor redirects to one that does serves logins, session cookies and API tokens in clear text to anyone on the path (public Wi-Fi, a compromised router).',
  remediation:
    'Redirect plain HTTP to HTTPS on the entry point (`--entrypoints.web.http.redirections.entrypoint.to=websecure --entrypoints.web.http.redirections.entrypoint.scheme=https`) and enable TLS on the HTTPS one (`--entrypoints.websecure.http.tls=true`, a certResolver).',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withTraefikInstances(proxy, (m) =>
      m.instances.flatMap((i) =>
        entrypointNames(i).flatMap((ep) => {
          const p = `entrypoints.${ep}`;
          if (hasSection(i, `${p}.http.tls`) || hasSection(i, `${p}.http.redirections`)) return [];
          const addr = opt(i, `${p}.address`) ?? '';
          // Only HTTP entry points (TCP/UDP ones such as :5432 or :53/udp are not web traffic); the dashboard's own port is TRAEFIK-API-INSECURE.
          if (/\/udp$/i.test(addr) || ep === 'traefik') return [];
          // Routers on it that do TLS themselves make it an HTTPS entry point.
          const routers = m.routers.filter((r) => r.entrypoints.map((x) => x.toLowerCase()).includes(ep));
          if (routers.length && routers.every((r) => r.tls)) return [];
          return [{ severity: 'medium' as const, resource: `traefik-entrypoint:${i.resource}:${ep}`, evidence: `${i.label}: entry point ${ep} (${addr || 'address not set'}) has no http.tls and no redirection to HTTPS (from ${i.staticSource})` }];
        }),
      ),
    ),
});
