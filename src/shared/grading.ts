// The grading formula, shared so the UI can show exactly what the main process computes.
// docs/grading.md explains it; src/main/audit/grading.ts implements it.
import type { Grade, Severity } from './domain';

export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 10, high: 5, medium: 2, low: 1, info: 0 };

export const GRADE_THRESHOLDS: ReadonlyArray<readonly [Grade, number]> = [
  ['A+', 97],
  ['A', 90],
  ['B', 80],
  ['C', 70],
  ['D', 60],
  ['F', 0],
];

export const GRADING_FORMULA = [
  'Per category: 100 × earned ÷ applicable weight. A check weighs as its severity (critical 10, high 5, medium 2, low 1); a failed check earns its weight minus the weight of its worst open finding.',
  'Overall: mean of category scores, each weighted by its applicable weight.',
  'Letters: A+ ≥ 97, A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, F below.',
  'Caps: an open critical finding limits the grade to D, an open high to B; A+ needs no open high or critical.',
  'Checks that errored, need sudo or do not apply are left out; accepted risks and false positives do not count while valid.',
].join('\n');

export function letterFor(score: number): Grade {
  for (const [grade, min] of GRADE_THRESHOLDS) if (score >= min) return grade;
  return 'F';
}
