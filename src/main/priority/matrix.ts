// The remediation priority matrix (issue 14 item 3): the effort of fixing a finding, the one order
// findings are worked in (the dashboard's matrix, ACTION_PLAN_TODO.md and every report list), and
// the severity × effort cells. Pure functions over the check and fix catalogs.
import { CHECKS } from '../audit/checks';
import { fixForCheck } from '../remediation/catalog';
import { SEVERITIES, type Severity } from '../../shared/domain';
import { EFFORTS, type Effort } from '../../shared/report';

export type EffortSource = 'fix' | 'check' | 'estimate';

export interface EffortInfo {
  effort: Effort;
  /** fix: the guided fix's declared effort; check: the check's declared effort; estimate: neither, guessed from the check. */
  source: EffortSource;
  fix: { id: string; title: string } | null;
}

/**
 * The effort of fixing a finding of this check: the guided fix's effort when Rampart can fix it
 * (it does the work), else the check's declared effort, else an estimate (a file mode or an sshd
 * setting is quick by hand; CVEs mean image or package upgrades and backups a process: high;
 * anything else manual: medium).
 */
export function effortFor(checkId: string): EffortInfo {
  const fix = fixForCheck(checkId);
  if (fix) return { effort: fix.effort, source: 'fix', fix: { id: fix.id, title: fix.title } };
  const check = CHECKS.find((c) => c.id === checkId);
  if (!check) return { effort: 'medium', source: 'estimate', fix: null };
  if (check.effort) return { effort: check.effort, source: 'check', fix: null };
  if (check.fixKind === 'file-mode' || check.fixKind === 'sshd-config') return { effort: 'low', source: 'estimate', fix: null };
  if (check.category === 'cve' || check.category === 'backups') return { effort: 'high', source: 'estimate', fix: null };
  return { effort: 'medium', source: 'estimate', fix: null };
}

/** What the priority order reads of a finding. */
export interface Prioritized {
  /** Only "open" findings are worked; every other status sorts after them. */
  status: string;
  severity: Severity;
  effort: Effort;
  checkId: string;
  /** Host name (or mail domain). */
  target: string;
  resource: string;
}

// The same order as String.prototype.localeCompare (default locale and options), without building
// a collator per comparison: a fleet's action plan sorts thousands of findings.
const collate = new Intl.Collator().compare;
const sevRank = (s: Severity): number => SEVERITIES.indexOf(s);
const effortRank = (e: Effort): number => EFFORTS.indexOf(e);

/**
 * The priority order: open before anything else, then severity (critical first), then effort
 * (low first: the quick wins of a severity come before its long jobs), then check id, host and
 * resource so the order is stable and instances of one check stay together.
 */
export function comparePriority(a: Prioritized, b: Prioritized): number {
  return (
    Number(a.status !== 'open') - Number(b.status !== 'open') ||
    sevRank(a.severity) - sevRank(b.severity) ||
    effortRank(a.effort) - effortRank(b.effort) ||
    collate(a.checkId, b.checkId) ||
    collate(a.target, b.target) ||
    collate(a.resource, b.resource)
  );
}

/** A sorted copy, in the priority order. */
export function orderByPriority<T extends Prioritized>(items: readonly T[]): T[] {
  return [...items].sort(comparePriority);
}

export interface MatrixCell<T> {
  severity: Severity;
  effort: Effort;
  items: T[];
}

/** Open items by severity × effort, every cell present (severity order, then effort order), each cell's items in priority order. */
export function priorityMatrix<T extends Prioritized>(items: readonly T[]): Array<MatrixCell<T>> {
  const open = orderByPriority(items.filter((i) => i.status === 'open'));
  return SEVERITIES.flatMap((severity) => EFFORTS.map((effort) => ({ severity, effort, items: open.filter((i) => i.severity === severity && i.effort === effort) })));
}
