// What a probe reads from the message a seed mailbox received: its header block (unfolded), the
// receiver's Authentication-Results (RFC 8601: several headers, comments, quoted strings, CFWS
// around "=", versions), the Received trail (hops and TLS per hop) and spam score headers.
// Pure functions: the seeds' raw headers in, plain data out; fixture tests beside this file.
import type { AuthEntry, AuthSummary, ReceivedHop, SpamHeader } from '../../shared/ipc/probe';

export interface HeaderField {
  /** Lower case. */
  name: string;
  /** Unfolded (CRLF + WSP → one space), trimmed. */
  value: string;
}

/** The header fields of a message (or of a header block alone), in order; the body is ignored. */
export function parseHeaderBlock(raw: string): HeaderField[] {
  const end = raw.search(/\r?\n\r?\n/);
  const block = end === -1 ? raw : raw.slice(0, end);
  const out: HeaderField[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && out.length) {
      out[out.length - 1]!.value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    // A line that is neither a field nor a continuation (mbox "From " lines, junk) is skipped.
    if (colon <= 0 || /[\s]/.test(line.slice(0, colon))) continue;
    out.push({ name: line.slice(0, colon).toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  for (const f of out) f.value = f.value.replace(/\s+/g, ' ').trim();
  return out;
}

/** `value` with RFC 5322 comments (nested, with quoted-pairs) replaced by one space; quoted strings kept. */
export function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth === 0 && c === '"') {
      quoted = !quoted;
      out += c;
      continue;
    }
    if (!quoted && c === '(') {
      if (depth === 0) out += ' ';
      depth++;
      continue;
    }
    if (!quoted && c === ')' && depth > 0) {
      depth--;
      continue;
    }
    if (depth === 0) out += c;
  }
  return out;
}

/** Splits on `sep` outside quoted strings. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && quoted) {
      cur += c + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts;
}

const unquote = (v: string): string => (v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v);

/** `k=v` tokens of one resinfo (whitespace around "=" allowed, values possibly quoted). */
function assignments(s: string): Array<[string, string]> | null {
  // CFWS may surround "=": glue "a = b" into "a=b" outside quotes.
  const glued = splitOutsideQuotes(s, '"')
    .map((part, i) => (i % 2 === 0 ? part.replace(/\s*=\s*/g, '=') : part))
    .join('"');
  const tokens = glued.match(/(?:[^\s"]+|"(?:[^"\\]|\\.)*")+/g) ?? [];
  const out: Array<[string, string]> = [];
  for (const t of tokens) {
    const eq = t.indexOf('=');
    if (eq <= 0) return null;
    out.push([t.slice(0, eq).toLowerCase(), unquote(t.slice(eq + 1))]);
  }
  return out;
}

/**
 * One Authentication-Results value: `authserv-id [version]; method=result reason=… ptype.prop=…; …`
 * or `authserv-id; none`. Null when it is not one (no authserv-id, a resinfo that is not `k=v`).
 */
export function parseAuthenticationResults(value: string): AuthEntry[] | null {
  const parts = splitOutsideQuotes(stripComments(value), ';').map((p) => p.trim());
  // Exchange Online writes no authserv-id ("spf=pass (…) smtp.mailfrom=…; dkim=…"): read its
  // results under an empty id rather than dropping the header.
  const head = parts[0]?.includes('=') ? '""' : (parts.shift() ?? '');
  const idMatch = /^("(?:[^"\\]|\\.)*"|[^\s"]+)(?:\s+\d+)?$/.exec(head);
  if (!idMatch) return null;
  const authservId = unquote(idMatch[1]!).toLowerCase();
  const entries: AuthEntry[] = [];
  for (const part of parts) {
    if (part === '' || part.toLowerCase() === 'none') continue;
    const kv = assignments(part);
    if (!kv || kv.length === 0) return null;
    const [methodSpec, result] = kv[0]!;
    const method = methodSpec.split('/')[0]!;
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(method) || !/^[a-z0-9_-]+$/i.test(result)) return null;
    let reason: string | null = null;
    const props: Record<string, string> = {};
    for (const [k, v] of kv.slice(1)) {
      if (k === 'reason') reason = v;
      else if (/^[a-z0-9_-]+\.[a-z0-9_.-]+$/.test(k)) props[k] = v;
      // Anything else (a vendor's bare key) is not RFC 8601; kept out rather than failing the header.
    }
    entries.push({ authservId, method, result: result.toLowerCase(), reason, props });
  }
  return entries;
}

const VERDICT_ORDER = ['pass', 'fail', 'softfail', 'neutral', 'policy', 'temperror', 'permerror', 'none'];

/** A method's verdict over all its results: pass if any passed, else the first stated one. */
function verdictOf(entries: readonly AuthEntry[], method: string): string | null {
  const rs = entries.filter((e) => e.method === method).map((e) => e.result);
  if (!rs.length) return null;
  if (rs.includes('pass')) return 'pass';
  return [...rs].sort((a, b) => rank(a) - rank(b))[0]!;
}
const rank = (r: string): number => {
  const i = VERDICT_ORDER.indexOf(r);
  return i === -1 ? VERDICT_ORDER.length : i;
};

const uniq = (xs: Iterable<string>): string[] => [...new Set(xs)];

/** The authserv-id of an Authentication-Results value (also of one that states `none`). */
const authservIdOf = (value: string): string => {
  const head = stripComments(value).split(';')[0]!.trim();
  return head.includes('=') ? '' : unquote(head.split(/\s+/)[0] ?? '').toLowerCase();
};

/**
 * The Authentication-Results headers of a message, read together. Only the receiver's own count:
 * those whose authserv-id is in `trustedAuthservIds` (lower case) or, when none are given, the
 * id of the topmost header — the final receiver adds its headers above everything that came
 * with the message, so results written on the way (the sender's own milters, a relay) are left out.
 * Received-SPF fills in the SPF verdict when no Authentication-Results states one.
 */
export function summariseAuth(fields: readonly HeaderField[], trustedAuthservIds: readonly string[] = []): AuthSummary {
  const entries: AuthEntry[] = [];
  const unparsed: string[] = [];
  const headers = fields.filter((f) => f.name === 'authentication-results');
  const trusted = trustedAuthservIds.length ? trustedAuthservIds : headers.length ? [authservIdOf(headers[0]!.value)] : [];
  for (const f of headers) {
    if (!trusted.includes(authservIdOf(f.value))) continue;
    const parsed = parseAuthenticationResults(f.value);
    if (!parsed) {
      unparsed.push(f.value.slice(0, 200));
      continue;
    }
    entries.push(...parsed);
  }
  let spf = verdictOf(entries, 'spf');
  if (spf === null) {
    const rspf = fields.find((f) => f.name === 'received-spf');
    const word = rspf ? /^\s*([a-z]+)/i.exec(rspf.value)?.[1]?.toLowerCase() : undefined;
    if (word && VERDICT_ORDER.includes(word)) spf = word;
  }
  const dkim = entries.filter((e) => e.method === 'dkim');
  return {
    spf,
    dkim: verdictOf(entries, 'dkim'),
    dmarc: verdictOf(entries, 'dmarc'),
    dkimDomains: uniq(dkim.map((e) => e.props['header.d']).filter((v): v is string => !!v).map((v) => v.toLowerCase())),
    dkimSelectors: uniq(dkim.map((e) => e.props['header.s']).filter((v): v is string => !!v)),
    spfMailFrom: uniq(entries.filter((e) => e.method === 'spf').map((e) => e.props['smtp.mailfrom']).filter((v): v is string => !!v).map((v) => v.toLowerCase())),
    entries,
    unparsed,
  };
}

const TLS_WITH = /^(esmtps|esmtpsa|lmtps|lmtpsa|utf8smtps|utf8smtpsa|utf8lmtps|utf8lmtpsa|smtps|imaps|https)$/i;

/** One Received header: from / by / with, and whether the hop used TLS. */
export function parseReceived(value: string): ReceivedHop {
  const bare = stripComments(value.split(';').slice(0, -1).join(';') || value);
  const word = (kw: string): string | null => new RegExp(`(?:^|\\s)${kw}\\s+([^\\s;]+)`, 'i').exec(bare)?.[1] ?? null;
  const withProto = word('with');
  const using = /\busing\s+(TLSv?[\d.]+|SSLv?[\d.]+)/i.exec(value)?.[1] ?? null;
  const version = using ?? /\bversion=(TLS[\w.]+)/i.exec(value)?.[1] ?? /\b(TLSv1(?:\.[0-3])?|TLS1_[0-3])\b/.exec(value)?.[1] ?? null;
  const tls = Boolean((withProto && TLS_WITH.test(withProto)) || using || /\btls=|\bversion=TLS|\bcipher=|\bTLS_[A-Z0-9_]+\b/i.test(value));
  return { from: word('from'), by: word('by'), with: withProto, tls, tlsVersion: version };
}

export function receivedTrail(fields: readonly HeaderField[]): { hops: ReceivedHop[]; tlsHops: number } {
  const hops = fields.filter((f) => f.name === 'received').map((f) => parseReceived(f.value));
  return { hops, tlsHops: hops.filter((h) => h.tls).length };
}

const SPAM_HEADERS = new Set(['x-spam-status', 'x-spam-score', 'x-spam-level', 'x-spam-flag', 'x-spamd-result', 'x-spamd-bar', 'x-rspamd-score', 'x-spam', 'x-spam-result', 'x-rspamd-action']);

function scoreOf(name: string, value: string): number | null {
  const num = (s: string | undefined): number | null => (s !== undefined && Number.isFinite(Number(s)) ? Number(s) : null);
  if (name === 'x-spam-status') return num(/\bscore=(-?\d+(?:\.\d+)?)/i.exec(value)?.[1]);
  if (name === 'x-spamd-result') return num(/\[\s*(-?\d+(?:\.\d+)?)\s*\/\s*-?\d+(?:\.\d+)?\s*\]/.exec(value)?.[1]);
  if (name === 'x-spam-score' || name === 'x-rspamd-score') return num(/^\s*(-?\d+(?:\.\d+)?)/.exec(value)?.[1]);
  return null;
}

/** The spam filter's headers (SpamAssassin, rspamd), with the score each states. */
export function spamHeaders(fields: readonly HeaderField[]): SpamHeader[] {
  return fields.filter((f) => SPAM_HEADERS.has(f.name)).map((f) => ({ header: f.name, value: f.value.slice(0, 300), score: scoreOf(f.name, f.value) }));
}

export interface MessageAnalysis {
  auth: AuthSummary;
  hops: ReceivedHop[];
  tlsHops: number;
  spam: SpamHeader[];
}

/** Everything a probe reads from a received message's headers. */
export function analyseMessage(rawHeaders: string, trustedAuthservIds: readonly string[] = []): MessageAnalysis {
  const fields = parseHeaderBlock(rawHeaders);
  const { hops, tlsHops } = receivedTrail(fields);
  return { auth: summariseAuth(fields, trustedAuthservIds), hops, tlsHops, spam: spamHeaders(fields) };
}
