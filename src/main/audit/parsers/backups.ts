// Backup folders: where they are, their files (mode, owner, size, age) and, for the newest files,
// what the first bytes say the file is. The host compares the bytes against known signatures and
// prints only a label (gpg, age, gzip, …): no byte of a backup leaves the host.
// Records (records.ts): N now | P source path | L source STAT (source "-": the P record's) | F STAT |
// M label path | D path.
import { parseRecords, parseStat, type DeniedPaths, type FileStat } from './records';

export type BackupSource = 'var-backups' | 'scan-root' | 'home';

export type Encryption = 'encrypted' | 'unencrypted' | 'unknown';

export interface BackupFile {
  stat: FileStat;
  /** Content signature label for the newest files of a location; null when not sampled. */
  magic: string | null;
  encryption: Encryption;
  /** Debian's own /var/backups copies (dpkg status, passwd/shadow .bak, …), not the admin's backups. */
  housekeeping: boolean;
}

export interface BackupLocation {
  path: string;
  source: BackupSource;
  stat: FileStat;
  files: BackupFile[];
}

export interface Backups extends DeniedPaths {
  /** The host's clock when the section ran (seconds). */
  now: number;
  locations: BackupLocation[];
  truncated: boolean;
}

const ENCRYPTED_MAGIC = new Set(['gpg', 'gpg-armor', 'age', 'age-armor', 'openssl', 'zip-encrypted']);
const PLAIN_MAGIC = new Set(['gzip', 'bzip2', 'xz', 'zstd', 'zip', 'pgdump', 'sqlite']);
const ENCRYPTED_EXT = /\.(gpg|pgp|age|enc|aes|aes256|crypt|cpt|gpg\.asc)$/i;
const PLAIN_EXT = /\.(sql|dump|tar|tgz|tbz2?|txz|gz|bz2|xz|zst|zip|json|csv|txt|rdb|aof|sqlite3?|db|bak|ldif|ya?ml|conf|cfg|env|ini|xml|log)$/i;
const HOUSEKEEPING =
  /^(dpkg\.(status|diversions|statoverride|arch)|apt\.extended_states|alternatives\.tar|aptitude\.pkgstates|(passwd|group|shadow|gshadow)\.bak|infodir\.bak)(\.\d+)?(\.(gz|bz2|xz))?$/;

/** Judges a backup file by its signature when one was read, else by its name. */
export function encryptionOf(path: string, magic: string | null): Encryption {
  if (magic && ENCRYPTED_MAGIC.has(magic)) return 'encrypted';
  if (magic && PLAIN_MAGIC.has(magic)) return 'unencrypted';
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (ENCRYPTED_EXT.test(base)) return 'encrypted';
  if (PLAIN_EXT.test(base)) return 'unencrypted';
  return 'unknown';
}

export function isHousekeeping(location: Pick<BackupLocation, 'source' | 'path'>, file: string): boolean {
  if (location.source !== 'var-backups') return false;
  const rel = file.slice(location.path.length + 1);
  return !rel.includes('/') && HOUSEKEEPING.test(rel);
}

export function parseBackups(body: string): Backups {
  const { records, truncated } = parseRecords(body);
  let now = NaN;
  const locations: BackupLocation[] = [];
  const denied: string[] = [];
  const magic = new Map<string, string>();
  const files: FileStat[] = [];
  // P: a location's source kind by path (the first one named wins), for L records of source "-".
  const sourceOf = new Map<string, BackupSource>();
  const isSource = (s: string | undefined): s is BackupSource => s === 'var-backups' || s === 'scan-root' || s === 'home';
  for (const r of records) {
    const kind = r[0];
    if (kind === 'N' && /^\d+$/.test(r[1] ?? '')) now = Number(r[1]);
    else if (kind === 'P' && isSource(r[1]) && r.length >= 3) {
      const path = r.slice(2).join('\t');
      if (!sourceOf.has(path)) sourceOf.set(path, r[1]);
    } else if (kind === 'L' && (isSource(r[1]) || r[1] === '-')) {
      const stat = parseStat(r.slice(2));
      const source = r[1] === '-' ? (stat ? sourceOf.get(stat.path) : undefined) : r[1];
      if (stat && source && stat.type === 'd' && !locations.some((l) => l.path === stat.path)) locations.push({ path: stat.path, source, stat, files: [] });
    } else if (kind === 'F') {
      const stat = parseStat(r.slice(1));
      if (stat && stat.type === 'f') files.push(stat);
    } else if (kind === 'M' && r[1] && r.length >= 3) magic.set(r.slice(2).join('\t'), r[1]);
    else if (kind === 'D' && r[1]) denied.push(r.slice(1).join('\t'));
  }
  if (!Number.isFinite(now)) throw new Error('no clock reading in the output');
  // Each file belongs to the deepest location that contains it.
  const byDepth = [...locations].sort((a, b) => b.path.length - a.path.length);
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) continue;
    seen.add(f.path);
    const loc = byDepth.find((l) => f.path.startsWith(l.path.endsWith('/') ? l.path : `${l.path}/`));
    if (!loc) continue;
    const m = magic.get(f.path) ?? null;
    loc.files.push({ stat: f, magic: m, encryption: encryptionOf(f.path, m), housekeeping: isHousekeeping(loc, f.path) });
  }
  return { now, locations, denied: [...new Set(denied)], truncated };
}

/** The admin's backup files of a location (Debian's housekeeping copies left out). */
export function backupFiles(loc: BackupLocation): BackupFile[] {
  return loc.files.filter((f) => !f.housekeeping);
}
