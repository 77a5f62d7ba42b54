import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer, normCap } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-NO-CAP-DROP-ALL',
  title: 'Container keeps the default capabilities (no cap_drop ALL)',
  category: 'containers',
  severity: 'low',
  cis: cisDocker('5.4'),
  references: [`${DOCKER_RUN_REF}#runtime-privilege-and-linux-capabilities`],
  rationale:
    "Docker's default set (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW, …) is more than most services need; every capability kept is one more lever after a compromise.",
  remediation: 'Start from nothing: `cap_drop: [ALL]` (`--cap-drop ALL`) and add back only what the service needs (e.g. NET_BIND_SERVICE), then test it.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) => {
      const drop = c.capDrop.map(normCap);
      if (drop.includes('ALL')) return null;
      return { severity: 'low', resource: containerResource(c), evidence: `cap_drop: ${drop.length ? drop.join(', ') : '(none)'} (${about(c)})` };
    }),
});
