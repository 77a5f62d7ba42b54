// DMARC records with the examples of RFC 7489 §6.6.3 / Appendix B and RFC 9989's tree walk.
import { describe, expect, it } from 'vitest';
import { discoverDmarc, parseDmarc, reportAuthName, sameOrganisation } from './dmarc';
import { answer, staticDns } from './dnsView';

describe('parseDmarc', () => {
  it('RFC 7489 Appendix B.2.1-B.2.4 example records', () => {
    expect(parseDmarc('v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com')).toMatchObject({ p: 'none', rua: [{ address: 'dmarc-feedback@example.com', host: 'example.com' }], errors: [] });
    expect(parseDmarc('v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; ruf=mailto:auth-reports@thirdparty.example.net')).toMatchObject({
      ruf: [{ host: 'thirdparty.example.net' }],
      errors: [],
    });
    expect(parseDmarc('v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,mailto:tld-test@thirdparty.example.net!10m; pct=25')).toMatchObject({
      p: 'quarantine',
      pct: 25,
      rua: [{ host: 'example.com' }, { host: 'thirdparty.example.net', raw: 'mailto:tld-test@thirdparty.example.net!10m' }],
      errors: [],
    });
  });

  it('defaults, case-insensitive tags, RFC 9989 np/t, 7489 notes', () => {
    const r = parseDmarc('V=DMARC1; P=Reject; sp=quarantine; np=reject; t=y; ri=3600');
    expect([r.p, r.sp, r.np, r.adkim, r.aspf, r.testing, r.errors]).toEqual(['reject', 'quarantine', 'reject', 'r', 'r', true, []]);
    expect(r.notes).toEqual(['ri= and rf= were removed by RFC 9989 and are ignored']);
    expect(parseDmarc('v=DMARC1; rua=mailto:a@example.com').notes[0]).toMatch(/p= is missing/);
  });

  it('errors: v not first, bad policy, pct, alignment, URIs', () => {
    expect(parseDmarc('p=none; v=DMARC1').errors).toEqual(['the record must start with v=DMARC1']);
    expect(parseDmarc('v=DMARC1; p=block; pct=150; adkim=x; aspf=strict; rua=dmarc@example.com; ruf=https://example.com/r').errors).toEqual([
      'p=block: must be none, quarantine or reject',
      'pct=150: must be 0-100',
      'adkim=x: must be r or s',
      'aspf=strict: must be r or s',
      'rua: "dmarc@example.com" is not a URI (mailto:ADDRESS)',
      'ruf: only mailto: report addresses are used by receivers ("https://example.com/r")',
    ]);
  });
});

describe('discoverDmarc (RFC 9989 §4.10 tree walk)', () => {
  it('the record at the domain wins', () => {
    const d = discoverDmarc(staticDns({ '_dmarc.example.com|TXT': answer.txt('v=DMARC1; p=reject') }), 'example.com');
    expect([d.foundAt, d.policyDomain, d.records]).toEqual(['_dmarc.example.com', 'example.com', ['v=DMARC1; p=reject']]);
  });

  it('walks up label by label to the organisational domain, never to the TLD', () => {
    const d = discoverDmarc(staticDns({ '_dmarc.example.com|TXT': answer.txt('v=DMARC1; p=reject') }), 'a.b.mail.example.com');
    expect(d.asked.map((a) => a.name)).toEqual(['_dmarc.a.b.mail.example.com', '_dmarc.b.mail.example.com', '_dmarc.mail.example.com', '_dmarc.example.com']);
    expect(d.policyDomain).toBe('example.com');
    const none = discoverDmarc(staticDns({}), 'mail.example.com');
    expect(none.asked.map((a) => a.name)).toEqual(['_dmarc.mail.example.com', '_dmarc.example.com']);
    expect(none.foundAt).toBeNull();
  });

  it('more than eight labels: jumps to the last seven', () => {
    const d = discoverDmarc(staticDns({}), 'a.b.c.d.e.f.g.h.i.example');
    expect(d.asked.map((a) => a.name)).toEqual([
      '_dmarc.a.b.c.d.e.f.g.h.i.example',
      '_dmarc.d.e.f.g.h.i.example',
      '_dmarc.e.f.g.h.i.example',
      '_dmarc.f.g.h.i.example',
      '_dmarc.g.h.i.example',
      '_dmarc.h.i.example',
      '_dmarc.i.example',
    ]);
  });

  it('a failed lookup stops the walk (not "no record"); TXT that is not DMARC is skipped', () => {
    const d = discoverDmarc(staticDns({ '_dmarc.mail.example.com|TXT': answer.error('SERVFAIL') }), 'mail.example.com');
    expect([d.errors, d.asked.length]).toEqual([['_dmarc.mail.example.com: SERVFAIL'], 1]);
    const two = discoverDmarc(staticDns({ '_dmarc.example.com|TXT': answer.txt('v=DMARC1; p=none', 'v=DMARC1; p=reject', 'other') }), 'example.com');
    expect(two.records).toHaveLength(2);
  });
});

describe('external report destinations (RFC 7489 §7.1)', () => {
  it('names and organisations', () => {
    expect(reportAuthName('Example.com', 'thirdparty.example.net')).toBe('example.com._report._dmarc.thirdparty.example.net');
    expect(sameOrganisation('example.com', 'reports.example.com', 'example.com')).toBe(true);
    expect(sameOrganisation('mail.example.com', 'example.com', 'example.com')).toBe(true);
    expect(sameOrganisation('example.com', 'thirdparty.example.net', 'example.com')).toBe(false);
  });
});
