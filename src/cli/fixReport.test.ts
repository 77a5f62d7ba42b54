// The table form of a `rampart fix` job: a partial job (--on-failure stop|continue) names which
// fixes are applied and verified and which are back as before, before the per-step detail.
import { describe, expect, it } from 'vitest';
import type { FixReport } from '../main/remediation/engine';
import { formatFixTable, outcomeLines, type JsonFixReport } from './fix';

const fix = (checkId: string, resource: string, status: FixReport['status']): FixReport => ({
  findingId: 'f'.repeat(32),
  checkId,
  fixId: 'x',
  resource,
  status,
  steps: [{ name: 'verify', status: status === 'applied' ? 'done' : 'pending', detail: '' }],
  diff: null,
  verification: { checksRerun: [checkId], stillFailing: [] },
});

const report = (status: JsonFixReport['status'], fixes: FixReport[]): JsonFixReport => ({
  tool: 'rampart',
  version: '0.0.0',
  jobId: '11111111-1111-4111-8111-111111111111',
  host: { name: 'web', address: '192.0.2.1', port: 22, username: 'root' },
  status,
  fixes,
});

describe('rampart fix table', () => {
  const fixes = [fix('SECRET-FILE-READABLE', 'file:/srv/a.env', 'applied'), fix('BACKUP-READABLE', 'backup:/srv/backups', 'rolled-back'), fix('SECRET-FILE-READABLE', 'file:/srv/c.env', 'not-run')];

  it('a partial job says which fixes are applied and which are as before', () => {
    expect(outcomeLines(fixes)).toEqual([
      'applied and verified (1): SECRET-FILE-READABLE "file:/srv/a.env"',
      'rolled back, as before the job (1): BACKUP-READABLE "backup:/srv/backups"',
      'not run, nothing changed (1): SECRET-FILE-READABLE "file:/srv/c.env"',
    ]);
    const t = formatFixTable(report('partial', fixes)).split('\n');
    expect(t[0]).toBe('rampart fix root@192.0.2.1:22: partial (job 11111111-1111-4111-8111-111111111111)');
    expect(t.slice(1, 4)).toEqual(outcomeLines(fixes).map((l) => `  ${l}`));
  });

  it('other jobs keep the per-fix lines only', () => {
    const t = formatFixTable(report('rolled-back', fixes.map((f) => ({ ...f, status: 'rolled-back' as const }))));
    expect(t).not.toContain('applied and verified (');
    expect(t.split('\n')[1]).toMatch(/^ {2}rolled-back {9}SECRET-FILE-READABLE/);
  });
});
