// sudoers(5), as much of it as the access checks need: user specifications with their tags
// (NOPASSWD carries over to the following commands of a list), aliases, Defaults with
// `!authenticate`. The collector prints every file it read as "F<TAB>path" followed by one
// "L<TAB>line" per line (so no file content can pose as a header), "D<TAB>path" for files or
// folders it may not read, and "S<TAB>path" for files sudo itself ignores (names with a dot or ~).

export interface SudoersFile {
  path: string;
  lines: string[];
}

export interface SudoCommand {
  /** Run-as spec, e.g. "ALL:ALL"; null when none was given (root). */
  runas: string | null;
  nopasswd: boolean;
  negated: boolean;
  /** The command (or Cmnd_Alias name) as written. */
  command: string;
  /** The command is ALL, or an alias that contains ALL. */
  all: boolean;
}

export interface SudoRule {
  file: string;
  /** 1-based line where the rule starts. */
  line: number;
  /** The rule as written (continuations joined, comments removed, at most 300 characters). */
  text: string;
  /** User list as written (user names, %group, %#gid, #uid, +netgroup, User_Alias, ALL). */
  users: string[];
  /** The user list with User_Aliases expanded. */
  expandedUsers: string[];
  commands: SudoCommand[];
}

export interface SudoDefault {
  file: string;
  line: number;
  /** The binding after "Defaults" (":alice", ">root", "@host", "!cmd"), or null for all. */
  scope: string | null;
  text: string;
  /** Contains `!authenticate`: sudo asks nobody (in scope) for a password. */
  noAuthenticate: boolean;
}

export interface Sudoers {
  /** /etc/sudoers exists (sudo is installed). */
  present: boolean;
  /** Files read, in order. */
  files: string[];
  rules: SudoRule[];
  defaults: SudoDefault[];
  denied: string[];
  /** Files in include dirs that sudo ignores (names with "." or ending in "~"). */
  skipped: string[];
}

export function parseSudoersOutput(body: string): { present: boolean; files: SudoersFile[]; denied: string[]; skipped: string[] } {
  const files: SudoersFile[] = [];
  const denied: string[] = [];
  const skipped: string[] = [];
  let present = true;
  let current: SudoersFile | null = null;
  let total = 0;
  for (const raw of body.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '#rampart absent') {
      present = false;
      continue;
    }
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const kind = line.slice(0, tab);
    const rest = line.slice(tab + 1);
    if (kind === 'L') {
      if (current && total++ < 200_000) current.lines.push(rest);
    } else if (kind === 'F' && rest.startsWith('/')) {
      current = { path: rest, lines: [] };
      files.push(current);
    } else if (kind === 'D' && rest.startsWith('/')) {
      denied.push(rest);
      current = null;
    } else if (kind === 'S' && rest.startsWith('/')) skipped.push(rest);
  }
  return { present, files, denied, skipped };
}

const TAGS = new Set([
  'NOPASSWD', 'PASSWD', 'NOEXEC', 'EXEC', 'SETENV', 'NOSETENV', 'LOG_INPUT', 'NOLOG_INPUT', 'LOG_OUTPUT', 'NOLOG_OUTPUT',
  'MAIL', 'NOMAIL', 'FOLLOW', 'NOFOLLOW', 'INTERCEPT', 'NOINTERCEPT',
]);
const OPTION = /^(ROLE|TYPE|CWD|CHROOT|NOTBEFORE|NOTAFTER|TIMEOUT|APPARMOR_PROFILE|PRIVS|LIMITPRIVS)=("[^"]*"|\S+)\s*/;
const ALIAS = /^(User|Runas|Host|Cmnd|Cmd)_Alias\s+(.*)$/;
const DEFAULTS = /^Defaults([:@!>]\s*\S+)?\s+(.*)$/;

/** Logical lines: continuation backslashes joined, comments stripped. Keeps the first line number. */
function logicalLines(lines: readonly string[]): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let buf = '';
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (!buf) start = i + 1;
    if (/(^|[^\\])(\\\\)*\\$/.test(l)) {
      buf += l.slice(0, -1) + ' ';
      continue;
    }
    buf += l;
    out.push({ line: start, text: stripComment(buf).trim() });
    buf = '';
  }
  if (buf) out.push({ line: start, text: stripComment(buf).trim() });
  return out.filter((l) => l.text !== '');
}

/**
 * Where a comment starts: '#' unless it begins a uid/gid (#1000); quotes and backslashes protect
 * it. -1 when the line has none. (Also used by the sudoers fix, which edits lines in place.)
 */
export function sudoersCommentAt(s: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === '#' && !quoted && !/\d/.test(s[i + 1] ?? '')) return i;
  }
  return -1;
}

/** The line without its comment; an #include(dir) directive is no rule at all. */
function stripComment(s: string): string {
  if (/^\s*#include(dir)?\s/.test(s)) return '';
  const at = sudoersCommentAt(s);
  return at < 0 ? s : s.slice(0, at);
}

/**
 * Splits at `sep` outside parentheses and quotes, honouring backslash escapes; the pieces as they
 * stand (positions preserved, so the sudoers fix can rebuild a line from them).
 */
export function splitSudoersTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth = Math.max(0, depth - 1);
    if (c === sep && depth === 0 && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** splitSudoersTop, trimmed, empty pieces dropped. */
function splitTop(s: string, sep: string): string[] {
  return splitSudoersTop(s, sep)
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/**
 * The ": Host_List = Cmnd_Spec_List" separators of a user specification: a colon outside
 * parentheses that does not end a tag (NOPASSWD:) and is followed by "hosts =".
 */
function splitHostSegments(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ':' && depth === 0) {
      const word = /([A-Z_]+)\s*$/.exec(s.slice(last, i))?.[1];
      if (word && TAGS.has(word)) continue;
      if (/^\s*[^:=()"]+=/.test(s.slice(i + 1))) {
        out.push(s.slice(last, i));
        last = i + 1;
      }
    }
  }
  out.push(s.slice(last));
  return out;
}

function parseAliases(def: string, into: Map<string, string[]>): void {
  for (const part of splitHostSegments(def.replace(/\s*=\s*/g, ' = '))) {
    const m = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*(.*)$/.exec(part);
    if (m) into.set(m[1]!, splitTop(m[2]!, ','));
  }
}

function expand(items: readonly string[], aliases: ReadonlyMap<string, string[]>, seen = new Set<string>()): string[] {
  const out: string[] = [];
  for (const item of items) {
    const neg = item.startsWith('!');
    const name = neg ? item.slice(1).trim() : item;
    const alias = aliases.get(name);
    if (alias && !seen.has(name)) {
      seen.add(name);
      const inner = expand(alias, aliases, seen);
      out.push(...(neg ? inner.map((x) => (x.startsWith('!') ? x.slice(1) : `!${x}`)) : inner));
    } else out.push(item);
  }
  return out;
}

function parseCommands(list: string, cmndAliases: ReadonlyMap<string, string[]>): SudoCommand[] {
  const out: SudoCommand[] = [];
  let runas: string | null = null;
  let nopasswd = false;
  for (let spec of splitTop(list, ',')) {
    const r = /^\(([^)]*)\)\s*/.exec(spec);
    if (r) {
      runas = r[1]!.trim();
      spec = spec.slice(r[0].length);
    }
    for (;;) {
      const o = OPTION.exec(spec);
      if (o) {
        spec = spec.slice(o[0].length);
        continue;
      }
      const t = /^([A-Z_]+)\s*:\s*/.exec(spec);
      if (t && TAGS.has(t[1]!)) {
        if (t[1] === 'NOPASSWD') nopasswd = true;
        if (t[1] === 'PASSWD') nopasswd = false;
        spec = spec.slice(t[0].length);
        continue;
      }
      break;
    }
    const command = spec.trim();
    if (!command) continue;
    const negated = command.startsWith('!');
    const bare = negated ? command.slice(1).trim() : command;
    const expanded = expand([bare], cmndAliases);
    out.push({ runas, nopasswd, negated, command, all: !negated && expanded.includes('ALL') });
  }
  return out;
}

export function analyzeSudoers(input: { present: boolean; files: SudoersFile[]; denied: string[]; skipped: string[] }): Sudoers {
  const userAliases = new Map<string, string[]>();
  const cmndAliases = new Map<string, string[]>();
  const rules: SudoRule[] = [];
  const defaults: SudoDefault[] = [];
  // Aliases may be used before the line that defines them (in sudoers they may not, but a parse
  // order mistake here must not hide a rule), so collect them first.
  const parsed = input.files.map((f) => ({ file: f.path, lines: logicalLines(f.lines) }));
  for (const f of parsed)
    for (const l of f.lines) {
      const a = ALIAS.exec(l.text);
      if (!a) continue;
      if (a[1] === 'User') parseAliases(a[2]!, userAliases);
      if (a[1] === 'Cmnd' || a[1] === 'Cmd') parseAliases(a[2]!, cmndAliases);
    }
  for (const f of parsed) {
    for (const l of f.lines) {
      const text = l.text;
      if (ALIAS.test(text) || /^[@#]include(dir)?\s/.test(text)) continue;
      const d = DEFAULTS.exec(text);
      if (d) {
        const items = splitTop(d[2]!, ',');
        defaults.push({
          file: f.file,
          line: l.line,
          scope: d[1] ? d[1].replace(/\s+/g, '') : null,
          text: text.replace(/\s+/g, ' ').slice(0, 300),
          noAuthenticate: items.some((i) => /^!\s*authenticate$/.test(i)),
        });
        continue;
      }
      const eq = text.indexOf('=');
      if (eq < 0) continue;
      const left = text.slice(0, eq).replace(/\s*,\s*/g, ',').trim().split(/\s+/);
      if (left.length < 2) continue;
      const users = left[0]!.split(',').filter(Boolean);
      // First segment: "users hosts = cmnds"; later ones: "hosts = cmnds".
      const segments = splitHostSegments(text.slice(eq + 1));
      const commands: SudoCommand[] = [];
      segments.forEach((seg, i) => {
        const list = i === 0 ? seg : seg.slice(seg.indexOf('=') + 1);
        commands.push(...parseCommands(list, cmndAliases));
      });
      rules.push({ file: f.file, line: l.line, text: text.replace(/\s+/g, ' ').slice(0, 300), users, expandedUsers: expand(users, userAliases), commands });
    }
  }
  return { present: input.present, files: input.files.map((f) => f.path), rules, defaults, denied: input.denied, skipped: input.skipped };
}

export function parseSudoers(body: string): Sudoers {
  return analyzeSudoers(parseSudoersOutput(body));
}
