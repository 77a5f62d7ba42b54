// v8: a fix job's failure policy (rollback-all | stop | continue), the `partial` job status (some
// fixes applied and verified, others rolled back or not run) and one row per fix of a job with its
// own outcome. SQLite cannot change a CHECK constraint in place: both journal tables are rebuilt
// (renamed aside first, so the steps' foreign key never points at a dropped table and no cascade
// runs), rows copied as they are, jobs of older versions get 'rollback-all' (what they ran under).
export const sql = `
ALTER TABLE remediation_jobs RENAME TO remediation_jobs_v7;
ALTER TABLE remediation_steps RENAME TO remediation_steps_v7;
DROP INDEX remediation_jobs_host;
DROP INDEX remediation_jobs_status;

CREATE TABLE remediation_jobs (
  id TEXT PRIMARY KEY,
  host_id INTEGER REFERENCES hosts(id) ON DELETE SET NULL,
  host_name TEXT NOT NULL,
  address TEXT NOT NULL,
  port INTEGER NOT NULL,
  username TEXT NOT NULL,
  finding_keys_json TEXT NOT NULL DEFAULT '[]',
  plan_json TEXT NOT NULL,
  backup_dir TEXT NOT NULL,
  confirmed_by TEXT,
  confirmed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('planned', 'applying', 'verifying', 'rolling-back', 'applied', 'partial', 'rolled-back', 'rollback-incomplete', 'refused')),
  error TEXT,
  on_failure TEXT NOT NULL DEFAULT 'rollback-all' CHECK (on_failure IN ('rollback-all', 'stop', 'continue'))
) STRICT;
INSERT INTO remediation_jobs (id, host_id, host_name, address, port, username, finding_keys_json, plan_json, backup_dir, confirmed_by, confirmed_at, created_at, updated_at, status, error)
  SELECT id, host_id, host_name, address, port, username, finding_keys_json, plan_json, backup_dir, confirmed_by, confirmed_at, created_at, updated_at, status, error FROM remediation_jobs_v7;

CREATE TABLE remediation_steps (
  job_id TEXT NOT NULL REFERENCES remediation_jobs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  fix_index INTEGER NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  target TEXT,
  command TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'undoing', 'undone', 'undo-failed', 'skipped')),
  pre_state_json TEXT,
  post_state_json TEXT,
  detail TEXT,
  started_at TEXT,
  finished_at TEXT,
  PRIMARY KEY (job_id, seq)
) STRICT;
INSERT INTO remediation_steps SELECT * FROM remediation_steps_v7;

DROP TABLE remediation_steps_v7;
DROP TABLE remediation_jobs_v7;
CREATE INDEX remediation_jobs_host ON remediation_jobs(address, port, created_at);
CREATE INDEX remediation_jobs_status ON remediation_jobs(status);

CREATE TABLE remediation_fixes (
  job_id TEXT NOT NULL REFERENCES remediation_jobs(id) ON DELETE CASCADE,
  fix_index INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'applying', 'verified', 'rolling-back', 'rolled-back', 'rollback-incomplete', 'refused', 'not-run')),
  detail TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (job_id, fix_index)
) STRICT;
`;
