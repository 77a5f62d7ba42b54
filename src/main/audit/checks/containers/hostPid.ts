import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-HOST-PID',
  title: 'Container shares the host PID namespace',
  category: 'containers',
  severity: 'high',
  cis: cisDocker('5.16'),
  references: [`${DOCKER_RUN_REF}#pid-settings---pid`],
  rationale:
    'The container sees every host process and their command lines and environments, and with enough privileges can signal or trace them.',
  remediation: 'Remove `pid: host` (`--pid host`).',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) =>
      c.pidMode === 'host' ? { severity: 'high', resource: containerResource(c), evidence: `pid host (${about(c)})` } : null,
    ),
});
