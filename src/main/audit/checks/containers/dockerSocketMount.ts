import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_SECURITY_REF, eachContainer } from './eachContainer';

const SOCKET = /(?:^|\/)(?:docker|containerd|podman|crio|dockershim)\.sock$/;
/** Directories that hold the Docker socket: mounting them mounts it. */
const SOCKET_DIRS = new Set(['/var/run', '/run', '/var/run/docker', '/run/docker', '/run/containerd', '/var/run/containerd']);

export default defineCheck({
  id: 'DOCKER-SOCKET-MOUNT',
  title: 'Docker socket mounted into a container',
  category: 'containers',
  severity: 'critical',
  cis: cisDocker('5.32'),
  references: [`${DOCKER_SECURITY_REF}#docker-daemon-attack-surface`, 'https://docs.docker.com/engine/security/protect-access/'],
  rationale:
    'The Docker API is root on the host: a container that can reach the socket (even mounted read-only) can start a privileged container that mounts the host filesystem.',
  remediation:
    'Remove the docker.sock mount. If a tool really needs the API, put a filtering proxy (e.g. one that allows read-only endpoints only) in front of it, or run the tool on the host.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) => {
      const hits = c.mounts.filter((m) => SOCKET.test(m.source) || SOCKET.test(m.destination) || SOCKET_DIRS.has(m.source.replace(/\/+$/, '')));
      if (hits.length === 0) return null;
      const what = hits.map((m) => `${m.source || '(volume)'} at ${m.destination} (${m.rw ? 'read-write' : 'read-only'})`).join(', ');
      return { severity: 'critical', resource: containerResource(c), evidence: `mounts ${what} (${about(c)})` };
    }),
});
