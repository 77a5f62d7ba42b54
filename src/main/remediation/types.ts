// The remediation model: fix declarations (beside the check catalog), the plan a fix becomes for
// one finding, and the typed steps the engine journals and runs. Plain data, JSON-serializable:
// a plan is stored in the journal as it was confirmed.
import type { Severity } from '../../shared/domain';
import type { HostFacts, SectionName } from '../audit/facts';

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
}

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

export type StepKind = 'backup' | 'chmod' | 'verify';

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

export type JobStatus = 'planned' | 'applying' | 'verifying' | 'rolling-back' | 'applied' | 'rolled-back' | 'rollback-incomplete' | 'refused';
