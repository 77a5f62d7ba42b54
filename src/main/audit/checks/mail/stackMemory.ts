import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { noContainersMessage, stackLabel } from './stackHelpers';

/** Memory use of a container's limit from which it is under pressure. */
export const MEMORY_PRESSURE_PERCENT = 85;

const mib = (b: number): string => `${(b / 1024 ** 2).toFixed(1)} MiB`;

export default defineCheck({
  id: 'MAIL-STACK-MEMORY',
  title: 'A mail stack container is near its memory limit',
  category: 'mail',
  severity: 'medium',
  references: ['https://docs.docker.com/engine/containers/resource_constraints/#memory'],
  rationale:
    'A container using most of its memory limit is about to be OOM-killed; for ClamAV (which loads all signatures into memory and briefly twice during a reload), Rspamd or Dovecot that means mail deferred or scanned by nothing until the restart. Only containers with a memory limit are judged (without one the host\'s memory is the limit).',
  remediation: 'Raise the container\'s limit (`mem_limit` / `deploy.resources.limits.memory` in the compose file) or reduce its load, then `docker compose up -d`.',
  fixKind: 'manual',
  requires: ['mailStack'],
  evaluate: ({ mailStack }) => {
    const limited = mailStack.containers.filter((c) => c.memoryLimit > 0 && c.memUsageBytes !== null);
    if (!limited.length) return { status: 'not-applicable', message: mailStack.containers.length ? 'no running mail stack container has a memory limit' : noContainersMessage(mailStack) };
    const findings: FindingDraft[] = [];
    for (const c of limited) {
      const pct = (c.memUsageBytes! / c.memoryLimit) * 100;
      if (pct < MEMORY_PRESSURE_PERCENT) continue;
      findings.push({ severity: 'medium', resource: `container:${c.name}`, evidence: `${c.name} (${c.role}) of ${stackLabel(mailStack)} uses ${mib(c.memUsageBytes!)} of its ${mib(c.memoryLimit)} limit (${pct.toFixed(0)} %)` });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
