// Triage of one finding: its status (open / accepted risk / false positive / fixed) with reason and
// expiry, the actions that change it, and its history. Accepting a risk needs a reason and an
// expiry date, a false positive a reason: the main process checks both and names the field that is
// wrong, and the form shows that message next to the field.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type React from 'react';
import type { Finding, FindingStatus } from '../../../shared/domain';
import type { FindingHistory } from '../../../shared/ipc/findings';
import { errorMessage, isApiError } from '../api';
import { formatDate, formatDay } from '../format';
import { useStore } from '../store';

export const TRIAGE_LABEL: Record<FindingStatus, string> = {
  open: 'Open',
  accepted: 'Accepted risk',
  'false-positive': 'False positive',
  fixed: 'Marked fixed',
};

/** A date input's value (YYYY-MM-DD, local) as the end of that day; anything else is left for the main process to reject. */
export function expiryFromDateInput(value: string): string {
  const v = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const d = new Date(`${v}T23:59:59.999`);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}

function dateInputValue(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function inDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return dateInputValue(d);
}

const PRESETS: ReadonlyArray<readonly [string, number]> = [
  ['30 days', 30],
  ['90 days', 90],
  ['1 year', 365],
];

/** What the finding's triage says, for a finding that does not count (or whose acceptance ran out). */
export function TriageDetails({ finding: f }: { finding: Finding }): React.JSX.Element | null {
  const t = f.triage;
  if (f.status === 'open') {
    if (t?.status === 'accepted' && t.expiresAt)
      return (
        <div className="triage-note warn-text" data-testid="triage-expired">
          Risk acceptance expired on {formatDay(t.expiresAt)}{t.reason ? ` (${t.reason})` : ''}: counted again.
        </div>
      );
    return null;
  }
  return (
    <div className="triage-details" data-testid="triage-details">
      {t?.reason && (
        <span>
          <span className="muted">Reason: </span>
          <span data-testid="finding-triage-reason">{t.reason}</span>
        </span>
      )}
      {f.status === 'accepted' && t?.expiresAt && (
        <span>
          <span className="muted">Until </span>
          <span className="mono" data-testid="finding-triage-expires">
            {formatDay(t.expiresAt)}
          </span>
        </span>
      )}
      {f.status === 'fixed' && <span className="muted">Reopens if a later audit finds it again.</span>}
      {t && <span className="muted small">set {formatDate(t.updatedAt)}</span>}
    </div>
  );
}

type FormKind = 'accepted' | 'false-positive';

/** Status, actions and history of one finding. Actions only where triage applies (the host's latest run). */
export function TriageBar({ finding: f, canTriage }: { finding: Finding; canTriage: boolean }): React.JSX.Element {
  const triage = useStore((s) => s.triage);
  const [form, setForm] = useState<FormKind | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [showHistory, setShowHistory] = useState(false);

  const quick = async (status: FindingStatus): Promise<void> => {
    setBusy(true);
    setActionError(null);
    try {
      await triage({ findingKey: f.id, status });
    } catch (e) {
      if (isApiError(e) && e.code === 'VALIDATION') setActionError(e.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="triage" data-testid="finding-triage">
      <div className="triage-bar">
        <span className={`triage-status ts-${f.status}`} data-testid="finding-status" data-status={f.status}>
          {TRIAGE_LABEL[f.status]}
        </span>
        {canTriage && form === null && (
          <span className="triage-actions">
            {f.status === 'open' ? (
              <>
                <button type="button" className="btn small" data-testid="accept-risk" onClick={() => setForm('accepted')} disabled={busy}>
                  Accept risk…
                </button>
                <button type="button" className="btn small" data-testid="mark-false-positive" onClick={() => setForm('false-positive')} disabled={busy}>
                  False positive…
                </button>
                <button
                  type="button"
                  className="btn small"
                  data-testid="mark-fixed"
                  onClick={() => void quick('fixed')}
                  disabled={busy}
                  title="Not counted in this run; reopens if a later audit finds it again"
                >
                  Mark fixed
                </button>
              </>
            ) : (
              <button type="button" className="btn small" data-testid="reopen" onClick={() => void quick('open')} disabled={busy}>
                Reopen
              </button>
            )}
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="link small" data-testid="finding-history-toggle" onClick={() => setShowHistory((v) => !v)}>
          {showHistory ? 'Hide history' : 'History'}
        </button>
      </div>
      {actionError && (
        <div className="field-error" data-testid="triage-action-error" role="alert">
          {actionError}
        </div>
      )}
      <TriageDetails finding={f} />
      {form && <TriageForm key={form} finding={f} kind={form} onClose={() => setForm(null)} />}
      {showHistory && <HistoryPanel findingKey={f.id} status={f.status} updatedAt={f.triage?.updatedAt ?? null} />}
    </div>
  );
}

function TriageForm({ finding: f, kind, onClose }: { finding: Finding; kind: FormKind; onClose: () => void }): React.JSX.Element {
  const triage = useStore((s) => s.triage);
  const id = useId();
  const [reason, setReason] = useState(f.triage?.reason ?? '');
  const [expires, setExpires] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const accepted = kind === 'accepted';

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      await triage({
        findingKey: f.id,
        status: kind,
        reason,
        ...(accepted ? { expiresAt: expires ? expiryFromDateInput(expires) : null } : {}),
      });
      onClose();
    } catch (err) {
      if (isApiError(err) && err.code === 'VALIDATION') {
        const byField = err.fieldErrors();
        setErrors(byField);
        if (!byField['reason'] && !byField['expiresAt']) setFormError(err.message);
      } else setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="triage-form" data-testid="triage-form" data-kind={kind} onSubmit={(e) => void submit(e)} noValidate>
      <div className="triage-form-title">
        {accepted ? 'Accept the risk: not counted in the grade until the expiry date' : 'Mark as a false positive: not counted in the grade'}
      </div>
      <div className={`field full${errors['reason'] ? ' has-error' : ''}`}>
        <label htmlFor={`${id}-reason`}>Reason</label>
        <textarea
          id={`${id}-reason`}
          data-testid="triage-reason"
          rows={2}
          value={reason}
          maxLength={1000}
          placeholder={accepted ? 'Why this risk is acceptable for now, e.g. "legacy box, replaced in Q3"' : 'Why this finding does not apply here'}
          aria-invalid={errors['reason'] ? true : undefined}
          aria-describedby={errors['reason'] ? `${id}-reason-error` : undefined}
          onChange={(e) => setReason(e.target.value)}
        />
        {errors['reason'] && (
          <div id={`${id}-reason-error`} className="field-error" data-testid="triage-error-reason">
            {errors['reason']}
          </div>
        )}
      </div>
      {accepted && (
        <div className={`field${errors['expiresAt'] ? ' has-error' : ''}`}>
          <label htmlFor={`${id}-expires`}>Expires on</label>
          <div className="expiry-row">
            <input
              id={`${id}-expires`}
              type="date"
              data-testid="triage-expires"
              value={expires}
              min={inDays(1)}
              aria-invalid={errors['expiresAt'] ? true : undefined}
              aria-describedby={errors['expiresAt'] ? `${id}-expires-error` : undefined}
              onChange={(e) => setExpires(e.target.value)}
            />
            {PRESETS.map(([label, days]) => (
              <button key={label} type="button" className="btn small" data-testid={`triage-expires-${days}`} onClick={() => setExpires(inDays(days))}>
                {label}
              </button>
            ))}
          </div>
          {errors['expiresAt'] && (
            <div id={`${id}-expires-error`} className="field-error" data-testid="triage-error-expiresAt">
              {errors['expiresAt']}
            </div>
          )}
        </div>
      )}
      {formError && (
        <div className="form-error" data-testid="triage-form-error" role="alert">
          {formError}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn primary small" data-testid="triage-submit" disabled={busy}>
          {busy ? 'Saving…' : accepted ? 'Accept risk' : 'Mark false positive'}
        </button>
        <button type="button" className="btn small" data-testid="triage-cancel" onClick={onClose} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function HistoryPanel({ findingKey, status, updatedAt }: { findingKey: string; status: FindingStatus; updatedAt: string | null }): React.JSX.Element {
  const findingHistory = useStore((s) => s.findingHistory);
  const navigate = useStore((s) => s.navigate);
  const [history, setHistory] = useState<FindingHistory | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Fetched again whenever the finding's triage changes while the panel is open.
  useEffect(() => {
    let live = true;
    findingHistory(findingKey).then(
      (h) => {
        if (!live) return;
        setHistory(h);
        setError(null);
      },
      (e: unknown) => {
        if (live) setError(errorMessage(e));
      },
    );
    return () => {
      live = false;
    };
  }, [findingKey, status, updatedAt, findingHistory]);

  if (error)
    return (
      <div className="history field-error" data-testid="finding-history">
        {error}
      </div>
    );
  if (!history)
    return (
      <div className="history muted" data-testid="finding-history">
        Loading history…
      </div>
    );
  return (
    <div className="history" data-testid="finding-history">
      <div className="history-col">
        <div className="history-title">Triage log</div>
        {history.log.length === 0 ? (
          <div className="muted small">Never triaged.</div>
        ) : (
          <ol className="history-list">
            {history.log.map((e, i) => (
              <li key={i} data-testid="history-entry" data-status={e.status}>
                <span className="muted small">{formatDate(e.at)}</span> <span className="strong">{TRIAGE_LABEL[e.status]}</span>
                {e.expiresAt && <span className="small"> until {formatDay(e.expiresAt)}</span>}
                {e.reason && <span className="small"> — {e.reason}</span>}
                {e.actor && <span className="muted small"> (by {e.actor})</span>}
              </li>
            ))}
          </ol>
        )}
      </div>
      <div className="history-col">
        <div className="history-title">
          Seen in {history.seenIn.length} run{history.seenIn.length === 1 ? '' : 's'}
        </div>
        <ol className="history-list">
          {history.seenIn.map((r) => (
            <li key={r.runId} data-testid="history-seen" data-run-id={r.runId}>
              <button type="button" className="link small" onClick={() => navigate({ screen: 'run', runId: r.runId })}>
                {formatDate(r.startedAt)}
              </button>{' '}
              <span className={`triage-status small ts-${r.status}`}>{TRIAGE_LABEL[r.status]}</span>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
