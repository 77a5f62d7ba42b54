// The lab for the mail audit's HTTPS, DNSSEC and SSH facts: one lab "mail host" (real sshd, an
// OpenDKIM configuration with keys generated per run planted in its own /etc, and the MTA-STS
// policy server of lab/httpsPolicy.ts on its address), and the zones that point at it: MTA-STS
// domains (good, testing/short max_age/MX not covered, redirect, bad certificate, wrong media
// type, no policy host), a zone knotd signs and one it does not, DKIM domains whose p= matches
// the host's keys or not. Names under .test (RFC 2606); MX addresses from 192.0.2.0/24 (RFC 5737).
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { txt, type LabZone } from './dns';
import { issueLabCert, makeLabCa, startLabHttps, type LabCa, type LabHttpsServer, type LabHttpsSite } from './httpsPolicy';
import type { LabHost } from './lab';
import { bindInHost, overlayInHost } from './plant';

export const POLICY_LAB = {
  stsGood: 'sts-good.test',
  stsWeak: 'sts-weak.test',
  stsRedirect: 'sts-redirect.test',
  stsBadCert: 'sts-badcert.test',
  stsHtml: 'sts-html.test',
  stsNoHost: 'sts-nohost.test',
  /** Its policy is larger than 64 KiB. */
  stsBig: 'sts-big.test',
  /** Its policy server never answers. */
  stsSlow: 'sts-slow.test',
  signed: 'signed.test',
  unsigned: 'unsigned.test',
  dkimOk: 'dkim-ok.test',
  dkimBad: 'dkim-bad.test',
  /** Signed by rspamd (local.d/dkim_signing.conf), key matches DNS. */
  dkimRspamd: 'dkim-rspamd.test',
  /** An empty DNSBL zone: every address is clean. */
  dnsbl: 'bl.test',
  /** A key path with quotes, $( ), ; in it (no whitespace: KeyTable fields are space-separated). */
  hostileKeyPath: "/etc/opendkim/keys/o'd$(touch${IFS}/tmp/rampart-pwned)d;x`id`.private",
} as const;

export interface DkimLabKey {
  selector: string;
  domain: string;
  keyPath: string;
  privatePem: string;
  /** Base64 SPKI of the public key, as p= publishes it. */
  publicB64: string;
}

function rsaKey(): { privatePem: string; publicB64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // PKCS#1 PEM, as opendkim-genkey writes it.
  return { privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), publicB64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

/** The keys planted on the mail host: dkim-ok.test's match DNS, dkim-bad.test's do not. */
export function dkimLabKeys(): DkimLabKey[] {
  const L = POLICY_LAB;
  const k = (selector: string, domain: string, keyPath = `/etc/opendkim/keys/${domain}/${selector}.private`): DkimLabKey => ({ selector, domain, keyPath, ...rsaKey() });
  // junk: the KeyTable names a file that is not a key (DNS publishes a key for it).
  const junk = { ...k('junk', L.dkimBad), privatePem: 'this is not a key\n' };
  return [k('s2026', L.dkimOk), k('odd', L.dkimOk, L.hostileKeyPath), k('stale', L.dkimBad), k('nodns', L.dkimBad), junk, k('rs1', L.dkimRspamd, '/etc/rspamd/dkim/dkim-rspamd.test.rs1.key')];
}

/** The zones; `mailHost` is the address of the policy server (mta-sts.* names). */
export function policyLabZones(mailHost: string, keys: readonly DkimLabKey[]): LabZone[] {
  const L = POLICY_LAB;
  const key = (sel: string) => keys.find((x) => x.selector === sel)!.publicB64;
  const other = rsaKey().publicB64;
  const sts = (origin: string, extra: string[] = []): LabZone => ({
    origin,
    records: ['@ MX 10 mx1', '@ MX 20 mx2', 'mx1 A 192.0.2.31', 'mx2 A 192.0.2.32', `_mta-sts TXT ${txt('v=STSv1; id=20261206;')}`, `mta-sts A ${mailHost}`, ...extra],
  });
  return [
    sts(L.stsGood),
    sts(L.stsWeak),
    sts(L.stsRedirect),
    sts(L.stsBadCert),
    sts(L.stsHtml),
    sts(L.stsBig),
    sts(L.stsSlow),
    { origin: L.stsNoHost, records: ['@ MX 10 mx1', 'mx1 A 192.0.2.33', `_mta-sts TXT ${txt('v=STSv1; id=1;')}`] },
    // DANE records (DNS data only: nothing serves SMTP at these addresses).
    { origin: L.signed, records: ['@ MX 10 mx', 'mx A 192.0.2.41', `@ TXT ${txt('v=spf1 mx -all')}`, `_25._tcp.mx TLSA 3 1 1 ${'ab'.repeat(32)}`] },
    { origin: L.unsigned, records: ['@ MX 10 mx', 'mx A 192.0.2.42', `@ TXT ${txt('v=spf1 mx -all')}`, `_25._tcp.mx TLSA 3 1 1 ${'cd'.repeat(32)}`] },
    { origin: L.dkimOk, records: ['@ MX 10 mx', 'mx A 192.0.2.43', `s2026._domainkey TXT ${txt(`v=DKIM1; k=rsa; p=${key('s2026')}`)}`, `odd._domainkey TXT ${txt(`v=DKIM1; k=rsa; p=${key('odd')}`)}`] },
    // stale: DNS still publishes an older key; nodns: signs, never published.
    { origin: L.dkimBad, records: ['@ MX 10 mx', 'mx A 192.0.2.44', `stale._domainkey TXT ${txt(`v=DKIM1; k=rsa; p=${other}`)}`, `junk._domainkey TXT ${txt(`v=DKIM1; k=rsa; p=${key('junk')}`)}`] },
    { origin: L.dkimRspamd, records: ['@ MX 10 mx', 'mx A 192.0.2.45', `rs1._domainkey TXT ${txt(`v=DKIM1; k=rsa; p=${key('rs1')}`)}`] },
    { origin: L.dnsbl, records: [] },
    { origin: '2.0.192.in-addr.arpa', records: [`43 PTR mx.${L.dkimOk}.`, `44 PTR mx.${L.dkimBad}.`] },
  ];
}

/** The policy server's sites: `trusted` signs the good ones, `untrusted` the bad-certificate one. */
export function policySites(trusted: LabCa, untrusted: LabCa): LabHttpsSite[] {
  const L = POLICY_LAB;
  const plain = { 'content-type': 'text/plain; charset=utf-8' };
  const site = (domain: string, ca: LabCa, status: number, headers: Record<string, string>, body: string): LabHttpsSite => ({
    name: `mta-sts.${domain}`,
    tls: issueLabCert(ca, [`mta-sts.${domain}`]),
    status,
    headers,
    body,
  });
  return [
    site(L.stsGood, trusted, 200, plain, `version: STSv1\r\nmode: enforce\r\nmx: *.${L.stsGood}\r\nmax_age: 1209600\r\n`),
    site(L.stsWeak, trusted, 200, plain, `version: STSv1\nmode: testing\nmx: mx1.${L.stsWeak}\nmax_age: 3600\n`),
    site(L.stsRedirect, trusted, 301, { location: `https://www.${L.stsRedirect}/mta-sts.txt`, 'content-type': 'text/plain' }, ''),
    site(L.stsBadCert, untrusted, 200, plain, `version: STSv1\nmode: enforce\nmx: *.${L.stsBadCert}\nmax_age: 1209600\n`),
    site(L.stsHtml, trusted, 200, { 'content-type': 'text/html' }, '<html>version: STSv1</html>'),
    site(L.stsBig, trusted, 200, plain, `version: STSv1\nmode: enforce\nmax_age: 86400\n${'mx: mx1.sts-big.test\n'.repeat(4000)}`),
    { ...site(L.stsSlow, trusted, 200, plain, ''), hang: true },
  ];
}

/** Makes the CAs and starts the policy server on the mail host. */
export async function startPolicyServer(host: LabHost, caDir: string): Promise<{ server: LabHttpsServer; trusted: LabCa }> {
  const trusted = makeLabCa(join(caDir, 'trusted'), 'Rampart Lab CA');
  const untrusted = makeLabCa(join(caDir, 'untrusted'), 'Untrusted Lab CA');
  return { server: await startLabHttps(host, policySites(trusted, untrusted)), trusted };
}

/**
 * Plants an OpenDKIM configuration (opendkim.conf, KeyTable, SigningTable) and an rspamd one
 * (local.d/dkim_signing.conf), with the private keys,
 * in the mail host's /etc only: an overlay on /etc inside its mount namespace, with the
 * host's own /etc entries (ssh, passwd, sudoers.d…) bound back over it as `ip netns exec` had them.
 */
export async function plantDkimSigners(host: LabHost, keys: readonly DkimLabKey[]): Promise<void> {
  const opendkimKeys = keys.filter((k) => !k.keyPath.startsWith('/etc/rspamd/'));
  const rspamdKeys = keys.filter((k) => k.keyPath.startsWith('/etc/rspamd/'));
  const files: Record<string, string> = {
    // rspamd's UCL: a domain block per signed domain.
    'rspamd/local.d/dkim_signing.conf': `allow_username_mismatch = true;\ndomain {\n${rspamdKeys.map((k) => `  ${k.domain} {\n    selector = "${k.selector}";\n    path = "${k.keyPath}";\n  }\n`).join('')}}\n`,
    'opendkim.conf': ['# planted by the Rampart lab', 'Syslog yes', 'Mode sv', 'KeyTable refile:/etc/opendkim/KeyTable', 'SigningTable refile:/etc/opendkim/SigningTable', ''].join('\n'),
    'opendkim/KeyTable': opendkimKeys.map((k) => `${k.selector}._domainkey.${k.domain} ${k.domain}:${k.selector}:${k.keyPath}`).join('\n') + '\n',
    'opendkim/SigningTable': opendkimKeys.map((k) => `*@${k.domain} ${k.selector}._domainkey.${k.domain}`).join('\n') + '\n',
  };
  for (const k of keys) files[k.keyPath.replace(/^\/etc\//, '')] = k.privatePem;
  const etcEntries = readdirSync(host.etcDir);
  await overlayInHost(host, '/etc', files);
  for (const e of etcEntries) await bindInHost(host, join(host.etcDir, e), join('/etc', e));
}
