import { defineCheck, type FindingDraft } from '../types';
import { COMPOSE_SECRETS_REF, containerEnvResource, keyText, lastPerKey, OWASP_SECRETS_REF } from './composeSecretsCommon';

export default defineCheck({
  id: 'SECRETS-DEFAULT-CONTAINER',
  title: 'Container runs with a default or placeholder secret',
  category: 'secrets',
  severity: 'critical',
  references: [COMPOSE_SECRETS_REF, OWASP_SECRETS_REF, 'https://cwe.mitre.org/data/definitions/1392.html'],
  rationale:
    'The running container was started with a password such as "changeme", "admin" or "your_strong_password_here" (from a compose file, an env_file, a .env or `-e`): whatever it protects is open to anyone who tries the defaults.',
  remediation:
    'Set a strong random secret where the container gets it from (compose file, env_file, .env or run command), recreate the container, and change the credential inside the service if it was initialised with the default.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) => {
    if (docker.containers.length === 0) return { status: 'not-applicable', message: 'no containers on this host' };
    const findings: FindingDraft[] = [];
    for (const c of docker.containers)
      for (const e of lastPerKey(c.env).filter((x) => x.secret && x.kind === 'default'))
        findings.push({
          severity: 'critical',
          resource: containerEnvResource(c.name, e.key),
          evidence: `container ${c.name} has ${keyText(e)} set to a well-known default or placeholder (value not shown)`,
        });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
