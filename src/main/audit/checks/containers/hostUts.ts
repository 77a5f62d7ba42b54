import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-HOST-UTS',
  title: 'Container shares the host UTS namespace',
  category: 'containers',
  severity: 'medium',
  cis: cisDocker('5.21'),
  references: [`${DOCKER_RUN_REF}#uts-settings---uts`],
  rationale:
    'The container can change the hostname of the host, confusing logs and monitoring and breaking services that rely on it.',
  remediation: 'Remove `uts: host` (`--uts host`).',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) =>
      c.utsMode === 'host' ? { severity: 'medium', resource: containerResource(c), evidence: `uts host (${about(c)})` } : null,
    ),
});
