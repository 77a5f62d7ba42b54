// SPF parsing, lookup counting and evaluation with RFC 7208's own examples (§7.4 macros,
// Appendix A zone and record examples).
import { describe, expect, it } from 'vitest';
import { answer, staticDns } from './dnsView';
import { evaluateSpf, isSpfRecord, macroStringError, parseSpf, walkSpf } from './spf';

// RFC 7208 Appendix A: the example zone.
const A1 = {
  'example.com|MX': answer.mx([10, 'mail-a.example.com'], [20, 'mail-b.example.com']),
  'example.com|A': answer.addr('192.0.2.10', '192.0.2.11'),
  'amy.example.com|A': answer.addr('192.0.2.65'),
  'bob.example.com|A': answer.addr('192.0.2.66'),
  'mail-a.example.com|A': answer.addr('192.0.2.129'),
  'mail-b.example.com|A': answer.addr('192.0.2.137'),
  'example.org|MX': answer.mx([10, 'mail-c.example.org']),
  'mail-c.example.org|A': answer.addr('192.0.2.140'),
};
const withRecord = (record: string) => staticDns({ ...A1, 'example.com|TXT': answer.txt(record) });
const result = (record: string, ip: string) => evaluateSpf(withRecord(record), 'example.com', ip).result;

describe('record selection (§4.5)', () => {
  it('v=spf1 alone or followed by a space; not v=spf10', () => {
    expect(['v=spf1', 'v=spf1 -all', 'V=SPF1 mx'].map(isSpfRecord)).toEqual([true, true, true]);
    expect(['v=spf10 -all', 'spf1 -all', ' v=spf1 -all'].map(isSpfRecord)).toEqual([false, false, false]);
  });
});

describe('syntax', () => {
  it('the RFC\'s Appendix A records parse without error', () => {
    for (const r of [
      'v=spf1 +all',
      'v=spf1 a -all',
      'v=spf1 a:example.org -all',
      'v=spf1 mx -all',
      'v=spf1 mx:example.org -all',
      'v=spf1 mx mx:example.org -all',
      'v=spf1 mx/30 mx:example.org/30 -all',
      'v=spf1 ptr -all',
      'v=spf1 ip4:192.0.2.128/28 -all',
      'v=spf1 ip6:2001:db8::/32 a//64 -all',
      'v=spf1 mx -all exp=explain._spf.%{d}',
      'v=spf1 -include:ip4._spf.%{d} -include:ptr._spf.%{d} +all',
      'v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all',
      'v=spf1 redirect=_spf.example.com',
    ])
      expect([r, parseSpf(r).errors]).toEqual([r, []]);
  });

  it('§7.4 macro examples are valid macro-strings; broken ones are not', () => {
    for (const m of ['%{s}', '%{o}', '%{d}', '%{d4}', '%{d3}', '%{d2}', '%{d1}', '%{dr}', '%{d2r}', '%{l}', '%{l-}', '%{lr}', '%{lr-}', '%{l1r-}', '%{ir}.%{v}._spf.%{d2}', '%{lr-}.lp._spf.%{d2}', '%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}', '%%%_%-'])
      expect([m, macroStringError(m)]).toEqual([m, null]);
    expect(macroStringError('%{z}')).toMatch(/invalid macro/);
    expect(macroStringError('100%')).toMatch(/lone/);
  });

  it('reports unknown mechanisms, bad addresses and prefixes, duplicate redirect, missing arguments', () => {
    expect(parseSpf('v=spf1 ip4:300.1.1.1 foo:bar ip6:2001:db8::/129 a/33 include -all redirect=a.example redirect=b.example').errors).toEqual([
      '"ip4:300.1.1.1": "300.1.1.1" is not an IPv4 address',
      'unknown mechanism "foo:bar"',
      '"ip6:2001:db8::/129": prefix length must be 0-128',
      '"a/33": IPv4 prefix length must be 0-32',
      '"include": include needs a domain (include:DOMAIN)',
      '"redirect=" appears more than once',
    ]);
    expect(parseSpf('v=spf1 include:localhost -all').errors).toEqual(['"include:localhost": "localhost" is not a domain name']);
  });

  it('keeps qualifiers, CIDR lengths and modifiers', () => {
    const p = parseSpf('v=spf1 ~mx:example.org/30//64 ?ip4:192.0.2.0/24 -all exp=e.example.com');
    expect(p.terms.map((t) => (t.kind === 'mechanism' ? [t.qualifier, t.name, t.value, t.cidr4, t.cidr6] : [t.name, t.value]))).toEqual([
      ['~', 'mx', 'example.org', 30, 64],
      ['?', 'ip4', '192.0.2.0', 24, null],
      ['-', 'all', null, null, null],
      ['exp', 'e.example.com'],
    ]);
  });
});

describe('evaluation: RFC 7208 Appendix A.1 results', () => {
  it.each([
    ['v=spf1 +all', '192.0.2.200', 'pass'],
    ['v=spf1 a -all', '192.0.2.10', 'pass'],
    ['v=spf1 a -all', '192.0.2.65', 'fail'],
    ['v=spf1 a:example.org -all', '192.0.2.10', 'fail'],
    ['v=spf1 mx -all', '192.0.2.129', 'pass'],
    ['v=spf1 mx -all', '192.0.2.140', 'fail'],
    ['v=spf1 mx:example.org -all', '192.0.2.140', 'pass'],
    ['v=spf1 mx mx:example.org -all', '192.0.2.137', 'pass'],
    ['v=spf1 mx/30 mx:example.org/30 -all', '192.0.2.141', 'pass'],
    ['v=spf1 mx/30 mx:example.org/30 -all', '192.0.2.132', 'fail'],
    ['v=spf1 ip4:192.0.2.128/28 -all', '192.0.2.65', 'fail'],
    ['v=spf1 ip4:192.0.2.128/28 -all', '192.0.2.129', 'pass'],
    ['v=spf1 ~all', '192.0.2.1', 'softfail'],
    ['v=spf1 ip4:192.0.2.1', '192.0.2.2', 'neutral'],
    ['v=spf1 ptr -all', '192.0.2.65', 'unknown'],
  ])('%s for %s → %s', (record, ip, expected) => {
    expect(result(record, ip)).toBe(expected);
  });

  it('include of a domain without SPF is a permerror; redirect follows the target', () => {
    const dns = staticDns({ ...A1, 'example.com|TXT': answer.txt('v=spf1 include:none.example -all'), 'none.example|TXT': answer.txt('not spf') });
    expect(evaluateSpf(dns, 'example.com', '192.0.2.1').result).toBe('permerror');
    // §6.1: after a redirect the target is the <domain>, so a bare "mx" there means its own MX.
    const r = staticDns({ ...A1, 'example.com|TXT': answer.txt('v=spf1 redirect=_spf.example.com'), '_spf.example.com|TXT': answer.txt('v=spf1 mx:example.com -all') });
    expect(evaluateSpf(r, 'example.com', '192.0.2.129').result).toBe('pass');
    const bare = staticDns({ ...A1, 'example.com|TXT': answer.txt('v=spf1 redirect=_spf.example.com'), '_spf.example.com|TXT': answer.txt('v=spf1 mx -all') });
    expect(evaluateSpf(bare, 'example.com', '192.0.2.129').result).toBe('fail');
    expect(evaluateSpf(r, 'example.com', '192.0.2.1').result).toBe('fail');
  });
});

describe('lookup count and void lookups (§4.6.4)', () => {
  it('counts include, a, mx, ptr, exists and redirect through includes, per term', () => {
    const dns = staticDns({
      ...A1,
      'example.com|TXT': answer.txt('v=spf1 a mx include:_a.example.com ip4:192.0.2.1 redirect=_r.example.com'),
      '_a.example.com|TXT': answer.txt('v=spf1 exists:%{i}.x.example.com ptr ip6:2001:db8::1 -all'),
      '_r.example.com|TXT': answer.txt('v=spf1 mx:example.org -all'),
    });
    const w = walkSpf(dns, 'example.com');
    expect(w.lookups.map((l) => `${l.domain}:${l.term}`)).toEqual([
      'example.com:a',
      'example.com:mx',
      'example.com:include:_a.example.com',
      '_a.example.com:exists:%{i}.x.example.com',
      '_a.example.com:ptr',
      'example.com:redirect=_r.example.com',
      '_r.example.com:mx:example.org',
    ]);
    expect(w.lookups[3]!.path).toBe('example.com > _a.example.com');
    expect([w.voidLookups, w.unresolved, w.pending]).toEqual([[], [], false]);
  });

  it('11 includes exceed the limit; names without records are void; a missing include is unresolved; loops are caught', () => {
    const table: Record<string, ReturnType<typeof answer.txt>> = {
      'example.com|TXT': answer.txt(`v=spf1 ${Array.from({ length: 9 }, (_, i) => `include:i${i}.example.com`).join(' ')} a:gone.example.com include:gone2.example.com include:example.com -all`),
    };
    for (let i = 0; i < 9; i++) table[`i${i}.example.com|TXT`] = answer.txt('v=spf1 -all');
    const w = walkSpf(staticDns(table), 'example.com');
    expect(w.lookups).toHaveLength(12);
    expect(w.voidLookups.map((l) => l.term)).toEqual(['a:gone.example.com', 'include:gone2.example.com']);
    expect(w.unresolved.map((l) => `${l.term}: ${l.problem}`)).toEqual([
      'include:gone2.example.com: the domain does not exist (NXDOMAIN)',
      'include:example.com: loops back to example.com',
    ]);
  });

  it('an answer not fetched yet marks the walk pending (the collector asks and evaluates again)', () => {
    const view = staticDns({ 'example.com|TXT': answer.txt('v=spf1 include:x.example.com -all'), 'x.example.com|TXT': { kind: 'pending' } });
    expect(walkSpf(view, 'example.com').pending).toBe(true);
  });
});
