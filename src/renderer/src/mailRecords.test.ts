// The SPF per-term counts the mail run view shows next to each record of the lookup tree, on the
// record forms of RFC 7208 (§5 mechanisms with domain-spec and CIDR, §6 modifiers, qualifiers).
import { describe, expect, it } from 'vitest';
import { humanize, spfTermCounts } from './mailRecords';

describe('spfTermCounts', () => {
  it('counts the DNS-querying terms, whatever their qualifier, domain-spec or CIDR length', () => {
    expect(spfTermCounts('v=spf1 mx ip4:198.51.100.0/24 include:_spf.example.org -all')).toEqual([
      ['include', 1],
      ['mx', 1],
    ]);
    expect(spfTermCounts('v=spf1 +a/24 -a:mail.example.org ~mx:example.org/30//64 ?ptr exists:%{i}._spf.example.org include:a.example include:b.example -all')).toEqual([
      ['include', 2],
      ['a', 2],
      ['mx', 1],
      ['ptr', 1],
      ['exists', 1],
    ]);
  });

  it('redirect= costs a lookup; exp= and unknown modifiers do not; ip4/ip6/all never do', () => {
    expect(spfTermCounts('v=spf1 redirect=_spf.example.org')).toEqual([['redirect', 1]]);
    expect(spfTermCounts('v=spf1 ip4:192.0.2.1 ip6:2001:db8::/32 exp=explain._spf.%{d} foo=bar -all')).toEqual([]);
  });

  it('is case-insensitive and ignores extra spaces; a record with no terms has none', () => {
    expect(spfTermCounts('  v=spf1   INCLUDE:Example.ORG   MX  ')).toEqual([
      ['include', 1],
      ['mx', 1],
    ]);
    expect(spfTermCounts('v=spf1')).toEqual([]);
  });
});

describe('humanize', () => {
  it('names known sections and turns unknown keys into words', () => {
    expect(humanize('mtaSts')).toBe('MTA-STS');
    expect(humanize('smtp')).toBe('SMTP and TLS per port');
    expect(humanize('tlsPerPort')).toBe('Tls per port');
    expect(humanize('probedAt')).toBe('Probed at');
    expect(humanize('dane_tlsa')).toBe('Dane tlsa');
  });
});
