// "Report" on the run screen (issue 14 item 5): the run's report in a chosen kind and format,
// written by the main process into the app's reports folder (it names the file; no path is sent).
import { useId, useState } from 'react';
import type React from 'react';
import type { SavedReport } from '../../../shared/ipc/reports';
import type { ReportFormat, ReportKind } from '../../../shared/report';
import { call, errorMessage } from '../api';
import { REPORT_FORMAT_OPTIONS, REPORT_KIND_OPTIONS } from '../format';
import { useStore } from '../store';
import '../report.css';

const KINDS = REPORT_KIND_OPTIONS;
const FORMATS = REPORT_FORMAT_OPTIONS;

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function ReportButton({ runId }: { runId: string }): React.JSX.Element {
  const [kind, setKind] = useState<ReportKind>('full');
  const [format, setFormat] = useState<ReportFormat>('pdf');
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<SavedReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const navigate = useStore((s) => s.navigate);

  const save = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      setSaved(await call('reports', 'save', { runId, kind, format }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="report-action" data-testid="report-action">
      <label htmlFor={`${id}-kind`} className="sr-only">
        Report kind
      </label>
      <select id={`${id}-kind`} data-testid="report-kind" value={kind} onChange={(e) => setKind(e.target.value as ReportKind)} disabled={busy}>
        {KINDS.map(([k, label]) => (
          <option key={k} value={k}>
            {label}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-format`} className="sr-only">
        Report format
      </label>
      <select id={`${id}-format`} data-testid="report-format" value={format} onChange={(e) => setFormat(e.target.value as ReportFormat)} disabled={busy}>
        {FORMATS.map(([f, label]) => (
          <option key={f} value={f}>
            {label}
          </option>
        ))}
      </select>
      <button type="button" className="btn small primary" data-testid="report-save" disabled={busy} onClick={() => void save()}>
        {busy ? 'Writing report…' : 'Report'}
      </button>
      <button type="button" className="btn small" data-testid="report-open-preview" onClick={() => navigate({ screen: 'reports', runId })}>
        Preview…
      </button>
      {saved && (
        <p className="small" role="status" data-testid="report-saved">
          Saved <span className="mono">{saved.file}</span> ({formatBytes(saved.bytes)}, grade {saved.grade ?? '—'}, {saved.openFindings} open finding{saved.openFindings === 1 ? '' : 's'})
        </p>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="report-error">
          {error}
        </p>
      )}
    </div>
  );
}
