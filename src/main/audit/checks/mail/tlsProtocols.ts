import type { FindingDraft } from '../types';
import { defineCheck } from '../types';
import { allowedProtocols, legacyOf } from './health';
import { POSTFIX_REFS } from './postfixExposure';

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
    const findings: FindingDraft[] = [];
    const settings: Array<[string, string | undefined]> = [
      ...['smtpd_tls_mandatory_protocols', 'smtpd_tls_protocols', 'smtp_tls_mandatory_protocols'].map((k): [string, string | undefined] => [k, postfix.effective[k]]),
      ...Object.entries(postfix.masterOverrides).filter(([k]) => /\/(smtpd_tls_mandatory_protocols|smtpd_tls_protocols|smtp_tls_mandatory_protocols)$/.test(k)),
    ];
    const tlsOn = (postfix.effective.smtpd_tls_security_level ?? '').trim() !== '' && postfix.effective.smtpd_tls_security_level !== 'none';
    for (const [name, value] of settings) {
      if (value === undefined) continue;
      const legacy = legacyOf(allowedProtocols(value));
      if (!legacy.length) continue;
      const param = name.split('/').pop()!;
      // The server side only matters when smtpd offers TLS at all (another check says when it does not).
      if (param.startsWith('smtpd_') && !tlsOn && !name.includes('/')) continue;
      const mandatory = param.includes('mandatory');
      findings.push({
        severity: mandatory ? 'medium' : 'low',
        resource: `postfix:${name.includes('/') ? 'master.cf' : 'main.cf'}:${name}`,
        evidence: `${name} = ${value || '(empty)'} allows ${legacy.join(', ')}${mandatory ? ' where TLS is mandatory' : ' (opportunistic TLS)'}`,
      });
    }
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
