// Reports (issue 14 item 5, the app side): choose a run, a host (its latest run, with the trend)
// or the fleet, and a kind; the HTML report is previewed in a sandboxed iframe (srcdoc, no
// script, no same-origin: the report has no script and the app's CSP allows only its one style
// sheet, by hash); "Save as…" writes it in any format where the user picks (native save dialog,
// or a typed path in the browser bridge).
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type React from 'react';
import type { RunSummary } from '../../../shared/domain';
import type { ReportPreview, ReportScopeRequest, SaveReportAsResult } from '../../../shared/ipc/reports';
import type { ReportFormat, ReportKind } from '../../../shared/report';
import { call, errorMessage } from '../api';
import { PathField, useNativeDialogs } from '../components/PathField';
import { GradeChip } from '../components/ui';
import { REPORT_FORMAT_OPTIONS, REPORT_KIND_OPTIONS, formatDate } from '../format';
import { useStore } from '../store';
import '../settings.css';

const KINDS = REPORT_KIND_OPTIONS;
const FORMATS = REPORT_FORMAT_OPTIONS;
const EXT: Record<ReportFormat, string> = { pdf: 'pdf', html: 'html', md: 'md', json: 'json', csv: 'csv' };

type ScopeKind = ReportScopeRequest['kind'];

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Report targets: a host profile's name, or the name a run without a profile was stored under. */
function targetsOf(runs: readonly RunSummary[], hostNames: ReadonlyMap<number, string>): string[] {
  const out = new Set<string>();
  for (const r of runs) out.add(r.hostId !== null && hostNames.has(r.hostId) ? hostNames.get(r.hostId)! : r.targetKind === 'domain' ? r.hostName : r.address);
  return [...out].sort((a, b) => a.localeCompare(b));
}

export function ReportsScreen({ runId, host }: { runId?: string | undefined; host?: string | undefined }): React.JSX.Element {
  const hosts = useStore((s) => s.hosts);
  const native = useNativeDialogs();
  const id = useId();
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [scopeKind, setScopeKind] = useState<ScopeKind>(runId ? 'run' : host ? 'host' : 'fleet');
  const [runChoice, setRunChoice] = useState(runId ?? '');
  const [hostChoice, setHostChoice] = useState(host ?? '');
  const [kind, setKind] = useState<ReportKind>('executive');
  const [format, setFormat] = useState<ReportFormat>('pdf');
  const [path, setPath] = useState('');
  const [preview, setPreview] = useState<ReportPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<Extract<SaveReportAsResult, { cancelled: false }> | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const seq = useRef(0);

  useEffect(() => {
    call('runs', 'list', { limit: 500 }).then(setRuns, (e: unknown) => setPreviewError(errorMessage(e)));
  }, []);

  const hostNames = useMemo(() => new Map(hosts.map((h) => [h.id, h.name] as const)), [hosts]);
  const targets = useMemo(() => (runs ? targetsOf(runs, hostNames) : []), [runs, hostNames]);
  const runLabel = (r: RunSummary): string => `${r.hostId !== null ? (hostNames.get(r.hostId) ?? r.hostName) : r.hostName} · ${formatDate(r.startedAt)} · ${r.score ? `grade ${r.score.grade}` : r.status}`;

  // Defaults once the lists are known: the newest run, the first target.
  useEffect(() => {
    if (runs && !runChoice && runs[0]) setRunChoice(runs[0].id);
    if (!hostChoice && targets[0]) setHostChoice(targets[0]);
  }, [runs, targets, runChoice, hostChoice]);

  const scope: ReportScopeRequest | null =
    scopeKind === 'fleet' ? { kind: 'fleet' } : scopeKind === 'host' ? (hostChoice ? { kind: 'host', name: hostChoice } : null) : runChoice ? { kind: 'run', runId: runChoice } : null;
  const scopeKey = JSON.stringify(scope);

  useEffect(() => {
    if (!scope || runs === null) return;
    if (runs.length === 0) return;
    const mine = ++seq.current;
    setLoading(true);
    setPreviewError(null);
    setSaved(null);
    setSaveError(null);
    call('reports', 'preview', { scope, kind }).then(
      (p) => {
        if (mine !== seq.current) return; // a newer choice was made meanwhile
        setPreview(p);
        setLoading(false);
      },
      (e: unknown) => {
        if (mine !== seq.current) return;
        setPreview(null);
        setPreviewError(errorMessage(e));
        setLoading(false);
      },
    );
  }, [scopeKey, kind, runs]); // scopeKey stands for scope (a new object each render)

  const save = async (): Promise<void> => {
    if (!scope) return;
    setSaving(true);
    setSaved(null);
    setSaveError(null);
    try {
      const r = await call('reports', 'saveAs', { scope, kind, format, ...(native ? {} : { path: path.trim() }) });
      if (!r.cancelled) setSaved(r);
    } catch (e) {
      setSaveError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const noRuns = runs !== null && runs.length === 0;

  return (
    <div className="screen reports-screen" data-testid="reports-screen">
      <div className="screen-header">
        <h1>Reports</h1>
        <span className="muted">From the stored runs only: nothing is contacted.</span>
      </div>
      {noRuns ? (
        <div className="panel empty" data-testid="reports-empty">
          <p>No audit run is stored yet: audit a host (or import a bundle in Settings) to report on it.</p>
        </div>
      ) : (
        <>
          <section className="panel" aria-label="What to report">
            <div className="reports-controls">
              <fieldset>
                <legend>Report on</legend>
                {(
                  [
                    ['fleet', 'The fleet'],
                    ['host', 'A host'],
                    ['run', 'A run'],
                  ] as Array<[ScopeKind, string]>
                ).map(([k, label]) => (
                  <label key={k} className="check">
                    <input type="radio" name="report-scope" value={k} data-testid={`report-scope-${k}`} checked={scopeKind === k} onChange={() => setScopeKind(k)} />
                    {label}
                  </label>
                ))}
              </fieldset>
              {scopeKind === 'host' && (
                <div className="field">
                  <label htmlFor={`${id}-host`}>Host (its latest run, with the trend)</label>
                  <select id={`${id}-host`} data-testid="report-host" value={hostChoice} onChange={(e) => setHostChoice(e.target.value)}>
                    {targets.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </select>
                </div>
              )}
              {scopeKind === 'run' && (
                <div className="field">
                  <label htmlFor={`${id}-run`}>Run</label>
                  <select id={`${id}-run`} data-testid="report-run" value={runChoice} onChange={(e) => setRunChoice(e.target.value)}>
                    {(runs ?? []).map((r) => (
                      <option key={r.id} value={r.id}>
                        {runLabel(r)}
                      </option>
                    ))}
                  </select>
                </div>
              )}
              <div className="field">
                <label htmlFor={`${id}-kind`}>Kind</label>
                <select id={`${id}-kind`} data-testid="report-preview-kind" value={kind} onChange={(e) => setKind(e.target.value as ReportKind)}>
                  {KINDS.map(([k, label]) => (
                    <option key={k} value={k}>
                      {label}
                    </option>
                  ))}
                </select>
              </div>
            </div>
          </section>

          <section className="panel" aria-labelledby={`${id}-save-title`}>
            <h2 id={`${id}-save-title`}>Save</h2>
            <div className="report-save">
              <div className="field">
                <label htmlFor={`${id}-format`}>Format</label>
                <select id={`${id}-format`} data-testid="report-save-format" value={format} onChange={(e) => setFormat(e.target.value as ReportFormat)}>
                  {FORMATS.map(([f, label]) => (
                    <option key={f} value={f}>
                      {label}
                    </option>
                  ))}
                </select>
              </div>
              <PathField label="Save to" value={path} onChange={setPath} placeholder={`/home/me/report.${EXT[format]}`} testId="report-save-path" disabled={saving} />
              <button type="button" className="btn primary" data-testid="report-save-as" disabled={saving || !scope || !preview || (!native && !path.trim())} onClick={() => void save()}>
                {saving ? 'Writing…' : native ? 'Save as…' : 'Save'}
              </button>
            </div>
            {saved && (
              <p className="settings-ok" role="status" data-testid="report-save-result">
                Saved <span className="mono">{saved.file}</span> ({formatBytes(saved.bytes)}, {saved.format.toUpperCase()}).
              </p>
            )}
            {saveError && (
              <p className="form-error" role="alert" data-testid="report-save-error">
                {saveError}
              </p>
            )}
          </section>

          <section className="panel" aria-labelledby={`${id}-preview-title`} aria-busy={loading}>
            <div className="report-summary">
              <h2 id={`${id}-preview-title`}>Preview</h2>
              {preview && (
                <>
                  <span data-testid="report-preview-title">{preview.title}</span>
                  <span>
                    Grade <GradeChip grade={preview.grade} testId="report-preview-grade" />
                  </span>
                  <span data-testid="report-preview-open">
                    {preview.openFindings} open finding{preview.openFindings === 1 ? '' : 's'} · {preview.targets} target{preview.targets === 1 ? '' : 's'}
                  </span>
                </>
              )}
              {loading && <span className="muted">Building…</span>}
            </div>
            {previewError && (
              <p className="form-error" role="alert" data-testid="report-preview-error">
                {previewError}
              </p>
            )}
            {preview && <iframe className="report-frame" sandbox="" srcDoc={preview.html} title={`Report preview: ${preview.title}`} data-testid="report-preview-frame" />}
          </section>
        </>
      )}
    </div>
  );
}
