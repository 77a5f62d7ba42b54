// Database backup and restore (issue 14 items 6 and 8). Backup: SQLite's online backup API
// (better-sqlite3 `db.backup`), a consistent copy while the app keeps working, WAL content
// included. Restore: the file is checked first (an SQLite file, intact, a Rampart schema no newer
// than ours), the current database is backed up beside it, then the backup's pages are copied
// into the live file through the same backup API (the app's connection stays open and sees the
// restored content) and migrated to the current schema. If anything fails after the copy
// started, the pre-restore copy is put back the same way, so nothing is lost.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { RampartError } from '../../shared/errors';
import { migrate } from '../store/db';
import { SCHEMA_VERSION } from '../store/migrations';
import type { Store } from '../store/store';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** Tables every Rampart database has had since schema v2. */
const REQUIRED_TABLES = ['hosts', 'audit_runs', 'findings'];

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

/** Writes a consistent copy of the live database to `file` (owner-only), atomically. */
export async function backupDatabase(store: Store, file: string): Promise<{ file: string; bytes: number }> {
  const target = path.resolve(file);
  if (store.file !== ':memory:' && target === path.resolve(store.file)) throw new RampartError('VALIDATION', 'path: A backup cannot overwrite the database itself; choose another file.');
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  // Written under a temporary name and renamed, so a failed backup never leaves a half file
  // under the name the user chose (nor replaces an older good backup with one).
  const tmp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await store.db.backup(tmp);
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new RampartError('BACKUP_FAILED', `The backup to ${target} failed: ${(e as Error).message}. The database was not changed.`);
  }
  return { file: target, bytes: fs.statSync(target).size };
}

export interface BackupInfo {
  file: string;
  schemaVersion: number;
  hosts: number;
  runs: number;
}

function invalid(file: string, why: string): RampartError {
  return new RampartError('BACKUP_INVALID', `${file} is not a Rampart database backup: ${why}. Nothing was changed.`);
}

/** Checks that `file` is an intact Rampart database this version can open; says why not. */
export function inspectBackup(file: string): BackupInfo {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new RampartError('BACKUP_INVALID', `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}. Nothing was changed.`);
  }
  try {
    if (!fs.fstatSync(fd).isFile()) throw invalid(file, 'it is not a regular file');
    const head = Buffer.alloc(16);
    const n = fs.readSync(fd, head, 0, 16, 0);
    if (n < 16 || !head.equals(SQLITE_MAGIC)) throw invalid(file, 'it is not an SQLite database file');
  } finally {
    fs.closeSync(fd);
  }
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw invalid(file, (e as Error).message);
  }
  try {
    let check: unknown;
    try {
      check = db.pragma('quick_check', { simple: true });
    } catch (e) {
      throw invalid(file, `it cannot be read (${(e as Error).message})`);
    }
    if (check !== 'ok') throw invalid(file, `it failed SQLite's integrity check (${String(check).slice(0, 200)})`);
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    if (version < 1 || missing.length) throw invalid(file, `it is an SQLite database without Rampart's tables (${missing.join(', ') || 'no schema version'})`);
    if (version > SCHEMA_VERSION)
      throw new RampartError(
        'DB_TOO_NEW',
        `${file} has schema version ${version}, but this Rampart only knows versions up to ${SCHEMA_VERSION}: it was written by a newer Rampart. Nothing was changed; update Rampart to restore it.`,
        { databaseVersion: version, supportedVersion: SCHEMA_VERSION },
      );
    const count = (t: string): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { file, schemaVersion: version, hosts: count('hosts'), runs: count('audit_runs') };
  } finally {
    db.close();
  }
}

/** Copies every page of `source` into the live database file (SQLite backup API, destination = live file). */
async function copyInto(source: string, store: Store): Promise<void> {
  const src = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await src.backup(store.file);
  } finally {
    src.close();
  }
}

export interface RestoreOutcome {
  restoredFrom: string;
  previousSavedTo: string;
  fromSchemaVersion: number;
  schemaVersion: number;
  hosts: number;
  runs: number;
}

/** Replaces the live database with the backup `file` (see the header). */
export async function restoreDatabase(store: Store, file: string, backupsDir: string, now: Date = new Date()): Promise<RestoreOutcome> {
  if (store.file === ':memory:') throw new RampartError('VALIDATION', 'An in-memory database cannot be restored into.');
  const source = path.resolve(file);
  if (source === path.resolve(store.file)) throw new RampartError('VALIDATION', 'path: That is the database itself; choose a backup file.');
  const info = inspectBackup(source);
  const previous = await backupDatabase(store, path.join(backupsDir, `rampart-before-restore-${stamp(now)}.sqlite3`));
  try {
    await copyInto(source, store);
    migrate(store.db, store.file);
    const check = store.db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check after the restore: ${String(check)}`);
  } catch (e) {
    try {
      await copyInto(previous.file, store);
    } catch (e2) {
      throw new RampartError('RESTORE_FAILED', `The restore failed (${(e as Error).message}) and putting the previous database back failed too (${(e2 as Error).message}). Your previous database is saved at ${previous.file}.`);
    }
    throw new RampartError('RESTORE_FAILED', `The restore failed: ${(e as Error).message}. The previous database was put back (a copy is at ${previous.file}).`);
  }
  const count = (t: string): number => (store.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
  return { restoredFrom: source, previousSavedTo: previous.file, fromSchemaVersion: info.schemaVersion, schemaVersion: store.schemaVersion, hosts: count('hosts'), runs: count('audit_runs') };
}
