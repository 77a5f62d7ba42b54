import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { CORE_ROLES } from '../../parsers/mailStack';
import { noContainersMessage, stackLabel } from './stackHelpers';

export default defineCheck({
  id: 'MAIL-STACK-CONTAINERS',
  title: 'A container of the mail stack is down or unhealthy',
  category: 'mail',
  severity: 'high',
  references: ['https://docs.mailcow.email/troubleshooting/debug-logs/', 'https://docs.docker.com/reference/dockerfile/#healthcheck'],
  rationale:
    'A mail stack (Mailcow, docker-mailserver, a compose project with Postfix/Dovecot/Rspamd) works only when every container runs: a stopped Postfix or Dovecot container means mail is not received or not readable; a stopped Rspamd, Redis, database or resolver container makes the others reject or defer mail; an unhealthy container fails its own health test. Auxiliary containers (webmail, virus scanner, ACME, watchdog) down are reported as medium.',
  remediation: 'Look at the container: `docker logs --tail 100 NAME`, `docker inspect --format "{{json .State}}" NAME`; fix the cause and `docker compose up -d` in the stack\'s directory (Mailcow: `docker compose ps` in /opt/mailcow-dockerized).',
  fixKind: 'manual',
  requires: ['mailStack'],
  evaluate: ({ mailStack }) => {
    if (!mailStack.containers.length) return { status: 'not-applicable', message: noContainersMessage(mailStack) };
    const findings: FindingDraft[] = [];
    for (const c of mailStack.containers) {
      const problem = c.state === 'restarting' ? 'is restarting (crash loop)' : c.state !== 'running' ? `is not running (${c.state})` : c.health === 'unhealthy' ? 'is unhealthy (its healthcheck fails)' : null;
      if (!problem) continue;
      const core = CORE_ROLES.includes(c.role);
      findings.push({ severity: core ? 'high' : 'medium', resource: `container:${c.name}`, evidence: `${c.name} (${c.role}, image ${c.image}) of ${stackLabel(mailStack)} ${problem}` });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
