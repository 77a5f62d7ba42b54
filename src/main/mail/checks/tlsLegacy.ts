import { where } from '../smtpFacts';
import { perPort, SMTP_RFC } from './smtpShared';
import { defineMailCheck } from './types';

export default defineMailCheck({
  id: 'MAIL-TLS-LEGACY-VERSIONS',
  title: 'Mail server accepts TLS 1.0 or TLS 1.1',
  severity: 'medium',
  references: [SMTP_RFC.deprecateTls10, `${SMTP_RFC.tlsBcp}#section-3.1.1`],
  rationale: 'TLS 1.0 and 1.1 are deprecated (RFC 8996): they rely on SHA-1 and CBC constructions with known attacks. Every current client and MTA speaks TLS 1.2 or 1.3.',
  remediation: 'Postfix: smtpd_tls_protocols = >=TLSv1.2 and smtpd_tls_mandatory_protocols = >=TLSv1.2 (and the submission services); Dovecot: ssl_min_protocol = TLSv1.2.',
  evaluate: (dns, ctx) =>
    perPort(
      dns,
      ctx,
      (p) => p.state === 'tls' && p.legacy !== null,
      (p) => {
        const tries = Object.entries(p.legacy!);
        const accepted = tries.filter(([, t]) => t.result === 'accepted').map(([v, t]) => `${v} (${t.result === 'accepted' ? t.cipher : ''})`);
        if (accepted.length) return { findings: [{ severity: 'medium', resource: `tls:${p.host}/${p.address}:${p.port}`, evidence: `${where(p)}: handshake accepted with ${accepted.join(' and ')}` }] };
        const errors = tries.filter(([, t]) => t.result === 'error').map(([v, t]) => `${v}: ${t.result === 'error' ? t.message : ''}`);
        return errors.length ? { error: `${where(p)}: ${errors.join('; ')}` } : {};
      },
      'no TLS handshake succeeded',
    ),
});
