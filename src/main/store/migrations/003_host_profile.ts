// v3: the full connection profile of a host. Secrets stay in the OS keychain; only flags that a
// secret exists are stored here.
export const sql = `
ALTER TABLE hosts ADD COLUMN auth TEXT NOT NULL DEFAULT 'key-file' CHECK (auth IN ('key-file', 'keychain', 'agent'));
ALTER TABLE hosts ADD COLUMN jump_host_id INTEGER REFERENCES hosts(id) ON DELETE RESTRICT;
ALTER TABLE hosts ADD COLUMN vpn_only INTEGER NOT NULL DEFAULT 0 CHECK (vpn_only IN (0, 1));
ALTER TABLE hosts ADD COLUMN vpn_interface TEXT;
ALTER TABLE hosts ADD COLUMN vpn_subnet TEXT;
ALTER TABLE hosts ADD COLUMN sudo TEXT NOT NULL DEFAULT 'none' CHECK (sudo IN ('none', 'sudo-n', 'sudo-password'));
ALTER TABLE hosts ADD COLUMN tags_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE hosts ADD COLUMN scan_roots_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE hosts ADD COLUMN has_keychain_key INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN has_passphrase INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN has_sudo_password INTEGER NOT NULL DEFAULT 0;
CREATE INDEX hosts_jump ON hosts (jump_host_id);
`;
