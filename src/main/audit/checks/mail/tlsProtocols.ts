import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { allowedProtocols, legacyOf, notSendingReason } from './health';
import { loopbackOnly, POSTFIX_REFS } from './postfixExposure';

export default defineCheck({
  id: 'MAIL-TLS-PROTOCOLS',
  title: 'Postfix allows TLS versions older than 1.2',
  category: 'mail',
  severity: 'medium',
  references: [...POSTFIX_REFS, 'https://www.postfix.org/TLS_README.html', 'https://datatracker.ietf.org/doc/html/rfc8996'],
  rationale:
    'TLS 1.0 and 1.1 are deprecated (RFC 8996). Where TLS is mandatory (submission with SMTP AUTH, `encrypt` levels: the *_tls_mandatory_protocols settings) an old version protects passwords and mail weakly and should be refused. Where TLS is opportunistic (port 25, *_tls_protocols) refusing old versions makes old peers fall back to plain text, so they are reported as low only.',
  remediation: 'Set `smtpd_tls_mandatory_protocols = >=TLSv1.2` (and `smtp_tls_mandatory_protocols`), consider `smtpd_tls_protocols = >=TLSv1.2`, also in master.cf `-o` overrides, then `postfix reload`.',
  fixKind: 'manual',
  requires: ['postfix'],
  evaluate: ({ postfix }) => {
    const e = postfix.effective;
    const overrides = Object.entries(postfix.masterOverrides);
    const level = (v: string | undefined): string => (v ?? '').trim() || 'none';
    // Mandatory protocols only apply where TLS is enforced: smtpd at level encrypt (main.cf or a
    // master.cf service such as submission/smtps), the client at a verifying or encrypting level.
    const smtpdEnforced =
      level(e.smtpd_tls_security_level) === 'encrypt' || overrides.some(([k, v]) => (/\/smtpd_tls_security_level$/.test(k) && v.trim() === 'encrypt') || (/\/smtpd_tls_wrappermode$/.test(k) && v.trim() === 'yes'));
    const smtpEnforced = !notSendingReason(postfix) && ['encrypt', 'dane', 'dane-only', 'fingerprint', 'verify', 'secure'].includes(level(e.smtp_tls_security_level));
    const smtpdOffers = level(e.smtpd_tls_security_level) !== 'none' && !loopbackOnly(postfix);
    const settings: Array<[string, string | undefined, boolean]> = [
      ['smtpd_tls_mandatory_protocols', e.smtpd_tls_mandatory_protocols, smtpdEnforced],
      ['smtpd_tls_protocols', e.smtpd_tls_protocols, smtpdOffers],
      ['smtp_tls_mandatory_protocols', e.smtp_tls_mandatory_protocols, smtpEnforced],
      ...overrides.filter(([k]) => /\/(smtpd_tls_mandatory_protocols|smtpd_tls_protocols)$/.test(k)).map(([k, v]): [string, string, boolean] => [k, v, true]),
    ];
    const findings: FindingDraft[] = [];
    for (const [name, value, applies] of settings) {
      if (value === undefined || !applies) continue;
      const legacy = legacyOf(allowedProtocols(value));
      if (!legacy.length) continue;
      const mandatory = name.includes('mandatory');
      findings.push({
        severity: mandatory ? 'medium' : 'low',
        resource: `postfix:${name.includes('/') ? 'master.cf' : 'main.cf'}:${name}`,
        evidence: `${name} = ${value || '(empty)'} allows ${legacy.join(', ')}${mandatory ? ' where TLS is mandatory' : ' (opportunistic TLS)'}`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
