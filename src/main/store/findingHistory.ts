// Read-only queries over the store that the triage and run-history channels need and Store does
// not have: where a finding identity was seen, and a run's phase timings. Plain SQL on the same
// connection; nothing here writes.
import type { FindingSighting, FindingStatus, Severity } from '../../shared/domain';
import type { Store } from './store';

/** Runs that found this finding identity, newest first, with its status and severity in each. */
export function findingSightings(store: Store, findingKey: string, limit = 200): FindingSighting[] {
  const rows = store.db
    .prepare(
      `SELECT f.run_id AS run_id, r.started_at AS started_at, f.status AS status, f.severity AS severity
       FROM findings f JOIN audit_runs r ON r.id = f.run_id
       WHERE f.finding_key = ? ORDER BY r.started_at DESC, r.id DESC LIMIT ?`,
    )
    .all(findingKey, limit) as Array<{ run_id: string; started_at: string; status: FindingStatus; severity: Severity }>;
  return rows.map((r) => ({ runId: r.run_id, startedAt: r.started_at, status: r.status, severity: r.severity }));
}

/** Phase durations the run recorded (connectMs, collectMs, evaluateMs); {} when none or unknown. */
export function runTimings(store: Store, runId: string): Record<string, number> {
  const row = store.db.prepare('SELECT timings_json FROM audit_runs WHERE id = ?').get(runId) as { timings_json: string | null } | undefined;
  if (!row?.timings_json) return {};
  try {
    const parsed = JSON.parse(row.timings_json) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
  } catch {
    return {};
  }
}
