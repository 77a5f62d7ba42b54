// computeScore and letterFor, checked against the formula in src/shared/grading.ts.
import { describe, expect, it } from 'vitest';
import type { Category, CheckResult, CheckStatus, Finding, FindingStatus, Severity } from '../../shared/domain';
import { Score } from '../../shared/domain';
import { GRADE_THRESHOLDS, SEVERITY_WEIGHT, letterFor } from '../../shared/grading';
import { computeScore } from './grading';

let n = 0;
function chk(severity: Severity, status: CheckStatus, category: Category = 'ssh', checkId = `C${++n}`): CheckResult {
  return { checkId, category, severity, status };
}

function fnd(check: CheckResult, severity: Severity, status: FindingStatus = 'open', resource = 'r'): Finding {
  return {
    id: `${check.checkId}:${resource}`,
    checkId: check.checkId,
    category: check.category,
    severity,
    title: 't',
    resource,
    evidence: 'e',
    rationale: 'r',
    remediation: 'm',
    references: [],
    status,
  };
}

/** n passing checks of a severity. */
function passing(count: number, severity: Severity, category: Category = 'ssh'): CheckResult[] {
  return Array.from({ length: count }, () => chk(severity, 'pass', category));
}

describe('computeScore', () => {
  it('all pass → 100, A+, no cap', () => {
    const s = computeScore([...passing(3, 'critical'), ...passing(4, 'high'), ...passing(2, 'low')], []);
    expect(s).toEqual({ overall: 100, grade: 'A+', cap: null, categories: { ssh: { score: 100, grade: 'A+', applicableWeight: 30 + 20 + 2 } } });
    expect(Score.parse(s)).toEqual(s);
  });

  it('no applicable checks at all → 100, no categories', () => {
    expect(computeScore([], [])).toEqual({ overall: 100, grade: 'A+', cap: null, categories: {} });
    expect(computeScore([chk('high', 'error'), chk('critical', 'needs-sudo')], []).categories).toEqual({});
  });

  it('one open high finding caps the grade at B, with the cap text', () => {
    const failed = chk('high', 'fail');
    const checks = [...passing(10, 'critical'), failed]; // 100 / 105 = 95.2 → A without the cap
    const s = computeScore(checks, [fnd(failed, 'high')]);
    expect(s.overall).toBe(95.2);
    expect(letterFor(s.overall)).toBe('A');
    expect(s.grade).toBe('B');
    expect(s.cap).toBe('an open high finding limits the grade to B');
  });

  it('one open critical finding caps the grade at D', () => {
    const failed = chk('critical', 'fail');
    const checks = [...passing(20, 'critical'), failed]; // 200 / 210 = 95.2
    const s = computeScore(checks, [fnd(failed, 'critical')]);
    expect(s.overall).toBe(95.2);
    expect(s.grade).toBe('D');
    expect(s.cap).toBe('an open critical finding limits the grade to D');
  });

  it('critical and high together: the critical cap wins', () => {
    const c = chk('critical', 'fail');
    const h = chk('high', 'fail');
    const s = computeScore([...passing(30, 'critical'), c, h], [fnd(c, 'critical'), fnd(h, 'high')]);
    expect(s.grade).toBe('D');
    expect(s.cap).toMatch(/critical/);
  });

  it('a cap never raises a grade: F with an open critical stays F, no cap text', () => {
    const c = chk('critical', 'fail');
    const s = computeScore([c, chk('low', 'pass')], [fnd(c, 'critical')]);
    expect(s.grade).toBe('F');
    expect(s.cap).toBeNull();
    const h = chk('high', 'fail');
    const s2 = computeScore([h, chk('high', 'fail'), chk('high', 'pass')], [fnd(h, 'high')]);
    expect(s2.grade).not.toBe('B');
    expect(s2.cap).toBeNull();
  });

  it('A+ needs no open high: an open high at 99 → B', () => {
    const h = chk('high', 'fail');
    const s = computeScore([...passing(100, 'critical'), ...passing(1, 'low'), h], [fnd(h, 'low'), fnd(h, 'high', 'open', 'other')]);
    expect(s.grade).toBe('B');
  });

  it('open medium/low findings do not cap', () => {
    const m = chk('medium', 'fail');
    const s = computeScore([...passing(20, 'critical'), m], [fnd(m, 'medium')]);
    expect(s.cap).toBeNull();
    expect(s.grade).toBe(letterFor(s.overall));
  });

  it.each(['accepted', 'false-positive'] as const)('%s findings do not count (score or cap)', (status) => {
    const c = chk('critical', 'fail');
    const h = chk('high', 'fail');
    const s = computeScore([c, h, ...passing(3, 'low')], [fnd(c, 'critical', status), fnd(h, 'high', status)]);
    expect(s).toMatchObject({ overall: 100, grade: 'A+', cap: null });
  });

  it('a mix: only the open finding counts', () => {
    const c = chk('critical', 'fail');
    const s = computeScore([c], [fnd(c, 'critical', 'accepted'), fnd(c, 'low', 'open', 'x')]);
    expect(s.overall).toBe(90); // 10 - 1 = 9 of 10
    expect(s.cap).toBeNull();
  });

  it('weights: a failing critical check (10) + a passing low check (1) → 1/11 ≈ 9.1, F', () => {
    const c = chk('critical', 'fail');
    const s = computeScore([c, chk('low', 'pass')], [fnd(c, 'critical')]);
    expect(s.overall).toBe(9.1);
    expect(s.grade).toBe('F');
    expect(s.categories.ssh).toEqual({ score: 9.1, grade: 'F', applicableWeight: 11 });
  });

  it('a high check failing with a low finding earns 4 of 5', () => {
    const h = chk('high', 'fail');
    const s = computeScore([h], [fnd(h, 'low')]);
    expect(s.overall).toBe(80);
    expect(s.categories.ssh).toEqual({ score: 80, grade: 'B', applicableWeight: 5 });
  });

  it('a check loses at most its own weight (a low check with a critical finding)', () => {
    const l = chk('low', 'fail');
    const s = computeScore([l, ...passing(1, 'critical')], [fnd(l, 'critical')]);
    expect(s.overall).toBe(Math.round((1000 / 11) * 10) / 10); // 10 of 11
  });

  it('only the worst open finding of a check counts', () => {
    const h = chk('high', 'fail');
    const s = computeScore([h], [fnd(h, 'low', 'open', 'a'), fnd(h, 'medium', 'open', 'b'), fnd(h, 'low', 'open', 'c')]);
    expect(s.overall).toBe(60); // 5 - 2
  });

  it('a failed check whose findings are all accepted earns its full weight', () => {
    const h = chk('high', 'fail');
    expect(computeScore([h], [fnd(h, 'high', 'accepted')]).overall).toBe(100);
  });

  it.each(['error', 'needs-sudo', 'not-applicable'] as const)('%s checks are left out', (status) => {
    const skipped = chk('critical', status);
    const s = computeScore([skipped, chk('low', 'pass')], []);
    expect(s).toMatchObject({ overall: 100, grade: 'A+' });
    expect(s.categories.ssh!.applicableWeight).toBe(1);
  });

  it('info checks weigh nothing', () => {
    expect(SEVERITY_WEIGHT.info).toBe(0);
    const i = chk('info', 'fail');
    const s = computeScore([i, chk('low', 'pass')], [fnd(i, 'info')]);
    expect(s.overall).toBe(100);
    expect(s.categories.ssh!.applicableWeight).toBe(1);
  });

  it('categories are scored separately and weighted by applicable weight', () => {
    const sshFail = chk('critical', 'fail', 'ssh');
    const netFail = chk('medium', 'fail', 'network');
    const checks = [
      sshFail,
      ...passing(3, 'critical', 'ssh'), // ssh: 30 / 40 = 75
      netFail,
      ...passing(4, 'medium', 'network'), // network: 8 / 10 = 80
      chk('high', 'needs-sudo', 'system'), // system: no applicable weight → absent
    ];
    const s = computeScore(checks, [fnd(sshFail, 'critical'), fnd(netFail, 'medium')]);
    expect(s.categories).toEqual({
      ssh: { score: 75, grade: 'D', applicableWeight: 40 }, // C by number, capped by its own open critical
      network: { score: 80, grade: 'B', applicableWeight: 10 }, // the critical in ssh does not cap network
    });
    // (75·40 + 80·10) / 50 = 76, not the plain mean 77.5.
    expect(s.overall).toBe(76);
    expect(s.grade).toBe('D'); // capped by the open critical; C by number alone
    expect(s.cap).toMatch(/critical/);
  });

  it('category scores are rounded to one decimal', () => {
    const h = chk('high', 'fail');
    const s = computeScore([h, ...passing(2, 'low')], [fnd(h, 'medium')]); // (3 + 2) / 7 = 71.428…
    expect(s.categories.ssh!.score).toBe(71.4);
    expect(s.overall).toBe(71.4);
  });

  it('the overall score shown and the letter agree (no 97.0 graded A)', () => {
    // 32 of 33 = 96.97 → shown as 97.0; a reader applying "A+ ≥ 97" expects A+.
    const l = chk('low', 'fail');
    const s = computeScore([l, ...passing(16, 'medium')], [fnd(l, 'low')]);
    expect(s.overall).toBe(97);
    expect(s.grade).toBe(letterFor(s.overall));
    // Same for a category.
    expect(s.categories.ssh!.grade).toBe(letterFor(s.categories.ssh!.score));
  });

  it('findings of a check that was left out do not change the number', () => {
    const e = chk('critical', 'error');
    const s = computeScore([e, chk('low', 'pass')], [fnd(e, 'medium')]);
    expect(s.overall).toBe(100);
  });
});

describe('letterFor', () => {
  it.each([
    [100, 'A+'],
    [97, 'A+'],
    [96.99, 'A'],
    [90, 'A'],
    [89.99, 'B'],
    [80, 'B'],
    [79.99, 'C'],
    [70, 'C'],
    [69.99, 'D'],
    [60, 'D'],
    [59.99, 'F'],
    [0, 'F'],
    [-5, 'F'],
  ] as const)('%d → %s', (score, grade) => {
    expect(letterFor(score)).toBe(grade);
  });

  it('the thresholds are the documented ones, in descending order', () => {
    expect(GRADE_THRESHOLDS).toEqual([
      ['A+', 97],
      ['A', 90],
      ['B', 80],
      ['C', 70],
      ['D', 60],
      ['F', 0],
    ]);
  });

  it('NaN → F', () => {
    expect(letterFor(Number.NaN)).toBe('F');
  });
});
