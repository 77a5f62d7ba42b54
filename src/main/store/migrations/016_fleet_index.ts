// v16: a covering index for the Fleet screen's per-run counts (dashboard:fleet): a run's findings
// by severity × status, those that came back in it, and its diff and score-change attribution
// against the run before (matched by identity; category and status of both sides). Without it
// each matched finding of the run before is read from its full row (evidence, rationale, …).
export const sql = `
CREATE INDEX findings_fleet ON findings(run_id, finding_key, category, status, severity, regressed_in);
`;
