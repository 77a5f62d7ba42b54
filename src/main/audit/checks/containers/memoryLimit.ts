import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-NO-MEMORY-LIMIT',
  title: 'Container has no memory limit',
  category: 'containers',
  severity: 'medium',
  cis: cisDocker('5.11'),
  references: [`${DOCKER_RUN_REF}#user-memory-constraints`],
  rationale: 'One leaking or attacked container can take all the host memory and get other services (and sshd) killed by the OOM killer.',
  remediation: 'Set a limit: `mem_limit: 512m` (compose 2.x), `deploy.resources.limits.memory` (compose 3), or `--memory 512m`.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) =>
      c.memory > 0 ? null : { severity: 'medium', resource: containerResource(c), evidence: `no memory limit (HostConfig.Memory 0; ${about(c)})` },
    ),
});
