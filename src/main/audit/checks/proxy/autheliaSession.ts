import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { AUTHELIA_DOCS, durationSeconds } from './model';
import { where, withAuthelia } from './autheliaCommon';

/** Longer than this is a weak session (Authelia's defaults: expiration 1h, inactivity 5m). */
export const MAX_EXPIRATION_S = 24 * 3600;
export const MAX_INACTIVITY_S = 4 * 3600;

export default defineCheck({
  id: 'AUTHELIA-SESSION-WEAK',
  title: 'Weak Authelia session settings (lifetime, inactivity, cookie domain)',
  category: 'access',
  severity: 'medium',
  references: [`${AUTHELIA_DOCS}session/introduction/`, 'https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html'],
  rationale:
    'A session that lives for days, or survives hours of inactivity, gives a stolen cookie (a shared computer, malware, an XSS in one app) a long window. A cookie domain that is a bare top-level name sends the session cookie to hosts the admin does not control.',
  remediation: 'Keep `expiration` at a few hours (default 1h) and `inactivity` short (default 5m; use remember_me for convenience), and set the cookie `domain` to your own registered domain (e.g. example.com), never a TLD.',
  fixKind: 'manual',
  requires: ['proxy'],
  evaluate: ({ proxy }) =>
    withAuthelia(proxy, (a) => {
      const out: FindingDraft[] = [];
      const scopes = ['session', ...Array.from({ length: 20 }, (_, i) => `session.cookies[${i}]`).filter((p) => Object.keys(a.entries).some((k) => k.startsWith(`${p}.`)))];
      for (const s of scopes) {
        const exp = durationSeconds(a.entries[`${s}.expiration`]);
        const ina = durationSeconds(a.entries[`${s}.inactivity`]);
        const long: string[] = [];
        if (exp !== null && exp > MAX_EXPIRATION_S) long.push(`expiration ${a.entries[`${s}.expiration`]}`);
        if (ina !== null && ina > MAX_INACTIVITY_S) long.push(`inactivity ${a.entries[`${s}.inactivity`]}`);
        if (long.length) out.push({ severity: 'low', resource: `${a.resource}:${s}:lifetime`, evidence: `${s}: ${long.join(', ')} in ${where(a)} (limits: expiration 24h, inactivity 4h)` });
        const domain = a.entries[`${s}.domain`];
        if (domain !== undefined && domain !== '' && !domain.startsWith('@rampart') && !domain.replace(/^\./, '').includes('.'))
          out.push({ severity: 'medium', resource: `${a.resource}:${s}:domain`, title: 'Authelia session cookie domain is a bare top-level name', evidence: `${s}.domain is ${domain} in ${where(a)}` });
      }
      return out;
    }),
});
