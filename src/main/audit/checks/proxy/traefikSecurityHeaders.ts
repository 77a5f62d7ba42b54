import { defineCheck } from '../types';
import { TRAEFIK_DOCS } from './model';
import { withTraefik } from './traefikCommon';

export default defineCheck({
  id: 'TRAEFIK-NO-SECURITY-HEADERS',
  title: 'No security-headers middleware in Traefik',
  category: 'network',
  severity: 'low',
  references: [`${TRAEFIK_DOCS}middlewares/http/headers/`, 'https://owasp.org/www-project-secure-headers/'],
  rationale:
    'HSTS, X-Content-Type-Options, frame-ancestors/X-Frame-Options and a referrer policy set once at the proxy protect every application behind it from protocol downgrade, clickjacking and MIME sniffing, including apps that do not set them.',
  remediation:
    'Define a headers middleware (`stsSeconds: 31536000`, `stsIncludeSubdomains: true`, `contentTypeNosniff: true`, `frameDeny: true`, `referrerPolicy: same-origin`) and attach it to the HTTPS entry point (`entryPoints.websecure.http.middlewares`) or to each router.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withTraefik(proxy, (m) => {
      if (m.routers.length === 0) return { status: 'not-applicable', message: 'no Traefik routers found' };
      if (m.middlewares.some((x) => x.type === 'headers')) return [];
      return [{ severity: 'low' as const, resource: 'traefik:headers', evidence: `${m.routers.length} router(s) found (${m.routers.slice(0, 5).map((r) => r.name).join(', ')}), and no headers middleware is defined in the labels or dynamic files Rampart read` }];
    }),
});
