// The mail audit's lab zones: a well-configured domain, broken ones (one per kind of fault), a
// DNSBL zone listing one address, reverse zones with PTRs, an external report destination. Names
// are under .test (RFC 2606) and addresses from 192.0.2.0/24 (RFC 5737): they are DNS data only,
// nothing connects to them. DKIM keys are generated per run.
import { generateKeyPairSync } from 'node:crypto';
import { txt, type LabZone } from './dns';

/** SPKI DER of a fresh RSA public key, base64 (what p= holds). */
export function rsaPublicKeyB64(bits: number): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}

export function ed25519PublicKeyB64(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  // The last 32 bytes of the SPKI are the raw key (RFC 8463 §4 publishes the raw key).
  return publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64');
}

export const MAIL_LAB = {
  good: 'good.test',
  bad: 'bad.test',
  many: 'many.test',
  multi: 'multi.test',
  syntax: 'syntax.test',
  nomx: 'nomx.test',
  nullmx: 'nullmx.test',
  /** Its MX is a CNAME loop. */
  loop: 'loop.test',
  /** A DNSBL zone whose queries the lab relay (lab/dnsDrop.ts) drops: every lookup times out. */
  slowDnsbl: 'slow.test',
  external: 'reports.test',
  dnsbl: 'dnsbl.test',
  /** Configured without a zone file: knotd answers SERVFAIL for it. */
  servfail: 'servfail.test',
  /** Not served at all: knotd answers REFUSED. */
  refused: 'notserved.test',
  listedAddress: '192.0.2.66',
  goodMxAddress: '192.0.2.10',
} as const;

export interface MailLabZones {
  zones: LabZone[];
  brokenZones: string[];
  /** The 2048-bit key published at sel1._domainkey.good.test (base64 SPKI). */
  goodKey: string;
}

export function mailLabZones(): MailLabZones {
  const goodKey = rsaPublicKeyB64(2048);
  const key1024 = rsaPublicKeyB64(1024);
  const key512 = rsaPublicKeyB64(512);
  const L = MAIL_LAB;
  const zones: LabZone[] = [
    {
      origin: L.good,
      records: [
        '@ MX 10 mx',
        `mx A ${L.goodMxAddress}`,
        // SPF split into two character-strings (joined without a space, RFC 7208 §3.3).
        `@ TXT ${txt(['v=spf1 mx ip4:198.51.100.0/24 include:_spf.', 'good.test -all'])}`,
        '@ TXT "some-other-verification=abc"',
        `_spf TXT ${txt('v=spf1 ip4:203.0.113.5 -all')}`,
        `sel1._domainkey TXT ${txt(`v=DKIM1; k=rsa; p=${goodKey}`)}`,
        `ed._domainkey TXT ${txt(`v=DKIM1; k=ed25519; p=${ed25519PublicKeyB64()}`)}`,
        `_dmarc TXT ${txt(`v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@good.test,mailto:agg@${L.external}; adkim=s`)}`,
        `_mta-sts TXT ${txt('v=STSv1; id=20261206T000000;')}`,
        `_smtp._tls TXT ${txt('v=TLSRPTv1; rua=mailto:tls@good.test')}`,
        // sub.good.test has mail but no _dmarc of its own: the tree walk finds good.test's.
        'sub MX 10 mx.good.test.',
        // More TXT than fits a 1232-byte EDNS datagram: the answer comes truncated, then over TCP.
        ...Array.from({ length: 8 }, (_, i) => `big TXT ${txt(`${i}`.repeat(250))}`),
        `sub TXT ${txt('v=spf1 mx -all')}`,
      ],
    },
    {
      origin: L.external,
      records: [`${L.good}._report._dmarc TXT ${txt('v=DMARC1')}`, '@ TXT "v=spf1 -all"'],
    },
    {
      origin: L.bad,
      records: [
        '@ MX 10 mx',
        '@ MX 20 mx2',
        '@ MX 30 mx3',
        // An MX that is an alias, whose address is listed in the DNSBL and has no PTR.
        'mx CNAME host',
        `host A ${L.listedAddress}`,
        // An MX without address.
        'mx2 TXT "no address here"',
        // An MX whose PTR names a host that does not resolve back.
        'mx3 A 192.0.2.77',
        'elsewhere A 192.0.2.78',
        `@ TXT ${txt('v=spf1 ptr include:gone.bad.test +all')}`,
        `sel1._domainkey TXT ${txt(`v=DKIM1; k=rsa; t=y; h=sha1; p=${key1024}`)}`,
        `weak._domainkey TXT ${txt(`v=DKIM1; k=rsa; p=${key512}`)}`,
        `old._domainkey TXT ${txt('v=DKIM1; k=rsa; p=')}`,
        `broken._domainkey TXT ${txt('v=DKIM1; k=rsa; p=this is not base64!')}`,
        `_dmarc TXT ${txt(`v=DMARC1; p=none; pct=50; adkim=x; rua=mailto:dmarc@${L.external}`)}`,
        `_mta-sts TXT ${txt('v=STSv1; id=not valid!')}`,
        `_smtp._tls TXT ${txt('v=TLSRPTv1')}`,
      ],
    },
    {
      origin: L.many,
      records: [
        '@ MX 10 mx',
        'mx A 192.0.2.20',
        `@ TXT ${txt(`v=spf1 ${[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `include:inc${i}.many.test`).join(' ')} a:void1.many.test a:void2.many.test a:void3.many.test -all`)}`,
        ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `inc${i} TXT ${txt(`v=spf1 ip4:198.51.100.${i} -all`)}`),
        `_dmarc TXT ${txt('v=DMARC1; p=quarantine; rua=mailto:d@many.test')}`,
      ],
    },
    {
      origin: L.multi,
      records: [
        '@ MX 10 mx',
        'mx A 192.0.2.30',
        `@ TXT ${txt('v=spf1 mx -all')}`,
        `@ TXT ${txt('v=spf1 a -all')}`,
        `_dmarc TXT ${txt('v=DMARC1; p=reject')}`,
        `_dmarc TXT ${txt('v=DMARC1; p=none')}`,
      ],
    },
    {
      origin: L.syntax,
      records: ['@ MX 10 mx', 'mx A 192.0.2.40', `@ TXT ${txt('v=spf1 ip4:300.1.1.1 foo:bar mx -all')}`],
    },
    { origin: L.loop, records: ['@ MX 10 a', 'a CNAME b', 'b CNAME a', `@ TXT ${txt('v=spf1 -all')}`] },
    { origin: L.nomx, records: [`@ TXT ${txt('v=spf1 -all')}`, '@ A 192.0.2.50'] },
    { origin: L.nullmx, records: ['@ MX 0 .', `@ TXT ${txt('v=spf1 -all')}`, `_dmarc TXT ${txt('v=DMARC1; p=reject')}`] },
    {
      // RFC 5782: 2.0.0.127 is the test entry every list answers; 66.2.0.192 the listed MX.
      origin: L.dnsbl,
      records: ['2.0.0.127 A 127.0.0.2', `${L.listedAddress.split('.').reverse().join('.')} A 127.0.0.2`, `${L.listedAddress.split('.').reverse().join('.')} TXT "listed for the lab"`],
    },
    {
      origin: '2.0.192.in-addr.arpa',
      records: [
        `${L.goodMxAddress.split('.')[3]} PTR mx.good.test.`,
        '77 PTR wrong.bad.test.',
        '20 PTR mx.many.test.',
        '30 PTR mx.multi.test.',
        '40 PTR mx.syntax.test.',
      ],
    },
  ];
  return { zones, brokenZones: [L.servfail], goodKey };
}
