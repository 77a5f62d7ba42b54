// DKIM keys of the linked mail host, read over SSH (read-only, as root through the profile's sudo):
// the selectors and private-key paths from OpenDKIM (opendkim.conf, KeyTable, SigningTable) and
// rspamd (local.d/ and override.d/dkim_signing.conf), and, per key, its PUBLIC key computed on the
// host with `openssl pkey -pubout`. The private key never leaves the server: only the public key
// (PEM) comes back, and it is compared with the selector's DNS p= by the MAIL-DKIM-HOST-* checks.
// Mailcow keeps its DKIM keys in Redis, not in files: its config is reported, its keys are not read.
//
// Every path read from the host's files is quoted with shQuote before it goes into a command.
import { createPublicKey, randomBytes } from 'node:crypto';
import { shQuote } from '../ssh/quote';
import { execPrivileged, type CommandRunner, type SudoSpec } from '../ssh/sudo';

export type DkimSource = 'opendkim' | 'rspamd';

export interface HostDkimKey {
  selector: string;
  domain: string;
  source: DkimSource;
  /** The config file that names the key. */
  config: string;
  keyPath: string;
  /** Base64 SPKI DER of the public key, computed on the host; null when it could not be. */
  publicKey: string | null;
  keyType: string | null;
  bits: number | null;
  /** Why there is no public key (file missing, not a key). */
  problem: string | null;
}

export interface HostDkim {
  /** The host profile's name. */
  host: string;
  keys: HostDkimKey[];
  /** Config files found on the host. */
  configs: string[];
  /** What could not be read or understood (one line each). */
  problems: string[];
}

export const OPENDKIM_CONF = '/etc/opendkim.conf';
export const RSPAMD_CONFS = ['/etc/rspamd/local.d/dkim_signing.conf', '/etc/rspamd/override.d/dkim_signing.conf'] as const;
export const MAILCOW_CONF = '/opt/mailcow-dockerized/data/conf/rspamd/local.d/dkim_signing.conf';
/** Bytes read per config file at most. */
const MAX_FILE_BYTES = 256 * 1024;

// ---------------------------------------------------------------- parsers (pure)

const stripComment = (line: string): string => line.replace(/(^|\s)#.*$/, '').trim();

/** opendkim.conf: `Key value` lines; keys case-insensitive (opendkim.conf(5)). */
export function parseOpendkimConf(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = stripComment(raw);
    const kv = /^(\S+)\s+(.+)$/.exec(line);
    if (kv && !m.has(kv[1]!.toLowerCase())) m.set(kv[1]!.toLowerCase(), kv[2]!.trim());
  }
  return m;
}

/** A dataset name ("refile:/etc/x", "file:/etc/x", "/etc/x") → its file, or null for db:, ldap:, csl:… */
export function datasetFile(spec: string): string | null {
  const m = /^(?:(refile|file):)?(\/.+)$/.exec(spec.trim());
  return m ? m[2]! : null;
}

/**
 * KeyTable lines: `NAME DOMAIN:SELECTOR:KEYPATH` (opendkim.conf(5) KeyTable). Returns the keys by
 * name; a key given inline (not a path) is reported, not read.
 */
export function parseKeyTable(text: string): { keys: Map<string, { domain: string; selector: string; keyPath: string }>; problems: string[] } {
  const keys = new Map<string, { domain: string; selector: string; keyPath: string }>();
  const problems: string[] = [];
  for (const raw of text.split('\n')) {
    const line = stripComment(raw);
    if (!line) continue;
    const m = /^(\S+)\s+([^:\s]+):([^:\s]+):(\S+)$/.exec(line);
    if (!m) {
      problems.push(`KeyTable line not understood: ${JSON.stringify(line.slice(0, 120))}`);
      continue;
    }
    if (!m[4]!.startsWith('/')) {
      problems.push(`KeyTable entry ${m[1]}: the key is not a file path (inline keys are not read)`);
      continue;
    }
    keys.set(m[1]!, { domain: m[2]!.toLowerCase(), selector: m[3]!.toLowerCase(), keyPath: m[4]! });
  }
  return { keys, problems };
}

/** SigningTable lines: `PATTERN KEYNAME`; returns the key names used. */
export function parseSigningTable(text: string): Set<string> {
  const used = new Set<string>();
  for (const raw of text.split('\n')) {
    const m = /^\S+\s+(\S+)/.exec(stripComment(raw));
    if (m) used.add(m[1]!);
  }
  return used;
}

/**
 * rspamd dkim_signing.conf (UCL): the global `selector`/`path` and the `domain { NAME { selector
 * = …; path = …; } }` entries. `$domain` and `$selector` in a global path are expanded for the
 * audited domain. Only this subset of UCL is read; anything else is ignored.
 */
export function parseRspamdDkim(text: string, auditedDomain: string): { keys: Array<{ domain: string; selector: string; keyPath: string }>; problems: string[] } {
  const clean = text
    .split('\n')
    .map((l) => stripComment(l))
    .join('\n');
  const problems: string[] = [];
  const keys: Array<{ domain: string; selector: string; keyPath: string }> = [];
  const value = (src: string, key: string): string | null => {
    const m = new RegExp(`(?:^|[\\s;{])${key}\\s*=\\s*(?:"([^"]*)"|([^;\\s}]+))`).exec(src);
    return m ? (m[1] ?? m[2] ?? null) : null;
  };
  // Domain entries: domain { name { … } name2 { … } }
  const domainBlock = /(?:^|[\s;])domain\s*\{([\s\S]*)\}/.exec(clean);
  let globalPart = clean;
  if (domainBlock) {
    globalPart = clean.slice(0, domainBlock.index) + clean.slice(domainBlock.index + domainBlock[0].length);
    for (const m of domainBlock[1]!.matchAll(/"?([A-Za-z0-9_.-]+)"?\s*\{([^{}]*)\}/g)) {
      const selector = value(m[2]!, 'selector');
      const keyPath = value(m[2]!, 'path');
      if (selector && keyPath) keys.push({ domain: m[1]!.toLowerCase(), selector: selector.toLowerCase(), keyPath });
      else problems.push(`rspamd domain ${m[1]}: no selector and path (keys from Redis or selector maps are not read)`);
    }
  }
  const gSel = value(globalPart, 'selector');
  const gPath = value(globalPart, 'path');
  if (/use_redis\s*=\s*(true|yes|on)/.test(globalPart)) problems.push('rspamd takes DKIM keys from Redis (use_redis): those keys are not read');
  if (gSel && gPath && !keys.some((k) => k.domain === auditedDomain))
    keys.push({ domain: auditedDomain, selector: gSel.toLowerCase(), keyPath: gPath.replace(/\$domain/g, auditedDomain).replace(/\$selector/g, gSel) });
  return { keys, problems };
}

/** DKIM p= (RSA SPKI, RSA PKCS#1 or raw ed25519, RFC 8463) → base64 SPKI DER; null when not a key. */
export function dnsKeyToSpki(p: string, keyType: string): string | null {
  try {
    const der = Buffer.from(p.replace(/\s+/g, ''), 'base64');
    if (keyType === 'ed25519') {
      if (der.length !== 32) return null;
      return Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), der]).toString('base64');
    }
    for (const type of ['spki', 'pkcs1'] as const) {
      try {
        return createPublicKey({ key: der, format: 'der', type }).export({ type: 'spki', format: 'der' }).toString('base64');
      } catch {
        /* the other encoding */
      }
    }
    return null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- collection over SSH

/** A section marker with a random part per run, so a file's content cannot pose as a section. */
export const newMarker = (): string => `RAMPART-DKIM-${randomBytes(8).toString('hex')}-`;

/** Splits `=== <marker><tag> <path>` sections of a script's output. */
function sections(out: string, marker: string): Array<{ tag: string; path: string; body: string }> {
  const res: Array<{ tag: string; path: string; body: string }> = [];
  const re = new RegExp(`^=== ${marker}(\\w+) (.*)$`, 'gm');
  const marks = [...out.matchAll(re)];
  marks.forEach((m, i) => {
    const start = m.index + m[0].length + 1;
    const end = i + 1 < marks.length ? marks[i + 1]!.index : out.length;
    res.push({ tag: m[1]!, path: m[2]!, body: out.slice(start, end) });
  });
  return res;
}

/** A shell fragment printing each readable file with a section header (paths quoted). */
export function catFilesScript(paths: readonly string[], marker: string): string {
  return paths
    .map((p) => `if [ -f ${shQuote(p)} ]; then printf '=== ${marker}file %s\\n' ${shQuote(p)}; head -c ${MAX_FILE_BYTES} ${shQuote(p)}; printf '\\n'; fi`)
    .join('\n');
}

/** A shell fragment printing each key's PUBLIC key (never the private key) with a section header. */
export function publicKeysScript(keyPaths: readonly string[], marker: string): string {
  return keyPaths
    .map((p) => {
      const q = shQuote(p);
      return [
        `printf '=== ${marker}pub %s\\n' ${q}`,
        `if [ ! -e ${q} ]; then echo 'missing'`,
        `elif [ ! -r ${q} ]; then echo 'unreadable'`,
        `elif pub=$(openssl pkey -in ${q} -passin pass: -pubout </dev/null 2>/dev/null); then printf '%s\\n' "$pub"`,
        `else echo 'not-a-key'; fi`,
      ].join('\n');
    })
    .join('\n');
}

export interface CollectOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Reads the DKIM configuration and public keys of `domain`'s keys on the host (three short commands). */
export async function collectHostDkim(conn: CommandRunner, sudo: SudoSpec, domain: string, opts: CollectOptions = {}): Promise<HostDkim> {
  const exec = async (script: string): Promise<string> => {
    const r = await execPrivileged(conn, sudo, 'sh -s', { stdin: script, timeoutMs: opts.timeoutMs ?? 20_000, ...(opts.signal ? { signal: opts.signal } : {}) });
    if (r.code !== 0) throw new Error(`the DKIM collection script exited ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}`);
    return r.stdout;
  };
  const out: HostDkim = { host: sudo.host, keys: [], configs: [], problems: [] };
  const marker = newMarker();
  const first = sections(await exec(catFilesScript([OPENDKIM_CONF, ...RSPAMD_CONFS, MAILCOW_CONF], marker)), marker);
  const found: Array<Omit<HostDkimKey, 'publicKey' | 'keyType' | 'bits' | 'problem'>> = [];
  const tables: string[] = [];
  let conf: Map<string, string> | null = null;
  for (const s of first) {
    out.configs.push(s.path);
    if (s.path === OPENDKIM_CONF) conf = parseOpendkimConf(s.body);
    else if (s.path === MAILCOW_CONF) out.problems.push(`Mailcow (${MAILCOW_CONF}): its DKIM keys live in Redis and are not read; give their selectors with --dkim-selector`);
    else {
      const r = parseRspamdDkim(s.body, domain);
      out.problems.push(...r.problems.map((p) => `${s.path}: ${p}`));
      found.push(...r.keys.map((k) => ({ ...k, source: 'rspamd' as const, config: s.path })));
    }
  }
  let keyTable: string | null = null;
  let signingTable: string | null = null;
  if (conf) {
    const kt = conf.get('keytable');
    const st = conf.get('signingtable');
    if (kt) {
      keyTable = datasetFile(kt);
      if (!keyTable) out.problems.push(`${OPENDKIM_CONF}: KeyTable ${kt} is not a file (db/ldap/sql data sets are not read)`);
    }
    if (st) signingTable = datasetFile(st);
    if (keyTable) tables.push(keyTable);
    if (signingTable) tables.push(signingTable);
    // Single-key mode: Domain, Selector, KeyFile.
    const [d, sel, kf] = [conf.get('domain'), conf.get('selector'), conf.get('keyfile')];
    if (!kt && d && sel && kf)
      for (const dom of d.split(/[\s,]+/).filter(Boolean)) found.push({ domain: dom.toLowerCase(), selector: sel.toLowerCase(), keyPath: kf, source: 'opendkim', config: OPENDKIM_CONF });
  }
  if (tables.length) {
    const files = new Map(sections(await exec(catFilesScript(tables, marker)), marker).map((s) => [s.path, s.body]));
    if (keyTable && !files.has(keyTable)) out.problems.push(`${OPENDKIM_CONF}: the KeyTable ${keyTable} does not exist`);
    else if (keyTable) {
      out.configs.push(keyTable);
      const kt = parseKeyTable(files.get(keyTable)!);
      out.problems.push(...kt.problems.map((p) => `${keyTable}: ${p}`));
      // With a SigningTable, only the keys it uses sign mail; without one, every KeyTable key may.
      const used = signingTable && files.has(signingTable) ? parseSigningTable(files.get(signingTable)!) : null;
      if (signingTable && files.has(signingTable)) out.configs.push(signingTable);
      for (const [name, k] of kt.keys) if (!used || used.has(name)) found.push({ ...k, source: 'opendkim', config: keyTable });
    }
  }
  const mine = found.filter((k) => k.domain === domain);
  const uniquePaths = [...new Set(mine.map((k) => k.keyPath))];
  const pubs = new Map<string, string>();
  if (uniquePaths.length) for (const s of sections(await exec(publicKeysScript(uniquePaths, marker)), marker)) pubs.set(s.path, s.body.trim());
  const seen = new Set<string>();
  for (const k of mine) {
    const id = `${k.selector}|${k.keyPath}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const body = pubs.get(k.keyPath) ?? '';
    let publicKey: string | null = null;
    let keyType: string | null = null;
    let bits: number | null = null;
    let problem: string | null = null;
    if (body.startsWith('-----BEGIN PUBLIC KEY-----')) {
      try {
        const key = createPublicKey(body);
        publicKey = key.export({ type: 'spki', format: 'der' }).toString('base64');
        keyType = key.asymmetricKeyType ?? null;
        bits = key.asymmetricKeyDetails?.modulusLength ?? (keyType === 'ed25519' ? 256 : null);
      } catch (e) {
        problem = `the public key printed by openssl is not readable: ${(e as Error).message}`;
      }
    } else
      problem =
        body === 'missing'
          ? 'the key file does not exist'
          : body === 'unreadable'
            ? `the key file is not readable by the login user (the host profile's sudo mode is ${sudo.mode})`
            : body === ''
              ? 'no answer for this key file'
              : 'the file is not a private key openssl can read (or it is encrypted)';
    out.keys.push({ ...k, publicKey, keyType, bits, problem });
  }
  return out;
}
