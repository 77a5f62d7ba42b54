// The mail audit's facts beyond plain DNS, against real servers in lab namespaces: the MTA-STS
// policy fetched over HTTPS (a Node HTTPS server with a throwaway CA: good, testing, redirect,
// untrusted certificate, wrong media type, no policy host), the DNSSEC AD bit through unbound
// validating a zone knotd signs (and one it does not), and the DKIM keys read over SSH from a lab
// mail host's OpenDKIM configuration (public keys computed on the host, compared with DNS p=).
// Each new check has a passing and a failing domain. Needs root, knotd and unbound; skipped
// without them unless RAMPART_LAB_REQUIRED=1 (then it fails).
// Network rule: only lab addresses (the DNS host, the mail host) are asked.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDnsPrerequisites, startLabDns, type LabDns } from '../lab/dns';
import { labHttpsRequests, type LabHttpsServer } from '../lab/httpsPolicy';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { dkimLabKeys, plantDkimSigners, POLICY_LAB, policyLabZones, startPolicyServer, type DkimLabKey } from '../lab/mailPolicy';
import { startValidatingResolver, validatingResolverPrerequisites, type LabValidatingResolver } from '../lab/validatingResolver';
import { evaluateMailDomain, type MailEvaluation } from '../src/main/mail/audit';
import { collectHostDkim, type HostDkim } from '../src/main/mail/hostDkim';
import { fetchMtaStsPolicy } from '../src/main/mail/mtaSts';
import { MailResolver } from '../src/main/mail/resolver';
import { connect, type SshConnection } from '../src/main/ssh/connection';
import { MailService } from '../src/main/mail/service';
import { saveMailDomain } from '../src/main/store/mailDomains';
import { Store } from '../src/main/store/store';

const labAvailable = (labPrerequisites().ok && labDnsPrerequisites().ok && validatingResolverPrerequisites().ok) || process.env.RAMPART_LAB_REQUIRED === '1';
const TIMEOUT_MS = 90_000;
const L = POLICY_LAB;
const PWNED = '/tmp/rampart-pwned';

let dns: LabDns;
let unbound: LabValidatingResolver;
let mailHost: LabHost;
let https: LabHttpsServer;
let caPem: string;
let caFile: string;
let keys: DkimLabKey[];
let tmp: string;

const authoritative = () => new MailResolver({ server: { address: dns.address, port: dns.port } });
const validating = () => new MailResolver({ server: { address: unbound.address, port: unbound.port } });

async function audit(domain: string, opts: { resolver?: MailResolver; hostDkim?: HostDkim; selectors?: string[] } = {}): Promise<MailEvaluation> {
  return evaluateMailDomain({ domain, selectors: opts.selectors ?? [], dnsblZones: [], resolver: opts.resolver ?? authoritative(), mtaSts: { extraCaPem: caPem, timeoutMs: 3000 }, ...(opts.hostDkim ? { hostDkim: opts.hostDkim } : {}) });
}
const status = (ev: MailEvaluation, id: string) => ev.checks.find((c) => c.checkId === id)?.status;
const findingsOf = (ev: MailEvaluation, id: string) => ev.findings.filter((f) => f.checkId === id).map((f) => `${f.severity} ${f.resource}`);
const evidenceOf = (ev: MailEvaluation, id: string) => ev.findings.filter((f) => f.checkId === id).map((f) => f.evidence).join(' | ');

describe.skipIf(!labAvailable)('mail audit: MTA-STS over HTTPS, DNSSEC AD bit, DKIM keys over SSH', () => {
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rampart-mailpolicy-'));
    rmSync(PWNED, { force: true });
    mailHost = await createLabHost({ scenario: 'hardened' });
    keys = dkimLabKeys();
    const started = await startPolicyServer(mailHost, join(tmp, 'ca'));
    https = started.server;
    caPem = started.trusted.pem;
    caFile = started.trusted.certFile;
    await plantDkimSigners(mailHost, keys);
    const zones = policyLabZones(mailHost.address, keys);
    dns = await startLabDns(zones, { signedZones: [L.signed] });
    unbound = await startValidatingResolver(dns, [L.signed, L.unsigned], [L.signed]);
  }, TIMEOUT_MS);
  afterAll(async () => {
    await dns?.stop();
    if (mailHost) await destroyLabHost(mailHost);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  describe('MTA-STS policy over HTTPS', () => {
    it('the good policy: fetched with SNI mta-sts.<domain>, parsed, every check passes', async () => {
      const ev = await audit(L.stsGood);
      for (const id of ['MAIL-MTA-STS-TXT', 'MAIL-MTA-STS-POLICY', 'MAIL-MTA-STS-MODE', 'MAIL-MTA-STS-MAX-AGE', 'MAIL-MTA-STS-MX']) expect([id, status(ev, id)]).toEqual([id, 'pass']);
      expect(ev.records.mtaStsPolicy).toMatchObject({ url: `https://mta-sts.${L.stsGood}/.well-known/mta-sts.txt`, policy: { version: 'STSv1', mode: 'enforce', maxAge: 1209600, mx: [`*.${L.stsGood}`], errors: [] } });
      expect(labHttpsRequests(https)).toContainEqual({ host: `mta-sts.${L.stsGood}`, url: '/.well-known/mta-sts.txt', sni: `mta-sts.${L.stsGood}` });
    });

    it('testing mode, max_age under a day, an MX the patterns miss', async () => {
      const ev = await audit(L.stsWeak);
      expect(status(ev, 'MAIL-MTA-STS-POLICY')).toBe('pass');
      expect(findingsOf(ev, 'MAIL-MTA-STS-MODE')).toEqual([`low mta-sts:${L.stsWeak}:mode`]);
      expect(findingsOf(ev, 'MAIL-MTA-STS-MAX-AGE')).toEqual([`low mta-sts:${L.stsWeak}:max_age`]);
      expect(findingsOf(ev, 'MAIL-MTA-STS-MX')).toEqual([`medium mta-sts:${L.stsWeak}:mx:mx2.${L.stsWeak}`]);
    });

    it('a redirect is not followed; an untrusted certificate, text/html and a missing policy host are findings', async () => {
      const [redirect, badCert, html, noHost] = await Promise.all([audit(L.stsRedirect), audit(L.stsBadCert), audit(L.stsHtml), audit(L.stsNoHost)]);
      expect(findingsOf(redirect, 'MAIL-MTA-STS-POLICY')).toEqual([`medium mta-sts:${L.stsRedirect}:policy`]);
      expect(evidenceOf(redirect, 'MAIL-MTA-STS-POLICY')).toContain(`HTTP 301 redirect to https://www.${L.stsRedirect}/mta-sts.txt`);
      expect(labHttpsRequests(https).filter((r) => r.host.includes('www.'))).toEqual([]);
      expect(evidenceOf(badCert, 'MAIL-MTA-STS-POLICY')).toMatch(/certificate is not valid/);
      expect(findingsOf(html, 'MAIL-MTA-STS-POLICY')).toEqual([`medium mta-sts:${L.stsHtml}:policy`]);
      expect(evidenceOf(noHost, 'MAIL-MTA-STS-POLICY')).toContain(`mta-sts.${L.stsNoHost}: NXDOMAIN`);
      for (const ev of [redirect, badCert, html, noHost]) expect(['MAIL-MTA-STS-MODE', 'MAIL-MTA-STS-MX'].map((id) => status(ev, id))).toEqual(['not-applicable', 'not-applicable']);
    });

    it('the body and the time are bounded: more than 64 KiB and a server that never answers are failures', async () => {
      const started = Date.now();
      const [big, slow] = await Promise.all([fetchMtaStsPolicy(L.stsBig, authoritative(), { extraCaPem: caPem, timeoutMs: 1500 }), fetchMtaStsPolicy(L.stsSlow, authoritative(), { extraCaPem: caPem, timeoutMs: 1500 })]);
      expect(big).toMatchObject({ kind: 'too-large', limitBytes: 65536 });
      expect(slow).toMatchObject({ kind: 'timeout', timeoutMs: 1500 });
      expect(Date.now() - started).toBeLessThan(6000); // both bounded by the 1.5 s timeout, run side by side
    });

    it('without the lab CA the good server is refused too (system CAs only); the policy name went through the given resolver', async () => {
      const r = authoritative();
      const f = await fetchMtaStsPolicy(L.stsGood, r, { timeoutMs: 3000 });
      expect(f.kind).toBe('certificate');
      expect(r.log.map((q) => `${q.name}|${q.type}`).sort()).toEqual([`mta-sts.${L.stsGood}|A`, `mta-sts.${L.stsGood}|AAAA`]);
    });
  });

  describe('DNSSEC through a validating resolver', () => {
    it('unbound trusts the DS read from knotd', () => {
      expect(unbound.trustAnchors.length).toBeGreaterThan(0);
      expect(unbound.trustAnchors[0]).toMatch(/^signed\.test\.\s+DS\s+\d+ 13 2 [0-9a-f]{64}$/);
    });

    it('the signed zone is validated (AD), the unsigned one not; knotd itself signs but does not validate', async () => {
      const signed = await audit(L.signed, { resolver: validating() });
      const unsigned = await audit(L.unsigned, { resolver: validating() });
      const direct = await audit(L.signed);
      expect(status(signed, 'MAIL-DNSSEC')).toBe('pass');
      expect(signed.records.dnssec).toMatchObject({ validated: true, signed: true, resolver: expect.stringContaining(unbound.resolverSpec) });
      expect(signed.records.dnssec.names.map((n) => `${n.name} ${n.type} ${n.validated}`)).toEqual([`${L.signed} TXT true`, `_25._tcp.mx.${L.signed} TLSA true`]);
      // The unsigned zone's TLSA is published but cannot be used for DANE: low, not info.
      expect(findingsOf(unsigned, 'MAIL-DNSSEC')).toEqual([`info dnssec:${L.unsigned}`, `low dnssec:_25._tcp.mx.${L.unsigned}`]);
      expect(unsigned.records.dnssec).toMatchObject({ validated: false, signed: false });
      expect(evidenceOf(unsigned, 'MAIL-DNSSEC')).toContain('the zone is not signed');
      expect(direct.records.dnssec).toMatchObject({ validated: false, signed: true });
      expect(evidenceOf(direct, 'MAIL-DNSSEC')).toContain('does not validate');
    });
  });

  describe('DKIM keys over SSH', () => {
    let conn: SshConnection;
    let ok: HostDkim;
    let bad: HostDkim;
    beforeAll(async () => {
      conn = await connect({ address: mailHost.address, port: mailHost.port, username: mailHost.user, identityFile: mailHost.identityFile }, { kind: 'accept-new', onAccept: () => undefined });
      const sudo = { mode: mailHost.user === 'root' ? ('none' as const) : ('sudo-n' as const), password: null, host: 'lab-mail' };
      ok = await collectHostDkim(conn, sudo, L.dkimOk);
      bad = await collectHostDkim(conn, sudo, L.dkimBad);
    }, TIMEOUT_MS);
    afterAll(() => conn?.close());

    it('reads the selectors and key paths from opendkim.conf, KeyTable and SigningTable; hostile paths are quoted', () => {
      expect(ok.configs).toEqual(['/etc/opendkim.conf', '/etc/rspamd/local.d/dkim_signing.conf', '/etc/opendkim/KeyTable', '/etc/opendkim/SigningTable']);
      expect(ok.keys.map((k) => [k.selector, k.keyPath, k.keyType, k.bits, k.problem])).toEqual([
        ['s2026', `/etc/opendkim/keys/${L.dkimOk}/s2026.private`, 'rsa', 2048, null],
        ['odd', L.hostileKeyPath, 'rsa', 2048, null],
      ]);
      expect(existsSync(PWNED)).toBe(false);
    });

    it('rspamd: the selector and key path of a domain block in local.d/dkim_signing.conf', async () => {
      // Through sudo -n (the login is root here, so it proves the sudo path runs the collection).
      const rs = await collectHostDkim(conn, { mode: 'sudo-n', password: null, host: 'lab-mail' }, L.dkimRspamd);
      expect(rs.keys.map((k) => [k.selector, k.source, k.config, k.keyPath, k.publicKey === keys.find((x) => x.selector === 'rs1')!.publicB64])).toEqual([
        ['rs1', 'rspamd', '/etc/rspamd/local.d/dkim_signing.conf', '/etc/rspamd/dkim/dkim-rspamd.test.rs1.key', true],
      ]);
      const ev = await audit(L.dkimRspamd, { hostDkim: rs });
      expect([status(ev, 'MAIL-DKIM-HOST-MATCH'), status(ev, 'MAIL-DKIM-HOST-DNS'), status(ev, 'MAIL-DKIM-RECORD')]).toEqual(['pass', 'pass', 'pass']);
    });

    it('only public keys come back: the SPKI of each planted key, no private key material', () => {
      for (const k of [...ok.keys, ...bad.keys].filter((x) => x.selector !== 'junk')) expect(k.publicKey).toBe(keys.find((x) => x.selector === k.selector)!.publicB64);
      expect(bad.keys.find((k) => k.selector === 'junk')).toMatchObject({ publicKey: null, problem: 'the file is not a private key openssl can read (or it is encrypted)' });
      const text = JSON.stringify([ok, bad]);
      expect(text).not.toMatch(/PRIVATE KEY/);
      for (const k of keys.filter((x) => x.selector !== 'junk')) expect(text).not.toContain(k.privatePem.split('\n')[1]!);
    });

    it('matching DNS keys pass; a stale DNS key is critical; a selector without DNS record is found', async () => {
      const good = await audit(L.dkimOk, { hostDkim: ok });
      const wrong = await audit(L.dkimBad, { hostDkim: bad });
      expect([status(good, 'MAIL-DKIM-HOST-MATCH'), status(good, 'MAIL-DKIM-HOST-DNS')]).toEqual(['pass', 'pass']);
      // The host's selectors are audited like given ones.
      expect(good.records.dkim.map((k) => [k.selector, k.bits])).toEqual([['s2026', 2048], ['odd', 2048]]);
      expect(findingsOf(wrong, 'MAIL-DKIM-HOST-MATCH')).toEqual([`critical dkim-host:stale._domainkey.${L.dkimBad}`, `high dkim-host:junk._domainkey.${L.dkimBad}`]);
      expect(findingsOf(wrong, 'MAIL-DKIM-HOST-DNS')).toEqual([`high dkim-host:nodns._domainkey.${L.dkimBad}`]);
      expect(findingsOf(wrong, 'MAIL-DKIM-RECORD')).toEqual([`high dkim:nodns._domainkey.${L.dkimBad}`]);
      expect(wrong.records.hostDkim?.keys.map((k) => k.selector)).toEqual(['stale', 'nodns', 'junk']);
    });
  });

  describe('rampart mail --host NAME (a host profile in --db)', () => {
    const REPO = resolve(import.meta.dirname, '..');
    const cli = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> =>
      promisify(execFile)(process.execPath, [join(REPO, 'bin/rampart.mjs'), 'mail', ...args], { cwd: tmp, timeout: TIMEOUT_MS, env: { ...process.env, ...env } }).then(
        (x) => ({ code: 0, out: x.stdout, err: x.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
      );
    let db: string;
    beforeAll(() => {
      db = join(tmp, 'rampart.db');
      const store = new Store(db);
      store.addHost({ name: 'lab-mail', address: mailHost.address, port: mailHost.port, username: mailHost.user, identityFile: mailHost.identityFile, sshdConfigPath: mailHost.sshdConfigPath });
      store.pinKey(mailHost.address, mailHost.port, 'ssh-ed25519', mailHost.hostKeyFingerprints['ssh-ed25519']!, false);
      store.close();
    });

    it('reads the keys over SSH through the profile: the stale key is critical (exit 1), the records show the host keys', async () => {
      const r = await cli(['--domain', L.dkimBad, '--resolver', dns.resolverSpec, '--dnsbl', L.dnsbl, '--db', db, '--host', 'lab-mail', '--format', 'json', '--fail-on', 'critical']);
      expect(r.code, r.err).toBe(1);
      const j = JSON.parse(r.out) as { findings: Array<{ checkId: string; severity: string; resource: string }>; errors: unknown[]; records: { hostDkim: HostDkim } };
      expect(j.findings.filter((f) => f.checkId.startsWith('MAIL-DKIM-HOST')).map((f) => `${f.checkId} ${f.severity} ${f.resource}`)).toEqual([
        `MAIL-DKIM-HOST-MATCH critical dkim-host:stale._domainkey.${L.dkimBad}`,
        `MAIL-DKIM-HOST-DNS high dkim-host:nodns._domainkey.${L.dkimBad}`,
        `MAIL-DKIM-HOST-MATCH high dkim-host:junk._domainkey.${L.dkimBad}`,
      ]);
      expect(j.errors).toEqual([]);
      expect(j.records.hostDkim.keys.map((k) => [k.selector, k.source])).toEqual([['stale', 'opendkim'], ['nodns', 'opendkim'], ['junk', 'opendkim']]);
      expect(r.out).not.toMatch(/PRIVATE KEY/);
    });

    it('the matching domain passes; an unknown profile is a usage-level error (exit 2)', async () => {
      const ok = await cli(['--domain', L.dkimOk, '--resolver', dns.resolverSpec, '--dnsbl', L.dnsbl, '--db', db, '--host', 'lab-mail', '--format', 'table', '--fail-on', 'critical']);
      expect(ok.code, ok.err + ok.out.split('Errors:')[1]).toBe(0);
      expect(ok.out).toContain(`DKIM on lab-mail: odd (opendkim, ${L.hostileKeyPath}): rsa 2048 bits`);
      const none = await cli(['--domain', L.dkimOk, '--resolver', dns.resolverSpec, '--db', db, '--host', 'no-such-host', '--format', 'json']);
      expect(none.code).toBe(2);
      expect(none.err).toContain('no host profile named "no-such-host"');
    });

    it('the app: a domain with a linked host profile has the host keys read for its run (MailService)', async () => {
      const store = new Store(db);
      try {
        const host = store.findHostByName('lab-mail')!;
        const d = saveMailDomain(store, null, { domain: L.dkimBad, dkimSelectors: [], expectedMx: [], resolver: dns.resolverSpec, hostId: host.id });
        const unused = { get: () => Promise.reject(new Error('no keychain in this test')), set: () => Promise.reject(new Error('no')), delete: () => Promise.resolve(false), accounts: () => Promise.resolve([]) };
        const svc = new MailService({ store, jobs: new Map(), emit: () => undefined, connect: { store, secrets: unused } });
        const run = await svc.run(d.id, 'job-mail-host');
        expect(run.findings.filter((f) => f.checkId === 'MAIL-DKIM-HOST-MATCH').map((f) => `${f.severity} ${f.resource}`)).toEqual([`critical dkim-host:stale._domainkey.${L.dkimBad}`, `high dkim-host:junk._domainkey.${L.dkimBad}`]);
        expect((run.details as { hostDkim: HostDkim }).hostDkim.host).toBe('lab-mail');
      } finally {
        store.close();
      }
    });

    it('the policy is fetched by the CLI too, trusting NODE_EXTRA_CA_CERTS (the lab CA)', async () => {
      const r = await cli(['--domain', L.stsGood, '--resolver', dns.resolverSpec, '--dnsbl', L.dnsbl, '--format', 'json', '--fail-on', 'none'], { NODE_EXTRA_CA_CERTS: caFile });
      const j = JSON.parse(r.out) as { checks: Array<{ checkId: string; status: string }>; records: { mtaStsPolicy: { policy: { mode: string } } } };
      expect(j.checks.filter((c) => c.checkId.startsWith('MAIL-MTA-STS')).map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
      expect(j.records.mtaStsPolicy.policy.mode).toBe('enforce');
      const untrusted = await cli(['--domain', L.stsGood, '--resolver', dns.resolverSpec, '--dnsbl', L.dnsbl, '--format', 'json', '--fail-on', 'none']);
      expect((JSON.parse(untrusted.out) as { findings: Array<{ checkId: string }> }).findings.map((f) => f.checkId)).toContain('MAIL-MTA-STS-POLICY');
    });
  });
});
