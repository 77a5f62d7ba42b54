// `rampart export` / `rampart import` (the app's bundle, src/main/data/bundle.ts) and the
// default fail-on severity the app's Settings store for `rampart audit`.
import { getSettings } from '../main/data/appSettings';
import { importBundle, readBundle, writeBundle } from '../main/data/bundle';
import { APP_VERSION } from '../shared/version';
import { type Store } from '../main/store/store';
import { RampartError } from '../shared/errors';
import type { AuditSettings, FailOn } from './args';
import { openDatabase, openExistingDatabase } from './db';
import type { ExportCommand, ImportCommand } from './dataArgs';
import { EXIT, oneLine } from './report';

interface DataIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/** --fail-on if given; else the database's default fail-on setting (when a database is used); else 'high'. */
export function failOnFor(cmd: Pick<AuditSettings, 'failOn' | 'failOnFromSettings' | 'db'>, store: Store): FailOn {
  if (!cmd.failOnFromSettings || cmd.db === null) return cmd.failOn;
  return getSettings(store.db).defaultFailOn;
}

function fail(io: DataIo, message: string): number {
  io.stderr.write(`rampart: error: ${oneLine(message)}\n`);
  return EXIT.error;
}

export function exportCommand(cmd: ExportCommand, io: DataIo): number {
  const opened = openExistingDatabase(cmd.db, 'export');
  if ('error' in opened) return fail(io, opened.error);
  const { store } = opened;
  try {
    const r = writeBundle(store, cmd.out, { host: cmd.host ?? undefined, version: APP_VERSION });
    io.stderr.write(`rampart: exported ${r.runs} run(s) and ${r.triage} triage decision(s) → ${r.file}\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof RampartError) return fail(io, e.code === 'NOT_FOUND' ? `nothing to export: ${e.message}` : e.message);
    throw e;
  } finally {
    store.close();
  }
}

export function importCommand(cmd: ImportCommand, io: DataIo): number {
  if (cmd.db === null) return fail(io, 'import needs a database: --no-db keeps nothing');
  let bundle;
  try {
    bundle = readBundle(cmd.file); // checked whole before the database is even opened
  } catch (e) {
    if (e instanceof RampartError) return fail(io, e.message);
    throw e;
  }
  let store: Store;
  try {
    store = openDatabase(cmd.db);
  } catch (e) {
    return fail(io, `cannot open the database ${cmd.db}: ${(e as Error).message}`);
  }
  try {
    const r = importBundle(store, bundle);
    io.stdout.write(
      `runs: ${r.runsAdded} added, ${r.runsSkipped} already present\n` +
        `triage decisions: ${r.triageAdded} added, ${r.triageUnchanged} unchanged, ${r.conflicts.length} conflicting\n`,
    );
    for (const c of r.conflicts)
      io.stdout.write(
        `conflict ${c.title ? `${oneLine(c.title)} ` : ''}[${c.checkId ?? c.findingKey}]${c.target ? ` on ${oneLine(c.target)}` : ''}: here ${c.local.status} at ${c.local.updatedAt}, bundle ${c.bundle.status} at ${c.bundle.updatedAt} → kept ${c.kept === 'local' ? 'this database\'s' : "the bundle's"} (newer)\n`,
      );
    return EXIT.ok;
  } catch (e) {
    if (e instanceof RampartError) return fail(io, `${e.message} Nothing was imported.`);
    return fail(io, `the import failed and was rolled back, nothing was imported: ${(e as Error).message}`);
  } finally {
    store.close();
  }
}
