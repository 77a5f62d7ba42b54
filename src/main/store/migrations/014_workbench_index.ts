// v14: a covering index for the findings workbench's list: every column the list filters, sorts
// and shows except the long texts (evidence, rationale, remediation), so a query over 10 000
// findings reads the index instead of each finding's full row. Text search still reads the rows.
export const sql = `
CREATE INDEX findings_workbench ON findings(run_id, finding_key, check_id, category, severity, title, resource, first_seen, regressed);
`;
