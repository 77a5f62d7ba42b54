// Implements the formula in docs/grading.md (text shared with the UI in src/shared/grading.ts).
import type { CheckResult, Finding, Grade, Score, Severity } from '../../shared/domain';
import { SEVERITIES } from '../../shared/domain';
import { SEVERITY_WEIGHT, letterFor } from '../../shared/grading';

const round1 = (n: number): number => Math.round(n * 10) / 10;

export function computeScore(checks: readonly CheckResult[], findings: readonly Finding[]): Score {
  // Only open findings count; accepted risks and false positives are excluded while valid.
  const open = findings.filter((f) => f.status === 'open');
  const worstByCheck = new Map<string, Severity>();
  for (const f of open) {
    const prev = worstByCheck.get(f.checkId);
    if (!prev || SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf(prev)) worstByCheck.set(f.checkId, f.severity);
  }

  const perCategory = new Map<string, { earned: number; weight: number }>();
  for (const c of checks) {
    if (c.status !== 'pass' && c.status !== 'fail') continue;
    const weight = SEVERITY_WEIGHT[c.severity];
    if (weight === 0) continue;
    const worst = worstByCheck.get(c.checkId);
    const lost = c.status === 'fail' && worst ? Math.min(weight, SEVERITY_WEIGHT[worst]) : 0;
    const acc = perCategory.get(c.category) ?? { earned: 0, weight: 0 };
    acc.earned += weight - lost;
    acc.weight += weight;
    perCategory.set(c.category, acc);
  }

  const categories: Score['categories'] = {};
  let weighted = 0;
  let totalWeight = 0;
  for (const [cat, { earned, weight }] of perCategory) {
    const score = (100 * earned) / weight;
    // The letter follows the number the user sees (rounded), so 96.96 shows as 97.0 and A+.
    const inCat = open.filter((f) => f.category === cat);
    const catGrade = applyCap(letterFor(round1(score)), inCat).grade;
    categories[cat] = { score: round1(score), grade: catGrade, applicableWeight: weight };
    weighted += score * weight;
    totalWeight += weight;
  }
  const overall = round1(totalWeight ? weighted / totalWeight : 100);

  const { grade, cap } = applyCap(letterFor(overall), open);
  return { overall, grade, cap, categories };
}

/** An open critical finding limits the grade to D, an open high one to B. */
function applyCap(letter: Grade, open: readonly Finding[]): { grade: Grade; cap: string | null } {
  if (open.some((f) => f.severity === 'critical') && rank(letter) < rank('D'))
    return { grade: 'D', cap: 'an open critical finding limits the grade to D' };
  if (open.some((f) => f.severity === 'high') && rank(letter) < rank('B'))
    return { grade: 'B', cap: 'an open high finding limits the grade to B' };
  return { grade: letter, cap: null };
}

const ORDER = ['A+', 'A', 'B', 'C', 'D', 'F'] as const;
function rank(g: (typeof ORDER)[number]): number {
  return ORDER.indexOf(g);
}
