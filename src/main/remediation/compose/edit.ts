// Compose hardening edits: pure functions from a compose file's text and a service name to the new
// text. The `yaml` Document API locates the nodes (with their source ranges); the change is then
// spliced into the original text, so every byte outside the edited key — comments, ordering,
// quoting, blank lines, CRLF — stays as it was (re-serializing the document would not keep them).
// Each edit is then checked: the new text must parse, and its data must equal the old data with
// exactly the intended change applied; anything else is refused before it reaches a host.
//
// Refusals are RampartErrors with `details.reason`: yaml-invalid (VALIDATION), service-missing
// (NOT_FOUND), anchor / merge-key / unsupported-style / not-literal / no-image (CONFLICT).
import { isDeepStrictEqual } from 'node:util';
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument, visit, type Document, type Node as YNode, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { RampartError } from '../../../shared/errors';
import { classifyEnv, splitEnvAssignment } from '../../audit/parsers/dockerSecrets';
import { unifiedDiff } from '../diff';

// ---------------------------------------------------------------------------------------------
// Results

/** A secret value on its way to the host's .env: it never prints (toString/JSON/inspect say <redacted>). */
export class SecretValue {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The value itself, for the remote write only. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '<redacted>';
  }
  toJSON(): string {
    return '<redacted>';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SecretValue(<redacted>)';
  }
}

export interface EnvAddition {
  /** The variable written to .env and referenced as ${key} in the compose file. */
  key: string;
  value: SecretValue;
}

export interface ComposeEditResult {
  /** The new compose text; identical to the input when nothing needed changing. */
  text: string;
  changed: boolean;
  /** One line for previews, e.g. `service "web": cap_drop [ALL]`. Never a secret value. */
  summary: string;
  /** Lines for the project's .env (SECRETS-COMPOSE-LITERAL only); preview them with envAdditionsPreview. */
  envAdditions: EnvAddition[];
}

export interface ResourceLimits {
  /** Docker memory size: 512m, 1g, 268435456. */
  memory?: string;
  pids?: number;
  /** CPUs (fractions allowed), e.g. 1 or 0.5. */
  cpus?: number;
}

/** Where the limits go: service-level keys (compose 2.x, no version) or deploy.resources.limits (compose 3). */
export type LimitForm = 'service' | 'deploy';

// ---------------------------------------------------------------------------------------------
// Parsing and refusals

const refuse = (code: 'VALIDATION' | 'NOT_FOUND' | 'CONFLICT', reason: string, message: string, details: Record<string, unknown> = {}): RampartError =>
  new RampartError(code, message, { reason, ...details });

interface Ctx {
  text: string;
  eol: string;
  doc: Document.Parsed;
  services: YAMLMap;
  service: YAMLMap;
  name: string;
  /** Spaces per nesting level (from the file; 2 when it cannot tell). */
  step: number;
  /** Whether new sequences are written `[a, b]` (the file mostly uses flow sequences) or as `- a` lines. */
  flowSeqs: boolean;
}

const PARSE_OPTIONS = { merge: true, uniqueKeys: false, prettyErrors: false } as const;
const TO_JS = { maxAliasCount: 1000 } as const;

function parseOrRefuse(text: string): Document.Parsed {
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  if (!Array.isArray(docs)) return refuseYaml('the file is empty');
  if (docs.length !== 1) return refuseYaml(`the file holds ${docs.length} YAML documents`);
  const doc = docs[0]!;
  const err = doc.errors[0];
  if (err) {
    // The line, never the message's source excerpt (it may quote a secret).
    const line = text.slice(0, err.pos[0]).split('\n').length;
    return refuseYaml(`invalid YAML (${err.code}) at line ${line}`);
  }
  return doc;
}

function refuseYaml(why: string): never {
  throw refuse('VALIDATION', 'yaml-invalid', `The compose file cannot be edited: ${why}.`);
}

function keyOf(p: Pair): string | null {
  return isScalar(p.key) && (typeof p.key.value === 'string' || typeof p.key.value === 'number') ? String(p.key.value) : null;
}

function isMergePair(ctx: Pick<Ctx, 'text'>, p: Pair): boolean {
  const k = p.key as YNode | null;
  return !!k && isScalar(k) && !!k.range && ctx.text.slice(k.range[0], k.range[1]) === '<<';
}

function pairOf(map: YAMLMap, key: string): Pair<YNode, YNode | null> | undefined {
  return (map.items as Array<Pair<YNode, YNode | null>>).find((p) => keyOf(p) === key);
}

/** Aliases (`*name`) anywhere in the document, by anchor name. */
function referencedAnchors(doc: Document.Parsed): Set<string> {
  const out = new Set<string>();
  visit(doc, {
    Alias(_, node) {
      out.add(node.source);
    },
  });
  return out;
}

/** The first anchor or alias inside `node` (itself included). */
function anchorInside(node: YNode | null | undefined): string | null {
  if (!node) return null;
  if (isAlias(node)) return `*${node.source}`;
  if (node.anchor) return `&${node.anchor}`;
  if (isMap(node) || isSeq(node))
    for (const it of node.items as unknown[]) {
      const found = isPair(it) ? (anchorInside(it.key as YNode) ?? anchorInside(it.value as YNode)) : anchorInside(it as YNode);
      if (found) return found;
    }
  return null;
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

function column(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

/** The position just after the line that holds `pos - 1` (a value's last character). */
function afterLine(text: string, pos: number): number {
  if (pos > 0 && text[pos - 1] === '\n') return pos;
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

/** Where a node's content ends: its last scalar's end, so trailing comment lines stay where they are. */
function contentEnd(node: YNode): number {
  if ((isMap(node) || isSeq(node)) && node.items.length > 0) {
    const last = node.items[node.items.length - 1] as unknown;
    if (isPair(last)) return contentEnd((last.value ?? last.key) as YNode);
    return contentEnd(last as YNode);
  }
  return node.range![1];
}

function load(text: string, name: string): Ctx {
  const doc = parseOrRefuse(text);
  const root = doc.contents;
  if (!isMap(root)) refuseYaml('the top level is not a mapping');
  const servicesPair = pairOf(root, 'services');
  if (!servicesPair || !isMap(servicesPair.value))
    throw refuse('NOT_FOUND', 'service-missing', 'The compose file has no `services:` mapping (a version 1 file?); edit it by hand.', { service: name });
  const services = servicesPair.value;
  const svcPair = pairOf(services, name);
  if (!svcPair) throw refuse('NOT_FOUND', 'service-missing', `The compose file has no service "${name}".`, { service: name });
  const svc = svcPair.value;
  if (svc && isAlias(svc)) throw refuse('CONFLICT', 'anchor', `Service "${name}" is an alias (*${svc.source}) of another node; edit it by hand.`, { service: name });
  if (!isMap(svc) || svc.flow || svc.items.length === 0)
    throw refuse('CONFLICT', 'unsupported-style', `Service "${name}" is not a block mapping with at least one key; edit it by hand.`, { service: name });
  const keys = svc.items.map((p) => keyOf(p)).filter((k): k is string => k !== null);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  // Compose takes the last of duplicate keys; which one an edit should change is anyone's guess.
  if (dup !== undefined) throw refuse('CONFLICT', 'unsupported-style', `Service "${name}" sets \`${dup}\` twice; edit it by hand.`, { service: name });
  if (svc.anchor && referencedAnchors(doc).has(svc.anchor))
    throw refuse('CONFLICT', 'anchor', `Service "${name}" carries the anchor &${svc.anchor}, reused elsewhere: an edit would change those too. Edit it by hand.`, { service: name });

  const svcKeyCol = column(text, svcPair.key.range![0]);
  const keyCol = column(text, (svc.items[0]!.key as YNode).range![0]);
  let flow = 0;
  let block = 0;
  visit(doc, {
    Seq(_, s) {
      if (s.items.length > 0) {
        if (s.flow) flow++;
        else block++;
      }
    },
  });
  return {
    text,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    doc,
    services,
    service: svc,
    name,
    step: keyCol > svcKeyCol ? keyCol - svcKeyCol : 2,
    flowSeqs: flow > block,
  };
}

/**
 * Refuses when the service's `key` comes from a merge key (`<<: *base` defining it) or its value
 * holds an anchor or alias: editing it here would not do what the preview says, or would change
 * other services too.
 */
function guardKey(ctx: Ctx, key: string): void {
  for (const p of ctx.service.items as Array<Pair<YNode, YNode | null>>) {
    if (!isMergePair(ctx, p)) continue;
    const sources = isSeq(p.value) ? (p.value.items as YNode[]) : [p.value];
    for (const s of sources) {
      const resolved = s && isAlias(s) ? s.resolve(ctx.doc) : s;
      if (isMap(resolved) && pairOf(resolved, key))
        throw refuse('CONFLICT', 'merge-key', `Service "${ctx.name}" takes \`${key}\` from a merge key (<<); edit it by hand.`, { service: ctx.name, key });
    }
  }
  const p = pairOf(ctx.service, key);
  const found = p ? (anchorInside(p.key) ?? anchorInside(p.value)) : null;
  if (found) throw refuse('CONFLICT', 'anchor', `Service "${ctx.name}": \`${key}\` uses the anchor or alias ${found}; edit it by hand.`, { service: ctx.name, key });
}

// ---------------------------------------------------------------------------------------------
// Rendering

export type Style = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';
type Value = string | number | boolean | readonly string[] | { readonly [k: string]: Value };

/** A scalar as YAML source; keeps the wanted quoting when it can, and never writes a plain scalar that would read back differently. */
export function scalarText(v: string | number | boolean, style: Style = 'PLAIN', inFlow = false): string {
  if (typeof v !== 'string') return String(v);
  if (style === 'QUOTE_SINGLE' && !/[\r\n]/.test(v)) return `'${v.replace(/'/g, "''")}'`;
  if (style === 'PLAIN' && v !== '' && !/[\r\n]/.test(v)) {
    const probe = inFlow ? `[${v}]` : `k: ${v}`;
    // Plain only if it reads back as the same string in YAML 1.2 (compose v2) and 1.1
    // (docker-compose 1.x's PyYAML, where `no`, `on` and `1:20` are not strings).
    const readsBack = (['1.2', '1.1'] as const).every((version) => {
      const doc = parseDocument(probe, { version });
      const back = doc.toJS() as unknown;
      const got = inFlow ? (Array.isArray(back) && back.length === 1 ? back[0] : undefined) : (back as { k?: unknown } | null)?.k;
      return doc.errors.length === 0 && got === v;
    });
    if (readsBack) return v;
  }
  return JSON.stringify(v);
}

function flowText(v: Value): string {
  if (Array.isArray(v)) return `[${v.map((x) => scalarText(x, 'PLAIN', true)).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, Value>).map(([k, x]) => `${scalarText(k, 'PLAIN', true)}: ${flowText(x)}`).join(', ')}}`;
  return scalarText(v as string | number | boolean, 'PLAIN', true);
}

/** `key: value` as block lines at `indent` (sequences flow or block as the file prefers). */
function blockLines(ctx: Ctx, key: string, v: Value, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const k = scalarText(key);
  if (Array.isArray(v)) {
    if (ctx.flowSeqs || v.length === 0) return [`${pad}${k}: ${flowText(v)}`];
    return [`${pad}${k}:`, ...v.map((x) => `${pad}${' '.repeat(ctx.step)}- ${scalarText(x)}`)];
  }
  if (typeof v === 'object') return [`${pad}${k}:`, ...Object.entries(v as Record<string, Value>).flatMap(([ck, cv]) => blockLines(ctx, ck, cv, indent + ctx.step))];
  return [`${pad}${k}: ${scalarText(v as string | number | boolean)}`];
}

// ---------------------------------------------------------------------------------------------
// Splices

interface Splice {
  start: number;
  end: number;
  text: string;
}

function applySplices(text: string, splices: Splice[]): string {
  // Last first, so earlier offsets stay valid; among insertions at one point the later one is
  // applied first, which leaves them in the order they were made.
  const sorted = splices.map((s, i) => ({ ...s, i })).sort((a, b) => b.start - a.start || b.i - a.i);
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.end > sorted[i - 1]!.start) throw new RampartError('INTERNAL', 'overlapping compose edits');
  let out = text;
  for (const s of sorted) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/**
 * Whole lines to insert at `at`, which is a line start or the end of a file without a final
 * newline: then the lines go after a line break and the file still ends without one.
 */
function asLines(ctx: Ctx, at: number, lines: string[]): string {
  const atUnterminatedEnd = at === ctx.text.length && ctx.text !== '' && !ctx.text.endsWith('\n');
  return atUnterminatedEnd ? ctx.eol + lines.join(ctx.eol) : lines.join(ctx.eol) + ctx.eol;
}

/** Adds `key: value` after the last entry of a mapping (block: a new line at the keys' column; flow: `, key: value`). */
function insertPair(ctx: Ctx, map: YAMLMap, key: string, v: Value): Splice {
  if (map.flow) {
    const last = map.items[map.items.length - 1] as Pair<YNode, YNode | null> | undefined;
    const entry = `${scalarText(key, 'PLAIN', true)}: ${flowText(v)}`;
    if (!last) return { start: map.range![0] + 1, end: map.range![0] + 1, text: entry };
    const end = (last.value ?? last.key).range![1];
    return { start: end, end, text: `, ${entry}` };
  }
  const first = map.items[0] as Pair<YNode, YNode | null>;
  const col = column(ctx.text, first.key.range![0]);
  const last = map.items[map.items.length - 1] as Pair<YNode, YNode | null>;
  const at = afterLine(ctx.text, contentEnd((last.value ?? last.key) as YNode));
  return { start: at, end: at, text: asLines(ctx, at, blockLines(ctx, key, v, col)) };
}

/** Replaces a value node (scalar or collection) with `v`, keeping a scalar's quoting and a sequence's flow/block style. */
function replaceValue(ctx: Ctx, pair: Pair<YNode, YNode | null>, v: Value): Splice {
  const node = pair.value;
  if (!node || (isScalar(node) && node.value === null && node.range![0] === node.range![1])) {
    // `key:` with nothing after it: write the value after the colon.
    const keyEnd = pair.key.range![1];
    const colon = ctx.text.indexOf(':', keyEnd);
    const col = column(ctx.text, pair.key.range![0]);
    if (Array.isArray(v) && !ctx.flowSeqs && v.length > 0) {
      const lines = blockLines(ctx, 'k', v, col).slice(1);
      const eolAt = afterLine(ctx.text, colon + 1);
      return { start: eolAt, end: eolAt, text: lines.join(ctx.eol) + ctx.eol };
    }
    return { start: colon + 1, end: colon + 1, text: ` ${typeof v === 'object' ? flowText(v) : scalarText(v as string | number | boolean)}` };
  }
  if (isScalar(node)) {
    const style: Style = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? node.type : 'PLAIN';
    const inFlow = isInFlow(ctx, node);
    const text = typeof v === 'object' ? flowText(v) : scalarText(v, style, inFlow);
    return { start: node.range![0], end: node.range![1], text };
  }
  if ((isSeq(node) || isMap(node)) && node.flow) return { start: node.range![0], end: node.range![1], text: flowText(v) };
  // A block collection: its first line starts at range[0]; replace through the end of its last item's line.
  const col = column(ctx.text, node.range![0]);
  const end = afterLine(ctx.text, contentEnd(node));
  let lines: string[];
  if (Array.isArray(v)) lines = v.map((x) => `${' '.repeat(col)}- ${scalarText(x)}`);
  else if (typeof v === 'object') lines = Object.entries(v as Record<string, Value>).flatMap(([k, x]) => blockLines(ctx, k, x, col));
  else return { start: node.range![0], end: end, text: `${scalarText(v as string | number | boolean)}${end === ctx.text.length && !ctx.text.endsWith('\n') ? '' : ctx.eol}` };
  const unterminated = end === ctx.text.length && !ctx.text.endsWith('\n');
  return { start: node.range![0], end, text: lines.join(ctx.eol).slice(col) + (unterminated ? '' : ctx.eol) };
}

function isInFlow(ctx: Ctx, node: YNode): boolean {
  let inFlow = false;
  visit(ctx.doc, {
    Node(_, n, path) {
      if (n === node) {
        inFlow = path.some((p) => (isMap(p) || isSeq(p)) && (p as YAMLMap | YAMLSeq).flow === true);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return inFlow;
}

/** Appends scalar items to an existing sequence, in its own style. */
function appendItems(ctx: Ctx, seq: YAMLSeq, items: readonly string[]): Splice {
  if (seq.flow) {
    const last = seq.items[seq.items.length - 1] as YNode | undefined;
    const text = items.map((x) => scalarText(x, 'PLAIN', true)).join(', ');
    if (!last) return { start: seq.range![0] + 1, end: seq.range![0] + 1, text };
    return { start: last.range![1], end: last.range![1], text: `, ${text}` };
  }
  const col = column(ctx.text, seq.range![0]);
  const at = afterLine(ctx.text, contentEnd(seq));
  return { start: at, end: at, text: asLines(ctx, at, items.map((x) => `${' '.repeat(col)}- ${scalarText(x)}`)) };
}

// ---------------------------------------------------------------------------------------------
// The checked edit

type Json = Record<string, unknown>;

/**
 * Splices, then proves the result: it parses, and its data equals the old data with `mutate`
 * applied to this service (and nothing else different).
 */
function finish(ctx: Ctx, splices: Splice[], mutate: (svc: Json) => void, summary: string, envAdditions: EnvAddition[] = []): ComposeEditResult {
  if (splices.length === 0) return { text: ctx.text, changed: false, summary: `service "${ctx.name}": already set, nothing to change`, envAdditions: [] };
  const text = applySplices(ctx.text, splices);
  const expected = structuredClone(ctx.doc.toJS(TO_JS)) as Json;
  mutate((expected.services as Json)[ctx.name] as Json);
  const after = parseDocument(text, PARSE_OPTIONS);
  if (after.errors.length > 0 || !isDeepStrictEqual(after.toJS(TO_JS), expected))
    throw new RampartError('INTERNAL', `The edit of service "${ctx.name}" did not produce the intended compose file; nothing was changed.`, { reason: 'self-check', service: ctx.name });
  return { text, changed: true, summary: `service "${ctx.name}": ${summary}`, envAdditions };
}

const normCap = (c: string): string => c.trim().toUpperCase().replace(/^CAP_/, '');

function stringItems(node: YNode | null | undefined): string[] | null {
  if (!isSeq(node)) return null;
  return node.items.map((it) => (isScalar(it) ? String(it.value) : ''));
}

// ---------------------------------------------------------------------------------------------
// The edits

/**
 * DOCKER-NO-CAP-DROP-ALL: `cap_drop: [ALL]`, and every capability of `capAdd` in `cap_add` (existing
 * cap_add entries stay). cap_drop that already holds ALL is left as it is.
 */
export function setCapDropAll(text: string, service: string, capAdd: readonly string[] = []): ComposeEditResult {
  const ctx = load(text, service);
  guardKey(ctx, 'cap_drop');
  const want = [...new Set(capAdd.map(normCap))].filter((c) => c !== '');
  for (const c of want) if (!/^[A-Z_]+$/.test(c) || c === 'ALL') throw new RampartError('VALIDATION', `Not a capability name for cap_add: ${JSON.stringify(c)}.`);
  if (want.length) guardKey(ctx, 'cap_add');
  const splices: Splice[] = [];
  const notes: string[] = [];
  const drop = pairOf(ctx.service, 'cap_drop');
  const dropItems = stringItems(drop?.value);
  const dropHasAll = dropItems?.some((c) => normCap(c) === 'ALL') ?? false;
  if (!dropHasAll) {
    splices.push(drop ? replaceValue(ctx, drop, ['ALL']) : insertPair(ctx, ctx.service, 'cap_drop', ['ALL']));
    notes.push('cap_drop [ALL]');
  }
  const add = pairOf(ctx.service, 'cap_add');
  const addItems = stringItems(add?.value);
  const have = new Set((addItems ?? []).map(normCap));
  const missing = want.filter((c) => !have.has(c));
  if (missing.length) {
    if (add && isSeq(add.value)) splices.push(appendItems(ctx, add.value, missing));
    else if (add) splices.push(replaceValue(ctx, add, missing));
    else splices.push(insertPair(ctx, ctx.service, 'cap_add', missing));
    notes.push(`cap_add + ${missing.join(', ')}`);
  }
  return finish(
    ctx,
    splices,
    (svc) => {
      if (!dropHasAll) svc.cap_drop = ['ALL'];
      if (missing.length) svc.cap_add = [...(addItems ?? []), ...missing];
    },
    notes.join(', '),
  );
}

const NNP = /^no-new-privileges(?:[:=](.*))?$/i;

/** DOCKER-NO-NEW-PRIVILEGES: `no-new-privileges:true` in security_opt (merged; a `:false` entry is replaced). */
export function setNoNewPrivileges(text: string, service: string): ComposeEditResult {
  const ctx = load(text, service);
  guardKey(ctx, 'security_opt');
  const ENTRY = 'no-new-privileges:true';
  const pair = pairOf(ctx.service, 'security_opt');
  const items = stringItems(pair?.value);
  if (!pair || !items || !isSeq(pair.value)) {
    const old = pair ? (pair.value as YNode | null) : null;
    if (old && !(isScalar(old) && old.value === null)) throw refuse('CONFLICT', 'unsupported-style', `Service "${service}": security_opt is not a list; edit it by hand.`);
    return finish(ctx, [pair ? replaceValue(ctx, pair, [ENTRY]) : insertPair(ctx, ctx.service, 'security_opt', [ENTRY])], (svc) => void (svc.security_opt = [ENTRY]), `security_opt + ${ENTRY}`);
  }
  const matches = items.map((s, i) => [i, NNP.exec(s.trim())] as const).filter(([, m]) => m);
  const lastMatch = matches[matches.length - 1];
  // Docker applies the last no-new-privileges entry; a bare `no-new-privileges` means true.
  if (lastMatch && !/^(?:false|0|no)$/i.test((lastMatch[1]![1] ?? 'true').trim())) return finish(ctx, [], () => {}, '');
  const seq = pair.value;
  if (lastMatch) {
    const idx = lastMatch[0];
    const node = seq.items[idx] as YNode;
    if (!isScalar(node)) throw refuse('CONFLICT', 'unsupported-style', `Service "${service}": unexpected security_opt entry; edit it by hand.`);
    const style: Style = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? node.type : 'PLAIN';
    return finish(
      ctx,
      [{ start: node.range![0], end: node.range![1], text: scalarText(ENTRY, style, seq.flow === true) }],
      (svc) => void ((svc.security_opt as string[])[idx] = ENTRY),
      `security_opt: no-new-privileges false → true`,
    );
  }
  return finish(ctx, [appendItems(ctx, seq, [ENTRY])], (svc) => void (svc.security_opt as string[]).push(ENTRY), `security_opt + ${ENTRY}`);
}

/** DOCKER-ROOTFS-WRITABLE: `read_only: true`. */
export function setReadOnly(text: string, service: string): ComposeEditResult {
  const ctx = load(text, service);
  guardKey(ctx, 'read_only');
  const pair = pairOf(ctx.service, 'read_only');
  const cur = pair && isScalar(pair.value) ? pair.value.value : undefined;
  if (cur === true) return finish(ctx, [], () => {}, '');
  return finish(ctx, [pair ? replaceValue(ctx, pair, true) : insertPair(ctx, ctx.service, 'read_only', true)], (svc) => void (svc.read_only = true), 'read_only: true');
}

export const DEFAULT_LIMITS: Required<ResourceLimits> = { memory: '512m', pids: 200, cpus: 1 };

const LEGACY_LIMIT_KEYS = ['mem_limit', 'memswap_limit', 'mem_reservation', 'pids_limit', 'cpus', 'cpu_quota', 'cpu_period', 'cpu_shares', 'cpuset'];

/**
 * Which form a file uses for limits: the service's own deploy.resources or service-level keys
 * first, then the file's version (3.x: deploy), then the other services; service-level otherwise
 * (compose 2.x and files without a version; both docker-compose 1.29 and compose v2 honour them).
 */
export function detectLimitForm(text: string, service: string): LimitForm {
  const ctx = load(text, service);
  return limitForm(ctx);
}

function hasDeployResources(svc: unknown): boolean {
  if (!isMap(svc)) return false;
  const deploy: unknown = svc.get('deploy', true);
  return isMap(deploy) && deploy.has('resources');
}

function limitForm(ctx: Ctx): LimitForm {
  if (hasDeployResources(ctx.service)) return 'deploy';
  if (LEGACY_LIMIT_KEYS.some((k) => ctx.service.has(k))) return 'service';
  const version = (ctx.doc.contents as YAMLMap).get('version');
  if (typeof version === 'string' || typeof version === 'number') return /^3(?:\.|$)/.test(String(version)) ? 'deploy' : 'service';
  for (const p of ctx.services.items as Array<Pair<YNode, YNode | null>>) {
    if (hasDeployResources(p.value)) return 'deploy';
    if (isMap(p.value) && LEGACY_LIMIT_KEYS.some((k) => (p.value as YAMLMap).has(k))) return 'service';
  }
  return 'service';
}

function checkLimits(l: ResourceLimits): void {
  if (l.memory !== undefined && !/^[1-9][0-9]*(?:\.[0-9]+)?[bkmg]?$/i.test(l.memory)) throw new RampartError('VALIDATION', `Not a memory size: ${JSON.stringify(l.memory)} (e.g. 512m).`);
  if (l.pids !== undefined && !(Number.isInteger(l.pids) && l.pids > 0)) throw new RampartError('VALIDATION', `Not a PIDs limit: ${l.pids}.`);
  if (l.cpus !== undefined && !(Number.isFinite(l.cpus) && l.cpus > 0)) throw new RampartError('VALIDATION', `Not a CPU limit: ${l.cpus}.`);
}

/**
 * DOCKER-NO-MEMORY-LIMIT / -PIDS-LIMIT / -CPU-LIMIT: sets the given limits in the form the file uses
 * (or `form`). Service-level: mem_limit, pids_limit, cpus. Deploy: deploy.resources.limits.memory
 * and .cpus; pids stay `pids_limit` at service level (docker-compose 1.29 rejects
 * deploy.resources.limits.pids, and compose v2 honours both).
 */
export function setResourceLimits(text: string, service: string, limits: ResourceLimits, form?: LimitForm): ComposeEditResult {
  checkLimits(limits);
  const ctx = load(text, service);
  const useForm = form ?? limitForm(ctx);
  const splices: Splice[] = [];
  const mutations: Array<(svc: Json) => void> = [];
  const notes: string[] = [];

  const setTop = (key: string, v: string | number): void => {
    guardKey(ctx, key);
    const pair = pairOf(ctx.service, key);
    if (pair && isScalar(pair.value) && pair.value.value === v) return;
    splices.push(pair ? replaceValue(ctx, pair, v) : insertPair(ctx, ctx.service, key, v));
    mutations.push((svc) => void (svc[key] = v));
    notes.push(`${key}: ${v}`);
  };

  if (useForm === 'service') {
    if (limits.memory !== undefined) setTop('mem_limit', limits.memory);
    if (limits.cpus !== undefined) setTop('cpus', limits.cpus);
  } else {
    const leaf: Record<string, string | number> = {};
    if (limits.memory !== undefined) leaf.memory = limits.memory.replace(/[bkmg]$/i, (u) => u.toUpperCase());
    if (limits.cpus !== undefined) leaf.cpus = String(limits.cpus);
    if (Object.keys(leaf).length) {
      guardKey(ctx, 'deploy');
      setNested(ctx, ['deploy', 'resources', 'limits'], leaf, splices, mutations);
      notes.push(`deploy.resources.limits ${Object.entries(leaf).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
    }
  }
  if (limits.pids !== undefined) setTop('pids_limit', limits.pids);
  return finish(ctx, splices, (svc) => mutations.forEach((m) => m(svc)), notes.join(', '));
}

/** Sets leaf keys under service.path[0].path[1]…, creating the missing levels at the file's indentation. */
function setNested(ctx: Ctx, path: readonly string[], leaf: Record<string, string | number>, splices: Splice[], mutations: Array<(svc: Json) => void>): void {
  let map: YAMLMap = ctx.service;
  let depth = 0;
  for (; depth < path.length; depth++) {
    const pair = pairOf(map, path[depth]!);
    if (!pair) break;
    const v = pair.value;
    if (isMap(v) && v.items.length > 0) {
      map = v;
      continue;
    }
    if (v === null || (isScalar(v) && v.value === null) || (isMap(v) && v.items.length === 0)) {
      // `deploy:` with nothing (or `{}`) under it: give it the rest of the path.
      let rest: Value = leaf;
      for (let i = path.length - 1; i > depth; i--) rest = { [path[i]!]: rest };
      splices.push(replaceValue(ctx, pair, rest));
      mutations.push((svc) => setIn(svc, path, leaf));
      return;
    }
    throw refuse('CONFLICT', 'unsupported-style', `Service "${ctx.name}": ${path.slice(0, depth + 1).join('.')} is not a mapping; edit it by hand.`);
  }
  if (depth < path.length) {
    let rest: Value = leaf;
    for (let i = path.length - 1; i > depth; i--) rest = { [path[i]!]: rest };
    splices.push(insertPair(ctx, map, path[depth]!, rest));
  } else {
    for (const [k, v] of Object.entries(leaf)) {
      const pair = pairOf(map, k);
      if (pair && isScalar(pair.value) && String(pair.value.value) === String(v)) continue;
      splices.push(pair ? replaceValue(ctx, pair, v) : insertPair(ctx, map, k, v));
    }
  }
  mutations.push((svc) => setIn(svc, path, leaf));
}

function setIn(obj: Json, path: readonly string[], leaf: Record<string, string | number>): void {
  let cur = obj;
  for (const k of path) {
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Json;
  }
  Object.assign(cur, leaf);
}

/** The repository part of an image reference (tag and digest removed). */
export function imageRepository(ref: string): string {
  const at = ref.indexOf('@');
  const noDigest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** DOCKER-IMAGE-LATEST: `image: repo:latest` (or untagged) → `repo@sha256:…` (the digest running now). */
export function pinImageDigest(text: string, service: string, digest: string): ComposeEditResult {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new RampartError('VALIDATION', `Not an image digest: ${JSON.stringify(digest)} (sha256:<64 hex>).`);
  const ctx = load(text, service);
  guardKey(ctx, 'image');
  const pair = pairOf(ctx.service, 'image');
  if (!pair || !isScalar(pair.value) || typeof pair.value.value !== 'string' || pair.value.value.trim() === '')
    throw refuse('CONFLICT', 'no-image', `Service "${service}" has no image: key (built locally?); pin it by hand.`, { service });
  const ref = pair.value.value;
  if (ref.includes('$')) throw refuse('CONFLICT', 'not-literal', `Service "${service}": the image is interpolated (${ref}); pin it where the variable is set.`, { service });
  const pinned = `${imageRepository(ref.trim())}@${digest}`;
  if (ref === pinned) return finish(ctx, [], () => {}, '');
  return finish(ctx, [replaceValue(ctx, pair, pinned)], (svc) => void (svc.image = pinned), `image ${ref} → ${pinned}`);
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Variables the compose file already interpolates ($VAR, ${VAR…}): a new .env key must not change them. */
function interpolatedNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.replace(/\$\$/g, '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) out.add(m[1]!);
  return out;
}

export interface MoveSecretOptions {
  /** Keys the project's .env already defines (keys only): a new variable never reuses one. */
  existingEnvKeys?: readonly string[];
}

/**
 * SECRETS-COMPOSE-LITERAL: replaces the literal value of `key` in the service's `environment`
 * (mapping or list form) with `${VAR}` and returns VAR with its value as an .env addition.
 * VAR is `key` when free, else SERVICE_KEY (then _2, _3…). Compose's `$$` escapes are undone in
 * the value moved. Refused: a value that is not a plain literal (interpolated, not a string), a
 * key set more than once, and values with a quote, backslash or line break (docker-compose 1.x and
 * compose v2 read those differently in .env files).
 */
export function moveSecretToEnv(text: string, service: string, key: string, opts: MoveSecretOptions = {}): ComposeEditResult {
  const ctx = load(text, service);
  guardKey(ctx, 'environment');
  const envPair = pairOf(ctx.service, 'environment');
  const env = envPair?.value;
  const notHere = (): RampartError => refuse('NOT_FOUND', 'key-missing', `Service "${service}" sets no environment variable ${key}.`, { service, key });
  if (!env || !(isMap(env) || isSeq(env))) throw notHere();

  let node: YNode | undefined;
  let raw: string | undefined;
  let index = -1;
  let count = 0;
  if (isMap(env)) {
    (env.items as Array<Pair<YNode, YNode | null>>).forEach((p, i) => {
      if (keyOf(p) !== key) return;
      count++;
      index = i;
      node = p.value ?? undefined;
    });
    if (count === 1 && node && isScalar(node)) {
      if (typeof node.value === 'string') raw = node.value;
      else if (typeof node.value === 'number' && node.type === 'PLAIN' && /^[1-9][0-9]*$/.test(node.source ?? String(node.value))) raw = String(node.value);
    }
  } else {
    env.items.forEach((it, i) => {
      if (!isScalar(it) || typeof it.value !== 'string' || splitEnvAssignment(it.value).key !== key) return;
      count++;
      index = i;
      node = it as YNode;
    });
    if (count === 1 && node && isScalar(node)) raw = splitEnvAssignment(node.value as string).value ?? undefined;
  }
  if (count === 0 || !node) throw notHere();
  if (count > 1) throw refuse('CONFLICT', 'unsupported-style', `Service "${service}" sets ${key} more than once; edit it by hand.`, { service, key });
  if (raw === undefined || !isScalar(node)) throw refuse('CONFLICT', 'not-literal', `Service "${service}": ${key} is not a literal string value; move it by hand.`, { service, key });
  const kind = classifyEnv(key, raw, true).kind;
  if (kind !== 'literal' && kind !== 'default') throw refuse('CONFLICT', 'not-literal', `Service "${service}": ${key} is not a literal value (${kind}); nothing to move.`, { service, key });
  if (/\$(?!\$)/.test(raw.replace(/\$\$/g, ''))) throw refuse('CONFLICT', 'not-literal', `Service "${service}": ${key} is partly interpolated; move it by hand.`, { service, key });
  const value = raw.replace(/\$\$/g, '$');
  if (/['"\\\r\n\0]/.test(value)) throw refuse('CONFLICT', 'unsupported-value', `Service "${service}": the value of ${key} holds a quote, backslash or line break; move it by hand.`, { service, key });

  const taken = new Set([...(opts.existingEnvKeys ?? []), ...interpolatedNames(text)]);
  const base = VAR_NAME.test(key) ? key : '';
  const prefixed = `${service}_${key}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/^(?=[0-9])/, '_');
  const candidates = [base, prefixed, ...Array.from({ length: 98 }, (_, i) => `${prefixed}_${i + 2}`)].filter((c) => c && !taken.has(c));
  const varName = candidates[0];
  if (!varName) throw refuse('CONFLICT', 'unsupported-style', `No free variable name for ${key}; move it by hand.`, { service, key });

  const ref = `\${${varName}}`;
  const style: Style = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? node.type : 'PLAIN';
  const inFlow = env.flow === true;
  const newScalar = isMap(env) ? ref : `${(node.value as string).slice(0, (node.value as string).indexOf('='))}=${ref}`;
  const splice: Splice = { start: node.range![0], end: node.range![1], text: scalarText(newScalar, style, inFlow) };
  return finish(
    ctx,
    [splice],
    (svc) => {
      const e = svc.environment as Json | string[];
      if (Array.isArray(e)) e[index] = newScalar;
      else e[key] = ref;
    },
    `environment ${key} → ${ref} (value moved to .env as ${varName}=<redacted>)`,
    [{ key: varName, value: new SecretValue(value) }],
  );
}

// ---------------------------------------------------------------------------------------------
// .env and previews

/** The .env text with the additions appended (`KEY='value'`: literal in both compose v1 and v2). */
export function appendEnvText(existing: string, additions: readonly EnvAddition[]): string {
  if (additions.length === 0) return existing;
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const lead = existing === '' || existing.endsWith('\n') ? '' : eol;
  return existing + lead + additions.map((a) => `${a.key}='${a.value.reveal()}'${eol}`).join('');
}

/**
 * The diff a preview shows for a compose edit: both sides through redactComposeForPreview, so
 * neither a removed line nor a context line can show a secret; `${VAR}` references stay visible.
 */
export function composePreviewDiff(oldText: string, newText: string, path: string): string {
  return unifiedDiff(redactComposeForPreview(oldText), redactComposeForPreview(newText), path);
}

/** What a preview shows of .env additions: `KEY=<redacted>`. */
export function envAdditionsPreview(additions: readonly EnvAddition[]): string[] {
  return additions.map((a) => `${a.key}=<redacted>`);
}

/**
 * A compose text for display: every environment value that is a literal or default secret is
 * replaced by <redacted>, so a diff's removed and context lines cannot show one. Text that does
 * not parse is returned with every `environment` line redacted after its key.
 */
export function redactComposeForPreview(text: string): string {
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, PARSE_OPTIONS);
    if (doc.errors.length) throw new Error('invalid');
  } catch {
    return text.replace(/^(\s*-?\s*["']?[A-Za-z_][A-Za-z0-9_.-]*["']?\s*[:=]\s*)\S.*$/gm, '$1<redacted>');
  }
  const splices: Splice[] = [];
  const services = isMap(doc.contents) ? doc.contents.get('services', true) : null;
  if (isMap(services))
    for (const p of services.items as Array<Pair<YNode, YNode | null>>) {
      const env = isMap(p.value) ? p.value.get('environment', true) : null;
      if (isMap(env))
        for (const e of env.items as Array<Pair<YNode, YNode | null>>) {
          const k = keyOf(e);
          const v = e.value;
          if (k === null || !v || !isScalar(v) || v.value === null) continue;
          const c = classifyEnv(k, String(v.value), true);
          if (c.secret && (c.kind === 'literal' || c.kind === 'default')) splices.push({ start: v.range![0], end: v.range![1], text: '<redacted>' });
        }
      else if (isSeq(env))
        for (const it of env.items) {
          if (!isScalar(it) || typeof it.value !== 'string') continue;
          const { key, value } = splitEnvAssignment(it.value);
          const c = classifyEnv(key, value, true);
          if (c.secret && (c.kind === 'literal' || c.kind === 'default')) splices.push({ start: it.range![0], end: it.range![1], text: `${key}=<redacted>` });
        }
    }
  return applySplices(text, splices);
}

// ---------------------------------------------------------------------------------------------
// Check → edit

export interface ComposeFixParams {
  /** DOCKER-NO-CAP-DROP-ALL: the capabilities the service is known to need. */
  capAdd?: readonly string[];
  /** The limit checks: the value to set (DEFAULT_LIMITS otherwise). */
  limits?: ResourceLimits;
  /** DOCKER-IMAGE-LATEST: the digest of the image the container runs now. */
  digest?: string;
  /** SECRETS-COMPOSE-LITERAL: the variable (the finding's resource ends with it). */
  envKey?: string;
  existingEnvKeys?: readonly string[];
}

export interface ComposeEditDef {
  fixId: string;
  title: string;
  /** Whether the edited service must be re-created (`up -d`) for the change to take effect. */
  recreate: true;
  edit(text: string, service: string, params: ComposeFixParams): ComposeEditResult;
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new RampartError('VALIDATION', `This fix needs ${what}.`);
  return v;
}

/** The compose edit answering each check id. */
export const COMPOSE_EDITS = {
  'DOCKER-NO-CAP-DROP-ALL': {
    fixId: 'compose-cap-drop-all',
    title: 'Drop all capabilities (cap_drop: [ALL]), keep the needed ones in cap_add',
    recreate: true,
    edit: (text, service, p) => setCapDropAll(text, service, p.capAdd ?? []),
  },
  'DOCKER-NO-NEW-PRIVILEGES': {
    fixId: 'compose-no-new-privileges',
    title: 'Set security_opt no-new-privileges:true',
    recreate: true,
    edit: (text, service) => setNoNewPrivileges(text, service),
  },
  'DOCKER-NO-MEMORY-LIMIT': {
    fixId: 'compose-memory-limit',
    title: 'Set a memory limit',
    recreate: true,
    edit: (text, service, p) => setResourceLimits(text, service, { memory: p.limits?.memory ?? DEFAULT_LIMITS.memory }),
  },
  'DOCKER-NO-PIDS-LIMIT': {
    fixId: 'compose-pids-limit',
    title: 'Set a PIDs limit',
    recreate: true,
    edit: (text, service, p) => setResourceLimits(text, service, { pids: p.limits?.pids ?? DEFAULT_LIMITS.pids }),
  },
  'DOCKER-NO-CPU-LIMIT': {
    fixId: 'compose-cpu-limit',
    title: 'Set a CPU limit',
    recreate: true,
    edit: (text, service, p) => setResourceLimits(text, service, { cpus: p.limits?.cpus ?? DEFAULT_LIMITS.cpus }),
  },
  'DOCKER-ROOTFS-WRITABLE': {
    fixId: 'compose-read-only',
    title: 'Make the root filesystem read-only',
    recreate: true,
    edit: (text, service) => setReadOnly(text, service),
  },
  'DOCKER-IMAGE-LATEST': {
    fixId: 'compose-pin-digest',
    title: 'Pin the image to the digest running now',
    recreate: true,
    edit: (text, service, p) => pinImageDigest(text, service, need(p.digest, 'the digest of the running image')),
  },
  'SECRETS-COMPOSE-LITERAL': {
    fixId: 'compose-secret-to-env',
    title: 'Move the literal secret into the project .env as ${VAR}',
    recreate: true,
    edit: (text, service, p) => moveSecretToEnv(text, service, need(p.envKey, 'the variable name'), { existingEnvKeys: p.existingEnvKeys ?? [] }),
  },
} as const satisfies Record<string, ComposeEditDef>;

export type ComposeCheckId = keyof typeof COMPOSE_EDITS;

export function composeEditFor(checkId: string): ComposeEditDef | undefined {
  return (COMPOSE_EDITS as Record<string, ComposeEditDef>)[checkId];
}

/** `compose:FILE:SERVICE:KEY` (the compose secret checks' resource) → its parts; FILE may hold ':'. */
export function parseComposeResource(resource: string): { file: string; service: string; key: string } | null {
  const m = /^compose:(\/.*):([^:]+):([^:]+)$/.exec(resource);
  return m ? { file: m[1]!, service: m[2]!, key: m[3]! } : null;
}
