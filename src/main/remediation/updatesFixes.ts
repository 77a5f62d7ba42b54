// The automatic-updates fix (issue 11) for SYS-UNATTENDED-UPGRADES: /etc/apt/apt.conf.d/20auto-upgrades
// gets APT::Periodic::Update-Package-Lists "1" and APT::Periodic::Unattended-Upgrade "1" (what
// `dpkg-reconfigure -plow unattended-upgrades` writes): lines that set them get the new value in
// place, missing ones are appended (the last value apt reads wins), every other byte is kept; a
// missing file is created (0644 root:root). Reversible: byte-identical from the backup, or removed
// when the fix created it.
//
// No lockout guard (no dead-man switch, no new-connection proof): a periodic apt setting cannot
// close SSH or sudo, and nothing runs when the file is written (apt's daily job reads it later).
// The rest of the model is the same as the guarded fixes (guard.ts with deadmanSeconds null):
// journaled backup (compare-and-swap on the planned state), atomic compare-and-swap write, verify
// by re-running the check, rollback restoring the file.
//
// Refused when the finding has causes this file cannot fix (the package is missing, no security
// origin, the timer is off, nothing runs apt's periodic jobs): those need a package install or a
// decision the admin makes, and a fix that leaves its finding would only be rolled back.
import { createHash } from 'node:crypto';
import type { HostFacts } from '../audit/facts';
import { periodicEnabled } from '../audit/parsers/system';
import type { StepRow } from './journal';
import { stateLine } from './remote';
import { postStateOf, type HostRunner } from './composeFixes';
import { unifiedDiff } from './diff';
import { moduleFix, CasChanged, describeFile, guardRestoreLines, guardSteps, readFiles, resumeGuardVerdict, runGuardStep, runWriteStep, undoGuarded, verifyWrittenFiles, writeStepOf, type GuardedChange, type GuardLeftover, type GuardRecipe, type GuardStepContext, type GuardStepOutcome, type GuardUndoContext } from './guard';
import { FixNotApplicable, type FileState, type FindingRef, type FixDef, type PlannedFile, type StepDef } from './types';
import type { AccessPlanContext } from './accessFixes';

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

export const AUTO_UPGRADES_PATH = '/etc/apt/apt.conf.d/20auto-upgrades';
export const PERIODIC_SETTINGS: ReadonlyArray<readonly [string, string]> = [
  ['Update-Package-Lists', '1'],
  ['Unattended-Upgrade', '1'],
];

export const UPDATES_FIX: FixDef = moduleFix({
  id: 'apt-auto-upgrades',
  checkIds: ['SYS-UNATTENDED-UPGRADES'],
  title: 'Install security updates automatically (20auto-upgrades)',
  changes: `sets APT::Periodic::Update-Package-Lists "1" and APT::Periodic::Unattended-Upgrade "1" in ${AUTO_UPGRADES_PATH} (created when absent); rolled back byte-identical, or removed when the fix created it`,
  risk: 'low',
});

export function isUpdatesCheck(checkId: string): boolean {
  return UPDATES_FIX.checkIds.includes(checkId);
}

export interface UpdatesPlan {
  kind: 'apt-periodic';
  checkId: string;
  jobId: string;
  backupDir: string;
  file: PlannedFile;
  /** The values apt had (apt-config dump), for the preview. */
  before: Record<string, string | null>;
  diff: string;
}

// ---------------------------------------------------------------------------------------------
// The edit (pure)

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Sets each `APT::Periodic::KEY "VALUE";` in an apt.conf text: a line that sets it (the whole line
 * is that one statement) gets the new value in place, keeping its indentation; a missing one is
 * appended. Every other line is kept byte for byte.
 */
export function setAptPeriodic(text: string, settings: ReadonlyArray<readonly [string, string]>): string {
  const lines = text === '' ? [] : text.split('\n');
  const trailing = lines.length > 0 && lines[lines.length - 1] === '';
  if (trailing) lines.pop();
  for (const [key, value] of settings) {
    if (!/^[A-Za-z0-9-]+$/.test(key) || !/^[A-Za-z0-9]*$/.test(value)) throw new Error(`unexpected apt setting ${key}=${value}`);
    const re = new RegExp(`^([ \\t]*)APT::Periodic::${escapeRe(key)}[ \\t]+"[^"]*"[ \\t]*;[ \\t]*(\\r?)$`);
    let found = false;
    for (let i = 0; i < lines.length; i++) {
      const m = re.exec(lines[i]!);
      if (!m) continue;
      lines[i] = `${m[1]}APT::Periodic::${key} "${value}";${m[2]}`;
      found = true;
    }
    if (!found) lines.push(`APT::Periodic::${key} "${value}";`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** apt.conf lines other than APT::Periodic ones, masked (an apt.conf file may hold proxy credentials). */
function masked(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' || /^\s*APT::Periodic::[A-Za-z0-9-]+\s+"[A-Za-z0-9]*"\s*;\s*$/.test(l) || /^\s*(\/\/.*)?$/.test(l) ? l : '<other setting, not shown>'))
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Guard (off), steps, preview

export function updatesGuard(p: UpdatesPlan): GuardedChange {
  return { jobId: p.jobId, backupDir: p.backupDir, deadmanSeconds: null, needsRoot: true, files: [p.file] };
}

export const UPDATES_RECIPE: GuardRecipe = { subject: 'apt periodic settings', backup: 'apt-backup', write: 'apt-write', reload: null, revert: null, revertAfterWrite: false, postKnown: true };

export function updatesSteps(p: UpdatesPlan, fixIndex: number, firstSeq: number): StepDef[] {
  return guardSteps(updatesGuard(p), UPDATES_RECIPE, fixIndex, firstSeq, [writeStepOf('apt-write', p.file)]);
}

export function updatesPreviewTargets(p: UpdatesPlan): Array<{ path: string; from: string; to: string; reason: string }> {
  const was = PERIODIC_SETTINGS.map(([k]) => `${k} ${p.before[k] === null || p.before[k] === undefined ? 'unset' : JSON.stringify(p.before[k])}`).join(', ');
  return [{ path: p.file.path, from: describeFile(p.file.pre), to: describeFile(postStateOf(p.file)), reason: `APT::Periodic ${was} → both "1" (apt's daily job then installs the security updates)` }];
}

export function updatesRestoreLines(p: UpdatesPlan): string[] {
  return guardRestoreLines(updatesGuard(p), UPDATES_RECIPE);
}

// ---------------------------------------------------------------------------------------------
// Planning

export async function planUpdatesFix(finding: FindingRef, facts: Partial<HostFacts>, ctx: AccessPlanContext, fixIndex: number): Promise<UpdatesPlan> {
  const s = facts.autoUpgrades;
  if (!s) throw new FixNotApplicable('the unattended-upgrades facts were not collected');
  if (!s.ok) throw new FixNotApplicable(`the unattended-upgrades facts are missing: ${s.message}`);
  const a = s.value;
  const other: string[] = [];
  if (!a.installed) other.push('the unattended-upgrades package is not installed (apt-get install unattended-upgrades)');
  if (a.installed && !a.origins.some((o) => /security/i.test(o))) other.push('no security origin in 50unattended-upgrades');
  if (a.timer && (/^(disabled|masked)/.test(a.timer.enabled) || a.timer.enabled === '')) other.push(`apt-daily-upgrade.timer is ${a.timer.enabled || 'missing'}`);
  if (!a.timer && !a.cron) other.push('neither systemd nor /etc/cron.daily/apt-compat runs the periodic apt jobs');
  if (other.length) throw new FixNotApplicable(`${AUTO_UPGRADES_PATH} alone cannot resolve this: ${other.join('; ')}`);
  if (PERIODIC_SETTINGS.every(([k]) => periodicEnabled(a.periodic[k]))) throw new FixNotApplicable('APT::Periodic already enables both settings');
  const path = AUTO_UPGRADES_PATH;
  if (ctx.chmodPaths.has(path)) throw new FixNotApplicable(`${JSON.stringify(path)} also gets a mode/owner fix in this plan: fix them in two jobs`);
  let pre: FileState;
  let text = '';
  const pend = ctx.pending.get(path);
  if (pend) ({ text, state: pre } = pend);
  else {
    const [r] = await readFiles(ctx, [path]);
    pre = r!.state;
    if (pre.kind === 'symlink' || (pre.kind === 'present' && pre.type !== 'f')) throw new FixNotApplicable(`${JSON.stringify(path)} is ${describeFile(pre)}; Rampart does not follow or replace it`);
    if (r!.bytes) {
      text = r!.bytes.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(r!.bytes)) throw new FixNotApplicable(`${JSON.stringify(path)} is not UTF-8 text; edit it by hand`);
    }
  }
  const after = setAptPeriodic(text, PERIODIC_SETTINGS);
  if (after === text) throw new FixNotApplicable(`${path} already sets both to "1", and apt-config still reports otherwise: another file in apt.conf.d overrides it; check by hand`);
  const file: PlannedFile = {
    path,
    role: 'apt',
    pre,
    post: pre.kind === 'present' ? { sha256: sha256(after), mode: pre.mode, uid: pre.uid, gid: pre.gid } : { sha256: sha256(after), mode: 0o644, uid: 0, gid: 0 },
    backup: pre.kind === 'present' ? `${ctx.backupDir}/apt-${fixIndex}-20auto-upgrades.orig` : null,
    // apt silently ignores names ending in .disabled (Dir::Ignore-Files-Silently): the temp file is never read as config.
    temp: `/etc/apt/apt.conf.d/.rampart-${ctx.jobId.slice(0, 8)}-${fixIndex}.disabled`,
  };
  ctx.pending.set(path, { text: after, state: postStateOf(file) });
  return {
    kind: 'apt-periodic',
    checkId: finding.checkId,
    jobId: ctx.jobId,
    backupDir: ctx.backupDir,
    file,
    before: Object.fromEntries(PERIODIC_SETTINGS.map(([k]) => [k, a.periodic[k] ?? null])),
    diff: unifiedDiff(masked(text), masked(after), path),
  };
}

// ---------------------------------------------------------------------------------------------
// Running, verifying, undoing

async function newContent(h: HostRunner, p: UpdatesPlan): Promise<Buffer> {
  const [cur] = await readFiles(h, [p.file.path]);
  if (stateLine(cur!.state) !== stateLine(p.file.pre)) throw new CasChanged(`${JSON.stringify(p.file.path)} changed since the plan: it is ${describeFile(cur!.state)}, the plan saw ${describeFile(p.file.pre)}; nothing was written`, cur!.state);
  const out = Buffer.from(setAptPeriodic(cur!.bytes ? cur!.bytes.toString('utf8') : '', PERIODIC_SETTINGS), 'utf8');
  if (sha256(out) !== p.file.post.sha256) throw new Error(`the edit of ${JSON.stringify(p.file.path)} no longer gives the planned content; nothing was written`);
  return out;
}

export async function runUpdatesStep(step: StepRow, p: UpdatesPlan, ctx: GuardStepContext): Promise<GuardStepOutcome> {
  const guard = await runGuardStep(step, updatesGuard(p), UPDATES_RECIPE, ctx);
  if (guard) return guard;
  if (step.kind === 'apt-write') return runWriteStep(p.file, () => newContent(ctx, p), ctx);
  throw new Error(`not an updates step: ${step.kind}`);
}

export function verifyUpdatesFix(p: UpdatesPlan, h: HostRunner): Promise<string | null> {
  return verifyWrittenFiles([p.file], h);
}

export function resumeUpdatesVerdict(step: StepRow): { kind: 'pending' } | { kind: 'rollback'; why: string } {
  return resumeGuardVerdict(step, UPDATES_RECIPE);
}

export function undoUpdatesFix(fixIndex: number, p: UpdatesPlan, steps: readonly StepRow[], ctx: GuardUndoContext): Promise<GuardLeftover[]> {
  return undoGuarded(fixIndex, updatesGuard(p), UPDATES_RECIPE, steps, ctx);
}
