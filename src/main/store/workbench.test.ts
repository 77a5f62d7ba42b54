// The findings workbench query on a real SQLite file filled through the Store API: the latest
// state of every finding (each target's latest complete run), every filter, every sort column
// against the same rows sorted in JS, paging, grouping by check, "regressed" derived from the
// run history, bulk triage (what applies, what is skipped and why), saved views, the timeline,
// and the v13 migration's backfill.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOW, fillStore, finding, saveRun, type FilledStore } from '../../../test/support/reportStore';
import { WorkbenchPage, WorkbenchQuery, type WorkbenchQuery as Query, type WorkbenchRow } from '../../shared/ipc/workbench';
import { fleetDashboard } from './dashboard';
import { Store } from './store';
import { bulkTriageApply, bulkTriagePreview, deleteView, findingDetail, listViews, queryWorkbench, saveView } from './workbench';

let dir: string;
let file: string;
let filled: FilledStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-workbench-'));
  file = path.join(dir, 'rampart.db');
  filled = fillStore(file);
});
afterEach(() => {
  filled.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function q(store: Store, query: Query, now: Date = NOW): WorkbenchPage {
  return WorkbenchPage.parse(queryWorkbench(store.db, WorkbenchQuery.parse(query), now));
}
const all = (store: Store, query: Query = {}, now: Date = NOW): WorkbenchRow[] => q(store, { ...query, limit: 1000 }, now).rows;

describe('queryWorkbench', () => {
  it('shows the latest state of every finding still found: the findings of each target’s latest complete run, with effective status', () => {
    const { store } = filled;
    const rows = all(store);
    const latest = store.getRun(filled.latestRunId).findings.map((f) => f.id);
    const other = store.getRun(filled.otherRunId).findings.map((f) => f.id);
    expect(rows.map((r) => r.findingKey).sort()).toEqual([...latest, ...other].sort());
    const accepted = rows.find((r) => r.findingKey === filled.acceptedId)!;
    expect(accepted).toMatchObject({ status: 'accepted', reason: 'VPN-only host; fail2ban adds nothing', host: 'web-1', runId: filled.latestRunId });
    expect(rows.find((r) => r.findingKey === filled.falsePositiveId)!.status).toBe('false-positive');
    // First seen is the first run that found the identity, last seen the run the row comes from.
    const root = rows.find((r) => r.checkId === 'SSH-PERMIT-ROOT-LOGIN')!;
    expect(root.firstSeen).toBe('2026-02-20T09:00:00.000Z');
    expect(root.lastSeen).toBe('2026-02-28T09:00:00.000Z');
    // A failed run after the latest complete one does not hide what is still there.
    store.saveRun({
      hostId: store.findHostByName('web-1')!.id, hostName: 'web-1', address: '10.9.0.2', port: 22, startedAt: '2026-02-28T10:00:00.000Z', finishedAt: null,
      status: 'failed', os: null, score: null, errors: [{ section: 'connect', message: 'refused' }], execCount: 0, durationMs: 1, checks: [], findings: [],
    });
    expect(all(store).length).toBe(rows.length);
  });

  it('filters by host, category, severity, status, check and text (a literal %), and counts every match', () => {
    const { store } = filled;
    const rows = all(store);
    expect(all(store, { filter: { hosts: ['10.9.0.3'] } }).map((r) => r.host)).toEqual(['10.9.0.3']);
    expect(all(store, { filter: { severities: ['critical'] } }).every((r) => r.severity === 'critical')).toBe(true);
    expect(all(store, { filter: { severities: ['critical'] } }).length).toBe(rows.filter((r) => r.severity === 'critical').length);
    expect(all(store, { filter: { categories: ['ssh'] } }).map((r) => r.checkId).sort()).toEqual(rows.filter((r) => r.category === 'ssh').map((r) => r.checkId).sort());
    expect(all(store, { filter: { statuses: ['accepted', 'false-positive'] } }).map((r) => r.findingKey).sort()).toEqual([filled.acceptedId, filled.falsePositiveId].sort());
    expect(all(store, { filter: { checks: ['BACKUP-STALE'] } }).map((r) => r.resource)).toEqual(['/var/backups/restic']);
    expect(all(store, { filter: { text: 'NGINX:1.25' } }).map((r) => r.checkId)).toEqual(['CVE-IMAGE-FIXABLE']);
    // Evidence is searched too; % and _ are literal, not wildcards.
    expect(all(store, { filter: { text: '12 days' } }).map((r) => r.checkId)).toEqual(['BACKUP-STALE']);
    expect(all(store, { filter: { text: '%' } })).toEqual([]);
    expect(all(store, { filter: { text: 'a_b' } })).toEqual([]);
    // Filters combine (AND across fields, OR within one).
    expect(all(store, { filter: { hosts: ['web-1'], statuses: ['open'], severities: ['critical', 'high'] } }).every((r) => r.host === 'web-1' && r.status === 'open' && ['critical', 'high'].includes(r.severity))).toBe(true);
    const page = q(store, { limit: 2, offset: 1 });
    expect(page.total).toBe(rows.length);
    expect(page.rows.map((r) => r.findingKey)).toEqual(rows.slice(1, 3).map((r) => r.findingKey));
    expect(q(store, { limit: 2, offset: 500 })).toMatchObject({ total: rows.length, rows: [] });
    // Every match's key, in order, for "select all".
    expect(q(store, { limit: 1, keys: true }).keys).toEqual(rows.map((r) => r.findingKey));
    expect(q(store, { limit: 1 }).keys).toBeNull();
    expect(q(store, { limit: 1, keys: true, filter: { hosts: ['10.9.0.3'] } }).keys).toEqual(rows.filter((r) => r.host === '10.9.0.3').map((r) => r.findingKey));
    // Another page of the same list need not be counted again.
    expect(q(store, { limit: 2, offset: 2, count: false })).toMatchObject({ total: null, rows: rows.slice(2, 4) });
  });

  it('sorts by every column in SQL, over every row, ascending and descending', () => {
    const { store } = filled;
    const rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;
    const statusRank = { regressed: 0, open: 1, accepted: 2, 'false-positive': 3, fixed: 4 } as const;
    const key: Record<string, (r: WorkbenchRow) => string | number> = {
      severity: (r) => rank[r.severity],
      host: (r) => r.host.toLowerCase(),
      category: (r) => r.category,
      check: (r) => r.checkId,
      title: (r) => r.title.toLowerCase(),
      resource: (r) => r.resource,
      status: (r) => statusRank[r.status],
      firstSeen: (r) => r.firstSeen,
      lastSeen: (r) => r.lastSeen,
    };
    for (const [column, k] of Object.entries(key)) {
      for (const dir of ['asc', 'desc'] as const) {
        const got = all(store, { sort: { column: column as 'severity', dir } }).map(k);
        const want = [...got].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        if (dir === 'desc') want.reverse();
        expect(got, `${column} ${dir}`).toEqual(want);
      }
    }
  });

  it('groups by check: one row per check with its instances, hosts and statuses', () => {
    const { store } = filled;
    const web = store.findHostByName('web-1')!;
    saveRun(store, {
      id: 'run-db', hostId: null, name: 'db-2', address: '10.9.0.9', startedAt: '2026-02-27T10:00:00.000Z',
      findings: [finding('SSH-PERMIT-ROOT-LOGIN', 'sshd:/etc/ssh/sshd_config:PermitRootLogin', {}, 'db-2'), finding('PERM-WORLD-WRITABLE', '/tmp/x', {}, 'db-2'), finding('PERM-WORLD-WRITABLE', '/tmp/y', {}, 'db-2')],
    });
    expect(web).toBeTruthy();
    const page = q(store, { groupBy: 'check', sort: { column: 'instances', dir: 'desc' } });
    const rows = all(store);
    expect(page.total).toBe(new Set(rows.map((r) => r.checkId)).size);
    const perm = page.groups.find((g) => g.checkId === 'PERM-WORLD-WRITABLE')!;
    expect(perm).toMatchObject({ instances: 3, hosts: 2 });
    const root = page.groups.find((g) => g.checkId === 'SSH-PERMIT-ROOT-LOGIN')!;
    expect(root).toMatchObject({ instances: 2, hosts: 2 });
    expect(page.groups[0]!.checkId).toBe('PERM-WORLD-WRITABLE');
    expect(page.groups.map((g) => g.instances)).toEqual([...page.groups.map((g) => g.instances)].sort((a, b) => b - a));
    const sum = (g: (typeof page.groups)[number]) => Object.values(g.byStatus).reduce((a, b) => a + b, 0);
    for (const g of page.groups) expect(sum(g)).toBe(g.instances);
    expect(page.groups.reduce((n, g) => n + g.instances, 0)).toBe(rows.length);
  });

  it('reopens an accepted risk when its expiry passes', () => {
    const { store } = filled;
    const key = store.getRun(filled.latestRunId).findings.find((f) => f.checkId === 'BACKUP-STALE')!.id;
    store.setTriage({ findingKey: key, status: 'accepted', reason: 'new backup host next month', expiresAt: '2026-03-10T00:00:00.000Z' }, NOW);
    expect(all(store, { filter: { checks: ['BACKUP-STALE'] } }, NOW)[0]!.status).toBe('accepted');
    const later = new Date('2026-03-10T00:00:01.000Z');
    expect(all(store, { filter: { checks: ['BACKUP-STALE'] } }, later)[0]).toMatchObject({ status: 'open', expiresAt: '2026-03-10T00:00:00.000Z' });
    expect(all(store, { filter: { statuses: ['accepted'] } }, later).map((r) => r.findingKey)).toEqual([filled.acceptedId]);
  });
});

describe('regressed', () => {
  function host(store: Store) {
    return store.addHost({ name: 'app-1', address: '10.9.0.7', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
  }
  const a = finding('SSH-PASSWORD-AUTH', 'sshd:PasswordAuthentication', {}, 'app-1');
  const b = finding('PERM-WORLD-WRITABLE', '/srv/share', {}, 'app-1');
  const run = (store: Store, hostId: number, id: string, day: number, findings = [a, b]) =>
    saveRun(store, { id, hostId, name: 'app-1', address: '10.9.0.7', startedAt: `2026-02-${String(day).padStart(2, '0')}T08:00:00.000Z`, findings });
  const statusOf = (store: Store, key: string, now = NOW) => all(store, { filter: { hosts: ['app-1'] } }, now).find((r) => r.findingKey === key)?.status;

  it('is a finding found again after the run before did not find it; it stays regressed until triaged; the dashboard counts it', () => {
    const { store } = filled;
    const h = host(store);
    run(store, h.id, 'r1', 1);
    run(store, h.id, 'r2', 2, [a]);
    expect(statusOf(store, b.id)).toBeUndefined();
    run(store, h.id, 'r3', 3);
    expect(statusOf(store, b.id)).toBe('regressed');
    expect(statusOf(store, a.id)).toBe('open');
    // Consistent with the run diff: a regressed finding is one of the diff's "new" ones.
    expect(store.diffRun('r3').new.map((f) => f.id)).toEqual([b.id]);
    expect(store.diffRun('r3').regressed).toEqual([b.id]);
    const fleet = fleetDashboard(store, NOW).hosts.find((x) => x.name === 'app-1')!;
    expect(fleet.sinceLast).toMatchObject({ new: 1, regressed: 1 });
    expect(all(store, { filter: { statuses: ['regressed'], hosts: ['app-1'] } }).map((r) => r.findingKey)).toEqual([b.id]);
    // Still there in the next run: still regressed (nobody looked at it yet), but it did not come back in r4.
    run(store, h.id, 'r4', 4);
    expect(statusOf(store, b.id)).toBe('regressed');
    expect(store.diffRun('r4').regressed).toEqual([]);
    expect(fleetDashboard(store, NOW).hosts.find((x) => x.name === 'app-1')!.sinceLast).toMatchObject({ new: 0, regressed: 0 });
    // Reopening it (a person saw it) clears the overlay, now and in later runs.
    bulkTriageApply(store.db, { findingKeys: [b.id], status: 'open', actor: 'tester' }, NOW);
    expect(statusOf(store, b.id)).toBe('open');
    run(store, h.id, 'r5', 5);
    expect(statusOf(store, b.id)).toBe('open');
    // A run that failed in between is not "resolved": the next complete run compares with r5.
    store.saveRun({
      hostId: h.id, hostName: 'app-1', address: '10.9.0.7', port: 22, startedAt: '2026-02-06T08:00:00.000Z', finishedAt: null,
      status: 'failed', os: null, score: null, errors: [], execCount: 0, durationMs: 1, checks: [], findings: [],
    });
    run(store, h.id, 'r7', 7);
    expect(statusOf(store, a.id)).toBe('open');
    expect(statusOf(store, b.id)).toBe('open');
  });

  it('is a finding marked fixed that the next audit finds again', () => {
    const { store } = filled;
    const h = host(store);
    run(store, h.id, 'r1', 1);
    store.setTriage({ findingKey: a.id, status: 'fixed', reason: 'fixed and verified by Rampart fix job j1', actor: 'Rampart fix job' }, new Date('2026-02-01T09:00:00.000Z'));
    expect(statusOf(store, a.id)).toBe('fixed');
    run(store, h.id, 'r2', 2);
    expect(statusOf(store, a.id)).toBe('regressed');
    const d = findingDetail(store.db, a.id, undefined, NOW);
    expect(d.timeline.filter((e) => e.kind === 'triage').map((e) => [e.status, e.actor])).toEqual([
      ['fixed', 'Rampart fix job'],
      ['open', 'Rampart audit'],
    ]);
  });

  it('an accepted risk that comes back stays accepted (not regressed), but counts as came back', () => {
    const { store } = filled;
    const h = host(store);
    run(store, h.id, 'r1', 1);
    store.setTriage({ findingKey: b.id, status: 'accepted', reason: 'shared on purpose', expiresAt: '2099-01-01' }, new Date('2026-02-01T09:00:00.000Z'));
    run(store, h.id, 'r2', 2, [a]);
    run(store, h.id, 'r3', 3);
    expect(statusOf(store, b.id)).toBe('accepted');
    expect(fleetDashboard(store, NOW).hosts.find((x) => x.name === 'app-1')!.sinceLast).toMatchObject({ regressed: 1 });
  });
});

describe('bulk triage', () => {
  it('previews what applies and what is skipped and why; applying does exactly that, logs who, re-scores the run', () => {
    const { store } = filled;
    const rows = all(store, { filter: { hosts: ['web-1'] } });
    const backup = rows.find((r) => r.checkId === 'BACKUP-STALE')!;
    store.setTriage({ findingKey: backup.findingKey, status: 'fixed', reason: 'fixed and verified by Rampart fix job j9' }, NOW);
    const resolvedKey = store.getRun(filled.previousRunId).findings[0]!.id;
    // The previous run's findings are all in the latest one; make one that is gone.
    saveRun(store, { id: 'run-gone', hostId: null, name: '10.9.0.3', address: '10.9.0.3', startedAt: '2026-02-28T12:00:00.000Z', findings: [] });
    const goneKey = store.getRun(filled.otherRunId).findings[0]!.id;
    expect(resolvedKey).toBeTruthy();
    const keys = [...rows.map((r) => r.findingKey), goneKey, 'no-such-key', rows[0]!.findingKey];
    const before = store.getRun(filled.latestRunId).score!.overall;
    const input = { findingKeys: keys, status: 'accepted' as const, reason: 'maintenance window in March', expiresAt: '2026-04-01', actor: 'alice' };
    const preview = bulkTriagePreview(store.db, input, NOW);
    const skipped = Object.fromEntries(preview.skipped.map((s) => [s.findingKey, s.skipped]));
    expect(skipped[backup.findingKey]).toMatch(/marked fixed; only a new audit/);
    expect(skipped[goneKey]).toMatch(/no longer finds it/);
    expect(skipped['no-such-key']).toMatch(/no such finding/);
    expect(preview.applies.map((x) => x.findingKey).sort()).toEqual(rows.filter((r) => r.findingKey !== backup.findingKey).map((r) => r.findingKey).sort());
    expect(skipped[filled.acceptedId]).toBeUndefined();
    expect(preview.applies.length + preview.skipped.length).toBe(new Set(keys).size);
    // The preview wrote nothing.
    expect(all(store, { filter: { statuses: ['accepted'] } }).map((r) => r.findingKey)).toEqual([filled.acceptedId]);

    const result = bulkTriageApply(store.db, input, NOW);
    expect(result.applies.map((x) => x.findingKey)).toEqual(preview.applies.map((x) => x.findingKey));
    expect(result.rescoredRuns).toEqual([filled.latestRunId]);
    const after = all(store, { filter: { hosts: ['web-1'] } });
    for (const r of after) expect(r.status, r.checkId).toBe(r.findingKey === backup.findingKey ? 'fixed' : 'accepted');
    expect(store.getRun(filled.latestRunId).score!.overall).toBeGreaterThan(before);
    const log = store.triageLog(rows.find((r) => r.checkId === 'SSH-PERMIT-ROOT-LOGIN')!.findingKey);
    expect(log.at(-1)).toMatchObject({ status: 'accepted', reason: 'maintenance window in March', actor: 'alice', expiresAt: '2026-04-01T00:00:00.000Z' });
    // The same again changes nothing: every one is skipped as already accepted.
    const again = bulkTriagePreview(store.db, input, NOW);
    expect(again.applies).toEqual([]);
    expect(again.skipped.filter((s) => /already accepted/.test(s.skipped ?? '')).length).toBe(preview.applies.length);
  });

  it('refuses an acceptance without reason or with a past expiry, and a reopen skips what is open', () => {
    const { store } = filled;
    const key = all(store)[0]!.findingKey;
    expect(() => bulkTriagePreview(store.db, { findingKeys: [key], status: 'accepted', reason: '', expiresAt: '2027-01-01' }, NOW)).toThrow(/reason/);
    expect(() => bulkTriagePreview(store.db, { findingKeys: [key], status: 'accepted', reason: 'x', expiresAt: '2026-02-01' }, NOW)).toThrow(/future/);
    expect(() => bulkTriagePreview(store.db, { findingKeys: [key], status: 'false-positive' }, NOW)).toThrow(/reason/);
    const open = all(store, { filter: { statuses: ['open'] } }).map((r) => r.findingKey);
    const p = bulkTriagePreview(store.db, { findingKeys: [...open, filled.acceptedId], status: 'open' }, NOW);
    expect(p.applies.map((x) => x.findingKey)).toEqual([filled.acceptedId]);
    expect(p.skipped.every((s) => s.skipped === 'already open')).toBe(true);
  });
});

describe('saved views and the timeline', () => {
  it('saves, replaces by name, lists and deletes views in SQLite', () => {
    const { store } = filled;
    const v = saveView(store.db, { name: 'criticals', filter: { scope: { kind: 'latest' }, severities: ['critical'] }, sort: { column: 'host', dir: 'asc' } }, NOW);
    saveView(store.db, { name: 'criticals', filter: { scope: { kind: 'latest' }, severities: ['critical', 'high'] } }, NOW);
    saveView(store.db, { name: 'Accepted', filter: { scope: { kind: 'latest' }, statuses: ['accepted'] }, groupBy: 'check' }, NOW);
    const views = listViews(store.db);
    expect(views.map((x) => x.name)).toEqual(['Accepted', 'criticals']);
    expect(views[1]).toMatchObject({ id: v.id, filter: { severities: ['critical', 'high'] }, sort: null, groupBy: 'none' });
    expect(views[0]!.groupBy).toBe('check');
    expect(deleteView(store.db, v.id)).toBe(true);
    expect(deleteView(store.db, v.id)).toBe(false);
    expect(listViews(store.db).map((x) => x.name)).toEqual(['Accepted']);
  });

  it('gives a finding’s first and last seen and every sighting, resolution and triage change with reason and who', () => {
    const { store } = filled;
    const h = store.findHostByName('web-1')!;
    const backup = finding('BACKUP-STALE', '/var/backups/restic');
    bulkTriageApply(store.db, { findingKeys: [filled.acceptedId], status: 'open', actor: 'bob' }, NOW);
    saveRun(store, { id: 'run-after', hostId: h.id, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-01T09:00:00.000Z', findings: [] });
    saveRun(store, { id: 'run-back', hostId: h.id, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-02T09:00:00.000Z', findings: [backup] });
    const d = findingDetail(store.db, backup.id, undefined, new Date('2026-03-03T00:00:00.000Z'));
    expect(d.row).toMatchObject({ status: 'regressed', runId: 'run-back' });
    expect(d.timeline.map((e) => [e.kind, e.runId])).toEqual([
      ['first-seen', 'run-latest'],
      ['resolved', 'run-after'],
      ['found-again', 'run-back'],
    ]);
    expect(d.firstSeen).toBe('2026-02-28T09:00:00.000Z');
    expect(d.lastSeen).toBe('2026-03-02T09:00:00.000Z');
    expect(d.evidence).toBe('observed on /var/backups/restic');
    const acc = findingDetail(store.db, filled.acceptedId, undefined, NOW);
    expect(acc.timeline.filter((e) => e.kind === 'triage').map((e) => [e.status, e.actor, e.reason])).toEqual([
      ['accepted', null, 'VPN-only host; fail2ban adds nothing'],
      ['open', 'bob', null],
    ]);
    expect(acc.timeline.map((e) => e.kind)).toEqual(['first-seen', 'triage', 'seen', 'resolved', 'triage']);
    expect(() => findingDetail(store.db, 'nope')).toThrow(/No finding/);
  });
});

describe('migration v13', () => {
  it('backfills first seen and the regressions of existing runs', () => {
    const f = path.join(dir, 'old.db');
    const old = new Store(f, { targetVersion: 12 });
    old.close();
    const raw = new Database(f);
    const insRun = raw.prepare("INSERT INTO audit_runs (id, host_id, host_name, address, port, started_at, status) VALUES (?, NULL, 'h', '10.9.0.8', 22, ?, ?)");
    const insF = raw.prepare(
      "INSERT INTO findings (run_id, finding_key, check_id, category, severity, title, resource, evidence, rationale, remediation, status) VALUES (?, ?, 'C', 'ssh', 'high', 't', 'r', 'e', 'ra', 're', ?)",
    );
    insRun.run('o1', '2026-01-01T00:00:00.000Z', 'complete');
    insRun.run('o2', '2026-01-02T00:00:00.000Z', 'complete');
    insRun.run('o2b', '2026-01-02T12:00:00.000Z', 'failed');
    insRun.run('o3', '2026-01-03T00:00:00.000Z', 'complete');
    insRun.run('o4', '2026-01-04T00:00:00.000Z', 'complete');
    insF.run('o1', 'k1', 'open');
    insF.run('o1', 'k2', 'open');
    insF.run('o2', 'k1', 'fixed');
    insF.run('o3', 'k1', 'open'); // fixed, then found again
    insF.run('o3', 'k2', 'open'); // resolved in o2, back in o3
    insF.run('o4', 'k2', 'open');
    raw.close();
    const s = new Store(f);
    const rows = s.db.prepare('SELECT run_id, finding_key, first_seen, regressed, regressed_in FROM findings ORDER BY run_id, finding_key').all();
    expect(rows).toEqual([
      { run_id: 'o1', finding_key: 'k1', first_seen: '2026-01-01T00:00:00.000Z', regressed: 0, regressed_in: null },
      { run_id: 'o1', finding_key: 'k2', first_seen: '2026-01-01T00:00:00.000Z', regressed: 0, regressed_in: null },
      { run_id: 'o2', finding_key: 'k1', first_seen: '2026-01-01T00:00:00.000Z', regressed: 0, regressed_in: null },
      { run_id: 'o3', finding_key: 'k1', first_seen: '2026-01-01T00:00:00.000Z', regressed: 1, regressed_in: 'o3' },
      { run_id: 'o3', finding_key: 'k2', first_seen: '2026-01-01T00:00:00.000Z', regressed: 1, regressed_in: 'o3' },
      { run_id: 'o4', finding_key: 'k2', first_seen: '2026-01-01T00:00:00.000Z', regressed: 0, regressed_in: null },
    ]);
    s.close();
  });
});
