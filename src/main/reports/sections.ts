// What each report kind contains, shared by the Markdown and HTML renderers: the audit plan's
// report set as sections over categories, labels, and the orderings both renderers follow.
import { CATEGORIES, SEVERITIES, type Category } from '../../shared/domain';
import type { Effort, ReportDocument, ReportFinding } from '../../shared/report';
import { CATEGORY_LABEL, SEVERITY_LABEL } from '../../shared/labels';

export { CATEGORY_LABEL, SEVERITY_LABEL };

/** The full report's sections (the audit plan's deliverables); every category is in exactly one. */
export const FULL_SECTIONS: ReadonlyArray<{ id: string; title: string; categories: readonly Category[] }> = [
  { id: 'cve', title: 'CVE and vulnerability report', categories: ['cve'] },
  { id: 'secrets', title: 'Secrets and credentials assessment', categories: ['secrets'] },
  { id: 'permissions', title: 'File permissions audit', categories: ['permissions'] },
  { id: 'containers', title: 'Container security review', categories: ['containers'] },
  { id: 'network', title: 'Network security assessment', categories: ['network', 'vpn'] },
  { id: 'access', title: 'Access control report', categories: ['access', 'ssh'] },
  { id: 'backups', title: 'Backup security review', categories: ['backups'] },
  { id: 'system', title: 'System maintenance', categories: ['system'] },
  { id: 'mail', title: 'Mail', categories: ['mail'] },
];
{
  const seen = FULL_SECTIONS.flatMap((s) => s.categories);
  for (const c of CATEGORIES) if (seen.filter((x) => x === c).length !== 1) throw new Error(`report sections must cover category ${c} exactly once`);
}


export const EFFORT_LABEL: Record<Effort, string> = { low: 'Low effort', medium: 'Medium effort', high: 'High effort' };
export const STATUS_LABEL: Record<ReportFinding['status'], string> = { open: 'open', accepted: 'accepted risk', 'false-positive': 'false positive', fixed: 'fixed' };

export const KIND_HEADINGS = {
  executive: 'Executive summary',
  full: 'Security audit report',
  'action-plan': 'ACTION_PLAN_TODO',
  findings: 'Findings',
} as const;

export const SEVERITY_ORDER = SEVERITIES;

export function findingsIn(doc: ReportDocument, categories: readonly Category[]): ReportFinding[] {
  return doc.findings.filter((f) => categories.includes(f.category));
}

export function openFindings(doc: ReportDocument): ReportFinding[] {
  return doc.findings.filter((f) => f.status === 'open');
}

export function byId(doc: ReportDocument): Map<string, ReportFinding> {
  return new Map(doc.findings.map((f) => [`${f.runId}\u0000${f.id}`, f]));
}

/** The open finding with this id (ids are unique per target; the top-risk list holds open ones). */
export function openFinding(doc: ReportDocument, id: string): ReportFinding | undefined {
  return doc.findings.find((f) => f.id === id && f.status === 'open');
}

/** "fix: <title> (rampart fix --check ID)" or the check's remediation text. */
export function fixLine(f: ReportFinding): { kind: 'fix' | 'remediation'; text: string } {
  if (f.fix) return { kind: 'fix', text: `guided fix "${f.fix.title}" (${f.fix.id}): rampart fix --check ${f.checkId}` };
  return { kind: 'remediation', text: f.remediation };
}

export function dateOnly(iso: string | null): string {
  return iso ? iso.slice(0, 10) : '—';
}

export function scoreText(score: number | null, grade: string | null): string {
  return score === null || grade === null ? 'not graded' : `${grade} (${score}/100)`;
}

/** "A (93) → B (85) → B (88)" over the trend, oldest first (the last 8 points). */
export function trendText(doc: ReportDocument): string {
  if (doc.scope.kind === 'fleet') return `${doc.trend.length} runs across ${doc.provenance.runs.length} targets`;
  const pts = doc.trend.slice(-8);
  if (pts.length < 2) return 'first audit of this target';
  return pts.map((p) => (p.grade ? `${p.grade} (${p.score})` : '—')).join(' → ');
}
