// `rampart fix`: the remediation engine from a terminal. Connects like `rampart audit` (host keys
// settled first, jump chains), plans from a fresh read-only look at the host, previews the exact
// commands, asks for confirmation (--yes, or "y" on a terminal), applies, verifies, rolls back on
// failure, and prints the job (JSON contract in the README). The journal lives in --db.
import os from 'node:os';
import type { CommandRunner } from '../main/ssh/sudo';
import { FixEngine, type FixReport, type JobReport, type Preview, type Skipped, type StepPhase } from '../main/remediation/engine';
import type { FailurePolicy, FindingRef, StepDef } from '../main/remediation/types';
import { Store } from '../main/store/store';
import { openDatabase } from './db';
import { RampartError } from '../shared/errors';
import type { FixCommand } from './args';
import { CliError, openChain, type TrustSettings } from './connect';
import { endpointText, type HopPlan } from './plan';
import { parseKnownHosts } from './knownHosts';
import fs from 'node:fs';
import path from 'node:path';
import { Journal } from '../main/remediation/journal';
import { proveAccess } from '../main/remediation/accessProof';
import { lockoutGuardOf, type LockoutGuard } from '../main/remediation/accessFixes';
import { DEFAULT_DEADMAN_SECONDS } from '../main/remediation/deadman';
import { ansibleInventoryPath, exportAnsible } from '../main/remediation/ansible';
import type { Plan } from '../main/remediation/types';

/**
 * The journal file when there is no --db: jobs must survive a crash whatever the options, so
 * --resume/--rollback can find them ($XDG_STATE_HOME/rampart, default ~/.local/state/rampart).
 */
export function defaultJournalFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'rampart', 'fix-journal.sqlite3');
}

export const FIX_EXIT = { applied: 0, failed: 1, usage: 2, incomplete: 3 } as const;

export interface FixIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean | undefined };
  signal?: AbortSignal | undefined;
  /** Asks a yes/no question on a terminal; absent when there is none (then fixes are refused). */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
  /** Runs before each step (tests: fault injection). */
  beforeStep?: ((step: StepDef, phase: StepPhase) => Promise<void> | void) | undefined;
}

/** `partial` only under --on-failure stop|continue: some fixes applied and verified, the others not. */
export type FixRunStatus = 'applied' | 'partial' | 'rolled-back' | 'rollback-incomplete' | 'dry-run' | 'refused';

export interface JsonFixReport {
  tool: 'rampart';
  version: string;
  jobId: string | null;
  host: { name: string; address: string; port: number; username: string };
  status: FixRunStatus;
  fixes: FixReport[];
  /** Jobs with an sshd fix only: the lockout guard (armed, the new-connection proof, what restored). */
  lockoutGuard?: LockoutGuard;
}

function skippedFix(s: Skipped): FixReport {
  return {
    findingId: s.findingId,
    checkId: s.checkId,
    fixId: s.fixId,
    resource: s.resource,
    status: 'refused',
    steps: [{ name: 'plan', status: 'refused', detail: s.reason }],
    diff: null,
    verification: { checksRerun: [], stillFailing: [] },
  };
}

function previewFixes(p: Preview): FixReport[] {
  return p.fixes.map((f, i) => ({
    findingId: f.findingId,
    checkId: f.checkId,
    fixId: f.fixId,
    resource: f.resource,
    status: 'planned',
    steps: p.steps
      .filter((s) => s.fixIndex === -1 || s.fixIndex === i)
      .map((s) => ({ name: s.target !== null && s.kind !== 'backup' ? `${s.name} ${JSON.stringify(s.target)}` : s.name, status: 'planned', detail: s.command })),
    diff: f.diff,
    verification: { checksRerun: f.recheck.checks, stillFailing: [] },
  }));
}

/** What the admin reads before confirming: every change and every command as it will run. */
const POLICY_TEXT: Record<FailurePolicy, string> = {
  'rollback-all': 'rollback-all: if a fix fails, every fix of the job is undone (the host as before)',
  stop: 'stop: if a fix fails, it is undone, the fixes verified before it stay applied, the rest are not run',
  continue: 'continue: if a fix fails, it is undone and the rest still run',
};

export function formatPreview(p: Preview, onFailure: FailurePolicy = 'rollback-all'): string {
  const lines = [`Plan ${p.jobId} for ${p.host.username}@${p.host.address}:${p.host.port}, run as ${p.runsAs}; backups: ${p.backupDir}`];
  if (p.fixes.length > 1) lines.push(`On failure: ${POLICY_TEXT[onFailure]}`);
  p.fixes.forEach((f, i) => {
    lines.push('', `Fix ${i + 1}: ${f.title} [${f.fixId}] risk ${f.risk}, ${f.reversible ? 'reversible' : 'NOT reversible'}`, `  finding ${f.findingId} ${f.checkId} ${JSON.stringify(f.resource)}`);
    if (!f.targets.length) lines.push('  nothing left to change (an earlier fix of this plan covers it); verified all the same');
    for (const t of f.targets) lines.push(`  ${JSON.stringify(t.path)}: ${t.from} -> ${t.to} (${t.reason})`);
    if (f.diff) lines.push('  diff (secret values shown as <redacted>):', ...f.diff.replace(/\n$/, '').split('\n').map((l) => `    ${l}`));
    lines.push(`  re-checked after: ${f.recheck.checks.join(', ')} (collector sections ${f.recheck.sections.join(', ')})`);
  });
  lines.push('', 'Commands, in order (each change refuses if the file is not exactly as planned):');
  for (const s of p.steps) {
    lines.push(`--- step ${s.seq}: ${s.name}${s.target ? ` ${JSON.stringify(s.target)}` : ''}`);
    lines.push(s.command.replace(/^/gm, '    '));
  }
  return lines.join('\n') + '\n';
}

/**
 * Which fixes are applied and which are back as before, in one line each (a partial job, or any
 * job with more than one fix); null when there is nothing to tell apart.
 */
export function outcomeLines(fixes: readonly FixReport[]): string[] {
  const name = (f: FixReport): string => `${f.checkId} ${JSON.stringify(f.resource)}`;
  const groups: Array<[string, FixReport['status'][]]> = [
    ['applied and verified', ['applied']],
    ['rolled back, as before the job', ['rolled-back']],
    ['refused, nothing changed', ['refused']],
    ['not run, nothing changed', ['not-run']],
    ['ROLLBACK INCOMPLETE', ['rollback-incomplete']],
  ];
  const out: string[] = [];
  for (const [label, statuses] of groups) {
    const these = fixes.filter((f) => statuses.includes(f.status));
    if (these.length) out.push(`${label} (${these.length}): ${these.map(name).join(', ')}`);
  }
  return out;
}

export function formatFixTable(r: JsonFixReport, leftovers: JobReport['leftovers'] = [], backupDir: string | null = null): string {
  const lines = [`rampart fix ${r.host.username}@${r.host.address}:${r.host.port}: ${r.status}${r.jobId ? ` (job ${r.jobId})` : ''}`];
  if (r.status === 'partial') lines.push(...outcomeLines(r.fixes).map((l) => `  ${l}`), '');
  for (const f of r.fixes) {
    lines.push(`  ${f.status.padEnd(19)} ${f.checkId} ${JSON.stringify(f.resource)}${f.fixId ? ` [${f.fixId}]` : ''}`);
    for (const s of f.steps) lines.push(`      ${String(s.status).padEnd(11)} ${s.name}${s.detail && r.status !== 'dry-run' ? `: ${s.detail.replace(/\s*\n\s*/g, ' ')}` : ''}`);
    if (f.verification.stillFailing.length) lines.push(`      still failing: ${f.verification.stillFailing.join('; ')}`);
  }
  if (leftovers.length) {
    lines.push('', 'ROLLBACK INCOMPLETE: these are not as they were before the job:');
    for (const l of leftovers) lines.push(`  ${JSON.stringify(l.path)}: expected ${l.expected}, found ${l.found}`, `    ${l.action}`);
    if (backupDir) lines.push(`The modes, owners and file contents before the job are kept in ${backupDir} on the host; ${backupDir}/restore.sh puts them back (as root: sh ${backupDir}/restore.sh).`);
  }
  return lines.join('\n') + '\n';
}

function exitFor(status: FixRunStatus, refusedForConfirmation: boolean): number {
  switch (status) {
    case 'applied':
    case 'dry-run':
      return FIX_EXIT.applied;
    case 'rolled-back':
    case 'partial':
      return FIX_EXIT.failed;
    case 'rollback-incomplete':
      return FIX_EXIT.incomplete;
    case 'refused':
      return refusedForConfirmation ? FIX_EXIT.usage : FIX_EXIT.failed;
  }
}

/** The findings of the host's latest run in the store, for --finding. */
function knownFindings(store: Store, address: string, port: number): Map<string, FindingRef> {
  const run = store.db.prepare('SELECT id FROM audit_runs WHERE address = ? AND port = ? ORDER BY started_at DESC LIMIT 1').get(address, port) as { id: string } | undefined;
  const out = new Map<string, FindingRef>();
  if (!run) return out;
  for (const f of store.getRun(run.id).findings) out.set(f.id, { id: f.id, checkId: f.checkId, resource: f.resource, severity: f.severity, title: f.title });
  return out;
}

export async function fixCommand(cmd: FixCommand, io: FixIo, version: string): Promise<number> {
  const progress = (m: string): void => {
    if (io.stderr.isTTY) io.stderr.write(`rampart: ${m}\n`);
  };
  let knownHosts: TrustSettings['knownHosts'] = null;
  if (cmd.knownHosts) {
    let text: string;
    try {
      text = fs.readFileSync(cmd.knownHosts, 'utf8');
    } catch (e) {
      throw new CliError('USAGE', `cannot read --known-hosts ${cmd.knownHosts}: ${(e as Error).message}`);
    }
    knownHosts = { file: cmd.knownHosts, entries: parseKnownHosts(text).entries };
  }
  const trust: TrustSettings = { knownHosts, acceptNewHostKey: cmd.acceptNewHostKey, db: cmd.db };
  const store = openDatabase(cmd.db);
  // Host keys and runs stay in memory without --db (as for audit); the journal never does.
  let journalStore: Store | null = null;
  const opened: Array<{ close(): void }> = [];
  try {
    const { address, port, username } = cmd.host;
    const saved = cmd.db ? (store.listHosts().find((h) => h.address === address && h.port === port && h.username === username) ?? null) : null;
    const identityFile = cmd.identityFile ?? saved?.identityFile ?? null;
    const hops: HopPlan[] = [...cmd.jump.map((h) => ({ ...h, identityFile: cmd.identityFile })), { username, address, port, identityFile }];
    const open = async (): Promise<CommandRunner> => {
      const chain = await openChain(store, hops, trust, { signal: io.signal, progress });
      opened.push(chain.conn);
      for (const t of chain.trust)
        if (t.source === 'accepted-new' && t.newlyPinned) io.stderr.write(`rampart: warning: trusted the new host key of ${t.hop.address}:${t.hop.port} on first use: ${t.key.fingerprint} (${t.key.keyType})\n`);
      return chain.conn;
    };
    progress(`Connecting to ${endpointText(cmd.host)}`);
    const first = await open();
    if (!cmd.db && !(cmd.action.kind === 'apply' && (cmd.action.dryRun || cmd.action.exportAnsible))) journalStore = new Store(defaultJournalFile());
    const hostRef = { hostId: saved?.id ?? null, name: saved?.name ?? address, address, port, username };
    const sudo = { mode: cmd.sudo || saved?.sudo === 'sudo-n' ? ('sudo-n' as const) : ('none' as const), password: null, host: hostRef.name };
    // The lockout guard: a NEW chain, opened as the first one (same hops, key, pinned host keys),
    // proves access after an sshd change; Rampart's client authenticates with keys only.
    const access = {
      loginUser: username,
      loginAuth: 'publickey' as const,
      deadmanSeconds: cmd.confirmWindowS ?? DEFAULT_DEADMAN_SECONDS,
      proveAccess: (needsRoot: boolean) =>
        proveAccess(
          {
            open: async () => (await openChain(store, hops, trust, { signal: io.signal, progress })).conn,
            sudo,
            timeoutMs: Math.min(15_000, Math.max(2_000, ((cmd.confirmWindowS ?? DEFAULT_DEADMAN_SECONDS) * 1000) / 2)),
          },
          needsRoot,
        ),
    };
    const engine = new FixEngine(
      first,
      {
        host: hostRef,
        sudo,
        sshdConfigPath: cmd.sshdConfigPath ?? saved?.sshdConfigPath ?? '/etc/ssh/sshd_config',
        scanRoots: cmd.scanRoots.length ? cmd.scanRoots : (saved?.scanRoots ?? []),
      },
      { store, ...(journalStore ? { journal: new Journal(journalStore.db) } : {}), reconnect: open, onProgress: progress, access, ...(io.beforeStep ? { beforeStep: io.beforeStep } : {}) },
    );
    const head = { tool: 'rampart' as const, version, host: { name: hostRef.name, address, port, username } };
    const emit = (r: JsonFixReport, job?: JobReport): void => {
      if (cmd.format === 'json') io.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else io.stdout.write(formatFixTable(r, job?.leftovers, job?.backupDir ?? null));
      if (job?.status === 'rollback-incomplete') {
        // Always on stderr too: the admin must act.
        io.stderr.write(`rampart: error: rollback of job ${job.jobId} is incomplete (${job.message ?? ''})\n`);
        for (const l of job.leftovers) io.stderr.write(`rampart:   ${JSON.stringify(l.path)}: expected ${l.expected}, found ${l.found}; ${l.action}\n`);
        io.stderr.write(`rampart:   backups of the job (modes, owners, file contents) in ${job.backupDir} on the host; to put them back, as root: sh ${job.backupDir}/restore.sh; then: rampart fix --rollback ${job.jobId} --db …\n`);
      }
    };
    const fromJob = (job: JobReport, extra: FixReport[] = [], requestedRollback = false): number => {
      const status = job.status as FixRunStatus;
      const guard = lockoutGuardOf(engine.journal.steps(job.jobId));
      emit({ ...head, jobId: job.jobId, status, fixes: [...job.fixes, ...extra], ...(guard ? { lockoutGuard: guard } : {}) }, job);
      // A rollback that was asked for and completed did what was asked.
      if (requestedRollback && status === 'rolled-back') return FIX_EXIT.applied;
      if ((status === 'rolled-back' || status === 'refused') && job.message) io.stderr.write(`rampart: error: the fix was ${status === 'refused' ? 'refused' : 'rolled back'}: ${job.message}\n`);
      if (status === 'partial') {
        io.stderr.write(`rampart: error: not every fix of job ${job.jobId} was applied (--on-failure ${job.onFailure}): ${job.message ?? ''}\n`);
        for (const l of outcomeLines(job.fixes)) io.stderr.write(`rampart:   ${l}\n`);
      }
      return exitFor(status, false);
    };

    if (cmd.action.kind === 'resume') return fromJob(await engine.resume(cmd.action.jobId));
    if (cmd.action.kind === 'rollback') return fromJob(await engine.rollback(cmd.action.jobId), [], true);

    // Jobs left unfinished on this host come first: they may hold the files half-changed.
    const unfinished = engine.journal.unfinished({ address, port });
    if (unfinished.length)
      throw new RampartError(
        'CONFLICT',
        `${unfinished.length} fix job(s) on ${address}:${port} did not finish: ${unfinished.map((j) => `${j.id} (${j.status})`).join(', ')}. Run rampart fix --resume JOB or --rollback JOB first.`,
      );
    const known = cmd.db ? knownFindings(store, address, port) : new Map<string, FindingRef>();
    const { plan, skipped } = await engine.plan({ findingIds: cmd.action.findingIds, checkIds: cmd.action.checkIds, known });
    const preview = engine.preview(plan);
    const refusedFixes = skipped.map(skippedFix);
    if (!plan.fixes.length) {
      emit({ ...head, jobId: null, status: 'refused', fixes: refusedFixes });
      io.stderr.write(`rampart: error: nothing to fix: ${skipped.map((s) => s.reason).join('; ') || 'no finding selected'}\n`);
      return FIX_EXIT.failed;
    }
    if (cmd.action.exportAnsible) return writeAnsible(cmd, cmd.action.exportAnsible, plan, skipped, io, version);
    if (cmd.action.dryRun) {
      if (cmd.format === 'table') io.stdout.write(formatPreview(preview, cmd.action.onFailure));
      else emit({ ...head, jobId: plan.jobId, status: 'dry-run', fixes: [...previewFixes(preview), ...refusedFixes] });
      return FIX_EXIT.applied;
    }
    let confirmedBy: string;
    if (cmd.action.yes) confirmedBy = `${os.userInfo().username} (--yes)`;
    else if (io.confirm) {
      io.stderr.write(formatPreview(preview, cmd.action.onFailure));
      const ok = await io.confirm(`Apply ${plan.fixes.length} fix(es) to ${hostRef.name}? [y/N] `);
      if (!ok) {
        emit({ ...head, jobId: null, status: 'refused', fixes: [...previewFixes(preview).map((f) => ({ ...f, status: 'refused' as const })), ...refusedFixes] });
        io.stderr.write('rampart: error: not confirmed; nothing was changed\n');
        return FIX_EXIT.usage;
      }
      confirmedBy = `${os.userInfo().username} (terminal)`;
    } else {
      emit({ ...head, jobId: null, status: 'refused', fixes: [...previewFixes(preview).map((f) => ({ ...f, status: 'refused' as const })), ...refusedFixes] });
      io.stderr.write('rampart: error: a fix needs confirmation: pass --yes, or run it on a terminal to answer the prompt; nothing was changed\n');
      return FIX_EXIT.usage;
    }
    return fromJob(await engine.apply(plan, confirmedBy, { onFailure: cmd.action.onFailure }), refusedFixes);
  } finally {
    for (const c of opened) {
      try {
        c.close();
      } catch {
        /* already closed */
      }
    }
    store.close();
    journalStore?.close();
  }
}

/** --export-ansible: the plan as a playbook + inventory; nothing on the host is changed. */
function writeAnsible(cmd: FixCommand, file: string, plan: Plan, skipped: readonly Skipped[], io: FixIo, version: string): number {
  const inventoryFile = ansibleInventoryPath(file);
  const hop = (h: { username: string; address: string; port: number }): string => `${h.username}@${h.address.includes(':') ? `[${h.address}]` : h.address}:${h.port}`;
  const out = exportAnsible([plan], {
    version,
    playbookName: path.basename(file),
    inventoryName: path.basename(inventoryFile),
    connection: () => ({ identityFile: cmd.identityFile, proxyJump: cmd.jump.length ? cmd.jump.map(hop).join(',') : null, knownHostsFile: cmd.knownHosts }),
  });
  for (const s of skipped) io.stderr.write(`rampart: warning: not planned, so not exported: ${s.checkId} ${JSON.stringify(s.resource)}: ${s.reason}\n`);
  for (const s of out.skipped) io.stderr.write(`rampart: warning: not exported (apply it with rampart fix): ${s.checkId} ${JSON.stringify(s.resource)}: ${s.reason}\n`);
  if (!out.exported.length) {
    io.stderr.write('rampart: error: no fix of the plan can be exported; nothing was written\n');
    return FIX_EXIT.failed;
  }
  try {
    fs.writeFileSync(file, out.playbook);
    fs.writeFileSync(inventoryFile, out.inventory);
  } catch (e) {
    throw new CliError('USAGE', `cannot write --export-ansible ${file}: ${(e as Error).message}`);
  }
  if (cmd.format === 'json')
    io.stdout.write(
      JSON.stringify({ tool: 'rampart', version, jobId: plan.jobId, host: { name: plan.host.name, address: plan.host.address, port: plan.host.port, username: plan.host.username }, status: 'exported', playbook: file, inventory: inventoryFile, exported: out.exported, skipped: [...skipped.map((s) => ({ host: plan.host.name, findingId: s.findingId, checkId: s.checkId, fixId: s.fixId, resource: s.resource, reason: s.reason })), ...out.skipped] }, null, 2) + '\n',
    );
  else
    io.stdout.write(
      [
        `rampart fix ${plan.host.username}@${plan.host.address}:${plan.host.port}: exported plan ${plan.jobId} (nothing was changed on the host)`,
        `  playbook:  ${file}`,
        `  inventory: ${inventoryFile}`,
        ...out.exported.map((f) => `  exported            ${f.checkId} ${JSON.stringify(f.resource)} [${f.fixId}]`),
        ...out.skipped.map((f) => `  NOT exported        ${f.checkId} ${JSON.stringify(f.resource)} [${f.fixId}]: ${f.reason}`),
        `Run: ansible-playbook -i ${inventoryFile} ${file} --check --diff`,
      ].join('\n') + '\n',
    );
  return FIX_EXIT.applied;
}
