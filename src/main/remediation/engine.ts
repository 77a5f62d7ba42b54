// The remediation engine: plan → preview → (confirmed) apply → verify → rollback → record.
//
// - Plan: re-collects only the sections the selected checks read, finds each finding there,
//   derives the files to change from those facts and captures each file's state (sha256, mode,
//   owner, group) on the host.
// - Apply: the job and its steps go to the journal first; each step is marked running BEFORE its
//   command is sent and done/failed after. Each chmod/chown is a compare-and-swap on the host: it
//   refuses unless the file is exactly as planned.
// - Verify: per fix, the files must have the planned mode/owner, and re-running the checks over
//   the same sections must not find the finding again nor a new finding as severe on its resource.
// - Any failure undoes the steps done so far, newest first (each undo a compare-and-swap too),
//   then re-reads every touched file: all back to the planned pre-state → rolled-back; otherwise
//   rollback-incomplete with exactly what is left and the restore script kept on the host.
// - A verified job marks its findings fixed through the store's triage, with the job id.
import { randomUUID } from 'node:crypto';
import type { HostFacts, SectionName } from '../audit/facts';
import { buildCollectScript, parseCollectOutput } from '../audit/collector';
import { evaluate, type Evaluation } from '../audit/engine';
import { SEVERITIES, type Severity } from '../../shared/domain';
import { RampartError } from '../../shared/errors';
import { shQuote } from '../ssh/quote';
import { execPrivileged, type CommandRunner, type PrivilegedResult, type SudoSpec } from '../ssh/sudo';
import type { Store } from '../store/store';
import { checksOver, fixableChecks, fixById, fixForCheck, sectionsFor } from './catalog';
import { Journal, type JobRow, type StepRow } from './journal';
import {
  containerDiff,
  containerFixPaths,
  containerPreviewTargets,
  containerSteps,
  DEFAULT_CONTAINER_WAIT,
  isContainerStep,
  planContainerFix,
  restoreLines,
  resumeContainerStep,
  runContainerStep,
  undoContainerFix,
  verifyContainerFix,
  type HostRunner,
  type PlanContext,
} from './composeFixes';
import type { WaitOptions } from './compose/remote';
import type { AccessOptions } from './accessFixes';
import {
  BACKUP_ROOT,
  backupCommand,
  captureCommand,
  describeState,
  modeOctal,
  parseCapture,
  parseSetOutput,
  postState,
  restoreScript,
  sameState,
  setCommand,
} from './remote';
import { FixNotApplicable, type FailurePolicy, type FileState, type FindingRef, type FixOutcome, type JobStatus, type Plan, type PlanHost, type PlannedFix, type PlannedTarget, type PresentState, type StepDef, type StepKind, type StepStatus } from './types';

export interface EngineTarget {
  host: PlanHost;
  sudo: SudoSpec;
  sshdConfigPath: string;
  scanRoots: readonly string[];
  vpn?: { only: boolean; interface?: string | null; subnet?: string | null };
}

export interface EngineOptions {
  /** Triage (a verified fix marks its finding fixed) and, by default, the journal. */
  store: Store;
  /** Where jobs are journaled when not in `store` (the CLI without --db: a default journal file). */
  journal?: Journal;
  /** Opens a new connection after a drop (rollback needs one); without it a drop ends the job. */
  reconnect?: () => Promise<CommandRunner>;
  /** Parent of the per-job backup folders on the host. */
  backupRoot?: string;
  /** Progress lines (a terminal, the UI). */
  onProgress?: (message: string) => void;
  /**
   * Fault injection in tests (drop, kill, edit): called before each step is journaled and run
   * ('apply', 'undo'), and after a chmod (or a container step) ran on the host but before the
   * journal records its outcome ('record': a crash there leaves the step `running` with the host
   * already changed).
   */
  beforeStep?: (step: StepDef, phase: StepPhase) => Promise<void> | void;
  execTimeoutMs?: number;
  /** The container fixes' health gate (planned into each job; DEFAULT_CONTAINER_WAIT otherwise). */
  containerWait?: Partial<WaitOptions>;
  /** The lockout guard of the access (sshd) fixes: the new-connection proof, the dead-man window. Without proveAccess they are not planned. */
  access?: AccessOptions;
}

export type StepPhase = 'apply' | 'undo' | 'record';

export type FixStatus = 'planned' | 'applied' | 'rolled-back' | 'rollback-incomplete' | 'refused' | 'not-run';

export interface StepReport {
  name: string;
  status: StepStatus | 'planned' | 'refused';
  detail: string;
}

export interface FixReport {
  findingId: string;
  checkId: string;
  fixId: string | null;
  resource: string;
  status: FixStatus;
  steps: StepReport[];
  /** Unified diff of file content edits; chmod/chown fixes edit no content. */
  diff: string | null;
  verification: { checksRerun: string[]; stillFailing: string[] };
}

export interface Leftover {
  path: string;
  expected: string;
  found: string;
  /** The command that puts the planned pre-state back (as root), or what to look at. */
  action: string;
}

export interface JobReport {
  jobId: string;
  status: JobStatus | 'dry-run';
  /** What a failing fix did to the rest of the job. */
  onFailure: FailurePolicy;
  backupDir: string;
  fixes: FixReport[];
  /** rollback-incomplete: what is not back as it was. */
  leftovers: Leftover[];
  message: string | null;
}

export interface PlanSelection {
  findingIds?: readonly string[];
  checkIds?: readonly string[];
  /** Findings the database knows (id → ref), to tell "no longer on the host" from "unknown id". */
  known?: ReadonlyMap<string, FindingRef>;
}

export interface Skipped {
  findingId: string;
  checkId: string;
  resource: string;
  fixId: string | null;
  reason: string;
}

export interface PlanResult {
  plan: Plan;
  skipped: Skipped[];
}

export interface Preview {
  jobId: string;
  host: PlanHost;
  runsAs: string;
  backupDir: string;
  fixes: Array<{
    fixId: string;
    title: string;
    changes: string;
    risk: string;
    reversible: boolean;
    needsRoot: boolean;
    findingId: string;
    checkId: string;
    resource: string;
    targets: Array<{ path: string; from: string; to: string; reason: string }>;
    recheck: { checks: string[]; sections: string[] };
    /** Unified diff of the fix's file content edits; null when it edits no content (chmod/chown). */
    diff: string | null;
  }>;
  /** Every step with its exact shell command, in order. */
  steps: StepDef[];
}

const sevRank = (s: Severity): number => SEVERITIES.indexOf(s);

/** `downgraded`: the finding is still there at a lower severity (an sshd fix by design): verified, but not fixed. */
type Verification = { checksRerun: string[]; stillFailing: string[]; downgraded?: boolean };

/** Steps that change the host (a dropped one may or may not have run). */
const MUTATIONS: readonly StepKind[] = ['chmod', 'file-write', 'compose-up', 'restart', 'deadman-arm', 'sshd-write', 'sshd-reload'];
/** Step states after which the step may have changed the host (and an undo may be due or done). */
const TOUCHED_STATUSES: readonly StepStatus[] = ['running', 'done', 'failed', 'undoing', 'undo-failed', 'undone'];
/** A fix in one of these states is not run again when a job goes on (resume). */
const SETTLED: readonly FixOutcome[] = ['verified', 'rolled-back', 'rollback-incomplete', 'refused', 'not-run'];

function isDrop(e: unknown): boolean {
  return e instanceof RampartError && (e.code === 'CONNECTION_DROPPED' || e.code === 'COMMAND_TIMEOUT');
}

/** The steps of a plan, in the order they run: backup, then per fix its chmods and its verify. */
export function buildSteps(plan: Plan): StepDef[] {
  const steps: StepDef[] = [{ seq: 0, fixIndex: -1, kind: 'backup', name: 'backup', target: null, command: backupCommand(plan.backupDir) }];
  plan.fixes.forEach((f, i) => {
    if (f.container) steps.push(...containerSteps(f, i, steps.length));
    for (const t of f.targets)
      steps.push({ seq: steps.length, fixIndex: i, kind: 'chmod', name: 'chmod-chown', target: t.path, command: setCommand(t.path, t.pre, t.post) });
    steps.push({
      seq: steps.length,
      fixIndex: i,
      kind: 'verify',
      name: 'verify',
      target: null,
      command: `sh -s   # read-only collector: sections ${f.recheck.sections.join(', ')}; checks ${f.recheck.checks.join(', ')}`,
    });
  });
  return steps;
}

export class FixEngine {
  readonly journal: Journal;
  private conn: CommandRunner;
  private readonly backupRoot: string;

  constructor(
    conn: CommandRunner,
    readonly target: EngineTarget,
    private readonly opts: EngineOptions,
  ) {
    this.conn = conn;
    this.journal = opts.journal ?? new Journal(opts.store.db);
    this.backupRoot = opts.backupRoot ?? BACKUP_ROOT;
  }

  private progress(m: string): void {
    this.opts.onProgress?.(m);
  }

  /** The engine's privileged runner for composeFixes.ts (read-only commands survive a drop). */
  private hostRunner(): HostRunner {
    // The sudoers fix needs to know how this session becomes root (sudo -n, a stored password, or none).
    return { run: (command, opts) => this.run(command, opts), access: this.opts.access ? { ...this.opts.access, sudoMode: this.target.sudo.mode } : undefined };
  }

  private get hostKey(): string {
    return `${this.target.host.address}:${this.target.host.port}`;
  }

  /** One privileged command; a read-only one is retried once on a new connection after a drop. */
  private async run(command: string, opts: { stdin?: string; readOnly: boolean }): Promise<PrivilegedResult> {
    const exec = (): Promise<PrivilegedResult> =>
      execPrivileged(this.conn, this.target.sudo, command, { ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}), timeoutMs: this.opts.execTimeoutMs ?? 120_000 });
    try {
      return await exec();
    } catch (e) {
      if (!isDrop(e) || !this.opts.reconnect) throw e;
      this.progress('The connection dropped; reconnecting');
      this.conn = await this.opts.reconnect();
      if (opts.readOnly) return exec();
      throw e;
    }
  }

  /** Reconnects (when possible) after a drop, so the rollback can reach the host. */
  private async ensureConnected(e: unknown): Promise<void> {
    if (!isDrop(e) || !this.opts.reconnect) return;
    try {
      this.conn = await this.opts.reconnect();
    } catch {
      /* the rollback reports what it cannot reach */
    }
  }

  /** Collects only `sections` (read-only, as root when the profile allows) and evaluates the checks that read only them. */
  async recheck(sections: readonly SectionName[]): Promise<{ facts: Partial<HostFacts>; evaluation: Evaluation; checks: string[]; uid: number | null }> {
    const opts = { sshdConfigPath: this.target.sshdConfigPath, scanRoots: this.target.scanRoots, ...(this.target.vpn ? { vpn: this.target.vpn } : {}), only: sections };
    const { marker, scripts } = buildCollectScript({ ...opts, lanes: 1 });
    const res = await this.run('sh -s', { stdin: scripts.join('\n'), readOnly: true });
    const { facts, uid } = parseCollectOutput(res.stdout, marker, this.target.sshdConfigPath, opts);
    const catalog = checksOver(sections);
    return { facts, evaluation: evaluate(facts, this.hostKey, catalog), checks: catalog.map((c) => c.id), uid };
  }

  private async capture(paths: readonly string[]): Promise<FileState[]> {
    if (!paths.length) return [];
    const res = await this.run(captureCommand(paths), { readOnly: true });
    return parseCapture(res.stdout, paths.length);
  }

  // ---- plan --------------------------------------------------------------------------------

  async plan(sel: PlanSelection): Promise<PlanResult> {
    const skipped: Skipped[] = [];
    const findingIds = [...new Set(sel.findingIds ?? [])];
    const checkIds = [...new Set(sel.checkIds ?? [])];
    for (const c of checkIds) if (!fixForCheck(c)) throw new RampartError('VALIDATION', `Rampart has no fix for the check ${c}.`);
    // The checks to re-collect: those named, those of the known findings, or (an id the database
    // does not know) every check that has a fix.
    const wanted = new Set<string>(checkIds);
    for (const id of findingIds) {
      const k = sel.known?.get(id);
      if (k) {
        if (!fixForCheck(k.checkId)) throw new RampartError('VALIDATION', `Finding ${id} (${k.checkId}) has no automatic fix.`);
        wanted.add(k.checkId);
      } else for (const c of fixableChecks()) wanted.add(c);
    }
    this.progress('Reading the current state of the host (read-only)');
    const sections = sectionsFor([...wanted]);
    for (const c of wanted) for (const x of fixForCheck(c)?.planSections ?? []) if (!sections.includes(x)) sections.push(x);
    const { facts, evaluation, uid } = await this.recheck(sections);
    const unevaluated = evaluation.checks.filter((c) => wanted.has(c.checkId) && c.status !== 'pass' && c.status !== 'fail');
    const why = unevaluated.length ? ` Not evaluated now: ${unevaluated.map((c) => `${c.checkId} (${c.status}${c.message ? `: ${c.message}` : ''})`).join('; ')}.` : '';

    const selected: FindingRef[] = [];
    for (const id of findingIds) {
      const f = evaluation.findings.find((x) => x.id === id);
      if (f) selected.push(f);
      else {
        const k = sel.known?.get(id);
        if (!k) throw new RampartError('NOT_FOUND', `No finding ${id} on ${this.target.host.name}: not in the database, and a fresh read of the host does not find it (or its check has no fix).${why}`);
        const own = unevaluated.find((c) => c.checkId === k.checkId);
        skipped.push({ findingId: id, checkId: k.checkId, resource: k.resource, fixId: fixForCheck(k.checkId)?.id ?? null, reason: own ? `${k.checkId} could not be evaluated now (${own.status}${own.message ? `: ${own.message}` : ''})` : 'the host no longer has this finding (already fixed?)' });
      }
    }
    for (const c of checkIds) {
      const hits = evaluation.findings.filter((f) => f.checkId === c);
      const own = unevaluated.find((x) => x.checkId === c);
      if (!hits.length)
        skipped.push({ findingId: '', checkId: c, resource: '', fixId: fixForCheck(c)?.id ?? null, reason: own ? `${c} could not be evaluated now (${own.status}${own.message ? `: ${own.message}` : ''})` : `the host has no ${c} finding now` });
      for (const f of hits) if (!selected.some((s) => s.id === f.id)) selected.push(f);
    }

    const jobId = randomUUID();
    const planned: PlannedFix[] = [];
    const specs: Array<{ finding: FindingRef; fixId: string; targets: ReturnType<NonNullable<ReturnType<typeof fixForCheck>>['targets']> }> = [];
    const containerFindings: FindingRef[] = [];
    for (const f of selected) {
      const fix = fixForCheck(f.checkId)!;
      // The backup folder and other users' files need root: say so before planning anything.
      if (fix.needsRoot && uid !== 0) {
        skipped.push({ findingId: f.id, checkId: f.checkId, resource: f.resource, fixId: fix.id, reason: `this fix needs root, and commands run as uid ${uid ?? 'unknown'}: use --sudo (sudo -n), or log in as root` });
        continue;
      }
      if (fix.container) {
        containerFindings.push(f);
        continue;
      }
      try {
        specs.push({ finding: f, fixId: fix.id, targets: fix.targets(f, facts) });
      } catch (e) {
        if (!(e instanceof FixNotApplicable)) throw e;
        skipped.push({ findingId: f.id, checkId: f.checkId, resource: f.resource, fixId: fix.id, reason: e.message });
      }
    }
    const paths = [...new Set(specs.flatMap((s) => s.targets.map((t) => t.path)))];
    const states = new Map<string, FileState>();
    (await this.capture(paths)).forEach((s, i) => states.set(paths[i]!, s));
    // A path two fixes change: the later one starts from what the earlier one leaves.
    const planState = new Map<string, PresentState>();
    for (const s of specs) {
      const fix = fixById(s.fixId)!;
      const targets: PlannedTarget[] = [];
      let refusal: string | null = null;
      for (const t of s.targets) {
        const st = planState.get(t.path) ?? states.get(t.path)!;
        if (st.kind !== 'present') {
          refusal = `${JSON.stringify(t.path)} is ${describeState(st)} now; Rampart does not follow or create files`;
          break;
        }
        if (st.type === 'o') {
          refusal = `${JSON.stringify(t.path)} is neither a file nor a folder`;
          break;
        }
        const post = t.want(st);
        if (post.mode === st.mode && post.uid === st.uid && post.gid === st.gid) continue;
        targets.push({ path: t.path, pre: st, post, reason: t.reason });
      }
      if (refusal) {
        skipped.push({ findingId: s.finding.id, checkId: s.finding.checkId, resource: s.finding.resource, fixId: fix.id, reason: refusal });
        continue;
      }
      for (const t of targets) planState.set(t.path, postState(t.pre, t.post));
      const recheckSections = sectionsFor([s.finding.checkId]);
      planned.push({
        fixId: fix.id,
        checkId: s.finding.checkId,
        findingId: s.finding.id,
        resource: s.finding.resource,
        severity: s.finding.severity,
        title: fix.title,
        risk: fix.risk,
        targets,
        recheck: { checks: checksOver(recheckSections).map((c) => c.id), sections: recheckSections },
      });
    }
    // Container fixes (compose edits, restarts): planned from the host by composeFixes.ts.
    if (containerFindings.length) {
      const ctx: PlanContext = {
        ...this.hostRunner(),
        jobId,
        backupDir: `${this.backupRoot}/${jobId}`,
        wait: { ...DEFAULT_CONTAINER_WAIT, ...this.opts.containerWait },
        pending: new Map(),
        chmodPaths: new Set(planState.keys()),
      };
      for (const f of containerFindings) {
        const fix = fixForCheck(f.checkId)!;
        try {
          const container = await planContainerFix(f, facts, ctx, planned.length);
          const recheckSections = sectionsFor([f.checkId]);
          planned.push({
            fixId: fix.id,
            checkId: f.checkId,
            findingId: f.id,
            resource: f.resource,
            severity: f.severity,
            title: fix.title,
            risk: fix.risk,
            targets: [],
            recheck: { checks: checksOver(recheckSections).map((c) => c.id), sections: recheckSections },
            container,
          });
        } catch (e) {
          if (!(e instanceof FixNotApplicable)) throw e;
          skipped.push({ findingId: f.id, checkId: f.checkId, resource: f.resource, fixId: fix.id, reason: e.message });
        }
      }
    }
    const plan: Plan = {
      jobId,
      host: this.target.host,
      createdAt: new Date().toISOString(),
      backupDir: `${this.backupRoot}/${jobId}`,
      fixes: planned,
      findingsBefore: evaluation.findings.map((f) => f.id),
    };
    return { plan, skipped };
  }

  preview(plan: Plan): Preview {
    return {
      jobId: plan.jobId,
      host: plan.host,
      runsAs: this.target.sudo.mode === 'none' ? `the login user (${plan.host.username})` : `root through ${this.target.sudo.mode === 'sudo-n' ? 'sudo -n' : 'sudo with the stored password'}`,
      backupDir: plan.backupDir,
      fixes: plan.fixes.map((f) => {
        const def = fixById(f.fixId)!;
        return {
          fixId: f.fixId,
          title: def.title,
          changes: def.changes,
          risk: def.risk,
          reversible: def.reversible,
          needsRoot: def.needsRoot,
          findingId: f.findingId,
          checkId: f.checkId,
          resource: f.resource,
          targets: f.container ? containerPreviewTargets(f) : f.targets.map((t) => ({ path: t.path, from: describeState(t.pre), to: describeState(postState(t.pre, t.post)), reason: t.reason })),
          recheck: f.recheck,
          diff: fixDiff(f),
        };
      }),
      steps: buildSteps(plan),
    };
  }

  // ---- apply -------------------------------------------------------------------------------

  /**
   * Runs a confirmed plan. `confirmedBy` says who confirmed and how (journaled); `onFailure` what a
   * failing fix does to the rest of the job (journaled with it; default rollback-all).
   */
  async apply(plan: Plan, confirmedBy: string, opts: { onFailure?: FailurePolicy } = {}): Promise<JobReport> {
    const steps = buildSteps(plan);
    this.journal.createJob(plan, steps, confirmedBy, 'applying', opts.onFailure ?? 'rollback-all');
    return this.forward(plan.jobId);
  }

  /** Runs one journaled step (marked running before it reaches the host, its outcome after). */
  private async runStep(jobId: string, plan: Plan, step: StepRow, verification: Map<number, Verification>): Promise<{ failure: string | null; refused: boolean }> {
    let failure: string | null = null;
    let refused = false;
    await this.opts.beforeStep?.(step, 'apply');
    this.journal.stepStarted(jobId, step.seq);
    try {
      if (step.kind === 'backup') {
        this.progress(`Creating the backup folder ${plan.backupDir}`);
        const targets = plan.fixes.flatMap((f) => f.targets);
        const restore = restoreScript(jobId, targets) + restoreLines(plan).map((l) => `${l}\n`).join('');
        const res = await this.run(step.command, { stdin: restore, readOnly: false });
        if (res.code !== 0 || !/^OK$/m.test(res.stdout)) failure = `could not create the backup folder ${plan.backupDir}: exit ${res.code}: ${res.stderr.trim().slice(0, 200)}`;
        this.journal.stepFinished(jobId, step.seq, failure ? 'failed' : 'done', failure ?? `${plan.backupDir} (mode 700) with restore.sh`);
      } else if (isContainerStep(step.kind)) {
        const out = await runContainerStep(step, plan.fixes[step.fixIndex]!, { ...this.hostRunner(), journal: this.journal, jobId, progress: (m) => this.progress(m) });
        await this.opts.beforeStep?.(step, 'record');
        if (out.failure) failure = out.failure;
        if (out.refused) refused = true;
        this.journal.stepFinished(jobId, step.seq, out.status, out.detail, out.post ?? null);
      } else if (step.kind === 'chmod') {
        const t = plan.fixes[step.fixIndex]!.targets.find((x) => x.path === step.target)!;
        this.progress(`Changing ${JSON.stringify(t.path)} to ${modeOctal(t.post.mode)} ${t.post.uid}:${t.post.gid}`);
        const out = parseSetOutput(await this.run(step.command, { readOnly: false }));
        await this.opts.beforeStep?.(step, 'record');
        const want = postState(t.pre, t.post);
        if (out.kind === 'cas') {
          failure = `${JSON.stringify(t.path)} changed since the plan: it is ${out.found ? describeState(out.found) : 'unreadable'}${out.found?.kind === 'present' && out.found.sha256 !== t.pre.sha256 ? ' with other content' : ''}, the plan saw ${describeState(t.pre)}; nothing was written`;
          // Refused before writing: nothing of this step to undo.
          refused = true;
          this.journal.stepFinished(jobId, step.seq, 'skipped', `refused: ${failure}`, out.found);
        } else if (out.kind === 'error') {
          failure = `chmod/chown of ${JSON.stringify(t.path)} failed: ${out.message}`;
          this.journal.stepFinished(jobId, step.seq, 'failed', failure);
        } else if (!sameState(out.now, want)) {
          failure = `${JSON.stringify(t.path)} is ${describeState(out.now)} after the change, expected ${describeState(want)}`;
          this.journal.stepFinished(jobId, step.seq, 'failed', failure, out.now);
        } else this.journal.stepFinished(jobId, step.seq, 'done', `${JSON.stringify(t.path)}: ${describeState(t.pre)} → ${describeState(want)}`, out.now);
      } else {
        this.journal.setJobStatus(jobId, 'verifying');
        const fix = plan.fixes[step.fixIndex]!;
        this.progress(`Verifying: re-running ${fix.recheck.checks.join(', ')}`);
        const v = await this.verifyFix(plan, step.fixIndex);
        verification.set(step.fixIndex, { checksRerun: v.checksRerun, stillFailing: v.stillFailing, ...(v.downgraded ? { downgraded: true } : {}) });
        if (v.problem) failure = `verification failed: ${v.problem}`;
        this.journal.stepFinished(jobId, step.seq, v.problem ? 'failed' : 'done', v.problem ?? `${fix.checkId} no longer finds ${fix.resource}; no new finding on it`);
        this.journal.setJobStatus(jobId, 'applying');
      }
    } catch (e) {
      failure = `${step.name} failed: ${(e as Error).message}`;
      // A dropped mutation may or may not have happened: the rollback reads the host to know.
      this.journal.stepFinished(jobId, step.seq, 'failed', `${(e as Error).message}${MUTATIONS.includes(step.kind) ? ' (it may or may not have run)' : ''}`);
      await this.ensureConnected(e);
    }
    return { failure, refused };
  }

  /** Whether any step of these fixes may have changed the host (a refusal changes nothing). */
  private touched(jobId: string, fixIndexes: ReadonlySet<number> | null): boolean {
    return this.journal.steps(jobId).some((s) => (fixIndexes === null || fixIndexes.has(s.fixIndex)) && MUTATIONS.includes(s.kind) && s.status !== 'pending' && s.status !== 'skipped');
  }

  /**
   * Runs the job's fixes that are not settled yet, in plan order, each fix's steps then its verify.
   * A failing fix: under rollback-all the whole job is undone; under stop/continue only that fix is
   * undone (its pre-state re-read), then the job stops (the rest not run) or goes on.
   */
  private async forward(jobId: string): Promise<JobReport> {
    const job = this.journal.getJob(jobId);
    const plan = job.plan;
    const policy = job.onFailure;
    this.journal.setJobStatus(jobId, 'applying');
    const verification = new Map<number, Verification>();
    const outcome = (i: number): FixOutcome | null => this.journal.fixes(jobId).find((f) => f.fixIndex === i)?.status ?? null;

    // Job-wide steps (the backup folder, shared by every fix): a failure there ends the job.
    for (const step of this.journal.steps(jobId)) {
      if (step.fixIndex >= 0 || step.status === 'done' || step.status === 'skipped') continue;
      const r = await this.runStep(jobId, plan, step, verification);
      if (r.failure) return this.failAll(jobId, r.failure, verification, r.refused, null);
    }

    const failures: string[] = [];
    const leftovers: Leftover[] = [];
    let stopped = false;
    for (let i = 0; i < plan.fixes.length; i++) {
      const fix = plan.fixes[i]!;
      const st = outcome(i);
      if (stopped) {
        if (st === 'pending' || st === 'applying') this.journal.setFixStatus(jobId, i, 'not-run', 'not run: an earlier fix failed and the job stops on failure');
        continue;
      }
      if (st !== null && SETTLED.includes(st)) continue;
      let failure: string | null = null;
      let refused = false;
      if (st === 'rolling-back') failure = this.journal.fixes(jobId).find((f) => f.fixIndex === i)?.detail ?? 'the fix failed before a crash';
      else {
        this.journal.setFixStatus(jobId, i, 'applying');
        for (const step of this.journal.steps(jobId)) {
          if (step.fixIndex !== i || step.status === 'done' || step.status === 'skipped') continue;
          const r = await this.runStep(jobId, plan, step, verification);
          if (r.failure) {
            failure = r.failure;
            refused = r.refused;
            break;
          }
        }
        if (!failure) {
          this.journal.setFixStatus(jobId, i, 'verified', `${fix.checkId} no longer finds ${fix.resource}`);
          continue;
        }
        const mine = new Set([i]);
        // A compare-and-swap refusal before this fix changed anything: refused, not undone.
        if (refused && !this.touched(jobId, mine)) this.journal.setFixStatus(jobId, i, 'refused', failure);
        if (policy === 'rollback-all') return this.failAll(jobId, failure, verification, refused, i);
        if (outcome(i) !== 'refused') this.journal.setFixStatus(jobId, i, 'rolling-back', failure);
      }
      failures.push(`fix ${i + 1} (${fix.checkId} ${fix.resource}): ${failure}`);
      if (outcome(i) === 'rolling-back') {
        this.progress(`Fix ${i + 1} failed; undoing it (${policy === 'stop' ? 'the job stops after it' : 'the job goes on with the next fix'})`);
        const left = await this.undoFixes(jobId, new Set([i]));
        leftovers.push(...left);
        this.journal.setFixStatus(jobId, i, left.length ? 'rollback-incomplete' : 'rolled-back', failure);
      }
      // An incomplete rollback always stops the job: the admin must look at the host first.
      if (policy === 'stop' || outcome(i) === 'rollback-incomplete') stopped = true;
    }
    return this.settle(jobId, failures.length ? failures.join('; ') : null, verification, leftovers);
  }

  /** The job's status from its fixes' outcomes; verified fixes mark their findings fixed. */
  private settle(jobId: string, message: string | null, verification: Map<number, Verification>, leftovers: Leftover[]): JobReport {
    const plan = this.journal.getJob(jobId).plan;
    const rows = this.journal.fixes(jobId);
    const verified = rows.filter((r) => r.status === 'verified').map((r) => r.fixIndex);
    const status: JobStatus = rows.some((r) => r.status === 'rollback-incomplete')
      ? 'rollback-incomplete'
      : verified.length === plan.fixes.length
        ? 'applied'
        : verified.length
          ? 'partial'
          : rows.some((r) => r.status === 'refused') && !this.touched(jobId, null)
            ? 'refused'
            : 'rolled-back';
    this.journal.setJobStatus(jobId, status, message);
    // A finding still present at a lower severity stays open (at its new severity): a later audit
    // must not reopen it as a regression of something Rampart called fixed.
    this.markFixed(plan, verified.filter((i) => !verification.get(i)?.downgraded));
    return this.report(jobId, status === 'applied' ? null : message, verification, leftovers);
  }

  /** Undoes the whole job after a failure (rollback-all, or the shared backup step failed). */
  private async failAll(jobId: string, failure: string, verification: Map<number, Verification>, refused: boolean, failed: number | null): Promise<JobReport> {
    this.journal.setJobStatus(jobId, 'rolling-back', failure);
    const touched = this.touched(jobId, null);
    const r = await this.undo(jobId, failure, verification);
    // A compare-and-swap refusal before anything was changed: the job was refused, not undone.
    if (refused && !touched && r.status === 'rolled-back') {
      this.journal.getJob(jobId).plan.fixes.forEach((_, i) => this.journal.setFixStatus(jobId, i, i === failed ? 'refused' : 'not-run'));
      this.journal.setJobStatus(jobId, 'refused', failure);
      return this.report(jobId, failure, verification);
    }
    return r;
  }

  private async verifyFix(plan: Plan, i: number): Promise<{ problem: string | null; checksRerun: string[]; stillFailing: string[]; downgraded?: boolean }> {
    const fix = plan.fixes[i]!;
    const states = await this.capture(fix.targets.map((t) => t.path));
    for (const [k, t] of fix.targets.entries()) {
      const want = postState(t.pre, t.post);
      if (!sameState(states[k]!, want)) return { problem: `${JSON.stringify(t.path)} is ${describeState(states[k]!)}, expected ${describeState(want)}`, checksRerun: [], stillFailing: [] };
    }
    if (fix.container) {
      const problem = await verifyContainerFix(fix, this.hostRunner());
      if (problem) return { problem, checksRerun: [], stillFailing: [] };
    }
    const { evaluation, checks } = await this.recheck(fix.recheck.sections);
    const own = evaluation.checks.find((c) => c.checkId === fix.checkId);
    if (!own || (own.status !== 'pass' && own.status !== 'fail'))
      return { problem: `${fix.checkId} could not be re-checked: ${own?.status ?? 'missing'}${own?.message ? ` (${own.message})` : ''}`, checksRerun: checks, stillFailing: [] };
    // An sshd fix may leave its finding at a lower severity by design (PermitRootLogin
    // prohibit-password: root with a key only, low): resolved is "not as severe as planned".
    const lower = (f: { severity: Severity }): boolean => fix.container?.kind === 'sshd-setting' && sevRank(f.severity) > sevRank(fix.severity);
    const still = evaluation.findings.filter((f) => f.id === fix.findingId && !lower(f));
    const downgraded = evaluation.findings.some((f) => f.id === fix.findingId && lower(f));
    const fresh = evaluation.findings.filter((f) => f.resource === fix.resource && f.id !== fix.findingId && !plan.findingsBefore.includes(f.id) && sevRank(f.severity) <= sevRank(fix.severity));
    const stillFailing = [...still, ...fresh].map((f) => `${f.checkId} ${f.resource}`);
    const problem = still.length
      ? `${fix.checkId} still finds ${fix.resource}: ${still[0]!.evidence}`
      : fresh.length
        ? `a new ${fresh[0]!.severity} finding on ${fix.resource}: ${fresh[0]!.checkId}: ${fresh[0]!.evidence}`
        : null;
    return { problem, checksRerun: checks, stillFailing, ...(downgraded ? { downgraded } : {}) };
  }

  /** Verified fixes mark their findings fixed, with the job id (only findings a stored run knows carry triage). */
  private markFixed(plan: Plan, indexes: readonly number[]): void {
    for (const i of indexes) {
      const f = plan.fixes[i]!;
      try {
        this.opts.store.setTriage({ findingKey: f.findingId, status: 'fixed', reason: `fixed and verified by Rampart fix job ${plan.jobId} (${f.fixId})`, actor: 'Rampart fix job' });
      } catch (e) {
        if (!(e instanceof RampartError && e.code === 'NOT_FOUND')) throw e;
      }
    }
  }

  // ---- rollback / resume ------------------------------------------------------------------

  /**
   * Undoes a job: an unfinished one (whatever its policy: everything that was applied), one that
   * failed, an applied or a partial one (reverting its fixes). Findings the job had marked fixed are
   * reopened for every fix that is back as before (also when an earlier rollback was incomplete).
   */
  async rollback(jobId: string): Promise<JobReport> {
    const job = this.journal.getJob(jobId);
    this.assertSameHost(job);
    this.journal.setJobStatus(jobId, 'rolling-back');
    const report = await this.undo(jobId, job.error ?? 'rollback requested', new Map());
    this.reopenRolledBack(jobId);
    return report;
  }

  /** Findings this job marked fixed whose fix is rolled back now: open again. */
  private reopenRolledBack(jobId: string): void {
    const plan = this.journal.getJob(jobId).plan;
    for (const row of this.journal.fixes(jobId)) {
      if (row.status !== 'rolled-back') continue;
      const f = plan.fixes[row.fixIndex]!;
      const t = this.opts.store.getTriage(f.findingId);
      if (t?.status === 'fixed' && t.reason?.includes(jobId)) this.opts.store.setTriage({ findingKey: f.findingId, status: 'open', reason: `the fix was rolled back (Rampart fix job ${jobId})`, actor: 'Rampart fix job' });
    }
  }

  /**
   * Finishes an unfinished job under its own failure policy: steps whose outcome is unknown are
   * read on the host first. A job whose rollback was under way (or incomplete) is undone again:
   * the whole job, or under stop/continue only the fixes whose own rollback was.
   */
  async resume(jobId: string): Promise<JobReport> {
    const job = this.journal.getJob(jobId);
    this.assertSameHost(job);
    this.journal.ensureFixes(jobId, job.plan.fixes.length);
    const perFix = job.onFailure !== 'rollback-all';
    if (job.status === 'rollback-incomplete' && perFix && this.journal.fixes(jobId).some((f) => f.status === 'verified')) {
      // A fix's own rollback was incomplete; the verified fixes stay.
      for (const f of this.journal.fixes(jobId)) if (f.status === 'rollback-incomplete') this.journal.setFixStatus(jobId, f.fixIndex, 'rolling-back');
      return this.forward(jobId);
    }
    if (job.status === 'rolling-back' || job.status === 'rollback-incomplete') return this.undo(jobId, job.error ?? 'resumed rollback', new Map());
    if (!['planned', 'applying', 'verifying'].includes(job.status)) return this.report(jobId, `job ${jobId} is already ${job.status}; nothing to resume`, new Map());
    const rollbackFix = (i: number, why: string): void => this.journal.setFixStatus(jobId, i, 'rolling-back', why);
    for (const step of this.journal.steps(jobId)) {
      const settled = SETTLED.includes(this.journal.fixes(jobId).find((f) => f.fixIndex === step.fixIndex)?.status ?? 'pending');
      if (settled) continue;
      if (isContainerStep(step.kind) && (step.status === 'running' || step.status === 'failed')) {
        // A file write is read on the host; the other container steps are simply run again.
        const v = await resumeContainerStep(step, job.plan.fixes[step.fixIndex]!, this.hostRunner());
        if (v.kind === 'done') this.journal.stepFinished(jobId, step.seq, 'done', v.detail, v.post ?? null);
        else if (v.kind === 'pending') this.journal.stepFinished(jobId, step.seq, 'pending', 'found not done (or to be run again) when resumed');
        else if (perFix) rollbackFix(step.fixIndex, v.why);
        else {
          this.journal.setJobStatus(jobId, 'rolling-back', v.why);
          return this.undo(jobId, v.why, new Map());
        }
        continue;
      }
      if (step.kind !== 'chmod' || (step.status !== 'running' && step.status !== 'failed')) continue;
      const t = job.plan.fixes[step.fixIndex]!.targets.find((x) => x.path === step.target)!;
      const [cur] = await this.capture([t.path]);
      if (sameState(cur!, postState(t.pre, t.post))) this.journal.stepFinished(jobId, step.seq, 'done', `found done on the host when resumed`, cur);
      else if (sameState(cur!, t.pre)) this.journal.stepFinished(jobId, step.seq, 'pending', `found not done on the host when resumed`, cur);
      else {
        const why = `${JSON.stringify(t.path)} is ${describeState(cur!)} when resumed: neither the planned pre-state nor the fix's result`;
        if (perFix) {
          rollbackFix(step.fixIndex, why);
          continue;
        }
        this.journal.setJobStatus(jobId, 'rolling-back', why);
        return this.undo(jobId, why, new Map());
      }
    }
    // A backup step that may not have run is simply run again only if its folder is missing.
    const backup = this.journal.steps(jobId).find((s) => s.kind === 'backup');
    if (backup && backup.status !== 'done') {
      const probe = await this.run(`[ -f ${shQuote(`${job.plan.backupDir}/restore.sh`)} ] && echo HAVE || echo NONE`, { readOnly: true });
      if (/HAVE/.test(probe.stdout)) this.journal.stepFinished(jobId, backup.seq, 'done', 'found on the host when resumed');
    }
    for (const step of this.journal.steps(jobId)) if (step.kind === 'verify' && step.status !== 'done') this.journal.stepFinished(jobId, step.seq, 'pending', null);
    return this.forward(jobId);
  }

  private assertSameHost(job: JobRow): void {
    const h = job.plan.host;
    if (h.address !== this.target.host.address || h.port !== this.target.host.port)
      throw new RampartError('VALIDATION', `Job ${job.id} belongs to ${h.username}@${h.address}:${h.port}, not to ${this.target.host.address}:${this.target.host.port}.`);
  }

  /** Undoes every step of the job that may have run, newest first, re-reads the pre-state, and records each fix's outcome. */
  private async undo(jobId: string, reason: string, verification: Map<number, Verification>): Promise<JobReport> {
    const plan = this.journal.getJob(jobId).plan;
    this.journal.ensureFixes(jobId, plan.fixes.length);
    const all = new Set(plan.fixes.map((_, i) => i));
    const leftovers = await this.undoFixes(jobId, all);
    const steps = this.journal.steps(jobId);
    for (const row of this.journal.fixes(jobId)) {
      const f = plan.fixes[row.fixIndex]!;
      const mine = steps.filter((s) => s.fixIndex === row.fixIndex);
      const own = [...f.targets.map((t) => t.path), ...containerFixPaths(f)];
      if (leftovers.some((l) => own.includes(l.path)) || mine.some((s) => s.status === 'undo-failed')) this.journal.setFixStatus(jobId, row.fixIndex, 'rollback-incomplete');
      else if (row.status === 'refused' || row.status === 'not-run') continue;
      else if (row.status === 'pending' && mine.every((s) => s.status === 'pending' || s.status === 'skipped')) this.journal.setFixStatus(jobId, row.fixIndex, 'not-run');
      else this.journal.setFixStatus(jobId, row.fixIndex, 'rolled-back');
    }
    const status: JobStatus = leftovers.length ? 'rollback-incomplete' : 'rolled-back';
    this.journal.setJobStatus(jobId, status, reason);
    return this.report(jobId, reason, verification, leftovers);
  }

  /**
   * Undoes the steps of these fixes that may have run, newest first (container fixes and chmods),
   * then re-reads what they touched: returns what is not back as it was. A path two fixes change
   * must be back as the earliest undone fix found it.
   */
  private async undoFixes(jobId: string, fixes: ReadonlySet<number>): Promise<Leftover[]> {
    const plan = this.journal.getJob(jobId).plan;
    const steps = this.journal.steps(jobId).filter((s) => fixes.has(s.fixIndex));
    const touched = steps.filter((s) => s.kind === 'chmod' && TOUCHED_STATUSES.includes(s.status));
    let unreachable: string | null = null;
    // Container fixes first (planned after the file fixes, so newest first), each on its own files.
    const containerLeft: Leftover[] = [];
    for (let i = plan.fixes.length - 1; i >= 0; i--) {
      if (!fixes.has(i) || !plan.fixes[i]!.container) continue;
      containerLeft.push(
        ...(await undoContainerFix(plan, i, this.journal.steps(jobId), {
          ...this.hostRunner(),
          journal: this.journal,
          jobId,
          progress: (m) => this.progress(m),
          beforeUndo: (st) => this.opts.beforeStep?.(st, 'undo'),
          onError: (e) => this.ensureConnected(e),
        })),
      );
    }
    for (const step of [...touched].reverse()) {
      if (step.status === 'undone') continue;
      const t = plan.fixes[step.fixIndex]!.targets.find((x) => x.path === step.target)!;
      await this.opts.beforeStep?.(step, 'undo');
      this.journal.stepStarted(jobId, step.seq, 'undoing');
      try {
        const detail = await this.undoTarget(t);
        this.journal.stepFinished(jobId, step.seq, detail.ok ? 'undone' : 'undo-failed', detail.text, detail.now);
      } catch (e) {
        this.journal.stepFinished(jobId, step.seq, 'undo-failed', `could not undo: ${(e as Error).message}`);
        await this.ensureConnected(e);
        if (isDrop(e)) unreachable = (e as Error).message;
      }
    }
    // Re-verify the pre-state of every file these fixes may have touched (for a path changed by
    // several of them: the pre-state of the earliest, which the newest-first undo ends on).
    const leftovers: Leftover[] = [...containerLeft];
    const firstTouch = new Map<string, PlannedTarget>();
    for (const s of touched) if (!firstTouch.has(s.target!)) firstTouch.set(s.target!, plan.fixes[s.fixIndex]!.targets.find((x) => x.path === s.target)!);
    const targets = [...firstTouch.values()];
    let states: FileState[] | null = null;
    try {
      states = await this.capture(targets.map((t) => t.path));
    } catch (e) {
      unreachable = (e as Error).message;
    }
    targets.forEach((t, i) => {
      const cur = states?.[i];
      if (cur && sameState(cur, t.pre)) return;
      leftovers.push({
        path: t.path,
        expected: describeState(t.pre),
        found: cur ? describeState(cur) : `unknown (${unreachable ?? 'not read'})`,
        action:
          cur && cur.kind === 'present' && cur.sha256 !== t.pre.sha256
            ? `its content changed since the plan: check it by hand; the mode/owner it had: chown ${t.pre.uid}:${t.pre.gid} && chmod ${modeOctal(t.pre.mode)}`
            : `as root: chown ${t.pre.uid}:${t.pre.gid} -- ${shQuote(t.path)} && chmod ${modeOctal(t.pre.mode)} -- ${shQuote(t.path)}`,
      });
    });
    return leftovers;
  }

  /** Puts one target's pre-state mode/owner back, if its content and type are still the plan's. */
  private async undoTarget(t: PlannedTarget): Promise<{ ok: boolean; text: string; now: FileState | null }> {
    const [cur] = await this.capture([t.path]);
    if (sameState(cur!, t.pre)) return { ok: true, text: `${JSON.stringify(t.path)} was already ${describeState(t.pre)}`, now: cur! };
    const post = postState(t.pre, t.post);
    const ours =
      cur!.kind === 'present' &&
      cur!.type === t.pre.type &&
      cur!.sha256 === t.pre.sha256 &&
      [t.pre.mode, post.mode].includes(cur!.mode) &&
      [t.pre.uid, post.uid].includes(cur!.uid) &&
      [t.pre.gid, post.gid].includes(cur!.gid);
    if (!ours) return { ok: false, text: `${JSON.stringify(t.path)} is ${describeState(cur!)}: changed by someone else since the fix; left as is`, now: cur! };
    const out = parseSetOutput(await this.run(setCommand(t.path, cur!, { mode: t.pre.mode, uid: t.pre.uid, gid: t.pre.gid }), { readOnly: false }));
    if (out.kind === 'done' && sameState(out.now, t.pre)) return { ok: true, text: `${JSON.stringify(t.path)} back to ${describeState(t.pre)}`, now: out.now };
    return { ok: false, text: out.kind === 'cas' ? `${JSON.stringify(t.path)} changed while undoing` : out.kind === 'error' ? out.message : `${JSON.stringify(t.path)} is ${describeState(out.now)}`, now: null };
  }

  // ---- report --------------------------------------------------------------------------------

  report(jobId: string, message: string | null, verification: Map<number, { checksRerun: string[]; stillFailing: string[] }>, leftovers: Leftover[] = []): JobReport {
    return jobReport(this.journal, jobId, message, verification, leftovers);
  }
}

/**
 * A job's report from the journal alone (no connection): what `FixEngine.report` returns, and what
 * the desktop history shows for a past job (verification details and leftovers are only known to
 * the run that computed them; pass them when known).
 */
export function jobReport(
  journal: Journal,
  jobId: string,
  message: string | null,
  verification: ReadonlyMap<number, { checksRerun: string[]; stillFailing: string[] }> = new Map(),
  leftovers: Leftover[] = [],
): JobReport {
  const job = journal.getJob(jobId);
  const steps = journal.steps(jobId);
  const rows = journal.fixes(jobId);
  const backup = steps.find((s) => s.kind === 'backup');
  return {
    jobId,
    status: job.status,
    onFailure: job.onFailure,
    backupDir: job.plan.backupDir,
    leftovers,
    message: message ?? job.error,
    fixes: job.plan.fixes.map((f, i) =>
      fixReport(job, f, [...(backup ? [backup] : []), ...steps.filter((s) => s.fixIndex === i)], rows.find((r) => r.fixIndex === i)?.status ?? null, verification.get(i), leftovers),
    ),
  };
}

/** The unified diff of a planned fix's content edits; the file fixes (chmod/chown) edit no content. */
export function fixDiff(f: PlannedFix): string | null {
  return containerDiff(f);
}

/** A fix's reported status from its journaled outcome. */
export function fixStatusOf(outcome: FixOutcome): FixStatus {
  switch (outcome) {
    case 'verified':
      return 'applied';
    case 'rolled-back':
    case 'rollback-incomplete':
    case 'refused':
    case 'not-run':
      return outcome;
    default:
      return 'planned';
  }
}

function fixReport(job: JobRow, f: PlannedFix, steps: StepRow[], outcome: FixOutcome | null, v: Verification | undefined, leftovers: Leftover[]): FixReport {
  const mine = steps.filter((s) => s.fixIndex >= 0);
  const ownPaths = [...f.targets.map((t) => t.path), ...containerFixPaths(f)];
  const ownLeft = leftovers.some((l) => ownPaths.includes(l.path));
  let status: FixStatus;
  if (ownLeft) status = 'rollback-incomplete';
  else if (outcome !== null) status = fixStatusOf(outcome);
  // A job journaled before per-fix outcomes (schema v8): derived from its steps.
  else if (job.status === 'applied') status = 'applied';
  else if (mine.every((s) => s.status === 'pending')) status = 'not-run';
  else if (mine.some((s) => s.status === 'undo-failed')) status = 'rollback-incomplete';
  else if (mine.some((s) => s.status === 'skipped' && ['chmod', 'file-backup', 'file-write', 'restart'].includes(s.kind))) status = 'refused';
  else if (job.status === 'rolled-back' || job.status === 'rollback-incomplete') status = 'rolled-back';
  else status = 'planned';
  return {
    findingId: f.findingId,
    checkId: f.checkId,
    fixId: f.fixId,
    resource: f.resource,
    status,
    steps: steps.map((s) => ({ name: s.target !== null && s.kind !== 'backup' ? `${s.name} ${JSON.stringify(s.target)}` : s.name, status: s.status, detail: s.detail ?? '' })),
    diff: fixDiff(f),
    verification: v ?? { checksRerun: f.recheck.checks, stillFailing: [] },
  };
}
