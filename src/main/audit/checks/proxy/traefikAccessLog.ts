import { defineCheck } from '../types';
import { hasSection, TRAEFIK_DOCS } from './model';
import { withTraefikInstances } from './traefikCommon';

export default defineCheck({
  id: 'TRAEFIK-ACCESS-LOG-OFF',
  title: 'Traefik access log is off',
  category: 'network',
  severity: 'low',
  references: [`${TRAEFIK_DOCS}observability/access-logs/`],
  rationale: 'Without an access log there is no record of who called which host and path: brute force against a login, a scan of admin paths or the requests of an intrusion leave no trace to investigate or to feed fail2ban/CrowdSec.',
  remediation: 'Enable it (`--accesslog=true`, `accessLog: {filePath: /var/log/traefik/access.log, format: json}`) and rotate the file.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withTraefikInstances(proxy, (m) =>
      m.instances
        .filter((i) => !hasSection(i, 'accesslog') || /^false$/i.test(i.static.accesslog ?? ''))
        .map((i) => ({ severity: 'low' as const, resource: `traefik:${i.resource}`, evidence: `${i.label}: no accessLog option (static configuration from ${i.staticSource})` })),
    ),
});
