// Parsers for the file sections: modes and owners of critical files, candidate secret files (by
// name, and private keys by their header line — checked on the host, never sent), world-writable
// files, /var/log, database data folders. Records as in records.ts; contents never leave the host.
import { parseRecords, parseStat, type DeniedPaths, type FileStat } from './records';

export interface StatList extends DeniedPaths {
  files: FileStat[];
  truncated: boolean;
}

/** Stat records of the given kind (default F) plus D (denied) records. Deduplicated by path. */
export function parseStatList(body: string, kind = 'F'): StatList {
  const { records, truncated } = parseRecords(body);
  const files = new Map<string, FileStat>();
  const denied: string[] = [];
  for (const r of records) {
    if (r[0] === kind) {
      const s = parseStat(r.slice(1));
      if (s && !files.has(s.path)) files.set(s.path, s);
    } else if (r[0] === 'D' && r[1]) denied.push(r.slice(1).join('\t'));
  }
  return { files: [...files.values()], denied: [...new Set(denied)], truncated };
}

// ---------------------------------------------------------------------------------------------
// Critical files (passwd, shadow, sshd_config, host keys, sudoers)

export type CriticalRole = 'passwd' | 'group' | 'shadow' | 'gshadow' | 'sshd_config' | 'hostkey' | 'sudoers';
const ROLES = new Set<CriticalRole>(['passwd', 'group', 'shadow', 'gshadow', 'sshd_config', 'hostkey', 'sudoers']);

export interface CriticalFile {
  role: CriticalRole;
  stat: FileStat;
}

export interface CriticalFiles {
  files: CriticalFile[];
}

/** Role of the fixed paths; others come from R records (sshd_config includes, host keys, sudoers.d). */
function fixedRole(path: string): CriticalRole | null {
  const m = /^\/etc\/(passwd|group|shadow|gshadow|sudoers)-?$/.exec(path);
  if (!m || (m[1] === 'sudoers' && path.endsWith('-'))) return null;
  return m[1] as CriticalRole;
}

/** Records "R<TAB>role<TAB>path" (what a path is) and "F<TAB>STAT". */
export function parseCriticalFiles(body: string): CriticalFiles {
  const { records } = parseRecords(body);
  const roles = new Map<string, CriticalRole>();
  for (const r of records) {
    const path = r.slice(2).join('\t');
    if (r[0] === 'R' && ROLES.has(r[1] as CriticalRole) && path.startsWith('/') && !roles.has(path)) roles.set(path, r[1] as CriticalRole);
  }
  const seen = new Set<string>();
  const files: CriticalFile[] = [];
  for (const r of records) {
    if (r[0] !== 'F') continue;
    const stat = parseStat(r.slice(1));
    if (!stat || seen.has(stat.path)) continue;
    const role = roles.get(stat.path) ?? fixedRole(stat.path);
    if (!role) continue;
    seen.add(stat.path);
    files.push({ role, stat });
  }
  return { files };
}

// ---------------------------------------------------------------------------------------------
// Secret files

export type SecretKind =
  | 'env-file'
  | 'acme-store'
  | 'wireguard-config'
  | 'pgpass'
  | 'mysql-credentials'
  | 'htpasswd'
  | 'netrc'
  | 'git-credentials'
  | 'cloud-credentials'
  | 'docker-credentials'
  | 'sasl-password'
  | 'secrets-folder'
  | 'private-key'
  | 'ssh-private-key';

export const SECRET_KIND_LABELS: Readonly<Record<SecretKind, string>> = {
  'env-file': 'environment file',
  'acme-store': 'ACME certificate store (private keys)',
  'wireguard-config': 'WireGuard config (private key)',
  pgpass: 'PostgreSQL password file',
  'mysql-credentials': 'MySQL client credentials',
  htpasswd: 'htpasswd file (password hashes)',
  netrc: '.netrc (login credentials)',
  'git-credentials': 'git credential store',
  'cloud-credentials': 'cloud credentials',
  'docker-credentials': 'Docker registry credentials',
  'sasl-password': 'SASL password map',
  'secrets-folder': 'file in a secrets folder',
  'private-key': 'private key',
  'ssh-private-key': 'SSH private key',
};

const TEMPLATE = /(^|[._-])(example|sample|template|dist|defaults?|tpl|schema|skel)([._-]|$)/i;
const SECRETS_FOLDER_IGNORED = /^(readme(\..*)?|.*\.md|\.gitkeep|\.gitignore|\.keep)$/i;

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * What kind of secret a file name says the file holds (null: not a secret by its name). Private
 * keys (*.pem, *.key, id_*) are only secrets when the host saw a PRIVATE KEY header: see K records.
 */
export function classifySecretPath(path: string): SecretKind | null {
  const base = basename(path);
  if (base === '.env' || base.endsWith('.env') || base.startsWith('.env.')) return base !== '.env' && TEMPLATE.test(base) ? null : 'env-file';
  if (base === 'acme.json') return 'acme-store';
  if (/^wg.*\.conf$/.test(base)) return 'wireguard-config';
  if (base === '.pgpass') return 'pgpass';
  if (base === '.my.cnf' || (base === 'debian.cnf' && path.includes('/mysql/'))) return 'mysql-credentials';
  if (/htpasswd$/.test(base) && !TEMPLATE.test(base)) return 'htpasswd';
  if (base === '.netrc') return 'netrc';
  if (base === '.git-credentials') return 'git-credentials';
  if (/\/\.aws\/credentials$/.test(path)) return 'cloud-credentials';
  if (/\/\.docker\/config\.json$/.test(path)) return 'docker-credentials';
  if (/^sasl_passwd(\.db|\.lmdb|\.cdb)?$/.test(base)) return 'sasl-password';
  if (/\/\.?secrets\/./.test(path) && !SECRETS_FOLDER_IGNORED.test(base) && !TEMPLATE.test(base)) return 'secrets-folder';
  return null;
}

export interface SecretFile {
  stat: FileStat;
  kind: SecretKind;
}

export interface SecretFiles extends DeniedPaths {
  files: SecretFile[];
  /** Folders other users may not enter (o-x), among the walked trees and the roots' ancestors. */
  closedDirs: string[];
  truncated: boolean;
}

/** The outermost folder above `path` that other users may not enter, or null (they can reach it). */
export function closedAncestor(path: string, closedDirs: readonly string[]): string | null {
  let best: string | null = null;
  for (const d of closedDirs) {
    const prefix = d.endsWith('/') ? d : `${d}/`;
    if (path.startsWith(prefix) && (best === null || d.length < best.length)) best = d;
  }
  return best;
}

/**
 * Records: F STAT (a name that suggests a secret), K STAT (a *.pem/*.key/id_* file whose header
 * says PRIVATE KEY), U STAT (such a file the collector may not read: unknown), X path (a folder
 * other users may not enter), D path.
 */
export function parseSecretFiles(body: string): SecretFiles {
  const { records, truncated } = parseRecords(body);
  const files = new Map<string, SecretFile>();
  const denied: string[] = [];
  const closed = new Set<string>();
  for (const r of records) {
    const kind = r[0];
    if (kind === 'D' && r[1]) {
      denied.push(r.slice(1).join('\t'));
      continue;
    }
    if (kind === 'X' && r[1]?.startsWith('/')) {
      if (closed.size < 100_000) closed.add(r.slice(1).join('\t'));
      continue;
    }
    const stat = kind === 'F' || kind === 'K' || kind === 'U' ? parseStat(r.slice(1)) : null;
    if (!stat || stat.type !== 'f' || files.has(stat.path)) continue;
    if (kind === 'F') {
      const k = classifySecretPath(stat.path);
      if (k) files.set(stat.path, { stat, kind: k });
    } else if (kind === 'K') {
      files.set(stat.path, { stat, kind: /^id_/.test(basename(stat.path)) ? 'ssh-private-key' : 'private-key' });
    } else {
      // Unreadable for an unprivileged collector: whether it is a private key is unknown.
      denied.push(stat.path);
    }
  }
  return { files: [...files.values()], closedDirs: [...closed], denied: [...new Set(denied)], truncated };
}

// ---------------------------------------------------------------------------------------------
// Database data folders

export type DataEngine = 'postgresql' | 'mysql' | 'mongodb' | 'redis';

export interface DataDir {
  engine: DataEngine;
  stat: FileStat;
}

export interface DataDirs extends DeniedPaths {
  dirs: DataDir[];
}

const MARKERS: ReadonlyArray<[RegExp, DataEngine]> = [
  [/^PG_VERSION$/, 'postgresql'],
  [/^(ibdata1|mysql\.ibd)$/, 'mysql'],
  [/^WiredTiger$/, 'mongodb'],
  [/^(dump\.rdb|appendonly\.aof.*)$/, 'redis'],
];

export function dataEngineOf(marker: string): DataEngine | null {
  return MARKERS.find(([re]) => re.test(marker))?.[1] ?? null;
}

/** Records: M marker STAT (the folder holding the marker file), D path. */
export function parseDataDirs(body: string): DataDirs {
  const { records } = parseRecords(body);
  const dirs = new Map<string, DataDir>();
  const denied: string[] = [];
  // The collector prints `E marker dir` per marker found and one `S stat` per folder (one find for
  // all of them); older collectors printed `M marker stat` per marker.
  const statOf = new Map<string, ReturnType<typeof parseStat>>();
  for (const r of records) {
    if (r[0] !== 'S') continue;
    const st = parseStat(r.slice(1));
    if (st && !statOf.has(st.path)) statOf.set(st.path, st);
  }
  for (const r of records) {
    if (r[0] === 'D' && r[1]) {
      denied.push(r.slice(1).join('\t'));
      continue;
    }
    if ((r[0] !== 'M' && r[0] !== 'E') || !r[1]) continue;
    const engine = dataEngineOf(r[1]);
    const stat = r[0] === 'M' ? parseStat(r.slice(2)) : statOf.get(r.slice(2).join('\t'));
    if (!engine || !stat || stat.type !== 'd' || dirs.has(stat.path)) continue;
    // PostgreSQL also writes PG_VERSION into every database folder (base/OID): only the cluster's
    // data folder counts.
    if (engine === 'postgresql' && /\/(base|pg_tblspc\/[^/]+\/[^/]+)\/\d+$/.test(stat.path)) continue;
    dirs.set(stat.path, { engine, stat });
  }
  return { dirs: [...dirs.values()], denied: [...new Set(denied)] };
}
