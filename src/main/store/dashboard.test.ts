// The fleet dashboard query on a real SQLite file filled through the Store API: latest run per
// host (and per target without a profile), findings by severity × status as stored with that run,
// category grades from its score, and the diff against the run before it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOW, fillStore, finding, saveRun, type FilledStore } from '../../../test/support/reportStore';
import { SEVERITIES, type Category } from '../../shared/domain';
import { Fleet } from '../../shared/ipc/dashboard';
import { fleetDashboard } from './dashboard';
import { hostTrend, scoreChangeOf } from './scoreHistory';
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
