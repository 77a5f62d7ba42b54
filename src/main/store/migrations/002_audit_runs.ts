// v2: audit runs, per-check results and findings. A finding's identity is finding_key
// (host, checkId, resource) so status and history carry across runs.
export const sql = `
CREATE TABLE audit_runs (
  id TEXT PRIMARY KEY,
  host_id INTEGER REFERENCES hosts(id) ON DELETE SET NULL,
  host_name TEXT NOT NULL,
  address TEXT NOT NULL,
  port INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('complete', 'partial', 'failed', 'cancelled')),
  os TEXT,
  score_json TEXT,
  errors_json TEXT NOT NULL DEFAULT '[]',
  exec_count INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER
) STRICT;
CREATE INDEX audit_runs_host ON audit_runs(host_id, started_at);

CREATE TABLE check_results (
  run_id TEXT NOT NULL REFERENCES audit_runs(id) ON DELETE CASCADE,
  check_id TEXT NOT NULL,
  category TEXT NOT NULL,
  severity TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'not-applicable', 'needs-sudo')),
  message TEXT,
  PRIMARY KEY (run_id, check_id)
) STRICT;

CREATE TABLE findings (
  run_id TEXT NOT NULL REFERENCES audit_runs(id) ON DELETE CASCADE,
  finding_key TEXT NOT NULL,
  check_id TEXT NOT NULL,
  category TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
  title TEXT NOT NULL,
  resource TEXT NOT NULL,
  evidence TEXT NOT NULL,
  rationale TEXT NOT NULL,
  remediation TEXT NOT NULL,
  references_json TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL DEFAULT 'open',
  PRIMARY KEY (run_id, finding_key)
) STRICT;
CREATE INDEX findings_key ON findings(finding_key);
`;
