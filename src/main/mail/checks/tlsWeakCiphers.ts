import { where } from '../smtpFacts';
import { perPort, SMTP_RFC } from './smtpShared';
import { defineMailCheck } from './types';

export default defineMailCheck({
  id: 'MAIL-TLS-WEAK-CIPHERS',
  title: 'Mail server accepts anonymous or unencrypted cipher suites',
  severity: 'high',
  references: [`${SMTP_RFC.tlsBcp}#section-4.1`, 'https://www.rfc-editor.org/rfc/rfc7465'],
  rationale: 'A server that completes a handshake offering only anonymous (aNULL: no certificate, open to a man in the middle) or null (eNULL: no encryption) suites lets a downgrade strip TLS of its protection. The probe offers only those suites; RC4, DES, 3DES and EXPORT suites cannot be offered by this client and are not tested.',
  remediation: 'Postfix: smtpd_tls_exclude_ciphers = aNULL, eNULL, EXPORT, DES, RC4, MD5, 3DES (and smtpd_tls_mandatory_exclude_ciphers); Dovecot: ssl_cipher_list without aNULL/eNULL (the default is fine).',
  evaluate: (dns, ctx) =>
    perPort(
      dns,
      ctx,
      (p) => p.state === 'tls' && p.weakCiphers !== null,
      (p) => {
        const w = p.weakCiphers!;
        // Port 25: Postfix enables aNULL for opportunistic TLS on purpose (no sender offers it
        // unless it does not check certificates anyway), so it weighs less there.
        if (w.result === 'accepted') return { findings: [{ severity: p.port === 25 ? 'low' : 'high', resource: `tls:${p.host}/${p.address}:${p.port}`, evidence: `${where(p)}: offered only aNULL/eNULL suites, the server chose ${w.cipher} (${w.protocol})` }] };
        return w.result === 'error' ? { error: `${where(p)}: ${w.message}` } : {};
      },
      'no TLS handshake succeeded',
    ),
});
