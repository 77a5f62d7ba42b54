// Audit runs in the store (one concern of store.ts): saving, listing, reading, and the diff
// against the previous run of the same target. Functions on the open database; Store calls them.
import { randomUUID } from 'node:crypto';
import { RampartError } from '../../shared/errors';
import { SEVERITIES } from '../../shared/domain';
import type { CheckResult, Finding, RunDetail, RunDiff, RunError, RunStatus, RunSummary, Score, Severity } from '../../shared/domain';
import type { Db } from './db';

export interface RunRecord {
  id?: string;
  /** What was audited: a host over SSH (default) or a mail domain over DNS (hostName = address = the domain, port 0). */
  targetKind?: RunTargetKind;
  hostId: number | null;
  hostName: string;
  address: string;
  port: number;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  os: string | null;
  score: Score | null;
  errors: RunError[];
  execCount: number;
  durationMs: number | null;
  checks: CheckResult[];
  findings: Finding[];
  /** Phase durations (connectMs, collectMs, evaluateMs). */
  timings?: Record<string, number>;
  /** Mail domain runs: the records as parsed (src/main/mail/records.ts MailRecords). */
  details?: Record<string, unknown>;
}

export type RunTargetKind = 'host' | 'domain';

interface RunRow {
  id: string;
  target_kind: RunTargetKind;
  host_id: number | null;
  host_name: string;
  address: string;
  port: number;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  os: string | null;
  score_json: string | null;
  errors_json: string;
  exec_count: number;
  duration_ms: number | null;
  details_json: string | null;
}

export function saveRun(db: Db, run: RunRecord): string {
  const id = run.id ?? randomUUID();
  const insertRun = db.prepare(
    `INSERT INTO audit_runs (id, host_id, host_name, address, port, started_at, finished_at, status, os, score_json, errors_json, exec_count, duration_ms, timings_json, target_kind, details_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertCheck = db.prepare(
    'INSERT INTO check_results (run_id, check_id, category, severity, status, message) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertFinding = db.prepare(
    `INSERT INTO findings (run_id, finding_key, check_id, category, severity, title, resource, evidence, rationale, remediation, references_json, status, first_seen, regressed, regressed_in)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    const history = findingHistoryOf(db, run, id);
    insertRun.run(
      id,
      run.hostId,
      run.hostName,
      run.address,
      run.port,
      run.startedAt,
      run.finishedAt,
      run.status,
      run.os,
      run.score ? JSON.stringify(run.score) : null,
      JSON.stringify(run.errors),
      run.execCount,
      run.durationMs,
      JSON.stringify(run.timings ?? {}),
      run.targetKind ?? 'host',
      run.details ? JSON.stringify(run.details) : null,
    );
    for (const c of run.checks) insertCheck.run(id, c.checkId, c.category, c.severity, c.status, c.message ?? null);
    for (const f of run.findings) {
      const h = history(f);
      insertFinding.run(
        id, f.id, f.checkId, f.category, f.severity, f.title, f.resource, f.evidence, f.rationale, f.remediation, JSON.stringify(f.references), f.status,
        h.firstSeen, h.regressed ? 1 : 0, h.regressedIn,
      );
    }
  })();
  return id;
}

/** The target's latest complete or partial run started before `startedAt` (a failed or cancelled run saw nothing, so it cannot show a finding resolved). */
export function previousCompletedRun(db: Db, target: { id: string; targetKind: RunTargetKind; hostId: number | null; address: string; port: number; startedAt: string }): { id: string; started_at: string } | null {
  const row = (
    target.hostId !== null
      ? db
          .prepare("SELECT id, started_at FROM audit_runs WHERE target_kind = ? AND host_id = ? AND status IN ('complete', 'partial') AND started_at < ? AND id <> ? ORDER BY started_at DESC LIMIT 1")
          .get(target.targetKind, target.hostId, target.startedAt, target.id)
      : db
          .prepare(
            "SELECT id, started_at FROM audit_runs WHERE target_kind = ? AND host_id IS NULL AND address = ? AND port = ? AND status IN ('complete', 'partial') AND started_at < ? AND id <> ? ORDER BY started_at DESC LIMIT 1",
          )
          .get(target.targetKind, target.address, target.port, target.startedAt, target.id)
  ) as { id: string; started_at: string } | undefined;
  return row ?? null;
}

/**
 * What the store keeps about a finding's history when a run is saved: when its identity was first
 * seen, and whether it regressed. It came back in this run when the target's run before (complete
 * or partial) did not have it although an earlier run did (resolved, then found again: a "new"
 * finding of the run diff that is not new), or had it marked fixed. The regressed overlay carries
 * to later runs while the finding stays open, until someone triages it (setTriage clears it).
 */
function findingHistoryOf(db: Db, run: RunRecord, id: string): (f: Finding) => { firstSeen: string; regressed: boolean; regressedIn: string | null } {
  const prev = previousCompletedRun(db, { id, targetKind: run.targetKind ?? 'host', hostId: run.hostId, address: run.address, port: run.port, startedAt: run.startedAt });
  const firstSeen = db.prepare(
    'SELECT MIN(r.started_at) AS at FROM findings f JOIN audit_runs r ON r.id = f.run_id WHERE f.finding_key = ? AND r.started_at <= ? AND r.id <> ?',
  );
  const inPrev = db.prepare('SELECT status, regressed, regressed_in FROM findings WHERE run_id = ? AND finding_key = ?');
  const seenBefore = db.prepare('SELECT 1 FROM findings f JOIN audit_runs r ON r.id = f.run_id WHERE f.finding_key = ? AND r.started_at < ? LIMIT 1');
  return (f) => {
    const first = (firstSeen.get(f.id, run.startedAt, id) as { at: string | null }).at ?? run.startedAt;
    if (!prev) return { firstSeen: first, regressed: false, regressedIn: null };
    const before = inPrev.get(prev.id, f.id) as { status: string; regressed: number; regressed_in: string | null } | undefined;
    const cameBack = before ? before.status === 'fixed' : seenBefore.get(f.id, prev.started_at) !== undefined;
    const open = f.status === 'open';
    if (cameBack) return { firstSeen: first, regressed: open, regressedIn: id };
    const carried = open && before?.regressed === 1;
    return { firstSeen: first, regressed: carried, regressedIn: carried ? (before?.regressed_in ?? null) : null };
  };
}

export function listRuns(db: Db, opts: { hostId?: number | undefined; domain?: string | undefined; limit?: number } = {}): RunSummary[] {
  const limit = opts.limit ?? 50;
  const rows = (
    opts.domain !== undefined
      ? db.prepare("SELECT * FROM audit_runs WHERE target_kind = 'domain' AND address = ? ORDER BY started_at DESC LIMIT ?").all(opts.domain, limit)
      : opts.hostId === undefined
        ? db.prepare('SELECT * FROM audit_runs ORDER BY started_at DESC LIMIT ?').all(limit)
        : db.prepare('SELECT * FROM audit_runs WHERE host_id = ? ORDER BY started_at DESC LIMIT ?').all(opts.hostId, limit)
  ) as RunRow[];
  return rows.map((r) => toSummary(db, r));
}

export function getRun(db: Db, id: string): RunDetail {
  const row = db.prepare('SELECT * FROM audit_runs WHERE id = ?').get(id) as RunRow | undefined;
  if (!row) throw new RampartError('NOT_FOUND', `No audit run with id ${id}.`);
  const checks = (
    db.prepare('SELECT * FROM check_results WHERE run_id = ? ORDER BY check_id').all(id) as Array<{
      check_id: string;
      category: CheckResult['category'];
      severity: Severity;
      status: CheckResult['status'];
      message: string | null;
    }>
  ).map((c) => ({ checkId: c.check_id, category: c.category, severity: c.severity, status: c.status, ...(c.message ? { message: c.message } : {}) }));
  const findings = (
    db
      .prepare(
        `SELECT * FROM findings WHERE run_id = ?
         ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, check_id, resource`,
      )
      .all(id) as Array<Record<string, string>>
  ).map(
    (f): Finding => ({
      id: f.finding_key!,
      checkId: f.check_id!,
      category: f.category as Finding['category'],
      severity: f.severity as Severity,
      title: f.title!,
      resource: f.resource!,
      evidence: f.evidence!,
      rationale: f.rationale!,
      remediation: f.remediation!,
      references: JSON.parse(f.references_json!) as string[],
      status: f.status as Finding['status'],
    }),
  );
  return {
    ...toSummary(db, row),
    findings,
    checks,
    errors: JSON.parse(row.errors_json) as RunError[],
    ...(row.details_json ? { details: JSON.parse(row.details_json) as Record<string, unknown> } : {}),
  };
}


/** The run of the same host (or mail domain) just before this one, if any. */
export function previousRun(db: Db, runId: string): RunSummary | null {
  const cur = db.prepare('SELECT host_id, address, port, started_at, target_kind FROM audit_runs WHERE id = ?').get(runId) as
    | { host_id: number | null; address: string; port: number; started_at: string; target_kind: RunTargetKind }
    | undefined;
  if (!cur) throw new RampartError('NOT_FOUND', `No audit run with id ${runId}.`);
  const row = (
    cur.host_id !== null
      ? db.prepare('SELECT * FROM audit_runs WHERE host_id = ? AND started_at < ? AND id <> ? ORDER BY started_at DESC LIMIT 1').get(cur.host_id, cur.started_at, runId)
      : db
          .prepare('SELECT * FROM audit_runs WHERE host_id IS NULL AND target_kind = ? AND address = ? AND port = ? AND started_at < ? AND id <> ? ORDER BY started_at DESC LIMIT 1')
          .get(cur.target_kind, cur.address, cur.port, cur.started_at, runId)
  ) as RunRow | undefined;
  return row ? toSummary(db, row) : null;
}

/** New, resolved and unchanged findings of a run against the host's previous run. */
export function diffRun(db: Db, runId: string): RunDiff {
  const cur = getRun(db, runId);
  const prevSummary = previousRun(db, runId);
  // Set when the run was saved (findingHistoryOf): the workbench's "regressed", as of this run.
  const regressed = (db.prepare('SELECT finding_key FROM findings WHERE run_id = ? AND regressed_in = ? ORDER BY finding_key').pluck().all(runId, runId) as string[]);
  if (!prevSummary) return { runId, previousRunId: null, previous: null, new: cur.findings, resolved: [], unchanged: [], regressed };
  const prev = getRun(db, prevSummary.id);
  const before = new Map(prev.findings.map((f) => [f.id, f]));
  const now = new Set(cur.findings.map((f) => f.id));
  return {
    runId,
    previousRunId: prev.id,
    previous: prevSummary,
    new: cur.findings.filter((f) => !before.has(f.id)),
    resolved: prev.findings.filter((f) => !now.has(f.id)),
    unchanged: cur.findings.filter((f) => before.has(f.id)),
    regressed,
  };
}


function toSummary(db: Db, r: RunRow): RunSummary {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const rows = db.prepare('SELECT severity, COUNT(*) AS n FROM findings WHERE run_id = ? GROUP BY severity').all(r.id) as Array<{
    severity: Severity;
    n: number;
  }>;
  for (const c of rows) counts[c.severity] = c.n;
  return {
    id: r.id,
    ...(r.target_kind === 'domain' ? { targetKind: 'domain' as const } : {}),
    hostId: r.host_id,
    hostName: r.host_name,
    address: r.address,
    port: r.port,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    os: r.os,
    score: r.score_json ? (JSON.parse(r.score_json) as Score) : null,
    findingCounts: counts,
    execCount: r.exec_count,
    durationMs: r.duration_ms,
  };
}
