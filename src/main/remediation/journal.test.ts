// The fix journal on a real SQLite file: a job and its steps are recorded together, steps move
// pending → running → done/failed, unfinished jobs are found after the process is gone, and the
// rows hold paths, modes and hashes only.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/db';
import { Store } from '../store/store';
import { buildSteps } from './engine';
import { Journal } from './journal';
import type { Plan } from './types';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-journal-'));
  file = path.join(dir, 'r.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function plan(jobId: string, address = '192.0.2.10'): Plan {
  return {
    jobId,
    host: { hostId: null, name: 'web', address, port: 22, username: 'root' },
    createdAt: new Date().toISOString(),
    backupDir: `/var/lib/rampart/backups/${jobId}`,
    findingsBefore: ['f1'],
    fixes: [
      {
        fixId: 'secret-file-private',
        checkId: 'SECRET-FILE-READABLE',
        findingId: 'f1',
        resource: 'file:/srv/app/.env',
        severity: 'critical',
        title: 't',
        risk: 'low',
        targets: [{ path: '/srv/app/.env', pre: { kind: 'present', type: 'f', mode: 0o644, uid: 1000, gid: 1000, sha256: 'b'.repeat(64) }, post: { mode: 0o600, uid: 1000, gid: 1000 }, reason: 'r' }],
        recheck: { checks: ['SECRET-FILE-READABLE'], sections: ['secretFiles', 'accounts'] },
      },
    ],
  };
}

describe('fix journal', () => {
  it('records the job with its steps, marks steps before and after, and finds unfinished jobs in a new process', () => {
    const p = plan('11111111-1111-4111-8111-111111111111');
    const steps = buildSteps(p);
    expect(steps.map((s) => s.kind)).toEqual(['backup', 'chmod', 'verify']);
    let store = new Store(file);
    const j = new Journal(store.db);
    j.createJob(p, steps, 'alice (--yes)');
    j.stepStarted(p.jobId, 0);
    j.stepFinished(p.jobId, 0, 'done', 'ok');
    j.stepStarted(p.jobId, 1);
    // The process dies here: the chmod is "running" in the journal.
    store.close();

    store = new Store(file);
    const j2 = new Journal(store.db);
    const open = j2.unfinished({ address: '192.0.2.10', port: 22 });
    expect(open.map((x) => [x.id, x.status, x.confirmedBy])).toEqual([[p.jobId, 'applying', 'alice (--yes)']]);
    expect(open[0]!.plan).toEqual(p);
    const rows = j2.steps(p.jobId);
    expect(rows.map((s) => [s.kind, s.status])).toEqual([
      ['backup', 'done'],
      ['chmod', 'running'],
      ['verify', 'pending'],
    ]);
    expect(rows[1]!.pre).toEqual(p.fixes[0]!.targets[0]!.pre);
    expect(rows[1]!.command).toBe(steps[1]!.command);
    expect(j2.unfinished({ address: '192.0.2.11', port: 22 })).toEqual([]);
    j2.setJobStatus(p.jobId, 'rolled-back', 'why');
    expect(j2.unfinished()).toEqual([]);
    expect(j2.getJob(p.jobId)).toMatchObject({ status: 'rolled-back', error: 'why' });
    expect(j2.history({ address: '192.0.2.10', port: 22 }).map((x) => x.id)).toEqual([p.jobId]);
    store.close();
  });

  it('rejects a status the schema does not know, and an unknown job', () => {
    const store = new Store(file);
    try {
      const j = new Journal(store.db);
      const p = plan('22222222-2222-4222-8222-222222222222');
      j.createJob(p, buildSteps(p), null);
      expect(() => j.setJobStatus(p.jobId, 'bogus' as never)).toThrow(/CHECK constraint/);
      expect(() => j.getJob('33333333-3333-4333-8333-333333333333')).toThrow(/No fix job/);
      // Two jobs cannot share an id (each has its own backup folder).
      expect(() => j.createJob(p, buildSteps(p), null)).toThrow(/UNIQUE|PRIMARY/);
    } finally {
      store.close();
    }
    expect(readFileSync(file).length).toBeGreaterThan(0);
  });

  it('records the failure policy and each fix\'s own outcome; a job journaled before v8 keeps its rows and gets rollback-all', () => {
    // A v7 database with a job in it (what an older Rampart left), then opened by this one.
    const old = openDatabase(file, { targetVersion: 7 });
    const p0 = plan('44444444-4444-4444-8444-444444444444');
    old
      .prepare(
        `INSERT INTO remediation_jobs (id, host_name, address, port, username, plan_json, backup_dir, created_at, updated_at, status) VALUES (?, 'web', '192.0.2.10', 22, 'root', ?, ?, 't', 't', 'rolling-back')`,
      )
      .run(p0.jobId, JSON.stringify(p0), p0.backupDir);
    old.prepare(`INSERT INTO remediation_steps (job_id, seq, fix_index, name, kind, command, status) VALUES (?, 1, 0, 'chmod-chown', 'chmod', 'x', 'done')`).run(p0.jobId);
    old.close();
    const store = new Store(file);
    try {
      const j = new Journal(store.db);
      expect(j.getJob(p0.jobId)).toMatchObject({ status: 'rolling-back', onFailure: 'rollback-all' });
      expect(j.steps(p0.jobId).map((s) => [s.seq, s.status])).toEqual([[1, 'done']]);
      expect(j.fixes(p0.jobId)).toEqual([]);
      j.ensureFixes(p0.jobId, 1);
      expect(j.fixes(p0.jobId).map((f) => f.status)).toEqual(['pending']);
      expect(j.unfinished().map((x) => x.id)).toEqual([p0.jobId]);

      const p = plan('55555555-5555-4555-8555-555555555555');
      p.fixes.push({ ...p.fixes[0]!, findingId: 'f2' });
      j.createJob(p, buildSteps(p), 'bob', 'applying', 'stop');
      expect(j.getJob(p.jobId).onFailure).toBe('stop');
      expect(j.fixes(p.jobId).map((f) => [f.fixIndex, f.status])).toEqual([
        [0, 'pending'],
        [1, 'pending'],
      ]);
      j.setFixStatus(p.jobId, 0, 'verified', 'ok');
      j.setFixStatus(p.jobId, 1, 'rolled-back', 'verification failed');
      j.setJobStatus(p.jobId, 'partial');
      expect(j.getJob(p.jobId).status).toBe('partial');
      // partial is a finished state.
      expect(j.unfinished().map((x) => x.id)).not.toContain(p.jobId);
      expect(j.fixes(p.jobId).map((f) => [f.status, f.detail])).toEqual([
        ['verified', 'ok'],
        ['rolled-back', 'verification failed'],
      ]);
      expect(() => j.setFixStatus(p.jobId, 0, 'bogus' as never)).toThrow(/CHECK constraint/);
      expect(() => j.createJob({ ...p, jobId: '66666666-6666-4666-8666-666666666666' }, buildSteps(p), null, 'applying', 'keep-going' as never)).toThrow(/CHECK constraint/);
    } finally {
      store.close();
    }
  });
});
