// One dispatch for the fixes built on guard.ts (sshd settings, the firewall, sudoers, automatic
// updates): composeFixes.ts asks here first, so each of its entry points (plan, steps, preview,
// run, verify, resume, undo, restore.sh, paths) has one line for all four instead of one each.
import type { HostFacts } from '../audit/facts';
import type { StepRow } from './journal';
import type { HostRunner } from './composeFixes';
import { accessFixPaths, accessPreviewTargets, accessRestoreLines, accessSteps, isAccessCheck, planAccessFix, resumeAccessVerdict, runAccessStep, undoAccessFix, verifyAccessFix, type AccessPlanContext } from './accessFixes';
import { firewallDiff, firewallFixPaths, firewallPreviewTargets, firewallRestoreLines, firewallSteps, isFirewallCheck, planFirewallFix, resumeFirewallVerdict, runFirewallStep, undoFirewallFix, verifyFirewallFix } from './firewallFixes';
import type { GuardLeftover, GuardStepContext, GuardStepOutcome, GuardUndoContext } from './guard';
import { isSudoersCheck, planSudoersFix, resumeSudoersVerdict, runSudoersStep, sudoersDiff, sudoersPreviewTargets, sudoersRestoreLines, sudoersSteps, undoSudoersFix, verifySudoersFix } from './sudoersFixes';
import { isUpdatesCheck, planUpdatesFix, resumeUpdatesVerdict, runUpdatesStep, undoUpdatesFix, updatesPreviewTargets, updatesRestoreLines, updatesSteps, verifyUpdatesFix } from './updatesFixes';
import type { ContainerFixPlan, FindingRef, StepDef, StepKind } from './types';

export const GUARDED_STEP_KINDS: readonly StepKind[] = [
  'sshd-backup',
  'deadman-arm',
  'sshd-write',
  'sshd-validate',
  'sshd-reload',
  'access-proof',
  'deadman-disarm',
  'ufw-backup',
  'ufw-rules',
  'ufw-enable',
  'sudoers-backup',
  'sudoers-validate',
  'sudoers-write',
  'sudoers-check',
  'apt-backup',
  'apt-write',
];

export function isGuardedStep(kind: StepKind): boolean {
  return GUARDED_STEP_KINDS.includes(kind);
}

type Verdict = { kind: 'pending' } | { kind: 'rollback'; why: string };
type PreviewTarget = { path: string; from: string; to: string; reason: string };

export interface GuardedHandlers {
  steps(fixIndex: number, firstSeq: number): StepDef[];
  preview(): PreviewTarget[];
  diff(): string | null;
  restoreLines(): string[];
  run(step: StepRow, ctx: GuardStepContext): Promise<GuardStepOutcome>;
  verify(h: HostRunner): Promise<string | null>;
  resume(step: StepRow): Verdict;
  undo(fixIndex: number, steps: readonly StepRow[], ctx: GuardUndoContext): Promise<GuardLeftover[]>;
  paths(): string[];
}

export type GuardedPlan = Exclude<ContainerFixPlan, { kind: 'compose-edit' | 'restart' }>;

export function isGuardedPlan(c: ContainerFixPlan): c is GuardedPlan {
  return c.kind !== 'compose-edit' && c.kind !== 'restart';
}

/** The handlers of a guarded plan. */
export function guardedHandlers(c: GuardedPlan): GuardedHandlers {
  switch (c.kind) {
    case 'sshd-setting':
      return {
        steps: (i, s) => accessSteps(c, i, s),
        preview: () => accessPreviewTargets(c),
        diff: () => c.diff,
        restoreLines: () => accessRestoreLines(c),
        run: (step, ctx) => runAccessStep(step, c, ctx),
        verify: (h) => verifyAccessFix(c, h),
        resume: (step) => resumeAccessVerdict(step, c),
        undo: (i, steps, ctx) => undoAccessFix(i, c, steps, ctx),
        paths: () => accessFixPaths(c),
      };
    case 'ufw':
      return {
        steps: (i, s) => firewallSteps(c, i, s),
        preview: () => firewallPreviewTargets(c),
        diff: () => firewallDiff(c),
        restoreLines: () => firewallRestoreLines(c),
        run: (step, ctx) => runFirewallStep(step, c, ctx),
        verify: (h) => verifyFirewallFix(c, h),
        resume: (step) => resumeFirewallVerdict(step, c),
        undo: (i, steps, ctx) => undoFirewallFix(i, c, steps, ctx),
        paths: () => firewallFixPaths(c),
      };
    case 'sudoers':
      return {
        steps: (i, s) => sudoersSteps(c, i, s),
        preview: () => sudoersPreviewTargets(c),
        diff: () => sudoersDiff(c),
        restoreLines: () => sudoersRestoreLines(c),
        run: (step, ctx) => runSudoersStep(step, c, ctx),
        verify: (h) => verifySudoersFix(c, h),
        resume: (step) => resumeSudoersVerdict(step),
        undo: (i, steps, ctx) => undoSudoersFix(i, c, steps, ctx),
        paths: () => [c.file.path],
      };
    case 'apt-periodic':
      return {
        steps: (i, s) => updatesSteps(c, i, s),
        preview: () => updatesPreviewTargets(c),
        diff: () => c.diff,
        restoreLines: () => updatesRestoreLines(c),
        run: (step, ctx) => runUpdatesStep(step, c, ctx),
        verify: (h) => verifyUpdatesFix(c, h),
        resume: (step) => resumeUpdatesVerdict(step),
        undo: (i, steps, ctx) => undoUpdatesFix(i, c, steps, ctx),
        paths: () => [c.file.path],
      };
  }
}

/** Plans a guarded fix for this finding; null when it is not one of theirs. */
export function planGuardedFix(finding: FindingRef, facts: Partial<HostFacts>, ctx: AccessPlanContext, fixIndex: number): Promise<ContainerFixPlan> | null {
  if (isAccessCheck(finding.checkId)) return planAccessFix(finding, facts, ctx, fixIndex);
  if (isFirewallCheck(finding.checkId)) return planFirewallFix(finding, facts, ctx, fixIndex);
  if (isSudoersCheck(finding.checkId)) return planSudoersFix(finding, facts, ctx, fixIndex);
  if (isUpdatesCheck(finding.checkId)) return planUpdatesFix(finding, facts, ctx, fixIndex);
  return null;
}
