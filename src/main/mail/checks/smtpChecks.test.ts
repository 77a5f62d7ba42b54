// The SMTP/TLS checks over fixed probe facts and DNS answers (the lab test runs them against real
// Postfix and openssl servers): each outcome, severities by port, and what happens before and
// without the probes.
import { describe, expect, it } from 'vitest';
import { answer, staticDns } from '../dnsView';
import type { DnsResult } from '../resolver';
import { planSmtpTargets, unprobeable, type PortProbe, type RelayProbe, type SmtpFacts } from '../smtpFacts';
import { MAIL_CHECKS } from './index';
import type { MailContext } from './types';

const SMTP_CHECKS = ['MAIL-SMTP-REACHABLE', 'MAIL-TLS-AVAILABLE', 'MAIL-TLS-CHAIN', 'MAIL-TLS-EXPIRY', 'MAIL-TLS-NAME', 'MAIL-TLS-LEGACY-VERSIONS', 'MAIL-TLS-WEAK-CIPHERS', 'MAIL-SMTP-BANNER', 'MAIL-DANE-TLSA', 'MAIL-SMTP-OPEN-RELAY'];
const check = (id: string) => MAIL_CHECKS.find((c) => c.id === id)!;
const NOW = '2026-12-06T00:00:00.000Z';
const MX = 'mx.example.com';
const ADDR = '10.0.0.25';

const dnsTable = (over: Record<string, DnsResult> = {}) =>
  staticDns({
    'example.com|MX': answer.mx([10, MX]),
    [`${MX}|A`]: answer.addr(ADDR),
    [`${MX}|AAAA`]: answer.nodata(),
    '25.0.0.10.in-addr.arpa|PTR': answer.names(MX),
    [`_25._tcp.${MX}|TLSA`]: answer.nodata(),
    ...over,
  });

function port(p: number, over: Partial<PortProbe> = {}): PortProbe {
  return {
    host: MX,
    address: ADDR,
    port: p,
    source: 'mx',
    byAddress: false,
    relay: false,
    mode: p === 465 || p === 993 || p === 995 ? 'implicit' : 'starttls',
    state: 'tls',
    message: null,
    greeting: p === 993 || p === 995 ? null : `${MX} ESMTP Postfix`,
    ehlo: ['STARTTLS'],
    tls: {
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384',
      authorized: true,
      authorizationError: null,
      nameMatch: true,
      nameError: null,
      chain: [{ subject: MX, altNames: [`DNS:${MX}`], issuer: 'CA', notBefore: '2026-11-01T00:00:00.000Z', notAfter: '2027-03-01T00:00:00.000Z', sha256: 'aa', der: '' }],
    },
    legacy: { 'TLSv1': { result: 'refused', message: 'no' }, 'TLSv1.1': { result: 'refused', message: 'no' } },
    weakCiphers: { result: 'refused', message: 'no' },
    ms: 10,
    ...over,
  };
}

const goodPorts = () => [25, 465, 587, 993, 995].map((p) => port(p));
const ctx = (facts: Partial<SmtpFacts> | null, over: Partial<NonNullable<MailContext['smtp']>> = {}): MailContext => ({
  domain: 'example.com',
  selectors: [],
  dnsblZones: [],
  resolverLabel: 'test',
  smtp: { named: [], relayTest: false, facts: facts === null ? null : { probedAt: NOW, ports: goodPorts(), relay: [], skipped: [], unresolved: [], ...facts }, ...over },
});
const run = (id: string, c: MailContext, dns = dnsTable()) => check(id).evaluate(dns, c);
const findings = (id: string, c: MailContext, dns = dnsTable()) => {
  const o = run(id, c, dns);
  return o.status === 'fail' ? o.findings.map((f) => `${f.severity} ${f.resource}`) : o.status;
};
const withLeaf = (p: number, leaf: Partial<NonNullable<PortProbe['tls']>['chain'][number]>, tls: Partial<NonNullable<PortProbe['tls']>> = {}) => {
  const base = port(p);
  return port(p, { tls: { ...base.tls!, ...tls, chain: [{ ...base.tls!.chain[0]!, ...leaf }] } });
};

describe('before and without the probes', () => {
  it.each(SMTP_CHECKS)('%s: not applicable when the probes are off, an error until they ran', (id) => {
    const off: MailContext = { ...ctx(null), smtp: undefined };
    expect(run(id, off).status).toBe('not-applicable');
    expect(run(id, ctx(null)).status).toBe(id === 'MAIL-SMTP-OPEN-RELAY' ? 'not-applicable' : 'error');
  });

  it('the plan: every MX address on every mail port; documentation addresses are never probed', () => {
    const p = planSmtpTargets(dnsTable(), ctx(null));
    expect('plan' in p && p.plan.targets.map((t) => `${t.host} ${t.address}:${t.port}`)).toEqual([25, 465, 587, 993, 995].map((n) => `${MX} ${ADDR}:${n}`));
    const doc = dnsTable({ [`${MX}|A`]: answer.addr('192.0.2.10') });
    const q = planSmtpTargets(doc, ctx(null));
    expect('plan' in q && [q.plan.targets, q.plan.skipped]).toEqual([[], [{ host: MX, address: '192.0.2.10', reason: 'a documentation address (RFC 5737 / RFC 3849), not a real server' }]]);
    expect(run('MAIL-TLS-CHAIN', ctx({ ports: [] }), doc)).toEqual({ status: 'not-applicable', message: `not probed: ${MX} 192.0.2.10 is a documentation address (RFC 5737 / RFC 3849), not a real server` });
    expect([unprobeable('2001:db8::5'), unprobeable('224.0.0.1'), unprobeable('10.213.0.2')]).toEqual(['a documentation address (RFC 5737 / RFC 3849), not a real server', 'not a unicast address', null]);
  });

  it('named hosts: by name through the DNS, by address as given; the relay test on the port named (else 25)', () => {
    const c = ctx(null, { named: [{ host: 'smtp.example.com', port: null }, { host: '10.0.0.9', port: 2525 }], relayTest: true });
    const p = planSmtpTargets(dnsTable({ 'smtp.example.com|A': answer.addr('10.0.0.8') }), c);
    const named = 'plan' in p ? p.plan.targets.filter((t) => t.source === 'named').map((t) => `${t.host} ${t.address}:${t.port}${t.relay ? ' relay' : ''}${t.byAddress ? ' by-address' : ''}`) : [];
    expect(named).toEqual(['smtp.example.com 10.0.0.8:25 relay', 'smtp.example.com 10.0.0.8:465', 'smtp.example.com 10.0.0.8:587', 'smtp.example.com 10.0.0.8:993', 'smtp.example.com 10.0.0.8:995', '10.0.0.9 10.0.0.9:2525 relay by-address']);
    // A named host without an address is an error of the run, not silence.
    const unresolved = ctx({ unresolved: [{ host: 'gone.example.com', reason: 'NXDOMAIN' }] }, { named: [{ host: 'gone.example.com', port: null }], relayTest: true });
    expect(run('MAIL-TLS-AVAILABLE', unresolved)).toMatchObject({ status: 'error', message: expect.stringContaining('--smtp-host gone.example.com: no address') });
    expect(run('MAIL-SMTP-OPEN-RELAY', unresolved)).toMatchObject({ status: 'error', message: expect.stringContaining('relay test not made') });
  });
});

describe('each check passes on a good server and fails on a bad one', () => {
  it('every check passes on good ports', () => {
    for (const id of SMTP_CHECKS.filter((i) => i !== 'MAIL-DANE-TLSA' && i !== 'MAIL-SMTP-OPEN-RELAY')) expect([id, run(id, ctx({})).status]).toEqual([id, 'pass']);
  });

  it('reachability: port 25 closed is information; other closed ports are not findings', () => {
    const c = ctx({ ports: [port(25, { state: 'timeout', message: 'no connection within 5000 ms', tls: null }), port(995, { state: 'closed', tls: null })] });
    expect(findings('MAIL-SMTP-REACHABLE', c)).toEqual([`info smtp:${MX}/${ADDR}:25`]);
    expect(run('MAIL-TLS-CHAIN', c)).toEqual({ status: 'not-applicable', message: 'no TLS handshake succeeded' });
  });

  it('TLS available: no STARTTLS, failed handshake, refused session', () => {
    const c = ctx({ ports: [port(25, { state: 'no-starttls', tls: null }), port(465, { state: 'tls-failed', tls: null }), port(587, { state: 'smtp-error', tls: null })] });
    expect(findings('MAIL-TLS-AVAILABLE', c)).toEqual([`high tls:${MX}/${ADDR}:25`, `high tls:${MX}/${ADDR}:465`, `medium tls:${MX}/${ADDR}:587`]);
  });

  it('chain: untrusted is medium on 25 and high elsewhere; an expired chain is left to the expiry check', () => {
    const bad = { authorized: false, authorizationError: 'SELF_SIGNED_CERT_IN_CHAIN' };
    expect(findings('MAIL-TLS-CHAIN', ctx({ ports: [withLeaf(25, {}, bad), withLeaf(993, {}, bad)] }))).toEqual([`medium tls:${MX}/${ADDR}:25`, `high tls:${MX}/${ADDR}:993`]);
    expect(run('MAIL-TLS-CHAIN', ctx({ ports: [withLeaf(25, {}, { authorized: false, authorizationError: 'CERT_HAS_EXPIRED' })] })).status).toBe('pass');
  });

  it('expiry: expired and not yet valid are high, under 30 days medium, judged at the probe time', () => {
    const c = ctx({
      ports: [withLeaf(25, { notAfter: '2026-12-01T00:00:00.000Z' }), withLeaf(465, { notBefore: '2026-12-10T00:00:00.000Z' }), withLeaf(587, { notAfter: '2026-12-16T00:00:00.000Z' }), withLeaf(993, { notAfter: '2027-01-10T00:00:00.000Z' })],
    });
    const o = run('MAIL-TLS-EXPIRY', c);
    expect(o.status === 'fail' && o.findings.map((f) => `${f.severity} ${f.title}: ${f.evidence}`)).toEqual([
      `high Mail server certificate has expired: ${MX} ${ADDR}:25: certificate "${MX}" expired on 2026-12-01T00:00:00.000Z (5 days ago)`,
      `high Mail server certificate is not valid yet: ${MX} ${ADDR}:465: certificate "${MX}" is valid from 2026-12-10T00:00:00.000Z`,
      `medium Mail server certificate expires soon: ${MX} ${ADDR}:587: certificate "${MX}" expires on 2026-12-16T00:00:00.000Z (in 10 days)`,
    ]);
  });

  it('name: a mismatch is medium on 25, high elsewhere; hosts given by address are not name-checked', () => {
    const wrong = { nameMatch: false, nameError: "Host: mx.example.com. is not in the cert's altnames: DNS:other.example" };
    expect(findings('MAIL-TLS-NAME', ctx({ ports: [withLeaf(25, {}, wrong), withLeaf(465, {}, wrong)] }))).toEqual([`medium tls:${MX}/${ADDR}:25`, `high tls:${MX}/${ADDR}:465`]);
    expect(run('MAIL-TLS-NAME', ctx({ ports: [withLeaf(25, {}, { nameMatch: null })] })).status).toBe('not-applicable');
  });

  it('legacy versions and weak ciphers: accepted fails, undecidable is an error; aNULL on 25 is low', () => {
    const accepted = { result: 'accepted' as const, protocol: 'TLSv1', cipher: 'ECDHE-ECDSA-AES256-SHA' };
    expect(findings('MAIL-TLS-LEGACY-VERSIONS', ctx({ ports: [port(995, { legacy: { 'TLSv1': accepted, 'TLSv1.1': { result: 'refused', message: 'alert' } } })] }))).toEqual([`medium tls:${MX}/${ADDR}:995`]);
    expect(run('MAIL-TLS-LEGACY-VERSIONS', ctx({ ports: [port(25, { legacy: { 'TLSv1': { result: 'error', message: 'timeout' }, 'TLSv1.1': { result: 'refused', message: 'alert' } } })] })).status).toBe('error');
    const anon = { result: 'accepted' as const, protocol: 'TLSv1.2', cipher: 'TLS_DH_anon_WITH_AES_256_GCM_SHA384' };
    expect(findings('MAIL-TLS-WEAK-CIPHERS', ctx({ ports: [port(25, { weakCiphers: anon }), port(465, { weakCiphers: anon })] }))).toEqual([`low tls:${MX}/${ADDR}:25`, `high tls:${MX}/${ADDR}:465`]);
  });

  it('banner: compared with the forward-confirmed PTR name, else the MX name', () => {
    const other = ctx({ ports: [port(25, { greeting: 'smtp.elsewhere.example ESMTP' })] });
    const o = run('MAIL-SMTP-BANNER', other);
    expect(o.status === 'fail' && o.findings.map((f) => f.evidence)).toEqual([`${MX} ${ADDR}:25: the greeting names "smtp.elsewhere.example" ("220 smtp.elsewhere.example ESMTP"); the address's forward-confirmed name is ${MX}`]);
    // The PTR points elsewhere and resolves back: that name is the one the greeting must use.
    const ptrElsewhere = dnsTable({ '25.0.0.10.in-addr.arpa|PTR': answer.names('host7.provider.example'), 'host7.provider.example|A': answer.addr(ADDR) });
    expect(findings('MAIL-SMTP-BANNER', ctx({}), ptrElsewhere)).toEqual([`low smtp-banner:${MX}/${ADDR}`]);
    expect(run('MAIL-SMTP-BANNER', ctx({ ports: [port(25, { greeting: 'host7.provider.example ESMTP' })] }), ptrElsewhere).status).toBe('pass');
    // No PTR at all: the MX name is what the greeting should say.
    expect(run('MAIL-SMTP-BANNER', ctx({}), dnsTable({ '25.0.0.10.in-addr.arpa|PTR': answer.nxdomain() })).status).toBe('pass');
  });

  it('DANE: no TLSA is information; unusable records; TLSA without STARTTLS is high; a lookup failure is an error', () => {
    expect(findings('MAIL-DANE-TLSA', ctx({}))).toEqual([`info dane:${MX}`]);
    const pkix = dnsTable({ [`_25._tcp.${MX}|TLSA`]: answer.names(`1 1 1 ${'ab'.repeat(32)}`) });
    expect(findings('MAIL-DANE-TLSA', ctx({}), pkix)).toEqual([`medium dane:${MX}`]);
    const dane = dnsTable({ [`_25._tcp.${MX}|TLSA`]: answer.names(`3 1 1 ${'ab'.repeat(32)}`) });
    expect(findings('MAIL-DANE-TLSA', ctx({ ports: [port(25, { state: 'no-starttls', tls: null })] }), dane)).toEqual([`high dane:${MX}:${ADDR}`]);
    expect(run('MAIL-DANE-TLSA', ctx({ ports: [port(25, { state: 'timeout', tls: null })] }), dane).status).toBe('not-applicable');
    expect(run('MAIL-DANE-TLSA', ctx({}), dnsTable({ [`_25._tcp.${MX}|TLSA`]: answer.error('SERVFAIL') })).status).toBe('error');
  });

  it('open relay: relayed is critical, refused passes, inconclusive is an error, not asked is not applicable', () => {
    const relay = (verdict: RelayProbe['verdict']): RelayProbe => ({ host: MX, address: ADDR, port: 25, verdict, message: verdict, transcript: ['C: RCPT TO:<x@example.net>', 'S: 250 2.1.5 Ok'] });
    const asked = (v: RelayProbe['verdict']) => ctx({ relay: [relay(v)] }, { relayTest: true, named: [{ host: MX, port: null }] });
    expect(findings('MAIL-SMTP-OPEN-RELAY', asked('relayed'))).toEqual([`critical relay:${MX}/${ADDR}:25`]);
    expect(run('MAIL-SMTP-OPEN-RELAY', asked('refused')).status).toBe('pass');
    expect(run('MAIL-SMTP-OPEN-RELAY', asked('inconclusive')).status).toBe('error');
    expect(run('MAIL-SMTP-OPEN-RELAY', ctx({}))).toEqual({ status: 'not-applicable', message: 'not requested (--open-relay-test)' });
  });
});
