// Findings as CSV (RFC 4180): CRLF line ends, a field with a quote, comma, CR or LF quoted with
// its quotes doubled. Spreadsheet formula injection guard (OWASP): a field that starts with
// = + - @ (or a tab/CR) gets a leading single quote, so remote text never becomes a formula.
import type { ReportDocument } from '../../shared/report';

export const CSV_COLUMNS = [
  'priority',
  'target',
  'run_id',
  'finding_id',
  'check_id',
  'category',
  'severity',
  'status',
  'effort',
  'title',
  'resource',
  'evidence',
  'remediation',
  'fix_id',
  'accepted_until',
] as const;

export function csvField(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function renderCsv(doc: ReportDocument): string {
  const accepted = new Map(doc.acceptedRisks.map((a) => [`${a.target}\u0000${a.findingId}`, a.expiresAt ?? '']));
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const f of doc.findings)
    rows.push([
      f.priority === null ? '' : String(f.priority),
      f.target,
      f.runId,
      f.id,
      f.checkId,
      f.category,
      f.severity,
      f.status,
      f.effort,
      f.title,
      f.resource,
      f.evidence,
      f.remediation,
      f.fix?.id ?? '',
      f.status === 'accepted' ? (accepted.get(`${f.target}\u0000${f.id}`) ?? '') : '',
    ]);
  return rows.map((r) => r.map(csvField).join(',') + '\r\n').join('');
}
