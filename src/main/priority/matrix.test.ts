import { describe, expect, it } from 'vitest';
import { CHECKS } from '../audit/checks';
import { FIXES } from '../remediation/catalog';
import { comparePriority, effortFor, orderByPriority, priorityMatrix, type Prioritized } from './matrix';

const f = (over: Partial<Prioritized> & { id: string }): Prioritized & { id: string } => ({
  status: 'open',
  severity: 'medium',
  effort: 'medium',
  checkId: 'X',
  target: 'web-1',
  resource: 'r',
  ...over,
});

describe('priority order', () => {
  it('open first, then severity, then effort (low first), then check, host, resource', () => {
    const items = [
      f({ id: 'accepted-critical', status: 'accepted', severity: 'critical', effort: 'low' }),
      f({ id: 'high-high', severity: 'high', effort: 'high' }),
      f({ id: 'critical-medium', severity: 'critical', effort: 'medium' }),
      f({ id: 'high-low-B', severity: 'high', effort: 'low', checkId: 'B' }),
      f({ id: 'high-low-A-web2', severity: 'high', effort: 'low', checkId: 'A', target: 'web-2' }),
      f({ id: 'high-low-A-web1-z', severity: 'high', effort: 'low', checkId: 'A', resource: 'z' }),
      f({ id: 'high-low-A-web1-a', severity: 'high', effort: 'low', checkId: 'A', resource: 'a' }),
      f({ id: 'info-low', severity: 'info', effort: 'low' }),
      f({ id: 'fixed-high', status: 'fixed', severity: 'high' }),
    ];
    const ordered = orderByPriority(items).map((i) => i.id);
    expect(ordered.slice(0, 7)).toEqual(['critical-medium', 'high-low-A-web1-a', 'high-low-A-web1-z', 'high-low-A-web2', 'high-low-B', 'high-high', 'info-low']);
    // Not open: after every open one, themselves by severity.
    expect(ordered.slice(7)).toEqual(['accepted-critical', 'fixed-high']);
    // The input is not changed, and the comparison is antisymmetric.
    expect(items[0]!.id).toBe('accepted-critical');
    for (const a of items) for (const b of items) expect(Math.sign(comparePriority(a, b)) + Math.sign(comparePriority(b, a))).toBe(0);
  });

  it('matrix: 15 cells in severity × effort order, open items only, each cell in priority order', () => {
    const cells = priorityMatrix([
      f({ id: 'a', severity: 'high', effort: 'low', checkId: 'Z' }),
      f({ id: 'b', severity: 'high', effort: 'low', checkId: 'A' }),
      f({ id: 'c', severity: 'high', effort: 'low', status: 'false-positive' }),
      f({ id: 'd', severity: 'low', effort: 'high' }),
    ]);
    expect(cells).toHaveLength(15);
    expect(cells.map((c) => `${c.severity}/${c.effort}`).slice(0, 4)).toEqual(['critical/low', 'critical/medium', 'critical/high', 'high/low']);
    expect(cells.find((c) => c.severity === 'high' && c.effort === 'low')!.items.map((i) => i.id)).toEqual(['b', 'a']);
    expect(cells.find((c) => c.severity === 'low' && c.effort === 'high')!.items.map((i) => i.id)).toEqual(['d']);
    expect(cells.reduce((n, c) => n + c.items.length, 0)).toBe(3);
  });
});

describe('effortFor', () => {
  it('a guided fix wins over the check, the check over the estimate', () => {
    for (const fix of FIXES) for (const id of fix.checkIds) expect(effortFor(id)).toMatchObject({ effort: fix.effort, source: 'fix', fix: { id: fix.id } });
    const declared = CHECKS.filter((c) => c.effort && !FIXES.some((x) => x.checkIds.includes(c.id)));
    expect(declared.length).toBeGreaterThan(5);
    for (const c of declared) expect(effortFor(c.id)).toEqual({ effort: c.effort, source: 'check', fix: null });
    expect(effortFor('BACKUP-NONE')).toEqual({ effort: 'high', source: 'check', fix: null });
    expect(effortFor('SYS-REBOOT-REQUIRED')).toEqual({ effort: 'low', source: 'check', fix: null });
    expect(effortFor('DOCKER-PRIVILEGED')).toEqual({ effort: 'medium', source: 'estimate', fix: null });
    expect(effortFor('NO-SUCH-CHECK')).toEqual({ effort: 'medium', source: 'estimate', fix: null });
  });
});
