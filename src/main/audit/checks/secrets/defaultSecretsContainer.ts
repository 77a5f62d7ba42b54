import { defineCheck } from '../types';
import { COMPOSE_SECRETS_REF, keyText, OWASP_SECRETS_REF, perContainerEnv } from './composeSecretsCommon';

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
  evaluate: ({ docker }) =>
    perContainerEnv(
      docker,
      (e) => e.secret && e.kind === 'default',
      (name, e) => ({ severity: 'critical', evidence: `container ${name} has ${keyText(e)} set to a well-known default or placeholder (value not shown)` }),
    ),
});
