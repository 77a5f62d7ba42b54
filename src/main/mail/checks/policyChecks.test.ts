// The MTA-STS policy, DNSSEC and host-DKIM checks over fixed answers and fixed fetched facts (the
// lab test, test/mail-policy.lab.test.ts, runs them against real servers).
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { answer, staticDns } from '../dnsView';
import type { HostDkim } from '../hostDkim';
import { parseMtaStsPolicy, type MtaStsFetch } from '../mtaSts';
import type { DnsResult } from '../resolver';
import { MAIL_CHECKS } from './index';
import type { MailContext } from './types';

const check = (id: string) => MAIL_CHECKS.find((c) => c.id === id)!;
const ctx = (over: Partial<MailContext> = {}): MailContext => ({ domain: 'example.com', selectors: [], dnsblZones: [], resolverLabel: 'test', ...over });
const url = 'https://mta-sts.example.com/.well-known/mta-sts.txt';
const policy = (text: string): MtaStsFetch => ({ kind: 'policy', url, address: '192.0.2.1', contentType: 'text/plain', bytes: text.length, text, policy: parseMtaStsPolicy(text), ms: 1 });
const base: Record<string, DnsResult> = {
  'example.com|TXT': answer.txt('v=spf1 -all'),
  'example.com|MX': answer.mx([10, 'mx1.example.com'], [20, 'backup.example.net']),
  'mx1.example.com|A': answer.addr('192.0.2.10'),
  'backup.example.net|A': answer.addr('192.0.2.20'),
  '_mta-sts.example.com|TXT': answer.txt('v=STSv1; id=1'),
};
const dns = (over: Record<string, DnsResult> = {}) => staticDns({ ...base, ...over });
const sev = (o: ReturnType<typeof check>['evaluate'] extends (...a: never[]) => infer R ? R : never) => (o.status === 'fail' ? o.findings.map((f) => `${f.severity} ${f.title ?? ''}`.trim()) : o.status);

describe('MTA-STS policy checks', () => {
  const good = 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.example.net\nmax_age: 604800\n';

  it('a good policy passes all four', () => {
    for (const id of ['MAIL-MTA-STS-POLICY', 'MAIL-MTA-STS-MODE', 'MAIL-MTA-STS-MAX-AGE', 'MAIL-MTA-STS-MX']) expect([id, check(id).evaluate(dns(), ctx({ mtaStsPolicy: policy(good) })).status]).toEqual([id, 'pass']);
  });

  it('no _mta-sts record: not applicable; record but not fetched: error; fetching turned off: not applicable', () => {
    expect(check('MAIL-MTA-STS-POLICY').evaluate(dns({ '_mta-sts.example.com|TXT': answer.nxdomain() }), ctx()).status).toBe('not-applicable');
    expect(check('MAIL-MTA-STS-POLICY').evaluate(dns(), ctx()).status).toBe('error');
    expect(check('MAIL-MTA-STS-MX').evaluate(dns(), ctx({ mtaStsPolicy: { kind: 'disabled', url } })).status).toBe('not-applicable');
  });

  it('fetch failures are findings of MAIL-MTA-STS-POLICY; the others do not apply', () => {
    const fails: MtaStsFetch[] = [
      { kind: 'certificate', url, address: '192.0.2.1', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: 'unable to verify the first certificate' },
      { kind: 'redirect', url, address: '192.0.2.1', status: 301, location: 'https://www.example.com/' },
      { kind: 'content-type', url, address: '192.0.2.1', contentType: 'text/html' },
      { kind: 'unresolved', url, message: 'mta-sts.example.com: NXDOMAIN' },
      { kind: 'timeout', url, address: '192.0.2.1', timeoutMs: 5000 },
    ];
    expect(fails.map((f) => sev(check('MAIL-MTA-STS-POLICY').evaluate(dns(), ctx({ mtaStsPolicy: f }))))).toEqual([
      ['medium MTA-STS policy served with an invalid certificate'],
      ['medium MTA-STS policy URL redirects (senders do not follow redirects)'],
      ['medium MTA-STS policy is not served as text/plain'],
      ['medium MTA-STS policy cannot be fetched'],
      ['medium MTA-STS policy cannot be fetched'],
    ]);
    expect(check('MAIL-MTA-STS-MODE').evaluate(dns(), ctx({ mtaStsPolicy: fails[0]! })).status).toBe('not-applicable');
    expect(sev(check('MAIL-MTA-STS-POLICY').evaluate(dns(), ctx({ mtaStsPolicy: policy('version: STSv1\nmode: enforce\nmax_age: 1\n') })))).toEqual(['medium MTA-STS policy has syntax errors']);
  });

  it('mode testing is low, none medium; max_age under a day or above the limit; MX not covered', () => {
    const t = policy('version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 3600\n');
    expect(sev(check('MAIL-MTA-STS-MODE').evaluate(dns(), ctx({ mtaStsPolicy: t })))).toEqual(['low MTA-STS policy in testing mode (reports only)']);
    expect(sev(check('MAIL-MTA-STS-MODE').evaluate(dns(), ctx({ mtaStsPolicy: policy('version: STSv1\nmode: none\nmax_age: 86400\n') })))).toEqual(['medium MTA-STS policy withdrawn (mode none)']);
    expect(sev(check('MAIL-MTA-STS-MAX-AGE').evaluate(dns(), ctx({ mtaStsPolicy: t })))).toEqual(['low MTA-STS max_age under a day']);
    expect(sev(check('MAIL-MTA-STS-MAX-AGE').evaluate(dns(), ctx({ mtaStsPolicy: policy(good.replace('604800', '31557601')) })))).toEqual(['low MTA-STS max_age above the RFC limit']);
    const o = check('MAIL-MTA-STS-MX').evaluate(dns(), ctx({ mtaStsPolicy: t }));
    expect(o).toEqual({
      status: 'fail',
      findings: [{ severity: 'medium', resource: 'mta-sts:example.com:mx:backup.example.net', evidence: `MX 20 backup.example.net matches none of the policy's patterns (mx: mx1.example.com) in ${url}, mode testing` }],
    });
    expect(sev(check('MAIL-MTA-STS-MX').evaluate(dns(), ctx({ mtaStsPolicy: policy(good.replace('*.example.net', 'a.b.example.net')) })))).toEqual(['high']);
  });
});

describe('MAIL-DNSSEC', () => {
  it('AD set passes; signatures without AD: the resolver does not validate; neither: unsigned', () => {
    const o = (r: DnsResult) => check('MAIL-DNSSEC').evaluate(dns({ 'example.com|TXT': r }), ctx());
    expect(o({ ...answer.txt('v=spf1 -all'), ad: true, rrsig: true } as DnsResult).status).toBe('pass');
    expect(o({ ...answer.nodata(), ad: true } as DnsResult).status).toBe('pass');
    const signed = o({ ...answer.txt('v=spf1 -all'), rrsig: true } as DnsResult);
    expect(signed.status === 'fail' && signed.findings[0]!.evidence).toMatch(/signatures came back but test did not set the AD bit/);
    const unsigned = o(answer.txt('v=spf1 -all'));
    expect(unsigned.status === 'fail' && unsigned.findings.map((f) => [f.severity, f.resource])).toEqual([['info', 'dnssec:example.com']]);
    expect(o(answer.error('SERVFAIL')).status).toBe('error');
  });
});

describe('host DKIM checks', () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const key = (selector: string, pub: string | null) => ({ selector, domain: 'example.com', source: 'opendkim' as const, config: '/etc/opendkim/KeyTable', keyPath: `/etc/opendkim/keys/${selector}.private`, publicKey: pub, keyType: pub ? 'rsa' : null, bits: pub ? 1024 : null, problem: pub ? null : 'the key file does not exist' });
  const host = (...keys: HostDkim['keys']): HostDkim => ({ host: 'mail1', keys, configs: ['/etc/opendkim.conf'], problems: [] });
  const d = dns({
    'good._domainkey.example.com|TXT': answer.txt(`v=DKIM1; k=rsa; p=${spki}`),
    'stale._domainkey.example.com|TXT': answer.txt(`v=DKIM1; k=rsa; p=${other}`),
    'lost._domainkey.example.com|TXT': answer.txt(`v=DKIM1; k=rsa; p=${spki}`),
  });
  const run = (id: string, h: HostDkim) => check(id).evaluate(d, ctx({ hostDkim: h, selectors: h.keys.map((k) => k.selector) }));

  it('no host linked: not applicable', () => {
    expect(check('MAIL-DKIM-HOST-MATCH').evaluate(d, ctx()).status).toBe('not-applicable');
    expect(check('MAIL-DKIM-HOST-DNS').evaluate(d, ctx({ hostDkim: host() })).status).toBe('not-applicable');
  });

  it('matching key passes; another key in DNS is critical; an unreadable key file is high; no DNS record is MAIL-DKIM-HOST-DNS', () => {
    expect(run('MAIL-DKIM-HOST-MATCH', host(key('good', spki))).status).toBe('pass');
    expect(run('MAIL-DKIM-HOST-DNS', host(key('good', spki))).status).toBe('pass');
    const bad = run('MAIL-DKIM-HOST-MATCH', host(key('good', spki), key('stale', spki), key('lost', null), key('nodns', spki)));
    expect(sev(bad)).toEqual(['critical', 'high DKIM key file on the mail host cannot be read']);
    expect(bad.status === 'fail' && bad.findings[0]!.resource).toBe('dkim-host:stale._domainkey.example.com');
    const missing = run('MAIL-DKIM-HOST-DNS', host(key('good', spki), key('nodns', spki)));
    expect(missing.status === 'fail' && missing.findings.map((f) => f.resource)).toEqual(['dkim-host:nodns._domainkey.example.com']);
  });
});
