import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { ageText, DAY_S } from './health';
import { noContainersMessage, stackLabel } from './stackHelpers';

export default defineCheck({
  id: 'MAIL-STACK-RESTARTS',
  title: 'A mail stack container restarted in the last day',
  category: 'mail',
  severity: 'medium',
  references: ['https://docs.docker.com/engine/containers/start-containers-automatically/'],
  rationale:
    'A container that Docker restarted (its restart count grew) crashed or was killed, e.g. out of memory; when its last start was within a day, the cause is probably still there and mail may be dropped or deferred around each crash. Docker keeps only the count since the container was created and the last start time, so "restarts" here are those, not a log of each restart.',
  remediation: 'Read why it stopped: `docker inspect --format "{{.State.ExitCode}} {{.State.OOMKilled}} {{.State.Error}}" NAME`, `docker logs --since 24h NAME`; raise its memory limit if it was OOM-killed.',
  fixKind: 'manual',
  requires: ['mailStack'],
  evaluate: ({ mailStack }) => {
    if (!mailStack.containers.length) return { status: 'not-applicable', message: noContainersMessage(mailStack) };
    const now = mailStack.now;
    const findings: FindingDraft[] = [];
    for (const c of mailStack.containers) {
      if (c.restartCount <= 0) continue;
      const recent = now !== null && c.startedAt !== null && now - c.startedAt <= DAY_S;
      if (!recent && c.state !== 'restarting') continue;
      findings.push({
        severity: 'medium',
        resource: `container:${c.name}`,
        evidence: `${c.name} (${c.role}) of ${stackLabel(mailStack)}: ${c.restartCount} restart(s) since it was created, last start ${now !== null && c.startedAt !== null ? `${ageText(now - c.startedAt)} ago` : 'unknown'}${c.state === 'restarting' ? ', restarting now' : ''}`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
