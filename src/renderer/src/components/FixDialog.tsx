// The fix dialog: planning (a read-only look at the host) → preview (every change, the exact
// commands in order, the diff when a fix edits content, the risk, what is re-checked, the typed
// host name of a high-risk plan) → explicit Confirm → live progress per step → the result
// (applied and verified / refused / rolled back / rollback incomplete with what is left and where
// the backups are). Rolling back or finishing a job from the history or the unfinished-jobs panel
// uses the same running and result views.
import { useEffect, useRef } from 'react';
import type React from 'react';
import type { DesktopFixPreview, FixFailurePolicy, FixJobReport } from '../../../shared/ipc/remediation';
import { useFixes, type FixDialogState, type LiveStep } from '../fixes';
import { GuardPhases, GuardPreview, GuardResult, isGuarded, windowPending } from './LockoutGuard';
import { useStore } from '../store';
import { AnsibleExport } from './AnsibleExport';

const STEP_MARK: Record<string, string> = {
  pending: '·',
  running: '…',
  done: '✓',
  failed: '✗',
  undoing: '↶',
  undone: '↶',
  'undo-failed': '✗',
  skipped: '–',
};

const RESULT_TEXT: Record<string, { title: string; tone: string }> = {
  applied: { title: 'Applied and verified', tone: 'ok' },
  partial: { title: 'Partly applied: some fixes are applied and verified, the others are back as before or were not run', tone: 'warn' },
  'rolled-back': { title: 'Rolled back: the host is as it was before the job', tone: 'warn' },
  refused: { title: 'Refused: nothing was changed', tone: 'warn' },
  'rollback-incomplete': { title: 'Rollback incomplete: the host is NOT as it was — act now', tone: 'bad' },
};

/** The failure policies the preview offers, each with what happens when a fix fails. */
export const POLICIES: ReadonlyArray<{ value: FixFailurePolicy; label: string; text: string }> = [
  {
    value: 'rollback-all',
    label: 'Roll back everything',
    text: 'If a fix fails, every fix of this job is undone, newest first (fixes already verified included), and each change is checked to be back as it was.',
  },
  {
    value: 'stop',
    label: 'Stop',
    text: 'If a fix fails, only that fix is undone and checked back to how it was; the fixes verified before it stay applied and the ones after it are not run.',
  },
  {
    value: 'continue',
    label: 'Continue',
    text: 'If a fix fails, only that fix is undone and checked back to how it was; the remaining fixes still run.',
  },
];

/** A fix's outcome in words. */
export const OUTCOME_TEXT: Record<string, string> = {
  applied: 'applied and verified',
  'rolled-back': 'rolled back: as before',
  refused: 'refused: nothing changed',
  'not-run': 'not run: nothing changed',
  'rollback-incomplete': 'rollback incomplete',
  planned: 'not finished',
};

const KIND_TITLE: Record<FixDialogState['kind'], string> = { apply: 'Fix', rollback: 'Roll back fix job', resume: 'Finish fix job' };

/** A unified diff with its lines coloured by kind. */
export function DiffView({ diff, testId }: { diff: string; testId: string }): React.JSX.Element {
  return (
    <pre className="diff" data-testid={testId}>
      {diff.split('\n').map((line, i) => {
        const cls = line.startsWith('+++') || line.startsWith('---') ? 'diff-file' : line.startsWith('@@') ? 'diff-hunk' : line.startsWith('+') ? 'diff-add' : line.startsWith('-') ? 'diff-del' : 'diff-ctx';
        return (
          <span key={i} className={cls}>
            {line}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}

export function RiskBadge({ risk }: { risk: string }): React.JSX.Element {
  return (
    <span className={`risk risk-${risk}`} data-testid="fix-risk" data-risk={risk}>
      {risk} risk
    </span>
  );
}

export function StepList({ steps, showCommands }: { steps: LiveStep[]; showCommands: boolean }): React.JSX.Element {
  return (
    <ol className="fix-steps" data-testid="fix-steps">
      {steps.map((s) => (
        <li key={s.seq} className={`fix-step fs-${s.status}`} data-testid="fix-step" data-seq={s.seq} data-status={s.status}>
          <span className="step-mark" aria-hidden="true">
            {STEP_MARK[s.status] ?? '·'}
          </span>
          <span className="mono fix-step-name" data-testid="fix-step-name">
            {s.name}
          </span>
          <span className="fix-step-status" data-testid="fix-step-status">
            {s.status}
          </span>
          <span className="fix-step-detail small" data-testid="fix-step-detail">
            {s.detail}
          </span>
          {showCommands && s.command && (
            <details className="fix-step-command">
              <summary className="small muted">command</summary>
              <pre className="command">{s.command}</pre>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}

function Preview({ d, preview }: { d: FixDialogState; preview: DesktopFixPreview }): React.JSX.Element {
  const setTyped = useFixes((s) => s.setTyped);
  const setOnFailure = useFixes((s) => s.setOnFailure);
  const confirm = useFixes((s) => s.confirm);
  const close = useFixes((s) => s.closeDialog);
  const typedOk = !preview.requiresTypedHostName || d.typed.trim() === d.hostName;
  const nothing = preview.fixes.length === 0;
  return (
    <>
      {nothing ? (
        <p className="small" data-testid="fix-nothing">
          Nothing to change on {d.hostName}: no job is created and nothing is sent to the host.
        </p>
      ) : (
        <p className="small">
          Runs as <strong data-testid="fix-runs-as">{preview.runsAs}</strong> on{' '}
          <span className="mono">
            {preview.host.username}@{preview.host.address}:{preview.host.port}
          </span>
          . Backups (<span className="mono">restore.sh</span> with the previous modes and owners, and a copy of each file a fix edits) go to{' '}
          <span className="mono" data-testid="fix-backup-dir">
            {preview.backupDir}
          </span>{' '}
          on the host. Job <span className="mono" data-testid="fix-job-id">{preview.jobId}</span>.
        </p>
      )}
      {preview.skipped.length > 0 && (
        <div className="fix-skipped" data-testid="fix-skipped">
          <h3>Not fixed by this plan</h3>
          <ul>
            {preview.skipped.map((s, i) => (
              <li key={i} data-testid="fix-skipped-item" data-check-id={s.checkId}>
                <span className="mono">{s.checkId}</span> <span className="mono small">{s.resource}</span>: {s.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {preview.fixes.map((f, i) => (
        <section key={`${f.findingId}-${i}`} className="fix-item" data-testid="fix-item" data-check-id={f.checkId} data-finding-id={f.findingId}>
          <header className="fix-item-head">
            <span className="strong">
              {i + 1}. {f.title}
            </span>
            <RiskBadge risk={f.risk} />
            <span className="small muted">{f.reversible ? 'reversible' : 'NOT reversible'}</span>
            {f.needsRoot && <span className="small muted">needs root</span>}
            <span className="spacer" />
            <code className="check-id">{f.checkId}</code>
          </header>
          <div className="small">{f.changes}</div>
          <div className="small">
            Finding <span className="mono">{f.resource}</span>
          </div>
          {f.targets.length === 0 ? (
            <p className="small muted">Nothing left to change (an earlier fix of this plan covers it); verified all the same.</p>
          ) : (
            <table className="table fix-targets">
              <thead>
                <tr>
                  <th>Path</th>
                  <th>Now</th>
                  <th>After</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                {f.targets.map((t) => (
                  <tr key={t.path} data-testid="fix-target" data-path={t.path}>
                    <td className="mono">{t.path}</td>
                    <td className="mono nowrap" data-testid="fix-target-from">
                      {t.from}
                    </td>
                    <td className="mono nowrap strong" data-testid="fix-target-to">
                      {t.to}
                    </td>
                    <td className="small">{t.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {f.diff && <DiffView diff={f.diff} testId="fix-diff" />}
          <div className="small" data-testid="fix-recheck">
            Re-checked after: <span className="mono">{f.recheck.checks.join(', ')}</span>{' '}
            <span className="muted">(collector sections {f.recheck.sections.join(', ')})</span>
          </div>
        </section>
      ))}
      {!nothing && <GuardPreview d={d} preview={preview} />}
      {!nothing && (
        <>
          <h3>Commands, in order</h3>
          <p className="small muted">Exactly as they run on the host. Each change first checks that its file is still as planned (content hash, mode, owner) and refuses otherwise.</p>
          <ol className="fix-commands">
            {preview.steps.map((s) => (
              <li key={s.seq} data-testid="fix-command-step" data-seq={s.seq} data-kind={s.kind}>
                <div className="small strong">
                  Step {s.seq}: {s.name}
                  {s.target !== null && <span className="mono"> {JSON.stringify(s.target)}</span>}
                </div>
                <pre className="command" data-testid="fix-command">
                  {s.command}
                </pre>
              </li>
            ))}
          </ol>
          <fieldset className="fix-policy" data-testid="fix-failure-policy" data-value={d.onFailure}>
            <legend className="small strong">If a fix fails (each fix has its own steps and its own rollback)</legend>
            {POLICIES.map((p) => (
              <label key={p.value} className="fix-policy-option small" data-testid="fix-policy-option" data-value={p.value}>
                <input type="radio" name="fix-on-failure" value={p.value} data-testid={`fix-policy-${p.value}`} checked={d.onFailure === p.value} onChange={() => setOnFailure(p.value)} />{' '}
                <span className="strong">{p.label}</span>
                {p.value === 'rollback-all' && <span className="muted"> (default)</span>}: <span data-testid="fix-policy-text">{p.text}</span>
              </label>
            ))}
          </fieldset>
          <p className="small muted" data-testid="fix-expires">
            This preview can be confirmed until {new Date(preview.expiresAt).toLocaleTimeString()}.
          </p>
        </>
      )}
      {preview.requiresTypedHostName && (
        <div className={`field${d.error?.field === 'typedHostName' ? ' has-error' : ''}`}>
          <label htmlFor="fix-typed-host">
            {isGuarded(preview.steps) ? 'This plan changes how you reach the host' : 'A fix of this plan is high-risk'}. Type the host name{' '}
            <strong className="mono">{d.hostName}</strong> to confirm.
          </label>
          <input id="fix-typed-host" data-testid="fix-typed-host" autoComplete="off" spellCheck={false} value={d.typed} onChange={(e) => setTyped(e.target.value)} />
          {!typedOk && (
            <div className="small muted" data-testid="fix-typed-hint">
              Apply stays disabled until the typed name matches.
            </div>
          )}
        </div>
      )}
      {d.error && (
        <div className="form-error" role="alert" data-testid="fix-error" data-code={d.error.code}>
          {d.error.message}
        </div>
      )}
      <div className="form-actions">
        <button type="button" className="btn" data-testid="fix-cancel" onClick={close}>
          {nothing ? 'Close' : 'Cancel'}
        </button>
        {!nothing && (
          <button type="button" className="btn primary" data-testid="fix-confirm" disabled={!typedOk || windowPending(d, preview)} onClick={() => void confirm()}>
            Confirm and apply {preview.fixes.length} fix{preview.fixes.length === 1 ? '' : 'es'}
          </button>
        )}
      </div>
      {!nothing && <AnsibleExport hostId={d.hostId} jobId={preview.jobId} />}
    </>
  );
}

function Result({ d, report }: { d: FixDialogState; report: FixJobReport }): React.JSX.Element {
  const close = useFixes((s) => s.closeDialog);
  const navigate = useStore((s) => s.navigate);
  // A rollback that was asked for and completed did what was asked.
  const text =
    d.kind === 'rollback' && report.status === 'rolled-back'
      ? { title: 'Rolled back as asked: the host is as it was before the job', tone: 'ok' }
      : (RESULT_TEXT[report.status] ?? { title: report.status, tone: 'warn' });
  return (
    <>
      <div className={`fix-result fr-${text.tone}`} data-testid="fix-result" data-status={report.status}>
        <div className="strong" data-testid="fix-result-title">
          {text.title}
        </div>
        {report.message && (
          <div className="small" data-testid="fix-result-message">
            {report.message}
          </div>
        )}
      </div>
      {report.lockoutGuard && <GuardResult guard={report.lockoutGuard} rollbackAsked={d.kind === 'rollback'} />}
      <GuardPhases d={d} />
      {report.leftovers.length > 0 && (
        <div className="fix-leftovers" data-testid="fix-leftovers">
          <h3>Not back as it was</h3>
          <table className="table">
            <thead>
              <tr>
                <th>Path</th>
                <th>Expected</th>
                <th>Found</th>
                <th>What to do</th>
              </tr>
            </thead>
            <tbody>
              {report.leftovers.map((l) => (
                <tr key={l.path} data-testid="fix-leftover">
                  <td className="mono">{l.path}</td>
                  <td className="mono">{l.expected}</td>
                  <td className="mono">{l.found}</td>
                  <td className="mono small">{l.action}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="small" data-testid="fix-backups">
            The modes and owners before the job are in <span className="mono">{report.backupDir}/restore.sh</span> on the host (as root:{' '}
            <span className="mono">sh {report.backupDir}/restore.sh</span>
            {report.onFailure !== 'rollback-all' ? ': it puts back every file of the job, those of the fixes that stayed applied too' : ''}). Roll the job back again from the fix
            history once the cause is fixed.
          </p>
        </div>
      )}
      {report.fixes.length > 1 && (
        <p className="small" data-testid="fix-result-policy" data-value={report.onFailure}>
          On failure: <strong>{POLICIES.find((p) => p.value === report.onFailure)?.label ?? report.onFailure}</strong>. Each fix:
        </p>
      )}
      <ul className="fix-outcomes">
        {report.fixes.map((f, i) => (
          <li key={`${f.findingId}-${i}`} data-testid="fix-outcome" data-status={f.status} data-check-id={f.checkId} data-finding-id={f.findingId}>
            <span className="small muted">{i + 1}.</span> <span className={`fix-status fst-${f.status}`} data-testid="fix-outcome-text">{OUTCOME_TEXT[f.status] ?? f.status}</span>{' '}
            <span className="mono">{f.checkId}</span> <span className="mono small">{f.resource}</span>
            {f.status === 'applied' && (
              <div className="small" data-testid="fix-verified">
                Verified: re-ran {f.verification.checksRerun.join(', ')}; the finding is gone and nothing as severe appeared on it.
              </div>
            )}
            {f.verification.stillFailing.length > 0 && <div className="small warn-text">Still failing: {f.verification.stillFailing.join('; ')}</div>}
            {f.diff && <DiffView diff={f.diff} testId="fix-result-diff" />}
          </li>
        ))}
      </ul>
      <h3>Steps</h3>
      <StepList steps={d.steps} showCommands />
      <div className="form-actions">
        <button
          type="button"
          className="btn"
          data-testid="fix-open-history"
          onClick={() => {
            close();
            navigate({ screen: 'fixes', hostId: d.hostId });
          }}
        >
          Fix history of {d.hostName}
        </button>
        <button type="button" className="btn primary" data-testid="fix-close" onClick={close}>
          Close
        </button>
      </div>
    </>
  );
}

export function FixDialog(): React.JSX.Element | null {
  const d = useFixes((s) => s.dialog);
  const close = useFixes((s) => s.closeDialog);
  const ref = useRef<HTMLDivElement>(null);
  const phase = d?.phase;
  // The dialog sits at the top of the document: bring it into view when it opens or moves on.
  useEffect(() => {
    if (phase) window.scrollTo({ top: 0 });
    ref.current?.querySelector<HTMLElement>('[role="dialog"]')?.focus();
  }, [phase]);
  if (!d) return null;
  const title = `${KIND_TITLE[d.kind]} — ${d.hostName}`;
  return (
    <div className="modal-backdrop" ref={ref}>
      <section
        className="panel modal fix-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid="fix-dialog"
        data-phase={d.phase}
        data-kind={d.kind}
        data-job-id={d.jobId ?? ''}
        tabIndex={-1}
        onKeyDown={(e) => {
          if (e.key === 'Escape') close();
        }}
      >
        <div className="panel-title">
          <h2>{title}</h2>
          <span className="spacer" />
          {d.phase !== 'running' && (
            <button type="button" className="banner-close" aria-label="Close" data-testid="fix-dialog-close" onClick={close}>
              ×
            </button>
          )}
        </div>
        {d.phase === 'planning' && (
          <p data-testid="fix-planning">
            <span className="pulse" aria-hidden="true" /> Reading the current state of {d.hostName} (read-only: nothing is changed yet)…
          </p>
        )}
        {d.phase === 'preview' && d.preview && <Preview d={d} preview={d.preview} />}
        {d.phase === 'running' && (
          <div data-testid="fix-progress" data-job-status={d.jobStatus ?? ''}>
            <p className="progress-head">
              <span className="pulse" aria-hidden="true" />
              <span data-testid="fix-progress-message">{d.message}</span>
              {d.jobStatus && <span className="muted small">job {d.jobStatus}</span>}
            </p>
            <GuardPhases d={d} />
            <StepList steps={d.steps} showCommands={false} />
          </div>
        )}
        {d.phase === 'result' && d.report && <Result d={d} report={d.report} />}
        {d.phase === 'error' && (
          <>
            <div className="form-error" role="alert" data-testid="fix-error" data-code={d.error?.code ?? ''}>
              <span className="banner-code">{d.error?.code}</span> {d.error?.message}
            </div>
            <div className="form-actions">
              <button type="button" className="btn" data-testid="fix-close" onClick={close}>
                Close
              </button>
            </div>
          </>
        )}
      </section>
    </div>
  );
}
