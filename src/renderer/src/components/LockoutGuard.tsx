// The lockout guard in the fix dialog (issue 11): access fixes (sshd settings, and any fix whose
// plan arms a dead-man switch) are keyed on the plan's data — steps of kind `deadman-arm` and
// `access-proof` — never on a fix id. The preview explains the guard and lets the user set the
// dead-man window (a new plan: the window is in the arm command); the running view shows the
// guard's phases live from the step events (armed → change applied → proving access with a NEW
// SSH connection → disarmed → verified); the result shows what the guard did and, on failure,
// what put the host back (the session, or the dead-man timer on the host).
import type React from 'react';
import { CONFIRM_WINDOW_S } from '../../../shared/confirmWindow';
import type { DesktopFixPreview, LockoutGuard } from '../../../shared/ipc/remediation';
import { parseConfirmWindow, useFixes, type FixDialogState, type LiveStep } from '../fixes';

/** A plan or job runs under the lockout guard when one of its steps arms a dead-man switch. */
export function isGuarded(steps: ReadonlyArray<{ kind: string | null }>): boolean {
  return steps.some((s) => s.kind === 'deadman-arm');
}

/** The preview's guard panel: what will happen, the dead-man window (editable: re-plans), the risk. */
export function GuardPreview({ d, preview }: { d: FixDialogState; preview: DesktopFixPreview }): React.JSX.Element | null {
  const setConfirmWindow = useFixes((s) => s.setConfirmWindow);
  const replan = useFixes((s) => s.replanWithWindow);
  if (!isGuarded(preview.steps)) return null;
  const planned = preview.confirmWindowS ?? CONFIRM_WINDOW_S.default;
  const w = parseConfirmWindow(d.confirmWindow);
  const changed = w.ok && w.seconds !== planned;
  return (
    <section className="guard guard-preview" data-testid="fix-guard" data-window={planned}>
      <h3>Lockout guard</h3>
      <p className="small">
        This change can cut off SSH access to <strong>{d.hostName}</strong>. Before it is made, a <strong>dead-man switch</strong> is armed on the host:
        unless Rampart proves it can still log in with a <strong>new</strong> SSH connection (same user, key and route; this session stays open), the host
        puts the old files back and reloads by itself after the window below. Rampart rolls back at once through this session when the proof fails.
      </p>
      <ol className="guard-phases small">
        <li>arm the dead-man switch ({planned} s)</li>
        <li>make the change, validate it, reload (never restart: open sessions stay up)</li>
        <li>prove access with a new SSH connection{preview.runsAs.startsWith('root through') ? ' and its sudo' : ''}</li>
        <li>disarm the switch, then verify by re-running the checks</li>
      </ol>
      <div className={`field guard-window${w.ok ? '' : ' has-error'}`}>
        <label htmlFor="fix-window">Dead-man window (seconds, {CONFIRM_WINDOW_S.min}–{CONFIRM_WINDOW_S.max})</label>
        <div className="guard-window-row">
          <input
            id="fix-window"
            data-testid="fix-window-input"
            type="number"
            inputMode="numeric"
            min={CONFIRM_WINDOW_S.min}
            max={CONFIRM_WINDOW_S.max}
            step={1}
            value={d.confirmWindow}
            onChange={(e) => setConfirmWindow(e.target.value)}
          />
          <button type="button" className="btn small" data-testid="fix-window-apply" disabled={!changed} onClick={() => void replan()}>
            Preview again with this window
          </button>
        </div>
        {!w.ok ? (
          <div className="field-error" data-testid="fix-window-error">
            {w.message}
          </div>
        ) : changed ? (
          <div className="small warn-text" data-testid="fix-window-pending">
            The commands below arm {planned} s. Preview again to use {w.seconds} s.
          </div>
        ) : null}
      </div>
    </section>
  );
}

/** Confirm waits while the typed window differs from the plan's (the plan is applied only as previewed). */
export function windowPending(d: FixDialogState, preview: DesktopFixPreview): boolean {
  if (!isGuarded(preview.steps)) return false;
  const w = parseConfirmWindow(d.confirmWindow);
  return !w.ok || w.seconds !== (preview.confirmWindowS ?? CONFIRM_WINDOW_S.default);
}

type PhaseState = 'pending' | 'running' | 'done' | 'failed' | 'undone' | 'skipped';

/**
 * The aggregate state of some steps: failed beats running beats put back (a rollback undid one
 * of them) beats done; partly done is still running. In a finished job, what never ran is skipped.
 */
function stateOf(steps: LiveStep[], finished: boolean): PhaseState {
  const st = steps.map((s) => s.status);
  if (st.some((x) => x === 'failed' || x === 'undo-failed')) return 'failed';
  if (st.some((x) => x === 'running' || x === 'undoing')) return 'running';
  if (st.some((x) => x === 'undone')) return 'undone';
  if (st.length && st.every((x) => x === 'done')) return 'done';
  if (st.every((x) => x === 'skipped' || x === 'pending')) return finished || st.includes('skipped') ? 'skipped' : 'pending';
  return finished ? 'done' : 'running';
}

const MARK: Record<PhaseState, string> = { pending: '·', running: '…', done: '✓', failed: '✗', undone: '↶', skipped: '–' };

interface Phase {
  key: 'armed' | 'change' | 'proof' | 'disarmed' | 'verified';
  label: string;
  state: PhaseState;
  detail: string;
}

function phasesOf(fixSteps: LiveStep[], verify: LiveStep[], windowS: number | null, armedAt: number | null, finished: boolean): Phase[] {
  const phaseOf = (steps: LiveStep[]): PhaseState => stateOf(steps, finished);
  const arm = fixSteps.filter((s) => s.kind === 'deadman-arm');
  const proof = fixSteps.filter((s) => s.kind === 'access-proof');
  const disarm = fixSteps.filter((s) => s.kind === 'deadman-disarm');
  const armSeq = Math.min(...arm.map((s) => s.seq));
  const proofSeq = Math.min(...proof.map((s) => s.seq), Infinity);
  // Whatever the fix does between arming and the proof (write, validate, reload; a firewall enable).
  const change = fixSteps.filter((s) => s.seq > armSeq && s.seq < proofSeq);
  const changeState = phaseOf(change);
  const armState = phaseOf(arm);
  const disarmed = phaseOf(disarm) === 'done';
  const revertsAt = armedAt !== null && windowS ? new Date(armedAt + windowS * 1000).toLocaleTimeString() : null;
  const reloaded = change.find((s) => /reload|enable|restart/i.test(s.name) && s.status === 'done');
  const lastDone = [...change].reverse().find((s) => s.status === 'done');
  const phases: Phase[] = [
    {
      key: 'armed',
      label: armState === 'done' ? `Dead-man switch armed` : armState === 'undone' ? 'Dead-man switch: handled by the rollback' : `Arm the dead-man switch${windowS ? ` (${windowS} s)` : ''}`,
      state: armState,
      detail: armState === 'done' && !disarmed && revertsAt ? `the host reverts by itself at ${revertsAt} unless access is proven` : `${arm[0]?.detail ?? ''}${revertsAt && /session is gone/.test(arm[0]?.detail ?? '') && !finished ? ` (at ${revertsAt})` : ''}`,
    },
    {
      key: 'change',
      label: changeState === 'done' ? (reloaded ? `Changed and reloaded (${reloaded.name})` : 'Changed') : changeState === 'undone' ? 'Change put back' : 'Make the change, validate, reload',
      state: changeState,
      detail:
        changeState === 'failed'
          ? (change.find((s) => s.status === 'failed' || s.status === 'undo-failed')?.detail ?? '')
          : changeState === 'undone'
            ? (change.find((s) => s.status === 'undone')?.detail ?? '')
            : (lastDone?.detail ?? ''),
    },
    {
      key: 'proof',
      label: phaseOf(proof) === 'running' ? 'Proving access with a new SSH connection…' : phaseOf(proof) === 'done' ? 'Access proven by a new SSH connection' : phaseOf(proof) === 'failed' ? 'A new SSH connection could not log in' : 'Prove access with a new SSH connection',
      state: phaseOf(proof),
      detail: proof[0]?.detail ?? '',
    },
    {
      key: 'disarmed',
      label: phaseOf(disarm) === 'done' ? 'Dead-man switch disarmed' : 'Disarm the dead-man switch',
      state: phaseOf(disarm),
      detail: disarm[0]?.detail ?? '',
    },
    {
      key: 'verified',
      label: phaseOf(verify) === 'done' ? 'Verified: the checks were re-run' : 'Verify by re-running the checks',
      state: phaseOf(verify),
      detail: verify[0]?.detail ?? '',
    },
  ];
  return phases.map((p) => (p.state === 'skipped' && finished ? { ...p, label: `${p.label}: not run` } : p));
}

/** The guard's phases of each guarded fix, live from the step events (and from the journal in the result). */
export function GuardPhases({ d }: { d: FixDialogState }): React.JSX.Element | null {
  if (!isGuarded(d.steps)) return null;
  const windowS = d.preview?.confirmWindowS ?? null;
  const fixIndexes = [...new Set(d.steps.filter((s) => s.kind === 'deadman-arm').map((s) => s.fixIndex ?? -1))];
  const verify = d.steps.filter((s) => s.kind === 'verify');
  return (
    <div className="guard guard-live" data-testid="fix-guard-live">
      {fixIndexes.map((fi) => {
        const fixSteps = d.steps.filter((s) => s.fixIndex === fi);
        const armSeq = fixSteps.find((s) => s.kind === 'deadman-arm')?.seq;
        const phases = phasesOf(fixSteps, verify, windowS, armSeq !== undefined ? (d.armedAt[armSeq] ?? null) : null, d.phase === 'result');
        const current = phases.find((p) => p.state === 'running' || p.state === 'failed') ?? [...phases].reverse().find((p) => p.state === 'done' || p.state === 'undone');
        const title = d.preview?.fixes[fi]?.title;
        return (
          <div key={fi} className="guard-fix" data-testid="fix-guard-fix" data-fix-index={fi} data-phase={current?.key ?? 'pending'}>
            <div className="small strong">Lockout guard{title ? `: ${title}` : ''}</div>
            <ol className="guard-phase-list">
              {phases.map((p) => (
                <li key={p.key} className={`guard-phase gp-${p.state}`} data-testid="fix-guard-phase" data-phase={p.key} data-state={p.state}>
                  <span className="step-mark" aria-hidden="true">
                    {MARK[p.state]}
                  </span>
                  <span className="guard-phase-label" data-testid="fix-guard-phase-label">
                    {p.label}
                  </span>
                  {p.detail && <span className="small muted guard-phase-detail">{p.detail}</span>}
                </li>
              ))}
            </ol>
          </div>
        );
      })}
    </div>
  );
}

const RESTORED_TEXT: Record<LockoutGuard['restoredBy'], string> = {
  none: 'Nothing had to be restored.',
  session: 'Rolled back through the session: the previous files were put back and reloaded through the connection that made the change.',
  timer: 'Restored by the dead-man timer: the host put the previous files back and reloaded by itself (the session was gone).',
};

/** The result's account of the guard: armed, the new connection, what restored the host. */
export function GuardResult({ guard, rollbackAsked }: { guard: LockoutGuard; rollbackAsked: boolean }): React.JSX.Element {
  const proof = guard.newSessionOk === true ? 'A new SSH connection logged in after the change.' : guard.newSessionOk === false ? 'A new SSH connection could NOT log in after the change.' : 'No access proof ran.';
  return (
    <div
      className={`guard guard-result ${guard.restoredBy === 'none' && guard.newSessionOk !== false ? 'gr-ok' : 'gr-warn'}`}
      data-testid="fix-guard-result"
      data-armed={String(guard.armed)}
      data-new-session-ok={String(guard.newSessionOk)}
      data-restored-by={guard.restoredBy}
    >
      <div className="small strong">Lockout guard</div>
      <ul className="small">
        <li data-testid="fix-guard-armed">{guard.armed ? 'A dead-man switch was armed on the host before the change.' : 'No dead-man switch was armed (nothing was changed).'}</li>
        <li data-testid="fix-guard-proof">{proof}</li>
        <li data-testid="fix-guard-restored" className={guard.restoredBy === 'none' ? '' : 'strong'}>
          {guard.restoredBy === 'session' && rollbackAsked ? 'Rolled back through the session, as asked: the previous files were put back and reloaded.' : RESTORED_TEXT[guard.restoredBy]}
        </li>
      </ul>
    </div>
  );
}
