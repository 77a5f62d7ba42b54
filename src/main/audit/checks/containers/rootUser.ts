import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer } from './eachContainer';

function isRoot(user: string): boolean {
  const u = user.trim().split(':')[0] ?? '';
  return u === '' || u === 'root' || u === '0';
}

export default defineCheck({
  id: 'DOCKER-ROOT-USER',
  title: 'Container runs as root',
  category: 'containers',
  severity: 'medium',
  cis: cisDocker('4.1'),
  references: [`${DOCKER_RUN_REF}#user`, 'https://docs.docker.com/engine/security/userns-remap/'],
  rationale:
    'Root in a container is root on the host kernel (unless user namespaces remap it): any escape, writable host mount or kernel bug is a root compromise of the host.',
  remediation: 'Run the service as an unprivileged user: `user: "1000:1000"` (`--user`) or a USER line in the image; give its data directories to that user.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) => {
      if (!isRoot(c.user)) return null;
      const remapped = docker.daemon.rootless || (docker.daemon.userns && c.usernsMode !== 'host');
      const who = c.user.trim() ? `user "${c.user.trim()}"` : 'no user set (the image default, root)';
      return {
        severity: remapped ? 'low' : 'medium',
        resource: containerResource(c),
        evidence: `${who}${remapped ? '; the daemon remaps root to an unprivileged host user' : ''} (${about(c)})`,
      };
    }),
});
