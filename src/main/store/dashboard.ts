// The fleet dashboard's data (dashboard:fleet), read from the store: every host profile (and
// every target audited without one) with its newest run, that run's findings by severity ×
// status, its category grades and the counts of its diff against the run before it (the run
// screen's diff: the same previous run and identity match as runs.ts diffRun, counted in SQL),
// how many came back (regressed) and what moved the score since the graded run before.
// Read-only.
import { CATEGORIES, SEVERITIES } from '../../shared/domain';
import type { Category, FindingStatus, RunSummary, Severity } from '../../shared/domain';
import { FindingStatus as FindingStatusSchema } from '../../shared/domain';
import type { Fleet, FleetHost, ScoreChange, ScoreChangeSummary, SeverityStatusCounts } from '../../shared/ipc/dashboard';
import { scoreChangeOf } from './scoreHistory';
import type { Store } from './store';

const STATUSES = FindingStatusSchema.options;

export function emptyCounts(): SeverityStatusCounts {
  return Object.fromEntries(SEVERITIES.map((s) => [s, Object.fromEntries(STATUSES.map((st) => [st, 0]))])) as SeverityStatusCounts;
}

/** A run's findings by severity × status, how many in all, and how many came back in it (one pass over the covering index findings_fleet). */
function countsOfRun(store: Store, runId: string): { counts: SeverityStatusCounts; total: number; regressed: number } {
  const counts = emptyCounts();
  const rows = store.db
    .prepare('SELECT severity, status, COUNT(*) AS n, SUM(CASE WHEN regressed_in = run_id THEN 1 ELSE 0 END) AS regressed FROM findings WHERE run_id = ? GROUP BY severity, status')
    .all(runId) as Array<{ severity: Severity; status: FindingStatus; n: number; regressed: number }>;
  let total = 0;
  let regressed = 0;
  for (const r of rows) {
    total += r.n;
    // Came back in this run (the workbench's overlay, migration 13: resolved before, or marked fixed).
    regressed += r.regressed;
    const bySeverity = counts[r.severity];
    // A severity or status this build does not know (a newer database) is left out, not invented.
    if (bySeverity && r.status in bySeverity) bySeverity[r.status] = r.n;
  }
  return { counts, total, regressed };
}

/**
 * What diffRun (runs.ts) would count for the run, without reading both runs' findings: the same
 * previous run, and findings matched by identity (unique per run: the table's primary key).
 */
function diffCounts(store: Store, runId: string, { total, regressed }: { total: number; regressed: number }): NonNullable<FleetHost['sinceLast']> {
  const prev = store.previousRun(runId);
  if (!prev) return { previousRunId: null, new: total, resolved: 0, unchanged: 0, regressed };
  const onlyIn = store.db.prepare(
    'SELECT COUNT(*) AS n FROM findings a WHERE a.run_id = ? AND NOT EXISTS (SELECT 1 FROM findings b WHERE b.run_id = ? AND b.finding_key = a.finding_key)',
  );
  const added = (onlyIn.get(runId, prev.id) as { n: number }).n;
  const resolved = (onlyIn.get(prev.id, runId) as { n: number }).n;
  return { previousRunId: prev.id, new: added, resolved, unchanged: total - added, regressed };
}

function fleetHost(store: Store, ident: { hostId: number | null; name: string; address: string; port: number }, latest: RunSummary | null, now: Date): FleetHost {
  if (!latest) return { ...ident, latestRun: null, ageMs: null, findings: emptyCounts(), sinceLast: null, scoreChange: null };
  const categories: Partial<Record<Category, { score: number; grade: NonNullable<RunSummary['score']>['grade'] }>> = {};
  for (const [cat, c] of Object.entries(latest.score?.categories ?? {}))
    if ((CATEGORIES as readonly string[]).includes(cat)) categories[cat as Category] = { score: c.score, grade: c.grade };
  // A failed or cancelled run found nothing, so a diff would call every earlier finding resolved.
  const compared = latest.status === 'complete' || latest.status === 'partial';
  const counts = countsOfRun(store, latest.id);
  const sinceLast = compared ? diffCounts(store, latest.id, counts) : null;
  return {
    ...ident,
    latestRun: {
      id: latest.id,
      startedAt: latest.startedAt,
      status: latest.status,
      score: latest.score?.overall ?? null,
      grade: latest.score?.grade ?? null,
      categories,
    },
    ageMs: Math.max(0, now.getTime() - Date.parse(latest.startedAt)),
    findings: counts.counts,
    sinceLast,
    scoreChange: summaryOf(scoreChangeOf(store, latest.id)),
  };
}

/** The change's largest share and how many there are (the full list: dashboard:trend). */
function summaryOf(change: ScoreChange | null): ScoreChangeSummary | null {
  if (!change) return null;
  const { parts, ...rest } = change;
  return { ...rest, top: parts[0] ?? null, partCount: parts.length };
}

/** The dashboard as of `now`: host profiles by name, then targets without a profile by name. */
export function fleetDashboard(store: Store, now: Date = new Date()): Fleet {
  const hosts: FleetHost[] = store.listHosts().map((h) => {
    const latest = store.listRuns({ hostId: h.id, limit: 1 })[0] ?? null;
    return fleetHost(store, { hostId: h.id, name: h.name, address: h.address, port: h.port }, latest, now);
  });
  // Host runs saved without a profile, one target per address and port (as previousRun pairs them).
  const loose = store.db
    .prepare(
      `SELECT r.id FROM audit_runs r
       WHERE r.host_id IS NULL AND r.target_kind = 'host'
         AND r.id = (SELECT r2.id FROM audit_runs r2 WHERE r2.host_id IS NULL AND r2.target_kind = 'host' AND r2.address = r.address AND r2.port = r.port ORDER BY r2.started_at DESC LIMIT 1)
       ORDER BY r.host_name, r.address, r.port`,
    )
    .all() as Array<{ id: string }>;
  for (const { id } of loose) {
    const run = store.getRun(id);
    hosts.push(fleetHost(store, { hostId: null, name: run.hostName, address: run.address, port: run.port }, run, now));
  }
  const totals = emptyCounts();
  for (const h of hosts) for (const s of SEVERITIES) for (const st of STATUSES) totals[s]![st]! += h.findings[s]![st]!;
  const graded = new Set(hosts.flatMap((h) => Object.keys(h.latestRun?.categories ?? {})));
  return { generatedAt: now.toISOString(), hosts, totals, categories: CATEGORIES.filter((c) => graded.has(c)) };
}
