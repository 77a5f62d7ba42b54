// The resolver's reading of answers (packets built with dns-packet as a server would send them)
// and its input parsing. The wire path is tested against a real server in test/mail-dns.lab.test.ts.
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { expandIpv6, interpret, parseResolverSpec, reverseName } from './resolver';

function response(rcode: number, answers: dnsPacket.Answer[], name = 'example.com', type: dnsPacket.RecordType = 'TXT'): dnsPacket.DecodedPacket {
  const buf = dnsPacket.encode({ type: 'response', id: 1, flags: dnsPacket.RECURSION_DESIRED | rcode, questions: [{ name, type, class: 'IN' }], answers });
  return dnsPacket.decode(buf);
}

describe('interpret', () => {
  it('NXDOMAIN, NODATA, SERVFAIL and REFUSED are told apart', () => {
    expect(interpret(response(3, []), 'example.com', 'TXT').kind).toBe('nxdomain');
    expect(interpret(response(0, []), 'example.com', 'TXT').kind).toBe('nodata');
    expect(interpret(response(2, []), 'example.com', 'TXT')).toMatchObject({ kind: 'error', code: 'SERVFAIL' });
    expect(interpret(response(5, []), 'example.com', 'TXT')).toMatchObject({ kind: 'error', code: 'REFUSED' });
  });

  it('TXT character-strings are joined without a separator, each record kept apart', () => {
    const r = interpret(response(0, [{ name: 'example.com', type: 'TXT', data: ['v=spf1 ip4:192.0.2.1 ', 'include:_spf.example.com -all'] }, { name: 'example.com', type: 'TXT', data: 'other' }]), 'example.com', 'TXT');
    expect(r).toMatchObject({ kind: 'answer', data: ['v=spf1 ip4:192.0.2.1 include:_spf.example.com -all', 'other'], txtStrings: [['v=spf1 ip4:192.0.2.1 ', 'include:_spf.example.com -all'], ['other']] });
  });

  it('follows the CNAME chain of the answer; NODATA at the target keeps the aliases', () => {
    const r = interpret(
      response(0, [{ name: 'mx.example.com', type: 'CNAME', data: 'host.example.com' }, { name: 'host.example.com', type: 'A', data: '192.0.2.1' }], 'mx.example.com', 'A'),
      'mx.example.com',
      'A',
    );
    expect(r).toEqual({ kind: 'answer', data: ['192.0.2.1'], aliases: ['host.example.com'] });
    const nd = interpret(response(0, [{ name: 'mx.example.com', type: 'CNAME', data: 'host.example.com' }], 'mx.example.com', 'A'), 'mx.example.com', 'A');
    expect(nd).toEqual({ kind: 'nodata', aliases: ['host.example.com'] });
  });

  it('MX sorted by preference; null MX kept as an empty exchange', () => {
    const r = interpret(response(0, [{ name: 'example.com', type: 'MX', data: { preference: 20, exchange: 'b.example.com' } }, { name: 'example.com', type: 'MX', data: { preference: 10, exchange: 'a.example.com' } }], 'example.com', 'MX'), 'example.com', 'MX');
    expect(r).toMatchObject({ data: ['10 a.example.com', '20 b.example.com'] });
    const n = interpret(response(0, [{ name: 'example.com', type: 'MX', data: { preference: 0, exchange: '.' } }], 'example.com', 'MX'), 'example.com', 'MX');
    expect(n).toMatchObject({ mx: [{ preference: 0, exchange: '' }] });
  });
});

describe('names and specs', () => {
  it('reverse names (RFC 1035 §3.5, RFC 3596 §2.5)', () => {
    expect(reverseName('192.0.2.1')).toBe('1.2.0.192.in-addr.arpa');
    expect(reverseName('2001:db8::567:89ab')).toBe('b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(expandIpv6('::1')).toBe('0000:0000:0000:0000:0000:0000:0000:0001');
  });

  it('--resolver IP[:PORT]', () => {
    expect(parseResolverSpec('10.213.0.2')).toEqual({ address: '10.213.0.2', port: 53 });
    expect(parseResolverSpec('10.213.0.2:5353')).toEqual({ address: '10.213.0.2', port: 5353 });
    expect(parseResolverSpec('[::1]:53')).toEqual({ address: '::1', port: 53 });
    expect(parseResolverSpec('::1')).toEqual({ address: '::1', port: 53 });
    expect(() => parseResolverSpec('dns.example.com')).toThrow(/not IP/);
    expect(() => parseResolverSpec('10.0.0.1:99999')).toThrow(/between 1 and 65535/);
  });
});
