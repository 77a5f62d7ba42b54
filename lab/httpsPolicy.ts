// A lab HTTPS server for MTA-STS policies (RFC 8461 §3.3): one Node process inside a lab host's
// network namespace, listening on the host's lab address port 443, choosing the certificate by
// SNI and the answer by Host header, so one server plays every policy host of the tests (good,
// redirecting, badly certified, testing mode, wrong media type). Certificates come from a
// throwaway CA made with openssl at test time (lab/httpsPolicy.ts makeLabCa); a second CA that the
// client does not trust signs the "bad certificate" site. Teardown is the lab host's
// (destroyLabHost kills every process in the namespace).
//
// Network rule: listens only on the lab address of its own namespace.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { LabHost } from './lab';
import { sleep } from './proc';

export interface LabCa {
  dir: string;
  certFile: string;
  keyFile: string;
  /** PEM of the CA certificate (what the client adds to its trust). */
  pem: string;
}

export interface LabCert {
  cert: string;
  key: string;
}

const OPENSSL = '/usr/bin/openssl';

function openssl(args: string[], cwd: string): void {
  execFileSync(OPENSSL, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

/** A throwaway CA (EC P-256, valid for a day) in `dir`. */
export function makeLabCa(dir: string, name: string): LabCa {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile], dir);
  openssl(['req', '-x509', '-new', '-key', keyFile, '-out', certFile, '-days', '1', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return { dir, certFile, keyFile, pem: readFileSync(certFile, 'utf8') };
}

/** A server certificate for `names` (subjectAltName DNS), signed by `ca`. */
export function issueLabCert(ca: LabCa, names: readonly string[]): LabCert {
  const base = join(ca.dir, names[0]!.replace(/[^a-z0-9.-]/gi, '_'));
  const ext = `${base}.ext`;
  writeFileSync(ext, `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${base}.key`], ca.dir);
  openssl(['req', '-new', '-key', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${names[0]}`], ca.dir);
  openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-out', `${base}.crt`, '-days', '1', '-extfile', ext], ca.dir);
  return { cert: readFileSync(`${base}.crt`, 'utf8'), key: readFileSync(`${base}.key`, 'utf8') };
}

export interface LabHttpsSite {
  /** The host name (SNI and Host header), e.g. "mta-sts.good.test". */
  name: string;
  tls: LabCert;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Never answer (the client's time bound is tested). */
  hang?: boolean;
}

export interface LabHttpsServer {
  address: string;
  port: 443;
  /** Requests served so far are logged here (one JSON line each). */
  logFile: string;
}

// Runs inside the namespace; reads its config (sites) from the file given as its argument.
const SERVER_SCRIPT = `
import https from 'node:https';
import tls from 'node:tls';
import { appendFileSync, readFileSync } from 'node:fs';
const conf = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const contexts = new Map(conf.sites.map((s) => [s.name, tls.createSecureContext({ cert: s.tls.cert, key: s.tls.key })]));
const sites = new Map(conf.sites.map((s) => [s.name, s]));
const server = https.createServer({ cert: conf.sites[0].tls.cert, key: conf.sites[0].tls.key, SNICallback: (name, cb) => cb(null, contexts.get(name.toLowerCase()) ?? contexts.values().next().value) }, (req, res) => {
  const host = String(req.headers.host ?? '').toLowerCase().replace(/:443$/, '');
  appendFileSync(conf.log, JSON.stringify({ host, url: req.url, sni: req.socket.servername ?? null }) + '\\n');
  const site = sites.get(host);
  if (!site || req.url !== '/.well-known/mta-sts.txt') { res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found\\n'); return; }
  if (site.hang) return;
  res.writeHead(site.status, site.headers);
  res.end(site.body);
});
server.listen(443, conf.address);
`;

/** Starts the policy server in `host`'s namespace on its lab address, port 443. */
export async function startLabHttps(host: LabHost, sites: readonly LabHttpsSite[]): Promise<LabHttpsServer> {
  if (!sites.length) throw new Error('startLabHttps: no site');
  const dir = join(host.stateDir, 'https');
  mkdirSync(dir, { recursive: true });
  const script = join(dir, 'server.mjs');
  const confFile = join(dir, 'sites.json');
  const logFile = join(dir, 'requests.log');
  writeFileSync(script, SERVER_SCRIPT);
  writeFileSync(logFile, '');
  writeFileSync(confFile, JSON.stringify({ address: host.address, log: logFile, sites: sites.map((s) => ({ ...s, name: s.name.toLowerCase() })) }), { mode: 0o600 });
  const errFd = openSync(join(dir, 'server.err'), 'a');
  const child = spawn('ip', ['netns', 'exec', host.name, process.execPath, script, confFile], { stdio: ['ignore', errFd, errFd], detached: true });
  child.unref();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((ok) => {
      const s = net.connect({ host: host.address, port: 443 });
      s.setTimeout(300, () => (s.destroy(), ok(false)));
      s.on('connect', () => (s.destroy(), ok(true)));
      s.on('error', () => ok(false));
    });
    if (up) break;
    if (Date.now() > deadline) throw new Error(`the lab HTTPS server in ${host.name} did not listen within 10 s: ${readFileSync(join(dir, 'server.err'), 'utf8').slice(-500)}`);
    await sleep(100);
  }
  return { address: host.address, port: 443, logFile };
}

/** The requests the server saw (host, path, SNI). */
export function labHttpsRequests(s: LabHttpsServer): Array<{ host: string; url: string; sni: string | null }> {
  return readFileSync(s.logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { host: string; url: string; sni: string | null });
}
