// The SMTP/TLS probes of the mail audit against real servers in lab namespaces (lab/mailServer.ts):
// Postfix with STARTTLS on 25 and 587 and implicit TLS on 465, openssl s_server on 993/995,
// certificates from a throwaway CA made at start-up, Knot DNS serving MX, TLSA and PTR records.
// Each SMTP/TLS check has a passing case (tls.test) and a failing one (badtls.test); the open
// relay test runs against a closed and an open Postfix and is shown to stop before DATA; the CLI
// trusts the lab CA through NODE_EXTRA_CA_CERTS.
// Needs root, knotd, postfix and openssl; skipped without them unless RAMPART_LAB_REQUIRED=1.
// Network rule: only the lab hosts' addresses and their DNS server are contacted.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDnsPrerequisites } from '../lab/dns';
import { labPrerequisites } from '../lab/lab';
import { SMTP_LAB, startMailTlsLab, tlsaHash, type MailTlsLab } from '../lab/mailServer';
import { labExec } from '../lab/lab';
import { evaluateMailDomain, type MailEvaluation } from '../src/main/mail/audit';
import { MailResolver } from '../src/main/mail/resolver';

const labAvailable = (labPrerequisites().ok && labDnsPrerequisites().ok && existsSync('/usr/sbin/postfix')) || process.env.RAMPART_LAB_REQUIRED === '1';
const REPO = resolve(import.meta.dirname, '..');
const TIMEOUT_MS = 60_000;
const L = SMTP_LAB;
const SMTP_CHECKS = ['MAIL-SMTP-REACHABLE', 'MAIL-TLS-AVAILABLE', 'MAIL-TLS-CHAIN', 'MAIL-TLS-EXPIRY', 'MAIL-TLS-NAME', 'MAIL-TLS-LEGACY-VERSIONS', 'MAIL-TLS-WEAK-CIPHERS', 'MAIL-SMTP-BANNER', 'MAIL-DANE-TLSA', 'MAIL-SMTP-OPEN-RELAY'];

let lab: MailTlsLab;
let good: MailEvaluation;
let bad: MailEvaluation;

async function audit(domain: string, smtpHosts: Array<{ host: string; port: number | null }>, openRelayTest = true): Promise<MailEvaluation> {
  const resolver = new MailResolver({ server: { address: lab.dns.address, port: lab.dns.port } });
  return evaluateMailDomain({ domain, resolver, dnsblZones: [], mtaSts: false, smtp: { extraCaPem: lab.ca.pem }, smtpHosts, openRelayTest });
}
const status = (ev: MailEvaluation, id: string) => ev.checks.find((c) => c.checkId === id)?.status;
const findingsOf = (ev: MailEvaluation, id: string) => ev.findings.filter((f) => f.checkId === id).map((f) => `${f.severity} ${f.resource.replace(/\/\d+\.\d+\.\d+\.\d+/, '').replace(/:\d+\.\d+\.\d+\.\d+$/, '')}`);

describe.skipIf(!labAvailable)('mail SMTP/TLS probes against real Postfix and openssl servers', () => {
  beforeAll(async () => {
    lab = await startMailTlsLab();
    [good, bad] = await Promise.all([audit(L.good, [{ host: L.goodMx, port: null }]), audit(L.bad, [{ host: L.badMx, port: null }])]);
  }, 90_000);
  afterAll(async () => {
    await lab?.stop();
  });

  it('every SMTP/TLS check passes on the well-configured host', () => {
    expect(SMTP_CHECKS.map((id) => `${id} ${status(good, id)}`)).toEqual(SMTP_CHECKS.map((id) => `${id} pass`));
    expect(good.errors).toEqual([]);
  });

  it('TLS per port in the records: handshakes, certificates, closed 995, nothing but the lab hosts contacted', () => {
    const ports = good.records.smtp!.ports;
    expect(ports.map((p) => `${p.port} ${p.state} ${p.mode}`)).toEqual(['25 tls starttls', '465 tls implicit', '587 tls starttls', '993 tls implicit', '995 closed implicit']);
    for (const p of ports.filter((x) => x.state === 'tls')) {
      expect(p).toMatchObject({ host: L.goodMx, address: lab.good.address, chainValid: true, nameMatch: true, tls10: 'refused', tls11: 'refused', weakCiphers: 'refused' });
      expect(p.protocol).toMatch(/^TLSv1\.[23]$/);
      expect(p.certificate).toMatchObject({ subject: L.goodMx, issuer: 'Rampart lab CA', altNames: [`DNS:${L.goodMx}`] });
    }
    expect(ports.find((p) => p.port === 25)!.greeting).toMatch(new RegExp(`^${L.goodMx} ESMTP`));
    expect(good.records.smtp!.dane).toEqual([
      { host: L.goodMx, name: `_25._tcp.${L.goodMx}`, found: '2 records', records: expect.arrayContaining([`3 1 1 ${tlsaHash(lab.certs.good.der, 1)}`, `2 0 1 ${tlsaHash(lab.ca.der, 0)}`]), matched: true },
    ]);
    const contacted = new Set([...good.records.smtp!.ports, ...bad.records.smtp!.ports, ...bad.records.smtp!.relay].map((p) => p.address));
    expect([...contacted].sort()).toEqual([lab.good.address, lab.bad.address].sort());
    // The certificate bytes used for DANE stay in memory; the stored records hold fingerprints.
    expect(JSON.stringify(good.records)).not.toContain(lab.certs.good.der.toString('base64').slice(0, 40));
  });

  it('STARTTLS missing on 587 is high', () => {
    expect(findingsOf(bad, 'MAIL-TLS-AVAILABLE')).toEqual([`high tls:${L.badMx}:587`]);
  });

  it('a self-signed certificate fails the chain (the lab CA is trusted for the others)', () => {
    expect(findingsOf(bad, 'MAIL-TLS-CHAIN')).toEqual([`high tls:${L.badMx}:993`]);
    expect(bad.findings.find((f) => f.checkId === 'MAIL-TLS-CHAIN')!.evidence).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('expired (465) is high, expiring in 10 days (25) medium', () => {
    expect(findingsOf(bad, 'MAIL-TLS-EXPIRY')).toEqual([`medium tls:${L.badMx}:25`, `high tls:${L.badMx}:465`]);
  });

  it('a certificate for another name on 25 is medium (opportunistic TLS; other ports weigh high, see the fixture tests)', () => {
    expect(findingsOf(bad, 'MAIL-TLS-NAME')).toEqual([`medium tls:${L.badMx}:25`]);
    expect(bad.findings.find((f) => f.checkId === 'MAIL-TLS-NAME')!.evidence).toContain(`DNS:${L.wrongCertName}`);
  });

  it('TLS 1.0/1.1 and aNULL: Postfix defaults (25, 465) and the permissive s_server (995) accept them', () => {
    expect(findingsOf(bad, 'MAIL-TLS-LEGACY-VERSIONS')).toEqual([`medium tls:${L.badMx}:25`, `medium tls:${L.badMx}:465`, `medium tls:${L.badMx}:995`]);
    expect(findingsOf(bad, 'MAIL-TLS-WEAK-CIPHERS')).toEqual([`low tls:${L.badMx}:25`, `high tls:${L.badMx}:465`, `high tls:${L.badMx}:995`]);
    const p995 = bad.records.smtp!.ports.find((p) => p.port === 995)!;
    expect([p995.tls10, p995.tls11, p995.weakCiphers]).toEqual([expect.stringMatching(/^accepted \(TLSv1 /), expect.stringMatching(/^accepted \(TLSv1\.1 /), expect.stringMatching(/^accepted \(TLSv1\.2 TLS_DH_anon_/)]);
  });

  it('the greeting names another host than the forward-confirmed PTR', () => {
    expect(findingsOf(bad, 'MAIL-SMTP-BANNER')).toEqual([`low smtp-banner:${L.badMx}`]);
    expect(bad.findings.find((f) => f.checkId === 'MAIL-SMTP-BANNER')!.evidence).toContain(`the greeting names "${L.wrongBanner}"; `.slice(0, 30));
  });

  it('a TLSA record that matches nothing is high', () => {
    expect(findingsOf(bad, 'MAIL-DANE-TLSA')).toEqual([`high dane:${L.badMx}`]);
    expect(bad.findings.find((f) => f.checkId === 'MAIL-DANE-TLSA')!.evidence).toContain(`3 1 1 ${tlsaHash(lab.certs.badSmtp.der, 1)}`);
  });

  it('the open Postfix relays (critical), the closed one refuses; both dialogues stop before DATA', async () => {
    expect(findingsOf(bad, 'MAIL-SMTP-OPEN-RELAY')).toEqual([`critical relay:${L.badMx}:25`]);
    expect(bad.records.smtp!.relay[0]).toMatchObject({ verdict: 'relayed', transcript: expect.arrayContaining(['C: RCPT TO:<rampart-relay-test@example.net>', 'C: QUIT']) });
    expect(good.records.smtp!.relay[0]).toMatchObject({ verdict: 'refused', message: expect.stringMatching(/^RCPT TO refused: 554 5\.7\.1 /) });
    // Postfix's own log: the session ended with QUIT after RCPT, no DATA, nothing queued.
    const log = readFileSync(join(lab.dir, `postfix-${lab.bad.name}`, 'maillog'), 'utf8');
    expect(log).toMatch(/disconnect from \S+ ehlo=1 mail=1 rcpt=1 quit=1 commands=4/);
    expect(log).not.toMatch(/data=/);
    expect((await labExec(lab.bad, ['postqueue', '-j'])).stdout.trim()).toBe('');
  });

  it('a port that does not answer: a named host on a closed port is information, not an error', async () => {
    const ev = await audit(L.good, [{ host: lab.good.address, port: 2525 }], false);
    expect(findingsOf(ev, 'MAIL-SMTP-REACHABLE')).toEqual([`info smtp:${lab.good.address}:2525`]);
    expect(ev.errors).toEqual([]);
    expect(status(ev, 'MAIL-SMTP-OPEN-RELAY')).toBe('not-applicable');
  }, TIMEOUT_MS);

  describe('rampart mail (process)', () => {
    const cli = (args: string[]) =>
      promisify(execFile)(process.execPath, [join(REPO, 'bin/rampart.mjs'), 'mail', '--resolver', lab.dns.resolverSpec, '--dnsbl', L.good, '--format', 'json', ...args], {
        timeout: TIMEOUT_MS,
        // The lab CA is trusted the way a user would add one: Node's NODE_EXTRA_CA_CERTS.
        env: { ...process.env, NODE_EXTRA_CA_CERTS: lab.ca.certFile },
      }).then(
        (r) => ({ code: 0, j: JSON.parse(r.stdout) }),
        (e: { code: number; stdout: string }) => ({ code: e.code, j: JSON.parse(e.stdout) }),
      );

    it('an open relay exits 1 with a critical finding; the good host completes with every SMTP/TLS check passing', { timeout: TIMEOUT_MS }, async () => {
      const [open, closed] = await Promise.all([cli(['--domain', L.bad, '--smtp-host', L.badMx, '--open-relay-test', '--fail-on', 'critical']), cli(['--domain', L.good, '--smtp-host', `${L.goodMx}:25`, '--open-relay-test', '--fail-on', 'critical'])]);
      expect(open.code).toBe(1);
      expect(open.j.findings.filter((f: { severity: string }) => f.severity === 'critical').map((f: { checkId: string }) => f.checkId)).toEqual(['MAIL-SMTP-OPEN-RELAY']);
      expect([closed.code, closed.j.status, closed.j.errors]).toEqual([0, 'complete', []]);
      const checks = new Map(closed.j.checks.map((c: { checkId: string; status: string }) => [c.checkId, c.status]));
      expect(SMTP_CHECKS.map((id) => `${id} ${checks.get(id)}`)).toEqual(SMTP_CHECKS.map((id) => `${id} pass`));
      expect(closed.j.records.smtp.ports.find((p: { port: number }) => p.port === 25)).toMatchObject({ chainValid: true, nameMatch: true });
    });
  });
});
