// Every finding's status in one run as of `now`, in one query: the same rule as the store's
// effectiveStatus (triage.ts) — valid triage applies, an expired acceptance is open again, "fixed"
// holds only for runs up to the moment it was said — without one triage lookup per finding
// (the fleet's priority matrix and checklists read thousands). statuses.test.ts holds the two equal.
import type { FindingStatus } from '../../shared/domain';
import type { Store } from '../store/store';

interface TriageCols {
  status: FindingStatus | null;
  expires_at: string | null;
  updated_at: string | null;
}

export function statusFromTriage(t: TriageCols, now: Date, runStartedAt: string): FindingStatus {
  if (t.status === null) return 'open';
  if (t.status === 'accepted') return t.expires_at && new Date(t.expires_at).getTime() > now.getTime() ? 'accepted' : 'open';
  if (t.status === 'false-positive') return 'false-positive';
  if (t.status === 'fixed') return t.updated_at !== null && runStartedAt <= t.updated_at ? 'fixed' : 'open';
  return 'open';
}

/** finding key → status now, for every finding of the run. */
export function statusesNow(store: Store, runId: string, runStartedAt: string, now: Date): Map<string, FindingStatus> {
  const rows = store.db
    .prepare(
      `SELECT f.finding_key AS k, t.status AS status, t.expires_at AS expires_at, t.updated_at AS updated_at
       FROM findings f LEFT JOIN finding_triage t ON t.finding_key = f.finding_key WHERE f.run_id = ?`,
    )
    .all(runId) as Array<TriageCols & { k: string }>;
  return new Map(rows.map((r) => [r.k, statusFromTriage(r, now, runStartedAt)]));
}
