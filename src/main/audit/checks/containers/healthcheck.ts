import { defineCheck } from '../types';
import { about, cisDocker, containerResource, eachContainer } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-NO-HEALTHCHECK',
  title: 'Container has no healthcheck',
  category: 'containers',
  severity: 'low',
  cis: cisDocker('5.27'),
  references: ['https://docs.docker.com/reference/dockerfile/#healthcheck', 'https://docs.docker.com/compose/compose-file/05-services/#healthcheck'],
  rationale: 'Without a healthcheck a hung service looks "Up" to Docker, to monitoring and to anyone restarting it; dependencies start before it is ready.',
  remediation: 'Add a `healthcheck:` (test, interval, retries) to the service or a HEALTHCHECK to its image, checking what the service actually does.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) => {
      if (c.healthcheck && c.healthcheck[0]?.toUpperCase() !== 'NONE') return null;
      return { severity: 'low', resource: containerResource(c), evidence: `${c.healthcheck ? 'healthcheck disabled (NONE)' : 'no healthcheck'} (${about(c)})` };
    }),
});
