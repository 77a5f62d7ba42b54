// v5: the remediation journal. A job row per confirmed fix run and a row per step, written BEFORE
// the step changes the host and updated after, so a crash leaves a record of what may have run.
// Only paths, modes, owners and hashes: never file contents (backups stay on the host).
export const sql = `
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
  status TEXT NOT NULL CHECK (status IN ('planned', 'applying', 'verifying', 'rolling-back', 'applied', 'rolled-back', 'rollback-incomplete', 'refused')),
  error TEXT
) STRICT;
CREATE INDEX remediation_jobs_host ON remediation_jobs(address, port, created_at);
CREATE INDEX remediation_jobs_status ON remediation_jobs(status);

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
`;
