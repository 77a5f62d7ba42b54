// v9: the mail domains the app audits, with what an audit of each needs: DKIM selectors (DNS
// cannot list them), the MX hosts the operator expects, the resolver to ask (IP[:PORT]; NULL =
// the system's) and the host that sends the domain's mail, if it is one of ours. Runs stay in
// audit_runs (target_kind 'domain', address = the domain), so removing a domain keeps its history.
export const sql = `
CREATE TABLE mail_domains (
  id INTEGER PRIMARY KEY,
  domain TEXT NOT NULL UNIQUE,
  dkim_selectors_json TEXT NOT NULL DEFAULT '[]',
  expected_mx_json TEXT NOT NULL DEFAULT '[]',
  resolver TEXT,
  host_id INTEGER REFERENCES hosts(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
`;
