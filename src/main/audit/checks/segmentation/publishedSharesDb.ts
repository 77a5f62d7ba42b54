import { defineCheck } from '../types';
import type { FindingDraft } from '../types';
import { isAdminUi, isDatabase, isProxy, isPublished, OWASP_SEG_REF, PREDEFINED, publicPorts, SEG_REF } from './roles';

export default defineCheck({
  id: 'SEG-PUBLISHED-SHARES-BACKEND',
  title: 'Published container shares a network with a database or admin service',
  category: 'network',
  severity: 'medium',
  references: [SEG_REF, OWASP_SEG_REF, 'https://docs.docker.com/compose/how-tos/networking/#specify-custom-networks'],
  rationale:
    'Containers on one Docker network reach each other on every port. A proxy or web front published to the internet is the container most likely to be compromised; if it sits on the database’s network, the attacker’s next hop is the database (or the admin console) directly, with no application in between.',
  remediation:
    'Split the networks: the proxy on a `frontend` network with the application, the database on a `backend` network (`internal: true`) shared only with the application. Admin consoles on their own network, reached through an authenticated router.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) => {
    const cs = docker.containers;
    if (!cs.some((c) => isDatabase(c) || isAdminUi(c))) return { status: 'not-applicable', message: 'no database or admin-console container on this host' };
    const findings: FindingDraft[] = [];
    for (const front of cs.filter((c) => isPublished(c) && !isDatabase(c) && !isAdminUi(c))) {
      for (const net of front.networks.filter((n) => !PREDEFINED.has(n) || n === 'bridge')) {
        const back = cs.filter((c) => c !== front && (isDatabase(c) || isAdminUi(c)) && c.networks.includes(net));
        if (!back.length) continue;
        findings.push({
          severity: 'medium',
          resource: `docker-network:${net}:${front.name}`,
          evidence: `${isProxy(front) ? 'proxy' : 'container'} ${front.name} (${front.image}, published ${publicPorts(front).join(', ')}) shares network ${net} with ${back.map((c) => `${c.name} (${c.image})`).join(', ')}`,
        });
      }
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
