import { defineCheck } from '../types';
import { isDatabase, isPublished, OWASP_SEG_REF, PREDEFINED, SEG_REF } from './roles';

export default defineCheck({
  id: 'SEG-BACKEND-NOT-INTERNAL',
  title: 'Back-end Docker network is not internal',
  category: 'network',
  severity: 'low',
  references: ['https://docs.docker.com/reference/cli/docker/network/create/#internal', 'https://docs.docker.com/reference/compose-file/networks/#internal', SEG_REF, OWASP_SEG_REF],
  rationale:
    'A network that only joins an application to its database needs no route out of the host. Without `internal: true` a compromised database container (or one with a malicious image update) can download tools and send data anywhere.',
  remediation: 'Mark the back-end network `internal: true` in compose (`docker network create --internal`); keep the outside-facing containers on a separate front-end network.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) => {
    if (!docker.networks) return { status: 'not-applicable', message: 'the Docker networks could not be listed' };
    const backends = docker.networks.filter((n) => !PREDEFINED.has(n.name) && /^(bridge|overlay)$/.test(n.driver)).flatMap((n) => {
      const members = docker.containers.filter((c) => c.networks.includes(n.name));
      return members.some(isDatabase) && !members.some(isPublished) ? [{ n, members }] : [];
    });
    if (!backends.length) return { status: 'not-applicable', message: 'no user-defined network holds only back-end containers (a database and no published container)' };
    const open = backends.filter(({ n }) => !n.internal);
    if (!open.length) return { status: 'pass' };
    return {
      status: 'fail',
      findings: open.map(({ n, members }) => ({ severity: 'low' as const, resource: `docker-network:${n.name}`, evidence: `network ${n.name} (${n.driver}) joins ${members.map((c) => c.name).join(', ')} — a database and no published container — and is not internal` })),
    };
  },
});
