// The desktop app's side of the remediation engine (what `rampart fix` does from a terminal, see
// src/cli/fix.ts): plan from a fresh read-only look at the host and keep the plan in memory until
// it is confirmed, apply exactly that plan as a journaled job with progress events per step,
// roll back or finish a job, and read the journal for the host's fix history and the jobs a crash
// left unfinished.
//
// Connections come from the host profile (openHostConnection: pinned host key, jump chain, VPN
// preflight); the sudo password, when the profile uses one, comes from the keychain for the
// duration of the job and is never put in a response, an event or the journal.
import os from 'node:os';
import { RampartError } from '../../shared/errors';
import type { Host } from '../../shared/domain';
import type { DesktopFixPreview, FixDeclaration, FixJobDetail, FixJobSummary, FixProgressEvent, LockoutGuard } from '../../shared/ipc/remediation';
import type { AppEvent } from '../../shared/ipc/events';
import type { SecretStore } from '../secrets/secretStore';
import { getSudoPassword } from '../ssh/auth';
import type { SshConnection } from '../ssh/connection';
import { openHostConnection, type ConnectDeps } from '../ssh/hostConnect';
import type { Db } from '../store/db';
import type { Store } from '../store/store';
import { lockoutGuardOf } from './accessFixes';
import { proveAccess } from './accessProof';
import { DEFAULT_DEADMAN_SECONDS } from './deadman';
import { FIXES } from './catalog';
import { ansibleInventoryPath, exportAnsible as exportPlansAsAnsible } from './ansible';
import type { FixAnsibleExport } from '../../shared/ipc/remediation';
import fs from 'node:fs';
import path from 'node:path';
import { FixEngine, fixDiff, type EngineOptions, fixStatusOf, jobReport, type JobReport, type Preview, type Skipped } from './engine';
import { Journal, type JobRow } from './journal';
import { describeState, postState } from './remote';
import type { FailurePolicy, FindingRef, JobStatus, Plan, StepStatus } from './types';

/** How long a preview can be confirmed: after that the host must be read again. */
export const PREVIEW_TTL_MS = 15 * 60_000;

export interface RemediationDeps {
  store: Store;
  secrets: SecretStore;
  env?: NodeJS.ProcessEnv | undefined;
  emit: (event: AppEvent) => void;
  /** Who confirms (journaled): the OS user name by default. */
  userName?: () => string;
  /** Parent of the per-job backup folders on the host (default /var/lib/rampart/backups). */
  backupRoot?: string;
  now?: () => number;
  /** Tests only (never set by the app): read when a job's engine is built, so a test can change it between jobs. */
  testHooks?: RemediationTestHooks;
}

/**
 * Test-only fault injection for the lockout guard, as the engine's own lab tests do: extra sshd
 * settings planned into an access fix (e.g. an AllowUsers that excludes the login user, so the
 * new-connection proof fails and the guard must roll the change back).
 */
export interface RemediationTestHooks {
  accessFaultSettings?: ReadonlyArray<readonly [string, string]>;
  /** Called before each step (e.g. to drop the host's SSH sessions right before the access proof). */
  beforeStep?: EngineOptions['beforeStep'];
}

interface PendingPlan {
  hostId: number;
  plan: Plan;
  preview: Preview;
  skipped: Skipped[];
  expiresAt: number;
}

/**
 * The typed host name a plan needs before it may be applied: required when any fix is high-risk,
 * and then it must be the host's name exactly (surrounding spaces aside). Throws VALIDATION on
 * `typedHostName`.
 */
export function checkTypedHostName(fixes: ReadonlyArray<{ risk: string }>, hostName: string, typed: string | undefined): { required: boolean } {
  const required = fixes.some((f) => f.risk === 'high');
  if (!required) return { required };
  if ((typed ?? '').trim() !== hostName) {
    const message = typed?.trim() ? `The typed name does not match the host's name "${hostName}".` : `A high-risk fix needs the host's name ("${hostName}") typed to confirm.`;
    throw new RampartError('VALIDATION', `typedHostName: ${message}`, { issues: [{ path: ['typedHostName'], message }] });
  }
  return { required };
}

/** A journal that also reports every step and job status change (the UI's live progress). */
class ReportingJournal extends Journal {
  constructor(
    db: Db,
    private readonly onStep: (jobId: string, seq: number, status: StepStatus) => void,
    private readonly onJob: (jobId: string, status: JobStatus) => void,
  ) {
    super(db);
  }

  override stepStarted(jobId: string, seq: number, status: StepStatus = 'running'): void {
    super.stepStarted(jobId, seq, status);
    this.onStep(jobId, seq, status);
  }

  override stepFinished(...args: Parameters<Journal['stepFinished']>): void {
    super.stepFinished(...args);
    this.onStep(args[0], args[1], args[2]);
  }

  override setJobStatus(id: string, status: JobStatus, error: string | null = null): void {
    super.setJobStatus(id, status, error);
    this.onJob(id, status);
  }
}

/**
 * The dead-man window the plan's lockout guard arms: what the access fixes planned (their plan
 * records it), else the one asked for; null when no fix arms a dead-man switch.
 */
function confirmWindowOf(plan: Plan, steps: ReadonlyArray<{ kind: string }>, asked: number | undefined): number | null {
  if (!steps.some((s) => s.kind === 'deadman-arm')) return null;
  const planned = plan.fixes.map((f) => (f.container as { deadmanSeconds?: unknown } | undefined)?.deadmanSeconds).find((v): v is number => typeof v === 'number');
  return planned ?? asked ?? DEFAULT_DEADMAN_SECONDS;
}

function stepLabel(name: string, target: string | null): string {
  return target !== null ? `${name} ${JSON.stringify(target)}` : name;
}

export class RemediationService {
  private readonly pending = new Map<string, PendingPlan>();
  /** Jobs running in this process, and the hosts they run on (one job per host at a time). */
  private readonly running = new Set<string>();
  private readonly busyHosts = new Set<number>();
  private readonly journal: Journal;
  private readonly connect: ConnectDeps;

  constructor(private readonly deps: RemediationDeps) {
    this.journal = new Journal(deps.store.db);
    this.connect = { store: deps.store, secrets: deps.secrets, ...(deps.env ? { env: deps.env } : {}) };
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  catalog(): FixDeclaration[] {
    return FIXES.map((f) => ({ id: f.id, checkIds: [...f.checkIds], title: f.title, changes: f.changes, risk: f.risk, reversible: f.reversible, needsRoot: f.needsRoot, effort: f.effort }));
  }

  /** The findings of the host's latest run (what the UI shows and lets the user select). */
  private knownFindings(host: Host): Map<string, FindingRef> {
    const out = new Map<string, FindingRef>();
    const latest = this.deps.store.listRuns({ hostId: host.id, limit: 1 })[0];
    if (!latest) return out;
    for (const f of this.deps.store.getRun(latest.id).findings) out.set(f.id, { id: f.id, checkId: f.checkId, resource: f.resource, severity: f.severity, title: f.title });
    return out;
  }

  /** Runs `fn` with an engine connected to the host; every connection it opened is closed after. */
  private async withEngine<T>(host: Host, hooks: { jobId?: string } | null, fn: (engine: FixEngine) => Promise<T>, deadmanSeconds?: number): Promise<T> {
    const opened: SshConnection[] = [];
    const open = async (): Promise<SshConnection> => {
      const c = await openHostConnection(this.connect, host.id);
      opened.push(c);
      return c;
    };
    try {
      const first = await open();
      const sudoPassword = host.sudo === 'sudo-password' ? await getSudoPassword(host, this.deps.secrets) : null;
      if (host.sudo === 'sudo-password' && !sudoPassword)
        throw new RampartError('SUDO_PASSWORD_REQUIRED', `"${host.name}" is set to use a sudo password, but none is stored in the keychain. Set it in the host's settings.`);
      const emit = (e: Omit<FixProgressEvent, 'type' | 'hostId'>): void => this.deps.emit({ type: 'fix-progress', hostId: host.id, ...e });
      const journal = hooks
        ? new ReportingJournal(
            this.deps.store.db,
            (jobId, seq, status) => {
              const step = this.journal.steps(jobId).find((s) => s.seq === seq);
              emit({ jobId, kind: 'step', seq, name: step ? stepLabel(step.name, step.target) : `step ${seq}`, status, detail: step?.detail ?? '' });
            },
            (jobId, status) => emit({ jobId, kind: 'job', seq: null, name: 'job', status, detail: '' }),
          )
        : this.journal;
      const sudo = { mode: host.sudo, password: sudoPassword, host: host.name };
      const engine = new FixEngine(
        first,
        {
          host: { hostId: host.id, name: host.name, address: host.address, port: host.port, username: host.username },
          sudo,
          sshdConfigPath: host.sshdConfigPath,
          scanRoots: host.scanRoots,
          vpn: { only: host.vpnOnly, interface: host.vpnInterface, subnet: host.vpnSubnet },
        },
        {
          store: this.deps.store,
          journal,
          reconnect: open,
          // The lockout guard of the sshd fixes: a NEW connection made as this one (keys only:
          // connection.ts offers no password), then the profile's sudo must give root.
          access: {
            loginUser: host.username,
            loginAuth: 'publickey',
            proveAccess: (root: boolean) => proveAccess({ open: () => openHostConnection(this.connect, host.id), sudo }, root),
            ...(deadmanSeconds !== undefined ? { deadmanSeconds } : {}),
            ...(this.deps.testHooks?.accessFaultSettings ? { faultSettings: this.deps.testHooks.accessFaultSettings } : {}),
          },
          ...(this.deps.backupRoot ? { backupRoot: this.deps.backupRoot } : {}),
          ...(this.deps.testHooks?.beforeStep ? { beforeStep: this.deps.testHooks.beforeStep } : {}),
          ...(hooks?.jobId ? { onProgress: (m: string) => emit({ jobId: hooks.jobId!, kind: 'message', seq: null, name: 'progress', status: 'info', detail: m }) } : {}),
        },
      );
      return await fn(engine);
    } finally {
      for (const c of opened) {
        try {
          c.close();
        } catch {
          /* already closed */
        }
      }
    }
  }

  private assertIdle(host: Host): void {
    if (this.busyHosts.has(host.id)) throw new RampartError('CONFLICT', `A fix job is already running on "${host.name}"; wait for it to finish.`);
  }

  private assertNoUnfinished(host: Host): void {
    const unfinished = this.journal.unfinished({ address: host.address, port: host.port }).filter((j) => !this.running.has(j.id));
    if (unfinished.length)
      throw new RampartError(
        'CONFLICT',
        `${unfinished.length} fix job(s) on "${host.name}" did not finish: ${unfinished.map((j) => `${j.id} (${j.status})`).join(', ')}. Roll back or finish them first.`,
        { jobIds: unfinished.map((j) => j.id) },
      );
  }

  private expirePending(): void {
    const now = this.now();
    for (const [id, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(id);
  }

  /** Reads the host (read-only) and returns the preview; nothing on the host is changed. */
  async plan(hostId: number, findingKeys: readonly string[], opts: { confirmWindowS?: number | undefined } = {}): Promise<DesktopFixPreview> {
    const host = this.deps.store.getHost(hostId);
    this.assertIdle(host);
    this.assertNoUnfinished(host);
    const known = this.knownFindings(host);
    const unknown = findingKeys.filter((k) => !known.has(k));
    if (unknown.length)
      throw new RampartError('NOT_FOUND', `Not a finding of the latest audit of "${host.name}": ${unknown.join(', ')}. Audit the host again and fix from that run.`);
    const { plan, preview, skipped } = await this.withEngine(
      host,
      null,
      async (engine) => {
        const r = await engine.plan({ findingIds: findingKeys, known });
        return { ...r, preview: engine.preview(r.plan) };
      },
      opts.confirmWindowS,
    );
    this.expirePending();
    const expiresAt = this.now() + PREVIEW_TTL_MS;
    if (plan.fixes.length) this.pending.set(plan.jobId, { hostId: host.id, plan, preview, skipped, expiresAt });
    return {
      ...preview,
      steps: preview.steps.map((s) => ({ ...s })),
      skipped,
      requiresTypedHostName: preview.fixes.some((f) => f.risk === 'high'),
      expiresAt: new Date(expiresAt).toISOString(),
      onFailure: 'rollback-all',
      confirmWindowS: confirmWindowOf(plan, preview.steps, opts.confirmWindowS),
    };
  }

  /**
   * Applies a previewed plan, as previewed, under the failure policy the user chose (default
   * rollback-all). The confirmation is journaled: who (the OS user), when, and the policy.
   */
  async apply(req: { hostId: number; jobId: string; typedHostName?: string | undefined; onFailure?: FailurePolicy | undefined }): Promise<JobReport> {
    const host = this.deps.store.getHost(req.hostId);
    this.expirePending();
    const p = this.pending.get(req.jobId);
    if (!p || p.hostId !== host.id)
      throw new RampartError('NOT_FOUND', `No preview ${req.jobId} waiting for confirmation on "${host.name}" (previews expire after ${PREVIEW_TTL_MS / 60_000} minutes and are applied once): preview again.`);
    const { required } = checkTypedHostName(p.preview.fixes, host.name, req.typedHostName);
    this.assertIdle(host);
    this.assertNoUnfinished(host);
    const who = `${this.deps.userName?.() ?? os.userInfo().username} (desktop app${required ? ', typed the host name' : ''})`;
    return this.track(host, p.plan.jobId, () =>
      this.withEngine(host, { jobId: p.plan.jobId }, (engine) => {
        // Applied once: a second confirmation of the same preview is refused from here on.
        this.pending.delete(p.plan.jobId);
        return engine.apply(p.plan, who, { onFailure: req.onFailure ?? 'rollback-all' });
      }),
    ).then((r) => this.withGuard(r));
  }

  private jobOfHost(host: Host, jobId: string): JobRow {
    const job = this.journal.getJob(jobId);
    const h = job.plan.host;
    if (h.address !== host.address || h.port !== host.port)
      throw new RampartError('VALIDATION', `jobId: Job ${jobId} belongs to ${h.name} (${h.address}:${h.port}), not to "${host.name}".`, {
        issues: [{ path: ['jobId'], message: `The job belongs to ${h.name}` }],
      });
    return job;
  }

  private async track(host: Host, jobId: string, fn: () => Promise<JobReport>): Promise<JobReport> {
    if (this.running.has(jobId)) throw new RampartError('CONFLICT', `Fix job ${jobId} is already running.`);
    this.assertIdle(host);
    this.running.add(jobId);
    this.busyHosts.add(host.id);
    try {
      return await fn();
    } finally {
      this.running.delete(jobId);
      this.busyHosts.delete(host.id);
    }
  }

  /** Undoes a job (unfinished, failed, or applied: reverting the fix) and re-reads the pre-state. */
  async rollback(hostId: number, jobId: string): Promise<JobReport> {
    const host = this.deps.store.getHost(hostId);
    const job = this.jobOfHost(host, jobId);
    if (job.status === 'rolled-back' || job.status === 'refused') throw new RampartError('CONFLICT', `Fix job ${jobId} is already ${job.status}; there is nothing to roll back.`);
    // The engine reopens the findings of every fix that is back as before (a second rollback too).
    return this.track(host, jobId, () => this.withEngine(host, { jobId }, (engine) => engine.rollback(jobId))).then((r) => this.withGuard(r));
  }

  /** Finishes an unfinished job (steps whose outcome is unknown are read on the host first). */
  async resume(hostId: number, jobId: string): Promise<JobReport> {
    const host = this.deps.store.getHost(hostId);
    const job = this.jobOfHost(host, jobId);
    if (!['planned', 'applying', 'verifying', 'rolling-back', 'rollback-incomplete'].includes(job.status))
      throw new RampartError('CONFLICT', `Fix job ${jobId} is already ${job.status}; there is nothing to finish.`);
    return this.track(host, jobId, () => this.withEngine(host, { jobId }, (engine) => engine.resume(jobId))).then((r) => this.withGuard(r));
  }

  /** What the lockout guard did in the job (null: no access fix), from its journaled steps. */
  private guardOf(jobId: string): LockoutGuard | null {
    return lockoutGuardOf(this.journal.steps(jobId));
  }

  private withGuard(report: JobReport): JobReport & { lockoutGuard?: LockoutGuard } {
    const g = this.guardOf(report.jobId);
    return g ? { ...report, lockoutGuard: g } : report;
  }

  summary(job: JobRow): FixJobSummary {
    const plan = job.plan;
    const report = jobReport(this.journal, job.id, null);
    const rows = this.journal.fixes(job.id);
    return {
      jobId: job.id,
      hostId: plan.host.hostId,
      hostName: plan.host.name,
      address: plan.host.address,
      port: plan.host.port,
      status: job.status,
      onFailure: job.onFailure,
      confirmedBy: job.confirmedBy,
      confirmedAt: job.confirmedAt,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      error: job.error,
      backupDir: plan.backupDir,
      running: this.running.has(job.id),
      lockoutGuard: this.guardOf(job.id),
      fixes: plan.fixes.map((f, i) => ({
        fixId: f.fixId,
        title: f.title,
        risk: f.risk,
        checkId: f.checkId,
        findingId: f.findingId,
        resource: f.resource,
        severity: f.severity,
        targets: f.targets.map((t) => ({ path: t.path, from: describeState(t.pre), to: describeState(postState(t.pre, t.post)) })),
        diff: fixDiff(f),
        outcome: report.fixes[i]?.status ?? fixStatusOf(rows.find((r) => r.fixIndex === i)?.status ?? 'pending'),
        outcomeDetail: ((r) => (r && r.status !== 'verified' ? r.detail : null))(rows.find((r) => r.fixIndex === i)),
      })),
    };
  }

  /** The host's jobs, newest first. */
  history(hostId: number, limit: number): FixJobSummary[] {
    const host = this.deps.store.getHost(hostId);
    return this.journal.history({ address: host.address, port: host.port }, limit).map((j) => this.summary(j));
  }

  /** Jobs that did not finish, on every host, oldest first (a job running now is flagged `running`). */
  unfinished(): FixJobSummary[] {
    return this.journal.unfinished().map((j) => this.summary(j));
  }

  /**
   * A previewed plan as an Ansible playbook and inventory (ansible.ts): the preview must still be
   * waiting (it is not consumed); with `path` both files are written on this computer. The host
   * is not contacted.
   */
  exportAnsible(req: { hostId: number; jobId: string; path?: string | undefined }): FixAnsibleExport {
    const host = this.deps.store.getHost(req.hostId);
    this.expirePending();
    const p = this.pending.get(req.jobId);
    if (!p || p.hostId !== host.id) throw new RampartError('NOT_FOUND', `No preview ${req.jobId} of "${host.name}" to export (previews expire after ${PREVIEW_TTL_MS / 60_000} minutes): preview again.`);
    // ProxyJump through the host's jump chain (profiles), nearest hop last.
    const hops: string[] = [];
    for (let h = host, n = 0; h.jumpHostId && n < 8; n++) {
      h = this.deps.store.getHost(h.jumpHostId);
      hops.unshift(`${h.username}@${h.address.includes(':') ? `[${h.address}]` : h.address}:${h.port}`);
    }
    const playbookFile = req.path ?? null;
    const inventoryFile = playbookFile ? ansibleInventoryPath(playbookFile) : null;
    const out = exportPlansAsAnsible([p.plan], {
      ...(playbookFile && inventoryFile ? { playbookName: path.basename(playbookFile), inventoryName: path.basename(inventoryFile) } : {}),
      connection: () => ({ identityFile: host.auth === 'key-file' ? host.identityFile : null, proxyJump: hops.length ? hops.join(',') : null }),
    });
    if (playbookFile && inventoryFile) {
      if (!out.exported.length) throw new RampartError('VALIDATION', `No fix of this plan can be exported: ${out.skipped.map((s) => s.reason).join('; ')}`);
      try {
        fs.writeFileSync(playbookFile, out.playbook);
        fs.writeFileSync(inventoryFile, out.inventory);
      } catch (e) {
        throw new RampartError('VALIDATION', `path: Cannot write ${playbookFile}: ${(e as Error).message}`, { issues: [{ path: ['path'], message: (e as Error).message }] });
      }
    }
    return { ...out, playbookFile, inventoryFile };
  }

  job(jobId: string): FixJobDetail {
    const job = this.journal.getJob(jobId);
    return {
      summary: this.summary(job),
      report: this.withGuard(jobReport(this.journal, jobId, null)),
      steps: this.journal.steps(jobId).map((s) => ({
        seq: s.seq,
        fixIndex: s.fixIndex,
        kind: s.kind,
        name: s.name,
        target: s.target,
        command: s.command,
        status: s.status,
        detail: s.detail,
        startedAt: s.startedAt,
        finishedAt: s.finishedAt,
      })),
    };
  }
}
