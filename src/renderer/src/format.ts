// Display helpers: ordering and labels for the shared vocabulary, dates, numbers.
import type { CheckStatus, Grade, RunStatus, Severity } from '../../shared/domain';
import { CATEGORY_LABEL, SEVERITY_RANK } from '../../shared/labels';

export { CATEGORY_LABEL, SEVERITY_RANK };

/** Worst first. Typed against the shared Severity so a new level fails the build here. */
export const SEVERITY_ORDER = (Object.keys(SEVERITY_RANK) as Severity[]).sort((a, b) => SEVERITY_RANK[a] - SEVERITY_RANK[b]);

export const SEVERITY_SHORT: Record<Severity, string> = { critical: 'C', high: 'H', medium: 'M', low: 'L', info: 'I' };

/** One shape per severity on every screen, so severity reads without colour vision (beside its word). */
export const SEVERITY_ICON: Record<Severity, string> = { critical: '◆', high: '▲', medium: '■', low: '●', info: 'ℹ' };

/** Audit job phases as the UI names them (host screen, audits panel). */
export const AUDIT_PHASE_LABEL = {
  queued: 'Queued',
  starting: 'Starting',
  connecting: 'Connecting',
  collecting: 'Collecting',
  evaluating: 'Evaluating',
  saving: 'Saving',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
} as const;

/** Report kinds and formats as the report dialogs offer them. */
export const REPORT_KIND_OPTIONS = [
  ['executive', 'Executive summary'],
  ['full', 'Full report'],
  ['action-plan', 'Action plan (ACTION_PLAN_TODO)'],
  ['findings', 'Findings'],
] as const;
export const REPORT_FORMAT_OPTIONS = [
  ['pdf', 'PDF'],
  ['html', 'HTML'],
  ['md', 'Markdown'],
  ['json', 'JSON'],
  ['csv', 'CSV (findings)'],
] as const;

export function categoryLabel(category: string): string {
  return (CATEGORY_LABEL as Record<string, string | undefined>)[category] ?? category;
}

export const RUN_STATUS_LABEL: Record<RunStatus, string> = {
  complete: 'complete',
  partial: 'partial',
  failed: 'failed',
  cancelled: 'cancelled',
};

export const CHECK_STATUS_LABEL: Record<CheckStatus, string> = {
  pass: 'pass',
  fail: 'fail',
  error: 'error',
  'not-applicable': 'n/a',
  'needs-sudo': 'needs sudo',
};

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local time as `YYYY-MM-DD HH:MM`. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Short date for chart axes: `MM-DD HH:MM`. */
export function formatShortDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Scores are 0..100 with one decimal. */
export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined) return '—';
  return score.toFixed(1);
}

export function gradeClass(grade: Grade | null | undefined): string {
  switch (grade) {
    case 'A+':
    case 'A':
      return 'grade-a';
    case 'B':
      return 'grade-b';
    case 'C':
      return 'grade-c';
    case 'D':
      return 'grade-d';
    case 'F':
      return 'grade-f';
    default:
      return 'grade-none';
  }
}

export function target(h: { username?: string; address: string; port: number }): string {
  const addr = h.address.includes(':') ? `[${h.address}]` : h.address;
  return `${h.username ? `${h.username}@` : ''}${addr}:${h.port}`;
}

/** Local date only, `YYYY-MM-DD` (expiry dates). */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
