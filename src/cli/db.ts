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
