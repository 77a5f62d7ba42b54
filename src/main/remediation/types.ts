// The remediation model: fix declarations (beside the check catalog), the plan a fix becomes for
// one finding, and the typed steps the engine journals and runs. Plain data, JSON-serializable:
// a plan is stored in the journal as it was confirmed.
import type { Severity } from '../../shared/domain';
import type { HostFacts, SectionName } from '../audit/facts';
import type { ComposeFixParams } from './compose/edit';
import type { ComposeProject, PreviousState, WaitOptions } from './compose/remote';
import type { SshdSettingPlan } from './accessFixes';
import type { FirewallPlan } from './firewallFixes';
import type { SudoersPlan } from './sudoersFixes';
import type { UpdatesPlan } from './updatesFixes';

export type Risk = 'low' | 'medium' | 'high';
export type Effort = 'low' | 'medium' | 'high';

/** What a file looked like on the host (never its content: a sha256 of regular files only). */
export type FileState =
  | { kind: 'absent' }
  | { kind: 'symlink' }
  | {
      kind: 'present';
      /** f regular file, d folder, o anything else. */
      type: 'f' | 'd' | 'o';
      /** Permission bits incl. setuid/setgid/sticky. */
      mode: number;
      uid: number;
      gid: number;
      /** Hex sha256 of a regular file, '-' for other types, '?' when it could not be read. */
      sha256: string;
    };

export type PresentState = Extract<FileState, { kind: 'present' }>;

/** The mode and owner a fix gives one file. */
export interface Ownership {
  mode: number;
  uid: number;
  gid: number;
}

/** One file or folder a fix changes, as derived from the check's facts. */
export interface TargetSpec {
  path: string;
  /** The wanted mode/owner, from what the host has now (e.g. o-rwx keeps the other bits). */
  want: (pre: PresentState) => Ownership;
  /** Why (for the preview), e.g. "chmod 0600: readable by every user". */
  reason: string;
}

/** A finding as the engine needs it (from the store or a fresh evaluation). */
export interface FindingRef {
  id: string;
  checkId: string;
  resource: string;
  severity: Severity;
  title: string;
}

/** A fix declaration: one kind of change that resolves the findings of some checks. */
export interface FixDef {
  /** Stable forever: journals and reports key on it. */
  id: string;
  checkIds: readonly string[];
  title: string;
  /** What it changes on the host, in one sentence. */
  changes: string;
  risk: Risk;
  reversible: boolean;
  needsRoot: boolean;
  /** Effort of the fix for the admin (priority matrix): chmod is low. */
  effort: Effort;
  /**
   * The files to change for this finding, from freshly collected facts (the sections the check
   * requires). Throws FixNotApplicable when the facts do not support a safe change.
   */
  targets(finding: FindingRef, facts: Partial<HostFacts>): TargetSpec[];
  /** A container fix (compose edit, restart): planned by composeFixes.ts, not from targets(). */
  container?: boolean;
  /** Collector sections the planning reads besides the checks' own (the firewall fix reads sshd -T for the SSH port). */
  planSections?: readonly SectionName[];
}

export class FixNotApplicable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FixNotApplicable';
  }
}

/** One target in a stored plan: what the host had when planned and what the fix makes of it. */
export interface PlannedTarget {
  path: string;
  pre: PresentState;
  post: Ownership;
  reason: string;
}

export interface PlannedFix {
  fixId: string;
  checkId: string;
  findingId: string;
  resource: string;
  severity: Severity;
  title: string;
  risk: Risk;
  targets: PlannedTarget[];
  /** What verification re-runs: these checks over these collector sections. */
  recheck: { checks: string[]; sections: SectionName[] };
  /** A container fix's plan (compose edit or restart); absent for the file fixes. */
  container?: ContainerFixPlan;
}

/** A file a compose fix writes (the compose file, the project's .env): states and hashes, never content. */
export interface PlannedFile {
  path: string;
  role: 'compose' | 'env' | 'sshd' | 'ufw' | 'sudoers' | 'apt';
  /** A regular file, or absent (a .env the fix creates). */
  pre: FileState;
  /** What the fix leaves: this content hash, mode and owner. */
  post: { sha256: string; mode: number; uid: number; gid: number };
  /** Its bytes before the job, on the host in the job's backup folder; null when it was absent. */
  backup: string | null;
  /** The temp file of the atomic write and of the restore (same folder as the file). */
  temp: string;
}

/** The service container as the plan saw it: its compose config-hash is what a rollback must bring back. */
export interface ContainerPre {
  id: string;
  name: string;
  configHash: string | null;
  running: boolean;
  health: string | null;
}

export interface ComposeEditPlan {
  kind: 'compose-edit';
  checkId: string;
  project: ComposeProject;
  service: string;
  /** The edit's parameters (no secret value: a moved secret is read from the file again at apply time). */
  params: ComposeFixParams;
  /** Written in this order (.env first, then the compose file). */
  files: PlannedFile[];
  /** Unified diff of the compose file, every secret value redacted, then the .env additions as KEY=<redacted>. */
  diff: string;
  summary: string;
  envLines: string[];
  container: ContainerPre;
  wait: WaitOptions;
}

export interface RestartPlan {
  kind: 'restart';
  checkId: string;
  container: ContainerPre;
  previous: PreviousState;
  wait: WaitOptions;
  stopTimeoutS: number;
}

/**
 * Fixes planned by a module (composeFixes.ts dispatches): compose edits, restarts, the sshd
 * settings of accessFixes.ts, the firewall (firewallFixes.ts), sudoers (sudoersFixes.ts) and
 * automatic updates (updatesFixes.ts).
 */
export type ContainerFixPlan = ComposeEditPlan | RestartPlan | SshdSettingPlan | FirewallPlan | SudoersPlan | UpdatesPlan;

export interface PlanHost {
  hostId: number | null;
  name: string;
  address: string;
  port: number;
  username: string;
}

export interface Plan {
  jobId: string;
  host: PlanHost;
  createdAt: string;
  /** Where this job's backups live on the host (root-only, unique per job). */
  backupDir: string;
  fixes: PlannedFix[];
  /**
   * The findings of the re-checked checks when planned: a finding after the fix that is not in
   * this list and is as severe as the one fixed, on the same resource, fails verification.
   */
  findingsBefore: string[];
}

export type StepKind =
  | 'backup'
  | 'chmod'
  | 'verify'
  | 'file-backup'
  | 'file-write'
  | 'compose-config'
  | 'compose-up'
  | 'health'
  | 'restart'
  // The access fixes (accessFixes.ts): sshd settings under the lockout guard.
  | 'sshd-backup'
  | 'deadman-arm'
  | 'sshd-write'
  | 'sshd-validate'
  | 'sshd-reload'
  | 'access-proof'
  | 'deadman-disarm'
  // The firewall fix (firewallFixes.ts), under the same guard.
  | 'ufw-backup'
  | 'ufw-rules'
  | 'ufw-enable'
  // The sudoers fix (sudoersFixes.ts), under the same guard.
  | 'sudoers-backup'
  | 'sudoers-validate'
  | 'sudoers-write'
  | 'sudoers-check'
  // The automatic-updates fix (updatesFixes.ts): no guard, same backup/write/restore.
  | 'apt-backup'
  | 'apt-write';

/** One step of a job, derived deterministically from the plan (seq = order of application). */
export interface StepDef {
  seq: number;
  /** Index into plan.fixes; -1 for job-wide steps (backup). */
  fixIndex: number;
  kind: StepKind;
  name: string;
  /** The file it changes (chmod). */
  target: string | null;
  /** The shell command as it runs on the host (as root through the sudo runner). */
  command: string;
}

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'undoing' | 'undone' | 'undo-failed' | 'skipped';

/**
 * A finished job: `applied` (every fix applied and verified), `partial` (some fixes applied and
 * verified, the others rolled back, refused or not run: only under the `stop`/`continue` policies),
 * `rolled-back` (the host as before), `rollback-incomplete` (the admin must act), `refused`
 * (a compare-and-swap refused before anything was changed).
 */
export type JobStatus = 'planned' | 'applying' | 'verifying' | 'rolling-back' | 'applied' | 'partial' | 'rolled-back' | 'rollback-incomplete' | 'refused';

/**
 * What a failing fix does to the rest of a multi-fix job (chosen when the plan is confirmed,
 * journaled with the job). Each fix is a unit with its own steps and its own rollback:
 * - `rollback-all` (default): every fix of the job is undone, verified ones included: the host is
 *   as before the job;
 * - `stop`: the failing fix is undone and its pre-state re-read; the fixes verified before it stay
 *   applied (and marked fixed); the fixes after it are not run;
 * - `continue`: the failing fix is undone; the fixes after it still run.
 * An incomplete rollback of a fix always stops the job (the rest are not run).
 */
export type FailurePolicy = 'rollback-all' | 'stop' | 'continue';
export const FAILURE_POLICIES: readonly FailurePolicy[] = ['rollback-all', 'stop', 'continue'];

/**
 * One fix of a job as journaled: `pending` (not started), `applying` (its steps or its verify are
 * running), `verified` (applied and verified), `rolling-back` (its own rollback under stop/continue
 * is running), `rolled-back` (undone, its pre-state re-read), `rollback-incomplete`, `refused`
 * (its compare-and-swap refused before it changed anything), `not-run`.
 */
export type FixOutcome = 'pending' | 'applying' | 'verified' | 'rolling-back' | 'rolled-back' | 'rollback-incomplete' | 'refused' | 'not-run';
