// Retention (issue 14 items 6 and 8): which stored runs a policy deletes. A run is kept when it is
// among the newest N runs of its target (host address:port, or mail domain) OR younger than D
// days; a target's latest run is always kept; with both rules off nothing is deleted. Deleting a
// run deletes its check results and findings (ON DELETE CASCADE). Triage decisions are keyed by
// the finding's identity, not by run: a decision whose finding is still present in a kept run is
// never touched; one whose finding is in no kept run any more goes with the runs (and its log).
// The preview computes exactly what apply deletes, and apply refuses if that changed since.
import { RampartError } from '../../shared/errors';
import type { RetentionPolicy, RetentionPreview } from '../../shared/ipc/settings';
import type { Db } from '../store/db';

const DAY_MS = 24 * 60 * 60 * 1000;

interface Candidate {
  id: string;
  host_name: string;
  address: string;
  port: number;
  target_kind: string;
  started_at: string;
  status: string;
  score_json: string | null;
  rn: number;
  findings: number;
}

function candidates(db: Db): Candidate[] {
  return db
    .prepare(
      `SELECT r.id, r.host_name, r.address, r.port, r.target_kind, r.started_at, r.status, r.score_json,
              ROW_NUMBER() OVER (PARTITION BY r.target_kind, r.address, r.port ORDER BY r.started_at DESC, r.id DESC) AS rn,
              (SELECT COUNT(*) FROM findings f WHERE f.run_id = r.id) AS findings
         FROM audit_runs r`,
    )
    .all() as Candidate[];
}

function doomed(policy: RetentionPolicy, rows: readonly Candidate[], now: Date): Candidate[] {
  if (policy.keepRunsPerTarget === null && policy.keepDays === null) return [];
  const cutoff = policy.keepDays === null ? null : new Date(now.getTime() - policy.keepDays * DAY_MS).toISOString();
  return rows
    .filter((r) => r.rn > 1) // the latest run of a target always stays
    .filter((r) => (policy.keepRunsPerTarget === null ? true : r.rn > policy.keepRunsPerTarget))
    .filter((r) => (cutoff === null ? true : r.started_at < cutoff))
    .sort((a, b) => a.started_at.localeCompare(b.started_at) || a.id.localeCompare(b.id));
}

const ORPHAN_SQL = `SELECT t.finding_key FROM finding_triage t
  WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.finding_key = t.finding_key AND f.run_id NOT IN (SELECT value FROM json_each(?)))`;

export function previewRetention(db: Db, policy: RetentionPolicy, now: Date = new Date()): RetentionPreview {
  const rows = candidates(db);
  const del = doomed(policy, rows, now);
  const ids = JSON.stringify(del.map((r) => r.id));
  const orphans = (db.prepare(ORPHAN_SQL).all(ids) as Array<{ finding_key: string }>).length;
  const triageTotal = (db.prepare('SELECT COUNT(*) AS n FROM finding_triage').get() as { n: number }).n;
  return {
    policy,
    deleteRuns: del.map((r) => ({
      id: r.id,
      target: r.target_kind === 'domain' ? r.host_name : `${r.host_name} (${r.address}:${r.port})`,
      startedAt: r.started_at,
      status: r.status,
      grade: r.score_json ? ((JSON.parse(r.score_json) as { grade?: string }).grade ?? null) : null,
      findings: r.findings,
    })),
    keptRuns: rows.length - del.length,
    orphanTriage: orphans,
    keptTriage: triageTotal - orphans,
  };
}

/**
 * Deletes what the preview showed, in one transaction. `expectRunIds` is the preview's list:
 * if the policy now selects other runs (an audit finished, the clock moved a run past the
 * cutoff), nothing is deleted and the caller previews again.
 */
export function applyRetention(db: Db, policy: RetentionPolicy, expectRunIds: readonly string[], now: Date = new Date()): { deletedRuns: number; deletedTriage: number; keptRuns: number } {
  return db
    .transaction(() => {
      const rows = candidates(db);
      const del = doomed(policy, rows, now);
      const want = [...expectRunIds].sort();
      const got = del.map((r) => r.id).sort();
      if (want.length !== got.length || want.some((id, i) => id !== got[i]))
        throw new RampartError('CONFLICT', `The runs this policy deletes changed since the preview (${got.length} now, ${want.length} previewed). Nothing was deleted; preview again.`);
      const ids = JSON.stringify(got);
      const orphanKeys = (db.prepare(ORPHAN_SQL).all(ids) as Array<{ finding_key: string }>).map((r) => r.finding_key);
      const delRun = db.prepare('DELETE FROM audit_runs WHERE id = ?');
      for (const id of got) delRun.run(id);
      const delTriage = db.prepare('DELETE FROM finding_triage WHERE finding_key = ?');
      const delLog = db.prepare('DELETE FROM triage_log WHERE finding_key = ?');
      for (const k of orphanKeys) {
        delTriage.run(k);
        delLog.run(k);
      }
      return { deletedRuns: got.length, deletedTriage: orphanKeys.length, keptRuns: rows.length - got.length };
    })
    .immediate();
}
