import type React from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunSummary } from '../../../shared/domain';
import { formatDate, formatShortDate } from '../format';

interface Point {
  at: string;
  label: string;
  score: number;
  grade: string;
}

/** Overall score of past runs, oldest → newest. */
export function ScoreTrend({ runs }: { runs: RunSummary[] }): React.JSX.Element | null {
  const data: Point[] = runs
    .filter((r): r is RunSummary & { score: NonNullable<RunSummary['score']> } => r.score !== null)
    .map((r) => ({ at: r.startedAt, label: formatShortDate(r.startedAt), score: r.score.overall, grade: r.score.grade }))
    .sort((a, b) => a.at.localeCompare(b.at));
  if (data.length < 2) return null;

  return (
    <div className="trend" data-testid="score-trend" aria-label="Overall score over past runs">
      <ResponsiveContainer width="100%" height={170}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
          <CartesianGrid stroke="#e3e7ed" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 11, fill: '#5f6b7a' }} tickLine={false} axisLine={{ stroke: '#c9d0da' }} minTickGap={24} />
          <YAxis domain={[0, 100]} ticks={[0, 60, 70, 80, 90, 100]} tick={{ fontSize: 11, fill: '#5f6b7a' }} tickLine={false} axisLine={false} />
          <ReferenceLine y={90} stroke="#2f9e5b" strokeDasharray="3 3" strokeOpacity={0.5} />
          <ReferenceLine y={60} stroke="#c0392b" strokeDasharray="3 3" strokeOpacity={0.5} />
          <Tooltip
            formatter={(value) => [typeof value === 'number' ? value.toFixed(1) : String(value), 'score']}
            labelFormatter={(_label, payload) => {
              const p = payload[0]?.payload as Point | undefined;
              return p ? `${formatDate(p.at)} — grade ${p.grade}` : '';
            }}
          />
          <Line type="monotone" dataKey="score" stroke="#2563eb" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
