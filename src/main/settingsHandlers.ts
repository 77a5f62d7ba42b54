// IPC handlers for the Settings screen (settings:*) and the Reports screen (reports:preview,
// reports:saveAs), kept out of handlers.ts, which only mounts them. Files come from the native
// dialog in the app, or a typed absolute path in the browser bridge (src/main/dialogs.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RampartError } from '../shared/errors';
import type { ParsedRequestOf, ResponseOf } from '../shared/ipc/channel';
import type { Contract } from '../shared/ipc/contract';
import type { KeychainStatus } from '../shared/ipc/settings';
import type { ReportScope } from './reports/model';
import { previewReport, saveReportAs } from './reports/appReports';
import { chooseFile } from './dialogs';
import { getSettings, updateSettings } from './data/appSettings';
import { backupDatabase, restoreDatabase } from './data/backup';
import { importBundle, readBundle, writeBundle } from './data/bundle';
import { applyRetention, previewRetention } from './data/retention';
import type { Services } from './services';

type DomainImpl<D extends keyof Contract, K extends keyof Contract[D] = keyof Contract[D]> = {
  [M in K]: (req: ParsedRequestOf<Contract[D][M]>) => Promise<ResponseOf<Contract[D][M]>> | ResponseOf<Contract[D][M]>;
};

const SQLITE_FILTER = { name: 'SQLite database', extensions: ['sqlite3', 'sqlite', 'db', 'bak'] };
const BUNDLE_FILTER = { name: 'Rampart bundle (JSON)', extensions: ['json'] };

/** Backups (and the automatic copy before a restore) go beside the database by default. */
export function backupsDirOf(dbFile: string): string {
  return dbFile === ':memory:' ? path.join(os.tmpdir(), 'rampart-backups') : path.join(path.dirname(path.resolve(dbFile)), 'backups');
}

const day = (d = new Date()): string => d.toISOString().slice(0, 10);

/** Counts what the keychain holds for Rampart by kind (account names only; never a value). */
export async function keychainStatus(s: Services): Promise<KeychainStatus> {
  try {
    const accounts = await s.secrets.accounts('');
    const n = (suffix: string): number => accounts.filter((a) => a.endsWith(suffix)).length;
    const privateKeys = n(':private-key');
    const passphrases = n(':passphrase');
    const sudoPasswords = n(':sudo-password');
    return { available: true, message: null, privateKeys, passphrases, sudoPasswords, other: accounts.length - privateKeys - passphrases - sudoPasswords };
  } catch (e) {
    return { available: false, message: e instanceof Error ? e.message : String(e), privateKeys: 0, passphrases: 0, sudoPasswords: 0, other: 0 };
  }
}

function noJobsRunning(s: Services, what: string): void {
  if (s.jobs.size > 0) throw new RampartError('CONFLICT', `${what} while an audit or another job is running could lose its result; wait for it to finish or cancel it.`);
}

export function settingsHandlers(s: Services): DomainImpl<'settings'> {
  const backupsDir = backupsDirOf(s.store.file);
  return {
    get: async (req) => {
      let dbBytes: number | null = null;
      if (s.store.file !== ':memory:') {
        try {
          dbBytes = fs.statSync(s.store.file).size;
        } catch {
          dbBytes = null;
        }
      }
      return {
        settings: getSettings(s.store.db),
        dbPath: s.store.file,
        dbBytes,
        schemaVersion: s.store.schemaVersion,
        backupsDir,
        keychain: req.keychain ? await keychainStatus(s) : null,
        nativeDialogs: Boolean(s.dialogs),
      };
    },
    update: (req) => updateSettings(s.store.db, req),
    retentionPreview: (req) => previewRetention(s.store.db, req.policy),
    retentionApply: (req) => {
      noJobsRunning(s, 'Deleting runs');
      return applyRetention(s.store.db, req.policy, req.expectRunIds);
    },
    backup: async (req) => {
      // The dialog opens in the backups folder beside the database: make sure it exists.
      if (s.dialogs && s.store.file !== ':memory:') fs.mkdirSync(backupsDir, { recursive: true, mode: 0o700 });
      const file = await chooseFile(s.dialogs, req.path, 'save', { title: 'Back up the Rampart database', defaultName: path.join(backupsDir, `rampart-backup-${day()}.sqlite3`), filters: [SQLITE_FILTER] });
      if (file === null) return { cancelled: true as const };
      return { cancelled: false as const, ...(await backupDatabase(s.store, file)) };
    },
    restore: async (req) => {
      noJobsRunning(s, 'Restoring the database');
      const file = await chooseFile(s.dialogs, req.path, 'open', { title: 'Restore the Rampart database from a backup', filters: [SQLITE_FILTER] });
      if (file === null) return { cancelled: true as const };
      const out = await restoreDatabase(s.store, file, backupsDir);
      // Hosts, keys and pins may all differ now: pooled connections are reopened by the next job.
      s.pool.forgetAll();
      return { cancelled: false as const, ...out };
    },
    exportBundle: async (req) => {
      const name = `rampart-bundle-${req.host ? req.host.replace(/[^A-Za-z0-9._-]+/g, '_') + '-' : ''}${day()}.json`;
      const file = await chooseFile(s.dialogs, req.path, 'save', { title: 'Export runs and triage decisions', defaultName: name, filters: [BUNDLE_FILTER] });
      if (file === null) return { cancelled: true as const };
      return { cancelled: false as const, ...writeBundle(s.store, file, { host: req.host, version: s.appVersion }) };
    },
    importBundle: async (req) => {
      const file = await chooseFile(s.dialogs, req.path, 'open', { title: 'Import runs and triage decisions', filters: [BUNDLE_FILTER] });
      if (file === null) return { cancelled: true as const };
      return { cancelled: false as const, file, ...importBundle(s.store, readBundle(file)) };
    },
  };
}

export function reportScreenHandlers(s: Services): DomainImpl<'reports', 'preview' | 'saveAs'> {
  return {
    preview: (req) => previewReport(s.store, req.scope as ReportScope, req.kind),
    saveAs: (req) => saveReportAs(s.store, { scope: req.scope as ReportScope, kind: req.kind, format: req.format, typedPath: req.path, dialogs: s.dialogs, printPdf: s.printPdf }),
  };
}
