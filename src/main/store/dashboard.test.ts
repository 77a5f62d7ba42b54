// The fleet dashboard query on a real SQLite file filled through the Store API: latest run per
// host (and per target without a profile), findings by severity × status as stored with that run,
// category grades from its score, and the diff against the run before it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOW, fillStore, finding, saveRun, type FilledStore } from '../../../test/support/reportStore';
import { CHECKS } from '../audit/checks';
import { CATEGORIES, SEVERITIES, type Category, type FindingStatus, type RunSummary } from '../../shared/domain';
import { Fleet } from '../../shared/ipc/dashboard';
import { priorityOf } from '../priority/scope';
import { emptyCounts, fleetDashboard } from './dashboard';
import { attributeChange, hostTrend, scoreChangeOf } from './scoreHistory';
import { Store } from './store';

let dir: string;
let file: string;
let filled: FilledStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-dashboard-'));
  file = path.join(dir, 'rampart.db');
  filled = fillStore(file);
});
afterEach(() => {
  filled.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Severity → status counts recomputed from a stored run's findings (what the run screen lists). */
function countsFromRun(store: Store, runId: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const f of store.getRun(runId).findings) {
    out[f.severity] ??= {};
    out[f.severity]![f.status] = (out[f.severity]![f.status] ?? 0) + 1;
  }
  return out;
}
function nonZero(counts: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  return Object.fromEntries(
    Object.entries(counts)
      .map(([s, byStatus]) => [s, Object.fromEntries(Object.entries(byStatus).filter(([, n]) => n > 0))] as const)
      .filter(([, byStatus]) => Object.keys(byStatus).length > 0),
  );
}

describe('fleetDashboard', () => {
  it('gives every host its latest grade, age, findings by severity × status, category grades and change since the run before', () => {
    const { store } = filled;
    const db1 = store.addHost({ name: 'db-1', address: '10.9.0.4', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
    const mx = store.addHost({ name: 'mx-1', address: '10.9.0.5', port: 2222, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
    const pw = finding('SSH-PASSWORD-AUTH', 'sshd:PasswordAuthentication', {}, 'mx-1');
    const backup = finding('BACKUP-STALE', '/var/backups', {}, 'mx-1');
    const reboot = finding('SYS-REBOOT-REQUIRED', '/var/run/reboot-required', {}, 'mx-1');
    saveRun(store, { id: 'mx-run-1', hostId: mx.id, name: 'mx-1', address: '10.9.0.5', startedAt: '2026-02-10T08:00:00.000Z', findings: [pw, backup] });
    saveRun(store, { id: 'mx-run-2', hostId: mx.id, name: 'mx-1', address: '10.9.0.5', startedAt: '2026-02-25T08:00:00.000Z', findings: [backup, reboot] });
    store.setTriage({ findingKey: backup.id, status: 'fixed', reason: 'restic timer repaired' }, new Date('2026-02-26T00:00:00.000Z'));
    // A mail domain run is not a host: it stays off the fleet.
    store.saveRun({
      targetKind: 'domain', hostId: null, hostName: 'example.test', address: 'example.test', port: 0, startedAt: '2026-02-28T10:00:00.000Z',
      finishedAt: null, status: 'complete', os: null, score: null, errors: [], execCount: 0, durationMs: 1, checks: [], findings: [],
    });
    store.close();

    // A fresh connection on the same file: everything comes from disk.
    const reopened = new Store(file);
    try {
      const fleet = Fleet.parse(fleetDashboard(reopened, NOW));
      expect(fleet.generatedAt).toBe(NOW.toISOString());
      expect(fleet.hosts.map((h) => [h.name, h.hostId === null ? 'no profile' : 'profile'])).toEqual([
        ['db-1', 'profile'],
        ['mx-1', 'profile'],
        ['web-1', 'profile'],
        ['10.9.0.3', 'no profile'],
      ]);
      const by = Object.fromEntries(fleet.hosts.map((h) => [h.name, h]));

      // Never audited: no run, no age, zero counts, no change strip.
      expect(by['db-1']).toMatchObject({ hostId: db1.id, latestRun: null, ageMs: null, sinceLast: null });
      expect(nonZero(by['db-1']!.findings)).toEqual({});

      // web-1: its latest run, as the store has it (grade and score after triage).
      const web = by['web-1']!;
      const latest = reopened.getRun(filled.latestRunId);
      expect(web.latestRun).toMatchObject({ id: 'run-latest', startedAt: '2026-02-28T09:00:00.000Z', status: 'complete', grade: latest.score!.grade, score: latest.score!.overall });
      expect(web.ageMs).toBe(27 * 3600_000);
      expect(nonZero(web.findings)).toEqual({ critical: { open: 2 }, high: { open: 4 }, medium: { accepted: 1, 'false-positive': 1 } });
      expect(nonZero(web.findings)).toEqual(countsFromRun(reopened, 'run-latest'));
      expect(Object.keys(web.latestRun!.categories).sort()).toEqual(Object.keys(latest.score!.categories).sort());
      for (const [cat, c] of Object.entries(latest.score!.categories))
        expect(web.latestRun!.categories[cat as Category]).toEqual({ score: c.score, grade: c.grade });
      // Against run-mid (the two triaged findings): six new, none resolved, two unchanged.
      const diff = reopened.diffRun('run-latest');
      // Three of the six came back: run-prev had them, run-mid did not (the workbench's regressed overlay).
      expect(web.sinceLast).toEqual({ previousRunId: 'run-mid', new: 6, resolved: 0, unchanged: 2, regressed: 3 });
      expect(web.sinceLast).toMatchObject({ previousRunId: diff.previousRunId, new: diff.new.length, resolved: diff.resolved.length, unchanged: diff.unchanged.length });
      // What moved the score since run-mid: one line per category with the new findings behind it.
      expect(web.scoreChange).toMatchObject({ runId: 'run-latest', previousRunId: 'run-mid', score: latest.score!.overall });
      // The fleet carries the largest share and the count; the breakdown is the trend's for the run.
      const full = scoreChangeOf(reopened, 'run-latest')!;
      expect(full.parts.map((p) => p.text)).toContain(`${full.parts.find((p) => p.category === 'ssh')!.text.split(':')[0]}: 1 new SSH finding`);
      expect(full.parts.every((p) => p.delta <= 0 && p.newFindings === 1)).toBe(true);
      const { parts, ...rest } = full;
      expect(web.scoreChange).toEqual({ ...rest, top: parts[0], partCount: parts.length });
      expect(hostTrend(reopened, 'run-latest').scoreChange).toEqual(full);

      // mx-1: one new (reboot), one resolved (password auth), one unchanged; the stale backup
      // marked fixed after the run counts as fixed, not open.
      const m = by['mx-1']!;
      expect(m.latestRun?.id).toBe('mx-run-2');
      expect(m.port).toBe(2222);
      expect(m.ageMs).toBe(Date.parse(NOW.toISOString()) - Date.parse('2026-02-25T08:00:00.000Z'));
      expect(m.sinceLast).toEqual({ previousRunId: 'mx-run-1', new: 1, resolved: 1, unchanged: 1, regressed: 0 });
      const mFull = scoreChangeOf(reopened, 'mx-run-2')!;
      expect(mFull.parts.map((p) => p.text.replace(/^[−+±][\d.]+/, 'N'))).toEqual(expect.arrayContaining(['N: 1 SSH finding resolved', 'N: 1 new System finding']));
      expect(m.scoreChange).toMatchObject({ runId: 'mx-run-2', top: mFull.parts[0], partCount: mFull.parts.length });
      expect(nonZero(m.findings)).toEqual({ high: { fixed: 1 }, medium: { open: 1 } });

      // A target without a profile: its own first run.
      const other = by['10.9.0.3']!;
      expect(other).toMatchObject({ address: '10.9.0.3', port: 22, latestRun: { id: 'run-other' }, sinceLast: { previousRunId: null, new: 1, resolved: 0, unchanged: 0, regressed: 0 }, scoreChange: null });
      expect(nonZero(other.findings)).toEqual({ high: { open: 1 } });

      // Every host's strip counts what the run screen's diff lists.
      for (const h of fleet.hosts.filter((x) => x.latestRun)) {
        const d = reopened.diffRun(h.latestRun!.id);
        expect(h.sinceLast, h.name).toMatchObject({ previousRunId: d.previousRunId, new: d.new.length, resolved: d.resolved.length, unchanged: d.unchanged.length });
      }

      // Totals are the sum over hosts, every cell present.
      expect(nonZero(fleet.totals)).toEqual({ critical: { open: 2 }, high: { open: 5, fixed: 1 }, medium: { open: 1, accepted: 1, 'false-positive': 1 } });
      for (const s of SEVERITIES) expect(Object.keys(fleet.totals[s])).toEqual(['open', 'accepted', 'false-positive', 'fixed']);
      // Heat map columns: the categories graded anywhere, in catalog order, no duplicates.
      const graded = new Set(fleet.hosts.flatMap((h) => Object.keys(h.latestRun?.categories ?? {})));
      expect(fleet.categories).toEqual([...graded].sort((a, b) => fleet.categories.indexOf(a as never) - fleet.categories.indexOf(b as never)));
      expect(new Set(fleet.categories)).toEqual(graded);
      expect(fleet.categories.indexOf('secrets')).toBeLessThan(fleet.categories.indexOf('ssh'));
    } finally {
      reopened.close();
    }
  });

  it('takes the newest run of a target even when it failed (no grade), and an empty store is an empty fleet', () => {
    const { store } = filled;
    store.saveRun({
      id: 'run-failed', hostId: store.findHostByName('web-1')!.id, hostName: 'web-1', address: '10.9.0.2', port: 22, startedAt: '2026-03-01T11:00:00.000Z',
      finishedAt: '2026-03-01T11:00:05.000Z', status: 'failed', os: null, score: null, errors: [{ section: 'connect', message: 'refused' }], execCount: 0, durationMs: 5000, checks: [], findings: [],
    });
    const web = fleetDashboard(store, NOW).hosts.find((h) => h.name === 'web-1')!;
    expect(web.latestRun).toEqual({ id: 'run-failed', startedAt: '2026-03-01T11:00:00.000Z', status: 'failed', score: null, grade: null, categories: {} });
    expect(web.ageMs).toBe(3600_000);
    // No comparison: the failed run found nothing, which does not resolve the eight findings before it.
    expect(store.diffRun('run-failed').resolved).toHaveLength(8);
    expect(web.sinceLast).toBeNull();

    const empty = new Store(path.join(dir, 'empty.db'));
    try {
      expect(fleetDashboard(empty, NOW)).toMatchObject({ hosts: [], categories: [] });
    } finally {
      empty.close();
    }
  });
});

/**
 * The fleet answer computed the long way, from what the run screen shows: each host's newest run
 * (listRuns), its findings counted in JS (getRun), the run screen's diff (diffRun), and the score
 * change from attributeChange over both runs' findings against the graded run before it, found
 * in JS over every run of the target. The grouped queries of fleetDashboard must equal it.
 */
function fleetTheLongWay(store: Store, now: Date): Fleet {
  const all = store.listRuns({ limit: 1_000_000 });
  const sameTarget = (a: RunSummary, b: RunSummary) =>
    a.hostId !== null ? b.hostId === a.hostId : b.hostId === null && (b.targetKind ?? 'host') === (a.targetKind ?? 'host') && b.address === a.address && b.port === a.port;
  const host = (ident: { hostId: number | null; name: string; address: string; port: number }, latest: RunSummary | undefined): Fleet['hosts'][number] => {
    if (!latest) return { ...ident, latestRun: null, ageMs: null, findings: emptyCounts(), sinceLast: null, scoreChange: null };
    const run = store.getRun(latest.id);
    const findings = emptyCounts();
    for (const f of run.findings) findings[f.severity]![f.status]! += 1;
    const diff = store.diffRun(latest.id);
    const compared = latest.status === 'complete' || latest.status === 'partial';
    const graded = (r: RunSummary) => r.score !== null && (r.status === 'complete' || r.status === 'partial');
    const before = all.filter((r) => sameTarget(latest, r) && graded(r) && r.startedAt < latest.startedAt).sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id))[0];
    let scoreChange: Fleet['hosts'][number]['scoreChange'] = null;
    if (before && graded(latest)) {
      const side = (id: string) => {
        const r = store.getRun(id);
        return { id, score: r.score!, findings: r.findings.map((f) => ({ id: f.id, category: f.category, status: f.status })) };
      };
      const { parts, ...rest } = attributeChange(side(before.id), side(latest.id));
      scoreChange = { ...rest, top: parts[0] ?? null, partCount: parts.length };
    }
    const categories: NonNullable<Fleet['hosts'][number]['latestRun']>['categories'] = {};
    for (const [c, v] of Object.entries(latest.score?.categories ?? {})) categories[c as Category] = { score: v.score, grade: v.grade };
    return {
      ...ident,
      latestRun: { id: latest.id, startedAt: latest.startedAt, status: latest.status, score: latest.score?.overall ?? null, grade: latest.score?.grade ?? null, categories },
      ageMs: Math.max(0, now.getTime() - Date.parse(latest.startedAt)),
      findings,
      sinceLast: compared ? { previousRunId: diff.previousRunId, new: diff.new.length, resolved: diff.resolved.length, unchanged: diff.unchanged.length, regressed: diff.regressed?.length ?? 0 } : null,
      scoreChange,
    };
  };
  const hosts = store.listHosts().map((h) => host({ hostId: h.id, name: h.name, address: h.address, port: h.port }, store.listRuns({ hostId: h.id, limit: 1 })[0]));
  const loose = all.filter((r) => r.hostId === null && r.targetKind !== 'domain' && all.find((x) => sameTarget(r, x)) === r);
  loose.sort((a, b) => (a.hostName < b.hostName ? -1 : a.hostName > b.hostName ? 1 : a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port));
  for (const r of loose) hosts.push(host({ hostId: null, name: r.hostName, address: r.address, port: r.port }, r));
  const totals = emptyCounts();
  for (const h of hosts) for (const s of SEVERITIES) for (const [st, n] of Object.entries(h.findings[s]!)) totals[s]![st as FindingStatus]! += n;
  const graded = new Set(hosts.flatMap((h) => Object.keys(h.latestRun?.categories ?? {})));
  // The matrix's counts: dashboard:priority's for the fleet (scope.test.ts holds those to ordering every open finding).
  const priority = priorityOf(store, { limit: 0 }, now);
  const first = hosts.find((h) => h.latestRun)?.latestRun?.id;
  return {
    generatedAt: now.toISOString(),
    hosts,
    totals,
    categories: CATEGORIES.filter((c) => graded.has(c)),
    priority: { runIds: priority.scope.runIds, cells: priority.cells },
    firstTrend: first ? { runId: first, trend: hostTrend(store, first) } : null,
  };
}

describe('fleetDashboard against the run screen\'s numbers computed the long way', () => {
  // Statuses written straight into the stored rows (saveRun re-applies the triage log).
  const setStatus = (store: Store, runId: string, key: string, status: string): void => {
    expect(store.db.prepare('UPDATE findings SET status = ? WHERE run_id = ? AND finding_key = ?').run(status, runId, key).changes).toBe(1);
  };

  it('is equal on the report fixture with a failed, a partial and a first run, targets without a profile and a mail domain', () => {
    const { store } = filled;
    const mx = store.addHost({ name: 'mx-1', address: '10.9.0.5', port: 2222, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
    store.addHost({ name: 'db-1', address: '10.9.0.4', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
    const fs1 = ['SSH-PASSWORD-AUTH', 'BACKUP-STALE', 'SYS-REBOOT-REQUIRED', 'SSH-X11-FORWARDING', 'DOCKER-PRIVILEGED'].map((c, i) => finding(c, `/r/${i}`, {}, 'mx-1'));
    saveRun(store, { id: 'mx-1a', hostId: mx.id, name: 'mx-1', address: '10.9.0.5', startedAt: '2026-02-10T08:00:00.000Z', findings: fs1.slice(0, 4) });
    saveRun(store, { id: 'mx-1b', hostId: mx.id, name: 'mx-1', address: '10.9.0.5', startedAt: '2026-02-11T08:00:00.000Z', findings: fs1.slice(1) });
    setStatus(store, 'mx-1b', fs1[2]!.id, 'accepted');
    setStatus(store, 'mx-1a', fs1[3]!.id, 'fixed');
    // The newest run before mx-1c failed: the diff compares with it, the score change with mx-1b.
    store.saveRun({ id: 'mx-1x', hostId: mx.id, hostName: 'mx-1', address: '10.9.0.5', port: 2222, startedAt: '2026-02-12T08:00:00.000Z', finishedAt: null, status: 'failed', os: null, score: null, errors: [], execCount: 0, durationMs: 1, checks: [], findings: [] });
    const c = saveRun(store, { id: 'mx-1c', hostId: mx.id, name: 'mx-1', address: '10.9.0.5', startedAt: '2026-02-13T08:00:00.000Z', findings: [fs1[0]!, fs1[2]!, fs1[4]!] });
    store.db.prepare("UPDATE audit_runs SET status = 'partial' WHERE id = ?").run(c);
    // A second run of the target without a profile, and another such target.
    saveRun(store, { id: 'run-other-2', hostId: null, name: '10.9.0.3', address: '10.9.0.3', startedAt: '2026-02-28T10:00:00.000Z', findings: [finding('SSH-PASSWORD-AUTH', 'sshd:/etc/ssh/sshd_config:PasswordAuthentication', {}, '10.9.0.3'), finding('BACKUP-STALE', '/b', {}, '10.9.0.3')] });
    saveRun(store, { id: 'run-third', hostId: null, name: 'alpha', address: '10.9.0.8', startedAt: '2026-02-27T10:00:00.000Z', findings: [finding('BACKUP-STALE', '/b', {}, 'alpha')] });
    store.saveRun({
      targetKind: 'domain', hostId: null, hostName: 'example.test', address: 'example.test', port: 0, startedAt: '2026-02-28T10:00:00.000Z',
      finishedAt: null, status: 'complete', os: null, score: null, errors: [], execCount: 0, durationMs: 1, checks: [], findings: [],
    });
    const fleet = fleetDashboard(store, NOW);
    expect(fleet).toEqual(fleetTheLongWay(store, NOW));
    // The cases are there.
    const mxHost = fleet.hosts.find((h) => h.name === 'mx-1')!;
    expect(mxHost.sinceLast?.previousRunId).toBe('mx-1x');
    expect(mxHost.scoreChange?.previousRunId).toBe('mx-1b');
    expect(fleet.hosts.map((h) => h.name)).toEqual(['db-1', 'mx-1', 'web-1', '10.9.0.3', 'alpha']);
  });

  it('is equal on a seeded fleet of the bench\'s shape with statuses mixed (every kind of change present)', () => {
    const store = filled.store;
    const checks = CHECKS.filter((c) => c.category !== 'mail');
    const statuses = ['open', 'accepted', 'false-positive', 'fixed'];
    for (let h = 0; h < 5; h++) {
      const name = `host-${h}`;
      const id = store.addHost({ name, address: `10.9.1.${h}`, port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' }).id;
      const make = (i: number) => finding(checks[(i * 7 + h) % checks.length]!.id, `/srv/app-${i}`, {}, name);
      const latest = Array.from({ length: 200 }, (_, i) => make(i));
      const before = [...latest.filter((_, i) => i % 10 !== 3), ...Array.from({ length: 10 }, (_, i) => make(200 + i))];
      saveRun(store, { id: `${name}-1`, hostId: id, name, address: `10.9.1.${h}`, startedAt: `2026-02-0${h + 1}T09:00:00.000Z`, findings: before });
      saveRun(store, { id: `${name}-2`, hostId: id, name, address: `10.9.1.${h}`, startedAt: `2026-02-0${h + 1}T10:00:00.000Z`, findings: latest });
      before.forEach((f, i) => i % 7 === 1 && setStatus(store, `${name}-1`, f.id, statuses[(i + h) % 4]!));
      latest.forEach((f, i) => i % 5 === 2 && setStatus(store, `${name}-2`, f.id, statuses[(i + h) % 4]!));
      store.db.prepare('UPDATE findings SET regressed_in = run_id WHERE run_id = ? AND rowid % 9 = 0').run(`${name}-2`);
    }
    const fleet = fleetDashboard(store, NOW);
    expect(fleet).toEqual(fleetTheLongWay(store, NOW));
    const seeded = fleet.hosts.filter((h) => h.name.startsWith('host-'));
    expect(seeded).toHaveLength(5);
    for (const h of seeded) {
      expect(h.sinceLast!.new).toBeGreaterThan(0);
      expect(h.sinceLast!.resolved).toBeGreaterThan(0);
      expect(h.sinceLast!.regressed).toBeGreaterThan(0);
      expect(h.scoreChange!.partCount).toBeGreaterThan(0);
    }
  });
});
