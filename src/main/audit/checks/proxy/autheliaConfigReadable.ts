import { defineCheck } from '../types';
import { AUTHELIA_DOCS } from './model';
import { where, withAuthelia } from './autheliaCommon';

export default defineCheck({
  id: 'AUTHELIA-CONFIG-READABLE',
  title: 'Authelia configuration readable by other users',
  category: 'permissions',
  severity: 'medium',
  references: [`${AUTHELIA_DOCS}methods/files/`, 'https://www.authelia.com/configuration/methods/secrets/'],
  rationale: 'configuration.yml holds the access rules and, often, the session secret, storage encryption key and SMTP/LDAP passwords. Readable by every local user (and every container that mounts its folder), it gives any foothold on the host the means to forge sessions or read the user database.',
  remediation: 'chmod 600 (or 640 with the Authelia group) configuration.yml, owned by the user Authelia runs as; keep its secrets in separate files.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withAuthelia(proxy, (a) =>
      a.file.mode & 0o004 ? [{ severity: 'medium' as const, resource: `file:${a.file.path}`, evidence: `${where(a)} has mode ${a.file.mode.toString(8).padStart(4, '0')} (owner uid ${a.file.uid}): readable by every user` }] : [],
    ),
});
