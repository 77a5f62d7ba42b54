// Data ownership (issue 14 items 6 and 8): settings, backup/restore, retention, the bundle.
// Real SQLite files in a temporary folder, filled through the Store API.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finding, fillStore, NOW, saveRun } from '../../../test/support/reportStore';
import { RampartError } from '../../shared/errors';
import { SCHEMA_VERSION } from '../store/migrations';
import { Store } from '../store/store';
import { getSettings, updateSettings } from './appSettings';
import { backupDatabase, inspectBackup, restoreDatabase } from './backup';
import { buildBundle, importBundle, parseBundle, readBundle, writeBundle } from './bundle';
import { applyRetention, previewRetention } from './retention';

let tmp = '';
const open: Store[] = [];
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-data-'));
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});
const filled = (name = 'a.sqlite3') => {
  const f = fillStore(path.join(tmp, name));
  open.push(f.store);
  return f;
};
const fresh = (name: string): Store => {
  const s = new Store(path.join(tmp, name));
  open.push(s);
  return s;
};
const count = (s: Store, table: string): number => (s.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
const codeOf = async (p: Promise<unknown> | (() => unknown)): Promise<string> => {
  try {
    if (typeof p === 'function') p();
    else await p;
  } catch (e) {
    if (e instanceof RampartError) return e.code;
    throw e;
  }
  return 'no error';
};

describe('settings', () => {
  it('defaults, partial updates, and a bad stored row falls back to the default for that key', () => {
    const s = fresh('s.sqlite3');
    expect(getSettings(s.db)).toEqual({ theme: 'system', retention: { keepRunsPerTarget: null, keepDays: null }, defaultFailOn: 'high' });
    updateSettings(s.db, { theme: 'dark' });
    updateSettings(s.db, { retention: { keepRunsPerTarget: 5, keepDays: null }, defaultFailOn: 'critical' });
    expect(getSettings(s.db)).toEqual({ theme: 'dark', retention: { keepRunsPerTarget: 5, keepDays: null }, defaultFailOn: 'critical' });
    s.db.prepare("UPDATE app_settings SET value_json = '\"purple\"' WHERE key = 'theme'").run();
    expect(getSettings(s.db).theme).toBe('system');
    expect(getSettings(s.db).defaultFailOn).toBe('critical');
  });
});

describe('backup and restore', () => {
  it('backs up the live database (WAL content included) and restores it, keeping a copy of what it replaced', async () => {
    const { store } = filled();
    const backup = path.join(tmp, 'backups', 'b1.sqlite3');
    const r = await backupDatabase(store, backup);
    expect(r.bytes).toBeGreaterThan(0);
    expect(fs.statSync(backup).mode & 0o777).toBe(0o600);
    expect(inspectBackup(backup)).toMatchObject({ schemaVersion: SCHEMA_VERSION, hosts: 1, runs: 4 });
    // Changes after the backup: one host added, one run deleted.
    store.addHost({ name: 'later', address: '10.9.0.50', port: 22, username: 'root', sshdConfigPath: '/etc/ssh/sshd_config' });
    store.db.prepare("DELETE FROM audit_runs WHERE id = 'run-prev'").run();
    const out = await restoreDatabase(store, backup, path.join(tmp, 'backups'), NOW);
    expect(out).toMatchObject({ hosts: 1, runs: 4, fromSchemaVersion: SCHEMA_VERSION, schemaVersion: SCHEMA_VERSION });
    // The live connection sees the restored content.
    expect(store.getRun('run-prev').id).toBe('run-prev');
    expect(store.findHostByName('later')).toBeNull();
    // What was replaced is kept.
    expect(inspectBackup(out.previousSavedTo)).toMatchObject({ hosts: 2, runs: 3 });
    // And the restored database reopens cleanly.
    store.close();
    const again = new Store(store.file);
    open.push(again);
    expect(again.listRuns().length).toBe(4);
  });

  it('a file that is not a Rampart database is refused with a clear error, and nothing changes', async () => {
    const { store } = filled();
    const text = path.join(tmp, 'notes.txt');
    fs.writeFileSync(text, 'hello, this is not a database at all\n');
    const other = path.join(tmp, 'other.sqlite3');
    const o = new Database(other);
    o.exec('CREATE TABLE t (x)');
    o.close();
    const before = count(store, 'audit_runs');
    for (const [file, msg] of [
      [text, /not an SQLite database file/],
      [other, /without Rampart's tables/],
      [path.join(tmp, 'missing.sqlite3'), /no such file/],
    ] as const) {
      const e = await restoreDatabase(store, file, path.join(tmp, 'backups')).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(RampartError);
      expect((e as RampartError).code).toBe('BACKUP_INVALID');
      expect((e as RampartError).message).toMatch(msg);
      expect((e as RampartError).message).toMatch(/Nothing was changed/);
    }
    // A truncated copy of a real database: SQLite's header, then garbage.
    const cut = path.join(tmp, 'cut.sqlite3');
    await backupDatabase(store, path.join(tmp, 'full.sqlite3'));
    const full = fs.readFileSync(path.join(tmp, 'full.sqlite3'));
    fs.writeFileSync(cut, Buffer.concat([full.subarray(0, 4096), Buffer.alloc(8192, 0x5a)]));
    expect(await codeOf(restoreDatabase(store, cut, path.join(tmp, 'backups')))).toBe('BACKUP_INVALID');
    expect(count(store, 'audit_runs')).toBe(before);
    // No pre-restore copy is made for a refused file.
    expect(fs.existsSync(path.join(tmp, 'backups')) ? fs.readdirSync(path.join(tmp, 'backups')) : []).toEqual([]);
  });

  it('a backup from a newer Rampart (schema above ours) is refused as DB_TOO_NEW', async () => {
    const { store } = filled();
    const newer = path.join(tmp, 'newer.sqlite3');
    await backupDatabase(store, newer);
    const n = new Database(newer);
    n.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    n.close();
    const e = (await restoreDatabase(store, newer, path.join(tmp, 'backups')).catch((x: unknown) => x)) as RampartError;
    expect(e.code).toBe('DB_TOO_NEW');
    expect(e.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(count(store, 'audit_runs')).toBe(4);
  });

  it('a backup from an older schema is restored and migrated to the current one', async () => {
    const { store } = filled();
    const oldFile = path.join(tmp, 'old.sqlite3');
    const old = new Store(oldFile, { targetVersion: 9 });
    old.db.prepare("INSERT INTO hosts (name, address, port, username, created_at) VALUES ('old-host', '10.9.0.77', 22, 'root', '2025-01-01T00:00:00Z')").run();
    old.close();
    const out = await restoreDatabase(store, oldFile, path.join(tmp, 'backups'));
    expect(out.fromSchemaVersion).toBe(9);
    expect(store.schemaVersion).toBe(SCHEMA_VERSION);
    expect(store.findHostByName('old-host')?.address).toBe('10.9.0.77');
    expect(count(store, 'audit_runs')).toBe(0);
  });

  it('a backup never overwrites the database itself', async () => {
    const { store } = filled();
    expect(await codeOf(backupDatabase(store, store.file))).toBe('VALIDATION');
    expect(await codeOf(restoreDatabase(store, store.file, tmp))).toBe('VALIDATION');
  });
});

describe('retention', () => {
  it('previews exactly what it deletes; the latest run and triage of findings still present stay', () => {
    const { store, acceptedId, falsePositiveId } = filled();
    // A finding seen only in the oldest run, with a decision: it goes with that run.
    const gone = finding('SSH-X11-FORWARDING', 'sshd:/etc/ssh/sshd_config:X11Forwarding');
    saveRun(store, { id: 'run-oldest', hostId: 1, name: 'web-1', address: '10.9.0.2', startedAt: '2026-02-10T09:00:00.000Z', findings: [gone] });
    store.setTriage({ findingKey: gone.id, status: 'fixed' }, new Date('2026-02-11T00:00:00.000Z'));
    // Setting triage re-scored run-oldest only; set it back to the latest order.
    const off = previewRetention(store.db, { keepRunsPerTarget: null, keepDays: null }, NOW);
    expect(off.deleteRuns).toEqual([]);

    const p = previewRetention(store.db, { keepRunsPerTarget: 2, keepDays: null }, NOW);
    expect(p.deleteRuns.map((r) => r.id)).toEqual(['run-oldest', 'run-prev']);
    expect(p.keptRuns).toBe(3);
    expect(p.orphanTriage).toBe(1);
    expect(p.keptTriage).toBe(2);
    expect(count(store, 'audit_runs')).toBe(5); // a preview deletes nothing

    // Either rule keeps a run: run-other is its target's only (latest) run, kept though older
    // than 1 day; with 5 days, run-latest (≤ 5 days) stays; run-mid stays as one of the newest 2.
    expect(previewRetention(store.db, { keepRunsPerTarget: 1, keepDays: 1 }, NOW).deleteRuns.map((r) => r.id)).toEqual(['run-oldest', 'run-prev', 'run-mid']);
    expect(previewRetention(store.db, { keepRunsPerTarget: null, keepDays: 5 }, NOW).deleteRuns.map((r) => r.id)).toEqual(['run-oldest', 'run-prev', 'run-mid']);
    expect(previewRetention(store.db, { keepRunsPerTarget: 2, keepDays: 5 }, NOW).deleteRuns.map((r) => r.id)).toEqual(['run-oldest', 'run-prev']);
    expect(previewRetention(store.db, { keepRunsPerTarget: 3, keepDays: 5 }, NOW).deleteRuns.map((r) => r.id)).toEqual(['run-oldest']);

    const res = applyRetention(store.db, p.policy, p.deleteRuns.map((r) => r.id), NOW);
    expect(res).toEqual({ deletedRuns: 2, deletedTriage: 1, keptRuns: 3 });
    expect(store.listRuns().map((r) => r.id).sort()).toEqual(['run-latest', 'run-mid', 'run-other']);
    expect(count(store, 'findings')).toBe(count(store, 'findings')); // cascade ran without error
    expect((store.db.prepare("SELECT COUNT(*) AS n FROM findings WHERE run_id IN ('run-oldest','run-prev')").get() as { n: number }).n).toBe(0);
    expect(store.getTriage(gone.id)).toBeNull();
    expect(store.triageLog(gone.id)).toEqual([]);
    expect(store.getTriage(acceptedId)?.status).toBe('accepted');
    expect(store.getTriage(falsePositiveId)?.status).toBe('false-positive');
  });

  it('apply refuses when the runs it would delete changed since the preview, and deletes nothing', () => {
    const { store } = filled();
    const p = previewRetention(store.db, { keepRunsPerTarget: 1, keepDays: null }, NOW);
    expect(p.deleteRuns.map((r) => r.id)).toEqual(['run-prev', 'run-mid']);
    saveRun(store, { id: 'run-newest', hostId: 1, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-01T09:00:00.000Z', findings: [] });
    const e = (() => {
      try {
        applyRetention(store.db, p.policy, p.deleteRuns.map((r) => r.id), NOW);
      } catch (x) {
        return x as RampartError;
      }
      return null;
    })();
    expect(e?.code).toBe('CONFLICT');
    expect(count(store, 'audit_runs')).toBe(5);
  });
});

describe('export/import bundle', () => {
  it('round trip: every run and decision arrives unchanged; importing again adds nothing', () => {
    const { store, acceptedId, falsePositiveId } = filled();
    const file = path.join(tmp, 'bundle.json');
    const w = writeBundle(store, file, { version: '9.9.9', now: NOW });
    expect(w).toMatchObject({ runs: 4, triage: 2 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const target = fresh('b.sqlite3');
    const rep = importBundle(target, readBundle(file), NOW);
    expect(rep).toEqual({ runsAdded: 4, runsSkipped: 0, triageAdded: 2, triageUnchanged: 0, conflicts: [] });
    for (const id of ['run-prev', 'run-mid', 'run-latest', 'run-other']) {
      const { hostId: _a, ...a } = store.getRun(id);
      const { hostId: _b, ...b } = target.getRun(id);
      expect(b).toEqual(a);
    }
    expect(target.getTriage(acceptedId)).toMatchObject({ status: 'accepted', reason: 'VPN-only host; fail2ban adds nothing', expiresAt: '2099-01-01T00:00:00.000Z' });
    expect(target.getTriage(falsePositiveId)?.status).toBe('false-positive');
    expect(target.triageLog(acceptedId)).toEqual(store.triageLog(acceptedId));
    // A bundle exported from the copy is the same bundle (but for the moment and schema).
    expect(buildBundle(target, { version: '9.9.9', now: NOW })).toEqual(buildBundle(store, { version: '9.9.9', now: NOW }));
    expect(importBundle(target, readBundle(file), NOW)).toEqual({ runsAdded: 0, runsSkipped: 4, triageAdded: 0, triageUnchanged: 2, conflicts: [] });
    expect(count(target, 'triage_log')).toBe(count(store, 'triage_log'));
  });

  it('--host limits the bundle to that host; runs attach to a local profile with the same address', () => {
    const { store } = filled();
    const b = buildBundle(store, { host: 'web-1', version: '1' });
    expect(b.runs.map((r) => r.id).sort()).toEqual(['run-latest', 'run-mid', 'run-prev']);
    expect(b.triage).toHaveLength(2);
    expect(buildBundle(store, { host: '10.9.0.3', version: '1' }).runs.map((r) => r.id)).toEqual(['run-other']);
    expect(() => buildBundle(store, { host: 'nope', version: '1' })).toThrow(/No host or run target named nope/);
    const target = fresh('c.sqlite3');
    const h = target.addHost({ name: 'web-one-here', address: '10.9.0.2', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
    importBundle(target, b);
    expect(target.listRuns({ hostId: h.id }).map((r) => r.id).sort()).toEqual(['run-latest', 'run-mid', 'run-prev']);
  });

  it('conflicting decisions: the newer one is kept, both reported, and the run re-scored', () => {
    const { store, acceptedId, falsePositiveId } = filled();
    const target = fresh('d.sqlite3');
    importBundle(target, buildBundle(store, { version: '1' }));
    // Locally (target) the acceptance is reopened later than the source decided it: local newer.
    target.setTriage({ findingKey: acceptedId, status: 'open' }, new Date('2026-02-25T00:00:00.000Z'));
    // In the source the false positive is changed after: bundle newer.
    store.setTriage({ findingKey: falsePositiveId, status: 'open' }, new Date('2026-02-26T00:00:00.000Z'));
    const scoreBefore = target.getRun('run-latest').score!.overall;
    const rep = importBundle(target, buildBundle(store, { version: '1' }), NOW);
    expect(rep.runsSkipped).toBe(4);
    expect(rep.conflicts).toEqual([
      { findingKey: acceptedId, target: 'web-1', checkId: 'NET-FAIL2BAN-MISSING', title: expect.any(String), local: { status: 'open', updatedAt: '2026-02-25T00:00:00.000Z' }, bundle: { status: 'accepted', updatedAt: '2026-02-22T00:00:00.000Z' }, kept: 'local' },
      { findingKey: falsePositiveId, target: 'web-1', checkId: 'SYS-REBOOT-REQUIRED', title: expect.any(String), local: { status: 'false-positive', updatedAt: '2026-02-22T00:00:00.000Z' }, bundle: { status: 'open', updatedAt: '2026-02-26T00:00:00.000Z' }, kept: 'bundle' },
    ]);
    expect(target.getTriage(acceptedId)?.status).toBe('open');
    expect(target.getTriage(falsePositiveId)?.status).toBe('open');
    const latest = target.getRun('run-latest');
    expect(latest.findings.find((f) => f.id === falsePositiveId)?.status).toBe('open');
    expect(latest.score!.overall).toBeLessThan(scoreBefore);
    // Both sides' history is kept.
    expect(target.triageLog(falsePositiveId).map((e) => e.status)).toEqual(['false-positive', 'open']);
  });

  it('bad bundles give a clear error and change nothing', () => {
    const { store } = filled();
    const target = fresh('e.sqlite3');
    const good = buildBundle(store, { version: '1' });
    const snapshot = () => [count(target, 'audit_runs'), count(target, 'findings'), count(target, 'finding_triage'), count(target, 'triage_log')];
    const before = snapshot();
    const bad: Array<[string, RegExp]> = [
      ['{"schema": "rampart.bundle/v1", ', /is not JSON/],
      [JSON.stringify({ ...good, schema: 'other/v9' }), /schema must be "rampart\.bundle\/v1"/],
      [JSON.stringify({ ...good, runs: [good.runs[0], { ...good.runs[1], startedAt: 'yesterday' }] }), /runs\.1\.startedAt/],
      [JSON.stringify({ ...good, triage: [{ ...good.triage[0], reason: null }] }), /accepted risk needs a reason/],
    ];
    for (const [text, msg] of bad) {
      let err: unknown = null;
      try {
        importBundle(target, parseBundle(text, 'x.json'));
      } catch (e) {
        err = e;
      }
      expect((err as RampartError).code).toBe('BUNDLE_INVALID');
      expect((err as RampartError).message).toMatch(msg);
      expect(snapshot()).toEqual(before);
    }
    // The same run twice in one bundle: the second is skipped like any run already present.
    expect(importBundle(target, parseBundle(JSON.stringify({ ...good, runs: [good.runs[0], good.runs[0]], triage: [] })))).toMatchObject({ runsAdded: 1, runsSkipped: 1 });
    target.db.prepare('DELETE FROM audit_runs').run();
    // Valid shape but failing while writing (a finding twice in one run, after a good run): the
    // one transaction rolls the good run back too.
    const r1 = good.runs[1]!;
    const dup = parseBundle(JSON.stringify({ ...good, runs: [good.runs[0], { ...r1, findings: [...r1.findings, r1.findings[0]] }] }));
    expect(() => importBundle(target, dup)).toThrow();
    expect(snapshot()).toEqual(before);
    expect(() => readBundle(path.join(tmp, 'missing.json'))).toThrow(/no such file/);
  });
});
