import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer } from './eachContainer';

export default defineCheck({
  id: 'DOCKER-NO-CPU-LIMIT',
  title: 'Container has no CPU limit',
  category: 'containers',
  severity: 'low',
  cis: cisDocker('5.12'),
  references: [`${DOCKER_RUN_REF}#cpu-share-constraint`],
  rationale: 'Without a CPU limit or share, one busy container can starve every other service on the host.',
  remediation: 'Set `cpus: 1.0` (or `cpu_shares`, `deploy.resources.limits.cpus`), i.e. `--cpus 1`.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) => {
      const limited = c.nanoCpus > 0 || c.cpuQuota > 0 || (c.cpuShares > 0 && c.cpuShares !== 1024) || c.cpusetCpus !== '';
      return limited ? null : { severity: 'low', resource: containerResource(c), evidence: `no CPU limit, quota, shares or cpuset (${about(c)})` };
    }),
});
