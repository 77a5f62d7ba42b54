import type { FindingDraft } from '../../audit/checks/types';
import { namedHostProblems, portLabel, smtpFactsFor, where } from '../smtpFacts';
import { fold, SMTP_RFC } from './smtpShared';
import { defineMailCheck } from './types';

const UNREACHED = new Set(['closed', 'unreachable', 'timeout']);

export default defineMailCheck({
  id: 'MAIL-TLS-AVAILABLE',
  title: 'Mail port answers without working TLS',
  severity: 'high',
  references: [SMTP_RFC.starttls, SMTP_RFC.implicitTls, `${SMTP_RFC.tlsBcp}#section-3.2`],
  rationale: 'Without STARTTLS on 25 and 587, or with a TLS handshake that fails on 465, 993 and 995, mail and passwords cross the network in clear text, or clients cannot connect at all.',
  remediation: 'Give the MTA (Postfix: smtpd_tls_cert_file / smtpd_tls_key_file, smtpd_tls_security_level = may on 25, encrypt on 587) and the IMAP/POP3 server a certificate and key, and check that the handshake succeeds (openssl s_client -starttls smtp -connect HOST:25).',
  evaluate: (dns, ctx) => {
    const f = smtpFactsFor(dns, ctx);
    if ('outcome' in f) {
      // A host the user named that could not be probed is an error, even when nothing else was probed.
      const named = namedHostProblems(dns, ctx);
      return f.outcome.status === 'not-applicable' && named.length ? { status: 'error', message: named.join('; ') } : f.outcome;
    }
    const results = f.facts.ports.map((p) => {
      if (UNREACHED.has(p.state) || p.state === 'tls') return p.state === 'tls' ? {} : null;
      const resource = `tls:${p.host}/${p.address}:${p.port}`;
      const ev = `${where(p)} ${portLabel(p.port)}: ${p.message ?? p.state}${p.greeting !== null ? ` (greeting: ${p.greeting.slice(0, 120)})` : ''}`;
      const findings: FindingDraft[] = [];
      if (p.state === 'no-starttls') findings.push({ severity: 'high', resource, title: 'SMTP port does not offer STARTTLS', evidence: ev });
      else if (p.state === 'tls-failed') findings.push({ severity: 'high', resource, title: 'TLS handshake fails on a mail port', evidence: ev });
      else if (p.state === 'smtp-error') findings.push({ severity: 'medium', resource, title: 'SMTP server refuses the session before TLS', evidence: ev });
      else return { error: ev };
      return { findings };
    });
    for (const error of namedHostProblems(dns, ctx)) results.push({ error });
    return fold(results, 'no mail port answered');
  },
});
