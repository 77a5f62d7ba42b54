// v13: the findings workbench. Per stored finding: when its identity was first seen (up to that
// run), and whether it regressed — found again after the target's run before did not find it
// (resolved) or after it was marked fixed. `regressed` is the status overlay (carried to later runs
// until someone triages the finding); `regressed_in` is the run in which it came back (kept, for
// the dashboard's "since last audit"). Who made each triage change (`actor`). Saved views. Indexes
// for "latest complete run per target" and for the filters.
// Backfill: first_seen exactly; regressed for each run against the run before it, not carried
// (rows older than this version were never triaged as regressed, so nothing to clear either).
export const sql = `
ALTER TABLE findings ADD COLUMN first_seen TEXT;
ALTER TABLE findings ADD COLUMN regressed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN regressed_in TEXT;
ALTER TABLE triage_log ADD COLUMN actor TEXT;

CREATE TABLE saved_views (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  filter_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX audit_runs_done ON audit_runs(target_kind, host_id, address, port, status, started_at);

UPDATE findings SET first_seen = (
  SELECT MIN(r2.started_at) FROM findings f2 JOIN audit_runs r2 ON r2.id = f2.run_id
  WHERE f2.finding_key = findings.finding_key
    AND r2.started_at <= (SELECT r.started_at FROM audit_runs r WHERE r.id = findings.run_id)
);

WITH pr AS (
  SELECT r.id AS run_id,
    (SELECT p.id FROM audit_runs p
      WHERE p.status IN ('complete', 'partial') AND p.target_kind = r.target_kind AND p.started_at < r.started_at AND p.id <> r.id
        AND ((r.host_id IS NOT NULL AND p.host_id = r.host_id) OR (r.host_id IS NULL AND p.host_id IS NULL AND p.address = r.address AND p.port = r.port))
      ORDER BY p.started_at DESC LIMIT 1) AS prev_id
  FROM audit_runs r WHERE r.status IN ('complete', 'partial')
)
UPDATE findings SET regressed = 1, regressed_in = findings.run_id
FROM pr
WHERE pr.run_id = findings.run_id AND pr.prev_id IS NOT NULL AND findings.status = 'open'
  AND (
    EXISTS (SELECT 1 FROM findings pf WHERE pf.run_id = pr.prev_id AND pf.finding_key = findings.finding_key AND pf.status = 'fixed')
    OR (
      NOT EXISTS (SELECT 1 FROM findings pf WHERE pf.run_id = pr.prev_id AND pf.finding_key = findings.finding_key)
      AND EXISTS (SELECT 1 FROM findings ef JOIN audit_runs er ON er.id = ef.run_id
                  WHERE ef.finding_key = findings.finding_key AND er.started_at < (SELECT started_at FROM audit_runs WHERE id = pr.prev_id))
    )
  );
`;
