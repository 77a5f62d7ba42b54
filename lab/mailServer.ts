// Mail servers with TLS for the SMTP/TLS probes (issue 12): two lab hosts, each a network
// namespace with a real Postfix (25 STARTTLS, 465 implicit TLS, 587 submission) and real
// `openssl s_server` listeners on 993/995, plus Knot DNS (lab/dns.ts) serving their MX, TLSA and
// PTR records. Certificates come from a throwaway CA made with the openssl CLI at start-up (no key
// is committed); the CA's PEM is given to the prober as an extra trusted CA (never by turning
// verification off).
//
//   good host (mx.tls.test): CA-signed certificate for its name (1 year), TLS >= 1.2, no aNULL/eNULL,
//     greeting = its forward-confirmed PTR name, relaying refused, TLSA 3 1 1 and 2 0 1 that match;
//     993 s_server with the same certificate; 995 closed.
//   bad host (mx.badtls.test): Postfix's defaults (TLS 1.0/1.1 and aNULL accepted), on 25 a
//     certificate for another name expiring in 10 days, on 465 an expired one, 587 without
//     STARTTLS, greeting names another host, open relay (mynetworks 0.0.0.0/0), a TLSA that
//     matches nothing; 993 a self-signed certificate; 995 accepting TLS 1.0/1.1 and aNULL/eNULL.
//
// Network rule: servers listen on their namespace's lab address; nothing else is contacted.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLabDns, txt, type LabDns, type LabZone } from './dns';
import { createLabHost, destroyLabHost, type LabHost } from './lab';
import { mustInHost, startPostfix } from './services';

export const SMTP_LAB = {
  good: 'tls.test',
  bad: 'badtls.test',
  goodMx: 'mx.tls.test',
  badMx: 'mx.badtls.test',
  /** The name the bad host's certificate on 25/465 is for. */
  wrongCertName: 'other.tls.test',
  /** The name the bad host's greeting announces. */
  wrongBanner: 'smtp.elsewhere.test',
} as const;

export interface LabCert {
  cert: string;
  key: string;
  der: Buffer;
}

export interface LabCa {
  dir: string;
  certFile: string;
  pem: string;
  der: Buffer;
  /** A leaf for `name` (SAN DNS:name), valid `days` from now (negative: already expired); self-signed when `selfSigned`. */
  issue(file: string, name: string, opts?: { days?: number; selfSigned?: boolean }): LabCert;
}

const openssl = (args: string[], cwd: string): void => {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
};

/** A throwaway P-256 CA in `dir`. */
export function makeLabCa(dir: string): LabCa {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Rampart lab CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const pem = fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8');
  let serial = 1;
  return {
    dir,
    certFile: path.join(dir, 'ca.pem'),
    pem,
    der: new X509Certificate(pem).raw,
    issue(file, name, opts = {}) {
      const days = opts.days ?? 365;
      const ext = path.join(dir, `${file}.ext`);
      fs.writeFileSync(ext, `subjectAltName=DNS:${name}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
      const key = path.join(dir, `${file}.key`);
      const cert = path.join(dir, `${file}.pem`);
      if (opts.selfSigned) {
        openssl(['req', '-new', ...ec, '-keyout', key, '-out', `${file}.csr`, '-subj', `/CN=${name}`], dir);
        openssl(['x509', '-req', '-in', `${file}.csr`, '-key', key, '-out', cert, '-days', String(days), '-set_serial', String(++serial), '-extfile', ext], dir);
      } else {
        openssl(['req', '-new', ...ec, '-keyout', key, '-out', `${file}.csr`, '-subj', `/CN=${name}`], dir);
        openssl(['x509', '-req', '-in', `${file}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-out', cert, '-days', String(days), '-set_serial', String(++serial), '-extfile', ext], dir);
      }
      return { cert, key, der: new X509Certificate(fs.readFileSync(cert)).raw };
    },
  };
}

async function waitListening(host: LabHost, ports: number[]): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ss = await mustInHost(host, ['ss', '-tlnH']);
    if (ports.every((p) => new RegExp(`[:.]${p}\\s`).test(ss))) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${host.name}: ports ${ports.join(', ')} did not all start listening`);
}

export interface TlsPostfixOptions {
  hostname: string;
  cert: LabCert;
  /** Submission (587) offers STARTTLS. */
  submissionTls: boolean;
  /** mynetworks 0.0.0.0/0: relays for anyone (the open relay). */
  openRelay: boolean;
  /** Extra main.cf lines. */
  extra?: string;
  /** Another certificate for 465 only. */
  cert465?: LabCert;
}

/** Postfix in `host` (lab/services.ts startPostfix) with TLS on 25 (STARTTLS), 465 (implicit) and 587. */
export async function startTlsPostfix(host: LabHost, dir: string, o: TlsPostfixOptions): Promise<void> {
  const cert465 = o.cert465 ? `  -o smtpd_tls_cert_file=${o.cert465.cert}\n  -o smtpd_tls_key_file=${o.cert465.key}\n` : '';
  await startPostfix(
    host,
    dir,
    `inet_interfaces = all
smtpd_tls_cert_file = ${o.cert.cert}
smtpd_tls_key_file = ${o.cert.key}
smtpd_tls_security_level = may
mynetworks = ${o.openRelay ? '0.0.0.0/0' : '127.0.0.0/8'}
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
${o.extra ?? ''}`,
    {
      hostname: o.hostname,
      copyEtc: true,
      masterExtra: `465 inet n - n - - smtpd\n  -o smtpd_tls_wrappermode=yes\n${cert465}587 inet n - n - - smtpd\n  -o smtpd_tls_security_level=${o.submissionTls ? 'encrypt' : 'none'}\n`,
    },
  );
  await waitListening(host, [25, 465, 587]);
}

/** `openssl s_server` on address:port inside `host` (one handshake at a time; left running in the namespace). */
export async function startTlsServer(host: LabHost, port: number, cert: LabCert, extraArgs: string[] = []): Promise<void> {
  const child = spawn('ip', ['netns', 'exec', host.name, 'openssl', 's_server', '-accept', `${host.address}:${port}`, '-cert', cert.cert, '-key', cert.key, '-www', '-quiet', ...extraArgs], { stdio: 'ignore', detached: true });
  child.unref();
  await waitListening(host, [port]);
}

const reverseZone = (address: string): string => `${address.split('.').reverse().join('.')}.in-addr.arpa`;

/** TLSA association data: SHA-256 of the certificate's SubjectPublicKeyInfo (selector 1) or of the whole certificate (selector 0). */
export function tlsaHash(der: Buffer, selector: 0 | 1): string {
  const data = selector === 0 ? der : new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(data).digest('hex');
}

export interface MailTlsLab {
  good: LabHost;
  bad: LabHost;
  dns: LabDns;
  ca: LabCa;
  certs: { good: LabCert; badSmtp: LabCert; expired: LabCert; selfSigned: LabCert; bad995: LabCert };
  dir: string;
  stop(): Promise<void>;
}

/** The DNS zones: MX, A, TLSA and PTR for both hosts. */
export function smtpLabZones(goodAddress: string, badAddress: string, goodDer: Buffer, caDer: Buffer): LabZone[] {
  const L = SMTP_LAB;
  const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' });
  return [
    {
      origin: L.good,
      records: ['@ MX 10 mx', `mx A ${goodAddress}`, `@ TXT ${txt('v=spf1 mx -all')}`, `_25._tcp.mx TLSA 3 1 1 ${tlsaHash(goodDer, 1)}`, `_25._tcp.mx TLSA 2 0 1 ${tlsaHash(caDer, 0)}`],
    },
    {
      origin: L.bad,
      records: ['@ MX 10 mx', `mx A ${badAddress}`, `@ TXT ${txt('v=spf1 mx -all')}`, `_25._tcp.mx TLSA 3 1 1 ${createHash('sha256').update(otherKey).digest('hex')}`],
    },
    { origin: reverseZone(goodAddress), records: [`@ PTR ${L.goodMx}.`] },
    { origin: reverseZone(badAddress), records: [`@ PTR ${L.badMx}.`] },
  ];
}

/** Both mail hosts, their servers and the DNS (about 3–5 s). `extraZones` are served by the same knotd. */
export async function startMailTlsLab(extraZones: LabZone[] = []): Promise<MailTlsLab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-smtp-lab-'));
  fs.chmodSync(dir, 0o755);
  const hosts: LabHost[] = [];
  let dns: LabDns | null = null;
  try {
    const ca = makeLabCa(path.join(dir, 'ca'));
    const L = SMTP_LAB;
    const certs = {
      good: ca.issue('good', L.goodMx),
      badSmtp: ca.issue('bad-smtp', L.wrongCertName, { days: 10 }),
      expired: ca.issue('expired', L.badMx, { days: -1 }),
      selfSigned: ca.issue('self-signed', L.badMx, { selfSigned: true }),
      bad995: ca.issue('bad-995', L.badMx),
    };
    const [good, bad] = await Promise.all([createLabHost({ scenario: 'hardened' }), createLabHost({ scenario: 'hardened' })]);
    hosts.push(good!, bad!);
    await Promise.all([
      startTlsPostfix(good!, dir, {
        hostname: L.goodMx,
        cert: certs.good,
        submissionTls: true,
        openRelay: false,
        extra: 'smtpd_tls_protocols = >=TLSv1.2\nsmtpd_tls_mandatory_protocols = >=TLSv1.2\nsmtpd_tls_exclude_ciphers = aNULL, eNULL',
      }),
      startTlsServer(good!, 993, certs.good, ['-min_protocol', 'TLSv1.2']),
      startTlsPostfix(bad!, dir, { hostname: L.wrongBanner, cert: certs.badSmtp, cert465: certs.expired, submissionTls: false, openRelay: true }),
      startTlsServer(bad!, 993, certs.selfSigned),
      startTlsServer(bad!, 995, certs.bad995, ['-min_protocol', 'TLSv1', '-cipher', 'ALL:aNULL:eNULL:@SECLEVEL=0']),
    ]);
    dns = await startLabDns([...smtpLabZones(good!.address, bad!.address, certs.good.der, ca.der), ...extraZones]);
    const d = dns;
    return {
      good: good!,
      bad: bad!,
      dns: d,
      ca,
      certs,
      dir,
      stop: async () => {
        await Promise.all([d.stop(), ...hosts.map((h) => destroyLabHost(h))]);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await Promise.all([dns?.stop(), ...hosts.map((h) => destroyLabHost(h))]);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
