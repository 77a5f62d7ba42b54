// The fleet dashboard: every host's latest grade and the age of its last audit, findings by
// severity × status, a category heat map and what changed since the run before. A number that
// has a screen behind it is a button that opens it; the rest is plain text.
// Rendering cost (bench/workbench.ts, 50 hosts): the tables paint first (from the fleet as last
// fetched, while the visit's refresh is in flight) and the charts (recharts, most of the screen's
// rendering time) follow the refreshed answer in a background render React can interrupt; each
// panel is memoized on the data it draws, so the refresh that every visit starts, and the loading
// flag it toggles, re-render only what changed.
import { memo, useDeferredValue, useEffect, useMemo, useState } from 'react';
import type React from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Category, FindingStatus, Severity } from '../../../shared/domain';
import type { Fleet, FleetHost, ScoreChange } from '../../../shared/ipc/dashboard';
import { call } from '../api';
import { Attribution, HostTrendPanel, signed } from '../components/HostTrendPanel';
import { PriorityMatrixPanel } from '../components/PriorityMatrix';
import { GradeChip, SeverityLabel } from '../components/ui';
import { SEVERITY_ICON, SEVERITY_ORDER, categoryLabel, formatDate, formatScore, gradeClass } from '../format';
import { useStore } from '../store';
import '../dashboard.css';

const STATUS_ORDER: readonly FindingStatus[] = ['open', 'accepted', 'false-positive', 'fixed'];
const STATUS_LABEL: Record<FindingStatus, string> = { open: 'Open', accepted: 'Accepted risk', 'false-positive': 'False positive', fixed: 'Fixed' };
/** Bar colours of the chart: the severity palette (var(--sev-*) in styles.css). */
const SEVERITY_FILL: Record<Severity, string> = { critical: '#7f1d1d', high: '#dc2626', medium: '#ea7a0c', low: '#e5b800', info: '#8a94a3' };

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** Older than this, an audit says little about the host today. */
const FRESH_MS = 7 * DAY_MS;
const STALE_MS = 30 * DAY_MS;

export function formatAge(ms: number): string {
  if (ms < HOUR_MS) return `${Math.max(1, Math.round(ms / 60_000))} min ago`;
  if (ms < 2 * DAY_MS) return `${Math.round(ms / HOUR_MS)} h ago`;
  return `${Math.round(ms / DAY_MS)} d ago`;
}

function freshness(ms: number): 'fresh' | 'aging' | 'stale' {
  return ms <= FRESH_MS ? 'fresh' : ms <= STALE_MS ? 'aging' : 'stale';
}

function openCount(h: FleetHost, s: Severity): number {
  return h.findings[s].open;
}

/** The same object while its JSON is unchanged, so a memoized panel skips a refreshed answer with the same numbers. */
function useStableJson<T>(value: T): T {
  const json = JSON.stringify(value) ?? 'null';
  return useMemo(() => JSON.parse(json) as T, [json]);
}

export function DashboardScreen(): React.JSX.Element {
  const fleet = useStore((s) => s.fleet);
  const loading = useStore((s) => s.fleetLoading);
  const loadFleet = useStore((s) => s.loadFleet);
  // The charts and the priority matrix wait for this visit's answer, then render in the background
  // (React can interrupt that render). Drawn from the previous answer while the refresh is in
  // flight, recharts' work held up the refreshed tables (bench: 146 → 360 ms at load 3–5). Each
  // panel says which answer it was drawn from (data-from).
  const [fetched, setFetched] = useState(false);
  const chartFleet = useDeferredValue(fetched ? fleet : null, null);
  const barRows = useStableJson(chartFleet ? barRowsOf(chartFleet) : null);
  const trendList = useStableJson(chartFleet ? trendHosts(chartFleet) : null);
  const prioHosts = useStableJson(chartFleet ? chartFleet.hosts.map((h) => ({ hostId: h.hostId, name: h.name })) : null);
  const prioCounts = useStableJson(chartFleet?.priority ?? null);
  const firstTrend = useStableJson(chartFleet?.firstTrend ?? null);
  const drawnFrom = chartFleet?.generatedAt ?? '';
  const heatRows = useStableJson(fleet ? heatRowsOf(fleet) : []);
  const categories = useStableJson(fleet?.categories ?? []);

  // The first commit draws the header only; its effect sends the visit's request, then the tables
  // render (from the fleet as last fetched) while the main process computes the answer, instead
  // of the request waiting for them. An effect of a click runs before the browser paints, so no
  // frame shows the screen without its tables.
  const [requested, setRequested] = useState(false);
  useEffect(() => {
    let live = true;
    void loadFleet().finally(() => live && setFetched(true));
    setRequested(true);
    return () => {
      live = false;
    };
  }, [loadFleet]);

  return (
    <section className="screen dashboard" data-testid="dashboard-screen" data-generated-at={fleet?.generatedAt ?? ''}>
      <header className="screen-header">
        <h1>Fleet</h1>
        <span className="muted" data-testid="dashboard-summary">
          {fleet ? summary(fleet) : loading ? 'loading…' : ''}
        </span>
        <span className="spacer" />
        <button type="button" className="btn" data-testid="dashboard-refresh" onClick={() => void loadFleet()} disabled={loading}>
          Refresh
        </button>
      </header>
      {requested && fleet && fleet.hosts.length === 0 && <div className="panel empty">No hosts yet. Add one on the Hosts screen and audit it.</div>}
      {requested && fleet && fleet.hosts.length > 0 && (
        <>
          <HostsPanel hosts={fleet.hosts} />
          <div className="dash-row">
            <MatrixPanel totals={fleet.totals} hosts={fleet.hosts} />
            <Drawn from={drawnFrom} panel="chart">
              {barRows ? <OpenChart data={barRows} /> : <ChartPlaceholder rows={fleet.hosts.filter((h) => h.latestRun).length} />}
            </Drawn>
          </div>
          <div className="dash-row">
            <Drawn from={drawnFrom} panel="trend">
              {trendList ? <TrendPanel hosts={trendList} first={firstTrend} /> : <div className="panel trend-panel" aria-busy="true" />}
            </Drawn>
            <Drawn from={drawnFrom} panel="priority">
              {prioHosts && prioCounts ? <PriorityPanel hosts={prioHosts} fleetCounts={prioCounts} /> : <div className="panel prio" aria-busy="true" />}
            </Drawn>
          </div>
          <HeatMap categories={categories} rows={heatRows} />
        </>
      )}
    </section>
  );
}

function summary(fleet: Fleet): string {
  const audited = fleet.hosts.filter((h) => h.latestRun).length;
  const stale = fleet.hosts.filter((h) => h.ageMs !== null && freshness(h.ageMs) === 'stale').length;
  const open = SEVERITY_ORDER.reduce((n, s) => n + fleet.totals[s].open, 0);
  return `${fleet.hosts.length} host${fleet.hosts.length === 1 ? '' : 's'} · ${audited} audited · ${stale} stale · ${open} open finding${open === 1 ? '' : 's'} · as of ${formatDate(fleet.generatedAt)}`;
}

/** A layout-neutral wrapper naming the fleet answer (generatedAt) a panel was drawn from: the panel re-renders only when its data changes, this on every answer. */
function Drawn({ from, panel, children }: { from: string; panel: string; children: React.ReactNode }): React.JSX.Element {
  return (
    <div className="drawn" data-testid={`drawn-${panel}`} data-from={from}>
      {children}
    </div>
  );
}

const TrendPanel = memo(HostTrendPanel);
const PriorityPanel = memo(PriorityMatrixPanel);

const HostsPanel = memo(function HostsPanel({ hosts }: { hosts: Fleet['hosts'] }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  const openRun = (runId: string): void => navigate({ screen: 'run', runId });
  return (
    <div className="panel flush">
      <table className="table" data-testid="fleet-hosts" aria-labelledby="fleet-hosts-title">
        <caption id="fleet-hosts-title" className="table-caption">
          Hosts: latest audit
        </caption>
        <thead>
          <tr>
            <th scope="col">Host</th>
            <th scope="col">Grade</th>
            <th scope="col" className="num">
              Score
            </th>
            <th scope="col">Last audit</th>
            <th scope="col" title="The latest run against the run before it">
              Since last audit
            </th>
            <th scope="col" title="What moved the score since the graded run before, by category">
              Score change
            </th>
            <th scope="col">Open findings</th>
          </tr>
        </thead>
        <tbody>
          {hosts.map((h) => {
            const run = h.latestRun;
            return (
              <tr key={`${h.hostId ?? 'x'}:${h.address}:${h.port}`} data-testid="fleet-host" data-host={h.name} data-run-id={run?.id ?? ''}>
                <th scope="row" className="strong">
                  {h.hostId !== null ? (
                    <button type="button" className="link strong" data-testid="fleet-host-open" onClick={() => navigate({ screen: 'host', hostId: h.hostId! })}>
                      {h.name}
                    </button>
                  ) : (
                    <>
                      {h.name} <span className="muted small">no profile</span>
                    </>
                  )}
                </th>
                <td>
                  {run ? (
                    <button type="button" className="link" data-testid="fleet-grade" aria-label={`Grade ${run.grade ?? 'none'} of ${h.name}: open its latest run`} onClick={() => openRun(run.id)}>
                      <GradeChip grade={run.grade} />
                    </button>
                  ) : (
                    <span className="muted">never audited</span>
                  )}
                </td>
                <td className="num mono">
                  {run && run.score !== null ? (
                    <button type="button" className="link mono" data-testid="fleet-score" onClick={() => openRun(run.id)}>
                      {formatScore(run.score)}
                    </button>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="nowrap" data-testid="fleet-age">
                  {run && h.ageMs !== null ? (
                    <span title={formatDate(run.startedAt)}>
                      <span className={`fresh fresh-${freshness(h.ageMs)}`} data-testid="fleet-freshness">
                        {freshness(h.ageMs)}
                      </span>{' '}
                      {formatAge(h.ageMs)}
                      {run.status !== 'complete' && <span className={`status status-${run.status}`}>{run.status}</span>}
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="nowrap" data-testid="fleet-since">
                  <SinceLast h={h} openRun={openRun} />
                </td>
                <td data-testid="fleet-score-change">
                  <ScoreChangeCell h={h} />
                </td>
                <td className="nowrap">
                  <OpenCounts h={h} openRun={openRun} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
});

function SinceLast({ h, openRun }: { h: FleetHost; openRun: (id: string) => void }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  const d = h.sinceLast;
  const run = h.latestRun;
  if (!run) return <span className="muted">—</span>;
  if (!d) return <span className="muted">no comparison ({run.status} run)</span>;
  if (d.previousRunId === null) return <span className="muted" data-first="true">first audit</span>;
  // Both numbers are the run screen's "changes since the previous run" lists.
  const part = (n: number, sign: string, kind: 'new' | 'resolved'): React.JSX.Element =>
    n > 0 ? (
      <button type="button" className={`link chg-${kind}`} data-testid={`fleet-${kind}`} aria-label={`${n} ${kind} on ${h.name}: open the run`} onClick={() => openRun(run.id)}>
        {sign}
        {n} {kind}
      </button>
    ) : (
      <span className="muted" data-testid={`fleet-${kind}`}>
        {sign}0 {kind}
      </span>
    );
  return (
    <span className="changes" data-new={d.new} data-resolved={d.resolved} data-regressed={d.regressed}>
      {part(d.new, '+', 'new')} {part(d.resolved, '−', 'resolved')}
      {d.regressed > 0 && (
        <>
          {' '}
          <button type="button" className="link chg-regressed" data-testid="fleet-regressed" aria-label={`${d.regressed} regressed on ${h.name}: list them in the workbench`} onClick={() => navigate({ screen: 'workbench', filter: { hosts: [h.name], statuses: ['regressed'] } })}>
            ↺{d.regressed} regressed
          </button>
        </>
      )}
    </span>
  );
}

function OpenCounts({ h, openRun }: { h: FleetHost; openRun: (id: string) => void }): React.JSX.Element {
  const run = h.latestRun;
  const nonZero = SEVERITY_ORDER.filter((s) => openCount(h, s) > 0);
  if (!run) return <span className="muted">—</span>;
  if (nonZero.length === 0) return <span className="muted">none</span>;
  return (
    <span className="counts">
      {nonZero.map((s) => (
        <button
          key={s}
          type="button"
          className={`count-btn sev-${s}`}
          data-testid="fleet-open-count"
          data-severity={s}
          aria-label={`${openCount(h, s)} open ${s} on ${h.name}: open the run`}
          onClick={() => openRun(run.id)}
        >
          <span aria-hidden="true">{SEVERITY_ICON[s]}</span> {openCount(h, s)} {s}
        </button>
      ))}
    </span>
  );
}

const MatrixPanel = memo(function MatrixPanel({ totals, hosts }: { totals: Fleet['totals']; hosts: Fleet['hosts'] }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  const [cell, setCell] = useState<{ severity: Severity; status: FindingStatus } | null>(null);
  const hostsIn = cell ? hosts.filter((h) => h.findings[cell.severity][cell.status] > 0) : [];
  return (
    <div className="panel dash-matrix">
      <table className="table matrix" data-testid="fleet-matrix" aria-labelledby="fleet-matrix-title">
        <caption id="fleet-matrix-title" className="table-caption">
          Findings in the latest runs, by severity and status
        </caption>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            {STATUS_ORDER.map((st) => (
              <th scope="col" key={st} className="num">
                {STATUS_LABEL[st]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {SEVERITY_ORDER.map((s) => (
            <tr key={s} data-testid="matrix-row" data-severity={s}>
              <th scope="row">
                <SeverityLabel severity={s} />
              </th>
              {STATUS_ORDER.map((st) => {
                const n = totals[s][st];
                const selected = cell?.severity === s && cell.status === st;
                return (
                  <td key={st} className="num mono" data-testid="matrix-cell" data-status={st} data-count={n}>
                    {n > 0 ? (
                      <button
                        type="button"
                        className={`link mono${selected ? ' selected' : ''}`}
                        aria-pressed={selected}
                        aria-label={`${n} ${s} ${STATUS_LABEL[st].toLowerCase()}: list the hosts`}
                        onClick={() => setCell(selected ? null : { severity: s, status: st })}
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
      {cell && (
        <div className="matrix-hosts" data-testid="matrix-hosts" aria-live="polite">
          <h3>
            <SeverityLabel severity={cell.severity} /> · {STATUS_LABEL[cell.status]}: by host
          </h3>
          <button
            type="button"
            className="btn small"
            data-testid="matrix-open-workbench"
            onClick={() =>
              // The workbench splits "open" into open and regressed (found again after it was resolved or fixed).
              navigate({ screen: 'workbench', filter: { severities: [cell.severity], statuses: cell.status === 'open' ? ['open', 'regressed'] : [cell.status] } })
            }
          >
            Open these {totals[cell.severity][cell.status]} findings in the workbench
          </button>
          <ul>
            {hostsIn.map((h) => (
              <li key={`${h.hostId ?? 'x'}:${h.address}:${h.port}`}>
                <button type="button" className="link" data-testid="matrix-host" data-host={h.name} onClick={() => h.latestRun && navigate({ screen: 'run', runId: h.latestRun.id })}>
                  {h.name}: {h.findings[cell.severity][cell.status]} in its latest run
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
});

interface BarRow {
  name: string;
  runId: string;
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  /** The bar's length: every open finding of the host (its segments split it by severity). */
  total: number;
}

function barRowsOf(fleet: Fleet): BarRow[] {
  return fleet.hosts
    .filter((h) => h.latestRun)
    .map((h) => {
      const bySeverity = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, openCount(h, s)])) as Record<Severity, number>;
      return { name: h.name, runId: h.latestRun!.id, ...bySeverity, total: SEVERITY_ORDER.reduce((n, s) => n + bySeverity[s], 0) };
    });
}

const chartHeight = (rows: number): number => Math.max(170, 34 * rows + 70);

/** The chart's room while it renders, so the panels below do not move when it appears. */
function ChartPlaceholder({ rows }: { rows: number }): React.JSX.Element | null {
  if (rows === 0) return null;
  return (
    <div className="panel dash-chart" aria-busy="true">
      <h2 className="chart-title">Open findings per host</h2>
      <div style={{ height: chartHeight(rows) }} />
    </div>
  );
}

/**
 * One host's bar: its open findings as segments by severity, drawn as plain rectangles inside the
 * one bar recharts lays out per host (five recharts bars per host, one per severity, took most of
 * the screen's rendering time: bench, 50 hosts).
 */
function StackedRow(props: { x?: number; y?: number; width?: number; height?: number; payload?: BarRow }): React.JSX.Element | null {
  const { x = 0, y = 0, width = 0, height = 0, payload } = props;
  if (!payload || payload.total === 0 || width <= 0) return null;
  let at = x;
  return (
    <g data-testid="fleet-bar" data-host={payload.name}>
      {SEVERITY_ORDER.map((s) => {
        const n = payload[s];
        if (n === 0) return null;
        const w = (width * n) / payload.total;
        const r = <rect key={s} x={at} y={y} width={w} height={height} fill={SEVERITY_FILL[s]} data-severity={s} data-count={n} />;
        at += w;
        return r;
      })}
    </g>
  );
}

/** The chart's tooltip: the hovered host's open findings by severity. */
function RowTooltip({ active, payload }: { active?: boolean; payload?: ReadonlyArray<{ payload?: BarRow }> }): React.JSX.Element | null {
  const row = payload?.[0]?.payload;
  if (!active || !row) return null;
  return (
    <div className="chart-tooltip">
      <strong>{row.name}</strong>
      {SEVERITY_ORDER.filter((s) => row[s] > 0).map((s) => (
        <div key={s}>
          <span style={{ color: SEVERITY_FILL[s] }} aria-hidden="true">
            {SEVERITY_ICON[s]}
          </span>{' '}
          {row[s]} {s}
        </div>
      ))}
    </div>
  );
}

/** Open findings per host, stacked by severity (the table above says the same in numbers). */
const OpenChart = memo(function OpenChart({ data }: { data: readonly BarRow[] }): React.JSX.Element | null {
  const navigate = useStore((s) => s.navigate);
  if (data.length === 0) return null;
  return (
    <div className="panel dash-chart" data-testid="fleet-chart" role="img" aria-label="Open findings per host, stacked by severity">
      <h2 className="chart-title">Open findings per host</h2>
      <ResponsiveContainer width="100%" height={chartHeight(data.length)}>
        <BarChart data={data as BarRow[]} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="#e3e7ed" horizontal={false} />
          <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11, fill: '#5f6b7a' }} tickLine={false} />
          <YAxis type="category" dataKey="name" width={90} tick={{ fontSize: 11, fill: '#1b2330' }} tickLine={false} />
          <Tooltip content={<RowTooltip />} cursor={{ fill: 'rgba(95, 107, 122, 0.08)' }} />
          <Bar
            dataKey="total"
            shape={StackedRow}
            isAnimationActive={false}
            cursor="pointer"
            onClick={(entry: { payload?: BarRow }) => entry.payload && navigate({ screen: 'run', runId: entry.payload.runId })}
          />
        </BarChart>
      </ResponsiveContainer>
      <ul className="chart-legend" aria-hidden="true">
        {SEVERITY_ORDER.map((s) => (
          <li key={s}>
            <span className="chart-swatch" style={{ background: SEVERITY_FILL[s] }} /> {s}
          </li>
        ))}
      </ul>
    </div>
  );
});

interface HeatRow {
  key: string;
  name: string;
  categories: NonNullable<FleetHost['latestRun']>['categories'];
}

/** Hosts whose latest run graded a category: the heat map's rows. */
function heatRowsOf(fleet: Fleet): HeatRow[] {
  return fleet.hosts
    .filter((h) => h.latestRun && Object.keys(h.latestRun.categories).length > 0)
    .map((h) => ({ key: `${h.hostId ?? 'x'}:${h.address}:${h.port}`, name: h.name, categories: h.latestRun!.categories }));
}

const HeatMap = memo(function HeatMap({ categories, rows: graded }: { categories: readonly Category[]; rows: readonly HeatRow[] }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  return (
    <div className="panel flush heat">
      <table className="table heatmap" data-testid="fleet-heatmap" aria-labelledby="fleet-heatmap-title">
        <caption id="fleet-heatmap-title" className="table-caption">
          Category grades in each host&apos;s latest run
        </caption>
        <thead>
          <tr>
            <th scope="col">Host</th>
            {categories.map((c) => (
              <th scope="col" key={c} className="center">
                {categoryLabel(c)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {graded.length === 0 && (
            <tr>
              <td colSpan={categories.length + 1} className="muted">
                No graded runs yet.
              </td>
            </tr>
          )}
          {graded.map((h) => (
            <tr key={h.key} data-testid="heat-row" data-host={h.name}>
              <th scope="row">{h.name}</th>
              {categories.map((c: Category) => {
                const g = h.categories[c];
                return (
                  <td key={c} className="center" data-testid="heat-cell" data-category={c} data-grade={g?.grade ?? ''}>
                    {g ? (
                      <button
                        type="button"
                        className={`heat-cell ${gradeClass(g.grade)}`}
                        aria-label={`${categoryLabel(c)} on ${h.name}: grade ${g.grade}, score ${formatScore(g.score)}; list its findings in the workbench`}
                        title={`${categoryLabel(c)}: ${g.grade} (${formatScore(g.score)})`}
                        onClick={() => navigate({ screen: 'workbench', filter: { hosts: [h.name], categories: [c] } })}
                      >
                        {g.grade}
                      </button>
                    ) : (
                      <span className="muted" title="Not graded in this run (nothing applicable)">
                        n/a
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});

/** Hosts with a run, for the trend's host picker (each keyed by its profile or address:port). */
function trendHosts(fleet: Fleet): Array<{ key: string; name: string; runId: string }> {
  return fleet.hosts.filter((h) => h.latestRun).map((h) => ({ key: `${h.hostId ?? 'x'}:${h.address}:${h.port}`, name: h.name, runId: h.latestRun!.id }));
}

/**
 * "−4.0: 3 new SSH findings" (the largest share), every category behind a disclosure: the fleet
 * answer carries the largest share only, so the breakdown is the host trend's (dashboard:trend,
 * the same computation for the same run), fetched when the disclosure first opens.
 */
function ScoreChangeCell({ h }: { h: FleetHost }): React.JSX.Element {
  const navigate = useStore((s) => s.navigate);
  const showError = useStore((s) => s.showError);
  const [open, setOpen] = useState(false);
  const [full, setFull] = useState<ScoreChange | null>(null);
  const c = h.scoreChange;
  const runId = c?.runId;
  useEffect(() => {
    if (!open || !runId) return;
    let live = true;
    call('dashboard', 'trend', { runId }).then(
      (t) => live && setFull(t.scoreChange),
      (e: unknown) => live && showError(e),
    );
    return () => {
      live = false;
    };
  }, [open, runId, showError]);
  if (!c) return <span className="muted">—</span>;
  return (
    <details className="score-change" data-delta={c.delta} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <span className={c.delta < 0 ? 'chg-down' : c.delta > 0 ? 'chg-up' : 'muted'} data-testid="fleet-score-delta">
          {signed(c.delta)}
        </span>{' '}
        {c.top && <span data-testid="fleet-score-reason">{c.top.text.replace(/^[^:]*: /, '')}</span>}
        {c.partCount > 1 && <span className="muted small"> +{c.partCount - 1} more</span>}
      </summary>
      {open && (full && full.runId === c.runId ? <Attribution change={full} onOpen={() => navigate({ screen: 'run', runId: c.runId })} /> : <p className="muted small">loading…</p>)}
    </details>
  );
}
