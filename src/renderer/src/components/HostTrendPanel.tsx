// A host's score over its graded runs (dashboard:trend) with verified fixes and accepted risks /
// false positives marked on the time axis, listed below the chart as well (the chart is not the
// only way to read them), and what its last score change came from, by category.
import { useEffect, useState } from 'react';
import type React from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { HostTrend, ScoreChange, TrendEvent } from '../../../shared/ipc/dashboard';
import { call } from '../api';
import { categoryLabel, formatDate, formatScore, formatShortDate } from '../format';
import { useStore } from '../store';

const EVENT_MARK: Record<TrendEvent['kind'], { letter: string; colour: string; word: string }> = {
  fix: { letter: 'F', colour: '#15803d', word: 'Fix verified' },
  accepted: { letter: 'A', colour: '#b45309', word: 'Risk accepted' },
  'false-positive': { letter: 'P', colour: '#6b7280', word: 'False positive' },
};

interface Point {
  t: number;
  score: number;
  grade: string;
  runId: string;
}

export function HostTrendPanel({
  hosts,
  first = null,
}: {
  hosts: ReadonlyArray<{ key: string; name: string; runId: string }>;
  /** A trend already fetched (the fleet answer's, for its first host): shown without a call of its own. */
  first?: { runId: string; trend: HostTrend } | null;
}): React.JSX.Element | null {
  const navigate = useStore((s) => s.navigate);
  const showError = useStore((s) => s.showError);
  const [key, setKey] = useState<string>(hosts[0]?.key ?? '');
  const [fetched, setFetched] = useState<{ runId: string; trend: HostTrend } | null>(null);
  const selected = hosts.find((h) => h.key === key) ?? hosts[0];
  const runId = selected?.runId;
  // Only a trend of the selected run is shown: an answer for a host chosen before is not.
  const trend = first && first.runId === runId ? first.trend : fetched && fetched.runId === runId ? fetched.trend : null;
  const given = first?.runId === runId;

  useEffect(() => {
    if (!runId || given) return;
    let live = true;
    call('dashboard', 'trend', { runId }).then(
      (t) => live && setFetched({ runId, trend: t }),
      (e: unknown) => live && showError(e),
    );
    return () => {
      live = false;
    };
  }, [runId, given, showError]);

  if (!selected) return null;
  const data: Point[] = (trend?.points ?? []).map((p) => ({ t: Date.parse(p.startedAt), score: p.score, grade: p.grade, runId: p.runId }));
  // Runs within a day of each other (a busy afternoon, a test) get times on the axis, not only dates.
  const spanMs = data.length > 1 ? data[data.length - 1]!.t - data[0]!.t : 0;
  const tick = (t: number): string => (spanMs < 86_400_000 ? new Date(t).toTimeString().slice(0, 8) : formatShortDate(new Date(t).toISOString()));
  return (
    <div className="panel trend-panel" data-testid="host-trend" data-host={selected.name}>
      <div className="panel-title">
        <h2 className="chart-title">Score trend</h2>
        <span className="muted small">graded runs, with verified fixes (F), accepted risks (A) and false positives (P)</span>
        <span className="spacer" />
        <label className="muted small" htmlFor="trend-host">
          Host
        </label>
        <select id="trend-host" data-testid="trend-host" value={selected.key} onChange={(e) => setKey(e.target.value)}>
          {hosts.map((h) => (
            <option key={h.key} value={h.key}>
              {h.name}
            </option>
          ))}
        </select>
      </div>
      {trend && data.length === 0 && <p className="muted">No graded run of {selected.name} yet.</p>}
      {trend && data.length > 0 && (
        <div role="img" aria-label={`Score of ${trend.target} over ${data.length} runs, ${trend.events.length} fix and triage events marked`}>
          <ResponsiveContainer width="100%" height={200}>
            <LineChart data={data} margin={{ top: 18, right: 20, bottom: 0, left: -16 }}>
              <CartesianGrid stroke="#e3e7ed" vertical={false} />
              <XAxis
                type="number"
                dataKey="t"
                scale="time"
                domain={['dataMin', 'dataMax']}
                tickFormatter={tick}
                tick={{ fontSize: 11, fill: '#5f6b7a' }}
                tickLine={false}
                axisLine={{ stroke: '#c9d0da' }}
                minTickGap={24}
              />
              <YAxis domain={[0, 100]} ticks={[0, 60, 70, 80, 90, 100]} tick={{ fontSize: 11, fill: '#5f6b7a' }} tickLine={false} axisLine={false} />
              <ReferenceLine y={90} stroke="#2f9e5b" strokeDasharray="3 3" strokeOpacity={0.5} />
              <ReferenceLine y={60} stroke="#c0392b" strokeDasharray="3 3" strokeOpacity={0.5} />
              {trend.events.map((e, i) => (
                <ReferenceLine
                  key={`${e.kind}:${e.ref}:${i}`}
                  x={Date.parse(e.at)}
                  ifOverflow="extendDomain"
                  stroke={EVENT_MARK[e.kind].colour}
                  strokeDasharray="2 3"
                  // Alternate label heights so marks close in time stay readable.
                  label={{ value: EVENT_MARK[e.kind].letter, position: i % 2 ? 'insideTopLeft' : 'top', fill: EVENT_MARK[e.kind].colour, fontSize: 11, fontWeight: 700 }}
                />
              ))}
              <Tooltip
                formatter={(value) => [typeof value === 'number' ? value.toFixed(1) : String(value), 'score']}
                labelFormatter={(_label, payload) => {
                  const p = payload[0]?.payload as Point | undefined;
                  return p ? `${formatDate(new Date(p.t).toISOString())} — grade ${p.grade}` : '';
                }}
              />
              <Line type="monotone" dataKey="score" stroke="#2563eb" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      {trend && trend.events.length > 0 && (
        <ul className="trend-events" data-testid="trend-events" aria-label="Fixes and triage decisions">
          {trend.events.map((e, i) => (
            <li key={`${e.kind}:${e.ref}:${i}`} data-testid="trend-event" data-kind={e.kind}>
              <span className="event-mark" style={{ background: EVENT_MARK[e.kind].colour }} aria-hidden="true">
                {EVENT_MARK[e.kind].letter}
              </span>
              <span className="muted small nowrap">{formatDate(e.at)}</span> <span className="sr-only">{EVENT_MARK[e.kind].word}: </span>
              {e.kind === 'fix' && selected && trend.hostId !== null ? (
                <button type="button" className="link" onClick={() => navigate({ screen: 'fixes', hostId: trend.hostId! })}>
                  {e.text}
                </button>
              ) : (
                <span>{e.text}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {trend?.scoreChange && <Attribution change={trend.scoreChange} onOpen={() => navigate({ screen: 'run', runId: trend.scoreChange!.runId })} />}
    </div>
  );
}

/** "78.0 → 74.0 (−4.0)" and one line per category, largest share first. */
export function Attribution({ change, onOpen }: { change: ScoreChange; onOpen: () => void }): React.JSX.Element {
  return (
    <div className="attribution" data-testid="score-attribution" data-delta={change.delta}>
      <h3>
        Last change: {formatScore(change.previousScore)} → {formatScore(change.score)}{' '}
        <span className={change.delta < 0 ? 'chg-down' : change.delta > 0 ? 'chg-up' : 'muted'}>({signed(change.delta)})</span>
      </h3>
      {change.parts.length === 0 ? (
        <p className="muted small">No category changed.</p>
      ) : (
        <ul>
          {change.parts.map((p) => (
            <li key={p.category} data-testid="attribution-part" data-category={p.category} data-delta={p.delta}>
              <button type="button" className="link" title={`${categoryLabel(p.category)}: open the run`} onClick={onOpen}>
                {p.text}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function signed(n: number): string {
  const r = Math.round(n * 10) / 10;
  if (r === 0) return '±0.0';
  return `${r > 0 ? '+' : '−'}${Math.abs(r).toFixed(1)}`;
}
