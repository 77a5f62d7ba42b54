// The SMTP/TLS probes (I/O): for each planned host and port, a handshake as a client would make
// it (SMTP greeting, EHLO, STARTTLS on 25/587 and other SMTP ports; TLS at once on 465/993/995),
// then, when TLS works, handshakes pinned to TLS 1.0, to TLS 1.1 and to weak cipher suites only;
// and, with --open-relay-test, the relay dialogue against the named hosts (stopped before DATA).
//
// Verification: the chain is checked against Node's bundled CAs, the system store,
// NODE_EXTRA_CA_CERTS and an optional extra PEM (the lab's throwaway CA) — per connection, never
// by turning verification off globally. The handshake itself does not reject (rejectUnauthorized
// false) so that a bad certificate is observed and reported instead of ending the probe; the name
// is checked separately with tls.checkServerIdentity.
//
// Legacy and weak probes: Node's OpenSSL refuses TLS 1.0/1.1 at its default security level, so
// those probes alone lower it (`ciphers: 'DEFAULT:@SECLEVEL=0'`). The weak-cipher probe offers
// only anonymous (aNULL) and unencrypted (eNULL) suites at TLS <= 1.2: Node's OpenSSL build has no
// RC4, DES, 3DES or EXPORT suites to offer, so a server accepting only those is not detected.
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { addressLiteral, ehloKeywords, SmtpConnection, SmtpError, type SmtpReply } from './smtp';
import { portMode, RELAY_FROM, RELAY_TO, type CertInfo, type HandshakeTry, type PortProbe, type RelayProbe, type SmtpFacts, type SmtpPlan, type SmtpTarget, type TlsInfo } from './smtpFacts';
import { runPool } from '../audit/pool';

export const DEFAULT_PROBE_TIMEOUT_MS = 5000;
export const DEFAULT_PROBE_CONCURRENCY = 24;
export const LEGACY_CIPHERS = 'DEFAULT:@SECLEVEL=0';
export const WEAK_CIPHERS = 'aNULL:eNULL:@SECLEVEL=0';

export interface SmtpProbeOptions {
  /** Extra trusted CA certificates (PEM), on top of the bundled and system ones. */
  extraCaPem?: string | undefined;
  /** Per connection, from connect to the end of the dialogue. */
  timeoutMs?: number | undefined;
  concurrency?: number | undefined;
  /** Cancels every probe in flight (sockets destroyed at once). */
  signal?: AbortSignal | undefined;
}

let defaultCas: string[] | null = null;
function trustedCas(extra?: string): string[] {
  // 'default' is Node's bundle plus NODE_EXTRA_CA_CERTS; 'system' the OS store.
  defaultCas ??= [...new Set([...tls.getCACertificates('default'), ...tls.getCACertificates('system')])];
  return extra ? [...defaultCas, extra] : defaultCas;
}

function certInfo(der: Buffer): CertInfo {
  const c = new X509Certificate(der);
  const cn = (dn: string): string => /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1] ?? dn.replace(/\n/g, ', ');
  return {
    subject: cn(c.subject),
    altNames: (c.subjectAltName ?? '').split(/,\s*/).filter(Boolean),
    issuer: cn(c.issuer),
    notBefore: new Date(c.validFrom).toISOString(),
    notAfter: new Date(c.validTo).toISOString(),
    sha256: c.fingerprint256.replace(/:/g, '').toLowerCase(),
    der: der.toString('base64'),
  };
}

function tlsInfo(sock: tls.TLSSocket, target: SmtpTarget): TlsInfo {
  const peer = sock.getPeerCertificate(true);
  const chain: CertInfo[] = [];
  const seen = new Set<string>();
  for (let c: tls.DetailedPeerCertificate | undefined = peer; c && c.raw && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
    seen.add(c.fingerprint256);
    chain.push(certInfo(c.raw));
  }
  let nameMatch: boolean | null = null;
  let nameError: string | null = null;
  if (!target.byAddress && peer.raw) {
    const err = tls.checkServerIdentity(target.host, peer);
    nameMatch = !err;
    nameError = err ? err.message : null;
  }
  const cipher = sock.getCipher();
  return {
    protocol: sock.getProtocol(),
    cipher: cipher?.standardName ?? cipher?.name ?? null,
    authorized: sock.authorized,
    authorizationError: sock.authorized ? null : String(sock.authorizationError ?? 'not verified'),
    nameMatch,
    nameError,
    chain,
  };
}

type Dialogue = { state: 'tls'; sock: tls.TLSSocket; conn: SmtpConnection; greeting: string | null; ehlo: string[] | null } | { state: Exclude<PortProbe['state'], 'tls'>; message: string; greeting: string | null; ehlo: string[] | null };

const replyText = (r: SmtpReply): string => `${r.code} ${r.lines.join(' / ')}`.slice(0, 300);

function connectFailure(e: unknown): { state: Exclude<PortProbe['state'], 'tls'>; message: string } {
  if (e instanceof SmtpError) {
    if (e.code === 'REFUSED') return { state: 'closed', message: e.message };
    if (e.code === 'UNREACHABLE') return { state: 'unreachable', message: e.message };
    if (e.code === 'TIMEOUT') return { state: 'timeout', message: e.message };
    return { state: 'error', message: e.message };
  }
  return { state: 'error', message: (e as Error).message };
}

/** Connects and gets to an established TLS session the way the port expects (or says why not). */
async function openTls(target: SmtpTarget, tlsOptions: tls.ConnectionOptions, timeoutMs: number, signal?: AbortSignal): Promise<Dialogue> {
  const deadline = Date.now() + timeoutMs;
  if (portMode(target.port) === 'implicit') {
    let conn: SmtpConnection;
    try {
      conn = await SmtpConnection.connect({ address: target.address, port: target.port, deadline, implicitTls: tlsOptions, signal });
    } catch (e) {
      // A refused TCP connection is "closed"; a connection that fails during the handshake is a TLS failure.
      const f = connectFailure(e);
      if (f.state === 'error' || (e instanceof SmtpError && e.code === 'CLOSED')) return { state: 'tls-failed', message: `TLS handshake failed: ${f.message}`, greeting: null, ehlo: null };
      return { ...f, greeting: null, ehlo: null };
    }
    return { state: 'tls', sock: conn.socket as tls.TLSSocket, conn, greeting: null, ehlo: null };
  }
  let conn: SmtpConnection;
  try {
    conn = await SmtpConnection.connect({ address: target.address, port: target.port, deadline, signal });
  } catch (e) {
    return { ...connectFailure(e), greeting: null, ehlo: null };
  }
  let greeting: string | null = null;
  let ehlo: string[] | null = null;
  try {
    const hello = await conn.readReply();
    greeting = hello.lines[0] ?? '';
    if (hello.code !== 220) {
      await conn.quit();
      return { state: 'smtp-error', message: `greeting ${replyText(hello)}`, greeting, ehlo };
    }
    const e = await conn.command(`EHLO ${addressLiteral(conn.socket.localAddress)}`);
    if (e.code !== 250) {
      await conn.quit();
      return { state: 'smtp-error', message: `EHLO answered ${replyText(e)}`, greeting, ehlo };
    }
    ehlo = ehloKeywords(e);
    if (!ehlo.includes('STARTTLS')) {
      await conn.quit();
      return { state: 'no-starttls', message: 'STARTTLS is not among the EHLO keywords', greeting, ehlo };
    }
    const st = await conn.command('STARTTLS');
    if (st.code !== 220) {
      await conn.quit();
      return { state: 'tls-failed', message: `STARTTLS answered ${replyText(st)}`, greeting, ehlo };
    }
    if (conn.pendingInput) {
      conn.close();
      return { state: 'tls-failed', message: 'the server sent data after its STARTTLS reply, before the handshake (RFC 3207 §4.2)', greeting, ehlo };
    }
    const sock = await conn.startTls(tlsOptions);
    return { state: 'tls', sock, conn, greeting, ehlo };
  } catch (e) {
    conn.close();
    const f = connectFailure(e);
    if (e instanceof SmtpError && e.code === 'PROTOCOL' && /TLS handshake/.test(e.message)) return { state: 'tls-failed', message: e.message, greeting, ehlo };
    return { ...f, state: f.state === 'error' ? 'smtp-error' : f.state, greeting, ehlo };
  }
}

/** One pinned handshake: accepted, refused by the server, or not decidable (timeout, port gone). */
async function tryHandshake(target: SmtpTarget, tlsOptions: tls.ConnectionOptions, timeoutMs: number, signal?: AbortSignal): Promise<HandshakeTry> {
  let d: Dialogue;
  try {
    d = await openTls(target, tlsOptions, timeoutMs, signal);
  } catch (e) {
    return { result: 'error', message: (e as Error).message };
  }
  if (d.state === 'tls') {
    const r: HandshakeTry = { result: 'accepted', protocol: d.sock.getProtocol() ?? '?', cipher: d.sock.getCipher()?.standardName ?? d.sock.getCipher()?.name ?? '?' };
    await end(target, d.conn);
    return r;
  }
  if (d.state === 'tls-failed') return { result: 'refused', message: d.message };
  return { result: 'error', message: `${d.state}: ${d.message}` };
}

/**
 * The TLS client contexts of one probe run, built once: parsing the ~150 trusted CAs for every
 * connection costs tens of milliseconds each. Only the legacy and weak contexts lower OpenSSL's
 * security level.
 */
export interface ProbeContexts {
  normal: tls.SecureContext;
  tls10: tls.SecureContext;
  tls11: tls.SecureContext;
  weak: tls.SecureContext;
}

const contextCache = new Map<string, ProbeContexts>();

export function probeContexts(extraCaPem?: string): ProbeContexts {
  const cached = contextCache.get(extraCaPem ?? '');
  if (cached) return cached;
  const ca = trustedCas(extraCaPem);
  const made: ProbeContexts = {
    normal: tls.createSecureContext({ ca }),
    tls10: tls.createSecureContext({ ca, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: LEGACY_CIPHERS }),
    tls11: tls.createSecureContext({ ca, minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: LEGACY_CIPHERS }),
    weak: tls.createSecureContext({ ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: WEAK_CIPHERS }),
  };
  // A handful of CA sets at most per process (the app's runs share one).
  if (contextCache.size >= 4) contextCache.clear();
  contextCache.set(extraCaPem ?? '', made);
  return made;
}

/** SMTP sessions end with QUIT; IMAPS/POP3S/465 sessions are simply closed (no SMTP greeting was read). */
async function end(target: SmtpTarget, conn: SmtpConnection): Promise<void> {
  if (portMode(target.port) === 'implicit') conn.close();
  else await conn.quit();
}

export async function probePort(target: SmtpTarget, opts: SmtpProbeOptions = {}, contexts: ProbeContexts = probeContexts(opts.extraCaPem)): Promise<PortProbe> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const started = performance.now();
  const base: tls.ConnectionOptions = {
    secureContext: contexts.normal,
    rejectUnauthorized: false,
    // The name is checked on its own (tlsInfo), so `authorized` speaks of the chain only.
    checkServerIdentity: () => undefined,
    ...(target.byAddress ? {} : { servername: target.host }),
  };
  const out: PortProbe = { ...target, mode: portMode(target.port), state: 'error', message: null, greeting: null, ehlo: null, tls: null, legacy: null, weakCiphers: null, ms: 0 };
  const d = await openTls(target, base, timeoutMs, opts.signal);
  out.greeting = d.greeting;
  out.ehlo = d.ehlo;
  if (d.state !== 'tls') {
    out.state = d.state;
    out.message = d.message;
    out.ms = Math.round(performance.now() - started);
    return out;
  }
  try {
    out.tls = tlsInfo(d.sock, target);
    out.state = 'tls';
  } catch (e) {
    out.message = `reading the certificate failed: ${(e as Error).message}`;
  } finally {
    await end(target, d.conn);
  }
  if (out.state === 'tls') {
    const [v10, v11, weak] = await Promise.all([
      tryHandshake(target, { ...base, secureContext: contexts.tls10 }, timeoutMs, opts.signal),
      tryHandshake(target, { ...base, secureContext: contexts.tls11 }, timeoutMs, opts.signal),
      tryHandshake(target, { ...base, secureContext: contexts.weak }, timeoutMs, opts.signal),
    ]);
    out.legacy = { 'TLSv1': v10, 'TLSv1.1': v11 };
    out.weakCiphers = weak;
  }
  out.ms = Math.round(performance.now() - started);
  return out;
}

/**
 * The relay dialogue: EHLO, MAIL FROM an outside address, RCPT TO an outside domain, no AUTH;
 * QUIT after the RCPT reply (no DATA, so nothing is ever sent). When the server wants STARTTLS
 * first (530), the dialogue continues inside TLS, as a relaying client would.
 */
export async function probeRelay(target: SmtpTarget, opts: SmtpProbeOptions = {}): Promise<RelayProbe> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const transcript: string[] = [];
  const out = (verdict: RelayProbe['verdict'], message: string): RelayProbe => ({ host: target.host, address: target.address, port: target.port, verdict, message, transcript });
  let conn: SmtpConnection;
  try {
    conn = await SmtpConnection.connect({
      address: target.address,
      port: target.port,
      deadline: Date.now() + timeoutMs,
      signal: opts.signal,
      ...(portMode(target.port) === 'implicit' ? { implicitTls: { rejectUnauthorized: false, ...(target.byAddress ? {} : { servername: target.host }) } } : {}),
    });
  } catch (e) {
    return out('unreachable', (e as Error).message);
  }
  const say = async (line: string): Promise<SmtpReply> => {
    transcript.push(`C: ${line}`);
    const r = await conn.command(line);
    transcript.push(...r.lines.map((l, i) => `S: ${r.code}${i === r.lines.length - 1 ? ' ' : '-'}${l}`));
    return r;
  };
  try {
    const hello = await conn.readReply();
    transcript.push(`S: ${hello.code} ${hello.lines[0] ?? ''}`);
    if (hello.code !== 220) return out('inconclusive', `greeting ${replyText(hello)}`);
    const helo = `EHLO ${addressLiteral(conn.socket.localAddress)}`;
    let e = await say(helo);
    if (e.code !== 250) return out('inconclusive', `EHLO answered ${replyText(e)}`);
    let from = await say(`MAIL FROM:<${RELAY_FROM}>`);
    if (from.code === 530 && ehloKeywords(e).includes('STARTTLS') && portMode(target.port) === 'starttls') {
      const st = await say('STARTTLS');
      if (st.code !== 220) return out('inconclusive', `the server wants STARTTLS but answered ${replyText(st)}`);
      await conn.startTls({ rejectUnauthorized: false, ...(target.byAddress ? {} : { servername: target.host }) });
      transcript.push('(TLS)');
      e = await say(helo);
      if (e.code !== 250) return out('inconclusive', `EHLO after STARTTLS answered ${replyText(e)}`);
      from = await say(`MAIL FROM:<${RELAY_FROM}>`);
    }
    if (from.code !== 250) return out('inconclusive', `MAIL FROM was not accepted (${replyText(from)}), so relaying could not be tried`);
    const rcpt = await say(`RCPT TO:<${RELAY_TO}>`);
    if (rcpt.code === 250 || rcpt.code === 251) return out('relayed', `RCPT TO <${RELAY_TO}> from <${RELAY_FROM}> without authentication: ${replyText(rcpt)}`);
    if (rcpt.code >= 500) return out('refused', `RCPT TO refused: ${replyText(rcpt)}`);
    return out('inconclusive', `RCPT TO answered ${replyText(rcpt)} (temporary: the test could not decide)`);
  } catch (e) {
    return out('inconclusive', `the dialogue broke off: ${(e as Error).message}`);
  } finally {
    await conn.quit();
    transcript.push('C: QUIT');
  }
}

/** Probes every planned port (and the relay test on named hosts when asked), bounded in time and parallelism. */
export async function probeSmtp(plan: SmtpPlan, relayTest: boolean, probeOpts: SmtpProbeOptions = {}, signal?: AbortSignal): Promise<SmtpFacts> {
  const opts: SmtpProbeOptions = { ...probeOpts, signal: signal ?? probeOpts.signal };
  const probedAt = new Date().toISOString();
  const limit = Math.max(1, opts.concurrency ?? DEFAULT_PROBE_CONCURRENCY);
  const guard = <T>(fn: () => Promise<T>, aborted: () => T): (() => Promise<T>) => () => (opts.signal?.aborted ? Promise.resolve(aborted()) : fn());
  const contexts = plan.targets.length ? probeContexts(opts.extraCaPem) : null;
  const portJobs = plan.targets.map((t) =>
    guard(
      () => probePort(t, opts, contexts!),
      (): PortProbe => ({ ...t, mode: portMode(t.port), state: 'error', message: 'cancelled', greeting: null, ehlo: null, tls: null, legacy: null, weakCiphers: null, ms: 0 }),
    ),
  );
  // The relay test goes to the named hosts only, on the port given (else 25): the planner marks them.
  const relayJobs = (relayTest ? plan.targets.filter((t) => t.relay) : []).map((t) =>
    guard(() => probeRelay(t, opts), (): RelayProbe => ({ host: t.host, address: t.address, port: t.port, verdict: 'inconclusive', message: 'cancelled', transcript: [] })),
  );
  const [ports, relay] = await Promise.all([runPool(portJobs, limit, (job) => job()), runPool(relayJobs, Math.max(1, Math.floor(limit / 4)), (job) => job())]);
  return { probedAt, ports, relay, skipped: plan.skipped, unresolved: plan.unresolved };
}
