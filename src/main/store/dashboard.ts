// The fleet dashboard's data (dashboard:fleet), read from the store: every host profile (and
// every target audited without one) with its newest run, that run's findings by severity ×
// status, its category grades and the counts of its diff against the run before it (the run
// screen's diff: the same previous run and identity match as runs.ts diffRun, counted in SQL),
// how many came back (regressed) and what moved the score since the graded run before.
// Read-only.
import { CATEGORIES, SEVERITIES } from '../../shared/domain';
import type { Category, RunSummary, Score, Severity } from '../../shared/domain';
import { FindingStatus as FindingStatusSchema } from '../../shared/domain';
import type { Fleet, FleetHost, ScoreChange, ScoreChangeSummary, SeverityStatusCounts } from '../../shared/ipc/dashboard';
import { priorityOf } from '../priority/scope';
import { stmt } from './statements';
import { changeCountsOf, hostTrend, pairCounts, scoreChangeWith, type RunRow } from './scoreHistory';
import type { Store } from './store';

const STATUSES = FindingStatusSchema.options;

export function emptyCounts(): SeverityStatusCounts {
  return Object.fromEntries(SEVERITIES.map((s) => [s, Object.fromEntries(STATUSES.map((st) => [st, 0]))])) as SeverityStatusCounts;
}

/** The latest run's columns the fleet answer reads (the run listing's summary without its counts). */
type LatestRow = RunRow & { status: RunSummary['status'] };

/**
 * A run's findings by severity × status, how many in all, how many came back in it, its diff
 * against the run before (what diffRun, runs.ts, counts: the same previous run, findings matched
 * by identity) and what moved its score since the graded run before, from one pair of grouped
 * queries when both compare with the same run (the usual case), two pairs when not.
 */
function runNumbers(store: Store, latest: LatestRow): { counts: SeverityStatusCounts; sinceLast: FleetHost['sinceLast']; scoreChange: ScoreChange | null } {
  // A failed or cancelled run found nothing, so a diff would call every earlier finding resolved.
  const compared = latest.status === 'complete' || latest.status === 'partial';
  // previousRun's statement (runs.ts), its id only: the newest earlier run of the target, any status.
  const prevId = compared ? previousRunId(store, latest) : null;
  const pair = pairCounts(store, prevId, latest.id);
  const counts = emptyCounts();
  let total = 0;
  let regressed = 0;
  let added = 0;
  for (const r of pair.newer) {
    total += r.n;
    // Came back in this run (the workbench's overlay, migration 13: resolved before, or marked fixed).
    regressed += r.regressed;
    added += r.added;
    const bySeverity = counts[r.severity as Severity];
    // A severity or status this build does not know (a newer database) is left out, not invented.
    if (bySeverity && r.status in bySeverity) bySeverity[r.status] += r.n;
  }
  const sinceLast = !compared
    ? null
    : prevId === null
      ? { previousRunId: null, new: total, resolved: 0, unchanged: 0, regressed }
      : { previousRunId: prevId, new: added, resolved: pair.older.reduce((n, r) => n + r.gone, 0), unchanged: total - added, regressed };
  const scoreChange = scoreChangeWith(store, latest, (olderId, newerId) => changeCountsOf(olderId === prevId ? pair : pairCounts(store, olderId, newerId)));
  return { counts, sinceLast, scoreChange };
}

function previousRunId(store: Store, cur: RunRow): string | null {
  const runId = cur.id;
  const row = (
    cur.host_id !== null
      ? stmt(store.db, 'SELECT id FROM audit_runs WHERE host_id = ? AND started_at < ? AND id <> ? ORDER BY started_at DESC LIMIT 1').get(cur.host_id, cur.started_at, runId)
      : stmt(store.db, 'SELECT id FROM audit_runs WHERE host_id IS NULL AND target_kind = ? AND address = ? AND port = ? AND started_at < ? AND id <> ? ORDER BY started_at DESC LIMIT 1').get(
          cur.target_kind,
          cur.address,
          cur.port,
          cur.started_at,
          runId,
        )
  ) as { id: string } | undefined;
  return row?.id ?? null;
}

function fleetHost(store: Store, ident: { hostId: number | null; name: string; address: string; port: number }, latest: LatestRow | null, now: Date): FleetHost {
  if (!latest) return { ...ident, latestRun: null, ageMs: null, findings: emptyCounts(), sinceLast: null, scoreChange: null };
  const score = latest.score_json ? (JSON.parse(latest.score_json) as Score) : null;
  const categories: Partial<Record<Category, { score: number; grade: NonNullable<RunSummary['score']>['grade'] }>> = {};
  for (const [cat, c] of Object.entries(score?.categories ?? {}))
    if ((CATEGORIES as readonly string[]).includes(cat)) categories[cat as Category] = { score: c.score, grade: c.grade };
  const { counts, sinceLast, scoreChange } = runNumbers(store, latest);
  return {
    ...ident,
    latestRun: {
      id: latest.id,
      startedAt: latest.started_at,
      status: latest.status,
      score: score?.overall ?? null,
      grade: score?.grade ?? null,
      categories,
    },
    ageMs: Math.max(0, now.getTime() - Date.parse(latest.started_at)),
    findings: counts,
    sinceLast,
    scoreChange: summaryOf(scoreChange),
  };
}

/** The change's largest share and how many there are (the full list: dashboard:trend). */
function summaryOf(change: ScoreChange | null): ScoreChangeSummary | null {
  if (!change) return null;
  const { parts, ...rest } = change;
  return { ...rest, top: parts[0] ?? null, partCount: parts.length };
}

const LATEST_COLUMNS = 'id, host_id, host_name, target_kind, address, port, started_at, status, score_json';

/** The dashboard as of `now`: host profiles by name, then targets without a profile by name. */
export function fleetDashboard(store: Store, now: Date = new Date()): Fleet {
  const profiles = stmt(store.db, 'SELECT id, name, address, port FROM hosts ORDER BY name').all() as Array<{ id: number; name: string; address: string; port: number }>;
  // The run listing's statement for one host (listRuns), so runs started at the same moment are picked alike.
  const latestOf = stmt(store.db, `SELECT ${LATEST_COLUMNS} FROM audit_runs WHERE host_id = ? ORDER BY started_at DESC LIMIT ?`);
  const hosts: FleetHost[] = profiles.map((h) => fleetHost(store, { hostId: h.id, name: h.name, address: h.address, port: h.port }, (latestOf.get(h.id, 1) as LatestRow | undefined) ?? null, now));
  // Host runs saved without a profile, one target per address and port (as previousRun pairs them).
  const loose = stmt(
    store.db,
    `SELECT ${LATEST_COLUMNS.split(', ')
      .map((c) => `r.${c}`)
      .join(', ')} FROM audit_runs r
       WHERE r.host_id IS NULL AND r.target_kind = 'host'
         AND r.id = (SELECT r2.id FROM audit_runs r2 WHERE r2.host_id IS NULL AND r2.target_kind = 'host' AND r2.address = r.address AND r2.port = r.port ORDER BY r2.started_at DESC LIMIT 1)
       ORDER BY r.host_name, r.address, r.port`,
  ).all() as LatestRow[];
  for (const run of loose) hosts.push(fleetHost(store, { hostId: null, name: run.host_name, address: run.address, port: run.port }, run, now));
  const totals = emptyCounts();
  for (const h of hosts) for (const s of SEVERITIES) for (const st of STATUSES) totals[s]![st]! += h.findings[s]![st]!;
  const graded = new Set(hosts.flatMap((h) => Object.keys(h.latestRun?.categories ?? {})));
  // The panels' first answers come with the fleet, so a visit makes one call for all of them: the
  // priority matrix's fleet counts and the score trend of its first host.
  const priority = priorityOf(store, { limit: 0 }, now);
  const first = hosts.find((h) => h.latestRun)?.latestRun?.id;
  return {
    generatedAt: now.toISOString(),
    hosts,
    totals,
    categories: CATEGORIES.filter((c) => graded.has(c)),
    priority: { runIds: priority.scope.runIds, cells: priority.cells },
    firstTrend: first ? { runId: first, trend: hostTrend(store, first) } : null,
  };
}
