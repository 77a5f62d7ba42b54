// Triage and run diff on a real temporary database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult, Finding } from '../../shared/domain';
import { computeScore } from '../audit/grading';
import { Store } from './store';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-triage-'));
  store = new Store(path.join(dir, 'db.sqlite3'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const check = (id: string, severity: CheckResult['severity'], status: CheckResult['status']): CheckResult => ({ checkId: id, category: 'ssh', severity, status });
const finding = (id: string, checkId: string, severity: Finding['severity']): Finding => ({
  id,
  checkId,
  category: 'ssh',
  severity,
  title: `t-${id}`,
  resource: `r-${id}`,
  evidence: 'e',
  rationale: 'r',
  remediation: 'm',
  references: [],
  status: 'open',
});

function saveRun(hostId: number, startedAt: string, findings: Finding[], checks: CheckResult[]): string {
  const applied = store.applyTriage(findings, new Date(startedAt));
  return store.saveRun({
    hostId,
    hostName: 'h',
    address: '10.213.0.2',
    port: 22,
    startedAt,
    finishedAt: startedAt,
    status: 'complete',
    os: null,
    score: computeScore(checks, applied),
    errors: [],
    execCount: 1,
    durationMs: 1,
    checks,
    findings: applied,
  });
}

describe('triage', () => {
  it('accepted risk needs a reason and a future expiry; while valid it is excluded from the grade, then counts again', () => {
    const h = store.addHost({ name: 'h', address: '10.213.0.2', port: 22, username: 'root', sshdConfigPath: '/etc/ssh/sshd_config' });
    const checks = [check('C1', 'critical', 'fail'), check('C2', 'low', 'pass')];
    const run1 = saveRun(h.id, '2026-11-01T00:00:00.000Z', [finding('k1', 'C1', 'critical')], checks);
    expect(store.getRun(run1).score!.grade).toBe('F');
    const now = new Date('2026-11-02T00:00:00.000Z');
    expect(() => store.setTriage({ findingKey: 'k1', status: 'accepted', expiresAt: '2027-01-01' }, now)).toThrow(/needs a reason/);
    expect(() => store.setTriage({ findingKey: 'k1', status: 'accepted', reason: 'legacy box' }, now)).toThrow(/expiry/);
    expect(() => store.setTriage({ findingKey: 'k1', status: 'accepted', reason: 'legacy box', expiresAt: '2026-10-01' }, now)).toThrow(/future/);
    expect(() => store.setTriage({ findingKey: 'nope', status: 'accepted', reason: 'x', expiresAt: '2027-01-01' }, now)).toThrow(/No finding/);
    store.setTriage({ findingKey: 'k1', status: 'accepted', reason: 'legacy box, replaced in Q1', expiresAt: '2026-12-31T00:00:00.000Z' }, now);
    const rescored = store.getRun(run1);
    expect(rescored.findings[0]!.status).toBe('accepted');
    expect(rescored.score!.overall).toBe(100);
    // A new run while the acceptance is valid keeps it; after expiry the finding is open again.
    const run2 = saveRun(h.id, '2026-12-01T00:00:00.000Z', [finding('k1', 'C1', 'critical')], checks);
    expect(store.getRun(run2).findings[0]!.status).toBe('accepted');
    const run3 = saveRun(h.id, '2027-01-02T00:00:00.000Z', [finding('k1', 'C1', 'critical')], checks);
    expect(store.getRun(run3).findings[0]!.status).toBe('open');
    expect(store.getRun(run3).score!.grade).toBe('F');
    expect(store.triageLog('k1').map((e) => e.status)).toEqual(['accepted']);
  });

  it('false positive needs a reason; "fixed" holds for the run it was said about and reopens when found again', () => {
    const h = store.addHost({ name: 'h', address: '10.213.0.2', port: 22, username: 'root', sshdConfigPath: '/etc/ssh/sshd_config' });
    const checks = [check('C1', 'high', 'fail')];
    const run1 = saveRun(h.id, '2026-11-01T00:00:00.000Z', [finding('k1', 'C1', 'high'), finding('k2', 'C1', 'medium')], checks);
    const now = new Date('2026-11-02T00:00:00.000Z');
    expect(() => store.setTriage({ findingKey: 'k2', status: 'false-positive' }, now)).toThrow(/reason/);
    store.setTriage({ findingKey: 'k2', status: 'false-positive', reason: 'the port is firewalled upstream' }, now);
    store.setTriage({ findingKey: 'k1', status: 'fixed' }, now);
    expect(store.getRun(run1).findings.map((f) => [f.id, f.status])).toEqual([
      ['k1', 'fixed'],
      ['k2', 'false-positive'],
    ]);
    const run2 = saveRun(h.id, '2026-11-03T00:00:00.000Z', [finding('k1', 'C1', 'high'), finding('k2', 'C1', 'medium')], checks);
    expect(store.getRun(run2).findings.map((f) => [f.id, f.status])).toEqual([
      ['k1', 'open'],
      ['k2', 'false-positive'],
    ]);
    expect(store.triageLog('k1').map((e) => [e.status, e.reason])).toEqual([
      ['fixed', null],
      ['open', 'found again after it was marked fixed'],
    ]);
  });
});

describe('run diff', () => {
  it('new, resolved and unchanged against the previous run of the same host', () => {
    const h = store.addHost({ name: 'h', address: '10.213.0.2', port: 22, username: 'root', sshdConfigPath: '/etc/ssh/sshd_config' });
    const other = store.addHost({ name: 'o', address: '10.213.0.6', port: 22, username: 'root', sshdConfigPath: '/etc/ssh/sshd_config' });
    const checks = [check('C1', 'high', 'fail')];
    const r1 = saveRun(h.id, '2026-11-01T00:00:00.000Z', [finding('a', 'C1', 'high'), finding('b', 'C1', 'high')], checks);
    saveRun(other.id, '2026-11-01T12:00:00.000Z', [finding('z', 'C1', 'high')], checks);
    const r2 = saveRun(h.id, '2026-11-02T00:00:00.000Z', [finding('b', 'C1', 'high'), finding('c', 'C1', 'high')], checks);
    expect(store.diffRun(r1)).toMatchObject({ previousRunId: null, resolved: [], unchanged: [] });
    const d = store.diffRun(r2);
    expect(d.previousRunId).toBe(r1);
    expect(d.new.map((f) => f.id)).toEqual(['c']);
    expect(d.resolved.map((f) => f.id)).toEqual(['a']);
    expect(d.unchanged.map((f) => f.id)).toEqual(['b']);
    expect(() => store.diffRun('missing')).toThrow(/No audit run/);
  });
});
