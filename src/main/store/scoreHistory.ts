// A host's score over time for the dashboard (dashboard:trend): its graded runs, the verified
// fixes (remediation journal) and accepted risks / false positives (triage log) to annotate them
// with, and what the last score change came from, by category. Read-only SQL on the store.
import type { Category, FindingStatus, Score } from '../../shared/domain';
import { CATEGORY_LABEL } from '../../shared/labels';
import type { HostTrend, ScoreChange, ScoreChangePart, TrendEvent } from '../../shared/ipc/dashboard';
import { RampartError } from '../../shared/errors';
import { stmt } from './statements';
import type { Store } from './store';

export interface RunRow {
  id: string;
  host_id: number | null;
  host_name: string;
  target_kind: string;
  address: string;
  port: number;
  started_at: string;
  status: string;
  score_json: string | null;
}

export function runRow(store: Store, runId: string): RunRow {
  const row = stmt(store.db, 'SELECT id, host_id, host_name, target_kind, address, port, started_at, status, score_json FROM audit_runs WHERE id = ?').get(runId) as RunRow | undefined;
  if (!row) throw new RampartError('NOT_FOUND', `No audit run with id ${runId}.`);
  return row;
}

/** SQL condition and parameters selecting the runs (alias r) of the same target as `row` (host profile, else address:port). */
function sameTarget(row: RunRow, alias = 'r'): { where: string; params: unknown[] } {
  return row.host_id !== null
    ? { where: `${alias}.host_id = ?`, params: [row.host_id] }
    : { where: `${alias}.host_id IS NULL AND ${alias}.target_kind = ? AND ${alias}.address = ? AND ${alias}.port = ?`, params: [row.target_kind, row.address, row.port] };
}

/** Graded runs (a score stored) of the target up to and including `row`, newest first. */
function gradedRunsUpTo(store: Store, row: RunRow, limit: number): RunRow[] {
  const t = sameTarget(row);
  // `row` itself (when graded) comes first: every other run counted started before it. Asked
  // apart, so the runs before it are one range of the target's index (audit_runs_host or
  // audit_runs_target) read newest first and stopped at the limit, not every run of the target.
  const self = row.score_json !== null && (row.status === 'complete' || row.status === 'partial') ? [row] : [];
  const before = stmt(
    store.db,
    `SELECT r.id, r.host_id, r.host_name, r.target_kind, r.address, r.port, r.started_at, r.status, r.score_json FROM audit_runs r
       WHERE ${t.where} AND r.score_json IS NOT NULL AND r.status IN ('complete', 'partial') AND r.started_at < ?
       ORDER BY r.started_at DESC, r.id DESC LIMIT ?`,
  ).all(...t.params, row.started_at, Math.max(0, limit - self.length)) as RunRow[];
  return [...self, ...before].slice(0, limit);
}

const CHANGE_LABEL: Record<Category, string> = { ...CATEGORY_LABEL, cve: 'CVE' };
const round1 = (n: number): number => Math.round(n * 10) / 10;

/** "+2.5", "−4.0" (a real minus sign), "±0.0". */
export function signed(n: number): string {
  const r = round1(n);
  if (r === 0) return '±0.0';
  return `${r > 0 ? '+' : '−'}${Math.abs(r).toFixed(1)}`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function partText(p: Omit<ScoreChangePart, 'text'>): string {
  const label = CHANGE_LABEL[p.category];
  const bits: string[] = [];
  if (p.newFindings) bits.push(`${plural(p.newFindings, `new ${label} finding`)}`);
  if (p.reopened) bits.push(`${plural(p.reopened, `${label} finding`)} open again`);
  if (p.resolvedFindings) bits.push(`${plural(p.resolvedFindings, `${label} finding`)} resolved`);
  if (p.triaged) bits.push(`${plural(p.triaged, `${label} finding`)} accepted or false positive`);
  if (bits.length === 0) bits.push(`${label} checks evaluated differently`);
  return `${signed(p.delta)}: ${bits.join(', ')}`;
}

/**
 * What moved the score between two graded runs of a target. The overall score is 100 minus the
 * points each category loses (its applicable weight × (100 − its score) over the run's total
 * weight), so a category's share of the change is the points it lost in the older run minus
 * those in the newer one, and the shares add up to the overall change up to rounding. A category
 * at 100 in both runs has no share however its weight changed. Finding changes are counted by
 * identity; only open findings count in a grade.
 */
export function attributeChange(
  older: { id: string; score: Score; findings: ReadonlyArray<{ id: string; category: Category; status: FindingStatus }> },
  newer: { id: string; score: Score; findings: ReadonlyArray<{ id: string; category: Category; status: FindingStatus }> },
): ScoreChange {
  const before = new Map(older.findings.map((f) => [f.id, f]));
  const after = new Map(newer.findings.map((f) => [f.id, f]));
  // One pass over each run's findings, counted by category (every category of either run listed).
  const byCat = new Map<Category, ChangeCounts>();
  const countsOf = (c: Category) => byCat.get(c) ?? byCat.set(c, { newFindings: 0, resolvedFindings: 0, triaged: 0, reopened: 0 }).get(c)!;
  for (const f of newer.findings) {
    const counts = countsOf(f.category);
    const was = before.get(f.id);
    if (!was) {
      if (f.status === 'open') counts.newFindings += 1;
    } else if (was.status === 'open' && (f.status === 'accepted' || f.status === 'false-positive')) counts.triaged += 1;
    else if (was.status !== 'open' && f.status === 'open') counts.reopened += 1;
  }
  for (const f of older.findings) {
    const counts = countsOf(f.category);
    if (f.status === 'open' && !after.has(f.id)) counts.resolvedFindings += 1;
  }
  return composeChange(older, newer, byCat);
}

export type ChangeCounts = Pick<ScoreChangePart, 'newFindings' | 'resolvedFindings' | 'triaged' | 'reopened'>;

/** The change from each category's share and its finding counts (`byCat`: every category with a finding in either run). */
function composeChange(older: { id: string; score: Score }, newer: { id: string; score: Score }, byCat: ReadonlyMap<Category, ChangeCounts>): ScoreChange {
  const total = (s: Score): number => Object.values(s.categories).reduce((a, c) => a + c.applicableWeight, 0);
  const wOld = total(older.score);
  const wNew = total(newer.score);
  const lost = (s: Score, w: number, cat: string): number => {
    const c = s.categories[cat];
    return c && w > 0 ? (c.applicableWeight * (100 - c.score)) / w : 0;
  };
  const cats = new Set<Category>();
  for (const c of [...Object.keys(older.score.categories), ...Object.keys(newer.score.categories)]) if (c in CATEGORY_LABEL) cats.add(c as Category);
  for (const c of byCat.keys()) cats.add(c);
  const parts: ScoreChangePart[] = [];
  for (const category of cats) {
    const counts = byCat.get(category) ?? { newFindings: 0, resolvedFindings: 0, triaged: 0, reopened: 0 };
    const delta = round1(lost(older.score, wOld, category) - lost(newer.score, wNew, category));
    if (delta === 0 && !counts.newFindings && !counts.resolvedFindings && !counts.triaged && !counts.reopened) continue;
    const part = { category, delta, ...counts };
    parts.push({ ...part, text: partText(part) });
  }
  parts.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.category.localeCompare(b.category));
  return {
    runId: newer.id,
    previousRunId: older.id,
    score: newer.score.overall,
    previousScore: older.score.overall,
    delta: round1(newer.score.overall - older.score.overall),
    parts,
  };
}

/** The change between this run (if graded) and the target's graded run before it; null when either is missing. */
export function scoreChangeOf(store: Store, runId: string): ScoreChange | null {
  return scoreChangeWith(store, runRow(store, runId), (olderId, newerId) => changeCountsOf(pairCounts(store, olderId, newerId)));
}

/**
 * scoreChangeOf for a run already read, its counts by category from `countsOf` (the fleet answer
 * passes the pair counts it read for the run's diff when the run before is the same).
 */
export function scoreChangeWith(store: Store, row: RunRow, countsOf: (olderId: string, newerId: string) => Map<Category, ChangeCounts>): ScoreChange | null {
  if (!row.score_json || (row.status !== 'complete' && row.status !== 'partial')) return null;
  const [cur, prev] = gradedRunsUpTo(store, row, 2);
  if (!cur || !prev || cur.id !== row.id) return null;
  const scored = (r: RunRow) => ({ id: r.id, score: JSON.parse(r.score_json!) as Score });
  return composeChange(scored(prev), scored(cur), countsOf(prev.id, cur.id));
}

/**
 * A run's findings against an older run's (null: none), matched by identity (unique per run: the
 * table's primary key). `newer`: by category × severity × status, how many, how many came back
 * in the run (regressed_in), how many the older run lacks and how many it had open or not open;
 * `older`: by category × status, how many and how many the newer run lacks. The run screen's diff,
 * the severity × status counts and the score-change attribution all come from these two queries.
 */
export interface PairCounts {
  newer: Array<{ category: Category; severity: string; status: FindingStatus; n: number; regressed: number; added: number; wasOpen: number; wasNotOpen: number }>;
  older: Array<{ category: Category; status: FindingStatus; n: number; gone: number }>;
}

export function pairCounts(store: Store, olderId: string | null, newerId: string): PairCounts {
  // Each newer finding with its match in the older run (by category and status of both sides);
  // findings_fleet (v16) covers the older side's status, which the primary key's index does not:
  // without the hint SQLite reads each matched finding's full row.
  const rows = stmt(
    store.db,
    `SELECT a.category AS category, a.severity AS severity, a.status AS status, b.category AS bCategory, b.status AS bStatus, COUNT(*) AS n,
            SUM(CASE WHEN a.regressed_in = a.run_id THEN 1 ELSE 0 END) AS regressed
     FROM findings a LEFT JOIN findings b INDEXED BY findings_fleet ON b.run_id = ? AND b.finding_key = a.finding_key
     WHERE a.run_id = ? GROUP BY 1, 2, 3, 4, 5`,
  ).all(olderId, newerId) as Array<{ category: Category; severity: string; status: FindingStatus; bCategory: Category | null; bStatus: FindingStatus | null; n: number; regressed: number }>;
  const newer = rows.map((r) => ({
    category: r.category,
    severity: r.severity,
    status: r.status,
    n: r.n,
    regressed: r.regressed,
    // A stored finding always has a status: none means the older run does not have it.
    added: r.bStatus === null ? r.n : 0,
    wasOpen: r.bStatus === 'open' ? r.n : 0,
    wasNotOpen: r.bStatus !== null && r.bStatus !== 'open' ? r.n : 0,
  }));
  if (olderId === null) return { newer, older: [] };
  // The older run's findings the newer one lacks: its count minus those matched above (a finding
  // identity is unique per run, so matches pair one to one), without a lookup per finding.
  const matched = new Map<string, number>();
  for (const r of rows) if (r.bStatus !== null) matched.set(`${r.bCategory}\u0000${r.bStatus}`, (matched.get(`${r.bCategory}\u0000${r.bStatus}`) ?? 0) + r.n);
  const older = (
    stmt(store.db, 'SELECT category, status, COUNT(*) AS n FROM findings WHERE run_id = ? GROUP BY 1, 2').all(olderId) as Array<{ category: Category; status: FindingStatus; n: number }>
  ).map((r) => ({ ...r, gone: r.n - (matched.get(`${r.category}\u0000${r.status}`) ?? 0) }));
  return { newer, older };
}

/**
 * attributeChange's counts by category from the pair counts (the Fleet screen asks for every
 * host's: reading both runs' findings into JS took ≈ 75 of its 130 ms for 50 hosts of 200
 * findings). Every category with a finding in either run is listed, as attributeChange does.
 */
export function changeCountsOf(p: PairCounts): Map<Category, ChangeCounts> {
  const byCat = new Map<Category, ChangeCounts>();
  const of = (c: Category): ChangeCounts => byCat.get(c) ?? byCat.set(c, { newFindings: 0, resolvedFindings: 0, triaged: 0, reopened: 0 }).get(c)!;
  for (const r of p.newer) {
    const c = of(r.category);
    if (r.status === 'open') {
      c.newFindings += r.added;
      c.reopened += r.wasNotOpen;
    } else if (r.status === 'accepted' || r.status === 'false-positive') c.triaged += r.wasOpen;
  }
  for (const r of p.older) {
    const c = of(r.category);
    if (r.status === 'open') c.resolvedFindings += r.gone;
  }
  return byCat;
}

interface PlanLike {
  fixes?: Array<{ checkId?: unknown; title?: unknown }>;
}

/** Verified fixes (one event per job) and accepted risks / false positives of the target, oldest first, from `since`. */
function eventsOf(store: Store, row: RunRow, since: string): TrendEvent[] {
  const events: TrendEvent[] = [];
  const jt = row.host_id !== null ? { where: 'j.host_id = ?', params: [row.host_id] } : { where: 'j.host_id IS NULL AND j.address = ? AND j.port = ?', params: [row.address, row.port] };
  const fixes = store.db
    .prepare(
      `SELECT j.id AS job_id, j.plan_json AS plan_json, f.fix_index AS fix_index, f.updated_at AS at FROM remediation_jobs j
       JOIN remediation_fixes f ON f.job_id = j.id
       WHERE ${jt.where} AND f.status = 'verified' AND f.updated_at >= ? ORDER BY f.updated_at`,
    )
    .all(...jt.params, since) as Array<{ job_id: string; plan_json: string; fix_index: number; at: string }>;
  const byJob = new Map<string, { at: string; checks: string[] }>();
  for (const f of fixes) {
    let check = `fix ${f.fix_index + 1}`;
    try {
      const c = (JSON.parse(f.plan_json) as PlanLike).fixes?.[f.fix_index]?.checkId;
      if (typeof c === 'string') check = c;
    } catch {
      // A plan this build cannot read still counts as a verified fix.
    }
    const job = byJob.get(f.job_id) ?? { at: f.at, checks: [] };
    job.at = f.at > job.at ? f.at : job.at;
    job.checks.push(check);
    byJob.set(f.job_id, job);
  }
  for (const [jobId, j] of byJob) events.push({ at: j.at, kind: 'fix', ref: jobId, text: `${j.checks.length === 1 ? '1 fix' : `${j.checks.length} fixes`} verified: ${j.checks.join(', ')}` });

  const t = sameTarget(row);
  const triaged = store.db
    .prepare(
      `SELECT l.finding_key AS key, l.status AS status, l.reason AS reason, l.expires_at AS expires_at, l.at AS at,
              (SELECT f.title FROM findings f WHERE f.finding_key = l.finding_key ORDER BY f.rowid DESC LIMIT 1) AS title
       FROM triage_log l
       WHERE l.status IN ('accepted', 'false-positive') AND l.at >= ?
         AND l.finding_key IN (SELECT f.finding_key FROM findings f JOIN audit_runs r ON r.id = f.run_id WHERE ${t.where})
       ORDER BY l.at, l.id`,
    )
    .all(since, ...t.params) as Array<{ key: string; status: 'accepted' | 'false-positive'; reason: string | null; expires_at: string | null; at: string; title: string | null }>;
  for (const e of triaged) {
    const what = e.status === 'accepted' ? 'Accepted risk' : 'False positive';
    const until = e.status === 'accepted' && e.expires_at ? ` until ${e.expires_at.slice(0, 10)}` : '';
    events.push({ at: e.at, kind: e.status, ref: e.key, text: `${what}: ${e.title ?? e.key}${e.reason ? ` — ${e.reason}` : ''}${until}` });
  }
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

/** The target of `runId`: its graded runs up to that run (oldest first), their annotations, and the last change. */
export function hostTrend(store: Store, runId: string, limit = 30): HostTrend {
  const row = runRow(store, runId);
  const runs = gradedRunsUpTo(store, row, limit).reverse();
  const points = runs.map((r) => {
    const s = JSON.parse(r.score_json!) as Score;
    return { runId: r.id, startedAt: r.started_at, status: r.status as HostTrend['points'][number]['status'], score: s.overall, grade: s.grade };
  });
  const since = points[0]?.startedAt ?? row.started_at;
  const lastGraded = runs[runs.length - 1];
  return { target: row.host_name, hostId: row.host_id, points, events: eventsOf(store, row, since), scoreChange: lastGraded ? scoreChangeOf(store, lastGraded.id) : null };
}
