// The priority matrix of a host's latest run or of the fleet (every target's latest run, as the
// reports' fleet scope), for dashboard:priority. Statuses are evaluated now, as the reports do
// (an acceptance past its expiry is open again), and the order is the reports' order.
//
// Cost (bench: 10 000 findings of 50 hosts): the counts are one grouped query (severity × check ×
// triage), the effort looked up per check, so nothing is sorted for them; a cell's findings are
// read and sorted only when that cell is listed. The priority order sorts by severity and effort
// first, so each cell is one contiguous block of it: a finding's place in the whole order is the
// count of the cells before its cell plus its place in the cell. scope.test.ts holds the answers
// equal to ordering every open finding (the implementation before this one).
import type { PriorityItem, PriorityMatrix } from '../../shared/ipc/dashboard';
import { SEVERITIES, type Severity } from '../../shared/domain';
import { EFFORTS, type Effort } from '../../shared/report';
import { RampartError } from '../../shared/errors';
import { stmt } from '../store/statements';
import type { Store } from '../store/store';
import { comparePriority, effortFor, type EffortInfo } from './matrix';
import { statusFromTriage } from './statuses';

export interface PriorityOptions {
  hostId?: number | undefined;
  /** List only this cell's findings (priorities stay their place in the whole order). */
  cell?: { severity: PriorityItem['severity']; effort: PriorityItem['effort'] } | undefined;
  /** At most this many findings listed (the counts always cover everything). */
  limit?: number | undefined;
}

/** A run of the scope: what its findings' items and statuses need. */
export interface ScopeRun {
  id: string;
  hostId: number | null;
  hostName: string;
  startedAt: string;
}

/**
 * Every target's latest run, newest first: the fleet scope of the priority matrix and of the
 * reports (reports/model.ts). A target is a host profile, else the kind, address (any case) and
 * port a run was stored under. Indexed (audit_runs_host): one seek per host profile for its newest
 * run, and the runs without a profile newest first, read in the index's order and kept per target
 * here (JavaScript's lower case).
 * Runs started at the same instant may come in another order than there.
 */
export function latestRunsPerTarget(store: Store): ScopeRun[] {
  type Row = { id: string; host_id: number | null; host_name: string; started_at: string };
  const profiles = stmt(
    store.db,
    `SELECT r.id, r.host_id, r.host_name, r.started_at FROM (SELECT DISTINCT host_id FROM audit_runs WHERE host_id IS NOT NULL) h
     JOIN audit_runs r ON r.id = (SELECT x.id FROM audit_runs x WHERE x.host_id = h.host_id ORDER BY x.started_at DESC LIMIT 1)`,
  ).all() as Row[];
  const loose = stmt(store.db, 'SELECT id, host_id, host_name, target_kind, address, port, started_at FROM audit_runs WHERE host_id IS NULL ORDER BY started_at DESC').all() as Array<
    Row & { target_kind: string; address: string; port: number }
  >;
  const seen = new Set<string>();
  const rows: Row[] = [...profiles];
  for (const r of loose) {
    const key = `${r.target_kind}:${r.address.toLowerCase()}:${r.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push(r);
  }
  rows.sort((a, b) => (a.started_at < b.started_at ? 1 : a.started_at > b.started_at ? -1 : 0));
  return rows.map((r) => ({ id: r.id, hostId: r.host_id, hostName: r.host_name, startedAt: r.started_at }));
}

/** A host profile's newest run (listRuns' statement for one host), or null. */
function latestRunOfHost(store: Store, hostId: number): ScopeRun | null {
  const r = stmt(store.db, 'SELECT id, host_id, host_name, started_at FROM audit_runs WHERE host_id = ? ORDER BY started_at DESC LIMIT ?').get(hostId, 1) as
    | { id: string; host_id: number | null; host_name: string; started_at: string }
    | undefined;
  return r ? { id: r.id, hostId: r.host_id, hostName: r.host_name, startedAt: r.started_at } : null;
}

/** Open findings of the scope by severity and check: one grouped query, statuses evaluated per distinct triage. */
interface CheckCount {
  severity: Severity;
  checkId: string;
  effort: EffortInfo;
  n: number;
}

type TriageCols = Parameters<typeof statusFromTriage>[0];

/**
 * Open findings per severity and check over the runs. Untriaged findings (most of them) are open
 * and collapse into one group per severity and check; a triaged one keeps its triage columns (and
 * its run, whose start decides whether "fixed" holds) in the group, so each distinct decision is
 * evaluated by statusFromTriage, the rule statusesNow applies per finding.
 */
function openCounts(store: Store, runs: readonly ScopeRun[], now: Date, efforts: Map<string, EffortInfo>): CheckCount[] {
  if (runs.length === 0) return [];
  const startedAt = new Map(runs.map((r) => [r.id, r.startedAt]));
  const rows = stmt(
    store.db,
    `SELECT f.severity AS severity, f.check_id AS check_id, t.status AS status, t.expires_at AS expires_at, t.updated_at AS updated_at,
            CASE WHEN t.status IS NOT NULL THEN f.run_id END AS run_id, COUNT(*) AS n
     FROM findings f LEFT JOIN finding_triage t ON t.finding_key = f.finding_key
     WHERE f.run_id IN (SELECT value FROM json_each(?))
     GROUP BY 1, 2, 3, 4, 5, 6`,
  ).all(JSON.stringify(runs.map((r) => r.id))) as Array<TriageCols & { severity: Severity; check_id: string; run_id: string | null; n: number }>;
  const byKey = new Map<string, CheckCount>();
  for (const r of rows) {
    if (statusFromTriage(r, now, r.run_id === null ? '' : startedAt.get(r.run_id)!) !== 'open') continue;
    const key = `${r.severity}\u0000${r.check_id}`;
    const c = byKey.get(key);
    if (c) c.n += r.n;
    else byKey.set(key, { severity: r.severity, checkId: r.check_id, effort: effortOf(efforts, r.check_id), n: r.n });
  }
  return [...byKey.values()];
}

function effortOf(efforts: Map<string, EffortInfo>, checkId: string): EffortInfo {
  let e = efforts.get(checkId);
  if (!e) efforts.set(checkId, (e = effortFor(checkId)));
  return e;
}

type Cell = { severity: Severity; effort: Effort };
const sameCell = (a: Cell, b: Cell): boolean => a.severity === b.severity && a.effort === b.effort;

/**
 * A cell's open findings in the priority order, numbered from `offset` + 1. Read in the order the
 * whole list was built in before (the scope's runs in order, each run's findings in getRun's
 * order), so findings the order cannot tell apart keep that order (the sort is stable).
 */
function cellItems(store: Store, runs: readonly ScopeRun[], cell: Cell, checks: readonly string[], efforts: Map<string, EffortInfo>, now: Date, offset: number, limit: number): PriorityItem[] {
  if (limit <= 0 || checks.length === 0) return [];
  const byId = new Map(runs.map((r) => [r.id, r]));
  const rows = stmt(
    store.db,
    `SELECT f.run_id AS run_id, f.finding_key AS id, f.check_id AS check_id, f.category AS category, f.title AS title, f.resource AS resource,
            t.status AS status, t.expires_at AS expires_at, t.updated_at AS updated_at
     FROM json_each(?) s JOIN findings f ON f.run_id = s.value
     LEFT JOIN finding_triage t ON t.finding_key = f.finding_key
     WHERE f.severity = ? AND f.check_id IN (SELECT value FROM json_each(?))
     ORDER BY s.key, f.check_id, f.resource`,
  ).all(JSON.stringify(runs.map((r) => r.id)), cell.severity, JSON.stringify(checks)) as Array<
    TriageCols & { run_id: string; id: string; check_id: string; category: PriorityItem['category']; title: string; resource: string }
  >;
  const drafts: Array<Omit<PriorityItem, 'priority'> & { status: 'open' }> = [];
  for (const r of rows) {
    const run = byId.get(r.run_id)!;
    if (statusFromTriage(r, now, run.startedAt) !== 'open') continue;
    const eff = effortOf(efforts, r.check_id);
    drafts.push({
      status: 'open',
      findingId: r.id,
      runId: run.id,
      target: run.hostName,
      hostId: run.hostId,
      checkId: r.check_id,
      category: r.category,
      severity: cell.severity,
      title: r.title,
      resource: r.resource,
      effort: eff.effort,
      effortSource: eff.source,
      fix: eff.fix,
    });
  }
  drafts.sort(comparePriority);
  return drafts.slice(0, limit).map(({ status: _status, ...d }, i) => ({ ...d, priority: offset + i + 1 }));
}

export function priorityOf(store: Store, opts: PriorityOptions, now: Date = new Date()): PriorityMatrix {
  let runs: ScopeRun[];
  let label: string;
  if (opts.hostId !== undefined) {
    assertHost(store, opts.hostId);
    const host = store.getHost(opts.hostId);
    const latest = latestRunOfHost(store, host.id);
    runs = latest ? [latest] : [];
    label = host.name;
  } else {
    runs = latestRunsPerTarget(store);
    label = 'fleet';
  }
  const efforts = new Map<string, EffortInfo>();
  const counts = openCounts(store, runs, now, efforts);
  const cells = SEVERITIES.flatMap((severity) =>
    EFFORTS.map((effort) => ({ severity, effort, count: counts.reduce((n, c) => (c.severity === severity && c.effort.effort === effort ? n + c.n : n), 0) })),
  );
  const { cell } = opts;
  const chosenCells = cell ? cells.filter((c) => sameCell(c, cell)) : cells;
  // The checks of the chosen findings in the order they first appear in the priority order:
  // severity, then effort (one per check), then check id.
  const rank = (c: CheckCount): [number, number] => [SEVERITIES.indexOf(c.severity), EFFORTS.indexOf(c.effort.effort)];
  const firstOfCheck = new Map<string, CheckCount>();
  for (const c of counts) {
    if (cell && !sameCell({ severity: c.severity, effort: c.effort.effort }, cell)) continue;
    const seen = firstOfCheck.get(c.checkId);
    if (!seen || rank(c)[0] < rank(seen)[0]) firstOfCheck.set(c.checkId, c);
  }
  const itemChecks = [...firstOfCheck.values()].sort((a, b) => comparePriority(prioKey(a), prioKey(b))).map((c) => c.checkId);

  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const items: PriorityItem[] = [];
  let offset = cell ? cells.slice(0, cells.findIndex((c) => sameCell(c, cell))).reduce((n, c) => n + c.count, 0) : 0;
  for (const c of chosenCells) {
    if (items.length >= limit) break;
    if (c.count > 0) {
      const checks = counts.filter((k) => k.severity === c.severity && k.effort.effort === c.effort).map((k) => k.checkId);
      items.push(...cellItems(store, runs, c, checks, efforts, now, offset, limit - items.length));
    }
    offset += c.count;
  }
  return {
    generatedAt: now.toISOString(),
    scope: { hostId: opts.hostId ?? null, label, runIds: runs.map((r) => r.id) },
    cells,
    items,
    itemsTotal: chosenCells.reduce((n, c) => n + c.count, 0),
    itemChecks,
  };
}

/** A check's first place in the priority order (everything it is compared on but host and resource). */
function prioKey(c: CheckCount): Parameters<typeof comparePriority>[0] {
  return { status: 'open', severity: c.severity, effort: c.effort.effort, checkId: c.checkId, target: '', resource: '' };
}

function assertHost(store: Store, hostId: number): void {
  try {
    store.getHost(hostId);
  } catch (e) {
    if (e instanceof RampartError && e.code === 'NOT_FOUND') throw new RampartError('VALIDATION', `hostId: There is no host with id ${hostId}.`, { issues: [{ path: ['hostId'], message: 'No such host' }] });
    throw e;
  }
}
