// Secret heuristics for environment variables (compose `environment:`, env_file targets, `.env`,
// container Env). Pure functions. The parsers classify each value here and keep only the
// classification: no secret value ever leaves the parser, so no fact, finding or report can hold one.

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
const DEFAULT_VALUES = new Set([
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
const PLACEHOLDER_PATTERNS: readonly RegExp[] = [
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

const WHOLE_REFERENCE = /^\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?:(:?\?)[^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)$/;
const WITH_DEFAULT = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=]([^}]*)\}$/;

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) return t.slice(1, -1);
  return t;
}

/**
 * Classifies a value. `interpolated` says whether compose-style `${VAR}` references are resolved
 * later (compose files, env files used for substitution) or the value is final (container Env).
 */
export function classifyValue(raw: string | null | undefined, interpolated: boolean): EnvValueKind {
  if (raw === null || raw === undefined) return 'passthrough';
  const v = unquote(raw);
  if (v === '') return 'empty';
  if (/^\/run\/secrets\//.test(v)) return 'reference';
  if (interpolated) {
    const withDefault = WITH_DEFAULT.exec(v);
    if (withDefault) {
      const d = unquote(withDefault[1] ?? '');
      if (d === '' || d.includes('$')) return 'reference';
      return isDefaultSecretValue(d) ? 'default' : 'literal';
    }
    if (WHOLE_REFERENCE.test(v)) return 'reference';
    // Partly interpolated ("prefix-${VAR}"): the secret part comes from elsewhere. `$$` is a literal $.
    if (/\$(?:\{|[A-Za-z_])/.test(v.replace(/\$\$/g, ''))) return 'reference';
  }
  return isDefaultSecretValue(v) ? 'default' : 'literal';
}

/** The password of a `scheme://user:password@host` URL, or null. */
export function urlPassword(value: string): string | null {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:\s]*:([^@/\s]*)@/.exec(unquote(value));
  return m && m[1] ? m[1] : null;
}

/** Classifies one variable: key heuristics, then the value (or the URL password it carries). */
export function classifyEnv(key: string, raw: string | null | undefined, interpolated: boolean): EnvEntry {
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
  const flag = typeof raw === 'string' && /^(?:true|false|yes|no|on|off|0|1|enabled?|disabled?)$/i.test(unquote(raw));
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
