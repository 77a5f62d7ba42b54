import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-PRIVILEGED',
  title: 'Container runs privileged',
  category: 'containers',
  severity: 'critical',
  cis: cisDocker('5.5'),
  references: [`${DOCKER_RUN_REF}#runtime-privilege-and-linux-capabilities`],
  rationale:
    'A privileged container has every capability, all host devices, and no seccomp or AppArmor confinement: whoever controls the process inside controls the host (mount the host disk, load kernel modules).',
  remediation:
    'Remove `--privileged` / `privileged: true`. Grant only the capabilities and devices the service really needs (`cap_add`, `devices`), and test the service afterwards.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) =>
      c.privileged ? { severity: 'critical', resource: containerResource(c), evidence: `HostConfig.Privileged is true (${about(c)})` } : null,
    ),
});
