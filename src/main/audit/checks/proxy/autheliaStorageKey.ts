import { tokenOf } from '../../parsers/proxyConfig';
import { defineCheck } from '../types';
import { AUTHELIA_DOCS } from './model';
import { where, withAuthelia } from './autheliaCommon';

/** Authelia refuses keys under 20 characters; its documentation recommends 64 or more random ones. */
export const MIN_KEY_CHARS = 20;
export const GOOD_KEY_CHARS = 64;

export default defineCheck({
  id: 'AUTHELIA-STORAGE-KEY-SHORT',
  title: 'Authelia storage encryption key is short',
  category: 'secrets',
  severity: 'medium',
  references: [`${AUTHELIA_DOCS}storage/introduction/#encryption_key`, 'https://www.authelia.com/reference/guides/generating-secure-values/'],
  rationale:
    'storage.encryption_key encrypts the TOTP secrets and WebAuthn credentials in Authelia’s database. A short key (often a word or a test value) makes a stolen database backup enough to clone every user’s second factor.',
  remediation: 'Generate a random key of 64+ characters (`authelia crypto rand --length 64 --charset alphanumeric`), store it in a secret file (AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE) and re-encrypt with `authelia storage encryption change-key`.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withAuthelia(proxy, (a) => {
      // The length was measured on the host; the key itself never left it.
      const t = tokenOf(a.entries['storage.encryption_key']);
      if (!t || (t.kind !== 'literal' && t.kind !== 'default')) return [];
      if (t.length >= GOOD_KEY_CHARS) return [];
      const severity = t.length < MIN_KEY_CHARS || t.kind === 'default' ? ('medium' as const) : ('low' as const);
      return [{ severity, resource: `${a.resource}:storage.encryption_key`, evidence: `storage.encryption_key is ${t.length} characters${t.kind === 'default' ? ' and a known default/placeholder value' : ''} in ${where(a)} (Authelia's minimum ${MIN_KEY_CHARS}, recommended ${GOOD_KEY_CHARS}+)` }];
    }),
});
