import { isLiteralSecret } from '../../parsers/dockerSecrets';
import { defineCheck } from '../types';
import { COMPOSE_SECRETS_REF, keyText, OWASP_SECRETS_REF, perContainerEnv } from './composeSecretsCommon';

export default defineCheck({
  id: 'SECRETS-CONTAINER-ENV',
  title: 'Secret in a container environment variable',
  category: 'secrets',
  severity: 'medium',
  references: [COMPOSE_SECRETS_REF, 'https://docs.docker.com/engine/swarm/secrets/', OWASP_SECRETS_REF],
  rationale:
    'Environment variables are shown by `docker inspect` to every docker group member, inherited by every child process, and end up in crash reports, debug pages and logs. Whether it came from a compose file or a .env, the secret sits in the container configuration.',
  remediation:
    'Pass secrets as files: compose `secrets:` (mounted under /run/secrets) with the image\'s *_FILE variables (POSTGRES_PASSWORD_FILE, …), or a secrets manager. Keep only non-secret settings in `environment:`.',
  fixKind: 'manual',
  requires: ['docker'],
  evaluate: ({ docker }) =>
    perContainerEnv(docker, isLiteralSecret, (name, e) => ({ severity: 'medium', evidence: `container ${name} has ${keyText(e)} in its environment (value not shown)` })),
});
