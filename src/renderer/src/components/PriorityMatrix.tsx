// The remediation priority matrix (dashboard:priority): open findings of a host's latest run or
// of the fleet by severity × effort. Each count lists its findings in the priority order — the
// order ACTION_PLAN_TODO.md follows — and each finding opens its run.
import { useEffect, useMemo, useState } from 'react';
import type React from 'react';
import type { Severity } from '../../../shared/domain';
import type { Fleet, PriorityItem, PriorityMatrix as Matrix } from '../../../shared/ipc/dashboard';
import { call } from '../api';
import { SEVERITY_ORDER } from '../format';
import { useStore } from '../store';
import { SeverityLabel } from './ui';

const EFFORTS = ['low', 'medium', 'high'] as const;
type Effort = (typeof EFFORTS)[number];
const EFFORT_LABEL: Record<Effort, string> = { low: 'Low effort', medium: 'Medium effort', high: 'High effort' };
/** Findings listed under an open cell; the rest are in the workbench or the action plan. */
const LIST_LIMIT = 500;
const SOURCE_LABEL: Record<PriorityItem['effortSource'], string> = { fix: 'guided fix', check: 'declared by the check', estimate: 'estimated' };

/** The matrix's counts: a scope and its cells (the fleet's come with dashboard:fleet). */
type Counts = Pick<Matrix, 'scope' | 'cells'>;

export function PriorityMatrixPanel({ hosts, fleetCounts }: { hosts: ReadonlyArray<{ hostId: number | null; name: string }>; fleetCounts: Fleet['priority'] }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  const showError = useStore((s) => s.showError);
  const [hostId, setHostId] = useState<number | null>(null);
  const [hostMatrix, setHostMatrix] = useState<Counts | null>(null);
  const [cell, setCell] = useState<{ severity: Severity; effort: Effort } | 'all' | null>(null);
  // The listed findings come with the cell that is open: the counts alone for the matrix (a
  // fleet can hold tens of thousands of open findings), then one cell's findings on demand.
  const [listed, setListed] = useState<Matrix | null>(null);
  // The fleet's counts are the fleet answer's (no call of their own); a host's are asked for.
  const fleetMatrix = useMemo<Counts>(() => ({ scope: { hostId: null, label: 'fleet', runIds: fleetCounts.runIds }, cells: fleetCounts.cells }), [fleetCounts]);
  const matrix = hostId === null ? fleetMatrix : hostMatrix?.scope.hostId === hostId ? hostMatrix : null;

  useEffect(() => {
    setCell(null);
    setListed(null);
    if (hostId === null) return;
    let live = true;
    call('dashboard', 'priority', { hostId, limit: 0 }).then(
      (m) => live && setHostMatrix(m),
      (e: unknown) => live && showError(e),
    );
    return () => {
      live = false;
    };
  }, [hostId, showError]);

  useEffect(() => {
    let live = true;
    setListed(null);
    if (!cell) return;
    call('dashboard', 'priority', { ...(hostId === null ? {} : { hostId }), ...(cell === 'all' ? {} : { cell }), limit: LIST_LIMIT }).then(
      (m) => live && setListed(m),
      (e: unknown) => live && showError(e),
    );
    return () => {
      live = false;
    };
  }, [cell, hostId, showError]);

  const items = listed?.items ?? [];
  const openTotal = matrix ? matrix.cells.reduce((n, c) => n + c.count, 0) : 0;
  const profiles = hosts.filter((h) => h.hostId !== null);
  return (
    <div className="panel prio" data-testid="priority-matrix">
      <div className="panel-title">
        <h2 className="chart-title">Remediation priority</h2>
        <span className="muted small">open findings by severity × effort; work from the top left (the order of ACTION_PLAN_TODO.md)</span>
        <span className="spacer" />
        <label className="muted small" htmlFor="prio-scope">
          Scope
        </label>
        <select id="prio-scope" data-testid="priority-scope" value={hostId ?? ''} onChange={(e) => setHostId(e.target.value === '' ? null : Number(e.target.value))}>
          <option value="">Fleet (every latest run)</option>
          {profiles.map((h) => (
            <option key={h.hostId} value={h.hostId!}>
              {h.name}
            </option>
          ))}
        </select>
      </div>
      {matrix && (
        <table className="table matrix prio-table" aria-label={`Priority matrix: ${matrix.scope.label}`}>
          <thead>
            <tr>
              <th scope="col">Severity</th>
              {EFFORTS.map((e) => (
                <th scope="col" key={e} className="num">
                  {EFFORT_LABEL[e]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {SEVERITY_ORDER.map((s) => (
              <tr key={s} data-testid="prio-row" data-severity={s}>
                <th scope="row">
                  <SeverityLabel severity={s} />
                </th>
                {EFFORTS.map((e) => {
                  const n = matrix.cells.find((c) => c.severity === s && c.effort === e)?.count ?? 0;
                  const selected = cell !== 'all' && cell?.severity === s && cell.effort === e;
                  return (
                    <td key={e} className="num mono" data-testid="prio-cell" data-severity={s} data-effort={e} data-count={n}>
                      {n > 0 ? (
                        <button
                          type="button"
                          className={`link mono${selected ? ' selected' : ''}`}
                          aria-pressed={selected}
                          aria-label={`${n} open ${s}, ${e} effort: list them`}
                          onClick={() => setCell(selected ? null : { severity: s, effort: e })}
                        >
                          {n}
                        </button>
                      ) : (
                        <span className="muted">0</span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {matrix && (
        <div className="prio-actions">
          <button type="button" className="link small" data-testid="priority-all" aria-pressed={cell === 'all'} onClick={() => setCell(cell === 'all' ? null : 'all')}>
            {openTotal} open finding{openTotal === 1 ? '' : 's'} in priority order
          </button>
        </div>
      )}
      {cell && cell !== 'all' && items.length > 0 && (
        <div className="prio-actions">
          <button
            type="button"
            className="link small"
            data-testid="priority-open-workbench"
            title="The same findings in the Findings workbench (its own sort; effort is not one of its filters, so the cell's checks are)"
            onClick={() =>
              navigate({
                screen: 'workbench',
                filter: {
                  severities: [cell.severity],
                  // The workbench shows a finding that came back as regressed; here it is open like any other.
                  statuses: ['open', 'regressed'],
                  checks: listed?.itemChecks ?? [],
                  ...(matrix?.scope.hostId !== null && matrix ? { hosts: [matrix.scope.label] } : {}),
                },
              })
            }
          >
            Open these in Findings
          </button>
        </div>
      )}
      {cell && (
        <ol className="prio-list" data-testid="priority-list" aria-live="polite">
          {items.map((i) => (
            <li key={`${i.runId}:${i.findingId}`} data-testid="priority-item" data-priority={i.priority} data-check={i.checkId} data-severity={i.severity} data-effort={i.effort}>
              <span className="mono muted">#{i.priority}</span>{' '}
              <button type="button" className="link" onClick={() => navigate({ screen: 'run', runId: i.runId })}>
                {i.title}
              </button>{' '}
              <span className="muted small">
                {i.target} · <span className="mono">{i.resource}</span> · {i.severity}, {i.effort} effort ({SOURCE_LABEL[i.effortSource]})
              </span>
              {i.fix && (
                <span className="fix-tag small" title={`Guided fix: ${i.fix.title}`}>
                  guided fix
                </span>
              )}
            </li>
          ))}
          {listed && listed.itemsTotal > items.length && (
            <li className="muted small" data-testid="priority-more">
              … and {listed.itemsTotal - items.length} more: open them in Findings, or see the whole order in the action plan report.
            </li>
          )}
        </ol>
      )}
    </div>
  );
}
