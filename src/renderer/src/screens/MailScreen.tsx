// The Mail screen: the mail domains (DKIM selectors, expected MX, resolver, linked host), the
// form to add or edit one (every field checked by the main process; a refused save keeps what
// was typed), a running mail audit with its progress, and the selected domain's run history.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type React from 'react';
import type { MailDomain } from '../../../shared/ipc/mail';
import { isApiError } from '../api';
import { LastRunCell, RunTable } from '../components/ui';
import { DeliverabilityPanel } from '../components/DeliverabilityPanel';
import { useMail } from '../mail';
import { useStore } from '../store';
import '../mail.css';

interface Values {
  domain: string;
  selectors: string;
  expectedMx: string;
  resolver: string;
  hostId: string;
}

const EMPTY: Values = { domain: '', selectors: '', expectedMx: '', resolver: '', hostId: '' };
const FIELDS = new Set(['domain', 'dkimSelectors', 'expectedMx', 'resolver', 'hostId']);

const list = (s: string): string[] =>
  s
    .split(/[,\n]+/)
    .map((x) => x.trim())
    .filter(Boolean);

function valuesOf(d: MailDomain): Values {
  return { domain: d.domain, selectors: d.dkimSelectors.join(', '), expectedMx: d.expectedMx.join(', '), resolver: d.resolver ?? '', hostId: d.hostId === null ? '' : String(d.hostId) };
}

export function MailScreen({ domainId }: { domainId?: number | undefined }): React.JSX.Element {
  const domains = useMail((s) => s.domains);
  const loaded = useMail((s) => s.loaded);
  const loadDomains = useMail((s) => s.loadDomains);
  const loadHosts = useStore((s) => s.loadHosts);
  const navigate = useStore((s) => s.navigate);
  const [form, setForm] = useState<{ kind: 'add' } | { kind: 'edit'; domain: MailDomain } | null>(null);
  const selected = domains.find((d) => d.id === domainId) ?? null;

  useEffect(() => {
    void loadDomains();
    void loadHosts();
  }, [loadDomains, loadHosts]);

  return (
    <section className="screen" data-testid="mail-screen">
      <header className="screen-header">
        <h1>Mail domains</h1>
        <span className="muted">{loaded ? `${domains.length} domain${domains.length === 1 ? '' : 's'}` : 'loading…'}</span>
        <div className="spacer" />
        <button type="button" className="btn primary" data-testid="add-mail-domain" onClick={() => setForm({ kind: 'add' })} disabled={form?.kind === 'add'}>
          Add domain
        </button>
      </header>
      {form && (
        <MailDomainForm
          // Not the bare id: DomainDetail (a sibling) is keyed by it, and two siblings with one key
          // left the closed form's DOM behind (it stayed on "Saving…" after a save or Cancel).
          key={form.kind === 'edit' ? `edit-${form.domain.id}` : 'add'}
          editing={form.kind === 'edit' ? form.domain : null}
          onClose={(saved) => {
            setForm(null);
            if (saved) navigate({ screen: 'mail', domainId: saved.id });
          }}
        />
      )}
      {loaded && domains.length === 0 && !form && (
        <div className="panel empty" data-testid="mail-empty">
          <p>No mail domain yet.</p>
          <p className="muted">
            Add a domain with its DKIM selectors (DNS cannot list them) and, if you want, the resolver to ask (IP[:PORT]); the audit checks SPF, DKIM, DMARC,
            MTA-STS, TLS-RPT, MX and DNSBL listings.
          </p>
        </div>
      )}
      {domains.length > 0 && <DomainTable domains={domains} selectedId={selected?.id ?? null} />}
      {selected && <DomainDetail key={selected.id} domain={selected} onEdit={() => setForm({ kind: 'edit', domain: selected })} />}
      {selected && (
        <DeliverabilityPanel
          key={`probe-${selected.id}`}
          domain={selected.domain}
          linkedHost={selected.hostId !== null ? { id: selected.hostId, name: selected.hostName ?? `host ${selected.hostId}` } : null}
          onLinkHost={() => setForm({ kind: 'edit', domain: selected })}
        />
      )}
    </section>
  );
}

function DomainTable({ domains, selectedId }: { domains: MailDomain[]; selectedId: number | null }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  return (
    <div className="panel flush">
      <table className="table clickable" data-testid="mail-domain-table">
        <thead>
          <tr>
            <th>Domain</th>
            <th>DKIM selectors</th>
            <th>Resolver</th>
            <th>Linked host</th>
            <th>Last audit</th>
          </tr>
        </thead>
        <tbody>
          {domains.map((d) => (
            <tr
              key={d.id}
              className={d.id === selectedId ? 'selected' : undefined}
              data-testid="mail-domain-row"
              data-domain={d.domain}
              tabIndex={0}
              onClick={() => navigate({ screen: 'mail', domainId: d.id })}
              onKeyDown={(e) => {
                if (e.key === 'Enter') navigate({ screen: 'mail', domainId: d.id });
              }}
            >
              <td className="strong mono">{d.domain}</td>
              <td className="mono small">{d.dkimSelectors.join(', ') || <span className="muted">none</span>}</td>
              <td className="mono small">{d.resolver ?? <span className="muted">system</span>}</td>
              <td className="small">{d.hostName ?? <span className="muted">—</span>}</td>
              <td>
                <LastRunCell lastRun={d.lastRun} gradeTestId="mail-domain-grade" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DomainDetail({ domain: d, onEdit }: { domain: MailDomain; onEdit: () => void }): React.JSX.Element {
  const runs = useMail((s) => s.runs[d.id]);
  const loadRuns = useMail((s) => s.loadRuns);
  const job = useMail((s) => s.job);
  const outcome = useMail((s) => (s.outcome?.domainId === d.id ? s.outcome : null));
  const runAudit = useMail((s) => s.runAudit);
  const cancel = useMail((s) => s.cancel);
  const deleteDomain = useMail((s) => s.deleteDomain);
  const navigate = useStore((s) => s.navigate);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const mine = job?.domainId === d.id ? job : null;

  const diffCounts = useStore((s) => s.diffCounts);
  const loadDiffCounts = useStore((s) => s.loadDiffCounts);

  useEffect(() => {
    void loadRuns(d.id);
  }, [d.id, loadRuns]);
  useEffect(() => {
    if (runs?.length) void loadDiffCounts(runs.map((r) => r.id));
  }, [runs, loadDiffCounts]);

  const run = async (): Promise<void> => {
    const runId = await runAudit(d.id);
    // Only move on if the user is still looking at this domain.
    const route = useStore.getState().route;
    if (runId && route.screen === 'mail' && route.domainId === d.id) navigate({ screen: 'mail-run', runId });
  };

  return (
    <div className="panel mail-domain-detail" data-testid="mail-domain-detail" data-domain={d.domain}>
      <div className="panel-title">
        <h2 className="mono">{d.domain}</h2>
        <span className="spacer" />
        <button type="button" className="btn" data-testid="edit-mail-domain" onClick={onEdit} disabled={Boolean(mine)}>
          Edit
        </button>
        <button type="button" className="btn" data-testid="delete-mail-domain" onClick={() => setConfirmDelete(true)} disabled={Boolean(mine)}>
          Remove
        </button>
        <button type="button" className="btn primary" data-testid="run-mail-audit" onClick={() => void run()} disabled={job !== null}>
          Audit DNS now
        </button>
      </div>
      <dl className="facts inline">
        <dt>DKIM selectors</dt>
        <dd className="mono" data-testid="mail-domain-selectors">
          {d.dkimSelectors.join(', ') || <span className="muted">none (no DKIM key can be checked)</span>}
        </dd>
        <dt>Expected MX</dt>
        <dd className="mono">{d.expectedMx.join(', ') || <span className="muted">not given</span>}</dd>
        <dt>Resolver</dt>
        <dd className="mono" data-testid="mail-domain-resolver">
          {d.resolver ?? <span className="muted">the system&apos;s first resolver</span>}
        </dd>
        <dt>Linked host</dt>
        <dd>
          {d.hostName ?? <span className="muted">none</span>}
          {d.hostId !== null && <span className="muted small"> (each audit reads its DKIM keys over SSH and compares them with DNS)</span>}
        </dd>
      </dl>
      {confirmDelete && (
        <div className="panel note confirm" data-testid="confirm-delete-mail-domain">
          <span>Remove {d.domain} from the list? Its runs stay in the history and come back if you add it again.</span>
          <span className="spacer" />
          <button type="button" className="btn" onClick={() => setConfirmDelete(false)}>
            Keep
          </button>
          <button
            type="button"
            className="btn danger"
            data-testid="confirm-delete"
            onClick={() => void deleteDomain(d.id).then(() => navigate({ screen: 'mail' }))}
          >
            Remove
          </button>
        </div>
      )}
      {mine && (
        <div className="job-progress" data-testid="mail-progress" data-phase={mine.phase}>
          <progress max={1} value={mine.progress} />
          <span className="small" data-testid="mail-progress-message">
            {mine.message}
          </span>
          <span className="spacer" />
          <button type="button" className="btn small" data-testid="cancel-mail-audit" onClick={() => void cancel()} disabled={mine.cancelling}>
            {mine.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      )}
      {outcome && (
        <div className={`panel note ${outcome.kind === 'failed' ? 'error-note' : ''}`} data-testid="mail-outcome" data-kind={outcome.kind} data-code={outcome.code}>
          <span className="strong">{outcome.kind === 'failed' ? 'The audit failed' : 'Cancelled'}:</span> {outcome.message}
        </div>
      )}
      <h3>Runs</h3>
      {!runs ? (
        <p className="muted">Loading runs…</p>
      ) : runs.length === 0 ? (
        <p className="muted" data-testid="mail-no-runs">
          Not audited yet.
        </p>
      ) : (
        <div data-testid="mail-runs">
          <RunTable runs={runs} showHost={false} changes={diffCounts} />
        </div>
      )}
    </div>
  );
}

export function MailDomainForm({ editing, onClose }: { editing: MailDomain | null; onClose: (saved: MailDomain | null) => void }): React.JSX.Element {
  const saveDomain = useMail((s) => s.saveDomain);
  const hosts = useStore((s) => s.hosts);
  const [values, setValues] = useState<Values>(editing ? valuesOf(editing) : EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const idp = useId();
  const set = (k: keyof Values, v: string): void => setValues((o) => ({ ...o, [k]: v }));

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (saving) return;
    setSaving(true);
    setErrors({});
    setFormError(null);
    try {
      const saved = await saveDomain({
        ...(editing ? { id: editing.id } : {}),
        domain: values.domain,
        dkimSelectors: list(values.selectors),
        expectedMx: list(values.expectedMx),
        resolver: values.resolver.trim() || null,
        hostId: values.hostId ? Number(values.hostId) : null,
      });
      setSaving(false);
      onClose(saved);
    } catch (err) {
      const byField = isApiError(err) ? err.fieldErrors() : {};
      setErrors(byField);
      setFormError(Object.keys(byField).length && Object.keys(byField).every((k) => FIELDS.has(k)) ? 'Check the highlighted fields.' : err instanceof Error ? err.message : 'Could not save.');
      setSaving(false);
    }
  };

  const field = (name: keyof Values, errKey: string, label: string, testId: string, hint: string, placeholder: string): React.JSX.Element => (
    <div className={`field wide${errors[errKey] ? ' has-error' : ''}`} data-field={errKey}>
      <label htmlFor={`${idp}-${name}`}>{label}</label>
      <input
        id={`${idp}-${name}`}
        type="text"
        spellCheck={false}
        autoComplete="off"
        data-testid={testId}
        placeholder={placeholder}
        value={values[name]}
        aria-invalid={errors[errKey] ? true : undefined}
        aria-describedby={errors[errKey] ? `${idp}-${name}-error` : undefined}
        onChange={(e) => set(name, e.target.value)}
      />
      {errors[errKey] ? (
        <div id={`${idp}-${name}-error`} className="field-error" data-testid={`field-error-${errKey}`}>
          {errors[errKey]}
        </div>
      ) : (
        <div className="field-hint">{hint}</div>
      )}
    </div>
  );

  return (
    <form className="panel form" data-testid="mail-domain-form" data-mode={editing ? 'edit' : 'add'} onSubmit={(e) => void onSubmit(e)} noValidate autoComplete="off">
      <h2>{editing ? `Edit ${editing.domain}` : 'Add mail domain'}</h2>
      <div className="form-grid">
        {field('domain', 'domain', 'Domain', 'mail-domain', 'The domain in your mail addresses.', 'example.org')}
        {field('selectors', 'dkimSelectors', 'DKIM selectors', 'mail-selectors', 'Comma separated (s1, 2024._rsa); DNS cannot list them.', 's1, mail')}
        {field('expectedMx', 'expectedMx', 'Expected MX hosts', 'mail-expected-mx', 'Optional, comma separated: the run shows which are missing or unexpected.', 'mx1.example.org')}
        {field('resolver', 'resolver', 'Resolver', 'mail-resolver', "IP[:PORT]; empty = the system's resolver. Every query goes to it only.", '10.0.0.53 or 10.0.0.53:5353')}
        <div className={`field wide${errors.hostId ? ' has-error' : ''}`} data-field="hostId">
          <label htmlFor={`${idp}-host`}>Linked host</label>
          <select id={`${idp}-host`} data-testid="mail-host" value={values.hostId} onChange={(e) => set('hostId', e.target.value)}>
            <option value="">None</option>
            {hosts.map((h) => (
              <option key={h.id} value={String(h.id)}>
                {h.name}
              </option>
            ))}
          </select>
          {errors.hostId ? (
            <div className="field-error" data-testid="field-error-hostId">
              {errors.hostId}
            </div>
          ) : (
            <div className="field-hint">The server that signs this domain&apos;s mail, if it is one of your hosts: its DKIM keys are read over SSH and compared with DNS.</div>
          )}
        </div>
      </div>
      {formError && (
        <div className="form-error" data-testid="mail-form-error" role="alert">
          {formError}
        </div>
      )}
      <div className="form-actions">
        <button type="button" className="btn" data-testid="mail-cancel" onClick={() => onClose(null)}>
          Cancel
        </button>
        <button type="submit" className="btn primary" data-testid="mail-save" disabled={saving}>
          {saving ? 'Saving…' : editing ? 'Save' : 'Add domain'}
        </button>
      </div>
    </form>
  );
}
