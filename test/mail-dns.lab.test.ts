// The mail domain audit against a real authoritative DNS server (Knot DNS in a lab namespace,
// lab/dns.ts, zones in lab/dnsMail.ts): the resolver's answers (NXDOMAIN, NODATA, REFUSED,
// SERVFAIL, timeouts, TXT strings, TCP after truncation, no repeated query), each check with a
// passing and a failing domain, and `rampart mail --resolver` run as a process (JSON contract,
// exit codes, not-implemented options, stored runs, diff, triage).
// Needs root and knotd; skipped without them unless RAMPART_LAB_REQUIRED=1 (then it fails).
// Network rule: only the lab server's address and 127.0.0.1 (a relay to it, lab/dnsDrop.ts) are asked.
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDnsPrerequisites, startLabDns, type LabDns } from '../lab/dns';
import { startDnsDropRelay } from '../lab/dnsDrop';
import { MAIL_LAB, mailLabZones } from '../lab/dnsMail';
import { labPrerequisites } from '../lab/lab';
import { mustRun, runCommand } from '../lab/proc';
import { allocateSubnet } from '../lab/subnets';
import { evaluateMailDomain, type MailEvaluation } from '../src/main/mail/audit';
import { MAIL_CHECKS } from '../src/main/mail/checks';
import { MailResolver } from '../src/main/mail/resolver';
import { Store } from '../src/main/store/store';

const labAvailable = (labPrerequisites().ok && labDnsPrerequisites().ok) || process.env.RAMPART_LAB_REQUIRED === '1';
const REPO = resolve(import.meta.dirname, '..');
const TIMEOUT_MS = 60_000;
const L = MAIL_LAB;

let dns: LabDns;
let tmp: string;

const resolverFor = (timeoutMs = 2000) => new MailResolver({ server: { address: dns.address, port: dns.port }, timeoutMs });

async function audit(domain: string, opts: { selectors?: string[]; dnsbl?: string[] } = {}): Promise<MailEvaluation & { resolver: MailResolver }> {
  const resolver = resolverFor();
  // DNS only: the MTA-STS policy over HTTPS is test/mail-policy.lab.test.ts's (good.test has no policy host).
  const ev = await evaluateMailDomain({ domain, selectors: opts.selectors ?? [], dnsblZones: opts.dnsbl ?? [L.dnsbl], resolver, mtaSts: false });
  return { ...ev, resolver };
}

const status = (ev: MailEvaluation, id: string) => ev.checks.find((c) => c.checkId === id)?.status;
const findingsOf = (ev: MailEvaluation, id: string) => ev.findings.filter((f) => f.checkId === id).map((f) => `${f.severity} ${f.resource}: ${f.evidence}`);

describe.skipIf(!labAvailable)('mail DNS audit against a real Knot DNS', () => {
  beforeAll(async () => {
    const z = mailLabZones();
    dns = await startLabDns(z.zones, { brokenZones: z.brokenZones });
    tmp = mkdtempSync(join(tmpdir(), 'rampart-mail-'));
  }, TIMEOUT_MS);
  afterAll(async () => {
    await dns?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  describe('resolver', () => {
    it('NXDOMAIN, NODATA, REFUSED and SERVFAIL as the server said them', async () => {
      const r = resolverFor();
      expect((await r.query('nothing.good.test', 'TXT')).kind).toBe('nxdomain');
      expect((await r.query('mx.good.test', 'TXT')).kind).toBe('nodata');
      expect(await r.query(`x.${L.refused}`, 'A')).toMatchObject({ kind: 'error', code: 'REFUSED' });
      expect(await r.query(`x.${L.servfail}`, 'A')).toMatchObject({ kind: 'error', code: 'SERVFAIL' });
    });

    it('TXT split into strings is joined without a separator; a 2048-bit DKIM key arrives whole', async () => {
      const r = resolverFor();
      const spf = await r.query(L.good, 'TXT');
      expect(spf.kind === 'answer' && spf.txtStrings).toContainEqual(['v=spf1 mx ip4:198.51.100.0/24 include:_spf.', 'good.test -all']);
      expect(spf.kind === 'answer' && spf.data).toContain('v=spf1 mx ip4:198.51.100.0/24 include:_spf.good.test -all');
      const key = await r.query(`sel1._domainkey.${L.good}`, 'TXT');
      expect(key.kind === 'answer' && key.txtStrings![0]!.length).toBeGreaterThan(1);
    });

    it('an answer too big for UDP is asked again over TCP', async () => {
      const r = resolverFor();
      const big = await r.query(`big.${L.good}`, 'TXT');
      expect(big.kind === 'answer' && big.data.length).toBe(8);
      expect(r.packetsSent).toBe(2); // the truncated datagram, then the TCP exchange
    });

    it('a CNAME is followed and reported; the same question is never sent twice', async () => {
      const r = resolverFor();
      const [a, b] = await Promise.all([r.query('mx.bad.test', 'A'), r.query('MX.bad.test.', 'A')]);
      expect(a).toEqual({ kind: 'answer', data: [L.listedAddress], aliases: ['host.bad.test'] });
      expect(b).toBe(a);
      expect([r.queryCount, r.packetsSent]).toEqual([1, 1]);
    });

    it('a server that never answers is a TIMEOUT; a closed port a NETWORK error', async () => {
      const silent = dgram.createSocket('udp4');
      await new Promise<void>((ok) => silent.bind(0, '127.0.0.1', ok));
      try {
        const r = new MailResolver({ server: { address: '127.0.0.1', port: silent.address().port }, timeoutMs: 200, attempts: 2 });
        expect(await r.query(L.good, 'TXT')).toMatchObject({ kind: 'error', code: 'TIMEOUT' });
        expect(r.packetsSent).toBe(2);
      } finally {
        silent.close();
      }
      const closed = dgram.createSocket('udp4');
      await new Promise<void>((ok) => closed.bind(0, '127.0.0.1', ok));
      const port = closed.address().port;
      closed.close();
      const r = new MailResolver({ server: { address: '127.0.0.1', port }, timeoutMs: 1000 });
      expect(await r.query(L.good, 'TXT')).toMatchObject({ kind: 'error', code: 'NETWORK' });
    });

    it('a server with no route to it is a NETWORK error, not a crash (the UDP connect fails before any send)', async () => {
      // A lab /30 with an `unreachable` route: connect() of the UDP socket fails at once
      // (EHOSTUNREACH); Node hands that to connect's callback, where sending would throw.
      const subnet = await allocateSubnet(`resolver-unreachable-${process.pid}`, 'link');
      const prefix = `${subnet.network}/30`;
      await mustRun('ip', ['route', 'add', 'unreachable', prefix]);
      try {
        const r = new MailResolver({ server: { address: subnet.hostAddress, port: 53 }, timeoutMs: 1000, attempts: 1 });
        const res = await r.query(L.good, 'TXT');
        expect(res).toMatchObject({ kind: 'error', code: 'NETWORK' });
        expect(JSON.stringify(res)).toMatch(/EHOSTUNREACH|ENETUNREACH/);
      } finally {
        await runCommand('ip', ['route', 'del', 'unreachable', prefix]);
        rmSync(subnet.lockPath, { force: true });
      }
    });
  });

  describe('checks: a passing and a failing domain each', () => {
    let good: MailEvaluation;
    let bad: MailEvaluation;
    beforeAll(async () => {
      good = await audit(L.good, { selectors: ['sel1', 'ed'] });
      bad = await audit(L.bad, { selectors: ['sel1', 'weak', 'old', 'broken', 'nosuch'] });
    }, TIMEOUT_MS);

    it('the records as parsed: SPF tree with counts, DKIM key sizes, DMARC tags, MX with FCrDNS', () => {
      const r = good.records;
      expect(r.spf).toMatchObject({ lookups: 2, voidLookups: 0, lookupLimit: 10 });
      expect(r.spf.tree).toEqual({
        domain: 'good.test',
        record: 'v=spf1 mx ip4:198.51.100.0/24 include:_spf.good.test -all',
        problem: null,
        lookups: 2,
        children: [{ domain: '_spf.good.test', record: 'v=spf1 ip4:203.0.113.5 -all', problem: null, lookups: 0, children: [] }],
      });
      expect(r.dkim.map((k) => [k.selector, k.keyType, k.bits])).toEqual([
        ['sel1', 'rsa', 2048],
        ['ed', 'ed25519', 256],
      ]);
      expect(r.dmarc).toMatchObject({ foundAt: '_dmarc.good.test', tags: { p: 'reject', sp: 'quarantine', adkim: 's', aspf: 'r', rua: ['mailto:dmarc@good.test', `mailto:agg@${L.external}`] } });
      expect(r.mx.hosts).toEqual([{ preference: 10, exchange: 'mx.good.test', cname: null, problem: null, addresses: [{ address: L.goodMxAddress, ptr: ['mx.good.test'], forwardConfirmed: true }] }]);
      expect(r.dnsbl).toEqual([{ address: L.goodMxAddress, zone: L.dnsbl, verdict: 'not listed' }]);
    });

    it('the good domain passes every check', () => {
      // Not applicable here: what needs more than DNS (policy fetch off, no host linked…). Knot is
      // authoritative and does not validate: DNSSEC is an info finding.
      expect(good.checks.filter((c) => c.status !== 'pass' && c.status !== 'not-applicable').map((c) => `${c.checkId} ${c.status}`)).toEqual(['MAIL-DMARC-POLICY fail', 'MAIL-DNSSEC fail']);
      expect(good.findings.map((f) => `${f.severity} ${f.resource}`)).toEqual(['low dmarc:good.test:sp', 'info dnssec:good.test']);
      expect(good.errors).toEqual([]);
    });

    it('every check of the catalog is exercised', () => {
      expect(good.checks.map((c) => c.checkId)).toEqual(MAIL_CHECKS.map((c) => c.id));
    });

    it('SPF: +all, ptr, an include that does not exist', () => {
      expect(findingsOf(bad, 'MAIL-SPF-ALL')).toEqual(['high spf:bad.test: v=spf1 ptr include:gone.bad.test +all']);
      expect(findingsOf(bad, 'MAIL-SPF-PTR')).toEqual(['low spf:bad.test: "ptr" in the record of bad.test (bad.test)']);
      expect(findingsOf(bad, 'MAIL-SPF-INCLUDE-UNRESOLVED')).toEqual(['high spf:bad.test:include:gone.bad.test: "include:gone.bad.test" in the record of bad.test: the domain does not exist (NXDOMAIN)']);
      for (const id of ['MAIL-SPF-ALL', 'MAIL-SPF-PTR', 'MAIL-SPF-INCLUDE-UNRESOLVED', 'MAIL-SPF-LOOKUPS', 'MAIL-SPF-VOID-LOOKUPS', 'MAIL-SPF-SYNTAX', 'MAIL-SPF-RECORD', 'MAIL-SPF-MX-NOT-COVERED'])
        expect([id, status(good, id)]).toEqual([id, 'pass']);
    });

    it('SPF: more than 10 lookups with the per-term breakdown, 3 void lookups, MX not covered', async () => {
      const many = await audit(L.many);
      expect(findingsOf(many, 'MAIL-SPF-LOOKUPS')).toEqual([
        `high spf:many.test: 11 DNS-querying terms (limit 10): many.test: 11 (${[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `include:inc${i}.many.test`).join(' ')} a:void1.many.test a:void2.many.test a:void3.many.test)`,
      ]);
      expect(findingsOf(many, 'MAIL-SPF-VOID-LOOKUPS')).toEqual(['high spf:many.test: 3 void lookups (limit 2): a:void1.many.test in many.test, a:void2.many.test in many.test, a:void3.many.test in many.test']);
      expect(findingsOf(many, 'MAIL-SPF-MX-NOT-COVERED')).toEqual(['medium spf-mx:many.test:192.0.2.20: SPF of many.test gives fail for 192.0.2.20 (MX mx.many.test), decided by "-all"']);
    });

    it('SPF: two records; a syntax error', async () => {
      const multi = await audit(L.multi);
      expect(findingsOf(multi, 'MAIL-SPF-RECORD')).toEqual(['high spf:multi.test: "v=spf1 a -all"; "v=spf1 mx -all"']);
      expect(status(multi, 'MAIL-SPF-LOOKUPS')).toBe('not-applicable');
      const syntax = await audit(L.syntax);
      expect(findingsOf(syntax, 'MAIL-SPF-SYNTAX')).toEqual([
        'high spf:syntax.test: syntax.test: "ip4:300.1.1.1": "300.1.1.1" is not an IPv4 address; unknown mechanism "foo:bar" (record: "v=spf1 ip4:300.1.1.1 foo:bar mx -all")',
      ]);
      const nomx = await audit(L.nomx);
      expect(status(nomx, 'MAIL-SPF-RECORD')).toBe('pass');
      const none = await audit('nothing.good.test');
      expect(findingsOf(none, 'MAIL-SPF-RECORD')).toEqual(['high spf:nothing.good.test: nothing.good.test does not exist (NXDOMAIN)']);
    });

    it('DKIM: missing, short keys, t=y, h=sha1, revoked, syntax; 2048-bit RSA and ed25519 pass', () => {
      expect(findingsOf(bad, 'MAIL-DKIM-RECORD')).toEqual(['high dkim:nosuch._domainkey.bad.test: nosuch._domainkey.bad.test: NXDOMAIN (the name does not exist)']);
      expect(findingsOf(bad, 'MAIL-DKIM-KEY-SIZE')).toEqual(['medium dkim:sel1._domainkey.bad.test: sel1._domainkey.bad.test: k=rsa, 1024-bit key', 'high dkim:weak._domainkey.bad.test: weak._domainkey.bad.test: k=rsa, 512-bit key']);
      expect(findingsOf(bad, 'MAIL-DKIM-TESTING')).toEqual(['low dkim:sel1._domainkey.bad.test: sel1._domainkey.bad.test: t=y']);
      expect(findingsOf(bad, 'MAIL-DKIM-SHA1')).toEqual(['high dkim:sel1._domainkey.bad.test: sel1._domainkey.bad.test: h=sha1']);
      expect(findingsOf(bad, 'MAIL-DKIM-REVOKED')).toEqual(['medium dkim:old._domainkey.bad.test: old._domainkey.bad.test: "v=DKIM1; k=rsa; p="']);
      expect(findingsOf(bad, 'MAIL-DKIM-SYNTAX')).toEqual(['high dkim:broken._domainkey.bad.test: broken._domainkey.bad.test: p= is not base64']);
      for (const id of ['MAIL-DKIM-RECORD', 'MAIL-DKIM-KEY-SIZE', 'MAIL-DKIM-TESTING', 'MAIL-DKIM-SHA1', 'MAIL-DKIM-REVOKED', 'MAIL-DKIM-SYNTAX']) expect([id, status(good, id)]).toEqual([id, 'pass']);
    });

    it('DKIM without a selector does not apply (DNS cannot list keys)', async () => {
      const ev = await audit(L.good);
      expect(ev.checks.filter((c) => c.checkId.startsWith('MAIL-DKIM')).map((c) => c.status)).toEqual(Array(8).fill('not-applicable'));
    });

    it('DMARC: p=none, pct, syntax, unauthorised external rua; authorised external rua passes', () => {
      expect(findingsOf(bad, 'MAIL-DMARC-POLICY')).toEqual(['medium dmarc:bad.test: _dmarc.bad.test: p=none; adkim=r, aspf=r']);
      expect(findingsOf(bad, 'MAIL-DMARC-PCT')).toEqual(['low dmarc:bad.test: _dmarc.bad.test: pct=50 (p=none)']);
      expect(findingsOf(bad, 'MAIL-DMARC-SYNTAX')).toEqual([
        'medium dmarc:bad.test: _dmarc.bad.test: adkim=x: must be r or s (record: "v=DMARC1; p=none; pct=50; adkim=x; rua=mailto:dmarc@reports.test")',
      ]);
      expect(findingsOf(bad, 'MAIL-DMARC-REPORT-AUTH')).toEqual([
        'medium dmarc-report:bad.test:reports.test: rua=mailto:dmarc@reports.test: bad.test._report._dmarc.reports.test NXDOMAIN (the name does not exist)',
      ]);
      for (const id of ['MAIL-DMARC-RECORD', 'MAIL-DMARC-PCT', 'MAIL-DMARC-SYNTAX', 'MAIL-DMARC-REPORT-AUTH', 'MAIL-DMARC-REPORTING']) expect([id, status(good, id)]).toEqual([id, 'pass']);
    });

    it('DMARC: found by the tree walk for a subdomain; missing; two records; no rua', async () => {
      const sub = await audit(`sub.${L.good}`);
      expect([status(sub, 'MAIL-DMARC-RECORD'), status(sub, 'MAIL-DMARC-POLICY')]).toEqual(['pass', 'pass']);
      const syntax = await audit(L.syntax);
      expect(findingsOf(syntax, 'MAIL-DMARC-RECORD')).toEqual(['high dmarc:syntax.test: no DMARC record found by the tree walk (_dmarc.syntax.test: nxdomain)']);
      const multi = await audit(L.multi);
      expect(findingsOf(multi, 'MAIL-DMARC-RECORD')).toEqual(['high dmarc:multi.test: "v=DMARC1; p=none"; "v=DMARC1; p=reject"']);
      const nullmx = await audit(L.nullmx);
      expect(findingsOf(nullmx, 'MAIL-DMARC-REPORTING')).toEqual(['low dmarc:nullmx.test: _dmarc.nullmx.test: no rua= tag']);
    });

    it('MTA-STS and TLS-RPT: invalid records fail, missing ones are low, good ones pass', async () => {
      expect(findingsOf(bad, 'MAIL-MTA-STS-TXT')).toEqual(['medium mta-sts:bad.test: _mta-sts.bad.test: id=not valid!: must be 1-32 letters and digits (record: "v=STSv1; id=not valid!")']);
      expect(findingsOf(bad, 'MAIL-TLS-RPT')).toEqual(['medium tls-rpt:bad.test: _smtp._tls.bad.test: the rua= tag is missing (record: "v=TLSRPTv1")']);
      expect([status(good, 'MAIL-MTA-STS-TXT'), status(good, 'MAIL-TLS-RPT')]).toEqual(['pass', 'pass']);
      const many = await audit(L.many);
      expect(findingsOf(many, 'MAIL-MTA-STS-TXT')).toEqual(['low mta-sts:many.test: _mta-sts.many.test: NXDOMAIN (the name does not exist)']);
    });

    it('MX: CNAME, no address, PTR missing and not forward-confirmed; no MX; null MX', async () => {
      expect(findingsOf(bad, 'MAIL-MX-CNAME')).toEqual(['medium mx:mx.bad.test: MX 10 mx.bad.test is a CNAME to host.bad.test']);
      expect(findingsOf(bad, 'MAIL-MX-RESOLVABLE')).toEqual(['high mx:mx2.bad.test: MX 20 mx2.bad.test: no A or AAAA record']);
      expect(findingsOf(bad, 'MAIL-MX-PTR')).toEqual([
        'medium ptr:192.0.2.66: 192.0.2.66 (MX mx.bad.test): NXDOMAIN (the name does not exist)',
        'medium ptr:192.0.2.77: 192.0.2.77 (MX mx3.bad.test): PTR wrong.bad.test → NXDOMAIN (the name does not exist); no name resolves back to 192.0.2.77',
      ]);
      for (const id of ['MAIL-MX-RECORD', 'MAIL-MX-CNAME', 'MAIL-MX-RESOLVABLE', 'MAIL-MX-PTR']) expect([id, status(good, id)]).toEqual([id, 'pass']);
      const nomx = await audit(L.nomx);
      expect(findingsOf(nomx, 'MAIL-MX-RECORD')).toEqual(['medium mx:nomx.test: MX nomx.test: no record of that type (NODATA)']);
      const nullmx = await audit(L.nullmx);
      expect(status(nullmx, 'MAIL-MX-RECORD')).toBe('pass');
      // An MX that is a CNAME loop: reported as an alias without address, and the run ends.
      const loop = await audit(L.loop);
      expect(findingsOf(loop, 'MAIL-MX-CNAME')).toEqual(['medium mx:a.loop.test: MX 10 a.loop.test is a CNAME to b.loop.test']);
      expect(findingsOf(loop, 'MAIL-MX-RESOLVABLE')).toEqual(['high mx:a.loop.test: MX 10 a.loop.test: no A or AAAA record']);
      expect(['MAIL-MX-PTR', 'MAIL-DNSBL', 'MAIL-MTA-STS-TXT', 'MAIL-TLS-RPT'].map((id) => status(nullmx, id))).toEqual(Array(4).fill('not-applicable'));
    });

    it('DNSBL: listed, clean, and refused/servfail answers are unknown (an error naming the resolver), never clean', async () => {
      expect(findingsOf(bad, 'MAIL-DNSBL')).toEqual([
        `high dnsbl:dnsbl.test:192.0.2.66: 192.0.2.66 (MX mx.bad.test) is listed in dnsbl.test: 66.2.0.192.dnsbl.test → 127.0.0.2 (asked through ${dns.resolverSpec} (--resolver))`,
      ]);
      expect(status(good, 'MAIL-DNSBL')).toBe('pass');
      const unknown = await audit(L.good, { dnsbl: [L.refused, L.servfail] });
      const c = unknown.checks.find((x) => x.checkId === 'MAIL-DNSBL')!;
      expect(c.status).toBe('error');
      expect(c.message).toContain(`unknown, not clean (asked through ${dns.resolverSpec} (--resolver))`);
      expect(c.message).toContain(`${L.goodMxAddress} in ${L.refused}: lookup failed: REFUSED`);
      expect(c.message).toContain(`${L.goodMxAddress} in ${L.servfail}: lookup failed: SERVFAIL`);
    });

    it('lookups that time out (one DNSBL zone only) leave that check unknown and the run partial', async () => {
      const relay = await startDnsDropRelay({ address: dns.address, port: dns.port }, [L.slowDnsbl]);
      try {
        const resolver = new MailResolver({ server: { address: relay.address, port: relay.port }, timeoutMs: 300, attempts: 2 });
        const ev = await evaluateMailDomain({ domain: L.good, selectors: ['sel1'], dnsblZones: [L.dnsbl, L.slowDnsbl], resolver });
        const c = ev.checks.find((x) => x.checkId === 'MAIL-DNSBL')!;
        expect(c.status).toBe('error');
        expect(c.message).toContain(`${L.goodMxAddress} in ${L.slowDnsbl}: lookup failed: TIMEOUT`);
        expect(relay.dropped).toEqual([`${L.goodMxAddress.split('.').reverse().join('.')}.${L.slowDnsbl}|A`, `${L.goodMxAddress.split('.').reverse().join('.')}.${L.slowDnsbl}|A`]);
        expect(ev.checks.filter((x) => x.status === 'error').map((x) => x.checkId)).toEqual(['MAIL-DNSBL']);
        expect(ev.errors.map((e) => e.section)).toEqual(['MAIL-DNSBL']);
      } finally {
        await relay.close();
      }
    });

    it('no query is repeated within a run, and every one went to the lab server', () => {
      for (const ev of [good, bad] as Array<MailEvaluation & { resolver: MailResolver }>) {
        const keys = ev.resolver.log.map((q) => `${q.name}|${q.type}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(ev.resolver.queryCount).toBe(keys.length);
        expect(ev.resolver.server).toEqual({ address: dns.address, port: 53 });
      }
    });
  });

  describe('rampart mail', () => {
    // The real command (bin/rampart.mjs: the bundle, or the sources through tsx when newer).
    const cli = async (args: string[]): Promise<{ code: number; out: string; err: string }> =>
      promisify(execFile)(process.execPath, [join(REPO, 'bin/rampart.mjs'), 'mail', ...args], { cwd: tmp, timeout: TIMEOUT_MS }).then(
        (x) => ({ code: 0, out: x.stdout, err: x.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
      );

    it('with --resolver: the JSON contract and exit 1 on a high finding', async () => {
      const r = await cli(['--domain', L.bad, '--resolver', dns.resolverSpec, '--dkim-selector', 'sel1', '--dnsbl', L.dnsbl, '--format', 'json']);
      expect(r.code).toBe(1);
      const j = JSON.parse(r.out);
      expect(Object.keys(j)).toEqual(expect.arrayContaining(['tool', 'version', 'runId', 'startedAt', 'finishedAt', 'status', 'domain', 'score', 'findings', 'checks', 'errors']));
      expect([j.tool, j.domain, j.status, j.resolver]).toEqual(['rampart', L.bad, 'complete', `${dns.resolverSpec} (--resolver)`]);
      expect(Object.keys(j.score)).toEqual(expect.arrayContaining(['overall', 'grade', 'categories']));
      expect(Object.keys(j.score.categories)).toEqual(['mail']);
      for (const f of j.findings) {
        expect(Object.keys(f)).toEqual(expect.arrayContaining(['id', 'checkId', 'category', 'severity', 'title', 'resource', 'evidence', 'remediation', 'references', 'status']));
        expect(f.category).toBe('mail');
        expect(f.id).toMatch(/^[0-9a-f]{32}$/);
        expect(f.references.some((u: string) => u.startsWith('https://www.rfc-editor.org/rfc/'))).toBe(true);
      }
      expect(j.findings.map((f: { checkId: string }) => f.checkId)).toContain('MAIL-DNSBL');
      expect(j.checks).toHaveLength(MAIL_CHECKS.length);
      expect(j.errors).toEqual([]);
      // The records as parsed, beside the findings.
      expect(j.records.spf).toMatchObject({ records: ['v=spf1 ptr include:gone.bad.test +all'], lookups: 2, voidLookups: 1 });
      expect(j.records.dkim).toEqual([expect.objectContaining({ selector: 'sel1', keyType: 'rsa', bits: 1024, flags: ['y'], hashes: ['sha1'] })]);
      expect(j.records.mx.hosts.map((h: { exchange: string; cname: string | null }) => [h.exchange, h.cname])).toEqual([
        ['mx.bad.test', 'host.bad.test'],
        ['mx2.bad.test', null],
        ['mx3.bad.test', null],
      ]);
      expect(j.records.dnsbl).toContainEqual({ address: L.listedAddress, zone: L.dnsbl, verdict: 'listed (127.0.0.2)' });
    }, TIMEOUT_MS);

    it('--fail-on: 0 when nothing reaches it; table and markdown formats', { timeout: TIMEOUT_MS }, async () => {
      // high: the CLI fetches good.test's MTA-STS policy, and its policy host does not exist (medium).
      const ok = await cli(['--domain', L.good, '--resolver', dns.resolverSpec, '--dkim-selector', 'sel1', '--dnsbl', L.dnsbl, '--fail-on', 'high']);
      expect(ok.code).toBe(0);
      expect(ok.out).toContain(`mail audit of good.test (DNS through ${dns.resolverSpec} (--resolver)`);
      expect((await cli(['--domain', L.good, '--resolver', dns.resolverSpec, '--dnsbl', L.dnsbl, '--fail-on', 'low'])).code).toBe(1);
      const md = await cli(['--domain', L.bad, '--resolver', dns.resolverSpec, '--dnsbl', L.dnsbl, '--format', 'markdown', '--fail-on', 'none']);
      expect(md.code).toBe(0);
      expect(md.out).toMatch(/^# Mail audit of bad\.test/);
      expect(md.out).toContain('| high | MAIL-SPF-ALL |');
    });

    it('--smtp-host naming a documentation address (RFC 5737): nothing is contacted, the probe and relay test are errors (run partial, exit 2)', { timeout: TIMEOUT_MS }, async () => {
      // The TLS probes and the relay test themselves run against real Postfix servers in test/mail-smtp.lab.test.ts.
      const r = await cli(['--domain', L.good, '--resolver', dns.resolverSpec, '--dnsbl', L.dnsbl, '--smtp-host', 'mx.good.test:587', '--open-relay-test', '--format', 'json', '--fail-on', 'none']);
      const j = JSON.parse(r.out);
      expect(j.status).toBe('partial');
      const why = `--smtp-host mx.good.test: ${L.goodMxAddress} not probed: a documentation address (RFC 5737 / RFC 3849), not a real server`;
      expect(j.errors).toEqual(expect.arrayContaining([
        { section: 'MAIL-TLS-AVAILABLE', message: why },
        { section: 'MAIL-SMTP-OPEN-RELAY', message: `relay test not made: ${why}` },
      ]));
      expect(j.records.smtp).toMatchObject({ ports: [], relay: [], skipped: [{ host: 'mx.good.test', address: L.goodMxAddress }] });
      expect(r.code).toBe(2);
    });

    it('an unreachable resolver is exit 2 with a JSON error', async () => {
      const silent = dgram.createSocket('udp4');
      await new Promise<void>((ok) => silent.bind(0, '127.0.0.1', ok));
      try {
        const r = await cli(['--domain', L.good, '--resolver', `127.0.0.1:${silent.address().port}`, '--format', 'json']);
        expect(r.code).toBe(2);
        expect(JSON.parse(r.out)).toMatchObject({ status: 'failed', error: { code: 'RESOLVER_UNREACHABLE' } });
        expect(r.err).toContain('did not answer');
      } finally {
        silent.close();
      }
    }, TIMEOUT_MS);

    it('a lookup that times out makes the run partial: exit 2 unless a finding reaches --fail-on', { timeout: TIMEOUT_MS }, async () => {
      const relay = await startDnsDropRelay({ address: dns.address, port: dns.port }, [L.slowDnsbl]);
      try {
        const r = await cli(['--domain', L.good, '--resolver', relay.resolverSpec, '--dnsbl', L.slowDnsbl, '--format', 'json', '--fail-on', 'high']);
        const j = JSON.parse(r.out);
        expect([r.code, j.status, j.errors.map((e: { section: string }) => e.section)]).toEqual([2, 'partial', ['MAIL-DNSBL']]);
        expect(j.records.dnsbl[0].verdict).toMatch(/^unknown: lookup failed: TIMEOUT/);
        const low = await cli(['--domain', L.good, '--resolver', relay.resolverSpec, '--dnsbl', L.slowDnsbl, '--format', 'json', '--fail-on', 'low']);
        expect(low.code).toBe(1);
      } finally {
        await relay.close();
      }
    });

    it('usage errors are exit 2', { timeout: TIMEOUT_MS }, async () => {
      expect((await cli(['--resolver', dns.resolverSpec])).code).toBe(2);
      expect((await cli(['--domain', L.good, '--resolver', 'dns.example'])).code).toBe(2);
      expect((await cli(['--domain', L.good, '--format', 'xml'])).code).toBe(2);
    });

    it('with --db: runs are stored per domain, diffed, and triage carries over', { timeout: TIMEOUT_MS }, async () => {
      const db = join(tmp, 'mail.sqlite3');
      const first = JSON.parse((await cli(['--domain', L.bad, '--resolver', dns.resolverSpec, '--dnsbl', L.dnsbl, '--db', db, '--format', 'json'])).out);
      const store = new Store(db);
      try {
        const ptr = first.findings.find((f: { checkId: string }) => f.checkId === 'MAIL-SPF-PTR');
        store.setTriage({ findingKey: ptr.id, status: 'accepted', reason: 'legacy relay still needs it', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
      } finally {
        store.close();
      }
      const second = JSON.parse((await cli(['--domain', L.bad, '--resolver', dns.resolverSpec, '--dnsbl', L.dnsbl, '--db', db, '--format', 'json'])).out);
      expect(second.findings.find((f: { checkId: string }) => f.checkId === 'MAIL-SPF-PTR').status).toBe('accepted');
      expect(second.findings.map((f: { id: string }) => f.id).sort()).toEqual(first.findings.map((f: { id: string }) => f.id).sort());
      const s = new Store(db);
      try {
        const runs = s.listRuns({ domain: L.bad });
        expect(runs.map((r) => [r.id, r.targetKind, r.hostName])).toEqual([
          [second.runId, 'domain', L.bad],
          [first.runId, 'domain', L.bad],
        ]);
        const diff = s.diffRun(second.runId);
        expect([diff.previousRunId, diff.new.length, diff.resolved.length, diff.unchanged.length]).toEqual([first.runId, 0, 0, first.findings.length]);
        expect(s.getRun(second.runId).execCount).toBeGreaterThan(10);
      } finally {
        s.close();
      }
    });
  });
});
