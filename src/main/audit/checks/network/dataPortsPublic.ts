import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { afterUfw, DATA_SERVICES, describeSocket, externalSockets, scopeText, serviceFor, socketResource, SS_REF, ufwVerdict } from './ports';

export default defineCheck({
  id: 'NET-DB-PORT-PUBLIC',
  title: 'Database or cache listens on a public address',
  category: 'network',
  severity: 'critical',
  references: [SS_REF, 'https://redis.io/docs/latest/operate/oss_and_stack/management/security/'],
  rationale:
    'Databases, caches and search engines are built for trusted networks: many have no authentication by default (Redis, Memcached, MongoDB, Elasticsearch) and all are brute-forced and exploited within hours of facing the internet.',
  remediation:
    'Bind the service to 127.0.0.1 (or a private/VPN address) in its configuration (`bind`, `listen_addresses`, `bind-address`), or publish the container port on 127.0.0.1 (`127.0.0.1:5432:5432`). Until then, block the port in the firewall.',
  fixKind: 'manual',
  requires: ['listening', 'ufw'],
  evaluate: ({ listening, ufw }) => {
    const findings: FindingDraft[] = [];
    for (const s of externalSockets(listening)) {
      if (s.scope !== 'any' && s.scope !== 'public') continue;
      const svc = serviceFor(DATA_SERVICES, s);
      if (!svc) continue;
      const v = ufwVerdict(ufw, s);
      findings.push({
        severity: afterUfw(svc.severity, v),
        resource: socketResource(s),
        title: `${svc.name} listens on ${scopeText(s)}`,
        evidence: `${describeSocket(s)}: ${svc.name} on ${scopeText(s)} (${svc.why}); ${v.note}`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
