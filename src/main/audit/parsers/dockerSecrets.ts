// Secret heuristics for environment variables (compose `environment:`, env_file targets, `.env`,
// container Env). Pure functions. The collector applies them ON THE HOST (sections/hostEnvClassify.ts
// generates its awk from the constants below) and sends a class token in place of each value; the
// parsers turn tokens into entries here (classifyEnv), and would classify a raw value the same way.
// Only the classification is kept: no fact, finding or report can hold a value.
import { unquote } from './quoting';

/** How an environment value is set, as far as secrets go. Never the value itself. */
export type EnvValueKind =
  /** `KEY=` / `KEY: ""`: set to nothing. */
  | 'empty'
  /** `KEY` alone / `KEY:` null in compose: passed through from the environment compose runs in. */
  | 'passthrough'
  /** `${VAR}`, `$VAR`, `${VAR:?err}`, or a path under /run/secrets/: the value lives elsewhere. */
  | 'reference'
  /** A well-known default or placeholder (changeme, password, your_strong_password_here, …). */
  | 'default'
  /** Any other literal value. */
  | 'literal';

export interface EnvEntry {
  key: string;
  kind: EnvValueKind;
  /** The key names a secret (PASSWORD, SECRET, TOKEN, …_KEY, …) or the value is a URL with a password. */
  secret: boolean;
  /** Set when the secret is the password part of a URL (`scheme://user:pass@host`). */
  via?: 'url-password';
  /** Literal values classified on the host: the value's length in bytes (UTF-8). */
  length?: number;
  /** Literal values classified on the host: the value is shaped like a key or token (long, no blanks, letters and digits; or a known token prefix). */
  tokenLike?: true;
}

// Words (after splitting the key on _ - . and camelCase) that make a key a secret wherever they are…
const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'PWD', 'PASSPHRASE', 'SECRET', 'SECRETS', 'TOKEN', 'TOKENS', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS']);
// …and words that do so only as the last word (API_KEY, BASIC_AUTH, but not KEY_VAULT_REGION, AUTH_PROVIDER).
const SECRET_LAST_WORDS = new Set(['KEY', 'KEYS', 'AUTH', 'SALT', 'PW']);
// Substrings that make a word a secret even when glued to others (DBPASSWORD, MYSQLPASS…).
const SECRET_PARTS = /PASSW(?:OR)?D|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|APIKEY|PRIVATEKEY|ACCESSKEY|SECRETKEY/;
// A key whose last word is one of these names something about a secret, not the secret itself.
const NOT_SECRET_LAST = new Set([
  'FILE', 'FILES', 'FILENAME', 'PATH', 'DIR', 'LOCATION', 'URL', 'URI', 'ENDPOINT', 'LENGTH', 'LEN', 'SIZE', 'BITS',
  'TTL', 'EXPIRY', 'EXPIRES', 'EXPIRATION', 'LIFETIME', 'TIMEOUT', 'ID', 'NAME', 'USER', 'USERNAME', 'TYPE', 'ALGORITHM',
  'ALG', 'HEADER', 'METHOD', 'MODE', 'ENABLED', 'ENABLE', 'DISABLED', 'REQUIRED', 'VERSION', 'COUNT', 'PREFIX', 'FORMAT',
  'POLICY', 'ROTATION', 'HASH', 'SHA256', 'SHA512', 'MD5', 'FINGERPRINT', 'ISSUER', 'AUDIENCE', 'SCOPE', 'SCOPES', 'FIELD',
  'PARAM', 'COOKIE', 'MIN', 'MAX', 'HOST', 'PORT',
]);
// Words that make a KEY-ish name public or unrelated (GPG_KEY fingerprints in official images, …).
const NOT_SECRET_ANY = new Set(['PUBLIC', 'PUB', 'GPG', 'GPGKEY', 'GPGKEYS', 'PGP', 'KEYSERVER', 'KEYRING', 'KEYID', 'PASSTHROUGH', 'BYPASS', 'COMPASS', 'PASSIVE']);

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

/** Whether an environment variable's name says it holds a secret. */
export function isSecretKey(key: string): boolean {
  const w = words(key);
  if (w.length === 0) return false;
  if (w.some((x) => NOT_SECRET_ANY.has(x))) return false;
  const last = w[w.length - 1]!;
  if (NOT_SECRET_LAST.has(last)) return false;
  return SECRET_LAST_WORDS.has(last) || w.some((x) => SECRET_WORDS.has(x) || SECRET_PARTS.test(x));
}

// Well-known defaults and placeholders, compared lower-case after trimming quotes and blanks.
export const DEFAULT_VALUES: ReadonlySet<string> = new Set([
  'changeme', 'change_me', 'change-me', 'changeit', 'change_it', 'changethis', 'change_this', 'changemeplease', 'changeme!',
  'password', 'password1', 'password12', 'password123', 'password!', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'pass', 'pass123', 'passwd',
  'admin', 'admin1', 'admin123', 'admin1234', 'administrator', 'adminadmin', 'root', 'toor', 'rootpassword', 'rootpass',
  'secret', 'secret1', 'secret123', 'secrets', 'supersecret', 'mysecret', 'mysecretpassword', 'mysecretkey', 's3cr3t', 's3cret', 'topsecret',
  'secretkey', 'secret_key', 'secret-key',
  '123456', '1234567', '12345678', '123456789', '1234567890', '1234', '12345', '0000', '000000', '111111', 'abc123', 'qwerty', 'qwerty123',
  'letmein', 'welcome', 'welcome1', 'guest', 'test', 'test123', 'testing', 'demo', 'default', 'example', 'sample', 'dummy', 'placeholder',
  'foo', 'bar', 'foobar', 'xxx', 'xxxx', 'xxxxxx', 'todo', 'tbd', 'fixme', 'none', 'null', 'undefined', 'nil',
  'postgres', 'mysql', 'mariadb', 'redis', 'rabbitmq', 'mongo', 'mongodb', 'elastic', 'kibana', 'minioadmin', 'minio123', 'grafana',
  'your_strong_password_here', 'yourpassword', 'your_password', 'your-password', 'yoursecret', 'your_secret', 'your-secret',
  'your_secret_key', 'your-secret-key', 'your_token', 'your_api_key', 'your-api-key', 'mypassword', 'my_password', 'my-password',
  'insecure', 'unsafe', 'notsecure', 'hunter2',
]);
export const PLACEHOLDER_PATTERNS: readonly RegExp[] = [
  /^<[^>]*>$/, // <your-password>
  /^\[[^\]]*\]$/, // [password]
  /^\{\{.*\}\}$/, // {{ template }} left unrendered
  /^\*+$/,
  /^x{3,}$/i,
  /^\.{3,}$/,
  /^change[-_ ]?(?:me|it|this)/i,
  /^replace[-_ ]?(?:me|this|with)/i,
  /^(?:insert|put|enter|set|add)[-_ ].*(?:here|password|secret|token|key)$/i,
  /^(?:your|my|the)[-_ ]?.*(?:pass(?:word)?|passwd|secret|token|key|here)$/i,
  /[-_ ]here$/i,
  /^(?:generate|generated)[-_ ]/i,
  /^(?:default|example|sample|dummy|test|demo)[-_]?(?:pass(?:word)?|secret|token|key|value)?\d*$/i,
];

/** Whether a literal value is a well-known default or an unfilled placeholder. */
export function isDefaultSecretValue(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (!v) return false;
  return DEFAULT_VALUES.has(v) || PLACEHOLDER_PATTERNS.some((re) => re.test(v));
}

export const WHOLE_REFERENCE = /^\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?:(:?\?)[^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)$/;
export const RUN_SECRETS = /^\/run\/secrets\//;
/** Part of the value is interpolated (after removing `$$`, compose's literal $). */
export const PARTIAL_REFERENCE = /\$(?:\{|[A-Za-z_])/;
export const WITH_DEFAULT = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=]([^}]*)\}$/;


/**
 * Classifies a value. `interpolated` says whether compose-style `${VAR}` references are resolved
 * later (compose files, env files used for substitution) or the value is final (container Env).
 */
export function classifyValue(raw: string | null | undefined, interpolated: boolean): EnvValueKind {
  if (raw === null || raw === undefined) return 'passthrough';
  const v = unquote(raw);
  if (v === '') return 'empty';
  if (RUN_SECRETS.test(v)) return 'reference';
  if (interpolated) {
    const withDefault = WITH_DEFAULT.exec(v);
    if (withDefault) {
      const d = unquote(withDefault[1] ?? '');
      if (d === '' || d.includes('$')) return 'reference';
      return isDefaultSecretValue(d) ? 'default' : 'literal';
    }
    if (WHOLE_REFERENCE.test(v)) return 'reference';
    // Partly interpolated ("prefix-${VAR}"): the secret part comes from elsewhere. `$$` is a literal $.
    if (PARTIAL_REFERENCE.test(v.replace(/\$\$/g, ''))) return 'reference';
  }
  return isDefaultSecretValue(v) ? 'default' : 'literal';
}

/** `scheme://user:password@`: the password is the first capture. */
export const URL_PASSWORD = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:\s]*:([^@/\s]*)@/;
/** Values that are switches (REQUIRE_PASSWORD=true), not secrets. */
export const FLAG_VALUE = /^(?:true|false|yes|no|on|off|0|1|enabled?|disabled?)$/i;
/** A literal shaped like a key or token: a known token prefix, or long, no blanks, with letters and digits. */
export const TOKEN_PREFIX = /^(?:ghp_|gho_|ghs_|github_pat_|glpat-|sk-|sk_live_|rk_live_|xox[abpr]-|akia|asia|aiza|-----begin )/i;
export const TOKEN_CHARSET = /^[A-Za-z0-9+/=_.~-]{20,}$/;

/** Whether a literal looks like a key or token (cheap: prefix, or charset + length + letters and digits). */
export function looksLikeToken(value: string): boolean {
  const v = unquote(value);
  return TOKEN_PREFIX.test(v) || (TOKEN_CHARSET.test(v) && /[0-9]/.test(v) && /[A-Za-z]/.test(v));
}

/** The password of a `scheme://user:password@host` URL, or null. */
export function urlPassword(value: string): string | null {
  const m = URL_PASSWORD.exec(unquote(value));
  return m && m[1] ? m[1] : null;
}

// ---------------------------------------------------------------------------------------------
// Values classified on the host. The collector (sections/hostEnvClassify.ts) never sends a value:
// it prints a class token in its place, `@rampart:KIND:LEN:URL:FLAGS` —
//   KIND  classifyValue() of the value: empty | reference | default | literal
//   LEN   the unquoted value's length in bytes (UTF-8)
//   URL   classifyValue() of the password of a `scheme://user:password@` value when it is a
//         default or literal, else `-`
//   FLAGS `-`, or `f` (a switch: true/false/yes/…) and/or `k` (a literal shaped like a key/token)
// Its awk is generated from the constants above, so the host and this file cannot drift; envToken()
// is the reference the awk is tested against.

export interface HostEnvClass {
  kind: Exclude<EnvValueKind, 'passthrough'>;
  length: number;
  url: 'default' | 'literal' | null;
  flag: boolean;
  tokenLike: boolean;
}

export const ENV_TOKEN = /^@rampart:(empty|reference|default|literal):(\d{1,9}):(-|default|literal):(-|f|k|fk)$/;

/** The token the host prints for a value (null: a passthrough, which has no value to replace). */
export function envToken(raw: string, interpolated: boolean): string {
  const kind = classifyValue(raw, interpolated) as HostEnvClass['kind'];
  const pw = urlPassword(raw);
  const urlKind = pw === null ? null : classifyValue(pw, interpolated);
  const url = urlKind === 'default' || urlKind === 'literal' ? urlKind : '-';
  const v = unquote(raw);
  const flags = `${FLAG_VALUE.test(v) ? 'f' : ''}${kind === 'literal' && looksLikeToken(v) ? 'k' : ''}` || '-';
  return `@rampart:${kind}:${Buffer.byteLength(v, 'utf8')}:${url}:${flags}`;
}

/** A host class token, or null when the text is not one. */
export function parseEnvToken(text: string): HostEnvClass | null {
  const m = ENV_TOKEN.exec(text.trim());
  if (!m) return null;
  return { kind: m[1] as HostEnvClass['kind'], length: Number(m[2]), url: m[3] === '-' ? null : (m[3] as 'default' | 'literal'), flag: m[4]!.includes('f'), tokenLike: m[4]!.includes('k') };
}

/** classifyEnv() for a value the host classified: the same verdicts from the class alone. */
export function classifyHostEnv(key: string, c: HostEnvClass): EnvEntry {
  const secretKey = isSecretKey(key);
  if (!secretKey && c.url) return { key, kind: c.url, secret: true, via: 'url-password' };
  let kind: EnvValueKind = c.kind;
  const secret = secretKey && !(c.flag && kind === 'literal');
  if (!secret && kind === 'default') kind = 'literal';
  const e: EnvEntry = { key, kind, secret };
  if (secret && kind === 'literal') {
    e.length = c.length;
    if (c.tokenLike) e.tokenLike = true;
  }
  return e;
}

/**
 * Classifies one variable: key heuristics, then the value (or the URL password it carries). A
 * value the host already classified (a class token, see above) is read from its token.
 */
export function classifyEnv(key: string, raw: string | null | undefined, interpolated: boolean): EnvEntry {
  const host = typeof raw === 'string' && raw.startsWith('@rampart:') ? parseEnvToken(raw) : null;
  if (host) return classifyHostEnv(key, host);
  const secretKey = isSecretKey(key);
  if (!secretKey && typeof raw === 'string') {
    const pw = urlPassword(raw);
    if (pw !== null) {
      const kind = classifyValue(pw, interpolated);
      if (kind !== 'empty' && kind !== 'reference') return { key, kind, secret: true, via: 'url-password' };
    }
  }
  let kind = classifyValue(raw, interpolated);
  // REQUIRE_PASSWORD=true, TOKEN_AUTH=off: switches, not secrets.
  const flag = typeof raw === 'string' && FLAG_VALUE.test(unquote(raw));
  const secret = secretKey && !(flag && kind === 'literal');
  // "default" only means something for secrets (APP_NAME=demo is just a value).
  if (!secret && kind === 'default') kind = 'literal';
  return { key, kind, secret };
}

/** `KEY=VALUE` (container Env, compose list form); `KEY` alone is a passthrough. */
export function splitEnvAssignment(item: string): { key: string; value: string | null } {
  const at = item.indexOf('=');
  if (at < 0) return { key: item.trim(), value: null };
  return { key: item.slice(0, at).trim(), value: item.slice(at + 1) };
}

/** Whether an entry holds a secret typed into the file or the container (literal or default). */
export function isLiteralSecret(e: EnvEntry): boolean {
  return e.secret && (e.kind === 'literal' || e.kind === 'default');
}
