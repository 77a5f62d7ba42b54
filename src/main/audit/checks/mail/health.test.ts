// The mail stack health checks on Postfix (issue 13) through the collector's parser and the engine:
// output captured from a lab Postfix 3.7.11 (lab/mailStack.ts set-up: a deferred queue to an
// unreachable MX, an expired and a near-expiry certificate, a world-writable main.cf, a parameter
// set twice and an unused one) and hand-written variants.
import { describe, expect, it } from 'vitest';
import { factsFrom, fixture, outcome, run } from '../../../../../test/support/checkFacts';
import { parsePostfix } from '../../parsers/postfix';
import { parseCerts, parseQueueDetail } from '../../parsers/postfixHealth';
import { allowedProtocols, ageText, legacyOf, notSendingReason } from './health';
import { checks } from './index';

const HEALTH = fixture('mail/postfix-health.txt');
const evalOf = (body: string) => run(factsFrom({ mail_postfix: body }), checks);
/** The fixture with the host clock moved to `now`. */
const at = (now: number, body = HEALTH): string => body.replace(/^@now \d+$/m, `@now ${now}`);
const NOW = Number(/^@now (\d+)$/m.exec(HEALTH)![1]);

describe('lab Postfix with a deferred queue, bad certificates and a writable main.cf', () => {
  const ev = evalOf(HEALTH);

  it('the parser: queues, grouped reasons without local parts, warnings, master.cf overrides, certificates', () => {
    const pf = parsePostfix(HEALTH);
    expect(pf.queueDetail).toEqual({
      now: NOW,
      queues: { deferred: { count: 4, oldestArrival: pf.queue!.oldestArrival } },
      reasons: [
        { count: 4, domain: 'down.test', reason: 'connect to 192.0.2.25[192.0.2.25]:2525: Connection refused' },
        { count: 1, domain: 'hold.test', reason: 'connect to 192.0.2.25[192.0.2.25]:2526: Connection refused' },
      ],
      reasonGroups: 2,
      reasonRecipients: 5,
    });
    expect(pf.warnings).toEqual(['/etc/postfix/main.cf, line 17: overriding earlier entry: defer_transports=smtp', '/etc/postfix/main.cf: unused parameter: foo_unused=1']);
    expect(pf.configProblems).toEqual([{ mode: '666', uid: 0, path: '/etc/postfix/main.cf' }]);
    expect(pf.masterOverrides['587/inet/smtpd_tls_cert_file']).toBe('/etc/ssl/lab/soon.pem');
    expect(pf.certs.map((c) => [c.path, c.usedBy.join(','), c.state, c.subject])).toEqual([
      ['/etc/ssl/lab/expired.pem', 'smtpd_tls_cert_file', 'ok', 'CN=mx.lab.test'],
      ['/etc/ssl/lab/soon.pem', '587/inet/smtpd_tls_cert_file', 'ok', 'CN=mx.lab.test'],
      ['/nonexistent/x.pem', 'smtp_tls_cert_file', 'missing', null],
    ]);
    // No local part of any address reaches the facts.
    expect(JSON.stringify(pf)).not.toMatch(/bob|carol|dave|alice/);
  });

  it('every health check finds what the lab planted', () => {
    const ids = ['MAIL-QUEUE-STALE', 'MAIL-QUEUE-DEFERRALS', 'MAIL-POSTFIX-CHECK', 'MAIL-TLS-PROTOCOLS', 'MAIL-SMTP-CLIENT-NO-TLS', 'MAIL-TLS-CERT-FILE'];
    const got = Object.fromEntries(ids.map((id) => [id, outcome(ev, id).lines.map((l) => l.replace(/ \(20\d\d-[^)]*\)/, ''))]));
    expect(got).toEqual({
      'MAIL-QUEUE-STALE': [],
      'MAIL-QUEUE-DEFERRALS': [
        'low: 1 recipient(s) at hold.test deferred: 1× "connect to 192.0.2.25[192.0.2.25]:2526: Connection refused"',
        'low: 4 recipient(s) at down.test deferred: 4× "connect to 192.0.2.25[192.0.2.25]:2525: Connection refused"',
      ],
      'MAIL-POSTFIX-CHECK': [
        'high: /etc/postfix/main.cf (mode 666) is writable by everyone',
        'low: postconf warns: /etc/postfix/main.cf, line 17: overriding earlier entry: defer_transports=smtp; /etc/postfix/main.cf: unused parameter: foo_unused=1',
      ],
      // loopback-only smtpd, no service enforcing TLS, the client at no TLS level: nothing applies.
      'MAIL-TLS-PROTOCOLS': [],
      'MAIL-SMTP-CLIENT-NO-TLS': ['medium: smtp_tls_security_level is empty: outgoing mail never uses STARTTLS'],
      'MAIL-TLS-CERT-FILE': [
        'high: /etc/ssl/lab/expired.pem (smtpd_tls_cert_file): the certificate for CN=mx.lab.test expired 1 d ago',
        'high: /nonexistent/x.pem (smtp_tls_cert_file) does not exist',
        'medium: /etc/ssl/lab/soon.pem (587/inet/smtpd_tls_cert_file): the certificate for CN=mx.lab.test expires in 4 d 23 h',
      ],
    });
    expect(outcome(ev, 'MAIL-QUEUE-DEFERRALS').findings.map((f) => f.resource).sort()).toEqual(['postfix:deferred:down.test', 'postfix:deferred:hold.test']);
  });

  it('two days later the deferred mail is stale; certificates are judged by the host clock', () => {
    const later = evalOf(at(NOW + 2 * 86400));
    expect(outcome(later, 'MAIL-QUEUE-STALE').lines).toEqual(['medium: 4 message(s) in the deferred queue, the oldest waiting 2 d (more than 1 d)']);
    expect(outcome(later, 'MAIL-TLS-CERT-FILE').lines.map((l) => l.replace(/ \(20\d\d-[^)]*\)/, ''))).toContain(
      'medium: /etc/ssl/lab/soon.pem (587/inet/smtpd_tls_cert_file): the certificate for CN=mx.lab.test expires in 2 d 23 h',
    );
    // 20 days earlier the soon-to-expire certificate still had 25 days: low.
    const earlier = evalOf(at(NOW - 20 * 86400));
    expect(outcome(earlier, 'MAIL-TLS-CERT-FILE').lines.filter((l) => l.includes('soon.pem'))[0]).toMatch(/^low: .* expires in 24 d 23 h/);
  });
});

describe('details', () => {
  it('held mail is low; ten or more recipients of one domain deferred is medium', () => {
    const d = parseQueueDetail(['@now 1000000', '@q hold 2 900000', '@q active 1 999000', '@reason 12\texample.org\t451 4.7.1 greylisted', '@reasons 1 12']);
    const body = HEALTH.replace(/@q deferred .*\n@reason .*\n@reason .*\n@reasons .*/, ['@q hold 2 900000', '@q active 1 999000', '@reason 12\texample.org\t451 4.7.1 greylisted <*@example.org>', '@reasons 3 20'].join('\n')).replace(/^@now \d+$/m, '@now 1000000');
    const ev = evalOf(body);
    expect(d.queues.hold).toEqual({ count: 2, oldestArrival: 900000 });
    expect(outcome(ev, 'MAIL-QUEUE-STALE').lines).toEqual(['low: 2 message(s) on hold, the oldest for 1 d 3 h']);
    expect(outcome(ev, 'MAIL-QUEUE-DEFERRALS').lines).toEqual(['medium: 12 recipient(s) at example.org deferred: 12× "451 4.7.1 greylisted <*@example.org>"; 2 more reason group(s), 20 deferred recipient(s) in all']);
  });

  it('an empty queue, a clean config dir, TLS 1.2+, client TLS on and valid certificates pass', () => {
    const clean = HEALTH.replace(/@q deferred .*\n@reason .*\n@reason .*\n@reasons 2 5/, '@reasons 0 0')
      .replace(/^666 0 \/etc\/postfix\/main.cf$/m, '')
      .replace(/^(postconf: warning|\/usr\/sbin\/postconf: warning).*$/gm, '')
      .replace(/^(smtpd?_tls_(mandatory_)?protocols) = .*$/gm, '$1 = >=TLSv1.2')
      .replace(/^smtp_tls_security_level =.*$/m, 'smtp_tls_security_level = may')
      .replace(/^@uses \/nonexistent.*\n@missing .*\n/m, '');
    const ev = evalOf(at(NOW - 300 * 86400, clean));
    for (const id of ['MAIL-QUEUE-STALE', 'MAIL-QUEUE-DEFERRALS', 'MAIL-POSTFIX-CHECK', 'MAIL-TLS-PROTOCOLS', 'MAIL-SMTP-CLIENT-NO-TLS']) expect(outcome(ev, id).status, id).toBe('pass');
    // 300 days earlier the lab certificates were not issued yet; they are not expired then.
    expect(outcome(ev, 'MAIL-TLS-CERT-FILE').status).toBe('pass');
  });

  it('TLS protocols: judged where they apply (smtpd on the network, a service enforcing TLS, a verifying client)', () => {
    const exposed = HEALTH.replace(/^inet_interfaces = loopback-only$/gm, 'inet_interfaces = all')
      .replace(/^@master$/m, '@master\n587/inet/smtpd_tls_security_level = encrypt')
      .replace(/^smtp_tls_security_level =.*$/m, 'smtp_tls_security_level = dane');
    expect(outcome(evalOf(exposed), 'MAIL-TLS-PROTOCOLS').lines).toEqual([
      'low: smtpd_tls_protocols = >=TLSv1 allows TLSv1, TLSv1.1 (opportunistic TLS)',
      'medium: smtp_tls_mandatory_protocols = >=TLSv1 allows TLSv1, TLSv1.1 where TLS is mandatory',
      'medium: smtpd_tls_mandatory_protocols = >=TLSv1 allows TLSv1, TLSv1.1 where TLS is mandatory',
    ]);
  });

  it('protocol lists in both Postfix syntaxes', () => {
    expect(allowedProtocols('>=TLSv1.2')).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(allowedProtocols('!SSLv2, !SSLv3')).toEqual(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    expect(allowedProtocols('!SSLv2 !SSLv3 !TLSv1 !TLSv1.1')).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(allowedProtocols('>=TLSv1 <=TLSv1.2')).toEqual(['TLSv1', 'TLSv1.1', 'TLSv1.2']);
    expect(allowedProtocols('TLSv1.3')).toEqual(['TLSv1.3']);
    expect(legacyOf(allowedProtocols(''))).toEqual(['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1']);
    expect(ageText(90061)).toBe('1 d 1 h');
    expect(ageText(59)).toBe('0 min');
  });

  it('a server that sends nothing over SMTP is not judged on client TLS', () => {
    const pf = parsePostfix(fixture('mail/postfix-loopback.txt'));
    expect(notSendingReason(pf)).toBe('defer_transports = smtp: SMTP deliveries are held, nothing is sent');
    expect(outcome(evalOf(fixture('mail/postfix-loopback.txt')), 'MAIL-SMTP-CLIENT-NO-TLS').status).toBe('not-applicable');
  });

  it('certificate blocks: a key never passes, broken PEM is unparseable, the other states are kept', () => {
    const certs = parseCerts([
      '@uses /a.pem\tsmtpd_tls_chain_files',
      '@file /a.pem',
      '-----BEGIN CERTIFICATE-----',
      'bm90IGEgY2VydA==',
      '-----END CERTIFICATE-----',
      '@uses /b.pem\tsmtpd_tls_cert_file',
      '@unreadable /b.pem',
      '@uses /c.pem\tsmtpd_tls_cert_file',
      '@file /c.pem',
    ]);
    expect(certs.map((c) => `${c.path} ${c.state}`)).toEqual(['/a.pem unparseable', '/b.pem unreadable', '/c.pem no-certificate']);
  });
});
