import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-ROOTFS-WRITABLE',
  title: 'Container root filesystem is writable',
  category: 'containers',
  severity: 'low',
  cis: cisDocker('5.13'),
  references: [`${DOCKER_RUN_REF}#security-configuration`],
  rationale: 'A writable root filesystem lets an attacker drop tools and persist changes inside the container, and hides drift from the image.',
  remediation: 'Set `read_only: true` (`--read-only`) and give the service explicit writable paths (`tmpfs: [/tmp]`, volumes for its data).',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) =>
      c.readonlyRootfs ? null : { severity: 'low', resource: containerResource(c), evidence: `ReadonlyRootfs false (${about(c)})` },
    ),
});
