// Parsing of `rampart export` and `rampart import` (pure, no I/O). Kept beside args.ts, which
// dispatches to it.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { databaseOption, UsageError } from './args';

export interface ExportCommand {
  kind: 'export';
  /** The database to read; null (--no-db) has nothing to export. */
  db: string | null;
  out: string;
  /** Only this host's runs and triage (profile name or the address a run was stored under). */
  host: string | null;
}

export interface ImportCommand {
  kind: 'import';
  db: string | null;
  file: string;
}

export const EXPORT_HELP = `Usage: rampart export --out FILE [--host NAME] [--db FILE]

Writes the stored runs and triage decisions (accepted risks with reason and expiry, false
positives, fixed) as one JSON bundle ("schema": "rampart.bundle/v1"), owner-only. No host
profile, pinned key or keychain entry is exported, and no secret value is in a run.

Options:
  --out FILE      The bundle file to write (replaced if present)
  --host NAME     Only this host's runs and decisions (a host profile's name, or the address a
                  CLI audit without a profile was stored under)
  --db FILE       The database to read (default: the desktop app's)
  -h, --help      Show this help

Exit status: 0 written; 2 usage error, nothing to export, or the file could not be written.
`;

export const IMPORT_HELP = `Usage: rampart import FILE [--db FILE]

Merges a bundle written by \`rampart export\` (or the app's Settings → Export) into the database,
in one transaction: runs already present (same id) are skipped; a triage decision for a finding
the database has none for is added; when both have a different decision for the same finding,
the newer one is kept and the conflict is listed. A bundle that is not valid changes nothing.

Options:
  --db FILE       The database to merge into (default: the desktop app's; created if missing)
  -h, --help      Show this help

Exit status: 0 imported; 2 usage error or a bundle that is not valid (nothing imported).
`;

function file(cwd: string, p: string, what: string, topic: 'export' | 'import'): string {
  if (p.trim() === '') throw new UsageError(`${what} needs a file name`, topic);
  if (p.includes('\0')) throw new UsageError(`${what}: the path contains a NUL byte`, topic);
  return path.resolve(cwd, p);
}

export function parseExport(argv: readonly string[], cwd: string): ExportCommand | { kind: 'help'; topic: 'export' } {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { out: { type: 'string' }, host: { type: 'string' }, db: { type: 'string' }, 'no-db': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError((e as Error).message, 'export');
  }
  if (values.help) return { kind: 'help', topic: 'export' };
  if (values.out === undefined) throw new UsageError('--out FILE is required', 'export');
  const host = values.host?.trim();
  if (values.host !== undefined && !host) throw new UsageError('--host needs a name', 'export');
  return { kind: 'export', db: databaseOption(values, cwd, 'export'), out: file(cwd, values.out, '--out', 'export'), host: host ?? null };
}

export function parseImport(argv: readonly string[], cwd: string): ImportCommand | { kind: 'help'; topic: 'import' } {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options: { db: { type: 'string' }, 'no-db': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: true }));
  } catch (e) {
    throw new UsageError((e as Error).message, 'import');
  }
  if (values.help) return { kind: 'help', topic: 'import' };
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'the bundle FILE to import is required' : `one bundle FILE at a time, got ${positionals.length}`, 'import');
  return { kind: 'import', db: databaseOption(values, cwd, 'import'), file: file(cwd, positionals[0]!, 'FILE', 'import') };
}
