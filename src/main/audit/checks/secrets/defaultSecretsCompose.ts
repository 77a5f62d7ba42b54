import type { EnvEntry } from '../../parsers/dockerSecrets';
import { defineCheck, type FindingDraft } from '../types';
import { COMPOSE_SECRETS_REF, composeResource, envFileResource, keyText, lastPerKey, OWASP_SECRETS_REF } from './composeSecretsCommon';

const isDefaultSecret = (e: EnvEntry): boolean => e.secret && e.kind === 'default';

export default defineCheck({
  id: 'SECRETS-DEFAULT-COMPOSE',
  title: 'Default or placeholder secret in a compose project',
  category: 'secrets',
  severity: 'critical',
  references: [COMPOSE_SECRETS_REF, OWASP_SECRETS_REF, 'https://cwe.mitre.org/data/definitions/1392.html'],
  rationale:
    'A password such as "changeme", "admin" or "your_strong_password_here" is the first thing anyone tries: the service is as good as unprotected, and the placeholder shows the setup was never finished.',
  remediation:
    'Generate a strong random secret (e.g. `openssl rand -base64 32`), put it in a .env / secret file readable only by its owner, restart the service, and change it inside the service too if it was initialised with the default (databases keep the first password).',
  fixKind: 'manual',
  requires: ['compose'],
  evaluate: ({ compose }) => {
    const readable = compose.files.filter((f) => !f.error).length + compose.envFiles.filter((f) => !f.error).length;
    if (readable === 0)
      return { status: 'not-applicable', message: compose.files.length ? 'no compose or env file could be read' : 'no compose files found' };
    const findings: FindingDraft[] = [];
    for (const f of compose.files)
      for (const svc of f.services)
        for (const e of lastPerKey(svc.environment).filter(isDefaultSecret))
          findings.push({
            severity: 'critical',
            resource: composeResource(f.path, svc.name, e.key),
            evidence: `${keyText(e)} in service "${svc.name}" of ${f.path} is a well-known default or placeholder (value not shown)`,
          });
    for (const f of compose.envFiles)
      for (const e of lastPerKey(f.entries).filter(isDefaultSecret))
        findings.push({
          severity: 'critical',
          resource: envFileResource(f.path, e.key),
          evidence: `${keyText(e)} in ${f.kind === 'dotenv' ? 'the project .env file' : 'env_file'} ${f.path} is a well-known default or placeholder (value not shown)`,
        });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
