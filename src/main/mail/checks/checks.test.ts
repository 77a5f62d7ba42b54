// Mail checks over fixed answers (the lab test runs them against a real DNS server): metadata,
// outcomes for lookups that failed, and record examples from the RFCs.
import { describe, expect, it } from 'vitest';
import { answer, staticDns } from '../dnsView';
import type { DnsResult } from '../resolver';
import { dnsblName, dnsblVerdict } from './dnsbl';
import { MAIL_CHECKS } from './index';
import { mtaStsProblems } from './mtaStsTxt';
import { tlsRptProblems } from './tlsRpt';
import type { MailContext } from './types';

const ctx = (over: Partial<MailContext> = {}): MailContext => ({ domain: 'example.com', selectors: [], dnsblZones: [], resolverLabel: 'test', ...over });
const check = (id: string) => MAIL_CHECKS.find((c) => c.id === id)!;

describe('catalog', () => {
  it('ids, categories, metadata and RFC references', () => {
    expect(new Set(MAIL_CHECKS.map((c) => c.id)).size).toBe(MAIL_CHECKS.length);
    for (const c of MAIL_CHECKS) {
      expect([c.id, /^MAIL-[A-Z0-9-]+$/.test(c.id), c.category]).toEqual([c.id, true, 'mail']);
      expect(c.title && c.rationale && c.remediation && c.references.length).toBeTruthy();
    }
    expect(MAIL_CHECKS.filter((c) => c.references.some((r) => r.startsWith('https://www.rfc-editor.org/rfc/'))).length).toBe(MAIL_CHECKS.length);
  });
});

describe('failed lookups are errors, never passes', () => {
  const failing: Record<string, DnsResult> = {
    'example.com|TXT': answer.error('SERVFAIL'),
    'example.com|MX': answer.error('TIMEOUT'),
    '_dmarc.example.com|TXT': answer.error('REFUSED'),
    '_mta-sts.example.com|TXT': answer.error('SERVFAIL'),
    '_smtp._tls.example.com|TXT': answer.error('SERVFAIL'),
    's1._domainkey.example.com|TXT': answer.error('SERVFAIL'),
  };
  it.each(['MAIL-SPF-RECORD', 'MAIL-SPF-LOOKUPS', 'MAIL-DKIM-RECORD', 'MAIL-DMARC-RECORD', 'MAIL-DMARC-POLICY', 'MAIL-MTA-STS-TXT', 'MAIL-TLS-RPT', 'MAIL-MX-RECORD', 'MAIL-MX-PTR', 'MAIL-DNSBL'])('%s', (id) => {
    expect(check(id).evaluate(staticDns(failing), ctx({ selectors: ['s1'], dnsblZones: ['bl.example'] })).status).toBe('error');
  });
});

describe('records from the RFCs', () => {
  it('RFC 8461 §3.1 and RFC 8460 §3 examples are valid; broken variants are not', () => {
    expect(mtaStsProblems('v=STSv1; id=20160831085700Z;')).toEqual([]);
    expect(mtaStsProblems('id=1; v=STSv1')).toEqual(['must start with v=STSv1']);
    expect(mtaStsProblems('v=STSv1;')).toEqual(['the id= tag is missing']);
    expect(tlsRptProblems('v=TLSRPTv1;rua=mailto:reports@example.com')).toEqual([]);
    expect(tlsRptProblems('v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt')).toEqual([]);
    expect(tlsRptProblems('v=TLSRPTv1; rua=reports@example.com')).toEqual(['rua: "reports@example.com" is not a mailto: or https: URI']);
  });

  it('RFC 5782: names, the listed/clean/unknown answers', () => {
    expect(dnsblName('192.0.2.99', 'bl.example')).toBe('99.2.0.192.bl.example');
    expect(dnsblName('2001:db8:1:2:3:4:567:89ab', 'bl.example')).toBe('b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.example');
    expect(dnsblVerdict(answer.addr('127.0.0.2'))).toEqual({ verdict: 'listed', codes: ['127.0.0.2'] });
    expect(dnsblVerdict(answer.nxdomain())).toEqual({ verdict: 'clean' });
    expect(dnsblVerdict(answer.addr('127.255.255.254')).verdict).toBe('unknown');
    expect(dnsblVerdict(answer.addr('198.51.100.7')).verdict).toBe('unknown');
    expect(dnsblVerdict(answer.error('REFUSED')).verdict).toBe('unknown');
  });

  it('SPF all: -all passes, ~all low, ?all medium, +all high, none medium, redirect passes', () => {
    const sev = (rec: string) => {
      const o = check('MAIL-SPF-ALL').evaluate(staticDns({ 'example.com|TXT': answer.txt(rec), '_spf.example.com|TXT': answer.txt('v=spf1 -all') }), ctx());
      return o.status === 'fail' ? o.findings[0]!.severity : o.status;
    };
    expect(['v=spf1 -all', 'v=spf1 ~all', 'v=spf1 ?all', 'v=spf1 +all', 'v=spf1 all', 'v=spf1 ip4:192.0.2.1', 'v=spf1 redirect=_spf.example.com'].map(sev)).toEqual([
      'pass',
      'low',
      'medium',
      'high',
      'high',
      'medium',
      'pass',
    ]);
  });

  it('SPF: an mx term with more than 10 MX hosts is reported (RFC 7208 §4.6.4)', () => {
    const mx = answer.mx(...Array.from({ length: 11 }, (_, i): [number, string] => [i, `mx${i}.example.com`]));
    const o = check('MAIL-SPF-LOOKUPS').evaluate(staticDns({ 'example.com|TXT': answer.txt('v=spf1 mx -all'), 'example.com|MX': mx }), ctx());
    expect(o).toEqual({
      status: 'fail',
      findings: [{ severity: 'high', resource: 'spf:example.com:mx', title: 'SPF mx term names more than 10 MX hosts', evidence: '"mx" in the record of example.com: 11 MX hosts (more than 10 is a permerror, RFC 7208 §4.6.4)' }],
    });
  });
});
