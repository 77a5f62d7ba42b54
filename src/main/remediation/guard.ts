// The lockout guard (issue 11), shared by every fix that changes files behind a running service
// and can cut the admin off: sshd settings (accessFixes.ts), the firewall (firewallFixes.ts),
// sudoers (sudoersFixes.ts). The automatic-updates fix (updatesFixes.ts) uses the same backup,
// write, restore and verify machinery with the guard off (no dead-man switch, no proof).
//
// A guarded change is: the files it may change (each backed up byte for byte into the job's
// root-only folder), a dead-man switch armed on the host before anything changes, the change
// (written by Rampart, or by a tool such as ufw), what makes the running service follow the files
// (a reload), a proof with a NEW SSH connection, then the switch disarmed. The undo is the same for
// all: the switch first (disarmed, or found fired: then the host already reverted by itself), the
// files back, the revert command (reload / `ufw disable`), the files re-read.
//
// Each fix names its own step kinds (journals of older jobs keep theirs): `GuardKinds` says which
// kind of the fix is its backup, its write (what changes the files) and its reload.
import { RampartError } from '../../shared/errors';
import { shQuote } from '../ssh/quote';
import { armCommand, deadmanScript, disarmCommand, parseArm, parseDisarm, type DeadmanSpec } from './deadman';
import type { Journal, StepRow } from './journal';
import { describeState, parseStateLine, stateLine, ST_FN, CAS_EXIT } from './remote';
import { fileBackupCommand, fileRestoreCommand, fileWriteCommand, parseReadFiles, postStateOf, readFilesCommand, type HostRunner } from './composeFixes';
import type { FileState, FixDef, PlannedFile, StepDef, StepKind } from './types';

const q = shQuote;

/** What the guard machinery needs of a planned change (every guarded plan kind has these fields). */
export interface GuardedChange {
  jobId: string;
  backupDir: string;
  /** The dead-man window; null: no lockout guard (the change cannot cut access off). */
  deadmanSeconds: number | null;
  /** The proof runs a root check (sudo) on the new connection. */
  needsRoot: boolean;
  /** Every file the change may alter, with its backup. */
  files: PlannedFile[];
}

/** How one fix kind runs under the guard. */
export interface GuardRecipe {
  /** What changes, for messages: "sshd", "the firewall (ufw)", "sudoers". */
  subject: string;
  backup: StepKind;
  /** The step that changes the files (Rampart's atomic write, or the tool's commands). */
  write: StepKind;
  /** The step that makes the running service follow the files; null: nothing to reload. */
  reload: StepKind | null;
  /**
   * Shell (as root) run after the files are back, so the running service follows them (reload
   * sshd, `ufw disable` or `ufw reload`); null when the files are all there is.
   */
  revert: string | null;
  /** The write step already changes what runs (ufw rules on an active firewall): revert after it too. */
  revertAfterWrite: boolean;
  /**
   * Rampart writes the planned content (post hash known: the restore is a compare-and-swap on it);
   * false when a tool writes the files (ufw): the restore puts the backup back over whatever is there.
   */
  postKnown: boolean;
}

/** The declaration of a fix planned by a module (targets come from its plan, not from targets()): reversible, as root. */
export function moduleFix(d: Pick<FixDef, 'id' | 'checkIds' | 'title' | 'changes' | 'risk'> & Partial<Pick<FixDef, 'planSections'>>): FixDef {
  return { ...d, reversible: true, needsRoot: true, effort: 'low', targets: () => [], container: true };
}

export const oneLine = (s: string): string => s.trim().replace(/\s*\n\s*/g, ' ').slice(0, 300);

export function describeFile(s: FileState): string {
  return s.kind === 'present' && s.type === 'f' ? `${describeState(s)} sha256 ${s.sha256.slice(0, 12)}…` : describeState(s);
}

export async function readFiles(h: HostRunner, paths: readonly string[]): Promise<Array<{ state: FileState; bytes: Buffer | null }>> {
  const res = await h.run(readFilesCommand(paths), { readOnly: true });
  if (res.code !== 0) throw new Error(`could not read ${paths.map((p) => JSON.stringify(p)).join(', ')}: exit ${res.code}: ${res.stderr.trim().slice(0, 200)}`);
  return parseReadFiles(res.stdout, paths.length);
}

type CasOutcome = { kind: 'done'; now: FileState } | { kind: 'cas'; found: FileState | null } | { kind: 'error'; message: string };

export function parseCas(res: { code: number | null; stdout: string; stderr: string }): CasOutcome {
  const cas = /^CAS (.*)$/m.exec(res.stdout);
  if (res.code === CAS_EXIT && cas) return { kind: 'cas', found: parseStateLine(cas[1]!) };
  const now = /^NOW (.*)$/m.exec(res.stdout);
  const state = now ? parseStateLine(now[1]!) : null;
  if (res.code === 0 && state) return { kind: 'done', now: state };
  if (res.code === 0 && /^OK/m.test(res.stdout)) return { kind: 'done', now: { kind: 'absent' } };
  return { kind: 'error', message: `exit ${res.code}: ${(res.stderr || res.stdout).trim().slice(0, 300) || 'no output'}` };
}

/** A compare-and-swap refusal found while deriving the content again. */
export class CasChanged extends Error {
  constructor(
    message: string,
    readonly found: FileState,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Host commands

/** Backs up every file (compare-and-swap on its planned state): one subshell per file, the first refusal ends it. */
export function backupAllCommand(files: readonly PlannedFile[]): string {
  if (files.length === 1) return fileBackupCommand(files[0]!);
  return files.map((f) => `(\n${fileBackupCommand(f)}\n) || exit $?`).join('\n');
}

/** sh lines: exit 3 with "CAS <state>" unless every file is still in its planned pre-state. */
export function casAllLines(files: readonly PlannedFile[]): string[] {
  return [ST_FN, ...files.map((f) => `cur=$(st ${q(f.path)}); if [ "$cur" != ${q(stateLine(f.pre))} ]; then printf 'CAS %s\\n' "$cur"; exit ${CAS_EXIT}; fi`)];
}

/**
 * Puts one file back to its pre-state whatever it is now (a tool such as ufw wrote it, so its
 * content after the change was never planned): nothing when it is already as before; byte-identical
 * from the backup (temp + rename, the pre mode/owner) or removed when the change created it.
 */
export function fileRevertCommand(f: PlannedFile): string {
  const lines = [ST_FN, 'umask 077', `p=${q(f.path)}; t=${q(f.temp)}`, 'rm -f -- "$t"', `cur=$(st "$p"); if [ "$cur" = ${q(stateLine(f.pre))} ]; then printf 'NOW %s\\n' "$cur"; exit 0; fi`];
  if (f.pre.kind === 'absent') lines.push('rm -f -- "$p" || exit 4');
  else if (f.pre.kind === 'present') {
    const p = f.pre;
    const m = (p.mode & 0o7777).toString(8).padStart(4, '0');
    lines.push(
      `cp -- ${q(f.backup!)} "$t" && chown ${p.uid}:${p.gid} -- "$t" && chmod ${m} -- "$t" || { rm -f -- "$t"; exit 4; }`,
      `h=$(sha256sum < "$t"); h=\${h%% *}; if [ "$h" != ${q(p.sha256)} ]; then rm -f -- "$t"; echo 'the backup differs from the pre-state' >&2; exit 4; fi`,
      `mv -f -- "$t" "$p" || { rm -f -- "$t"; exit 4; }`,
    );
  }
  lines.push(`printf 'NOW %s\\n' "$(st "$p")"`);
  return lines.join('\n');
}

/** One line of restore.sh for a file: back from its backup, or removed when the change created it. */
export function restoreFileLine(f: PlannedFile): string | null {
  if (f.pre.kind === 'absent') return `rm -f -- ${q(f.path)}`;
  if (f.pre.kind !== 'present') return null;
  const p = f.pre;
  const m = (p.mode & 0o7777).toString(8).padStart(4, '0');
  return `cp -- ${q(f.backup!)} ${q(f.temp)} && chown ${p.uid}:${p.gid} -- ${q(f.temp)} && chmod ${m} -- ${q(f.temp)} && mv -f -- ${q(f.temp)} ${q(f.path)}`;
}

/** Lines for the job's restore.sh (as root): the files back, then the revert. */
export function guardRestoreLines(g: GuardedChange, r: GuardRecipe): string[] {
  const lines = g.files.map(restoreFileLine).filter((l): l is string => l !== null);
  if (r.revert) lines.push(`( ${r.revert.replace(/\n/g, '\n  ')} )`);
  return lines;
}

export function deadmanSpecOf(fixIndex: number, g: GuardedChange, r: GuardRecipe): DeadmanSpec {
  return {
    jobId: g.jobId,
    fixIndex,
    backupDir: g.backupDir,
    seconds: g.deadmanSeconds ?? 0,
    files: g.files.map((f) => ({ path: f.path, pre: f.pre, backup: f.backup, temp: f.temp })),
    reload: r.revert ?? 'true',
  };
}

// ---------------------------------------------------------------------------------------------
// Steps

/** The guard's own steps around a fix's change: backup and arm before it, proof and disarm after. */
export function guardSteps(
  g: GuardedChange,
  r: GuardRecipe,
  fixIndex: number,
  firstSeq: number,
  change: ReadonlyArray<Omit<StepDef, 'seq' | 'fixIndex'>>,
): StepDef[] {
  const spec = deadmanSpecOf(fixIndex, g, r);
  const target = g.files.length === 1 ? g.files[0]!.path : null;
  const out: Array<Omit<StepDef, 'seq' | 'fixIndex'>> = [{ kind: r.backup, name: 'capture + backup', target, command: backupAllCommand(g.files) }];
  if (g.deadmanSeconds !== null)
    out.push({ kind: 'deadman-arm', name: `arm dead-man switch (${g.deadmanSeconds} s)`, target: null, command: `${armCommand(spec)}\n# stdin: the restore script (written root-only into the backup folder)` });
  out.push(...change);
  if (g.deadmanSeconds !== null)
    out.push(
      { kind: 'access-proof', name: 'prove access (new SSH connection)', target: null, command: `# a new SSH connection made as Rampart reached the host (same user, key, jump chain), then id -u${g.needsRoot ? ' (as root)' : ''}` },
      { kind: 'deadman-disarm', name: 'disarm dead-man switch', target: null, command: disarmCommand(spec) },
    );
  return out.map((s, i) => ({ ...s, fixIndex, seq: firstSeq + i }));
}

/** The write step of one planned file (atomic, compare-and-swap on its planned hash). */
export function writeStepOf(kind: StepKind, f: PlannedFile): Omit<StepDef, 'seq' | 'fixIndex'> {
  return { kind, name: 'write', target: f.path, command: `${fileWriteCommand(f)}\n# stdin: the new content (base64), sha256 ${f.post.sha256}` };
}

export interface GuardStepContext extends HostRunner {
  journal: Journal;
  jobId: string;
  progress(m: string): void;
}

export interface GuardStepOutcome {
  status: 'done' | 'failed' | 'skipped';
  detail: string;
  failure?: string | null;
  refused?: boolean;
  post?: FileState | null;
}

function refusedBy(path: string, found: FileState | null, pre: FileState | null): GuardStepOutcome {
  const why = `${JSON.stringify(path)} changed since the plan: it is ${found ? describeFile(found) : 'unreadable'}${pre ? `, the plan saw ${describeFile(pre)}` : ''}; nothing was written`;
  return { status: 'skipped', detail: `refused: ${why}`, failure: why, refused: true, post: found };
}

export async function runBackupStep(step: StepRow, g: GuardedChange, ctx: GuardStepContext): Promise<GuardStepOutcome> {
  const names = g.files.map((f) => JSON.stringify(f.path)).join(', ');
  ctx.progress(`Backing up ${names} into the job's backup folder`);
  const out = parseCas(await ctx.run(step.command, { readOnly: false }));
  if (out.kind === 'cas') {
    const f = g.files.find((x) => out.found && stateLine(x.pre) !== stateLine(out.found)) ?? g.files[0]!;
    return refusedBy(g.files.length === 1 ? f.path : names, out.found, g.files.length === 1 ? f.pre : null);
  }
  if (out.kind === 'error') return { status: 'failed', detail: `backup failed: ${out.message}`, failure: `backup of ${names} failed: ${out.message}` };
  if (g.files.length > 1) return { status: 'done', detail: `${g.files.filter((f) => f.backup).length} file(s) copied into ${g.backupDir}; ${g.files.filter((f) => !f.backup).length} absent` };
  const f = g.files[0]!;
  return { status: 'done', detail: f.backup ? `${describeFile(f.pre)} → ${f.backup}` : `${JSON.stringify(f.path)} is absent (the fix creates it)` };
}

export async function runArmStep(step: StepRow, g: GuardedChange, r: GuardRecipe, ctx: GuardStepContext): Promise<GuardStepOutcome> {
  const spec = deadmanSpecOf(step.fixIndex, g, r);
  ctx.progress(`Arming the dead-man switch: the host reverts by itself in ${g.deadmanSeconds} s unless access is proven`);
  const res = parseArm(await ctx.run(armCommand(spec), { stdin: deadmanScript(spec), readOnly: false }));
  if (!res.ok) return { status: 'failed', detail: `could not arm: ${res.message}`, failure: `the dead-man switch could not be armed (${res.message}); nothing was changed` };
  const what = g.files.length === 1 ? JSON.stringify(g.files[0]!.path) : `${g.files.length} files`;
  return { status: 'done', detail: `armed (${res.kind} ${res.handle}): restores ${what} and reverts ${r.subject} at ${new Date(Date.now() + (g.deadmanSeconds ?? 0) * 1000).toISOString()} unless disarmed` };
}

/** Writes one planned file with the content the fix derived again (must hash to the plan). */
export async function runWriteStep(f: PlannedFile, content: () => Promise<Buffer>, ctx: GuardStepContext): Promise<GuardStepOutcome> {
  ctx.progress(`Writing ${JSON.stringify(f.path)} (atomic, compare-and-swap)`);
  let bytes: Buffer;
  try {
    bytes = await content();
  } catch (e) {
    if (e instanceof CasChanged) return { status: 'skipped', detail: `refused: ${e.message}`, failure: e.message, refused: true, post: e.found };
    throw e;
  }
  const out = parseCas(await ctx.run(fileWriteCommand(f), { stdin: bytes.toString('base64'), readOnly: false }));
  if (out.kind === 'cas') return refusedBy(f.path, out.found, null);
  if (out.kind === 'error') return { status: 'failed', detail: out.message, failure: `writing ${JSON.stringify(f.path)} failed: ${out.message}` };
  if (stateLine(out.now) !== stateLine(postStateOf(f)))
    return { status: 'failed', detail: `${JSON.stringify(f.path)} is ${describeFile(out.now)} after the write`, failure: `${JSON.stringify(f.path)} is ${describeFile(out.now)} after the write, expected ${describeFile(postStateOf(f))}`, post: out.now };
  return { status: 'done', detail: `${describeFile(f.pre)} → ${describeFile(out.now)}`, post: out.now };
}

/** A command step (validate, reload, enable): exit 0 or the failure `what` names. */
export async function runCommandStep(command: string, ctx: GuardStepContext, o: { progress: string; done: string; failed: string; readOnly: boolean; stdin?: string }): Promise<GuardStepOutcome> {
  ctx.progress(o.progress);
  const res = await ctx.run(command, { readOnly: o.readOnly, ...(o.stdin !== undefined ? { stdin: o.stdin } : {}) });
  if (res.code === 0) return { status: 'done', detail: o.done };
  if (res.code === CAS_EXIT && /^CAS /m.test(res.stdout)) {
    const out = parseCas(res);
    const why = `a file of the change is ${out.kind === 'cas' && out.found ? describeFile(out.found) : 'unreadable'}, not as the plan saw it; nothing was changed`;
    return { status: 'skipped', detail: `refused: ${why}`, failure: why, refused: true, post: out.kind === 'cas' ? out.found : null };
  }
  const msg = `${o.failed} (exit ${res.code}): ${oneLine(res.stderr || res.stdout)}`;
  return { status: 'failed', detail: msg, failure: msg };
}

export async function runProofStep(step: StepRow, g: GuardedChange, ctx: GuardStepContext): Promise<GuardStepOutcome> {
  ctx.progress('Proving access: logging in with a NEW SSH connection, as Rampart reached the host');
  const started = Date.now();
  const prove = ctx.access?.proveAccess;
  if (!prove) {
    const msg = 'this run has no way to open a new SSH connection to prove access: the change is not kept';
    return { status: 'failed', detail: msg, failure: msg };
  }
  // A login that only got through once the window had ended proves the reverted host, not the change.
  const armedAt = Date.parse(ctx.journal.steps(ctx.jobId).find((s) => s.fixIndex === step.fixIndex && s.kind === 'deadman-arm')?.finishedAt ?? '');
  try {
    const detail = await prove(g.needsRoot);
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    if (g.deadmanSeconds !== null && Number.isFinite(armedAt) && Date.now() > armedAt + g.deadmanSeconds * 1000) {
      const msg = `a new connection logged in only after ${took}, when the ${g.deadmanSeconds} s dead-man window had ended (the host had reverted by itself): the change is not proven`;
      return { status: 'failed', detail: msg, failure: msg };
    }
    return { status: 'done', detail: `a new connection logged in after ${took}: ${detail}` };
  } catch (e) {
    const msg = `a new SSH connection could not log in after the change (${oneLine((e as Error).message)}): the change would lock Rampart out`;
    return { status: 'failed', detail: msg, failure: msg };
  }
}

export async function runDisarmStep(step: StepRow, g: GuardedChange, r: GuardRecipe, ctx: GuardStepContext): Promise<GuardStepOutcome> {
  const res = parseDisarm(await ctx.run(disarmCommand(deadmanSpecOf(step.fixIndex, g, r)), { readOnly: false }));
  if (res.kind === 'disarmed') return { status: 'done', detail: `disarmed (${res.detail}): nothing will be restored` };
  if (res.kind === 'fired') {
    const msg = `the dead-man switch fired before it was disarmed (${res.detail}): the host put the old config back by itself`;
    return { status: 'failed', detail: msg, failure: msg };
  }
  const msg = res.kind === 'none' ? 'the dead-man switch was not armed on the host' : `the dead-man switch could not be disarmed: ${res.message}`;
  return { status: 'failed', detail: msg, failure: msg };
}

/** The guard's own steps (backup, arm, proof, disarm); null for a step the fix runs itself. */
export async function runGuardStep(step: StepRow, g: GuardedChange, r: GuardRecipe, ctx: GuardStepContext): Promise<GuardStepOutcome | null> {
  if (step.kind === r.backup) return runBackupStep(step, g, ctx);
  if (step.kind === 'deadman-arm') return runArmStep(step, g, r, ctx);
  if (step.kind === 'access-proof') return runProofStep(step, g, ctx);
  if (step.kind === 'deadman-disarm') return runDisarmStep(step, g, r, ctx);
  return null;
}

/** After the change: every file Rampart wrote is as planned (files a tool wrote are checked by the fix). */
export async function verifyWrittenFiles(files: readonly PlannedFile[], h: HostRunner): Promise<string | null> {
  if (!files.length) return null;
  const cur = await readFiles(h, files.map((f) => f.path));
  for (const [i, f] of files.entries()) {
    const want = postStateOf(f);
    if (stateLine(cur[i]!.state) !== stateLine(want)) return `${JSON.stringify(f.path)} is ${describeFile(cur[i]!.state)}, expected ${describeFile(want)}`;
  }
  return null;
}

/** A step a crash left running or failed: an unproven change is never carried on, it is rolled back. */
export function resumeGuardVerdict(step: StepRow, r: GuardRecipe): { kind: 'pending' } | { kind: 'rollback'; why: string } {
  if (step.status !== 'running' && step.status !== 'failed') return { kind: 'pending' };
  if (step.kind === r.backup) return { kind: 'pending' };
  return { kind: 'rollback', why: `the ${r.subject} change was interrupted at "${step.name}": a change that was not proven is rolled back, never carried on` };
}

// ---------------------------------------------------------------------------------------------
// Undo

export interface GuardUndoContext extends GuardStepContext {
  beforeUndo?: (step: StepDef) => Promise<void> | void;
  /** Reconnects after a drop (so the rest of the rollback can reach the host). */
  onError(e: unknown): Promise<void>;
}

export interface GuardLeftover {
  path: string;
  expected: string;
  found: string;
  action: string;
}

const TOUCHED = ['running', 'done', 'failed', 'undoing', 'undo-failed', 'undone'];
const touched = (s: StepRow | undefined): boolean => !!s && TOUCHED.includes(s.status) && s.status !== 'undone';

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

/**
 * Undoes one guarded change. Through the current session when it works: the timer disarmed, the
 * files back byte-identical (already back when the timer fired), the service reverted. When the
 * session is gone and no new one can be made (the change locked Rampart out), the dead-man switch
 * reverts the host: wait out its window, then connect again and check.
 */
export async function undoGuarded(fixIndex: number, g: GuardedChange, r: GuardRecipe, steps: readonly StepRow[], ctx: GuardUndoContext): Promise<GuardLeftover[]> {
  const mine = steps.filter((s) => s.fixIndex === fixIndex);
  const step = (k: StepKind): StepRow | undefined => mine.find((s) => s.kind === k);
  const arm = step('deadman-arm');
  const write = step(r.write)!;
  const reload = r.reload ? step(r.reload) : undefined;
  const disarm = step('deadman-disarm');
  const armed = touched(arm) && disarm?.status !== 'done';
  const wrote = touched(write);
  const spec = deadmanSpecOf(fixIndex, g, r);
  let byTimer: string | null = null;
  let sessionGone: string | null = null;

  /** One privileged command; on a drop, one reconnect and one more try; null when the host cannot be reached. */
  const tryRun = async (command: string): Promise<{ code: number | null; stdout: string; stderr: string } | null> => {
    for (let i = 0; i < 2; i++) {
      try {
        return await ctx.run(command, { readOnly: false });
      } catch (e) {
        sessionGone = (e as Error).message;
        await ctx.onError(e);
      }
    }
    return null;
  };

  // 1. The timer first: once disarmed (or found fired) nothing else writes the files.
  if (armed && arm) {
    await ctx.beforeUndo?.(arm);
    ctx.journal.stepStarted(ctx.jobId, arm.seq, 'undoing');
    const res = await tryRun(disarmCommand(spec));
    const d = res ? parseDisarm(res) : null;
    if (d?.kind === 'fired') byTimer = d.detail;
    if (!d) ctx.journal.stepFinished(ctx.jobId, arm.seq, 'undone', `the current session is gone (${sessionGone}); the dead-man switch reverts the host at the end of its ${g.deadmanSeconds} s window`);
    else ctx.journal.stepFinished(ctx.jobId, arm.seq, d.kind === 'error' ? 'undo-failed' : 'undone', d.kind === 'fired' ? `the dead-man switch had fired (${d.detail}): the host put the old config back by itself` : d.kind === 'disarmed' ? `disarmed (${d.detail})` : d.kind === 'none' ? 'not armed on the host' : d.message);
    if (!d) {
      // Locked out: the timer restores. Wait out its window, then reach the host again to check.
      ctx.progress(`The current session is gone and no new one logs in: waiting ${g.deadmanSeconds} s for the dead-man switch to revert the host`);
      const startedAt = arm.finishedAt ? Date.parse(arm.finishedAt) : Date.now();
      await sleep(Math.max(0, startedAt + (g.deadmanSeconds ?? 0) * 1000 + 3000 - Date.now()));
      await ctx.onError(new RampartError('CONNECTION_DROPPED', 'reconnecting after the dead-man window'));
      const again = await tryRun(disarmCommand(spec));
      const d2 = again ? parseDisarm(again) : null;
      if (d2?.kind === 'fired') byTimer = d2.detail;
    }
  }

  // 2. The files, through the session (the timer may have done it already: then they are the pre-state).
  let revertedWithWrite: string | null = null;
  if (wrote) {
    await ctx.beforeUndo?.(write);
    ctx.journal.stepStarted(ctx.jobId, write.seq, 'undoing');
    const problems: string[] = [];
    let last: FileState | null = null;
    for (const f of g.files) {
      const res = await tryRun(r.postKnown ? fileRestoreCommand(f) : fileRevertCommand(f));
      const out = res ? parseCas(res) : null;
      if (out?.kind === 'done' && stateLine(out.now) === stateLine(f.pre)) {
        last = out.now;
        continue;
      }
      last = out?.kind === 'cas' ? out.found : out?.kind === 'done' ? out.now : null;
      problems.push(
        !out ? `could not reach the host (${sessionGone})` : out.kind === 'cas' ? `${JSON.stringify(f.path)} is ${out.found ? describeFile(out.found) : 'unreadable'}: changed by someone else since the fix; left as is` : out.kind === 'error' ? `${JSON.stringify(f.path)}: ${out.message}` : `${JSON.stringify(f.path)} is ${describeFile(out.now)}`,
      );
    }
    // A write that already changed what runs (ufw rules on an active firewall), with no reload step touched to carry the revert.
    if (r.revert && r.revertAfterWrite && !touched(reload) && !problems.length) {
      const res = await tryRun(r.revert);
      revertedWithWrite = res && res.code === 0 ? `; ${r.subject} reverted` : `; reverting ${r.subject} failed: ${res ? oneLine(res.stderr || res.stdout) : `could not reach the host (${sessionGone})`}`;
      if (!res || res.code !== 0) problems.push(revertedWithWrite.slice(2));
    }
    const what = g.files.length === 1 ? JSON.stringify(g.files[0]!.path) : `${g.files.length} files`;
    const single = g.files.length === 1 ? g.files[0]! : null;
    if (!problems.length)
      ctx.journal.stepFinished(
        ctx.jobId,
        write.seq,
        'undone',
        byTimer
          ? `restored by the dead-man switch (fired ${byTimer}); ${what} as before`
          : `restored through the current session: ${what} back to the pre-state${single ? ` (${describeFile(single.pre)}${single.backup ? `, byte-identical from ${single.backup}` : ', removed: the fix created it'})` : ' (byte-identical from the backups)'}${revertedWithWrite ?? ''}`,
        single ? last : null,
      );
    else ctx.journal.stepFinished(ctx.jobId, write.seq, 'undo-failed', problems.join('; '), single ? last : null);
  }

  // 3. The service follows the restored files (also when the timer did it: harmless, and sure).
  if (reload && touched(reload) && r.revert) {
    await ctx.beforeUndo?.(reload);
    ctx.journal.stepStarted(ctx.jobId, reload.seq, 'undoing');
    const res = await tryRun(r.revert);
    ctx.journal.stepFinished(
      ctx.jobId,
      reload.seq,
      res && res.code === 0 ? 'undone' : 'undo-failed',
      res ? (res.code === 0 ? `${r.subject} reverted to the restored config${byTimer ? ' (the dead-man switch had done it too)' : ''}` : `reverting ${r.subject} failed (exit ${res.code}): ${oneLine(res.stderr || res.stdout)}`) : `could not reach the host (${sessionGone})`,
    );
  }

  // 4. Re-read the files.
  if (!wrote) return [];
  let states: FileState[] | null = null;
  let err = '';
  try {
    states = (await readFiles(ctx, g.files.map((f) => f.path))).map((x) => x.state);
  } catch (e) {
    err = (e as Error).message;
  }
  const left: GuardLeftover[] = [];
  for (const [i, f] of g.files.entries()) {
    const s = states?.[i];
    if (s && stateLine(s) === stateLine(f.pre)) continue;
    left.push({
      path: f.path,
      expected: describeFile(f.pre),
      found: s ? describeFile(s) : `unknown (${err || sessionGone || 'not read'})`,
      action:
        f.pre.kind === 'absent'
          ? `the fix created it: as root: rm -f -- ${q(f.path)}${r.revert ? `; then revert ${r.subject}` : ''}`
          : `its content before the job is in ${f.backup} on the host${g.deadmanSeconds !== null ? `; the dead-man switch (${g.backupDir}/deadman-${fixIndex}.sh) restores it` : ''}; by hand as root: cp -p -- ${q(f.backup!)} ${q(f.path)}${r.revert ? ` && revert ${r.subject}` : ''}`,
    });
  }
  return left;
}

// ---------------------------------------------------------------------------------------------
// The JSON report's lockoutGuard

/** The JSON report's `lockoutGuard` (issue 11 CLI contract), from a job's journaled steps. */
export interface LockoutGuard {
  /** A dead-man switch was armed on the host. */
  armed: boolean;
  /** Every new-connection proof that ran logged in (null: none ran). */
  newSessionOk: boolean | null;
  /** What put a guarded change back: nothing needed, the current session, or the dead-man switch. */
  restoredBy: 'none' | 'session' | 'timer';
}

/** The step kinds that change the files of a guarded fix (sshd, sudoers, ufw). */
export const GUARDED_WRITE_KINDS: readonly StepKind[] = ['sshd-write', 'sudoers-write', 'ufw-rules'];

/** null when the job has no guarded fix. */
export function lockoutGuardOf(steps: ReadonlyArray<Pick<StepRow, 'kind' | 'status' | 'detail'>>): LockoutGuard | null {
  const arms = steps.filter((s) => s.kind === 'deadman-arm');
  if (!arms.length) return null;
  const proofs = steps.filter((s) => s.kind === 'access-proof' && (s.status === 'done' || s.status === 'failed'));
  const writes = steps.filter((s) => GUARDED_WRITE_KINDS.includes(s.kind) && s.status === 'undone');
  return {
    armed: arms.some((s) => s.status !== 'pending' && s.status !== 'skipped'),
    newSessionOk: proofs.length ? proofs.every((s) => s.status === 'done') : null,
    restoredBy: writes.some((s) => s.detail?.startsWith('restored by the dead-man switch')) ? 'timer' : writes.length ? 'session' : 'none',
  };
}
