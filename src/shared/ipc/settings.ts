// Settings and data ownership (issue 14 items 6 and 8): theme, retention, the default fail-on
// severity, keychain status, the database's location, backup/restore, and the export/import
// bundle of runs and triage decisions. Files are picked with the native dialog in the app; the
// browser bridge (no dialog) sends a typed absolute `path` instead (src/main/dialogs.ts).
import { z } from 'zod';
import { SEVERITIES } from '../domain';
import { channel } from './channel';

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

/**
 * Which runs to keep. A run is kept when it is among the newest `keepRunsPerTarget` of its host
 * (or mail domain) OR younger than `keepDays`; null = that rule is off; both null = keep all.
 * A target's latest run is always kept.
 */
export const RetentionPolicy = z
  .object({
    keepRunsPerTarget: z.number({ message: 'A whole number of runs' }).int('A whole number of runs').min(1, 'At least 1 run').max(100_000, 'At most 100000 runs').nullable(),
    keepDays: z.number({ message: 'A whole number of days' }).int('A whole number of days').min(1, 'At least 1 day').max(36_500, 'At most 36500 days').nullable(),
  })
  .strict();
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;

export const FailOnSetting = z.enum([...SEVERITIES, 'none']);
export type FailOnSetting = z.infer<typeof FailOnSetting>;

export const Settings = z.object({
  theme: Theme,
  retention: RetentionPolicy,
  /** Used by `rampart audit` when --fail-on is not given (and the database is used). */
  defaultFailOn: FailOnSetting,
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = { theme: 'system', retention: { keepRunsPerTarget: null, keepDays: null }, defaultFailOn: 'high' };

export const SettingsUpdate = z
  .object({ theme: Theme.optional(), retention: RetentionPolicy.optional(), defaultFailOn: FailOnSetting.optional() })
  .strict();
export type SettingsUpdate = z.input<typeof SettingsUpdate>;

/** What the keychain holds for Rampart: counts by kind, never a value. */
export const KeychainStatus = z.object({
  available: z.boolean(),
  /** Why it is not available, and what to do (KEYCHAIN_UNAVAILABLE's message). */
  message: z.string().nullable(),
  privateKeys: z.number().int(),
  passphrases: z.number().int(),
  sudoPasswords: z.number().int(),
  other: z.number().int(),
});
export type KeychainStatus = z.infer<typeof KeychainStatus>;

export const SettingsView = z.object({
  settings: Settings,
  dbPath: z.string(),
  dbBytes: z.number().int().nullable(),
  schemaVersion: z.number().int(),
  /** Where backups and the automatic pre-restore copy go by default (beside the database). */
  backupsDir: z.string(),
  /** null unless asked for (reading the keychain can prompt to unlock it: only the Settings screen asks). */
  keychain: KeychainStatus.nullable(),
  nativeDialogs: z.boolean(),
});
export type SettingsView = z.infer<typeof SettingsView>;

const TypedPath = z.string().max(4096, 'Path is too long').optional();

export const RetentionRun = z.object({
  id: z.string(),
  target: z.string(),
  startedAt: z.string(),
  status: z.string(),
  grade: z.string().nullable(),
  findings: z.number().int(),
});
export const RetentionPreview = z.object({
  policy: RetentionPolicy,
  /** Runs the policy deletes, oldest first. */
  deleteRuns: z.array(RetentionRun),
  keptRuns: z.number().int(),
  /** Triage decisions whose finding is in no kept run (removed with the runs). */
  orphanTriage: z.number().int(),
  /** Triage decisions kept (their finding is still present in a kept run). */
  keptTriage: z.number().int(),
});
export type RetentionPreview = z.infer<typeof RetentionPreview>;

export const RetentionApplyRequest = z
  .object({
    policy: RetentionPolicy,
    /** The run ids the preview showed: refused (CONFLICT) if the policy now deletes others. */
    expectRunIds: z.array(z.string().max(64)).max(1_000_000),
  })
  .strict();

export const RetentionResult = z.object({ deletedRuns: z.number().int(), deletedTriage: z.number().int(), keptRuns: z.number().int() });

const Cancelled = z.object({ cancelled: z.literal(true) });

export const BackupResult = z.union([Cancelled, z.object({ cancelled: z.literal(false), file: z.string(), bytes: z.number().int() })]);
export type BackupResult = z.infer<typeof BackupResult>;

export const RestoreResult = z.union([
  Cancelled,
  z.object({
    cancelled: z.literal(false),
    restoredFrom: z.string(),
    /** The copy of the database as it was before the restore. */
    previousSavedTo: z.string(),
    /** The backup's schema version (it was migrated to the current one). */
    fromSchemaVersion: z.number().int(),
    schemaVersion: z.number().int(),
    hosts: z.number().int(),
    runs: z.number().int(),
  }),
]);
export type RestoreResult = z.infer<typeof RestoreResult>;

export const ExportBundleRequest = z
  .object({
    path: TypedPath,
    /** Only this host's runs and triage (a profile name or the address a run was stored under). */
    host: z.string().trim().min(1).max(255).optional(),
  })
  .strict();

export const ExportResult = z.union([Cancelled, z.object({ cancelled: z.literal(false), file: z.string(), bytes: z.number().int(), runs: z.number().int(), triage: z.number().int() })]);
export type ExportResult = z.infer<typeof ExportResult>;

export const ImportConflict = z.object({
  findingKey: z.string(),
  target: z.string().nullable(),
  /** The finding's check and title as last stored here (null: no run here has it). */
  checkId: z.string().nullable(),
  title: z.string().nullable(),
  local: z.object({ status: z.string(), updatedAt: z.string() }),
  bundle: z.object({ status: z.string(), updatedAt: z.string() }),
  kept: z.enum(['local', 'bundle']),
});
export type ImportConflict = z.infer<typeof ImportConflict>;

export const ImportReport = z.object({
  runsAdded: z.number().int(),
  /** Runs already in the database (same id). */
  runsSkipped: z.number().int(),
  triageAdded: z.number().int(),
  /** Same decision on both sides. */
  triageUnchanged: z.number().int(),
  /** Different decisions for the same finding: the newer one is kept. */
  conflicts: z.array(ImportConflict),
});
export type ImportReport = z.infer<typeof ImportReport>;

export const ImportResult = z.union([Cancelled, ImportReport.extend({ cancelled: z.literal(false), file: z.string() })]);
export type ImportResult = z.infer<typeof ImportResult>;

const PathOnly = z.object({ path: TypedPath }).strict();

export const settingsChannels = {
  get: channel('settings:get', z.object({ keychain: z.boolean().optional() }).strict(), SettingsView),
  update: channel('settings:update', SettingsUpdate, Settings),
  /** What a retention policy would delete (nothing is deleted). */
  retentionPreview: channel('settings:retentionPreview', z.object({ policy: RetentionPolicy }).strict(), RetentionPreview),
  retentionApply: channel('settings:retentionApply', RetentionApplyRequest, RetentionResult),
  /** SQLite online backup of the live database. */
  backup: channel('settings:backup', PathOnly, BackupResult),
  /** Replaces the database with a backup (validated; the current one is copied aside first). */
  restore: channel('settings:restore', PathOnly, RestoreResult),
  exportBundle: channel('settings:exportBundle', ExportBundleRequest, ExportResult),
  importBundle: channel('settings:importBundle', PathOnly, ImportResult),
};
