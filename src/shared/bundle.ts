// The export/import bundle (issue 14 item 6): stored runs and triage decisions as one JSON file,
// to move them between machines or keep them outside the database. Versioned by `schema`; every
// field is checked on import before anything is written. Never a secret: runs carry only what the
// database stores (findings' evidence never holds a secret value), and no host profile, pinned
// key or keychain entry is exported.
import { z } from 'zod';
import { CheckResult, Finding, FindingStatus, RunError, RunStatus, Score, TriageLogEntry } from './domain';

export const BUNDLE_SCHEMA_ID = 'rampart.bundle/v1';

export const BundleRun = z.object({
  id: z.string().min(1).max(64),
  targetKind: z.enum(['host', 'domain']),
  hostName: z.string().max(255),
  address: z.string().min(1).max(255),
  port: z.number().int().min(0).max(65535),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
  status: RunStatus,
  os: z.string().max(1000).nullable(),
  score: Score.nullable(),
  errors: z.array(RunError),
  execCount: z.number().int().min(0),
  durationMs: z.number().int().min(0).nullable(),
  timings: z.record(z.string(), z.number()),
  details: z.record(z.string(), z.unknown()).optional(),
  checks: z.array(CheckResult),
  findings: z.array(Finding.omit({ triage: true })),
});
export type BundleRun = z.infer<typeof BundleRun>;

export const BundleTriage = z
  .object({
    findingKey: z.string().min(1).max(128),
    status: FindingStatus,
    reason: z.string().max(10_000).nullable(),
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
    updatedAt: z.iso.datetime({ offset: true }),
    log: z.array(TriageLogEntry),
  })
  .refine((t) => t.status !== 'accepted' || (t.reason !== null && t.expiresAt !== null), { message: 'an accepted risk needs a reason and an expiry', path: ['reason'] });
export type BundleTriage = z.infer<typeof BundleTriage>;

export const Bundle = z.strictObject({
  schema: z.literal(BUNDLE_SCHEMA_ID, { message: `not a Rampart bundle (schema must be "${BUNDLE_SCHEMA_ID}")` }),
  tool: z.literal('rampart'),
  version: z.string(),
  exportedAt: z.iso.datetime({ offset: true }),
  /** The database schema version the bundle was exported from. */
  sourceSchemaVersion: z.number().int(),
  /** null: every run; else the host (profile name or address) the export was limited to. */
  host: z.string().nullable(),
  runs: z.array(BundleRun),
  triage: z.array(BundleTriage),
});
export type Bundle = z.infer<typeof Bundle>;
