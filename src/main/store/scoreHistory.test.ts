// The dashboard's score trend and score-change attribution on a real SQLite file: graded runs of
// one host, verified fixes from the remediation journal and triage decisions as annotations, and
// the change between the last two runs split by category with its finding counts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finding, saveRun } from '../../../test/support/reportStore';
import { HostTrend, PriorityMatrix } from '../../shared/ipc/dashboard';
import { buildReport } from '../reports/model';
import { priorityOf } from '../priority/scope';
import { attributeChange, hostTrend, scoreChangeOf, signed } from './scoreHistory';
import { Store } from './store';

let dir: string;
let store: Store;
let web: number;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-trend-'));
  store = new Store(path.join(dir, 'rampart.db'));
  web = store.addHost({ name: 'web-1', address: '10.9.0.2', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' }).id;
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const SSH_PASSING = ['SSH-PASSWORD-AUTH', 'SSH-X11-FORWARDING', 'SSH-MAX-AUTH-TRIES', 'SSH-PERMIT-ROOT-LOGIN', 'NET-FIREWALL-INACTIVE', 'BACKUP-STALE'];
const sshA = finding('SSH-X11-FORWARDING', 'sshd:X11Forwarding');
const sshB = finding('SSH-MAX-AUTH-TRIES', 'sshd:MaxAuthTries');
const sshC = finding('SSH-PASSWORD-AUTH', 'sshd:PasswordAuthentication');
const backup = finding('BACKUP-STALE', '/var/backups');

describe('score-change attribution', () => {
  it('splits the change by category: "−N: 3 new SSH findings", shares adding up to the change', () => {
    saveRun(store, { id: 'r1', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-01T09:00:00.000Z', findings: [backup], passing: SSH_PASSING });
    saveRun(store, { id: 'r2', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-02T09:00:00.000Z', findings: [sshA, sshB, sshC], passing: SSH_PASSING });
    const change = scoreChangeOf(store, 'r2')!;
    const r1 = store.getRun('r1').score!;
    const r2 = store.getRun('r2').score!;
    expect(change).toMatchObject({ runId: 'r2', previousRunId: 'r1', score: r2.overall, previousScore: r1.overall, delta: Math.round((r2.overall - r1.overall) * 10) / 10 });
    expect(change.delta).toBeLessThan(0);
    const ssh = change.parts.find((p) => p.category === 'ssh')!;
    expect(ssh).toMatchObject({ newFindings: 3, resolvedFindings: 0, triaged: 0, reopened: 0 });
    expect(ssh.delta).toBeLessThan(0);
    expect(ssh.text).toBe(`${signed(ssh.delta)}: 3 new SSH findings`);
    expect(ssh.text).toMatch(/^−\d+\.\d: 3 new SSH findings$/);
    const bk = change.parts.find((p) => p.category === 'backups')!;
    expect(bk).toMatchObject({ newFindings: 0, resolvedFindings: 1 });
    expect(bk.delta).toBeGreaterThan(0);
    expect(bk.text).toMatch(/^\+\d+\.\d: 1 Backups finding resolved$/);
    // Largest share first; the shares add up to the change (each rounded to 0.1).
    expect(Math.abs(change.parts[0]!.delta)).toBeGreaterThanOrEqual(Math.abs(change.parts[change.parts.length - 1]!.delta));
    const sum = change.parts.reduce((a, p) => a + p.delta, 0);
    expect(Math.abs(sum - change.delta)).toBeLessThanOrEqual(0.05 * (change.parts.length + 1));
  });

  it('counts triage and reopened findings, and needs two graded runs', () => {
    const score = (overall: number, cats: Record<string, [number, number]>) => ({
      overall,
      grade: 'B' as const,
      cap: null,
      categories: Object.fromEntries(Object.entries(cats).map(([c, [s, w]]) => [c, { score: s, grade: 'B' as const, applicableWeight: w }])),
    });
    const change = attributeChange(
      { id: 'a', score: score(80, { ssh: [60, 10], system: [100, 10] }), findings: [{ id: 'x', category: 'ssh', status: 'open' }, { id: 'y', category: 'system', status: 'accepted' }] },
      { id: 'b', score: score(85, { ssh: [100, 10], system: [70, 10] }), findings: [{ id: 'x', category: 'ssh', status: 'accepted' }, { id: 'y', category: 'system', status: 'open' }] },
    );
    expect(change.delta).toBe(5);
    expect(change.parts).toEqual([
      { category: 'ssh', delta: 20, newFindings: 0, resolvedFindings: 0, triaged: 1, reopened: 0, text: '+20.0: 1 SSH finding accepted or false positive' },
      { category: 'system', delta: -15, newFindings: 0, resolvedFindings: 0, triaged: 0, reopened: 1, text: '−15.0: 1 System finding open again' },
    ]);
    saveRun(store, { id: 'only', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-01T09:00:00.000Z', findings: [] });
    expect(scoreChangeOf(store, 'only')).toBeNull();
    expect(signed(0.04)).toBe('±0.0');
  });
});

describe('score-change attribution in SQL (scoreChangeOf) against the JS count (attributeChange over both runs\' findings)', () => {
  // Statuses written straight into the stored rows: saveRun re-applies the triage log (none here),
  // which would reset them to open.
  const setStatus = (runId: string, key: string, status: string): void => {
    expect(store.db.prepare('UPDATE findings SET status = ? WHERE run_id = ? AND finding_key = ?').run(status, runId, key).changes).toBe(1);
  };
  const stored = (id: string) => store.getRun(id).findings.map((f) => ({ id: f.id, category: f.category, status: f.status }));
  const jsChange = (olderId: string, newerId: string) =>
    attributeChange({ id: olderId, score: store.getRun(olderId).score!, findings: stored(olderId) }, { id: newerId, score: store.getRun(newerId).score!, findings: stored(newerId) });

  it('gives the same parts, counts and texts for new, resolved, triaged and reopened findings across categories', () => {
    const net = finding('NET-FIREWALL-INACTIVE', 'ufw');
    const root = finding('SSH-PERMIT-ROOT-LOGIN', 'sshd:PermitRootLogin');
    const backup2 = finding('BACKUP-STALE', '/srv/backups');
    const net6 = finding('NET-FIREWALL-INACTIVE', 'ufw6');
    saveRun(store, { id: 'r1', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-01T09:00:00.000Z', findings: [sshA, sshB, sshC, backup, net, root], passing: SSH_PASSING });
    saveRun(store, { id: 'r2', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-02T09:00:00.000Z', findings: [sshA, sshB, sshC, root, backup2, net6], passing: SSH_PASSING });
    // sshA open → open (unchanged); sshB open → accepted (triaged); sshC accepted → open (reopened);
    // root fixed → open (reopened); backup open → gone (resolved); net false positive → gone (not
    // counted); backup2 new and open; net6 new but a false positive (not counted).
    setStatus('r2', sshB.id, 'accepted');
    setStatus('r1', sshC.id, 'accepted');
    setStatus('r1', root.id, 'fixed');
    setStatus('r1', net.id, 'false-positive');
    setStatus('r2', net6.id, 'false-positive');
    const sql = scoreChangeOf(store, 'r2')!;
    expect(sql).toEqual(jsChange('r1', 'r2'));
    // The counts themselves (what the JS computation gives).
    const counts = Object.fromEntries(sql.parts.map((p) => [p.category, [p.newFindings, p.resolvedFindings, p.triaged, p.reopened]]));
    expect(counts['ssh']).toEqual([0, 0, 1, 2]);
    expect(counts['backups']).toEqual([1, 1, 0, 0]);
    expect(counts['network'] ?? [0, 0, 0, 0]).toEqual([0, 0, 0, 0]);
    expect(sql.parts.find((p) => p.category === 'ssh')!.text).toMatch(/: 2 SSH findings open again, 1 SSH finding accepted or false positive$/);
  });

  it('matches the JS count on every host of a seeded fleet (the bench\'s shape: 2 runs of 200 findings, a tenth new, ten resolved, statuses mixed)', () => {
    const ids = ['SSH-X11-FORWARDING', 'SSH-MAX-AUTH-TRIES', 'BACKUP-STALE', 'NET-FIREWALL-INACTIVE', 'SSH-PASSWORD-AUTH'];
    const statuses = ['open', 'accepted', 'false-positive', 'fixed'];
    for (let h = 0; h < 4; h++) {
      const name = `host-${h}`;
      const id = h === 0 ? web : store.addHost({ name, address: `10.9.1.${h}`, port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' }).id;
      const make = (i: number) => finding(ids[(i * 7 + h) % ids.length]!, `/srv/app-${i}`, {}, name);
      const latest = Array.from({ length: 200 }, (_, i) => make(i));
      const before = [...latest.filter((_, i) => i % 10 !== 3), ...Array.from({ length: 10 }, (_, i) => make(200 + i))];
      saveRun(store, { id: `${name}-1`, hostId: id, name, address: '10.9.0.2', startedAt: `2026-03-0${h + 1}T09:00:00.000Z`, findings: before, passing: SSH_PASSING });
      saveRun(store, { id: `${name}-2`, hostId: id, name, address: '10.9.0.2', startedAt: `2026-03-0${h + 1}T10:00:00.000Z`, findings: latest, passing: SSH_PASSING });
      before.forEach((f, i) => i % 7 === 1 && setStatus(`${name}-1`, f.id, statuses[(i + h) % 4]!));
      latest.forEach((f, i) => i % 5 === 2 && setStatus(`${name}-2`, f.id, statuses[(i + h) % 4]!));
      const js = jsChange(`${name}-1`, `${name}-2`);
      expect(scoreChangeOf(store, `${name}-2`)).toEqual(js);
      const total = (k: 'newFindings' | 'resolvedFindings' | 'triaged' | 'reopened') => js.parts.reduce((n, p) => n + p[k], 0);
      // Every kind of change is in the fixture, so the comparison covers each count.
      for (const k of ['newFindings', 'resolvedFindings', 'triaged', 'reopened'] as const) expect(total(k), k).toBeGreaterThan(0);
    }
  });
});

describe('hostTrend', () => {
  it('graded runs oldest first, with verified fixes and accepted risks as events', () => {
    saveRun(store, { id: 'r1', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-01T09:00:00.000Z', findings: [sshA, backup], passing: SSH_PASSING });
    // A fix job that verified one fix and rolled back another; an earlier job outside the span.
    const plan = JSON.stringify({ fixes: [{ checkId: 'SSH-X11-FORWARDING' }, { checkId: 'SSH-MAX-AUTH-TRIES' }] });
    const job = store.db.prepare(
      `INSERT INTO remediation_jobs (id, host_id, host_name, address, port, username, plan_json, backup_dir, created_at, updated_at, status) VALUES (?, ?, 'web-1', '10.9.0.2', 22, 'root', ?, '/var/lib/rampart/backups/x', ?, ?, 'applied')`,
    );
    const fix = store.db.prepare('INSERT INTO remediation_fixes (job_id, fix_index, status, updated_at) VALUES (?, ?, ?, ?)');
    job.run('job-1', web, plan, '2026-03-01T10:00:00.000Z', '2026-03-01T10:05:00.000Z');
    fix.run('job-1', 0, 'verified', '2026-03-01T10:04:00.000Z');
    fix.run('job-1', 1, 'rolled-back', '2026-03-01T10:05:00.000Z');
    job.run('job-0', web, plan, '2026-02-01T10:00:00.000Z', '2026-02-01T10:05:00.000Z');
    fix.run('job-0', 0, 'verified', '2026-02-01T10:04:00.000Z');
    store.setTriage({ findingKey: sshA.id, status: 'fixed', reason: 'verified by job-1' }, new Date('2026-03-01T10:04:00.000Z'));
    store.setTriage({ findingKey: backup.id, status: 'accepted', reason: 'offsite copy weekly', expiresAt: '2099-06-30T00:00:00.000Z' }, new Date('2026-03-01T11:00:00.000Z'));
    saveRun(store, { id: 'r2', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-02T09:00:00.000Z', findings: [backup], passing: SSH_PASSING });
    // A failed run has no score: not a point.
    store.saveRun({ id: 'r-failed', hostId: web, hostName: 'web-1', address: '10.9.0.2', port: 22, startedAt: '2026-03-03T09:00:00.000Z', finishedAt: null, status: 'failed', os: null, score: null, errors: [], execCount: 0, durationMs: 1, checks: [], findings: [] });

    const trend = HostTrend.parse(hostTrend(store, 'r-failed'));
    expect(trend.target).toBe('web-1');
    expect(trend.points.map((p) => p.runId)).toEqual(['r1', 'r2']);
    expect(trend.points[1]!.score).toBe(store.getRun('r2').score!.overall);
    expect(trend.events).toEqual([
      { at: '2026-03-01T10:04:00.000Z', kind: 'fix', ref: 'job-1', text: '1 fix verified: SSH-X11-FORWARDING' },
      { at: '2026-03-01T11:00:00.000Z', kind: 'accepted', ref: backup.id, text: `Accepted risk: ${backup.title} — offsite copy weekly until 2099-06-30` },
    ]);
    expect(trend.scoreChange).toMatchObject({ runId: 'r2', previousRunId: 'r1' });
    expect(hostTrend(store, 'r1').points.map((p) => p.runId)).toEqual(['r1']);
  });
});

describe('priority matrix of a scope', () => {
  it('is the action plan order of the reports, with every cell counted', () => {
    saveRun(store, { id: 'r1', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-01T09:00:00.000Z', findings: [sshA, sshB, sshC, backup, finding('DOCKER-PRIVILEGED', 'container:app')] });
    saveRun(store, { id: 'o1', hostId: null, name: '10.9.0.3', address: '10.9.0.3', startedAt: '2026-03-01T10:00:00.000Z', findings: [finding('SSH-PASSWORD-AUTH', 'sshd:PasswordAuthentication', {}, '10.9.0.3')] });
    store.setTriage({ findingKey: sshB.id, status: 'false-positive', reason: 'set per Match block' });
    const now = new Date();
    const fleet = PriorityMatrix.parse(priorityOf(store, {}, now));
    const report = buildReport(store, { kind: 'action-plan', scope: { kind: 'fleet' }, now });
    const planned = report.findings.filter((f) => f.status === 'open');
    expect(fleet.items.map((i) => [i.priority, i.runId, i.findingId])).toEqual(planned.map((f) => [f.priority, f.runId, f.id]));
    expect(fleet.items.some((i) => i.findingId === sshB.id)).toBe(false);
    expect(fleet.cells).toHaveLength(15);
    expect(fleet.cells.reduce((a, c) => a + c.count, 0)).toBe(fleet.items.length);
    for (const c of fleet.cells) expect(c.count).toBe(report.matrix.find((m) => m.severity === c.severity && m.effort === c.effort)!.findingIds.length);

    const host = priorityOf(store, { hostId: web }, now);
    expect(host.scope).toEqual({ hostId: web, label: 'web-1', runIds: ['r1'] });
    expect(host.items.every((i) => i.target === 'web-1')).toBe(true);
    expect(() => priorityOf(store, { hostId: 4242 })).toThrow(/no host with id 4242/);
  });
});
