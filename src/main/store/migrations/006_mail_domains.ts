// v6: runs of a mail domain audit beside host runs. A domain run has target_kind 'domain', no
// host, host_name = address = the domain, port 0; its findings' identity is (mail:<domain>,
// checkId, resource), so triage, history and diff work as for hosts.
export const sql = `
ALTER TABLE audit_runs ADD COLUMN target_kind TEXT NOT NULL DEFAULT 'host' CHECK (target_kind IN ('host', 'domain'));
CREATE INDEX audit_runs_target ON audit_runs(target_kind, address, started_at);
`;
