// The mail (Postfix) checks through the collector's parser and the engine, on `postconf` output
// captured from a lab Postfix 3.7.11 and hand-written variants.
import { describe, expect, it } from 'vitest';
import { factsFrom, fixture, outcome, run } from '../../../../../test/support/checkFacts';
import { checks } from './index';
import { wideEntries } from './mynetworks';
import { stopsRelay } from './relayRestrictions';

const OPEN = fixture('mail/postfix-open-relay.txt');
const HEALTH_IDS = new Set(['MAIL-QUEUE-STALE', 'MAIL-QUEUE-DEFERRALS', 'MAIL-POSTFIX-CHECK', 'MAIL-TLS-PROTOCOLS', 'MAIL-SMTP-CLIENT-NO-TLS', 'MAIL-TLS-CERT-FILE']);
// The checks that read Postfix alone (the mail stack checks are in stack.test.ts).
const POSTFIX_CHECKS = checks.filter((c) => !(c.requires as readonly string[]).includes('mailStack'));
const evalOf = (body: string) => run(factsFrom({ mail_postfix: body }), POSTFIX_CHECKS);
/** The open-relay fixture with one effective value replaced. */
const withEffective = (name: string, value: string, base = OPEN): string => base.replace(new RegExp(`^(@effective[\\s\\S]*?\\n)${name} =.*$`, 'm'), `$1${name} = ${value}`);

describe('catalog', () => {
  it('ids and categories', () => {
    for (const c of checks) expect([c.category, /^MAIL-[A-Z-]+$/.test(c.id)]).toEqual(['mail', true]);
  });

  it('without Postfix, or without main.cf, no mail check applies', () => {
    for (const body of ['@installed no', fixture('mail/postfix-no-main-cf.txt')]) {
      const ev = evalOf(body);
      expect(ev.checks.every((c) => c.status === 'not-applicable')).toBe(true);
    }
    expect(evalOf('@installed no').checks[0]!.message).toBe('Postfix is not installed on this host');
  });
});

describe('lab open relay', () => {
  const ev = evalOf(OPEN);
  it('every mail weakness is found', () => {
    // The mail stack health checks (health.test.ts) find nothing more in this fixture's older output.
    expect(Object.fromEntries(POSTFIX_CHECKS.filter((c) => !HEALTH_IDS.has(c.id)).map((c) => [c.id, outcome(ev, c.id).lines]))).toEqual({
      'MAIL-OPEN-RELAY-MYNETWORKS': ['critical: mynetworks = 0.0.0.0/0: 0.0.0.0/0 (every address on the internet); smtpd listens on inet_interfaces = all'],
      'MAIL-RELAY-RESTRICTIONS': [
        'critical: smtpd_relay_restrictions = permit_mynetworks, check_client_access static:OK, reject_unauth_destination; smtpd_recipient_restrictions = (empty): neither rejects unauthorized destinations; smtpd listens on inet_interfaces = all',
      ],
      'MAIL-QUEUE-LARGE': ['medium: 101 messages in the queue (101 deferred; more than 100); oldest arrived at 2026-11-26T07:13:42.000Z'],
      'MAIL-SMTPD-NO-TLS': ['medium: smtpd_tls_security_level is empty; smtpd listens on inet_interfaces = all'],
      'MAIL-VRFY-ENABLED': ['low: disable_vrfy_command = no'],
      'MAIL-BANNER-VERSION': ['low: smtpd_banner = $myhostname ESMTP $mail_name ($mail_version)'],
    });
  });

  it('the same settings on loopback only: latent, lower severities; exposure checks do not apply', () => {
    const local = evalOf(withEffective('inet_interfaces', 'loopback-only'));
    expect(outcome(local, 'MAIL-OPEN-RELAY-MYNETWORKS').findings.map((f) => f.severity)).toEqual(['low']);
    expect(outcome(local, 'MAIL-RELAY-RESTRICTIONS').findings.map((f) => f.severity)).toEqual(['medium']);
    for (const id of ['MAIL-SMTPD-NO-TLS', 'MAIL-VRFY-ENABLED', 'MAIL-BANNER-VERSION']) expect(outcome(local, id).status).toBe('not-applicable');
  });
});

describe('well-configured servers', () => {
  it('lab loopback Postfix: passes or does not apply', () => {
    const ev = evalOf(fixture('mail/postfix-loopback.txt'));
    expect(ev.findings).toEqual([]);
  });

  it('an internet-facing server with TLS, LAN mynetworks and the default relay restrictions; queue unreadable (stopped)', () => {
    const ev = evalOf(fixture('mail/postfix-stopped.txt'));
    expect(ev.findings).toEqual([]);
    expect(outcome(ev, 'MAIL-QUEUE-LARGE')).toMatchObject({ status: 'not-applicable', message: 'the queue could not be read: Postfix is not running' });
    expect(outcome(ev, 'MAIL-SMTPD-NO-TLS').status).toBe('pass');
  });
});

describe('details', () => {
  it('mynetworks: what is too wide', () => {
    expect(wideEntries('127.0.0.0/8 [::1]/128 10.0.0.0/8 192.168.0.0/16 hash:/etc/postfix/networks mail.example.org')).toEqual([]);
    expect(wideEntries('203.0.113.0/24 198.51.0.0/16 [2001:db8::]/32 [::]/0 1.0.0.0/7').map((w) => [w.entry, w.severity])).toEqual([
      ['198.51.0.0/16', 'high'],
      ['[2001:db8::]/32', 'high'],
      ['[::]/0', 'critical'],
      ['1.0.0.0/7', 'high'],
    ]);
  });

  it('relay restriction lists', () => {
    expect(stopsRelay(['permit_mynetworks', 'permit_sasl_authenticated', 'defer_unauth_destination'])).toBe(true);
    expect(stopsRelay(['permit_mynetworks', 'permit', 'reject_unauth_destination'])).toBe(false);
    expect(stopsRelay(['check_client_access static:OK', 'reject_unauth_destination'])).toBe(false);
    expect(stopsRelay(['check_client_access hash:/etc/postfix/access', 'reject_unauth_destination'])).toBe(true);
    expect(stopsRelay([])).toBe(false);
    const recipientOnly = evalOf(withEffective('smtpd_recipient_restrictions', 'permit_mynetworks, reject_unauth_destination'));
    expect(outcome(recipientOnly, 'MAIL-RELAY-RESTRICTIONS').status).toBe('pass');
  });

  it('TLS: legacy smtpd_use_tls, and a level without a certificate', () => {
    const legacy = withEffective('smtpd_tls_cert_file', '/etc/ssl/certs/mail.pem', withEffective('smtpd_use_tls', 'yes'));
    expect(outcome(evalOf(legacy), 'MAIL-SMTPD-NO-TLS').status).toBe('pass');
    expect(outcome(evalOf(withEffective('smtpd_tls_security_level', 'may')), 'MAIL-SMTPD-NO-TLS').lines).toEqual([
      'medium: smtpd_tls_security_level = may but no certificate is configured (smtpd_tls_chain_files / smtpd_tls_cert_file); smtpd listens on inet_interfaces = all',
    ]);
  });

  it('a queue at the limit passes', () => {
    expect(outcome(evalOf(OPEN.replace('@count 101', '@count 100')), 'MAIL-QUEUE-LARGE').status).toBe('pass');
  });

  it('broken output is an error for the mail checks only', () => {
    const ev = evalOf('@postconf-n\npostconf: fatal: bad string length 0 < 1: inet_interfaces =\n@rc 1');
    expect(outcome(ev, 'MAIL-QUEUE-LARGE').status).toBe('error');
  });
});
