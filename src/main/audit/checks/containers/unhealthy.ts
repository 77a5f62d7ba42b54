import type { DockerContainer } from '../../parsers/docker';
import { defineCheck } from '../types';
import { containerResource, eachContainer } from './eachContainer';

/** Restarts and a current run this young (seconds) make a crash loop even when the container is up right now. */
export const CRASH_LOOP_RESTARTS = 3;
export const CRASH_LOOP_WINDOW_S = 120;

/**
 * Docker shows a crash-looping container as "restarting" during its back-off, and as "running" for
 * the instants in between: a container restarted several times whose current run began moments ago
 * is crash-looping too.
 */
export function crashLooping(c: DockerContainer, now: number | null): boolean {
  if (c.state.restarting) return true;
  if (now === null || c.state.startedAt === null || c.state.restartCount < CRASH_LOOP_RESTARTS) return false;
  return now - c.state.startedAt <= CRASH_LOOP_WINDOW_S;
}

export default defineCheck({
  id: 'DOCKER-UNHEALTHY',
  title: 'Container is unhealthy or restarting',
  category: 'containers',
  severity: 'medium',
  references: ['https://docs.docker.com/reference/cli/docker/container/ls/#status', 'https://docs.docker.com/engine/containers/start-containers-automatically/'],
  rationale: 'An unhealthy or crash-looping container is a service that is down (or half up) right now, and restart loops can hide a compromised or misconfigured service.',
  remediation: 'Look at `docker logs NAME` and `docker inspect --format "{{json .State.Health}}" NAME`, fix the cause, and make sure monitoring alerts on it.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) => {
      const image = c.image || '(unknown)';
      if (crashLooping(c, docker.collectedAt))
        return {
          severity: 'medium',
          resource: containerResource(c),
          title: 'Container is restarting',
          evidence: `${c.state.restarting ? 'restarting' : 'crash-looping'}, ${c.state.restartCount} restart(s) so far (image ${image})`,
        };
      if (c.state.running && c.state.health === 'unhealthy')
        return { severity: 'medium', resource: containerResource(c), title: 'Container is unhealthy', evidence: `running but its healthcheck reports unhealthy (image ${image})` };
      return null;
    }),
});
