// Guided fixes (issue 10): plan → preview → confirm → apply (progress events) → verify →
// rollback, the per-host fix history, and the jobs left unfinished by a crash. Declared here for
// the desktop UI; not yet part of `contract` (the handlers come with the UI).
import { z } from 'zod';
import { Severity } from '../domain';
import { channel } from './channel';

const HostId = z.number().int().positive();
const FindingKey = z.string().trim().regex(/^[0-9a-f]{32}$/, 'A finding key is 32 hex characters');
const JobId = z.uuid({ message: 'A fix job id is a UUID' });

export const FixRisk = z.enum(['low', 'medium', 'high']);
export const FixJobStatus = z.enum(['planned', 'applying', 'verifying', 'rolling-back', 'applied', 'rolled-back', 'rollback-incomplete', 'refused']);
export const FixStatus = z.enum(['planned', 'applied', 'rolled-back', 'rollback-incomplete', 'refused', 'not-run']);
export const FixStepStatus = z.enum(['pending', 'running', 'done', 'failed', 'undoing', 'undone', 'undo-failed', 'skipped', 'planned', 'refused']);

/** A fix as the catalog declares it (what a finding's "Fix" button offers). */
export const FixDeclaration = z.object({
  id: z.string(),
  checkIds: z.array(z.string()),
  title: z.string(),
  changes: z.string(),
  risk: FixRisk,
  reversible: z.boolean(),
  needsRoot: z.boolean(),
  effort: z.enum(['low', 'medium', 'high']),
});
export type FixDeclaration = z.infer<typeof FixDeclaration>;

export const FixPlanRequest = z
  .object({
    hostId: HostId,
    findingKeys: z.array(FindingKey).min(1, 'Select at least one finding').max(200),
  })
  .strict();
export type FixPlanRequest = z.input<typeof FixPlanRequest>;

const Step = z.object({ seq: z.number().int(), fixIndex: z.number().int(), kind: z.enum(['backup', 'chmod', 'verify']), name: z.string(), target: z.string().nullable(), command: z.string() });

/** What the confirmation dialog shows: every change, every command as it will run, the re-checks. */
export const FixPreview = z.object({
  jobId: JobId,
  host: z.object({ hostId: z.number().int().nullable(), name: z.string(), address: z.string(), port: z.number().int(), username: z.string() }),
  runsAs: z.string(),
  backupDir: z.string(),
  fixes: z.array(
    z.object({
      fixId: z.string(),
      title: z.string(),
      changes: z.string(),
      risk: z.string(),
      reversible: z.boolean(),
      needsRoot: z.boolean(),
      findingId: z.string(),
      checkId: z.string(),
      resource: z.string(),
      targets: z.array(z.object({ path: z.string(), from: z.string(), to: z.string(), reason: z.string() })),
      recheck: z.object({ checks: z.array(z.string()), sections: z.array(z.string()) }),
    }),
  ),
  steps: z.array(Step),
  /** Selected findings that cannot be fixed now, and why. */
  skipped: z.array(z.object({ findingId: z.string(), checkId: z.string(), resource: z.string(), fixId: z.string().nullable(), reason: z.string() })),
});
export type FixPreview = z.infer<typeof FixPreview>;

export const FixApplyRequest = z
  .object({
    hostId: HostId,
    /** The jobId of the preview being confirmed (a plan is applied only as previewed). */
    jobId: JobId,
    /** High-risk fixes: the host name typed by the user. */
    typedHostName: z.string().max(255).optional(),
    /** On a failed fix: roll back everything (default) or keep the fixes verified before it. */
    onFailure: z.enum(['rollback-all', 'keep-verified']).default('rollback-all'),
  })
  .strict();
export type FixApplyRequest = z.input<typeof FixApplyRequest>;

export const FixReport = z.object({
  findingId: z.string(),
  checkId: z.string(),
  fixId: z.string().nullable(),
  resource: z.string(),
  status: FixStatus,
  steps: z.array(z.object({ name: z.string(), status: FixStepStatus, detail: z.string() })),
  diff: z.string().nullable(),
  verification: z.object({ checksRerun: z.array(z.string()), stillFailing: z.array(z.string()) }),
});

export const FixJobReport = z.object({
  jobId: JobId,
  status: z.union([FixJobStatus, z.literal('dry-run')]),
  backupDir: z.string(),
  fixes: z.array(FixReport),
  leftovers: z.array(z.object({ path: z.string(), expected: z.string(), found: z.string(), action: z.string() })),
  message: z.string().nullable(),
});
export type FixJobReport = z.infer<typeof FixJobReport>;

/** One row of the fix history / audit trail. */
export const FixJobSummary = z.object({
  jobId: JobId,
  hostName: z.string(),
  status: FixJobStatus,
  confirmedBy: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  error: z.string().nullable(),
  fixes: z.array(z.object({ fixId: z.string(), checkId: z.string(), findingId: z.string(), resource: z.string(), severity: Severity })),
});
export type FixJobSummary = z.infer<typeof FixJobSummary>;

/** Main → renderer while a job runs (one per step state change). */
export const FixProgressEvent = z.object({
  type: z.literal('fix-progress'),
  jobId: JobId,
  hostId: HostId,
  seq: z.number().int(),
  name: z.string(),
  status: FixStepStatus,
  detail: z.string(),
});
export type FixProgressEvent = z.infer<typeof FixProgressEvent>;

export const remediationChannels = {
  /** The fixes the catalog offers (for the "Fix" button on findings). */
  catalog: channel('remediation:catalog', z.object({}).strict(), z.array(FixDeclaration)),
  /** Reads the host (read-only) and returns the preview; nothing is changed. */
  plan: channel('remediation:plan', FixPlanRequest, FixPreview),
  /** Applies a previewed plan after confirmation; resolves when applied, rolled back or incomplete. */
  apply: channel('remediation:apply', FixApplyRequest, FixJobReport),
  /** Undoes a job (unfinished, failed or applied). */
  rollback: channel('remediation:rollback', z.object({ hostId: HostId, jobId: JobId }).strict(), FixJobReport),
  /** Finishes an unfinished job. */
  resume: channel('remediation:resume', z.object({ hostId: HostId, jobId: JobId }).strict(), FixJobReport),
  /** The host's fix jobs, newest first (audit trail). */
  history: channel('remediation:history', z.object({ hostId: HostId, limit: z.number().int().min(1).max(500).default(50) }).strict(), z.array(FixJobSummary)),
  /** Jobs a crash left unfinished, on every host: the app offers "roll back" or "finish" at start. */
  unfinished: channel('remediation:unfinished', z.object({}).strict(), z.array(FixJobSummary)),
  /** One job with its steps. */
  job: channel('remediation:job', z.object({ jobId: JobId }).strict(), FixJobReport),
};
