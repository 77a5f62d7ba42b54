import { isLiteralSecret } from '../../parsers/dockerSecrets';
import { defineCheck, type FindingDraft } from '../types';
import { COMPOSE_INTERPOLATION_REF, COMPOSE_SECRETS_REF, composeResource, keyText, lastPerKey, OWASP_SECRETS_REF } from './composeSecretsCommon';

export default defineCheck({
  id: 'SECRETS-COMPOSE-LITERAL',
  title: 'Literal secret in a compose file',
  category: 'secrets',
  severity: 'high',
  references: [COMPOSE_SECRETS_REF, COMPOSE_INTERPOLATION_REF, OWASP_SECRETS_REF],
  rationale:
    'A password, token or key typed into `environment:` lives in a file that gets copied, committed, pasted into tickets and backed up; anyone who can read the compose file has the secret, and rotating it means editing the stack.',
  remediation:
    'Replace the value with `${VAR}` and keep VAR in a .env file readable only by its owner (mode 600), or better use compose `secrets:` (files mounted under /run/secrets, with *_FILE variables where the image supports them). Then rotate the exposed secret.',
  fixKind: 'manual',
  requires: ['compose'],
  evaluate: ({ compose }) => {
    const parsed = compose.files.filter((f) => !f.error);
    if (parsed.length === 0)
      return {
        status: 'not-applicable',
        message: compose.files.length ? `no compose file could be read (${compose.files[0]!.error})` : 'no compose files found',
      };
    const findings: FindingDraft[] = [];
    for (const f of parsed)
      for (const svc of f.services)
        for (const e of lastPerKey(svc.environment).filter(isLiteralSecret))
          findings.push({
            severity: 'high',
            resource: composeResource(f.path, svc.name, e.key),
            evidence: `${keyText(e)} in service "${svc.name}" of ${f.path} is set to a literal value, not \${VAR} or a secret (value not shown)`,
          });
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
