import { tokenOf } from '../../parsers/proxyConfig';
import { defineCheck } from '../types';
import { AUTHELIA_DOCS } from './model';
import { where, withAuthelia } from './autheliaCommon';

/** Keys that hold Authelia's secrets (client_secret is left out: OIDC clients store a hash there). */
const SECRET_KEY = /(^|\.)(jwt_secret|secret|hmac_secret|encryption_key|password|secret_key|key|private_key|issuer_private_key|token)$/;

export default defineCheck({
  id: 'AUTHELIA-INLINE-SECRET',
  title: 'Secrets written inline in the Authelia configuration',
  category: 'secrets',
  severity: 'medium',
  references: [`${AUTHELIA_DOCS}methods/secrets/`, 'https://www.authelia.com/configuration/methods/files/#file-filters'],
  rationale:
    'A secret typed into configuration.yml travels with every copy of the file: backups, git repositories, support bundles, a container image. Authelia reads each one from a file instead (AUTHELIA_…_FILE environment variables or the `{{ secret "/path" }}` template), which can be root-only and rotated on its own.',
  remediation:
    'Move each value into a file readable only by Authelia (e.g. /run/secrets/authelia_jwt, mode 0400) and set the matching variable (AUTHELIA_IDENTITY_VALIDATION_RESET_PASSWORD_JWT_SECRET_FILE, AUTHELIA_SESSION_SECRET_FILE, AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE, …); then rotate the secrets that were inline.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withAuthelia(proxy, (a) => {
      // Only the key names and the host's class of each value are known here, never the value.
      const inline = Object.entries(a.entries)
        .filter(([k]) => SECRET_KEY.test(k) && !/client_secret|\.tls\./.test(k))
        .filter(([, v]) => {
          const t = tokenOf(v);
          return (t?.kind === 'literal' || t?.kind === 'default') || v === '@rampart-block';
        })
        .map(([k, v]) => `${k} (${tokenOf(v) ? `${tokenOf(v)!.length} characters` : 'a block'})`);
      return inline.length ? [{ severity: 'medium' as const, resource: `${a.resource}:inline-secrets`, evidence: `${inline.length} secret(s) inline in ${where(a)}: ${inline.slice(0, 8).join(', ')}` }] : [];
    }),
});
