// v10: the deliverability probe (issue 13). A profile is a sending path (SMTP submission) and the
// seed mailboxes the admin owns; passwords live in the keychain only (accounts probe:<id>:…), the
// *_password columns only say whether one was stored. A run sends one tagged message per seed and
// keeps what each seed saw (folder, latency, Authentication-Results verdicts, Received hops, spam
// headers). Runs keep the profile's name and domain, so they outlive the profile.
export const sql = `
CREATE TABLE probe_profiles (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  domain TEXT NOT NULL,
  smtp_host TEXT NOT NULL,
  smtp_port INTEGER NOT NULL,
  smtp_security TEXT NOT NULL CHECK (smtp_security IN ('starttls', 'tls')),
  smtp_username TEXT NOT NULL,
  has_smtp_password INTEGER NOT NULL DEFAULT 0,
  from_address TEXT NOT NULL,
  ca_file TEXT,
  timeout_ms INTEGER NOT NULL,
  target_rate REAL NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE probe_seeds (
  id INTEGER PRIMARY KEY,
  profile_id INTEGER NOT NULL REFERENCES probe_profiles(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  label TEXT NOT NULL,
  to_address TEXT NOT NULL,
  imap_host TEXT NOT NULL,
  imap_port INTEGER NOT NULL,
  imap_tls INTEGER NOT NULL,
  imap_username TEXT NOT NULL,
  has_imap_password INTEGER NOT NULL DEFAULT 0,
  inbox_folders_json TEXT NOT NULL,
  junk_folders_json TEXT NOT NULL,
  UNIQUE (profile_id, label)
) STRICT;

CREATE TABLE probe_runs (
  id TEXT PRIMARY KEY,
  profile_id INTEGER REFERENCES probe_profiles(id) ON DELETE SET NULL,
  profile_name TEXT NOT NULL,
  domain TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('complete', 'failed', 'cancelled')),
  error TEXT,
  findings_json TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX probe_runs_profile ON probe_runs(profile_name, started_at);
CREATE INDEX probe_runs_domain ON probe_runs(domain, started_at);

CREATE TABLE probe_results (
  run_id TEXT NOT NULL REFERENCES probe_runs(id) ON DELETE CASCADE,
  seed_label TEXT NOT NULL,
  to_address TEXT NOT NULL,
  tag TEXT NOT NULL,
  sent INTEGER NOT NULL,
  delivered INTEGER NOT NULL,
  folder TEXT CHECK (folder IN ('inbox', 'junk', 'other')),
  folder_name TEXT,
  latency_ms INTEGER,
  spf TEXT,
  dkim TEXT,
  dmarc TEXT,
  auth_json TEXT NOT NULL DEFAULT '[]',
  received_hops INTEGER,
  tls_hops INTEGER,
  spam_json TEXT NOT NULL DEFAULT '[]',
  deleted INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  PRIMARY KEY (run_id, seed_label)
) STRICT;
`;
