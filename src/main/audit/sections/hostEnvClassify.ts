// Secret values never leave the server: the collector classifies environment values ON THE HOST
// and prints a class token (parsers/dockerSecrets.ts: `@rampart:KIND:LEN:URL:FLAGS`) where the
// value was. This module builds the awk programs that do it:
//   - envAwkLib(): the classifier (classifyValue, isDefaultSecretValue, urlPassword, the switch
//     and token-shape tests), its word list and patterns GENERATED from the TypeScript constants of
//     dockerSecrets.ts (jsRegexToEre), so the host and the laptop cannot drift;
//   - composeBatchAwk(): one awk for a whole batch of compose files and env files: compose YAML
//     with every `environment:` value (mapping, list and flow forms), every `KEY=VALUE` list item,
//     every value under a top-level `x-*` block (where env anchors live), every value of a
//     secret-looking key, and the values of command, entrypoint, labels and healthcheck test
//     (nothing reads them, passwords hide there) replaced by its token; comments dropped and URL
//     passwords masked elsewhere; env files as `KEY=TOKEN` lines only;
//   - inspectAwk(): `docker inspect --format '{{json .}}'` lines with each `"Env":[…]` item's value
//     replaced by its token (and the items of Cmd, Entrypoint, Args, healthcheck Test, and label
//     values but com.docker.compose.*); what the Traefik checks read is kept: the routing labels,
//     Traefik's static `--flags` and TRAEFIK_* options, under keys that name no credential and
//     with values that cannot be secrets (no URL, quote or backslash).
// Portable awk (mawk, gawk, busybox): no intervals, no gensub, dynamic regexes from strings.
import {
  DEFAULT_VALUES,
  FLAG_VALUE,
  PARTIAL_REFERENCE,
  PLACEHOLDER_PATTERNS,
  RUN_SECRETS,
  TOKEN_CHARSET,
  TOKEN_PREFIX,
  URL_PASSWORD,
  WHOLE_REFERENCE,
  WITH_DEFAULT,
} from '../parsers/dockerSecrets';

// ---------------------------------------------------------------------------------------------
// JavaScript RegExp → POSIX ERE (the subset the constants use).

const WS_CHARS = ' \t\n\r\f\v';

/**
 * Converts a JavaScript regular expression to a POSIX ERE every awk understands: `(?:` groups,
 * `\d \s \w` (ASCII), escaped metacharacters as bracket expressions, `{n}`/`{n,}`/`{n,m}` expanded
 * (old mawk has no intervals). Flags: only `i`, and then the ERE expects lower-cased input (the
 * awk lower-cases what it tests), so a literal upper-case letter is refused. Anything else
 * (look-around, back-references, lazy quantifiers, `\b`, a backslash inside a class) throws.
 */
export function jsRegexToEre(re: RegExp): string {
  const flags = re.flags.replace('i', '');
  if (flags) throw new Error(`unsupported flags ${re.flags} in ${String(re)}`);
  const ci = re.flags.includes('i');
  const src = re.source;
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`cannot convert ${String(re)} to POSIX ERE: ${why} at ${i}`);
  };
  const literal = (c: string): string => {
    if (ci && /[A-Z]/.test(c)) fail(`upper-case literal ${c} under the i flag`);
    if (c === '^') return '\\^';
    if (c === '\\') fail('backslash literal');
    if ('.[]{}()*+?|$/'.includes(c)) return `[${c}]`;
    return c;
  };
  const classEscape = (c: string): string => {
    if (c === 'd') return '0-9';
    if (c === 's') return WS_CHARS;
    if (c === 'w') return 'A-Za-z0-9_';
    if (c === 't') return '\t';
    if (c === 'n') return '\n';
    if (c === 'r') return '\r';
    if (/[A-Za-z0-9\\]/.test(c)) return fail(`class escape \\${c}`);
    return c;
  };
  const parseClass = (): string => {
    i++; // [
    let neg = false;
    if (src[i] === '^') {
      neg = true;
      i++;
    }
    let body = '';
    let hasBracket = false;
    let hasDash = false;
    while (i < src.length && src[i] !== ']') {
      let c = src[i]!;
      if (c === '\\') {
        i++;
        c = classEscape(src[i] ?? fail('dangling escape'));
        i++;
        if (c === ']') hasBracket = true;
        else if (c === '-') hasDash = true;
        else body += c;
        continue;
      }
      // A range a-b stays; a '-' first or last is literal.
      if (c === '-' && (body === '' || src[i + 1] === ']')) {
        hasDash = true;
        i++;
        continue;
      }
      if (c === '[') fail('nested [');
      body += c;
      i++;
    }
    if (src[i] !== ']') fail('unterminated class');
    i++;
    return `[${neg ? '^' : ''}${hasBracket ? ']' : ''}${body}${hasDash ? '-' : ''}]`;
  };
  const parseAtom = (): string => {
    const c = src[i]!;
    if (c === '(') {
      i++;
      if (src[i] === '?') {
        if (src[i + 1] !== ':') fail('look-around or named group');
        i += 2;
      }
      const inner = parseAlt();
      if (src[i] !== ')') fail('unbalanced (');
      i++;
      return `(${inner})`;
    }
    if (c === '[') return parseClass();
    if (c === '\\') {
      const e = src[i + 1] ?? fail('dangling escape');
      i += 2;
      if (e === 'd') return '[0-9]';
      if (e === 's') return `[${WS_CHARS}]`;
      if (e === 'w') return '[A-Za-z0-9_]';
      if (e === 'D') return '[^0-9]';
      if (e === 'S') return `[^${WS_CHARS}]`;
      if (e === 'W') return '[^A-Za-z0-9_]';
      if (e === 't') return '\t';
      if (e === 'n') return '\n';
      if (e === 'r') return '\r';
      if (/[A-Za-z0-9]/.test(e)) fail(`escape \\${e}`);
      return literal(e);
    }
    if (c === '.') {
      i++;
      return '.';
    }
    if (c === '^' || c === '$') {
      i++;
      return c;
    }
    if ('*+?{'.includes(c)) fail(`quantifier ${c} without an atom`);
    i++;
    return literal(c);
  };
  const parseSeq = (): string => {
    let out = '';
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      const atom = parseAtom();
      const q = src[i];
      if (atom === '^' || atom === '$') {
        out += atom;
        continue;
      }
      if (q === '*' || q === '+' || q === '?') {
        i++;
        if (src[i] === '?') fail('lazy quantifier');
        out += atom + q;
        continue;
      }
      if (q === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
        if (!m) {
          out += literal('{');
          i++;
          continue;
        }
        i += m[0].length;
        if (src[i] === '?') fail('lazy quantifier');
        const n = Number(m[1]);
        const max = m[2] === undefined ? n : m[3] === '' ? Infinity : Number(m[3]);
        if (n > 64 || (max !== Infinity && max > 64)) fail('interval too large to expand');
        out += atom.repeat(n);
        if (max === Infinity) out += `${atom}*`;
        else out += `${atom}?`.repeat(max - n);
        continue;
      }
      out += atom;
    }
    return out;
  };
  const parseAlt = (): string => {
    const parts = [parseSeq()];
    while (src[i] === '|') {
      i++;
      parts.push(parseSeq());
    }
    return parts.join('|');
  };
  const out = parseAlt();
  if (i !== src.length) fail('unbalanced )');
  return out;
}

/**
 * A regex literal for awk source (`/…/`): compiled once when awk reads the program (a dynamic regex
 * from a string is compiled again at every match by busybox awk, ~30× slower). ASCII only.
 */
export function awkRegex(ere: string): string {
  let out = '/';
  for (const ch of ere) {
    const code = ch.codePointAt(0)!;
    if (ch === '/') out += '\\/';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (code < 0x20 || code >= 0x7f) throw new Error('a regex literal holds ASCII text only');
    else out += ch;
  }
  return `${out}/`;
}

/** The regexes of dockerSecrets.ts the awk uses, by the name it uses them under (@RE(NAME) in the awk source). */
const NAMED_REGEXES: Readonly<Record<string, RegExp>> = {
  WHOLE_REF: WHOLE_REFERENCE,
  WITH_DEFAULT,
  RUN_SECRETS,
  PARTIAL_REF: PARTIAL_REFERENCE,
  URL: URL_PASSWORD,
  FLAG: FLAG_VALUE,
  TOKPFX: TOKEN_PREFIX,
  TOKCS: TOKEN_CHARSET,
};

/** Functions over the placeholder patterns: any of them matches; which match (a 0/1 string, for tests). */
function placeholderFunctions(): string {
  const lits = PLACEHOLDER_PATTERNS.map((re) => awkRegex(jsRegexToEre(re)));
  return [
    `function r_isph(v) { return ${lits.map((l) => `v ~ ${l}`).join(' || ')} }`,
    `function r_ph_bits(v) { return ${lits.map((l) => `(v ~ ${l} ? "1" : "0")`).join(' ')} }`,
  ].join('\n');
}

/** A string literal for awk source: the text survives byte for byte (controls as escapes). */
export function awkString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (code < 0x20 || code === 0x7f) throw new Error('control character in an awk string');
    else if (code >= 0x80) for (const b of Buffer.from(ch, 'utf8')) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

// JavaScript's String.prototype.trim() whitespace beyond ASCII, as UTF-8 byte sequences.
const UNICODE_SPACES = [0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff];

function trimEre(): string {
  const alts = [`[ \t\n\r\f\v]`, ...UNICODE_SPACES.map((cp) => String.fromCodePoint(cp))];
  return `(${alts.join('|')})`;
}

/** Single bytes (0–255, given as chars) as an awk string literal. */
function awkBytes(s: string): string {
  return `"${[...s].map((c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`).join('')}"`;
}

function generatedPart(): string {
  const lines: string[] = [];
  for (const v of DEFAULT_VALUES) if (v.includes('\n')) throw new Error('a default value with a newline');
  lines.push(`R_NDEF = split(${awkString([...DEFAULT_VALUES].join('\n'))}, R_DEFA, "\\n")`);
  lines.push('for (r_i = 1; r_i <= R_NDEF; r_i++) R_DEF[R_DEFA[r_i]] = 1');
  const ws = trimEre();
  lines.push(`R_LTRIM = ${awkString(`^${ws}+`)}`, `R_RTRIM = ${awkString(`${ws}+$`)}`);
  // Bytes a blank can start / end with: the regexes above only run when a value does (busybox's
  // regex engine is slow on long values otherwise).
  const enc = UNICODE_SPACES.map((cp) => Buffer.from(String.fromCodePoint(cp), 'utf8'));
  const bytes = (pick: (b: Buffer) => number): string => [...new Set(enc.map(pick))].map((b) => String.fromCharCode(b)).join('');
  lines.push(`R_WSFIRST = ${awkBytes(WS_CHARS + bytes((b) => b[0]!))}`, `R_WSLAST = ${awkBytes(WS_CHARS + bytes((b) => b[b.length - 1]!))}`);
  return lines.map((l) => `  ${l}`).join('\n');
}

// The classifier. r_token(raw, interpolated) mirrors envToken() of dockerSecrets.ts.
const LIB_FUNCTIONS = String.raw`
function r_trim(s) {
  if (index(R_WSFIRST, substr(s, 1, 1)) > 0) sub(R_LTRIM, "", s)
  if (s != "" && index(R_WSLAST, substr(s, length(s), 1)) > 0) sub(R_RTRIM, "", s)
  return s
}
function r_unquote(v,   t, a) {
  t = r_trim(v)
  if (length(t) >= 2) { a = substr(t, 1, 1); if ((a == "\"" || a == "'") && substr(t, length(t), 1) == a) return substr(t, 2, length(t) - 2) }
  return t
}
function r_isdef(value,   v) {
  v = tolower(r_trim(value))
  if (v == "") return 0
  if (v in R_DEF) return 1
  return r_isph(v)
}
function r_class(raw, interp,   v, s, d, w) {
  v = r_unquote(raw)
  if (v == "") return "empty"
  if (v ~ @RE(RUN_SECRETS)) return "reference"
  if (interp) {
    if (v ~ @RE(WITH_DEFAULT)) {
      s = substr(v, 3, length(v) - 3)
      match(s, /^[A-Za-z_][A-Za-z0-9_]*:?[-=]/)
      d = r_unquote(substr(s, RLENGTH + 1))
      if (d == "" || index(d, "$") > 0) return "reference"
      return r_isdef(d) ? "default" : "literal"
    }
    if (v ~ @RE(WHOLE_REF)) return "reference"
    w = v; gsub(/[$][$]/, "", w)
    if (w ~ @RE(PARTIAL_REF)) return "reference"
  }
  return r_isdef(v) ? "default" : "literal"
}
# The password of scheme://user:password@…, or R_NULL.
function r_urlpw(raw,   u, s) {
  u = r_unquote(raw)
  if (!match(u, @RE(URL))) return R_NULL
  s = substr(u, 1, RLENGTH - 1); s = substr(s, index(s, "://") + 3); s = substr(s, index(s, ":") + 1)
  return s == "" ? R_NULL : s
}
function r_toklike(v) { return tolower(v) ~ @RE(TOKPFX) || (v ~ @RE(TOKCS) && v ~ /[0-9]/ && v ~ /[A-Za-z]/) }
function r_token(raw, interp,   k, pw, uk, url, v, f) {
  k = r_class(raw, interp)
  url = "-"; pw = r_urlpw(raw)
  if (pw != R_NULL) { uk = r_class(pw, interp); if (uk == "default" || uk == "literal") url = uk }
  v = r_unquote(raw); f = ""
  if (tolower(v) ~ @RE(FLAG)) f = "f"
  if (k == "literal" && r_toklike(v)) f = f "k"
  if (f == "") f = "-"
  return "@rampart:" k ":" length(v) ":" url ":" f
}
# JSON/YAML-style \uXXXX as UTF-8 bytes (lone surrogates as 3 bytes, like a lenient decoder).
function r_utf8(cp) {
  if (cp < 128) return sprintf("%c", cp == 0 ? 63 : cp)
  if (cp < 2048) return sprintf("%c%c", 192 + int(cp / 64), 128 + cp % 64)
  if (cp < 65536) return sprintf("%c%c%c", 224 + int(cp / 4096), 128 + int(cp / 64) % 64, 128 + cp % 64)
  return sprintf("%c%c%c%c", 240 + int(cp / 262144), 128 + int(cp / 4096) % 64, 128 + int(cp / 64) % 64, 128 + cp % 64)
}
function r_hex(h,   n, k, c) {
  n = 0
  for (k = 1; k <= length(h); k++) { c = index("0123456789abcdef", tolower(substr(h, k, 1))); if (c == 0) return -1; n = n * 16 + c - 1 }
  return n
}
# "KEY" or KEY as a double-quoted YAML/JSON string (keys are sent; values never).
function r_dq(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s); gsub(/\r/, "\\r", s); gsub(/\n/, "\\n", s); return "\"" s "\"" }
`;

/** The classifier: generated constants (BEGIN part via r_init) and functions. */
export function envAwkLib(): string {
  const lib = LIB_FUNCTIONS.replace(/@RE\(([A-Z_]+)\)/g, (_, name: string) => {
    const re = NAMED_REGEXES[name];
    if (!re) throw new Error(`no regex ${name}`);
    return awkRegex(jsRegexToEre(re));
  });
  return `function r_init(   r_i) {\n  R_NULL = "\\001"\n${generatedPart()}\n}\n${placeholderFunctions()}\n${lib}`;
}

// ---------------------------------------------------------------------------------------------
// Env files: KEY=VALUE lines (parseEnvFile's rules) → KEY=TOKEN. Nothing else of the file is sent.

const ENV_FILE_FUNCTIONS = String.raw`
function e_line(line,   s, m, key, value, q, end) {
  sub(/\r$/, "", line)
  s = r_trim(line)
  if (s == "" || substr(s, 1, 1) == "#") return
  if (!match(s, /^(export[ \t\n\r\f\v]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t\n\r\f\v]*=/)) return
  m = substr(s, 1, RLENGTH - 1); value = substr(s, RLENGTH + 1)
  sub(/^export[ \t\n\r\f\v]+/, "", m); sub(/[ \t\n\r\f\v]+$/, "", m); key = m
  value = r_trim(value)
  q = substr(value, 1, 1)
  if (q == "\"" || q == "'") { end = index(substr(value, 2), q); if (end > 0) value = substr(value, 1, end + 1) }
  else sub(/[ \t\n\r\f\v]+#.*$/, "", value)
  print "|" key "=" r_token(value, 1)
}
`;

// ---------------------------------------------------------------------------------------------
// Compose YAML, line by line (block style with flow values, as compose files are written).
// Kept: the structure, keys, and values outside the secret places (image, ports, cap_drop, …),
// with comments dropped and URL passwords masked. Replaced by a class token: see the header.

const COMPOSE_FUNCTIONS = String.raw`
function y_reset() { ys_n = 0; y_blk = 0; y_pend = 0; y_pend_keep = 0; y_nblank = 0; y_opened = 0 }
# A flow collection outside the secret places, complete or not: kept by y_flowkeep once whole.
function y_keepflow(pre, v, parent) { y_pend = 1; y_pend_keep = 1; y_pend_item = 0; y_pend_plain = 0; y_pend_ind = 0; y_pend_pre = pre; y_pend_val = v; y_pend_parent = parent }
function y_ind(s) { match(s, /^ */); return RLENGTH }
# The text before a comment: '#' at the start or after a blank, outside quoted scalars (a quote
# opens a scalar only where one can start: line start, after ': ', '- ', '[', '{', ',').
function y_nocomment(s,   k, c, q, prev, out) {
  if (index(s, "#") == 0) return s
  q = ""; prev = ""
  for (k = 1; k <= length(s); k++) {
    c = substr(s, k, 1)
    if (q == "\"") { if (c == "\\") { k++; continue } if (c == "\"") q = ""; continue }
    if (q == "'") { if (c == "'") q = ""; continue }
    if (c == "#" && (k == 1 || substr(s, k - 1, 1) ~ /[ \t]/)) return substr(s, 1, k - 1)
    if ((c == "\"" || c == "'") && (prev == "" || index(":[{,-", prev) > 0) && (k == 1 || index(" \t[{,", substr(s, k - 1, 1)) > 0)) q = c
    if (c !~ /[ \t]/) prev = c
  }
  return s
}
function y_rtrim(s) { sub(/[ \t]+$/, "", s); return s }
function y_mask(s,   out) {
  out = ""
  while (match(s, /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\/@: \t]*:[^@\/ \t]*@/)) {
    out = out substr(s, 1, RSTART - 1) y_maskone(substr(s, RSTART, RLENGTH)); s = substr(s, RSTART + RLENGTH)
  }
  return out s
}
function y_maskone(u,   p) { p = index(u, "://"); p = p + 2 + index(substr(u, p + 3), ":"); return substr(u, 1, p) "****@" }
# A YAML scalar's text (quotes and escapes resolved, roughly) for classification.
function y_unq(v,   q, k, c, out, n) {
  v = y_rtrim(v); sub(/^[ \t]+/, "", v)
  q = substr(v, 1, 1); out = ""
  # Fast paths (busybox awk is slow char by char): no escapes inside.
  if (q == "'" && index(substr(v, 2), "''") == 0) { k = index(substr(v, 2), "'"); return k ? substr(v, 2, k - 1) : substr(v, 2) }
  if (q == "\"" && index(v, "\\") == 0) { k = index(substr(v, 2), "\""); return k ? substr(v, 2, k - 1) : substr(v, 2) }
  if (q == "'") {
    for (k = 2; k <= length(v); k++) { c = substr(v, k, 1); if (c == "'") { if (substr(v, k + 1, 1) == "'") { out = out "'"; k++; continue } return out } out = out c }
    return out
  }
  if (q == "\"") {
    for (k = 2; k <= length(v); k++) {
      c = substr(v, k, 1)
      if (c == "\"") return out
      if (c == "\\") {
        k++; c = substr(v, k, 1)
        if (c == "n") out = out "\n"; else if (c == "t") out = out "\t"; else if (c == "r") out = out "\r"
        else if (c == "u" || c == "x" || c == "U") { n = (c == "x") ? 2 : (c == "u") ? 4 : 8; c = r_hex(substr(v, k + 1, n)); if (c >= 0) { out = out r_utf8(c); k += n } }
        else out = out c
        continue
      }
      out = out c
    }
    return out
  }
  return v
}
function y_isnull(v) { return v == "" || v == "~" || v == "null" || v == "Null" || v == "NULL" }
# anchor/tag prefix of a value ("&a ", "!!str "): Y_PRE gets the anchor to keep, the rest is returned.
function y_props(v) {
  Y_PRE = ""
  while (v ~ /^[&!][^ \t]*([ \t]|$)/) {
    match(v, /^[&!][^ \t]*/)
    if (substr(v, 1, 1) == "&") Y_PRE = Y_PRE substr(v, 1, RLENGTH) " "
    v = substr(v, RLENGTH + 1); sub(/^[ \t]+/, "", v)
  }
  return v
}
# Stack levels: services.<name> (level 2 under services) is a service's name, never a place.
function y_svcname(k) { return k == 2 && YS_KEY[1] == "services" }
function y_in_env(   k) { for (k = 1; k <= ys_n; k++) if (YS_KEY[k] == "environment" && !y_svcname(k)) return 1; return 0 }
# Values nothing on the laptop reads and that often carry a password: commands, labels, healthcheck tests.
function y_opaque(c, parent) { return c == "command" || c == "entrypoint" || c == "labels" || (c == "test" && parent == "healthcheck") }
function y_in_red(   k) {
  for (k = 1; k <= ys_n; k++) if (!y_svcname(k) && (YS_KEY[k] == "environment" || y_opaque(YS_KEY[k], k > 1 ? YS_KEY[k - 1] : ""))) return 1
  return y_in_x() || (ys_n > 0 && y_secretish(YS_KEY[ys_n]) && !y_svcname(ys_n))
}
function y_in_x() { return ys_n >= 1 && YS_IND[1] == 0 && YS_KEY[1] ~ /^x-/ }
function y_secretish(key) { return tolower(key) ~ /pass(w(or)?d)?|pwd|secret|token|credential|api_?key|private_?key|access_?key|auth/ }
function y_keyname(k) { k = y_unq(k); return k }
# Classify one env item of a list ("KEY=VALUE" or "KEY") → the item to print.
function y_envitem(text,   v, at) {
  v = y_unq(text); at = index(v, "=")
  if (at == 0) return r_dq(r_trim(v))
  return r_dq(r_trim(substr(v, 1, at - 1)) "=" r_token(substr(v, at + 1), 1))
}
function y_scalar_token(v) { return r_dq(r_token(y_unq(v), 1)) }
# A list item in a secret place: KEY=VALUE keeps KEY; a bare item is a key name in an environment,
# a healthcheck word (CMD…) or else a value.
function y_item(text, envctx,   v) {
  v = y_unq(text)
  if (envctx || v ~ /^[A-Za-z_][A-Za-z0-9_.-]*=/ || v ~ /^(CMD|CMD-SHELL|NONE)$/) return y_envitem(text)
  return y_scalar_token(text)
}
# A flow value in a secret place, rebuilt with class tokens. envctx: an environment (a list item
# without "=" is a key name, kept); else a list item is a value (replaced), but for the healthcheck
# words CMD, CMD-SHELL and NONE.
function y_flow(v, envctx,   k, done, it, out, kk, vv, at) {
  out = ""; k = 2; done = 0
  while (!done) {
    it = y_fitem(v, k); k = Y_FK; done = Y_FDONE
    sub(/^[ \t]+/, "", it); it = y_rtrim(it)
    if (it == "") continue
    if (substr(v, 1, 1) == "[") {
      if (substr(it, 1, 1) == "*") out = out ", " it
      else if (index("[{", substr(it, 1, 1)) > 0) out = out ", " r_dq(r_token(it, 1))
      else out = out ", " y_item(it, envctx)
      continue
    }
    at = y_keyend(it)
    if (at == 0) { out = out ", " r_dq(y_unq(it)) ": null"; continue }
    kk = substr(it, 1, at - 1); vv = substr(it, at + 1); sub(/^[ \t]+/, "", vv)
    vv = y_props(vv)
    if (vv ~ /^\*/) out = out ", " r_dq(y_unq(kk)) ": " vv
    else if (y_isnull(vv)) out = out ", " r_dq(y_unq(kk)) ": " (Y_PRE == "" ? "null" : Y_PRE "null")
    else if (index("[{", substr(vv, 1, 1)) > 0) out = out ", " r_dq(y_unq(kk)) ": " Y_PRE r_dq(r_token(vv, 1))
    else out = out ", " r_dq(y_unq(kk)) ": " Y_PRE y_scalar_token(vv)
  }
  return (substr(v, 1, 1) == "[" ? "[" : "{") substr(out, 3) (substr(v, 1, 1) == "[" ? "]" : "}")
}
# The flow item starting at v[k] (k just after "[", "{" or ","): Y_FK is where the next one starts,
# Y_FDONE is set when the collection (or the text) ended after it.
# A quote opens a scalar only where one starts: first in the text or an item, or after ": ".
function y_qopen(v, k, nb,   p) { p = substr(v, k - 1, 1); return k == 1 || index("[{,", p) > 0 || (index(" \t", p) > 0 && index("[{,:?-", nb) > 0) || (p != "" && nb == "" && index(" \t", p) > 0) }
function y_fitem(v, k,   c, q, d, start, nb) {
  q = ""; d = 0; start = k; Y_FDONE = 0; nb = substr(v, k - 1, 1)
  for (; k <= length(v); k++) {
    c = substr(v, k, 1)
    if (q == "\"") { if (c == "\\") k++; else if (c == "\"") q = ""; continue }
    if (q == "'") { if (c == "'") q = ""; continue }
    if ((c == "\"" || c == "'") && y_qopen(v, k, nb)) { q = c; continue }
    if (c != " " && c != "\t") nb = c
    if (c == "[" || c == "{") { d++; continue }
    if (c == "]" || c == "}") { if (d == 0) { Y_FDONE = 1; Y_FK = k + 1; return substr(v, start, k - start) } d--; continue }
    if (c == "," && d == 0) { Y_FK = k + 1; return substr(v, start, k - start) }
  }
  Y_FDONE = 1; Y_FK = k; return substr(v, start)
}
# A flow collection outside the secret places (a service or a whole document written in flow or
# JSON style): kept, but for the values of secret places inside it, which are redacted.
function y_flowkeep(v, parent,   open, k, done, it, out, at, kk, vv, c) {
  open = substr(v, 1, 1); out = ""; k = 2
  while (1) {
    it = y_fitem(v, k); k = Y_FK; done = Y_FDONE
    sub(/^[ \t]+/, "", it); it = y_rtrim(it)
    if (it != "") {
      if (open == "[") out = out ", " (index("[{", substr(it, 1, 1)) > 0 ? y_flowkeep(it, parent) : y_mask(it))
      else {
        at = y_keyend(it)
        if (at == 0) out = out ", " y_mask(it)
        else {
          kk = substr(it, 1, at - 1); vv = substr(it, at + 1); sub(/^[ \t]+/, "", vv); c = y_unq(kk)
          if (c == "environment") out = out ", " kk ": " y_redact(vv, 1)
          else if ((y_secretish(c) && parent != "services") || y_opaque(c, parent) || c ~ /^x-/) out = out ", " kk ": " y_redact(vv, 0)
          else if (index("[{", substr(vv, 1, 1)) > 0) out = out ", " kk ": " y_flowkeep(vv, c)
          else out = out ", " kk ": " y_mask(vv)
        }
      }
    }
    if (done) break
  }
  return open substr(out, 3) (open == "[" ? "]" : "}")
}
# Position of the key/value ':' of a mapping entry ("key: v", "key:", "\"k\": v"), 0 if none.
function y_keyend(s,   q, k) {
  q = substr(s, 1, 1)
  if (q == "\"" || q == "'") {
    for (k = 2; k <= length(s); k++) {
      if (q == "\"" && substr(s, k, 1) == "\\") { k++; continue }
      if (substr(s, k, 1) == q) { if (q == "'" && substr(s, k + 1, 1) == "'") { k++; continue } break }
    }
    if (k > length(s)) return 0
    s = substr(s, k + 1); if (match(s, /^[ \t]*:/)) return k + RLENGTH
    return 0
  }
  if (q == "[" || q == "{" || (q == "-" && (length(s) == 1 || index(" \t", substr(s, 2, 1)) > 0))) return 0
  if (match(s, /:([ \t]|$)/)) return RSTART
  return 0
}
# Whether a value's quotes and brackets are complete on what we have.
function y_complete(v,   q, k, c, d, nb) {
  q = substr(v, 1, 1)
  if (q == "\"" || q == "'") {
    for (k = 2; k <= length(v); k++) {
      c = substr(v, k, 1)
      if (q == "\"" && c == "\\") { k++; continue }
      if (c == q) { if (q == "'" && substr(v, k + 1, 1) == "'") { k++; continue } return 1 }
    }
    return 0
  }
  if (q != "[" && q != "{") return 1
  d = 0; q = ""; nb = ""
  for (k = 1; k <= length(v); k++) {
    c = substr(v, k, 1)
    if (q == "\"") { if (c == "\\") { k++; continue } if (c == "\"") q = ""; continue }
    if (q == "'") { if (c == "'") q = ""; continue }
    if ((c == "\"" || c == "'") && y_qopen(v, k, nb)) { q = c; continue }
    if (c != " " && c != "\t") nb = c
    if (c == "[" || c == "{") d++
    if (c == "]" || c == "}") { d--; if (d == 0) return 1 }
  }
  return 0
}
# A value in a secret place → what replaces it (anchors kept, aliases kept, null kept).
function y_redact(v, envctx,   pre) {
  v = y_props(v); pre = Y_PRE # (awks differ in the order they evaluate a concatenation's calls)
  if (v ~ /^\*[^ \t]+$/) return pre v
  if (y_isnull(v)) return pre == "" ? "" : pre "null"
  if (index("[{", substr(v, 1, 1)) > 0) return pre y_flow(v, envctx)
  if (v ~ /^[|>]/) return pre r_dq(r_token(Y_BLOCK, 1))
  return pre y_scalar_token(v)
}
function y_emit_pending(   v, pre) {
  if (!y_pend) return
  y_pend = 0; v = y_pend_val
  if (y_pend_keep) { y_pend_keep = 0; v = y_props(v); pre = Y_PRE; print "|" y_pend_pre pre y_flowkeep(v, y_pend_parent); return }
  if (y_pend_item) { v = y_props(v); pre = Y_PRE; if (index("[{*", substr(v, 1, 1)) == 0) { print "|" y_pend_pre pre y_item(v, y_pend_env); return } v = pre v }
  print "|" y_pend_pre y_redact(v, y_pend_env)
}
function y_flush_blanks() { while (y_nblank > 0) { print "|"; y_nblank-- } }
function y_end() { y_finish_block(); y_emit_pending(); y_flush_blanks() }
function y_finish_block() {
  if (!y_blk) return
  y_blk = 0
  if (!y_blk_red) return
  Y_BLOCK = y_blk_acc
  if (y_blk_item && (y_blk_env || y_unq(Y_BLOCK) ~ /^[A-Za-z_][A-Za-z0-9_.-]*=/)) print "|" y_blk_pre y_envitem(Y_BLOCK)
  else print "|" y_blk_pre y_redact(y_blk_val, 0)
}
function y_line(line,   s, ind, c, at, key, rest, red, pre, item, col, t, opened) {
  sub(/\r$/, "", line)
  # Inside a block scalar (| or >): more-indented and blank lines are its content.
  if (y_blk) {
    if (line ~ /^[ \t]*$/ || y_ind(line) > y_blk_ind) {
      if (y_blk_red) {
        if (y_blk_cind < 0 && line !~ /^[ \t]*$/) y_blk_cind = y_ind(line)
        t = (y_blk_cind < 0) ? "" : substr(line, y_blk_cind + 1)
        y_blk_acc = y_blk_acc (y_blk_n++ ? "\n" : "") t
      }
      else print "|" y_mask(line)
      return
    }
    y_finish_block()
  }
  # A pending value in a secret place: multi-line quoted/flow, or a plain scalar's continuation.
  if (y_pend) {
    if (!y_complete(y_pend_val)) { t = line; sub(/^[ \t]+/, "", t); y_pend_val = y_pend_val " " y_rtrim(t); return }
    if (line ~ /^[ \t]*$/) { y_nblank++; return }
    if (y_ind(line) > y_pend_ind && line !~ /^[ \t]*#/ && y_pend_plain) {
      t = y_nocomment(line); sub(/^[ \t]+/, "", t); y_pend_val = y_pend_val " " y_rtrim(t); y_nblank = 0; return
    }
    y_emit_pending()
  }
  if (line ~ /^[ \t]*$/) { y_nblank++; return }
  y_flush_blanks()
  if (line ~ /^[ \t]*#/) { print "|"; return }
  if (line ~ /^(---|\.\.\.|%)/) { print "|" y_mask(y_rtrim(y_nocomment(line))); return }
  s = y_rtrim(y_nocomment(line)); ind = y_ind(s); s = substr(s, ind + 1)
  opened = y_opened; y_opened = 0
  # Close the blocks this line is not inside of (a "- " item at a key's indent belongs to it).
  while (ys_n > 0 && (YS_IND[ys_n] > ind || (YS_IND[ys_n] == ind && s !~ /^-([ \t]|$)/))) ys_n--
  pre = substr(line, 1, ind); col = ind
  # List items ("- x", "- - x", "- key: v").
  while (s ~ /^-([ \t]|$)/) {
    match(s, /^-[ \t]*/); pre = pre substr(s, 1, RLENGTH); col += RLENGTH; s = substr(s, RLENGTH + 1)
  }
  red = y_in_red()
  if (col > ind) {
    # An item. "- key: v" opens a mapping at the key's column; otherwise a scalar/flow item.
    at = y_keyend(s)
    if (at == 0) {
      if (s == "") { print "|" pre; return }
      item = s
      if (red && y_props(item) ~ /^[|>][-+0-9]*$/) {
        # A block scalar item: its lines follow, more indented than the "-".
        y_blk = 1; y_blk_ind = ind; y_blk_red = 1; y_blk_acc = ""; y_blk_n = 0; y_blk_cind = -1; y_blk_item = 1; y_blk_env = y_in_env(); y_blk_val = item; y_blk_pre = pre
        return
      }
      if (red || y_unq(item) ~ /^[A-Za-z_][A-Za-z0-9_.-]*=/) {
        y_pend = 1; y_pend_item = 1; y_pend_env = y_in_env(); y_pend_plain = (index("\"'[{", substr(item, 1, 1)) == 0)
        y_pend_ind = ind; y_pend_pre = pre; y_pend_val = item; return
      }
      if (index("[{", substr(y_props(item), 1, 1)) > 0) { y_keepflow(pre, item, ys_n > 0 ? YS_KEY[ys_n] : ""); return }
      print "|" pre y_mask(item); return
    }
  } else at = y_keyend(s)
  if (at == 0 && !red && index("[{", substr(s, 1, 1)) > 0) { y_keepflow(pre, s, ys_n > 0 ? YS_KEY[ys_n] : ""); return }
  if (at == 0) {
    # Not a key: the value of the key on the line before ("KEY:" then the value, indented), or a
    # stray scalar line (dropped in a secret place).
    if (red && opened && col == ind) {
      y_pend = 1; y_pend_item = 0; y_pend_keep = 0; y_pend_env = y_in_env(); y_pend_plain = (index("\"'[{", substr(s, 1, 1)) == 0); y_pend_ind = ind - 1; y_pend_pre = pre; y_pend_val = s
      return
    }
    print "|" (red ? "" : substr(line, 1, ind) y_mask(s)); return
  }
  key = substr(s, 1, at - 1); rest = substr(s, at + 1); sub(/^[ \t]+/, "", rest)
  c = y_keyname(key)
  if (col == 0 && ind == 0) red = (c ~ /^x-/)
  # A service's name is a name, whatever it looks like.
  if (!(ys_n == 1 && YS_KEY[1] == "services")) red = red || c == "environment" || y_secretish(c) || y_opaque(c, ys_n > 0 ? YS_KEY[ys_n] : "")
  t = y_props(rest)
  if (t == "" ) {
    # Opens a block (its content follows on the next lines).
    YS_IND[++ys_n] = col; YS_KEY[ys_n] = c; y_opened = 1
    print "|" pre key ":" (Y_PRE == "" ? "" : " " y_rtrim(Y_PRE)); return
  }
  if (t ~ /^[|>][-+0-9]*$/) {
    y_blk = 1; y_blk_ind = col; y_blk_red = red; y_blk_acc = ""; y_blk_n = 0; y_blk_cind = -1; y_blk_item = 0; y_blk_val = rest; y_blk_pre = pre key ": "
    if (!red) print "|" pre key ": " rest
    return
  }
  if (!red) {
    if (index("[{", substr(t, 1, 1)) > 0) { y_keepflow(pre key ": ", rest, c); return }
    print "|" pre key ": " y_mask(rest); return
  }
  y_pend = 1; y_pend_item = 0; y_pend_env = (c == "environment" || y_in_env()); y_pend_plain = (index("\"'[{", substr(t, 1, 1)) == 0); y_pend_ind = col; y_pend_pre = pre key ": "; y_pend_val = rest
}
`;

// ---------------------------------------------------------------------------------------------
// The batch program: RMP_META (one line per file: KIND TAB SOURCE TAB STATUS TAB PATH, STATUS "ok"
// when the shell found a readable regular file), RMP_SIZES (`wc -c` of those), RMP_USED (bytes
// already spent of the budget), RMP_MAX_COMPOSE / RMP_MAX_ENV / RMP_BUDGET. Prints the section's
// framing (see parseComposeDump) for every file in order; compose files' env_file targets and
// project .env files go to stderr as "env TAB PATH" / "dotenv TAB PATH", then "@U TAB BYTES".

const AWK_ENV_FILES_FUNCTIONS = String.raw`
function f_strip(s) {
  sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s)
  if (s ~ /^".*"$/ || s ~ /^'.*'$/) s = substr(s, 2, length(s) - 2)
  return s
}
function f_out(s) {
  s = f_strip(s)
  if (s == "" || index(s, "$") > 0) return
  if (substr(s, 1, 1) != "/") { while (substr(s, 1, 2) == "./") s = substr(s, 3); s = f_dir "/" s }
  if (f_n < 50) { f_n++; b_cand("env", s) }
}
function f_reset(p) { f_dir = p; sub(/\/[^\/]*$/, "", f_dir); if (f_dir == "") f_dir = "/"; f_inl = 0; f_n = 0 }
function f_line(line,   ind, s, rest, n, a, i) {
  sub(/\r$/, "", line)
  if (line ~ /^[ \t]*#/ || line ~ /^[ \t]*$/) return
  sub(/[ \t]+#.*$/, "", line)
  match(line, /^ */); ind = RLENGTH
  s = substr(line, ind + 1)
  if (f_inl) {
    if (ind > f_base || (ind == f_base && s ~ /^- /)) {
      if (s ~ /^- /) { s = substr(s, 3); sub(/^ +/, "", s) }
      if (s ~ /^path:/) { f_out(substr(s, 6)); return }
      if (s ~ /^[A-Za-z_]+:/) return
      f_out(s); return
    }
    f_inl = 0
  }
  if (s ~ /^env_file:/) {
    rest = substr(s, 10); sub(/^[ \t]+/, "", rest)
    if (rest == "") { f_inl = 1; f_base = ind; return }
    if (substr(rest, 1, 1) == "[") { gsub(/[][]/, "", rest); n = split(rest, a, ","); for (i = 1; i <= n; i++) f_out(a[i]); return }
    f_out(rest)
  }
}
`;

const BATCH_MAIN = String.raw`
function b_cand(kind, p) { if (!(p in b_seen) && b_nc < 400) { b_seen[p] = 1; b_nc++; print kind "\t" p > "/dev/stderr" } }
BEGIN {
  r_init()
  nm = split(ENVIRON["RMP_META"], META, "\n")
  ns = split(ENVIRON["RMP_SIZES"], SZL, "\n")
  for (i = 1; i <= ns; i++) if (match(SZL[i], /^[ \t]*[0-9]+[ \t]/)) { p = substr(SZL[i], RLENGTH + 1); sz = substr(SZL[i], 1, RLENGTH - 1); gsub(/[ \t]/, "", sz); if (substr(p, 1, 1) == "/") SIZE[p] = sz + 0 }
  used = ENVIRON["RMP_USED"] + 0; budget = ENVIRON["RMP_BUDGET"] + 0
  for (i = 1; i <= nm; i++) {
    if (split(META[i], F, "\t") < 4) continue
    kind = F[1]; src = F[2]; st = F[3]; p = F[4]; sz = 0
    if (st == "ok") {
      mx = (kind == "compose") ? ENVIRON["RMP_MAX_COMPOSE"] + 0 : ENVIRON["RMP_MAX_ENV"] + 0
      if (!(p in SIZE)) st = "unreadable"
      else { sz = SIZE[p]; if (sz > mx) st = "too-big"; else if (used + sz > budget) st = "budget" }
    }
    r = 0
    if (st == "ok") { r = (getline line < p); if (r < 0) st = "unreadable" }
    printf "@F %s %s %s %d\n@P %s\n", kind, src, st, sz, p
    if (st == "ok") {
      used += sz
      if (kind == "compose") { y_reset(); f_reset(p); if (r > 0) do { y_line(line); f_line(line) } while ((getline line < p) > 0); y_end() }
      else if (r > 0) { do e_line(line); while ((getline line < p) > 0) }
      close(p)
      if (kind == "compose") { d = p; sub(/\/[^\/]*$/, "", d); b_cand("dotenv", d "/.env") }
    }
    print "@E"
  }
  print "@U\t" used > "/dev/stderr"
  exit 0
}
`;

/** One awk for a batch of compose and env files (see BATCH_MAIN above). */
export function composeBatchAwk(): string {
  return [envAwkLib(), ENV_FILE_FUNCTIONS, COMPOSE_FUNCTIONS, AWK_ENV_FILES_FUNCTIONS, BATCH_MAIN].join('\n');
}

// ---------------------------------------------------------------------------------------------
// docker inspect: one JSON object per line; each "Env":[…] item's value becomes its token, and so
// does each item of Cmd, Entrypoint, Args and a healthcheck's Test (but its CMD/CMD-SHELL/NONE),
// and each label's value but the com.docker.compose.* ones the parser reads: nothing on the
// laptop reads them and they often carry a password (or a basic-auth hash). A line whose arrays cannot be
// walked to their end is replaced by a notice (never passed through).

const INSPECT_MAIN = String.raw`
# The JSON string starting at s[k] (a quote): sets J_END (index after the closing quote), returns
# the raw escaped text between the quotes; J_END = 0 when unterminated.
function j_str(s, k,   rest, off, q, bs) {
  rest = substr(s, k + 1); off = 0
  while ((q = index(rest, "\"")) > 0) {
    bs = 0; while (q - bs - 1 >= 1 && substr(rest, q - bs - 1, 1) == "\\") bs++
    if (bs % 2 == 0) { J_END = k + off + q + 1; return substr(s, k + 1, off + q - 1) }
    off += q; rest = substr(rest, q + 1)
  }
  J_END = 0; return ""
}
function j_unesc(t,   out, k, c, n, lo) {
  out = ""
  while ((k = index(t, "\\")) > 0) {
    out = out substr(t, 1, k - 1); c = substr(t, k + 1, 1); t = substr(t, k + 2)
    if (c == "n") out = out "\n"; else if (c == "t") out = out "\t"; else if (c == "r") out = out "\r"
    else if (c == "b") out = out "\b"; else if (c == "f") out = out "\f"
    else if (c == "u") {
      n = r_hex(substr(t, 1, 4)); t = substr(t, 5)
      if (n >= 55296 && n < 56320 && substr(t, 1, 2) == "\\u") { lo = r_hex(substr(t, 3, 4)); if (lo >= 56320 && lo < 57344) { n = 65536 + (n - 55296) * 1024 + (lo - 56320); t = substr(t, 7) } }
      out = out (n < 0 ? "?" : r_utf8(n))
    }
    else out = out c
  }
  return out t
}
# Every "NAME":[…] array of strings in the line: mode env (KEY=VALUE: the value becomes its
# token), opaque (each item becomes a token), test (the same, but for a first CMD/CMD-SHELL/NONE).
# Returns "" when an array cannot be walked to its end.
function j_arr(line, name, mode,   out, k, item, at, first, n) {
  out = ""
  while ((k = index(line, name)) > 0) {
    out = out substr(line, 1, k + length(name) - 1); line = substr(line, k + length(name)); first = 1; n = 0
    while (1) {
      sub(/^[ \t]+/, "", line)
      if (substr(line, 1, 1) == "]") { out = out "]"; line = substr(line, 2); break }
      if (!first) { if (substr(line, 1, 1) != ",") return ""; line = substr(line, 2); sub(/^[ \t]+/, "", line) }
      if (substr(line, 1, 1) != "\"") return ""
      item = j_str(line, 1); if (J_END == 0) return ""
      line = substr(line, J_END); n++
      if (mode == "env") { at = index(item, "="); if (at > 0 && !j_keepenv(item)) item = substr(item, 1, at) r_token(j_unesc(substr(item, at + 1)), 0) }
      else if (mode == "opaque" && j_keeparg(item)) { }
      else if (!(mode == "test" && n == 1 && item ~ /^(CMD|CMD-SHELL|NONE)$/)) item = r_token(j_unesc(item), 0)
      out = out (first ? "" : ",") "\"" item "\""
      first = 0
    }
  }
  return out line
}
# Every "NAME":{…} object of strings: each value becomes its token, but those of keys starting
# with KEEP (the com.docker.compose.* labels the parser reads). "" when it cannot be walked.
function j_obj(line, name, keep,   out, k, key, val, first) {
  out = ""
  while ((k = index(line, name)) > 0) {
    out = out substr(line, 1, k + length(name) - 1); line = substr(line, k + length(name)); first = 1
    while (1) {
      sub(/^[ \t]+/, "", line)
      if (substr(line, 1, 1) == "}") { out = out "}"; line = substr(line, 2); break }
      if (!first) { if (substr(line, 1, 1) != ",") return ""; line = substr(line, 2); sub(/^[ \t]+/, "", line) }
      if (substr(line, 1, 1) != "\"") return ""
      key = j_str(line, 1); if (J_END == 0) return ""
      line = substr(line, J_END); sub(/^[ \t]*:[ \t]*/, "", line)
      if (substr(line, 1, 1) != "\"") return ""
      val = j_str(line, 1); if (J_END == 0) return ""
      line = substr(line, J_END)
      if (substr(key, 1, length(keep)) != keep && !j_keeplabel(key, val)) val = r_token(j_unesc(val), 0)
      out = out (first ? "" : ",") "\"" key "\":\"" val "\""
      first = 0
    }
  }
  return out line
}
# What the Traefik checks read stays (never a secret: the key names no credential, the value is a
# switch, an address, a router rule or a list of names; a URL, a header or query matcher, a
# backslash or a quote is never kept).
function j_secretkey(k) { return tolower(k) ~ /pass|pwd|secret|token|credential|key|auth|users|cert|header|email|endpoint|url|dsn|private/ }
# v is JSON-escaped: only Go's \u0026 \u003c \u003e escapes may be in it (no control, quote or backslash).
function j_safeval(v,   w) {
  w = v; gsub(/\\u00(26|3c|3e)/, "", w)
  if (index(w, "\\") > 0 || index(w, "\"") > 0 || length(w) > 256) return 0
  w = tolower(j_unesc(v))
  return index(w, "://") == 0 && w !~ /header|query|clientip/
}
function j_keeplabel(key, val,   last) {
  if (substr(key, 1, 8) != "traefik." || key !~ /^[A-Za-z0-9_.-]+$/) return 0
  last = tolower(key); sub(/^.*[.]/, "", last)
  if (last !~ /^(enable|rule|entrypoints|middlewares|service|tls|certresolver|options|priority|scheme|permanent|port|stsseconds|framedeny|contenttypenosniff|browserxssfilter|customframeoptionsvalue|contentsecuritypolicy|stsincludesubdomains|forcestsheader)$/) return 0
  return j_safeval(val)
}
# --api.insecure=true, --entrypoints.web.address=:80, --accesslog …: Traefik's static options.
function j_keeparg(item,   k, at) {
  if (item !~ /^--?(api|entrypoints|entryPoints|providers|accesslog|accessLog|log|ping|metrics|global|serverstransport|serversTransport|experimental)([.=]|$)/) return 0
  at = index(item, "="); k = at ? substr(item, 1, at - 1) : item
  if (k !~ /^[-A-Za-z0-9_.]+$/ || j_secretkey(k)) return 0
  return at == 0 || j_safeval(substr(item, at + 1))
}
# TRAEFIK_ENTRYPOINTS_WEB_ADDRESS=:80, TRAEFIK_API_INSECURE=true: Traefik's static options again.
function j_keepenv(item,   at) { at = index(item, "="); return item ~ /^TRAEFIK_[A-Z0-9_]+=/ && !j_secretkey(substr(item, 1, at - 1)) && length(item) - at <= 128 && j_safeval(substr(item, at + 1)) }
function j_line(t) {
  t = j_obj(t, "\"Labels\":{", "com.docker.compose."); if (t == "") return ""
  t = j_arr(t, "\"Env\":[", "env"); if (t == "") return ""
  t = j_arr(t, "\"Cmd\":[", "opaque"); if (t == "") return ""
  t = j_arr(t, "\"Entrypoint\":[", "opaque"); if (t == "") return ""
  t = j_arr(t, "\"Args\":[", "opaque"); if (t == "") return ""
  return j_arr(t, "\"Test\":[", "test")
}
# The bind-mount sources of a Traefik or Authelia container, on stderr (the docker section hands
# them to the proxy section: their configuration files are in there). Paths only, never contents.
function j_mounts(line,   s) {
  s = line
  while (match(s, /"Source":"\/[^"\\]*"/)) { print substr(s, RSTART + 10, RLENGTH - 11) > "/dev/stderr"; s = substr(s, RSTART + RLENGTH) }
}
# A compose container's project folder and files (what "docker ps -a --filter
# label=com.docker.compose.project" printed for the compose section, which now reads these
# lines instead of asking dockerd again): "@C<TAB>working_dir<TAB>config_files" on stderr. A
# literal "KEY":" cannot occur inside another JSON string (its quotes would be escaped there).
function j_labelval(line, key,   k, v) {
  k = index(line, "\"" key "\":\""); if (k == 0) return ""
  v = j_str(line, k + length(key) + 3); if (J_END == 0) return ""
  return j_unesc(v)
}
# Every container, for the mail stack section's pick (what its docker ps printed):
# "@P<TAB>id<TAB>Config.Image<TAB>name<TAB>compose project" on stderr. The first "Id", "Name"
# are the container's own (Docker writes them before any nested object that has such keys);
# Config.Image is the first "Image" after "Config":{ (the top-level "Image" is the image id).
function j_flat(v) { gsub(/[\t\n\r]/, " ", v); return v }
function j_psline(line,   id, name, img, cfg) {
  id = j_labelval(line, "Id"); name = j_labelval(line, "Name"); sub(/^\//, "", name)
  cfg = index(line, "\"Config\":{"); img = cfg ? j_labelval(substr(line, cfg), "Image") : ""
  print "@P\t" j_flat(id) "\t" j_flat(img) "\t" j_flat(name) "\t" j_flat(j_labelval(line, "com.docker.compose.project")) > "/dev/stderr"
}
function j_compose(line,   wd, cf) {
  if (index(line, "\"com.docker.compose.project\":\"") == 0) return
  wd = j_labelval(line, "com.docker.compose.project.working_dir"); cf = j_labelval(line, "com.docker.compose.project.config_files")
  if (wd ~ /[\t\n]/ || cf ~ /[\t\n]/) return
  print "@C\t" wd "\t" cf > "/dev/stderr"
}
BEGIN {
  r_init()
  # The collector's clock line (docker section), before any container: srand returns the time of
  # day the first call seeded with.
  if (rampart_now) { srand(); rmp_clock = srand(); if (rmp_clock < 1000000000) { "date -u +%s" | getline rmp_clock }; print "RAMPART-NOW " rmp_clock }
}
{
  if (substr($0, 1, 1) != "{") { print; next }
  if ($0 ~ /"(Image|Path)":"[^"]*(traefik|authelia)/) j_mounts($0)
  j_compose($0); j_psline($0)
  t = j_line($0)
  if (t == "") print "RAMPART-ENV-UNPARSABLE"; else print t
}
END { print "@C-DONE" > "/dev/stderr" }
`;

/**
 * The shell line by which a later section reads the inspect's side channel (its fd 3 lines, held
 * in the variable `source`): `out` becomes "inspect" when they cover every container ("@C-DONE"
 * from inspectAwk's END and no "@C-LIMIT" from the docker section), else "ps".
 */
export function inspectedAllCase(source: string, out: string): string {
  return `case "$NL$${source}$NL" in *"$NL@C-LIMIT$NL"*) ${out}=ps ;; *"$NL@C-DONE$NL"*) ${out}=inspect ;; *) ${out}=ps ;; esac`;
}

/** The docker inspect post-processor (stdin → stdout). */
export function inspectAwk(): string {
  return [envAwkLib(), INSPECT_MAIN].join('\n');
}
