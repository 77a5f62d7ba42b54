// Guided fixes (issue 10): plan → preview → confirm → apply (progress events) → verify →
// rollback, the per-host fix history, and the jobs left unfinished by a crash. The desktop UI's
// channels (part of `contract`); `FixPreview` and `FixJobReport` are also what the engine returns.
import { z } from 'zod';
import { Severity } from '../domain';
import { CONFIRM_WINDOW_S } from '../confirmWindow';
import { channel } from './channel';

const HostId = z.number().int().positive();
const FindingKey = z.string().trim().regex(/^[0-9a-f]{32}$/, 'A finding key is 32 hex characters');
const JobId = z.uuid({ message: 'A fix job id is a UUID' });

export const FixRisk = z.enum(['low', 'medium', 'high']);
/** `partial`: some fixes applied and verified, the others rolled back, refused or not run (only under stop/continue). */
export const FixJobStatus = z.enum(['planned', 'applying', 'verifying', 'rolling-back', 'applied', 'partial', 'rolled-back', 'rollback-incomplete', 'refused']);
/**
 * What a failing fix does to the rest of a multi-fix job: `rollback-all` undoes every fix of the
 * job (the host as before), `stop` undoes the failing fix, keeps the verified ones and runs no
 * more, `continue` undoes the failing fix and runs the rest.
 */
export const FixFailurePolicy = z.enum(['rollback-all', 'stop', 'continue']);
export type FixFailurePolicy = z.infer<typeof FixFailurePolicy>;
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
    /** The dead-man window for the plan's access fixes (default 120 s); part of the plan and its commands. */
    confirmWindowS: z
      .number({ message: 'confirmWindowS is a number of seconds' })
      .int('confirmWindowS is whole seconds')
      .min(CONFIRM_WINDOW_S.min, `The dead-man window is at least ${CONFIRM_WINDOW_S.min} s`)
      .max(CONFIRM_WINDOW_S.max, `The dead-man window is at most ${CONFIRM_WINDOW_S.max} s`)
      .optional(),
  })
  .strict();
export type FixPlanRequest = z.input<typeof FixPlanRequest>;

// kind: backup, chmod, verify today; open so that later step kinds (compose) need no contract change.
const Step = z.object({ seq: z.number().int(), fixIndex: z.number().int(), kind: z.string(), name: z.string(), target: z.string().nullable(), command: z.string() });

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
      /** Unified diff of the fix's file content edits; null for a fix that edits no content (chmod/chown). */
      diff: z.string().nullable(),
    }),
  ),
  steps: z.array(Step),
  /** Selected findings that cannot be fixed now, and why. */
  skipped: z.array(z.object({ findingId: z.string(), checkId: z.string(), resource: z.string(), fixId: z.string().nullable(), reason: z.string() })),
});
export type FixPreview = z.infer<typeof FixPreview>;

/** The preview as the desktop app gets it: the engine's preview plus what confirming it takes. */
export const DesktopFixPreview = FixPreview.extend({
  /** A fix of the plan is high-risk: `apply` needs the host's name typed (checked in main). */
  requiresTypedHostName: z.boolean(),
  /** The plan is applied only as previewed and only until then (ISO time); preview again after. */
  expiresAt: z.string(),
  /** The failure policy the dialog offers first (rollback-all); the user picks one in `apply`. */
  onFailure: FixFailurePolicy,
  /** The dead-man window (seconds) the plan's lockout guard arms; null when no step arms one. */
  confirmWindowS: z.number().int().nullable(),
});
export type DesktopFixPreview = z.infer<typeof DesktopFixPreview>;

export const FixApplyRequest = z
  .object({
    hostId: HostId,
    /** The jobId of the preview being confirmed (a plan is applied only as previewed). */
    jobId: JobId,
    /** High-risk fixes: the host name typed by the user. */
    typedHostName: z.string().max(255).optional(),
    /** What a failing fix does to the rest of the job (journaled with it). */
    onFailure: z.enum(FixFailurePolicy.options, { message: 'onFailure is rollback-all, stop or continue' }).default('rollback-all'),
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

/**
 * What the lockout guard did in a job with access fixes: a dead-man switch was armed, the new SSH
 * connection(s) logged in (null: no proof ran), and what put a change back (none / the current
 * session / the dead-man timer on the host).
 */
export const LockoutGuard = z.object({ armed: z.boolean(), newSessionOk: z.boolean().nullable(), restoredBy: z.enum(['none', 'session', 'timer']) });
export type LockoutGuard = z.infer<typeof LockoutGuard>;

export const FixJobReport = z.object({
  jobId: JobId,
  status: z.union([FixJobStatus, z.literal('dry-run')]),
  /** The job's failure policy. */
  onFailure: FixFailurePolicy,
  backupDir: z.string(),
  fixes: z.array(FixReport),
  leftovers: z.array(z.object({ path: z.string(), expected: z.string(), found: z.string(), action: z.string() })),
  message: z.string().nullable(),
  /** Jobs with access fixes only (the desktop app's reports; the CLI's JSON report adds it too). */
  lockoutGuard: LockoutGuard.optional(),
});
export type FixJobReport = z.infer<typeof FixJobReport>;

/** One row of the fix history / audit trail. */
export const FixJobSummary = z.object({
  jobId: JobId,
  /** The host profile the job was planned for (null: planned by the CLI without a saved host). */
  hostId: z.number().int().nullable(),
  hostName: z.string(),
  address: z.string(),
  port: z.number().int(),
  status: FixJobStatus,
  /** The failure policy it ran under. */
  onFailure: FixFailurePolicy,
  /** Who confirmed it (the OS user name and how), and when. */
  confirmedBy: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  error: z.string().nullable(),
  /** Where the job's backups (restore.sh) are on the host. */
  backupDir: z.string(),
  /** Running now in this app (its rollback/finish buttons are disabled). */
  running: z.boolean(),
  /** What the lockout guard did (null: the job has no access fix). */
  lockoutGuard: LockoutGuard.nullable(),
  fixes: z.array(
    z.object({
      fixId: z.string(),
      title: z.string(),
      risk: z.string(),
      checkId: z.string(),
      findingId: z.string(),
      resource: z.string(),
      severity: Severity,
      targets: z.array(z.object({ path: z.string(), from: z.string(), to: z.string() })),
      diff: z.string().nullable(),
      /** This fix's own outcome (applied = applied and verified; planned while the job runs). */
      outcome: FixStatus,
      /** Why it failed, was refused or not run (null when applied). */
      outcomeDetail: z.string().nullable(),
    }),
  ),
});
export type FixJobSummary = z.infer<typeof FixJobSummary>;

/** One journaled step of a job, with the exact command it ran. */
export const FixJobStep = Step.extend({
  status: FixStepStatus,
  detail: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

/** A job with its report and every journaled step (the audit trail's detail). */
export const FixJobDetail = z.object({ summary: FixJobSummary, report: FixJobReport, steps: z.array(FixJobStep) });
export type FixJobDetail = z.infer<typeof FixJobDetail>;

/**
 * Main → renderer while a job runs: `step` when a journaled step changes state (seq, its name and
 * status), `job` when the job's status changes, `message` for a progress line (seq null).
 */
export const FixProgressEvent = z.object({
  type: z.literal('fix-progress'),
  jobId: JobId,
  hostId: HostId,
  kind: z.enum(['step', 'job', 'message']),
  seq: z.number().int().nullable(),
  name: z.string(),
  status: z.union([FixStepStatus, FixJobStatus, z.literal('info')]),
  detail: z.string(),
});
export type FixProgressEvent = z.infer<typeof FixProgressEvent>;

/**
 * Export a previewed plan as an Ansible playbook (issue 11): the text of the playbook and of its
 * inventory, and with `path` (absolute, on this computer) both written there: the playbook to
 * `path`, the inventory beside it as NAME.inventory.yml. Nothing on the host is changed.
 */
export const FixExportAnsibleRequest = z
  .object({
    hostId: HostId,
    jobId: JobId,
    path: z
      .string()
      .trim()
      .max(4096)
      .refine((p) => p.startsWith('/') && !p.includes('\0'), 'An absolute path on this computer')
      .optional(),
  })
  .strict();
export type FixExportAnsibleRequest = z.input<typeof FixExportAnsibleRequest>;

const ExportedFix = z.object({ host: z.string(), findingId: z.string(), checkId: z.string(), fixId: z.string(), resource: z.string() });
export const FixAnsibleExport = z.object({
  playbook: z.string(),
  inventory: z.string(),
  /** Where they were written (null without `path`). */
  playbookFile: z.string().nullable(),
  inventoryFile: z.string().nullable(),
  exported: z.array(ExportedFix),
  /** Fixes left out of the playbook, each with why (compose edits, kinds without an exporter). */
  skipped: z.array(ExportedFix.extend({ reason: z.string() })),
});
export type FixAnsibleExport = z.infer<typeof FixAnsibleExport>;

export const remediationChannels = {
  /** The fixes the catalog offers (for the "Fix" button on findings). */
  catalog: channel('remediation:catalog', z.object({}).strict(), z.array(FixDeclaration)),
  /** Reads the host (read-only) and returns the preview; nothing is changed. */
  plan: channel('remediation:plan', FixPlanRequest, DesktopFixPreview),
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
  /** One job with its report and its journaled steps. */
  job: channel('remediation:job', z.object({ jobId: JobId }).strict(), FixJobDetail),
  /** A previewed plan as an Ansible playbook + inventory (text, and written to `path` when given); the host is not touched. */
  exportAnsible: channel('remediation:exportAnsible', FixExportAnsibleRequest, FixAnsibleExport),
};
