// Opens the SQLite store: WAL, foreign keys, and the migration runner (PRAGMA user_version).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { RampartError } from '../../shared/errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  /** Only for tests: migrate up to this version instead of the latest. */
  targetVersion?: number;
  /** better-sqlite3 native binding override (Electron builds its own copy). */
  nativeBinding?: string;
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  } catch (e) {
    throw new RampartError('DB_CORRUPT', `Cannot open the database ${file}: ${(e as Error).message}`);
  }
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new RampartError('DB_CORRUPT', `The database ${file} failed an integrity check (${String(check)}). It was not modified.`);
    // Refuse a database from a newer Rampart before anything (even the WAL switch) writes to it.
    assertNotTooNew(db, file);
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file, opts.targetVersion ?? SCHEMA_VERSION);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof RampartError) throw e;
    const msg = (e as Error).message;
    if (/not a database|malformed/i.test(msg)) throw new RampartError('DB_CORRUPT', `The file ${file} is not a readable Rampart database: ${msg}. It was not modified.`);
    throw e;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every pending migration in one transaction, after copying the database aside
 * (`<file>.pre-v<N>.bak`), and refuses a database written by a newer Rampart.
 */
function assertNotTooNew(db: Db, file: string): void {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new RampartError(
      'DB_TOO_NEW',
      `The database ${file} has schema version ${current}, but this Rampart only knows versions up to ${SCHEMA_VERSION}. ` +
        'It was written by a newer Rampart; it was not modified. Update Rampart or open another database.',
      { databaseVersion: current, supportedVersion: SCHEMA_VERSION },
    );
  }
}

export function migrate(db: Db, file: string, target: number = SCHEMA_VERSION): void {
  assertNotTooNew(db, file);
  const current = schemaVersion(db);
  if (current >= target) return;
  if (current > 0 && file !== ':memory:') {
    // VACUUM INTO writes a consistent copy including WAL content, without touching the original.
    const backup = `${file}.pre-v${target}.bak`;
    fs.rmSync(backup, { force: true });
    db.prepare('VACUUM INTO ?').run(backup);
  }
  // IMMEDIATE takes the write lock first, so two processes opening a new database at once do not
  // both migrate; the second sees the first one's version and has nothing left to do.
  db.transaction(() => {
    const now = schemaVersion(db);
    if (now >= target) return;
    for (let v = now; v < target; v++) {
      const step = MIGRATIONS[v];
      if (step === undefined) throw new Error(`missing migration ${v + 1}`);
      db.exec(step);
    }
    db.pragma(`user_version = ${target}`);
  }).immediate();
}
