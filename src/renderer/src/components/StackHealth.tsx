// The mail stack health of a domain's linked host (issue 13, "UI"), inside the Deliverability
// panel: the host's latest audit run (age, grade, status) and its mail-category checks grouped as
// an operator reads them (queue, TLS and certificates, stack containers and services, Rspamd and
// ClamAV, DKIM signing, the rest of the Postfix configuration): findings with severity (icon and
// word, never colour alone), the checks that passed, and the ones that could not be evaluated.
// Each finding opens the run. No host linked / no trusted host key / never audited each say the
// next step. Data comes from the existing runs:list (hostId, limit 1) and runs:get channels.
import { useCallback, useEffect, useState } from 'react';
import type React from 'react';
import type { CheckResult, Finding, RunDetail, Severity } from '../../../shared/domain';
import { call, errorMessage } from '../api';
import { CHECK_STATUS_LABEL, RUN_STATUS_LABEL, SEVERITY_ICON, SEVERITY_RANK, formatDate } from '../format';
import { formatAge } from '../screens/DashboardScreen';
import { jobOfHost } from '../state/audit';
import { useStore } from '../store';
import { GradeChip } from './ui';
import { STACK_GROUPS, stackGroupOf } from '../../../shared/mailStackGroups';
import '../stack-health.css';

function SeverityMark({ severity }: { severity: Severity }): React.JSX.Element {
  return (
    <span className={`stack-sev stack-sev-${severity}`} data-testid="stack-finding-severity" data-severity={severity}>
      <span aria-hidden="true">{SEVERITY_ICON[severity]}</span> {severity}
    </span>
  );
}

interface Linked {
  id: number;
  name: string;
}

export function StackHealth({ host, onLinkHost }: { host: Linked | null; onLinkHost?: (() => void) | undefined }): React.JSX.Element {
  return (
    <section className="stack-health" data-testid="stack-health" data-host={host?.name ?? ''}>
      <div className="panel-title">
        <h3>Stack health{host ? ` of ${host.name}` : ''}</h3>
        <span className="muted small">the linked host&apos;s mail checks in its latest audit</span>
      </div>
      {host ? (
        <LinkedHostHealth key={host.id} host={host} />
      ) : (
        <div className="stack-empty" data-testid="stack-no-host">
          <p className="muted">No host is linked to this domain, so there is no mail server to read queue, TLS, containers, Rspamd, ClamAV or DKIM signing from.</p>
          {onLinkHost && (
            <button type="button" className="btn" data-testid="stack-link-host" onClick={onLinkHost}>
              Link a host…
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function LinkedHostHealth({ host }: { host: Linked }): React.JSX.Element {
  const profile = useStore((s) => s.hosts.find((h) => h.id === host.id));
  const running = useStore((s) => jobOfHost(s, host.id));
  const outcome = useStore((s) => s.jobOutcomes[host.id]);
  const runAudit = useStore((s) => s.runAudit);
  const navigate = useStore((s) => s.navigate);
  const [run, setRun] = useState<RunDetail | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const load = useCallback(async () => {
    try {
      const [latest] = await call('runs', 'list', { hostId: host.id, limit: 1 });
      setRun(latest ? await call('runs', 'get', { runId: latest.id }) : null);
      setNow(Date.now());
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [host.id]);
  // Loaded at first and again whenever an audit of this host ends (started here or anywhere else).
  const auditing = running !== undefined;
  useEffect(() => {
    if (!auditing) void load();
  }, [load, auditing]);

  const openRun = (runId: string): void => navigate({ screen: 'run', runId });
  const auditButton = (label: string): React.JSX.Element => (
    <button type="button" className="btn" data-testid="stack-run-audit" disabled={auditing} onClick={() => void runAudit(host.id)}>
      {label}
    </button>
  );

  return (
    <>
      {error && <div className="form-error">{error}</div>}
      {running && (
        <p className="muted" data-testid="stack-auditing" data-phase={running.phase}>
          Auditing {host.name}: {running.message} ({Math.round(running.progress * 100)} %)
        </p>
      )}
      {!running && outcome && (
        <p className="bad-text small" data-testid="stack-audit-outcome" data-kind={outcome.kind}>
          The last audit of {host.name} produced no run: {outcome.message}
        </p>
      )}
      {run === null && profile?.hostKey === null && (
        <div className="stack-empty" data-testid="stack-no-key">
          <p className="muted">{host.name} has never been audited, and its host key is not trusted yet: connect to it once and check its fingerprint first.</p>
          <button type="button" className="btn" data-testid="stack-open-host" onClick={() => navigate({ screen: 'host', hostId: host.id })}>
            Open {host.name}
          </button>
        </div>
      )}
      {run === null && profile?.hostKey !== null && (
        <div className="stack-empty" data-testid="stack-never-audited">
          <p className="muted">{host.name} has never been audited. An audit reads its mail queue, TLS settings and certificates, stack containers, Rspamd, ClamAV and DKIM signing over SSH.</p>
          {auditButton('Run an audit')}
        </div>
      )}
      {run && <RunHealth run={run} now={now} onOpen={openRun} auditButton={auditButton('Audit again')} />}
    </>
  );
}

function RunHealth({ run, now, onOpen, auditButton }: { run: RunDetail; now: number; onOpen: (runId: string) => void; auditButton: React.JSX.Element }): React.JSX.Element {
  const findings = run.findings.filter((f) => f.category === 'mail');
  const checks = run.checks.filter((c) => c.category === 'mail');
  const grade = run.score?.categories['mail']?.grade ?? null;
  const notApplicable = checks.filter((c) => c.status === 'not-applicable').length;
  const groups = STACK_GROUPS.map((g) => ({
    ...g,
    findings: findings.filter((f) => stackGroupOf(f.checkId) === g.id).sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.checkId.localeCompare(b.checkId)),
    passed: checks.filter((c) => c.status === 'pass' && stackGroupOf(c.checkId) === g.id),
    unevaluated: checks.filter((c) => (c.status === 'error' || c.status === 'needs-sudo') && stackGroupOf(c.checkId) === g.id),
    notApplicable: checks.filter((c) => c.status === 'not-applicable' && stackGroupOf(c.checkId) === g.id).length,
  })).filter((g) => g.findings.length + g.passed.length + g.unevaluated.length + g.notApplicable > 0);
  const ageMs = Math.max(0, now - new Date(run.startedAt).getTime());

  return (
    <div data-testid="stack-run" data-run={run.id}>
      <div className="stack-summary">
        <span title="the host's overall grade">
          host grade <GradeChip grade={run.score?.grade} testId="stack-host-grade" />
        </span>
        <span title="the grade of the mail category alone">
          mail <GradeChip grade={grade} testId="stack-mail-grade" />
        </span>
        <span className="small" data-testid="stack-run-age" title={formatDate(run.startedAt)}>
          audited {formatAge(ageMs)}
        </span>
        <span className={`small ${run.status === 'complete' ? 'muted' : 'bad-text'}`} data-testid="stack-run-status" data-status={run.status}>
          {RUN_STATUS_LABEL[run.status]}
        </span>
        <span className="small muted">
          {findings.length} finding{findings.length === 1 ? '' : 's'} · {checks.filter((c) => c.status === 'pass').length} passed
          {notApplicable > 0 ? ` · ${notApplicable} not applicable` : ''}
        </span>
        <span className="spacer" />
        <button type="button" className="btn" data-testid="stack-open-run" onClick={() => onOpen(run.id)}>
          Open run
        </button>
        {auditButton}
      </div>
      {checks.length === 0 && (
        <p className="muted" data-testid="stack-no-mail-checks">
          This run has no mail checks{run.status === 'complete' ? '' : ` (the run is ${RUN_STATUS_LABEL[run.status]})`}.
        </p>
      )}
      {groups.map((g) => (
        <div key={g.id} className="stack-group" data-testid="stack-group" data-group={g.id}>
          <h4>
            {g.label}{' '}
            {g.findings.length > 0 ? (
              <span className="small bad-text">{`${g.findings.length} finding${g.findings.length === 1 ? '' : 's'}`}</span>
            ) : g.passed.length > 0 && g.unevaluated.length === 0 ? (
              <span className="small ok-text">✓ all passed</span>
            ) : g.passed.length + g.unevaluated.length === 0 ? (
              <span className="small muted" data-testid="stack-group-na">
                not applicable: nothing of this kind found on the host ({g.notApplicable} check{g.notApplicable === 1 ? '' : 's'})
              </span>
            ) : null}
          </h4>
          {g.findings.length > 0 && (
            <ul className="stack-findings">
              {g.findings.map((f) => (
                <FindingRow key={f.id} f={f} onOpen={() => onOpen(run.id)} />
              ))}
            </ul>
          )}
          {g.passed.length + g.unevaluated.length > 0 && (
            <ul className="stack-checks">
              {g.passed.map((c) => (
                <CheckRow key={c.checkId} c={c} />
              ))}
              {g.unevaluated.map((c) => (
                <CheckRow key={c.checkId} c={c} />
              ))}
            </ul>
          )}
        </div>
      ))}
    </div>
  );
}

function FindingRow({ f, onOpen }: { f: Finding; onOpen: () => void }): React.JSX.Element {
  return (
    <li data-testid="stack-finding" data-check={f.checkId} data-finding-id={f.id}>
      <button type="button" className="link stack-finding-open" onClick={onOpen} title="Open the run">
        <SeverityMark severity={f.severity} /> <span className="strong">{f.title}</span> <code className="small">{f.checkId}</code>
        {f.resource && <span className="muted small mono"> {f.resource}</span>}
      </button>
    </li>
  );
}

function CheckRow({ c }: { c: CheckResult }): React.JSX.Element {
  const pass = c.status === 'pass';
  return (
    <li data-testid={pass ? 'stack-passed' : 'stack-unevaluated'} data-check={c.checkId} data-status={c.status}>
      <span className={pass ? 'ok-text' : 'bad-text'}>{pass ? '✓ pass' : `? ${CHECK_STATUS_LABEL[c.status]}`}</span> <code className="small">{c.checkId}</code>
      {c.message && <span className="muted small"> {c.message}</span>}
    </li>
  );
}
