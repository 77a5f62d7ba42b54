// Opening the CLI's database: the app's by default (its folder created like the app creates it,
// owner-only), --db FILE, or nothing kept (null: in memory).
import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../main/store/store';

export function openDatabase(db: string | null): Store {
  if (db === null) return new Store(':memory:');
  fs.mkdirSync(path.dirname(db), { recursive: true, mode: 0o700 });
  return new Store(db);
}

/**
 * A database a reading command needs (report, export): it must exist already, since opening a
 * mistyped --db would create an empty one and "work" with nothing in it. `verb`: "report".
 */
export function openExistingDatabase(db: string | null, verb: string): { store: Store } | { error: string } {
  if (db === null) return { error: `nothing to ${verb}: --no-db has no stored runs (give --db FILE, or leave it out for the app's database)` };
  if (!fs.existsSync(db)) return { error: `nothing to ${verb}: no database at ${db}` };
  try {
    return { store: new Store(db) };
  } catch (e) {
    return { error: `cannot open the database ${db}: ${(e as Error).message}` };
  }
}
