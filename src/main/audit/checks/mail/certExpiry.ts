import type { FindingDraft } from '../types';
import type { PostfixCert } from '../../parsers/postfixHealth';
import { defineCheck } from '../types';
import { ageText, DAY_S } from './health';
import { POSTFIX_REFS } from './postfixExposure';

export const CERT_WARN_DAYS = 30;
export const CERT_URGENT_DAYS = 14;

/** Findings for certificate files read on the host: missing/unreadable/unparseable, expired, expiring. */
export function certFindings(certs: readonly PostfixCert[], now: number | null, resourcePrefix: string): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const c of certs) {
    const where = `${c.path} (${c.usedBy.join(', ')})`;
    const resource = `${resourcePrefix}${c.path}`;
    if (c.state !== 'ok') {
      const what = { missing: 'does not exist', unreadable: 'is not readable by the audit', 'no-certificate': 'holds no PEM certificate', unparseable: 'holds a certificate that cannot be read' }[c.state];
      findings.push({ severity: c.state === 'unreadable' ? 'low' : 'high', resource, evidence: `${where} ${what}` });
      continue;
    }
    if (now === null || c.notAfter === null) continue;
    const left = c.notAfter - now;
    const subject = c.subject ? ` for ${c.subject}` : '';
    const when = new Date(c.notAfter * 1000).toISOString();
    if (left <= 0) findings.push({ severity: 'high', resource, evidence: `${where}: the certificate${subject} expired ${ageText(-left)} ago (${when})` });
    else if (left < CERT_URGENT_DAYS * DAY_S) findings.push({ severity: 'medium', resource, evidence: `${where}: the certificate${subject} expires in ${ageText(left)} (${when})` });
    else if (left < CERT_WARN_DAYS * DAY_S) findings.push({ severity: 'low', resource, evidence: `${where}: the certificate${subject} expires in ${ageText(left)} (${when})` });
  }
  return findings;
}

export default defineCheck({
  id: 'MAIL-TLS-CERT-FILE',
  title: 'Postfix certificate file expired, expiring or missing',
  category: 'mail',
  severity: 'high',
  references: [...POSTFIX_REFS, 'https://www.postfix.org/TLS_README.html'],
  rationale:
    'The certificates Postfix is configured with (main.cf and master.cf overrides), read on the host: an expired certificate makes mail clients refuse submission and makes senders that verify (DANE, MTA-STS) refuse or defer delivery; a configured file that is missing or unreadable disables TLS on that service. Only the certificate is read, never the key.',
  remediation: 'Renew the certificate (e.g. `certbot renew`), make sure the renewal hook reloads Postfix (`postfix reload`), and point the setting at the renewed file.',
  fixKind: 'manual',
  requires: ['postfix'],
  evaluate: ({ postfix }) => {
    if (!postfix.certs.length) return { status: 'not-applicable', message: 'no certificate file is configured' };
    const now = postfix.now;
    const findings = certFindings(postfix.certs, now, 'postfix:cert:');
    if (now === null && !findings.length) return { status: 'not-applicable', message: "the host's clock was not read" };
    return findings.length ? { status: 'fail', findings } : { status: 'pass' };
  },
});
