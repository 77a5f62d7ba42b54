// v4: triage that outlives runs (keyed by the finding identity), its history, and run timings.
export const sql = `
CREATE TABLE finding_triage (
  finding_key TEXT PRIMARY KEY,
  host_id INTEGER REFERENCES hosts(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'false-positive', 'fixed')),
  reason TEXT,
  expires_at TEXT,
  updated_at TEXT NOT NULL,
  CHECK (status <> 'accepted' OR (reason IS NOT NULL AND expires_at IS NOT NULL))
) STRICT;

CREATE TABLE triage_log (
  id INTEGER PRIMARY KEY,
  finding_key TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  expires_at TEXT,
  at TEXT NOT NULL
) STRICT;
CREATE INDEX triage_log_key ON triage_log(finding_key, at);

ALTER TABLE audit_runs ADD COLUMN timings_json TEXT NOT NULL DEFAULT '{}';
`;
