// A small block-style YAML emitter for the Ansible export (ansible.ts). Every string is written
// double-quoted with explicit escapes, so no value can change the document's structure (quotes,
// newlines, `: `, `#`, leading dashes); strings that come from the host or the plan are tagged
// `!unsafe`, so Ansible never templates them (`{{ … }}` / `{% … %}` in a file name stay text).
// The output is what PyYAML (Ansible's loader, YAML 1.1) reads back as the same values. Pure.

/** A string Ansible must never template (remote data: paths, names, commands, messages). */
export class Unsafe {
  constructor(readonly value: string) {}
}

export const unsafe = (s: string): Unsafe => new Unsafe(s);

/** YAML comment lines written above a list item (the `$comment` key of a map, or `Commented`). */
export type YNode = string | number | boolean | null | Unsafe | YNode[] | YMap;
export interface YMap {
  [key: string]: YNode | undefined;
}

/** The key a map uses to carry comment lines written above it when it is a list item. */
export const COMMENT_KEY = '$comment';

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.]*$/;
/** Words YAML 1.1 reads as booleans or null. */
const RESERVED = /^(y|n|yes|no|true|false|on|off|null)$/i;

/**
 * A double-quoted YAML scalar. JSON's escaping is valid YAML, plus what YAML would otherwise read
 * differently: C1 controls and DEL (not printable: PyYAML refuses them raw), U+0085/U+2028/U+2029
 * (line breaks in YAML 1.1, folded inside quotes), U+FEFF and the non-characters. A lone surrogate
 * cannot be written as UTF-8 at all: refused.
 */
export function yamlString(s: string): string {
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)) throw new Error(`cannot write ${JSON.stringify(s)} as YAML: it holds a lone UTF-16 surrogate`);
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function scalar(v: string | number | boolean | null | Unsafe): string {
  if (v instanceof Unsafe) return `!unsafe ${yamlString(v.value)}`;
  if (typeof v === 'string') return yamlString(v);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error(`only integers are written as YAML numbers, got ${v}`);
    return String(v);
  }
  if (v === null) return 'null';
  return v ? 'true' : 'false';
}

const isScalar = (v: YNode): v is string | number | boolean | null | Unsafe => v === null || v instanceof Unsafe || typeof v !== 'object';

/** Comment lines: every character YAML could read as a line break or refuses is written escaped. */
function commentLines(text: string, pad: string): string[] {
  const clean = text
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped here
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return clean.split('\n').map((l) => (l ? `${pad}# ${l}` : `${pad}#`));
}

function entries(m: YMap): Array<[string, YNode]> {
  const out: Array<[string, YNode]> = [];
  for (const [k, v] of Object.entries(m)) {
    if (k === COMMENT_KEY || v === undefined) continue;
    out.push([k, v]);
  }
  return out;
}

/** A key: plain when it is an identifier, else double-quoted like any string (host names). */
function key(k: string): string {
  return PLAIN_KEY.test(k) && !RESERVED.test(k) ? k : yamlString(k);
}

function emitMap(m: YMap, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [rawKey, v] of entries(m)) {
    const k = key(rawKey);
    if (isScalar(v)) lines.push(`${pad}${k}: ${scalar(v)}`);
    else if (Array.isArray(v)) {
      if (!v.length) lines.push(`${pad}${k}: []`);
      else lines.push(`${pad}${k}:`, ...emitList(v, indent + 2));
    } else if (!entries(v).length) lines.push(`${pad}${k}: {}`);
    else lines.push(`${pad}${k}:`, ...emitMap(v, indent + 2));
  }
  return lines;
}

function emitList(list: YNode[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const item of list) {
    if (isScalar(item)) lines.push(`${pad}- ${scalar(item)}`);
    else if (Array.isArray(item)) {
      if (!item.length) lines.push(`${pad}- []`);
      else lines.push(`${pad}-`, ...emitList(item, indent + 2));
    } else {
      const comment = item[COMMENT_KEY];
      if (typeof comment === 'string') lines.push(...commentLines(comment, pad));
      const body = emitMap(item, indent + 2);
      if (!body.length) lines.push(`${pad}- {}`);
      else lines.push(`${pad}- ${body[0]!.slice(indent + 2)}`, ...body.slice(1));
    }
  }
  return lines;
}

/** A YAML document: `header` as comment lines, then the value (a list or a map) in block style. */
export function emitYaml(value: YNode[] | YMap, header = ''): string {
  const lines = ['---', ...(header ? commentLines(header, '') : []), ...(Array.isArray(value) ? emitList(value, 0) : emitMap(value, 0))];
  return lines.join('\n') + '\n';
}
