// The write-ahead journal of fix jobs (migration 005): a job row with the confirmed plan, and a
// row per step marked `running` BEFORE the step touches the host and `done`/`failed` after. After
// a crash, a step left `running` may or may not have happened: resume and rollback read the host
// to find out. Stores paths, modes, owners and hashes only, never file contents.
import type { Db } from '../store/db';
import { RampartError } from '../../shared/errors';
import type { FailurePolicy, FileState, FixOutcome, JobStatus, Plan, StepDef, StepKind, StepStatus } from './types';

export interface JobRow {
  id: string;
  plan: Plan;
  status: JobStatus;
  confirmedBy: string | null;
  confirmedAt: string | null;
  createdAt: string;
  updatedAt: string;
  error: string | null;
  /** What a failing fix does to the rest of the job (journaled when confirmed). */
  onFailure: FailurePolicy;
}

/** One fix of a job and its own outcome (migration 008). */
export interface FixRow {
  fixIndex: number;
  status: FixOutcome;
  detail: string | null;
  updatedAt: string;
}

export interface StepRow extends StepDef {
  status: StepStatus;
  pre: FileState | null;
  post: FileState | null;
  detail: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Jobs in these states did not finish: resume or roll back. */
export const UNFINISHED: readonly JobStatus[] = ['planned', 'applying', 'verifying', 'rolling-back'];

const now = (): string => new Date().toISOString();

export class Journal {
  constructor(private readonly db: Db) {}

  /** Records a confirmed job and all its steps (pending), in one transaction. */
  createJob(plan: Plan, steps: readonly StepDef[], confirmedBy: string | null, status: JobStatus = 'applying', onFailure: FailurePolicy = 'rollback-all'): void {
    const at = now();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO remediation_jobs (id, host_id, host_name, address, port, username, finding_keys_json, plan_json, backup_dir, confirmed_by, confirmed_at, created_at, updated_at, status, on_failure)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          plan.jobId,
          plan.host.hostId,
          plan.host.name,
          plan.host.address,
          plan.host.port,
          plan.host.username,
          JSON.stringify(plan.fixes.map((f) => f.findingId)),
          JSON.stringify(plan),
          plan.backupDir,
          confirmedBy,
          confirmedBy ? at : null,
          at,
          at,
          status,
          onFailure,
        );
      const fix = this.db.prepare(`INSERT INTO remediation_fixes (job_id, fix_index, status, updated_at) VALUES (?, ?, 'pending', ?)`);
      plan.fixes.forEach((_, i) => fix.run(plan.jobId, i, at));
      const ins = this.db.prepare(
        `INSERT INTO remediation_steps (job_id, seq, fix_index, name, kind, target, command, status, pre_state_json) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      );
      for (const s of steps) {
        const fix = plan.fixes[s.fixIndex];
        const pre =
          s.kind === 'chmod'
            ? (fix?.targets.find((t) => t.path === s.target)?.pre ?? null)
            : (s.kind === 'file-backup' || s.kind === 'file-write') && fix?.container?.kind === 'compose-edit'
              ? (fix.container.files.find((f) => f.path === s.target)?.pre ?? null)
              : null;
        ins.run(plan.jobId, s.seq, s.fixIndex, s.name, s.kind, s.target, s.command, pre ? JSON.stringify(pre) : null);
      }
    })();
  }

  setJobStatus(id: string, status: JobStatus, error: string | null = null): void {
    this.db.prepare('UPDATE remediation_jobs SET status = ?, error = COALESCE(?, error), updated_at = ? WHERE id = ?').run(status, error, now(), id);
  }

  /** A job journaled before v8 has no fix rows: adds them (pending) so its fixes get outcomes too. */
  ensureFixes(jobId: string, count: number): void {
    const ins = this.db.prepare(`INSERT OR IGNORE INTO remediation_fixes (job_id, fix_index, status, updated_at) VALUES (?, ?, 'pending', ?)`);
    this.db.transaction(() => {
      for (let i = 0; i < count; i++) ins.run(jobId, i, now());
    })();
  }

  /** Records one fix's own outcome. */
  setFixStatus(jobId: string, fixIndex: number, status: FixOutcome, detail: string | null = null): void {
    this.db
      .prepare('UPDATE remediation_fixes SET status = ?, detail = COALESCE(?, detail), updated_at = ? WHERE job_id = ? AND fix_index = ?')
      .run(status, detail, now(), jobId, fixIndex);
  }

  /** The job's fixes and their outcomes, in plan order (none for a job journaled before v8). */
  fixes(jobId: string): FixRow[] {
    return (this.db.prepare('SELECT * FROM remediation_fixes WHERE job_id = ? ORDER BY fix_index').all(jobId) as Array<Record<string, string | number | null>>).map((r) => ({
      fixIndex: r.fix_index as number,
      status: r.status as FixOutcome,
      detail: (r.detail as string | null) ?? null,
      updatedAt: r.updated_at as string,
    }));
  }

  /** Marks a step as started: called before the command is sent to the host. */
  stepStarted(jobId: string, seq: number, status: StepStatus = 'running'): void {
    this.db.prepare('UPDATE remediation_steps SET status = ?, started_at = ?, finished_at = NULL WHERE job_id = ? AND seq = ?').run(status, now(), jobId, seq);
  }

  stepFinished(jobId: string, seq: number, status: StepStatus, detail: string | null, post?: FileState | null): void {
    this.db
      .prepare('UPDATE remediation_steps SET status = ?, detail = ?, post_state_json = COALESCE(?, post_state_json), finished_at = ? WHERE job_id = ? AND seq = ?')
      .run(status, detail, post ? JSON.stringify(post) : null, now(), jobId, seq);
  }

  getJob(id: string): JobRow {
    const r = this.db.prepare('SELECT * FROM remediation_jobs WHERE id = ?').get(id) as Record<string, string | null> | undefined;
    if (!r) throw new RampartError('NOT_FOUND', `No fix job ${id} in this database.`);
    return {
      id: r.id!,
      plan: JSON.parse(r.plan_json!) as Plan,
      status: r.status as JobStatus,
      confirmedBy: r.confirmed_by ?? null,
      confirmedAt: r.confirmed_at ?? null,
      createdAt: r.created_at!,
      updatedAt: r.updated_at!,
      error: r.error ?? null,
      onFailure: (r.on_failure ?? 'rollback-all') as FailurePolicy,
    };
  }

  steps(jobId: string): StepRow[] {
    return (this.db.prepare('SELECT * FROM remediation_steps WHERE job_id = ? ORDER BY seq').all(jobId) as Array<Record<string, string | number | null>>).map((r) => ({
      seq: r.seq as number,
      fixIndex: r.fix_index as number,
      kind: r.kind as StepKind,
      name: r.name as string,
      target: (r.target as string | null) ?? null,
      command: r.command as string,
      status: r.status as StepStatus,
      pre: r.pre_state_json ? (JSON.parse(r.pre_state_json as string) as FileState) : null,
      post: r.post_state_json ? (JSON.parse(r.post_state_json as string) as FileState) : null,
      detail: (r.detail as string | null) ?? null,
      startedAt: (r.started_at as string | null) ?? null,
      finishedAt: (r.finished_at as string | null) ?? null,
    }));
  }

  /** Jobs that did not finish (a crash, a kill, a dropped connection), oldest first. */
  unfinished(host?: { address: string; port: number }): JobRow[] {
    const marks = UNFINISHED.map(() => '?').join(', ');
    const rows = (
      host
        ? this.db.prepare(`SELECT id FROM remediation_jobs WHERE status IN (${marks}) AND address = ? AND port = ? ORDER BY created_at`).all(...UNFINISHED, host.address, host.port)
        : this.db.prepare(`SELECT id FROM remediation_jobs WHERE status IN (${marks}) ORDER BY created_at`).all(...UNFINISHED)
    ) as Array<{ id: string }>;
    return rows.map((r) => this.getJob(r.id));
  }

  /** A host's jobs, newest first (the fix history). */
  history(host: { address: string; port: number }, limit = 50): JobRow[] {
    const rows = this.db.prepare('SELECT id FROM remediation_jobs WHERE address = ? AND port = ? ORDER BY created_at DESC LIMIT ?').all(host.address, host.port, limit) as Array<{ id: string }>;
    return rows.map((r) => this.getJob(r.id));
  }
}
