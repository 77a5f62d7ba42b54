// Parsers for the compose section: the framed dump of compose files, env_file targets and project
// `.env` files the collector found (see sections/containers.ts for the format), the compose YAML
// itself, and env files. Pure functions. Environment values arrive already classified on the host:
// class tokens (`@rampart:…`, dockerSecrets.ts) where the values were, env files as KEY=TOKEN lines.
// classifyEnv reads the tokens (a raw value would be classified the same way); no value leaves
// these functions.
import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { classifyEnv, type EnvEntry } from './dockerSecrets';
import { outputExcerpt } from './excerpt';

export type ComposeFileStatus = 'ok' | 'missing' | 'unreadable' | 'too-big' | 'not-regular' | 'budget' | 'cut-off';

/** One file from the collector's dump. */
export interface DumpedFile {
  /** compose | env (an env_file target) | dotenv (the project's .env) */
  kind: 'compose' | 'env' | 'dotenv';
  /** Where the collector learnt of it: label | scan | env_file | dotenv */
  source: string;
  status: ComposeFileStatus;
  size: number;
  path: string;
  /** Present when status is ok. */
  content?: string;
}

export interface ComposeDump {
  /** `docker-compose` (v1/standalone) and/or the `docker compose` CLI plugin are installed. */
  tools: { standalone: boolean; plugin: boolean };
  files: DumpedFile[];
  /** Directories with compose containers (from com.docker.compose.project.working_dir labels). */
  projectDirs: string[];
  problems: string[];
}

export interface ComposeService {
  name: string;
  image: string;
  environment: EnvEntry[];
  /** env_file targets, resolved against the compose file's directory (interpolated ones are left out). */
  envFiles: string[];
}

export interface ComposeFile {
  path: string;
  source: string;
  services: ComposeService[];
  /** Why the file could not be read or parsed (no services then). */
  error?: string;
}

export interface EnvFile {
  path: string;
  /** env: an env_file target; dotenv: the project .env compose reads for ${VAR} substitution. */
  kind: 'env' | 'dotenv';
  entries: EnvEntry[];
  error?: string;
}

const FILE_HEADER = /^@F (compose|env|dotenv) (\S+) (\S+) (\d+)$/;

/**
 * The collector's framing: `@T standalone=0|1 plugin=0|1`, `@D dir` per compose project, then per
 * file `@F KIND SOURCE STATUS SIZE`, `@P PATH`, content lines each prefixed with `|`, and `@E`.
 * Content can never be mistaken for framing (every content line starts with `|`).
 */
export function parseComposeDump(body: string): ComposeDump {
  const dump: ComposeDump = { tools: { standalone: false, plugin: false }, files: [], projectDirs: [], problems: [] };
  let cur: DumpedFile | null = null;
  let content: string[] = [];
  const finish = (cutOff: boolean): void => {
    if (!cur) return;
    if (cur.status === 'ok') {
      if (cutOff) cur.status = 'cut-off';
      else cur.content = content.join('\n');
    }
    dump.files.push(cur);
    cur = null;
    content = [];
  };
  for (const rawLine of body.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (line.startsWith('|')) {
      if (cur) content.push(line.slice(1));
      continue;
    }
    if (line.startsWith('@T ')) {
      dump.tools.standalone = /standalone=1/.test(line);
      dump.tools.plugin = /plugin=1/.test(line);
      continue;
    }
    if (line.startsWith('@D ')) {
      const d = line.slice(3);
      if (d.startsWith('/') && !dump.projectDirs.includes(d)) dump.projectDirs.push(d);
      continue;
    }
    const h = FILE_HEADER.exec(line);
    if (h) {
      finish(true);
      cur = { kind: h[1] as DumpedFile['kind'], source: h[2]!, status: normStatus(h[3]!), size: Number(h[4]), path: '' };
      continue;
    }
    if (line.startsWith('@P ') && cur && !cur.path) {
      cur.path = line.slice(3);
      continue;
    }
    if (line === '@E') {
      finish(false);
      continue;
    }
    if (line.trim()) dump.problems.push(outputExcerpt(line, 200));
  }
  finish(true);
  dump.files = dump.files.filter((f) => f.path.startsWith('/')).map((f) => ({ ...f, path: posix.normalize(f.path) }));
  return dump;
}

function normStatus(s: string): ComposeFileStatus {
  const known: ComposeFileStatus[] = ['ok', 'missing', 'unreadable', 'too-big', 'not-regular', 'budget', 'cut-off'];
  return (known as string[]).includes(s) ? (s as ComposeFileStatus) : 'unreadable';
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function scalarToString(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return ''; // a mapping or list where a value belongs: treat as empty, never echo it
}

function parseEnvironment(env: unknown): EnvEntry[] {
  const out: EnvEntry[] = [];
  if (Array.isArray(env)) {
    for (const item of env) {
      if (typeof item !== 'string') continue;
      const at = item.indexOf('=');
      if (at < 0) out.push(classifyEnv(item.trim(), null, true));
      else out.push(classifyEnv(item.slice(0, at).trim(), item.slice(at + 1), true));
    }
  } else if (isObj(env)) {
    for (const [key, value] of Object.entries(env)) out.push(classifyEnv(key, scalarToString(value), true));
  }
  return out.filter((e) => e.key !== '');
}

function envFileList(v: unknown): string[] {
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  const out: string[] = [];
  for (const it of items) {
    if (typeof it === 'string') out.push(it);
    else if (isObj(it) && typeof it.path === 'string') out.push(it.path);
  }
  return out;
}

/** Resolves an env_file entry against the compose file's directory; null for interpolated paths. */
export function resolveEnvFile(composePath: string, target: string): string | null {
  if (!target || target.includes('$')) return null;
  return posix.normalize(target.startsWith('/') ? target : posix.join(posix.dirname(composePath), target));
}

/** Compose YAML → services with classified environment entries. Throws on invalid YAML. */
export function parseComposeYaml(text: string, composePath: string): ComposeService[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { merge: true, maxAliasCount: 200, uniqueKeys: false, prettyErrors: false, logLevel: 'error' });
  } catch (e) {
    // Keep the error code and the position; never the message's source excerpt (it may hold a secret).
    const pos = (e as { pos?: unknown }).pos;
    const code = (e as { code?: unknown }).code;
    const at = Array.isArray(pos) && typeof pos[0] === 'number' ? ` at line ${text.slice(0, pos[0]).split('\n').length}` : '';
    throw new Error(`invalid YAML${typeof code === 'string' ? ` (${code})` : ''}${at}`, { cause: e });
  }
  if (doc === null || doc === undefined) return [];
  if (!isObj(doc)) throw new Error('not a compose file (the top level is not a mapping)');
  const services = doc.services;
  if (services === undefined || services === null) return [];
  if (!isObj(services)) throw new Error('`services` is not a mapping');
  const out: ComposeService[] = [];
  for (const [name, svc] of Object.entries(services)) {
    if (!isObj(svc)) continue;
    out.push({
      name,
      image: typeof svc.image === 'string' ? svc.image : '',
      environment: parseEnvironment(svc.environment),
      envFiles: envFileList(svc.env_file)
        .map((t) => resolveEnvFile(composePath, t))
        .filter((p): p is string => p !== null),
    });
  }
  return out;
}

/**
 * An env file (KEY=VALUE lines, `export` prefix, `#` comments, quotes). `interpolated` values:
 * compose substitutes ${VAR} in env files too.
 */
export function parseEnvFile(text: string): EnvEntry[] {
  const out: EnvEntry[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!.trim();
    // An unquoted value ends at ` #` (a comment); a quoted one at its closing quote.
    if (value.startsWith('"') || value.startsWith("'")) {
      const q = value[0]!;
      const end = value.indexOf(q, 1);
      value = end > 0 ? value.slice(0, end + 1) : value;
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out.push(classifyEnv(m[1]!, value, true));
  }
  return out;
}

const STATUS_TEXT: Record<Exclude<ComposeFileStatus, 'ok'>, string> = {
  missing: 'the file does not exist',
  unreadable: 'the file is not readable by the audit user (run the audit with sudo)',
  'too-big': 'the file is larger than the collector reads',
  'not-regular': 'not a regular file',
  budget: 'skipped: the collector reached its size budget',
  'cut-off': 'the output was cut off',
};

export interface ComposeBundle {
  files: ComposeFile[];
  envFiles: EnvFile[];
}

/** Parses every dumped file; a bad file becomes an entry with `error`, never an exception. */
export function parseComposeFiles(dump: ComposeDump): ComposeBundle {
  const files: ComposeFile[] = [];
  const envFiles: EnvFile[] = [];
  for (const f of dump.files) {
    const error = f.status === 'ok' ? undefined : STATUS_TEXT[f.status];
    if (f.kind === 'compose') {
      if (error) {
        files.push({ path: f.path, source: f.source, services: [], error });
        continue;
      }
      try {
        files.push({ path: f.path, source: f.source, services: parseComposeYaml(f.content ?? '', f.path) });
      } catch (e) {
        files.push({ path: f.path, source: f.source, services: [], error: (e as Error).message });
      }
    } else {
      if (error) {
        envFiles.push({ path: f.path, kind: f.kind, entries: [], error });
        continue;
      }
      envFiles.push({ path: f.path, kind: f.kind, entries: parseEnvFile(f.content ?? '') });
    }
  }
  return { files, envFiles };
}
