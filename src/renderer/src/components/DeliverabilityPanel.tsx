// The Deliverability panel of a mail domain (issue 13): the probe profiles whose From address is
// in the domain, the last probe per seed (folder, latency, spf/dkim/dmarc verdicts, hops, spam
// score, deleted), the deliverability rate over 30 days with its trend (recharts) against the
// target, the last run's findings, a "Run probe now" job with progress and cancel, and the profile
// form. Passwords typed in the form go with the save request straight to the keychain (the main
// process stores them there and never returns them); an empty password field keeps the stored one.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type React from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ProbeProfile, ProbeProfileInput, ProbeProgressEvent, ProbeRate, ProbeRun, ProbeSeedResult } from '../../../shared/ipc/probe';
import { call, errorMessage, isApiError, newJobId, subscribe } from '../api';
import { formatDate, formatShortDate } from '../format';
import { StackHealth } from './StackHealth';
import '../deliverability.css';

const pct = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(1).replace(/\.0$/, '')} %`);

/** undefined: no message was read (nothing to judge); null: the receiver stated no result for the method. */
function Verdict({ value, testId }: { value: string | null | undefined; testId: string }): React.JSX.Element {
  if (value === undefined)
    return (
      <span className="muted" data-testid={testId} data-verdict="">
        —
      </span>
    );
  const v = value;
  return (
    <span className={`verdict ${v === 'pass' ? 'verdict-pass' : v === null ? 'verdict-none' : 'verdict-fail'}`} data-testid={testId} data-verdict={v ?? ''}>
      {v === 'pass' ? '✓ pass' : v === null ? 'not stated' : `✗ ${v}`}
    </span>
  );
}

function FolderCell({ r }: { r: ProbeSeedResult }): React.JSX.Element {
  if (!r.sent) return <span className="bad-text">not sent</span>;
  if (!r.delivered) return <span className="bad-text">not delivered</span>;
  return (
    <span className={r.folder === 'inbox' ? 'ok-text' : 'bad-text'}>
      {r.folder === 'inbox' ? '✓ ' : '✗ '}
      {r.folder} <span className="muted mono small">({r.folderName})</span>
    </span>
  );
}

export function DeliverabilityPanel({
  domain,
  linkedHost = null,
  onLinkHost,
}: {
  domain: string;
  /** The host profile linked to the domain (its mail server), whose stack health is shown. */
  linkedHost?: { id: number; name: string } | null;
  onLinkHost?: () => void;
}): React.JSX.Element {
  const [profiles, setProfiles] = useState<ProbeProfile[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState<{ kind: 'add' } | { kind: 'edit'; profile: ProbeProfile } | null>(null);

  const load = useCallback(async () => {
    try {
      setProfiles(await call('probe', 'listProfiles', { domain }));
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [domain]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="panel deliverability" data-testid="deliverability-panel" data-domain={domain}>
      <div className="panel-title">
        <h2>Deliverability</h2>
        <span className="muted small">probes sent to seed mailboxes you own; where they land and what the receiver concluded</span>
        <span className="spacer" />
        <button type="button" className="btn" data-testid="add-probe-profile" onClick={() => setForm({ kind: 'add' })} disabled={form?.kind === 'add'}>
          Add probe profile
        </button>
      </div>
      {error && <div className="form-error">{error}</div>}
      {form && (
        <ProbeProfileForm
          key={form.kind === 'edit' ? form.profile.id : 'add'}
          domain={domain}
          editing={form.kind === 'edit' ? form.profile : null}
          onClose={(saved) => {
            setForm(null);
            if (saved) void load();
          }}
        />
      )}
      {profiles && profiles.length === 0 && !form && (
        <p className="muted" data-testid="probe-empty">
          No probe profile sends from {domain} yet. A profile names the submission server to send through and the seed mailboxes (IMAP) to look for the probe in.
        </p>
      )}
      {profiles?.map((p) => <ProfileSection key={p.id} profile={p} onEdit={() => setForm({ kind: 'edit', profile: p })} onChanged={() => void load()} />)}
      <StackHealth host={linkedHost} onLinkHost={onLinkHost} />
    </div>
  );
}

function ProfileSection({ profile: p, onEdit, onChanged }: { profile: ProbeProfile; onEdit: () => void; onChanged: () => void }): React.JSX.Element {
  const [runs, setRuns] = useState<ProbeRun[] | null>(null);
  const [rate, setRate] = useState<ProbeRate | null>(null);
  const [job, setJob] = useState<{ jobId: string; event: ProbeProgressEvent | null; cancelling: boolean } | null>(null);
  const [outcome, setOutcome] = useState<{ kind: 'failed' | 'cancelled'; message: string; code: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const load = useCallback(async () => {
    const [h, r] = await Promise.all([call('probe', 'history', { profileId: p.id, limit: 20 }), call('probe', 'rate', { profileId: p.id, windowDays: 30 })]);
    setRuns(h);
    setRate(r);
  }, [p.id]);
  useEffect(() => {
    void load();
  }, [load]);

  const run = async (): Promise<void> => {
    const jobId = newJobId();
    setOutcome(null);
    setJob({ jobId, event: null, cancelling: false });
    const off = subscribe((e) => {
      if (e.type === 'probe-progress' && e.jobId === jobId) setJob((j) => (j ? { ...j, event: e } : j));
    });
    try {
      await call('probe', 'run', { profileId: p.id, jobId });
    } catch (e) {
      setOutcome({ kind: isApiError(e) && e.code === 'CANCELLED' ? 'cancelled' : 'failed', message: errorMessage(e), code: isApiError(e) ? e.code : 'INTERNAL' });
    } finally {
      off();
      setJob(null);
      await load();
      onChanged();
    }
  };
  const cancel = async (): Promise<void> => {
    if (!job) return;
    setJob({ ...job, cancelling: true });
    await call('probe', 'cancel', { jobId: job.jobId });
  };

  const last = runs?.[0] ?? null;
  return (
    <section className="probe-profile" data-testid="probe-profile" data-profile={p.name}>
      <div className="panel-title">
        <h3>
          {p.name} <span className="muted small mono">{p.fromAddress} via {p.smtpHost}:{p.smtpPort} ({p.smtpSecurity === 'tls' ? 'TLS' : 'STARTTLS'})</span>
        </h3>
        <span className="spacer" />
        <button type="button" className="btn" data-testid="edit-probe-profile" onClick={onEdit} disabled={job !== null}>
          Edit
        </button>
        <button type="button" className="btn" data-testid="delete-probe-profile" onClick={() => setConfirmDelete(true)} disabled={job !== null}>
          Remove
        </button>
        <button type="button" className="btn primary" data-testid="run-probe" onClick={() => void run()} disabled={job !== null}>
          Run probe now
        </button>
      </div>
      {confirmDelete && (
        <div className="panel note confirm" data-testid="confirm-delete-probe">
          <span>Remove the profile {p.name} and its passwords from the keychain? Its runs stay in the history.</span>
          <span className="spacer" />
          <button type="button" className="btn" onClick={() => setConfirmDelete(false)}>
            Keep
          </button>
          <button type="button" className="btn danger" data-testid="confirm-delete-probe-yes" onClick={() => void call('probe', 'deleteProfile', { id: p.id }).then(onChanged)}>
            Remove
          </button>
        </div>
      )}
      {job && (
        <div className="job-progress" data-testid="probe-progress" data-phase={job.event?.phase ?? 'sending'}>
          <progress max={1} value={job.event?.progress ?? 0} />
          <span className="small" data-testid="probe-progress-message">
            {job.event?.message ?? 'Starting…'}
          </span>
          <span className="spacer" />
          <button type="button" className="btn small" data-testid="cancel-probe" onClick={() => void cancel()} disabled={job.cancelling}>
            {job.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      )}
      {outcome && (
        <div className={`panel note ${outcome.kind === 'failed' ? 'error-note' : ''}`} data-testid="probe-outcome" data-kind={outcome.kind} data-code={outcome.code}>
          <span className="strong">{outcome.kind === 'failed' ? 'The probe failed' : 'Cancelled'}:</span> {outcome.message}
        </div>
      )}
      {rate && <RateSummary rate={rate} />}
      <h4>Last probe{last ? <span className="muted small"> — {formatDate(last.startedAt)}, {last.status}</span> : null}</h4>
      {!runs ? (
        <p className="muted">Loading…</p>
      ) : !last ? (
        <p className="muted" data-testid="probe-no-runs">
          Not probed yet.
        </p>
      ) : (
        <LastRun run={last} />
      )}
    </section>
  );
}

function RateSummary({ rate }: { rate: ProbeRate }): React.JSX.Element {
  const below = rate.overall.rate !== null && rate.overall.rate < rate.targetRate;
  const data = rate.series.map((s) => ({ at: s.startedAt, label: formatShortDate(s.startedAt), rate: s.rate === null ? null : Math.round(s.rate * 1000) / 10, inbox: s.inbox, probes: s.probes }));
  return (
    <div className="probe-rate">
      <dl className="facts inline">
        <dt>Deliverability, {rate.windowDays} days</dt>
        <dd data-testid="probe-rate-overall" data-rate={rate.overall.rate ?? ''} className={below ? 'bad-text' : rate.overall.rate !== null ? 'ok-text' : undefined}>
          {pct(rate.overall.rate)} <span className="muted small">({rate.overall.inbox} of {rate.overall.probes} in the inbox; target {pct(rate.targetRate)})</span>
        </dd>
        {rate.seeds.length > 1 &&
          rate.seeds.map((s) => (
            <div key={s.seed} className="contents">
              <dt>{s.seed}</dt>
              <dd data-testid="probe-rate-seed" data-seed={s.seed}>{pct(s.rate)}</dd>
            </div>
          ))}
      </dl>
      {data.length > 0 && (
        <div className="trend" data-testid="probe-rate-chart" aria-label="Deliverability rate over the window, one point per probe run">
          <ResponsiveContainer width="100%" height={160}>
            <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
              <CartesianGrid stroke="#e3e7ed" vertical={false} />
              <XAxis dataKey="label" tick={{ fontSize: 11, fill: '#5f6b7a' }} tickLine={false} axisLine={{ stroke: '#c9d0da' }} minTickGap={24} />
              <YAxis domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} unit="%" tick={{ fontSize: 11, fill: '#5f6b7a' }} tickLine={false} axisLine={false} />
              <ReferenceLine y={rate.targetRate * 100} stroke="#2f9e5b" strokeDasharray="3 3" label={{ value: `target ${pct(rate.targetRate)}`, fontSize: 10, fill: '#2f9e5b', position: 'insideBottomRight' }} />
              <Tooltip
                formatter={(value) => [typeof value === 'number' ? `${value} %` : String(value), 'rate so far']}
                labelFormatter={(_l, payload) => {
                  const x = payload[0]?.payload as (typeof data)[number] | undefined;
                  return x ? `${formatDate(x.at)} — this run: ${x.inbox} of ${x.probes} in the inbox` : '';
                }}
              />
              <Line type="monotone" dataKey="rate" stroke="#2563eb" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </div>
  );
}

function LastRun({ run }: { run: ProbeRun }): React.JSX.Element {
  return (
    <div data-testid="probe-last-run" data-run={run.id} data-status={run.status}>
      {run.error && <div className="panel note error-note">{run.error}</div>}
      <table className="table" data-testid="probe-seed-table">
        <caption className="sr-only">Where each seed mailbox got the probe, and the receiver&apos;s verdicts</caption>
        <thead>
          <tr>
            <th scope="col">Seed</th>
            <th scope="col">Folder</th>
            <th scope="col" className="num">
              Latency
            </th>
            <th scope="col">SPF</th>
            <th scope="col">DKIM</th>
            <th scope="col">DMARC</th>
            <th scope="col">Hops (TLS)</th>
            <th scope="col">Spam score</th>
            <th scope="col">Deleted</th>
          </tr>
        </thead>
        <tbody>
          {run.results.map((r) => (
            <tr key={r.seed} data-testid="probe-seed-row" data-seed={r.seed} data-folder={r.folder ?? ''}>
              <th scope="row" className="probe-seed-name">
                {r.seed} <div className="muted small mono">{r.toAddress}</div>
              </th>
              <td>
                <FolderCell r={r} />
                {r.error && <div className="small bad-text">{r.error}</div>}
              </td>
              <td className="num mono" data-testid="probe-latency">
                {r.latencyMs === null ? '—' : `${(r.latencyMs / 1000).toFixed(2)} s`}
              </td>
              <td>
                <Verdict value={r.auth?.spf} testId="verdict-spf" />
                {r.auth?.spfMailFrom.length ? <div className="muted small mono">{r.auth.spfMailFrom.join(', ')}</div> : null}
              </td>
              <td>
                <Verdict value={r.auth?.dkim} testId="verdict-dkim" />
                {r.auth?.dkimDomains.length ? (
                  <div className="muted small mono">
                    d={r.auth.dkimDomains.join(',')} s={r.auth.dkimSelectors.join(',')}
                  </div>
                ) : null}
              </td>
              <td>
                <Verdict value={r.auth?.dmarc} testId="verdict-dmarc" />
              </td>
              <td className="mono">{r.receivedHops === null ? '—' : `${r.receivedHops} (${r.tlsHops} TLS)`}</td>
              <td className="mono small">{r.spam.length ? r.spam.map((s) => `${s.header}: ${s.score ?? s.value.slice(0, 30)}`).join('; ') : '—'}</td>
              <td>{r.delivered ? r.deleted ? 'yes' : <span className="bad-text">no</span> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {run.findings.length > 0 && (
        <ul className="probe-findings" data-testid="probe-findings">
          {run.findings.map((f) => (
            <li key={f.id} data-check={f.checkId}>
              <span className={`sev sev-${f.severity}`}>{f.severity}</span> <span className="strong">{f.title}</span> <span className="muted small">({f.resource})</span>: {f.evidence}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

// ---- the profile form -------------------------------------------------------------------

interface SeedValues {
  label: string;
  toAddress: string;
  imapHost: string;
  imapPort: string;
  imapTls: string;
  imapUsername: string;
  imapPassword: string;
  inboxFolders: string;
  junkFolders: string;
  authservIds: string;
}
interface Values {
  name: string;
  smtpHost: string;
  smtpPort: string;
  smtpSecurity: string;
  smtpUsername: string;
  smtpPassword: string;
  fromAddress: string;
  caFile: string;
  timeoutS: string;
  targetPct: string;
  seeds: SeedValues[];
}

const EMPTY_SEED: SeedValues = { label: '', toAddress: '', imapHost: '', imapPort: '993', imapTls: 'tls', imapUsername: '', imapPassword: '', inboxFolders: 'INBOX', junkFolders: 'Junk', authservIds: '' };
const list = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function valuesOf(p: ProbeProfile | null, domain: string): Values {
  if (!p) return { name: '', smtpHost: '', smtpPort: '587', smtpSecurity: 'starttls', smtpUsername: '', smtpPassword: '', fromAddress: `probe@${domain}`, caFile: '', timeoutS: '180', targetPct: '95', seeds: [{ ...EMPTY_SEED }] };
  return {
    name: p.name,
    smtpHost: p.smtpHost,
    smtpPort: String(p.smtpPort),
    smtpSecurity: p.smtpSecurity,
    smtpUsername: p.smtpUsername,
    smtpPassword: '',
    fromAddress: p.fromAddress,
    caFile: p.caFile ?? '',
    timeoutS: String(p.timeoutMs / 1000),
    targetPct: String(Math.round(p.targetRate * 1000) / 10),
    seeds: p.seeds.map((s) => ({
      label: s.label,
      toAddress: s.toAddress,
      imapHost: s.imapHost,
      imapPort: String(s.imapPort),
      imapTls: s.imapTls ? 'tls' : 'starttls',
      imapUsername: s.imapUsername,
      imapPassword: '',
      inboxFolders: s.inboxFolders.join(', '),
      junkFolders: s.junkFolders.join(', '),
      authservIds: s.authservIds.join(', '),
    })),
  };
}

function ProbeProfileForm({ domain, editing, onClose }: { domain: string; editing: ProbeProfile | null; onClose: (saved: ProbeProfile | null) => void }): React.JSX.Element {
  const [values, setValues] = useState<Values>(() => valuesOf(editing, domain));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const idp = useId();
  const set = (k: Exclude<keyof Values, 'seeds'>, v: string): void => setValues((o) => ({ ...o, [k]: v }));
  const setSeed = (i: number, k: keyof SeedValues, v: string): void => setValues((o) => ({ ...o, seeds: o.seeds.map((s, j) => (j === i ? { ...s, [k]: v } : s)) }));

  const onSubmit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (saving) return;
    setSaving(true);
    setErrors({});
    setFormError(null);
    const num = (s: string): number | string => (/^\s*-?\d+(\.\d+)?\s*$/.test(s) ? Number(s) : s);
    const req: ProbeProfileInput = {
      ...(editing ? { id: editing.id } : {}),
      name: values.name,
      smtpHost: values.smtpHost,
      smtpPort: num(values.smtpPort) as number,
      smtpSecurity: values.smtpSecurity as 'starttls' | 'tls',
      smtpUsername: values.smtpUsername,
      ...(values.smtpPassword ? { smtpPassword: values.smtpPassword } : {}),
      fromAddress: values.fromAddress,
      caFile: values.caFile.trim() || null,
      timeoutMs: Math.round(Number(values.timeoutS) * 1000),
      targetRate: Number(values.targetPct) / 100,
      seeds: values.seeds.map((s) => ({
        label: s.label,
        toAddress: s.toAddress,
        imapHost: s.imapHost,
        imapPort: num(s.imapPort) as number,
        imapTls: s.imapTls === 'tls',
        imapUsername: s.imapUsername,
        ...(s.imapPassword ? { imapPassword: s.imapPassword } : {}),
        inboxFolders: list(s.inboxFolders),
        junkFolders: list(s.junkFolders),
        authservIds: list(s.authservIds),
      })),
    };
    try {
      const saved = await call('probe', 'saveProfile', req);
      setSaving(false);
      onClose(saved);
    } catch (err) {
      const byPath: Record<string, string> = {};
      if (isApiError(err)) for (const i of err.issues) byPath[i.path.join('.')] ??= i.message;
      setErrors(byPath);
      setFormError(Object.keys(byPath).length ? 'Check the highlighted fields.' : errorMessage(err));
      setSaving(false);
    }
  };

  const input = (path: string, label: string, value: string, onChange: (v: string) => void, opts: { type?: string; hint?: string; placeholder?: string; testId: string }): React.JSX.Element => (
    <div className={`field${errors[path] ? ' has-error' : ''}`} data-field={path}>
      <label htmlFor={`${idp}-${path}`}>{label}</label>
      <input
        id={`${idp}-${path}`}
        type={opts.type ?? 'text'}
        spellCheck={false}
        autoComplete={opts.type === 'password' ? 'new-password' : 'off'}
        data-testid={opts.testId}
        placeholder={opts.placeholder}
        value={value}
        aria-invalid={errors[path] ? true : undefined}
        aria-describedby={errors[path] ? `${idp}-${path}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {errors[path] ? (
        <div id={`${idp}-${path}-error`} className="field-error" data-testid={`probe-error-${path}`}>
          {errors[path]}
        </div>
      ) : opts.hint ? (
        <div className="field-hint">{opts.hint}</div>
      ) : null}
    </div>
  );
  const keep = editing ? 'Stored in the keychain; leave empty to keep it' : 'Goes straight to the OS keychain, never to the database';

  return (
    <form className="panel form probe-form" data-testid="probe-profile-form" data-mode={editing ? 'edit' : 'add'} onSubmit={(e) => void onSubmit(e)} noValidate autoComplete="off">
      <h3>{editing ? `Edit probe profile ${editing.name}` : 'Add probe profile'}</h3>
      <p className="muted small">What is sent: one short text message per seed naming a random tag (also in its subject and an X-Rampart-Probe header); it is deleted from the seed once read.</p>
      <div className="form-grid even">
        {input('name', 'Profile name', values.name, (v) => set('name', v), { testId: 'probe-name', placeholder: 'main' })}
        {input('fromAddress', 'From address', values.fromAddress, (v) => set('fromAddress', v), { testId: 'probe-from', hint: `Its domain is the one measured (${domain}).` })}
        {input('smtpHost', 'Submission server', values.smtpHost, (v) => set('smtpHost', v), { testId: 'probe-smtp-host', placeholder: 'smtp.example.org' })}
        {input('smtpPort', 'Port', values.smtpPort, (v) => set('smtpPort', v), { testId: 'probe-smtp-port' })}
        <div className="field" data-field="smtpSecurity">
          <label htmlFor={`${idp}-sec`}>Security</label>
          <select id={`${idp}-sec`} data-testid="probe-smtp-security" value={values.smtpSecurity} onChange={(e) => set('smtpSecurity', e.target.value)}>
            <option value="starttls">STARTTLS (587)</option>
            <option value="tls">Implicit TLS (465)</option>
          </select>
        </div>
        {input('smtpUsername', 'Submission user', values.smtpUsername, (v) => set('smtpUsername', v), { testId: 'probe-smtp-user' })}
        {input('smtpPassword', 'Submission password', values.smtpPassword, (v) => set('smtpPassword', v), { type: 'password', testId: 'probe-smtp-password', hint: keep })}
        {input('caFile', 'Extra CA (PEM file)', values.caFile, (v) => set('caFile', v), { testId: 'probe-ca-file', hint: 'Optional: the CA of a lab or self-hosted server. Verification is never turned off.', placeholder: '/etc/ssl/my-ca.pem' })}
        {input('timeoutMs', 'Timeout (s)', values.timeoutS, (v) => set('timeoutS', v), { testId: 'probe-timeout', hint: 'How long each seed is polled.' })}
        {input('targetRate', 'Target (%)', values.targetPct, (v) => set('targetPct', v), { testId: 'probe-target', hint: 'A finding when the 30-day rate falls below it.' })}
      </div>
      {values.seeds.map((s, i) => (
        <fieldset key={i} className="probe-seed" data-testid="probe-seed-fields">
          <legend>Seed mailbox {i + 1}</legend>
          <div className="form-grid even">
            {input(`seeds.${i}.label`, 'Label', s.label, (v) => setSeed(i, 'label', v), { testId: 'seed-label', placeholder: 'gmail' })}
            {input(`seeds.${i}.toAddress`, 'Address', s.toAddress, (v) => setSeed(i, 'toAddress', v), { testId: 'seed-to' })}
            {input(`seeds.${i}.imapHost`, 'IMAP server', s.imapHost, (v) => setSeed(i, 'imapHost', v), { testId: 'seed-imap-host' })}
            {input(`seeds.${i}.imapPort`, 'IMAP port', s.imapPort, (v) => setSeed(i, 'imapPort', v), { testId: 'seed-imap-port' })}
            <div className="field" data-field={`seeds.${i}.imapTls`}>
              <label htmlFor={`${idp}-tls-${i}`}>IMAP security</label>
              <select id={`${idp}-tls-${i}`} data-testid="seed-imap-tls" value={s.imapTls} onChange={(e) => setSeed(i, 'imapTls', e.target.value)}>
                <option value="tls">Implicit TLS (993)</option>
                <option value="starttls">STARTTLS (143)</option>
              </select>
            </div>
            {input(`seeds.${i}.imapUsername`, 'IMAP user', s.imapUsername, (v) => setSeed(i, 'imapUsername', v), { testId: 'seed-imap-user' })}
            {input(`seeds.${i}.imapPassword`, 'IMAP password', s.imapPassword, (v) => setSeed(i, 'imapPassword', v), { type: 'password', testId: 'seed-imap-password', hint: keep })}
            {input(`seeds.${i}.inboxFolders`, 'Inbox folders', s.inboxFolders, (v) => setSeed(i, 'inboxFolders', v), { testId: 'seed-inbox', hint: 'Comma separated' })}
            {input(`seeds.${i}.junkFolders`, 'Junk folders', s.junkFolders, (v) => setSeed(i, 'junkFolders', v), { testId: 'seed-junk', hint: 'Comma separated' })}
            {input(`seeds.${i}.authservIds`, 'Receiver authserv-ids', s.authservIds, (v) => setSeed(i, 'authservIds', v), {
              testId: 'seed-authserv',
              hint: 'Optional: whose Authentication-Results count (e.g. mx.google.com); empty = the topmost header\'s.',
            })}
          </div>
          {values.seeds.length > 1 && (
            <button type="button" className="btn small" onClick={() => setValues((o) => ({ ...o, seeds: o.seeds.filter((_x, j) => j !== i) }))}>
              Remove this seed
            </button>
          )}
        </fieldset>
      ))}
      <button type="button" className="btn small" data-testid="add-seed" onClick={() => setValues((o) => ({ ...o, seeds: [...o.seeds, { ...EMPTY_SEED }] }))} disabled={values.seeds.length >= 20}>
        Add a seed mailbox
      </button>
      {formError && (
        <div className="form-error" data-testid="probe-form-error" role="alert">
          {formError}
        </div>
      )}
      <div className="form-actions">
        <button type="button" className="btn" data-testid="probe-cancel" onClick={() => onClose(null)}>
          Cancel
        </button>
        <button type="submit" className="btn primary" data-testid="probe-save" disabled={saving}>
          {saving ? 'Saving…' : editing ? 'Save' : 'Add profile'}
        </button>
      </div>
    </form>
  );
}
