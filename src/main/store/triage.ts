// Triage in the store (one concern of store.ts): a finding's status, its log, what a status means
// in a run (expiry, regression), and re-scoring the run it belongs to. Functions on the open
// database; Store calls them.
import { RampartError } from '../../shared/errors';
import { computeScore } from '../audit/grading';
import type { FindingStatus, TriageLogEntry, TriageRecord } from '../../shared/domain';
import type { Db } from './db';
import { getRun } from './runs';

interface TriageRow {
  finding_key: string;
  host_id: number | null;
  status: FindingStatus;
  reason: string | null;
  expires_at: string | null;
  updated_at: string;
}
function toTriage(r: TriageRow): TriageRecord {
  return { findingKey: r.finding_key, hostId: r.host_id, status: r.status, reason: r.reason, expiresAt: r.expires_at, updatedAt: r.updated_at };
}

export function getTriage(db: Db, findingKey: string): TriageRecord | null {
  const r = db.prepare('SELECT * FROM finding_triage WHERE finding_key = ?').get(findingKey) as TriageRow | undefined;
  return r ? toTriage(r) : null;
}

export function triageLog(db: Db, findingKey: string): TriageLogEntry[] {
  return (db.prepare('SELECT status, reason, expires_at, at, actor FROM triage_log WHERE finding_key = ? ORDER BY id').all(findingKey) as Array<{
    status: FindingStatus;
    reason: string | null;
    expires_at: string | null;
    at: string;
    actor: string | null;
  }>).map((r) => ({ status: r.status, reason: r.reason, expiresAt: r.expires_at, at: r.at, actor: r.actor }));
}

/**
 * Sets a finding's triage. Accepted risk needs a reason and a future expiry; a false positive
 * needs a reason. Every change is logged. The latest run of the host is re-scored, since
 * accepted risks and false positives do not count while valid.
 */
export function setTriage(
  db: Db,
  input: { findingKey: string; status: FindingStatus; reason?: string | null; expiresAt?: string | null; actor?: string | null },
  now: Date = new Date(),
): TriageRecord {
  const owner = db
    .prepare('SELECT r.host_id AS host_id, r.id AS run_id FROM findings f JOIN audit_runs r ON r.id = f.run_id WHERE f.finding_key = ? ORDER BY r.started_at DESC LIMIT 1')
    .get(input.findingKey) as { host_id: number | null; run_id: string } | undefined;
  if (!owner) throw new RampartError('NOT_FOUND', `No finding ${input.findingKey} in any run.`);
  const reason = input.reason?.trim() || null;
  let expiresAt: string | null = null;
  if (input.status === 'accepted') {
    if (!reason) throw new RampartError('VALIDATION', 'Accepting a risk needs a reason.', { issues: [{ path: ['reason'], message: 'Required' }] });
    const exp = input.expiresAt ? new Date(input.expiresAt) : null;
    if (!exp || Number.isNaN(exp.getTime()))
      throw new RampartError('VALIDATION', 'Accepting a risk needs an expiry date.', { issues: [{ path: ['expiresAt'], message: 'Required' }] });
    if (exp.getTime() <= now.getTime())
      throw new RampartError('VALIDATION', 'The expiry of an accepted risk must be in the future.', { issues: [{ path: ['expiresAt'], message: 'Must be in the future' }] });
    expiresAt = exp.toISOString();
  }
  if (input.status === 'false-positive' && !reason)
    throw new RampartError('VALIDATION', 'Marking a false positive needs a reason.', { issues: [{ path: ['reason'], message: 'Required' }] });
  const at = now.toISOString();
  db.transaction(() => {
    db
      .prepare(
        `INSERT INTO finding_triage (finding_key, host_id, status, reason, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(finding_key) DO UPDATE SET status = excluded.status, reason = excluded.reason, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      )
      .run(input.findingKey, owner.host_id, input.status, reason, expiresAt, at);
    db.prepare('INSERT INTO triage_log (finding_key, status, reason, expires_at, at, actor) VALUES (?, ?, ?, ?, ?, ?)').run(input.findingKey, input.status, reason, expiresAt, at, input.actor ?? null);
    // Someone decided about the finding: a regression is no longer news.
    db.prepare('UPDATE findings SET regressed = 0 WHERE finding_key = ? AND regressed = 1').run(input.findingKey);
    refreshRun(db, owner.run_id, now);
  })();
  return getTriage(db, input.findingKey)!;
}

/**
 * The status a finding has in a run observed at `now`: valid triage applies; an expired
 * acceptance is open again; a finding marked fixed that is seen again is open (a regression).
 */
export function effectiveStatus(db: Db, findingKey: string, now: Date = new Date(), runStartedAt?: string): FindingStatus {
  const t = getTriage(db, findingKey);
  if (!t) return 'open';
  if (t.status === 'accepted') return t.expiresAt && new Date(t.expiresAt).getTime() > now.getTime() ? 'accepted' : 'open';
  if (t.status === 'false-positive') return 'false-positive';
  // "Fixed" holds for runs up to the moment it was said; a later run that still finds it reopens it.
  if (t.status === 'fixed') return runStartedAt !== undefined && runStartedAt <= t.updatedAt ? 'fixed' : 'open';
  return 'open';
}

/**
 * Statuses for freshly evaluated findings, before the run is scored and saved. A finding that
 * was marked fixed but is found again is reopened, and that is logged.
 */
export function applyTriage<F extends { id: string; status: FindingStatus }>(db: Db, findings: readonly F[], now: Date = new Date()): F[] {
  const at = now.toISOString();
  return findings.map((f) => {
    const t = getTriage(db, f.id);
    if (t?.status === 'fixed') {
      db.transaction(() => {
        db.prepare("UPDATE finding_triage SET status = 'open', reason = NULL, expires_at = NULL, updated_at = ? WHERE finding_key = ?").run(at, f.id);
        db.prepare("INSERT INTO triage_log (finding_key, status, reason, expires_at, at, actor) VALUES (?, 'open', 'found again after it was marked fixed', NULL, ?, 'Rampart audit')").run(f.id, at);
      })();
      return { ...f, status: 'open' as const };
    }
    return { ...f, status: effectiveStatus(db, f.id, now) };
  });
}

/** Re-derives finding statuses and the score of a stored run (after triage changed). */
export function refreshRun(db: Db, runId: string, now: Date): void {
  const run = getRun(db, runId);
  const update = db.prepare('UPDATE findings SET status = ? WHERE run_id = ? AND finding_key = ?');
  const findings = run.findings.map((f) => ({ ...f, status: effectiveStatus(db, f.id, now, run.startedAt) }));
  for (const f of findings) update.run(f.status, runId, f.id);
  if (run.score) {
    const score = computeScore(run.checks, findings);
    db.prepare('UPDATE audit_runs SET score_json = ? WHERE id = ?').run(JSON.stringify(score), runId);
  }
}

