// v1: host inventory and pinned host keys. Never any secret column: keys live in the keychain.
export const sql = `
CREATE TABLE hosts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  address TEXT NOT NULL,
  port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  username TEXT NOT NULL,
  identity_file TEXT,
  sshd_config_path TEXT NOT NULL DEFAULT '/etc/ssh/sshd_config',
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE host_keys (
  address TEXT NOT NULL,
  port INTEGER NOT NULL,
  key_type TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  pinned_at TEXT NOT NULL,
  PRIMARY KEY (address, port)
) STRICT;
`;
