// The findings workbench in the store: findings across hosts and runs, filtered, sorted, grouped
// by check and paged in SQL (one statement per page, so 10 000 rows never cross into JS), bulk
// triage with the same rules for the preview and the apply, saved views, and a finding's
// timeline. A finding's status here is the one effectiveStatus (triage.ts) gives, computed in
// SQL at `now` (an expired acceptance is open again), plus "regressed" (runs.ts sets the overlay
// when a run finds it again after it was resolved or fixed; a triage change clears it).
import { RampartError } from '../../shared/errors';
import type { Category, FindingStatus, Severity } from '../../shared/domain';
import {
  WorkbenchFilter as WorkbenchFilterSchema,
  type BulkTriageItem,
  type BulkTriagePreview,
  type BulkTriageResult,
  type FindingDetail,
  type SavedView,
  type TimelineEvent,
  type WorkbenchFilterParsed,
  type WorkbenchGroup,
  type WorkbenchPage,
  type WorkbenchQueryParsed,
  type WorkbenchRow,
  type WorkbenchStatus,
} from '../../shared/ipc/workbench';
import type { Db } from './db';
import { refreshRun } from './triage';

const SEV_RANK = `CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END`;
/** effectiveStatus (triage.ts) in SQL, then the regressed overlay for what is open. */
const STATUS_SQL = `CASE
  WHEN t.status = 'accepted' AND t.expires_at > @now THEN 'accepted'
  WHEN t.status = 'false-positive' THEN 'false-positive'
  WHEN t.status = 'fixed' AND r.started_at <= t.updated_at THEN 'fixed'
  WHEN f.regressed = 1 THEN 'regressed'
  ELSE 'open' END`;
const STATUS_RANK = `CASE wstatus WHEN 'regressed' THEN 0 WHEN 'open' THEN 1 WHEN 'accepted' THEN 2 WHEN 'false-positive' THEN 3 ELSE 4 END`;

/** Each target's latest complete or partial run: the latest state of every finding still found. */
const LATEST_RUNS = `SELECT id FROM (
  SELECT id, ROW_NUMBER() OVER (
    PARTITION BY target_kind, COALESCE(host_id, -1), CASE WHEN host_id IS NULL THEN address END, CASE WHEN host_id IS NULL THEN port END
    ORDER BY started_at DESC, id DESC) AS rn
  FROM audit_runs WHERE status IN ('complete', 'partial')) WHERE rn = 1`;

const ROW_SELECT = `f.rowid AS rid, f.finding_key, f.run_id, r.host_id, r.host_name AS host, f.check_id, f.category, f.severity, f.title, f.resource,
    ${STATUS_SQL} AS wstatus, t.reason AS reason, t.expires_at AS expires_at,
    COALESCE(f.first_seen, r.started_at) AS first_seen, r.started_at AS last_seen, ${SEV_RANK} AS sev_rank`;

/**
 * The rows in scope. CROSS JOIN fixes the join order (the scope's runs, then their findings through
 * the covering index): with a filter on a findings column the planner otherwise scanned every
 * stored finding of every run and looked each one's run up in the scope.
 */
function baseSql(scopeRuns: string): string {
  return `WITH sr AS (${scopeRuns}), base AS (
  SELECT ${ROW_SELECT}, f.evidence
  FROM sr CROSS JOIN audit_runs r ON r.id = sr.id CROSS JOIN findings f ON f.run_id = r.id LEFT JOIN finding_triage t ON t.finding_key = f.finding_key)`;
}

interface BaseRow {
  finding_key: string;
  run_id: string;
  host_id: number | null;
  host: string;
  check_id: string;
  category: Category;
  severity: Severity;
  title: string;
  resource: string;
  wstatus: WorkbenchStatus;
  reason: string | null;
  expires_at: string | null;
  first_seen: string;
  last_seen: string;
}

function toRow(r: BaseRow): WorkbenchRow {
  return {
    findingKey: r.finding_key,
    runId: r.run_id,
    hostId: r.host_id,
    host: r.host,
    checkId: r.check_id,
    category: r.category,
    severity: r.severity,
    title: r.title,
    resource: r.resource,
    status: r.wstatus,
    reason: r.reason,
    expiresAt: r.expires_at,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
  };
}

/** `?`-free: every value goes in as a named parameter; lists become @p0, @p1 … */
function whereOf(filter: WorkbenchFilterParsed, params: Record<string, unknown>): string {
  const parts: string[] = [];
  let n = 0;
  const inList = (column: string, values: readonly string[] | undefined): void => {
    if (!values || values.length === 0) return;
    const names = values.map((v) => {
      const p = `p${n++}`;
      params[p] = v;
      return `@${p}`;
    });
    parts.push(`${column} IN (${names.join(', ')})`);
  };
  inList('host', filter.hosts);
  inList('category', filter.categories);
  inList('severity', filter.severities);
  inList('wstatus', filter.statuses);
  inList('check_id', filter.checks);
  const text = filter.text?.trim();
  if (text) {
    params.text = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(
      `(title LIKE @text ESCAPE '\\' OR resource LIKE @text ESCAPE '\\' OR check_id LIKE @text ESCAPE '\\' OR host LIKE @text ESCAPE '\\' OR evidence LIKE @text ESCAPE '\\')`,
    );
  }
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

const ROW_ORDER: Record<string, string> = {
  severity: 'sev_rank',
  host: 'host COLLATE NOCASE',
  category: 'category',
  check: 'check_id',
  title: 'title COLLATE NOCASE',
  resource: 'resource',
  status: STATUS_RANK,
  firstSeen: 'first_seen',
  lastSeen: 'last_seen',
};
const GROUP_ORDER: Record<string, string> = {
  severity: 'sev_rank',
  check: 'check_id',
  category: 'category',
  title: 'title COLLATE NOCASE',
  instances: 'instances',
  hosts: 'hosts',
};

function scopeRunsSql(filter: WorkbenchFilterParsed, params: Record<string, unknown>): string {
  if (filter.scope.kind === 'run') {
    params.scopeRun = filter.scope.runId;
    return 'SELECT id FROM audit_runs WHERE id = @scopeRun';
  }
  return LATEST_RUNS;
}

/** At most this many keys for "select all" (what one bulk triage request takes). */
const MAX_KEYS = 20_000;

/** One page of the workbench: rows (or check groups) matching the filter, sorted in SQL. */
export function queryWorkbench(db: Db, q: WorkbenchQueryParsed, now: Date = new Date()): WorkbenchPage {
  const t0 = performance.now();
  const params: Record<string, unknown> = { now: now.toISOString(), limit: q.limit, offset: q.offset };
  const base = baseSql(scopeRunsSql(q.filter, params));
  const where = whereOf(q.filter, params);
  const dir = q.sort.dir === 'desc' ? 'DESC' : 'ASC';
  let rows: WorkbenchRow[] = [];
  let groups: WorkbenchGroup[] = [];
  let total: number | null = null;
  let keys: string[] | null = null;
  if (q.groupBy === 'check') {
    const order = GROUP_ORDER[q.sort.column] ?? 'sev_rank';
    const result = db
      .prepare(
        `${base}
        SELECT check_id, MIN(title) AS title, MIN(category) AS category, MIN(sev_rank) AS sev_rank, COUNT(*) AS instances, COUNT(DISTINCT host) AS hosts,
          SUM(wstatus = 'open') AS s_open, SUM(wstatus = 'regressed') AS s_regressed, SUM(wstatus = 'accepted') AS s_accepted,
          SUM(wstatus = 'false-positive') AS s_fp, SUM(wstatus = 'fixed') AS s_fixed, COUNT(*) OVER () AS total
        FROM base ${where} GROUP BY check_id
        ORDER BY ${order} ${dir}, sev_rank, check_id LIMIT @limit OFFSET @offset`,
      )
      .all(params) as Array<{
      check_id: string;
      title: string;
      category: Category;
      sev_rank: number;
      instances: number;
      hosts: number;
      s_open: number;
      s_regressed: number;
      s_accepted: number;
      s_fp: number;
      s_fixed: number;
      total: number;
    }>;
    if (q.count) total = result[0]?.total ?? (q.offset > 0 ? countGroups(db, base, where, params) : 0);
    const sevs: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
    groups = result.map((g) => ({
      checkId: g.check_id,
      title: g.title,
      category: g.category,
      severity: sevs[g.sev_rank] ?? 'info',
      instances: g.instances,
      hosts: g.hosts,
      byStatus: { open: g.s_open, regressed: g.s_regressed, accepted: g.s_accepted, 'false-positive': g.s_fp, fixed: g.s_fixed },
    }));
  } else {
    const order = ROW_ORDER[q.sort.column] ?? 'sev_rank';
    // Separate statements, not one with COUNT(*) OVER () (a window count makes SQLite keep and
    // sort every row). The page is found by sorting only the row ids with their sort keys; the
    // 200 rows are then read by id (sorting whole rows cost four times as much at 10 000).
    if (q.count) total = (db.prepare(`${base} SELECT COUNT(*) AS n FROM base ${where}`).get(params) as { n: number }).n;
    const ties = q.sort.column === 'host' ? 'sev_rank, rid' : 'sev_rank, host COLLATE NOCASE, rid';
    const ids = db.prepare(`${base} SELECT rid FROM base ${where} ORDER BY ${order} ${dir}, ${ties} LIMIT @limit OFFSET @offset`).pluck().all(params) as number[];
    rows = rowsById(db, ids, params.now as string).map(toRow);
    if (q.keys)
      keys = db
        .prepare(`${base} SELECT finding_key FROM base ${where} ORDER BY ${order} ${dir}, ${ties} LIMIT ${MAX_KEYS}`)
        .pluck()
        .all(params) as string[];
  }
  const facets = q.facets ? facetsOf(db, q.filter) : null;
  return { total, offset: q.offset, rows, groups, facets, keys, queryMs: Math.round((performance.now() - t0) * 100) / 100 };
}

/** Workbench rows by findings rowid, in the order of `ids`. */
function rowsById(db: Db, ids: readonly number[], now: string): BaseRow[] {
  if (ids.length === 0) return [];
  const params: Record<string, unknown> = { now };
  const names = ids.map((id, i) => ((params[`r${i}`] = id), `@r${i}`)).join(', ');
  const found = db
    .prepare(`SELECT ${ROW_SELECT} FROM findings f JOIN audit_runs r ON r.id = f.run_id LEFT JOIN finding_triage t ON t.finding_key = f.finding_key WHERE f.rowid IN (${names})`)
    .all(params) as Array<BaseRow & { rid: number }>;
  const byId = new Map(found.map((r) => [r.rid, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is BaseRow & { rid: number } => r !== undefined);
}

function countGroups(db: Db, base: string, where: string, params: Record<string, unknown>): number {
  return (db.prepare(`${base} SELECT COUNT(DISTINCT check_id) AS n FROM base ${where}`).get(params) as { n: number }).n;
}

/** Hosts, checks and categories present in the scope (unfiltered), for the filter menus. Plain columns only: no status to derive. */
function facetsOf(db: Db, filter: WorkbenchFilterParsed): NonNullable<WorkbenchPage['facets']> {
  const params: Record<string, unknown> = {};
  const sr = `WITH sr AS (${scopeRunsSql(filter, params)})`;
  const hosts = (
    db.prepare(`${sr} SELECT DISTINCT r.host_name AS host FROM sr JOIN audit_runs r ON r.id = sr.id WHERE EXISTS (SELECT 1 FROM findings f WHERE f.run_id = r.id) ORDER BY host COLLATE NOCASE`).all(params) as Array<{ host: string }>
  ).map((r) => r.host);
  const checks = (
    db.prepare(`${sr} SELECT f.check_id, MIN(f.title) AS title FROM sr JOIN findings f ON f.run_id = sr.id GROUP BY f.check_id ORDER BY f.check_id`).all(params) as Array<{ check_id: string; title: string }>
  ).map((r) => ({ checkId: r.check_id, title: r.title }));
  const categories = (db.prepare(`${sr} SELECT DISTINCT f.category FROM sr JOIN findings f ON f.run_id = sr.id ORDER BY f.category`).all(params) as Array<{ category: Category }>).map(
    (r) => r.category,
  );
  return { hosts, checks, categories };
}

// ---- one finding ------------------------------------------------------------------------

interface FullRow extends BaseRow {
  evidence: string;
}

function findingRow(db: Db, findingKey: string, runId: string | undefined, now: Date): (FullRow & { rationale: string; remediation: string; references_json: string }) | null {
  const params: Record<string, unknown> = { now: now.toISOString(), key: findingKey };
  const scope = runId !== undefined ? ((params.run = runId), 'SELECT @run AS id') : 'SELECT run_id AS id FROM findings WHERE finding_key = @key';
  const row = db
    .prepare(
      `${baseSql(scope)}
      SELECT b.*, f.rationale, f.remediation, f.references_json FROM base b JOIN findings f ON f.run_id = b.run_id AND f.finding_key = b.finding_key
      WHERE b.finding_key = @key ORDER BY b.last_seen DESC, b.run_id DESC LIMIT 1`,
    )
    .get(params) as (FullRow & { rationale: string; remediation: string; references_json: string }) | undefined;
  return row ?? null;
}

/**
 * A finding with its evidence and timeline: every complete or partial run of its target from the
 * first that found it (seen, resolved, found again), merged with every triage change (reason, who).
 */
export function findingDetail(db: Db, findingKey: string, runId?: string, now: Date = new Date()): FindingDetail {
  const row = findingRow(db, findingKey, runId, now);
  if (!row) throw new RampartError('NOT_FOUND', runId ? `No finding ${findingKey} in run ${runId}.` : `No finding ${findingKey} in any run.`);
  const target = db.prepare('SELECT target_kind, host_id, address, port FROM audit_runs WHERE id = ?').get(row.run_id) as {
    target_kind: string;
    host_id: number | null;
    address: string;
    port: number;
  };
  const runs = (
    target.host_id !== null
      ? db.prepare("SELECT id, started_at FROM audit_runs WHERE target_kind = ? AND host_id = ? AND status IN ('complete', 'partial') ORDER BY started_at, id").all(target.target_kind, target.host_id)
      : db
          .prepare("SELECT id, started_at FROM audit_runs WHERE target_kind = ? AND host_id IS NULL AND address = ? AND port = ? AND status IN ('complete', 'partial') ORDER BY started_at, id")
          .all(target.target_kind, target.address, target.port)
  ) as Array<{ id: string; started_at: string }>;
  const sightings = new Map(
    (
      db.prepare('SELECT f.run_id, f.status FROM findings f WHERE f.finding_key = ?').all(findingKey) as Array<{ run_id: string; status: FindingStatus }>
    ).map((s) => [s.run_id, s.status]),
  );
  const events: TimelineEvent[] = [];
  let seenAny = false;
  let seenLast = false;
  for (const run of runs) {
    const status = sightings.get(run.id);
    const base = { at: run.started_at, runId: run.id, reason: null, expiresAt: null, actor: null };
    if (status !== undefined) {
      events.push({ ...base, kind: !seenAny ? 'first-seen' : seenLast ? 'seen' : 'found-again', status });
      seenAny = true;
      seenLast = true;
    } else if (seenLast) {
      events.push({ ...base, kind: 'resolved', status: null });
      seenLast = false;
    }
  }
  const log = db.prepare('SELECT status, reason, expires_at, at, actor FROM triage_log WHERE finding_key = ? ORDER BY id').all(findingKey) as Array<{
    status: FindingStatus;
    reason: string | null;
    expires_at: string | null;
    at: string;
    actor: string | null;
  }>;
  for (const l of log) events.push({ at: l.at, kind: 'triage', runId: null, status: l.status, reason: l.reason, expiresAt: l.expires_at, actor: l.actor });
  // Stable: sightings and log entries keep their own order among equal timestamps.
  const timeline = events.map((e, i) => ({ e, i })).sort((a, b) => (a.e.at < b.e.at ? -1 : a.e.at > b.e.at ? 1 : a.i - b.i)).map((x) => x.e);
  let references: string[];
  try {
    references = JSON.parse(row.references_json) as string[];
  } catch {
    references = [];
  }
  const seen = events.filter((e) => e.kind !== 'triage' && e.kind !== 'resolved');
  return {
    row: toRow(row),
    evidence: row.evidence,
    rationale: row.rationale,
    remediation: row.remediation,
    references,
    firstSeen: seen[0]?.at ?? row.first_seen,
    lastSeen: seen.at(-1)?.at ?? row.last_seen,
    timeline,
  };
}

// ---- bulk triage ------------------------------------------------------------------------

export interface BulkTriageInput {
  findingKeys: readonly string[];
  status: 'accepted' | 'false-positive' | 'open';
  reason?: string | null | undefined;
  expiresAt?: string | null | undefined;
  actor?: string | null | undefined;
}

const CHUNK = 500;

/** The rules, in one place for the preview and the apply. */
function decide(input: BulkTriageInput, reason: string | null, expiresAt: string | null, current: BaseRow | undefined, known: boolean): string | undefined {
  if (!current) return known ? 'resolved: the latest audit of its host no longer finds it' : 'no such finding in any run';
  if (current.wstatus === 'fixed') return 'marked fixed; only a new audit can reopen it';
  if (input.status === 'accepted' && current.wstatus === 'accepted' && current.reason === reason && current.expires_at === expiresAt) return 'already accepted with this reason and expiry';
  if (input.status === 'false-positive' && current.wstatus === 'false-positive' && current.reason === reason) return 'already a false positive with this reason';
  if (input.status === 'open' && current.wstatus === 'open') return 'already open';
  return undefined;
}

function normalize(input: BulkTriageInput, now: Date): { reason: string | null; expiresAt: string | null } {
  const reason = input.reason?.trim() || null;
  if ((input.status === 'accepted' || input.status === 'false-positive') && !reason)
    throw new RampartError('VALIDATION', input.status === 'accepted' ? 'Accepting a risk needs a reason.' : 'Marking a false positive needs a reason.', {
      issues: [{ path: ['reason'], message: 'Required' }],
    });
  if (input.status !== 'accepted') return { reason, expiresAt: null };
  const exp = input.expiresAt ? new Date(input.expiresAt) : null;
  if (!exp || Number.isNaN(exp.getTime())) throw new RampartError('VALIDATION', 'Accepting a risk needs an expiry date.', { issues: [{ path: ['expiresAt'], message: 'Required' }] });
  if (exp.getTime() <= now.getTime())
    throw new RampartError('VALIDATION', 'The expiry of an accepted risk must be in the future.', { issues: [{ path: ['expiresAt'], message: 'Must be in the future' }] });
  return { reason, expiresAt: exp.toISOString() };
}

function previewOf(db: Db, input: BulkTriageInput, now: Date): BulkTriagePreview & { current: Map<string, BaseRow> } {
  const { reason, expiresAt } = normalize(input, now);
  const keys = [...new Set(input.findingKeys.map((k) => k.trim()).filter(Boolean))];
  const current = new Map<string, BaseRow>();
  const known = new Set<string>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const chunk = keys.slice(i, i + CHUNK);
    const params: Record<string, unknown> = { now: now.toISOString() };
    const names = chunk.map((k, j) => ((params[`k${j}`] = k), `@k${j}`)).join(', ');
    for (const r of db.prepare(`${baseSql(LATEST_RUNS)} SELECT * FROM base WHERE finding_key IN (${names})`).all(params) as BaseRow[]) current.set(r.finding_key, r);
    for (const r of db.prepare(`SELECT DISTINCT finding_key FROM findings WHERE finding_key IN (${names})`).all(params) as Array<{ finding_key: string }>) known.add(r.finding_key);
  }
  const applies: BulkTriageItem[] = [];
  const skipped: BulkTriageItem[] = [];
  for (const key of keys) {
    const cur = current.get(key);
    const why = decide(input, reason, expiresAt, cur, known.has(key));
    const item: BulkTriageItem = { findingKey: key, host: cur?.host ?? null, checkId: cur?.check_id ?? null, title: cur?.title ?? null, from: cur?.wstatus ?? null };
    if (why) skipped.push({ ...item, skipped: why });
    else applies.push(item);
  }
  return { status: input.status, applies, skipped, current };
}

/** What a bulk triage would do: the findings it applies to and the ones it skips, with why. Writes nothing. */
export function bulkTriagePreview(db: Db, input: BulkTriageInput, now: Date = new Date()): BulkTriagePreview {
  const { current: _current, ...preview } = previewOf(db, input, now);
  return preview;
}

/**
 * Applies a bulk triage in one transaction: the preview's rules are evaluated again inside it (so
 * what applies is what the data says now), each change logged with who made it, regressions
 * acknowledged, and each run that holds a changed finding as its latest sighting re-scored once.
 */
export function bulkTriageApply(db: Db, input: BulkTriageInput, now: Date = new Date()): BulkTriageResult {
  const at = now.toISOString();
  return db.transaction(() => {
    const { current: _current, ...preview } = previewOf(db, input, now);
    const { reason, expiresAt } = normalize(input, now);
    const upsert = db.prepare(
      `INSERT INTO finding_triage (finding_key, host_id, status, reason, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(finding_key) DO UPDATE SET status = excluded.status, reason = excluded.reason, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
    );
    const log = db.prepare('INSERT INTO triage_log (finding_key, status, reason, expires_at, at, actor) VALUES (?, ?, ?, ?, ?, ?)');
    const clear = db.prepare('UPDATE findings SET regressed = 0 WHERE finding_key = ? AND regressed = 1');
    const owner = db.prepare('SELECT r.host_id AS host_id, r.id AS run_id FROM findings f JOIN audit_runs r ON r.id = f.run_id WHERE f.finding_key = ? ORDER BY r.started_at DESC LIMIT 1');
    const runs = new Set<string>();
    for (const item of preview.applies) {
      const o = owner.get(item.findingKey) as { host_id: number | null; run_id: string };
      upsert.run(item.findingKey, o.host_id, input.status, reason, expiresAt, at);
      log.run(item.findingKey, input.status, reason, expiresAt, at, input.actor ?? null);
      clear.run(item.findingKey);
      runs.add(o.run_id);
    }
    for (const runId of runs) refreshRun(db, runId, now);
    return { ...preview, rescoredRuns: [...runs] };
  })();
}

// ---- saved views ------------------------------------------------------------------------

interface ViewRow {
  id: number;
  name: string;
  filter_json: string;
  updated_at: string;
}

function toView(r: ViewRow): SavedView | null {
  try {
    const spec = JSON.parse(r.filter_json) as { filter?: unknown; sort?: unknown; groupBy?: unknown };
    const filter = WorkbenchFilterSchema.safeParse(spec.filter ?? {});
    if (!filter.success) return null;
    const sort = spec.sort && typeof spec.sort === 'object' ? (spec.sort as { column: string; dir: 'asc' | 'desc' }) : null;
    return { id: r.id, name: r.name, filter: filter.data, sort, groupBy: spec.groupBy === 'check' ? 'check' : 'none', updatedAt: r.updated_at };
  } catch {
    return null;
  }
}

export function listViews(db: Db): SavedView[] {
  return (db.prepare('SELECT id, name, filter_json, updated_at FROM saved_views ORDER BY name COLLATE NOCASE').all() as ViewRow[]).map(toView).filter((v): v is SavedView => v !== null);
}

/** Saves a view by name; a view of the same name is replaced. */
export function saveView(
  db: Db,
  view: { name: string; filter: WorkbenchFilterParsed; sort?: { column: string; dir: 'asc' | 'desc' } | null | undefined; groupBy?: 'none' | 'check' },
  now: Date = new Date(),
): SavedView {
  const name = view.name.trim();
  if (!name) throw new RampartError('VALIDATION', 'A view needs a name.', { issues: [{ path: ['name'], message: 'Required' }] });
  const at = now.toISOString();
  const spec = JSON.stringify({ filter: view.filter, sort: view.sort ?? null, groupBy: view.groupBy ?? 'none' });
  db.prepare(
    `INSERT INTO saved_views (name, filter_json, created_at, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET filter_json = excluded.filter_json, updated_at = excluded.updated_at`,
  ).run(name, spec, at, at);
  return toView(db.prepare('SELECT id, name, filter_json, updated_at FROM saved_views WHERE name = ?').get(name) as ViewRow)!;
}

export function deleteView(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM saved_views WHERE id = ?').run(id).changes > 0;
}
