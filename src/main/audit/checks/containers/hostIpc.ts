import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-HOST-IPC',
  title: 'Container shares the host IPC namespace',
  category: 'containers',
  severity: 'medium',
  cis: cisDocker('5.17'),
  references: [`${DOCKER_RUN_REF}#ipc-settings---ipc`],
  rationale:
    'The container can read and write the shared memory and semaphores of host processes.',
  remediation: 'Remove `ipc: host` (`--ipc host`); share IPC between containers with `ipc: shareable` / `service:NAME` if needed.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) =>
      c.ipcMode === 'host' ? { severity: 'medium', resource: containerResource(c), evidence: `ipc host (${about(c)})` } : null,
    ),
});
