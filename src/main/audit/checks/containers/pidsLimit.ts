import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-NO-PIDS-LIMIT',
  title: 'Container has no PIDs limit',
  category: 'containers',
  severity: 'low',
  cis: cisDocker('5.29'),
  references: [`${DOCKER_RUN_REF}#pids-limit`],
  rationale: 'A fork bomb in one container exhausts the host process table and takes every service down.',
  remediation: 'Set `pids_limit: 200` (`--pids-limit 200`), sized to the service.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) =>
      c.pidsLimit !== null && c.pidsLimit > 0
        ? null
        : { severity: 'low', resource: containerResource(c), evidence: `no PIDs limit (${c.pidsLimit === null ? 'unset' : c.pidsLimit}; ${about(c)})` },
    ),
});
