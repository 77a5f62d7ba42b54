// Mail domain runs in the store (migration 006): kept apart from host runs with the same address,
// listed per domain, diffed against the domain's previous run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/domain';
import { Store, type RunRecord } from './store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function openStore(): Store {
  const d = mkdtempSync(join(tmpdir(), 'rampart-mailruns-'));
  dirs.push(d);
  return new Store(join(d, 'db.sqlite3'));
}
const finding = (id: string): Finding => ({
  id,
  checkId: 'MAIL-SPF-ALL',
  category: 'mail',
  severity: 'high',
  title: 't',
  resource: `spf:${id}`,
  evidence: 'e',
  rationale: 'r',
  remediation: 'm',
  references: [],
  status: 'open',
});
const run = (over: Partial<RunRecord>): RunRecord => ({
  hostId: null,
  hostName: 'example.com',
  address: 'example.com',
  port: 0,
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:01.000Z',
  status: 'complete',
  os: null,
  score: null,
  errors: [],
  execCount: 12,
  durationMs: 10,
  checks: [],
  findings: [],
  ...over,
});

describe('domain runs', () => {
  it('a host run at the same address and port is never the previous run of a domain run, and the other way round', () => {
    const s = openStore();
    try {
      s.saveRun(run({ id: 'h1', targetKind: 'host', findings: [finding('a'.repeat(32))] }));
      s.saveRun(run({ id: 'd1', targetKind: 'domain', startedAt: '2026-01-02T00:00:00.000Z', findings: [finding('b'.repeat(32))] }));
      s.saveRun(run({ id: 'd2', targetKind: 'domain', startedAt: '2026-01-03T00:00:00.000Z', findings: [finding('c'.repeat(32))] }));
      s.saveRun(run({ id: 'h2', startedAt: '2026-01-04T00:00:00.000Z' }));
      expect(s.previousRun('d2')?.id).toBe('d1');
      expect(s.previousRun('d1')).toBeNull();
      expect(s.previousRun('h2')?.id).toBe('h1');
      expect(s.listRuns({ domain: 'example.com' }).map((r) => [r.id, r.targetKind])).toEqual([
        ['d2', 'domain'],
        ['d1', 'domain'],
      ]);
      expect(s.getRun('h1').targetKind).toBeUndefined();
      const diff = s.diffRun('d2');
      expect([diff.previousRunId, diff.new.map((f) => f.id), diff.resolved.map((f) => f.id)]).toEqual(['d1', ['c'.repeat(32)], ['b'.repeat(32)]]);
    } finally {
      s.close();
    }
  });
});
