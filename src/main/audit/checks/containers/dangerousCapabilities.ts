import type { Severity } from '../../../../shared/domain';
import { defineCheck } from '../types';
import { about, cisDocker, containerResource, DOCKER_RUN_REF, eachContainer, normCap } from './eachContainer';

/** Capabilities that amount to root on the host (container escape with known techniques). */
export const CRITICAL_CAPS = ['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_RAWIO', 'DAC_READ_SEARCH'];
/** Capabilities that widen the attack surface a lot (network config, tracing, kernel interfaces). */
export const HIGH_CAPS = ['SYS_PTRACE', 'NET_ADMIN', 'SYS_BOOT', 'SYS_TIME', 'BPF', 'PERFMON', 'MAC_ADMIN', 'MAC_OVERRIDE', 'SYSLOG', 'LINUX_IMMUTABLE', 'AUDIT_CONTROL'];

export default defineCheck({
  id: 'DOCKER-DANGEROUS-CAPS',
  title: 'Container adds dangerous capabilities',
  category: 'containers',
  severity: 'critical',
  cis: cisDocker('5.4'),
  references: [`${DOCKER_RUN_REF}#runtime-privilege-and-linux-capabilities`, 'https://man7.org/linux/man-pages/man7/capabilities.7.html'],
  rationale:
    'SYS_ADMIN, SYS_MODULE, SYS_RAWIO, DAC_READ_SEARCH or ALL let a process break out of its container; SYS_PTRACE, NET_ADMIN and similar give it powers over the host kernel, network or other processes it should not have.',
  remediation:
    'Drop the capability from `--cap-add` / `cap_add`. If the service needs one, grant that single capability, together with `cap_drop: [ALL]`, and document why.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    eachContainer(docker, (c) => {
      const added = [...new Set(c.capAdd.map(normCap))];
      const critical = added.filter((x) => CRITICAL_CAPS.includes(x));
      const high = added.filter((x) => HIGH_CAPS.includes(x));
      if (critical.length === 0 && high.length === 0) return null;
      const severity: Severity = critical.length ? 'critical' : 'high';
      return { severity, resource: containerResource(c), evidence: `cap_add: ${[...critical, ...high].join(', ')} (${about(c)})` };
    }),
});
