// MTA-STS policies (RFC 8461 §3.2/§3.3/§4.1): the parser, MX pattern matching and the HTTPS
// fetch. Plain Node (no Electron).
//
// The fetch follows what a sending MTA does: the name mta-sts.<domain> is resolved through the
// audit's own resolver (so --resolver is honoured and the lookups are counted), the connection
// goes to that address with SNI and certificate name = mta-sts.<domain>, the certificate must
// chain to a trusted CA (Node's bundled and the system's CAs, NODE_EXTRA_CA_CERTS, plus an extra
// PEM given by the caller — the lab's throwaway CA), redirects are not followed (§3.3: "HTTP 3xx
// redirects MUST NOT be followed"), only 200 with media type text/plain is a policy, and the body
// and the whole exchange are bounded in size and time.
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { MailResolver } from './resolver';

/** RFC 8461 §3.2: max_age is at most 31557600 s (about a year). */
export const MAX_AGE_LIMIT_S = 31_557_600;
/** Below a day a policy lapses between a sender's visits: warn (RFC 8461 §3.2 recommends weeks). */
export const MAX_AGE_WARN_S = 86_400;
/** RFC 8461 §3.3 suggests senders limit the body to 64 KiB. */
export const MAX_POLICY_BYTES = 64 * 1024;
export const DEFAULT_POLICY_TIMEOUT_MS = 5000;

export interface MtaStsPolicy {
  version: string | null;
  mode: string | null;
  maxAge: number | null;
  mx: string[];
  /** Lines that are not `key: value`, unknown modes, bad numbers, missing fields. */
  errors: string[];
}

/** RFC 8461 §3.2: CRLF- (or LF-) separated `key: value` lines; mx may repeat; unknown keys ignored. */
export function parseMtaStsPolicy(text: string): MtaStsPolicy {
  const p: MtaStsPolicy = { version: null, mode: null, maxAge: null, mx: [], errors: [] };
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const m = /^([A-Za-z0-9_]+)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!m) {
      p.errors.push(`line ${i + 1} is not "key: value": ${JSON.stringify(line.slice(0, 80))}`);
      return;
    }
    const key = m[1]!;
    const value = m[2]!.trim();
    if (key !== 'mx' && seen.has(key)) p.errors.push(`${key} given more than once (the first is used)`);
    const first = !seen.has(key);
    seen.add(key);
    if (key === 'version' && first) p.version = value;
    else if (key === 'mode' && first) p.mode = value;
    else if (key === 'max_age' && first) {
      if (/^\d{1,10}$/.test(value)) p.maxAge = Number(value);
      else p.errors.push(`max_age: ${JSON.stringify(value)} is not a number of seconds`);
    } else if (key === 'mx') {
      if (/^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/.test(value)) p.mx.push(value.toLowerCase().replace(/\.$/, ''));
      else p.errors.push(`mx: ${JSON.stringify(value)} is not a host name or *.pattern`);
    }
  });
  if (p.version !== 'STSv1') p.errors.push(p.version === null ? 'the version: field is missing' : `version: ${p.version} (must be STSv1)`);
  if (p.mode === null) p.errors.push('the mode: field is missing');
  else if (!['enforce', 'testing', 'none'].includes(p.mode)) p.errors.push(`mode: ${p.mode} (must be enforce, testing or none)`);
  if (p.maxAge === null && !p.errors.some((e) => e.startsWith('max_age'))) p.errors.push('the max_age: field is missing');
  if (!p.mx.length && p.mode !== 'none') p.errors.push('no mx: line (every MX would fail the policy)');
  return p;
}

/**
 * RFC 8461 §4.1: a pattern matches the MX name exactly, or "*.example.com" matches exactly one
 * leftmost label ("mx.example.com", not "a.b.example.com" nor "example.com").
 */
export function mxPatternMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

/** What the fetch got: a policy, or why there is none (each a different finding). */
export type MtaStsFetch =
  | { kind: 'policy'; url: string; address: string; contentType: string; bytes: number; text: string; policy: MtaStsPolicy; ms: number }
  | { kind: 'unresolved'; url: string; message: string }
  | { kind: 'connect'; url: string; address: string; message: string }
  | { kind: 'certificate'; url: string; address: string; code: string; message: string }
  | { kind: 'redirect'; url: string; address: string; status: number; location: string | null }
  | { kind: 'http-status'; url: string; address: string; status: number }
  | { kind: 'content-type'; url: string; address: string; contentType: string }
  | { kind: 'too-large'; url: string; address: string; limitBytes: number }
  | { kind: 'timeout'; url: string; address: string; timeoutMs: number }
  /** Fetching was turned off by the caller: the policy checks do not apply. */
  | { kind: 'disabled'; url: string };

export interface PolicyFetchOptions {
  /** Extra trusted CA certificates (PEM), on top of the bundled and system ones. */
  extraCaPem?: string | undefined;
  timeoutMs?: number | undefined;
  maxBytes?: number | undefined;
}

export const policyUrl = (domain: string): string => `https://mta-sts.${domain}/.well-known/mta-sts.txt`;

let defaultCas: string[] | null = null;
function trustedCas(extra?: string): string[] {
  // 'default' is Node's bundle plus NODE_EXTRA_CA_CERTS; 'system' the OS store.
  // (A runtime without getCACertificates, Node < 22.15, gets the bundled list only.)
  defaultCas ??= typeof tls.getCACertificates === 'function' ? [...new Set([...tls.getCACertificates('default'), ...tls.getCACertificates('system')])] : [...tls.rootCertificates];
  return extra ? [...defaultCas, extra] : defaultCas;
}

const CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
]);

/** Resolves mta-sts.<domain> through the audit's resolver (A first, then AAAA), then fetches the policy. */
export async function fetchMtaStsPolicy(domain: string, resolver: MailResolver, opts: PolicyFetchOptions = {}): Promise<MtaStsFetch> {
  const name = `mta-sts.${domain}`;
  const url = policyUrl(domain);
  const [a, aaaa] = await Promise.all([resolver.query(name, 'A'), resolver.query(name, 'AAAA')]);
  const address = [a, aaaa].flatMap((r) => (r.kind === 'answer' ? r.data.filter((x) => net.isIP(x)) : []))[0];
  if (!address) {
    const why = a.kind === 'nxdomain' ? 'NXDOMAIN (the name does not exist)' : a.kind === 'error' ? `lookup failed: ${a.code}` : 'no A or AAAA record';
    return { kind: 'unresolved', url, message: `${name}: ${why}` };
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_POLICY_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? MAX_POLICY_BYTES;
  const started = performance.now();
  return new Promise<MtaStsFetch>((resolve) => {
    let done = false;
    const finish = (r: MtaStsFetch): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    let req: ReturnType<typeof https.request>;
    try {
      req = https.request({
        host: address,
        port: 443,
        method: 'GET',
        path: '/.well-known/mta-sts.txt',
        // SNI and the certificate's name are mta-sts.<domain>, not the address connected to.
        servername: name,
        headers: { host: name, 'user-agent': 'rampart-mail-audit', accept: 'text/plain' },
        ca: trustedCas(opts.extraCaPem),
        rejectUnauthorized: true,
        agent: false,
      });
    } catch (e) {
      // Bad options (an unreadable extra CA…) are this fetch's failure, not the audit's.
      resolve({ kind: 'connect', url, address, message: (e as Error).message });
      return;
    }
    const timer = setTimeout(() => finish({ kind: 'timeout', url, address, timeoutMs }), timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? '';
      if (CERT_CODES.has(code) || /certificate/i.test(e.message)) finish({ kind: 'certificate', url, address, code, message: e.message });
      else finish({ kind: 'connect', url, address, message: `${code || 'error'}: ${e.message}` });
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) return finish({ kind: 'redirect', url, address, status, location: typeof res.headers.location === 'string' ? res.headers.location : null });
      if (status !== 200) return finish({ kind: 'http-status', url, address, status });
      const contentType = String(res.headers['content-type'] ?? '');
      // §3.3: the media type is text/plain (parameters such as charset allowed).
      if (contentType.split(';')[0]!.trim().toLowerCase() !== 'text/plain') return finish({ kind: 'content-type', url, address, contentType });
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (declared > maxBytes) return finish({ kind: 'too-large', url, address, limitBytes: maxBytes });
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (d: Buffer) => {
        bytes += d.length;
        if (bytes > maxBytes) return finish({ kind: 'too-large', url, address, limitBytes: maxBytes });
        chunks.push(d);
      });
      res.on('error', (e) => finish({ kind: 'connect', url, address, message: e.message }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        finish({ kind: 'policy', url, address, contentType, bytes, text, policy: parseMtaStsPolicy(text), ms: Math.round(performance.now() - started) });
      });
    });
    req.end();
  });
}

/** One line for evidence: why there is no policy. */
export function describeFetch(f: MtaStsFetch): string {
  switch (f.kind) {
    case 'policy':
      return `${f.url}: ${f.bytes} bytes of ${f.contentType}`;
    case 'unresolved':
      return `${f.url}: ${f.message}`;
    case 'connect':
      return `${f.url} (${f.address}): could not connect: ${f.message}`;
    case 'certificate':
      return `${f.url} (${f.address}): the certificate is not valid for mta-sts (${f.code || 'TLS'}: ${f.message})`;
    case 'redirect':
      return `${f.url} (${f.address}): HTTP ${f.status} redirect${f.location ? ` to ${f.location}` : ''}; senders do not follow redirects (RFC 8461 §3.3)`;
    case 'http-status':
      return `${f.url} (${f.address}): HTTP ${f.status} (a policy needs 200)`;
    case 'content-type':
      return `${f.url} (${f.address}): Content-Type ${JSON.stringify(f.contentType)} (must be text/plain)`;
    case 'too-large':
      return `${f.url} (${f.address}): larger than ${f.limitBytes} bytes`;
    case 'timeout':
      return `${f.url} (${f.address}): no complete answer within ${f.timeoutMs} ms`;
    case 'disabled':
      return `${f.url}: not fetched`;
  }
}
