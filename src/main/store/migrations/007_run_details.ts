// v7: what a run saw, parsed, for display (mail domain runs: the SPF lookup tree, DKIM keys,
// DMARC tags, MX hosts with PTR, DNSBL answers). JSON; NULL for runs that keep none.
export const sql = `
ALTER TABLE audit_runs ADD COLUMN details_json TEXT;
`;
