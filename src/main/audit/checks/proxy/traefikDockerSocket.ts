import { defineCheck } from '../types';
import { TRAEFIK_DOCS } from './model';
import { withTraefikInstances } from './traefikCommon';

const SOCKET = /(?:^|\/)docker\.sock$/;

export default defineCheck({
  id: 'TRAEFIK-DOCKER-SOCKET-RW',
  title: 'Docker socket mounted read-write into Traefik',
  category: 'network',
  severity: 'medium',
  references: [`${TRAEFIK_DOCS}providers/docker/#docker-api-access`, 'https://github.com/Tecnativa/docker-socket-proxy'],
  rationale:
    'Traefik is the container facing the internet; with the Docker socket a bug in it is root on the host. Traefik only needs to read container metadata. (A `:ro` bind does not limit the API either — only a filtering socket proxy does — but a read-write mount shows no limit was even attempted.)',
  remediation:
    'Give Traefik a socket proxy that allows only GET /containers, /networks, /services and /events (e.g. tecnativa/docker-socket-proxy with CONTAINERS=1) and point `providers.docker.endpoint` at it; at the very least mount the socket `:ro`.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withTraefikInstances(proxy, (m) =>
      m.instances.flatMap((i) =>
        (i.container?.mounts ?? [])
          .filter((x) => x.rw && (SOCKET.test(x.source) || SOCKET.test(x.destination)))
          .map((x) => ({ severity: 'medium' as const, resource: `traefik:${i.resource}`, evidence: `${i.label} mounts ${x.source} at ${x.destination} read-write` })),
      ),
    ),
});
