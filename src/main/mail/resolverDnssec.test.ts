// The resolver asks for DNSSEC status (AD and DO set in every query) and keeps what came back: the
// AD bit and whether signatures were in the answer. A loopback UDP server answers as a validating
// resolver would (the real one, unbound, is in test/mail-policy.lab.test.ts).
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailResolver } from './resolver';

let server: dgram.Socket;
let port: number;
const seen: dnsPacket.DecodedPacket[] = [];

beforeAll(async () => {
  server = dgram.createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    seen.push(q);
    const name = q.questions![0]!.name;
    const validated = name.startsWith('signed.');
    const answers: dnsPacket.Answer[] = [{ type: 'TXT', name, ttl: 60, data: 'v=spf1 -all' }];
    if (!name.startsWith('plain.'))
      answers.push({
        type: 'RRSIG',
        name,
        ttl: 60,
        data: { typeCovered: 'TXT', algorithm: 13, labels: 2, originalTTL: 60, expiration: 2000000000, inception: 1700000000, keyTag: 1, signersName: name, signature: Buffer.alloc(64) },
      });
    const res = dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (validated ? dnsPacket.AUTHENTIC_DATA : 0), questions: q.questions, answers });
    server.send(res, rinfo.port, rinfo.address);
  });
  await new Promise<void>((ok) => server.bind(0, '127.0.0.1', ok));
  port = server.address().port;
});
afterAll(() => server.close());

describe('DNSSEC flags', () => {
  it('every query sets AD and DO (EDNS); the AD bit and RRSIGs of the answer are kept', async () => {
    const r = new MailResolver({ server: { address: '127.0.0.1', port }, timeoutMs: 1000 });
    const [signed, unvalidated, plain] = await Promise.all([r.query('signed.example', 'TXT'), r.query('unvalidated.example', 'TXT'), r.query('plain.example', 'TXT')]);
    expect(seen.every((q) => q.flag_ad && (q.additionals ?? []).some((a) => a.type === 'OPT' && (a as { flag_do?: boolean }).flag_do))).toBe(true);
    expect(seen.length).toBe(3);
    expect(signed).toMatchObject({ kind: 'answer', ad: true, rrsig: true, data: ['v=spf1 -all'] });
    expect(unvalidated).toMatchObject({ kind: 'answer', rrsig: true });
    expect('ad' in unvalidated).toBe(false);
    expect(plain).toEqual({ kind: 'answer', data: ['v=spf1 -all'], txtStrings: [['v=spf1 -all']], aliases: [] });
  });
});
