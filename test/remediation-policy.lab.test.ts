// `rampart fix --on-failure rollback-all|stop|continue` against a real lab host: a three-fix plan
// (a world-readable secret, a readable backup folder with a readable dump in it, another secret)
// where the second fix fails on the host for real: its folder is immutable (chattr +i), so the
// dump's chmod succeeds and the folder's chmod is refused by the kernel (EPERM), and that fix must
// undo its own first change. Under each policy the files (hash, mode, owner) end exactly as the
// policy says, with the exit status, the JSON status, each fix's status, the triage and the journal.
// Then a `rampart fix --on-failure stop` SIGKILLed mid-job: --resume goes on under stop, and
// --rollback undoes everything the job applied; and one SIGKILLed during the failing fix's own
// rollback: --resume finishes that rollback and keeps the verified fix.
// Needs root; skipped without the lab prerequisites unless RAMPART_LAB_REQUIRED=1.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { canary, plantDir, plantFile, plantRootOf } from '../lab/plant';
import { findingKey } from '../src/main/audit/engine';
import { Store } from '../src/main/store/store';
import { BIN, exec, type Result } from './support/cliContract';
import { killMidJob as killMidJobIn, removeJobBackups, snap, type Snap, POLICY_FIX_REPORT as REPORT, type PolicyFixReport as Report } from './support/remediation';

const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';

/** Three fixes in this order: a secret (a.env), a backup folder (its dump, then itself), another secret (c.env). */
interface Trio {
  a: string;
  dump: string;
  bk: string;
  c: string;
  ids: [string, string, string];
  before: Map<string, Snap>;
}

describe.skipIf(!labAvailable)(`rampart fix --on-failure on a lab host${pre.ok ? '' : ` (${pre.reason})`}`, { timeout: 300_000 }, () => {
  let host: LabHost;
  let dir: string;
  let db: string;
  let srv: string;
  const jobs = new Set<string>();
  const immutable = new Set<string>();
  const conn = (): string[] => ['--host', `${host.user}@${host.address}:${host.port}`, '--identity', host.identityFile, '--accept-new-host-key', '--scan-root', srv, '--db', db];
  const id = (checkId: string, resource: string): string => findingKey(`${host.address}:${host.port}`, checkId, resource);

  async function cli(args: readonly string[]): Promise<Result & { report: Report }> {
    const r = await exec(process.execPath, [BIN, ...args], 180_000);
    expect(r.stdout.trim().startsWith('{'), `${r.stdout}\n${r.stderr}`).toBe(true);
    const report = REPORT.parse(JSON.parse(r.stdout));
    if (report.jobId) jobs.add(report.jobId);
    return { ...r, report };
  }

  function trio(tag: string): Trio {
    const secret = (rel: string): string => plantFile(path.join(srv, tag, rel), `API_TOKEN=${canary('policy')}\n`, { mode: 0o644, uid: 1234, gid: 1234 });
    const a = secret('a.env');
    const bk = plantDir(path.join(srv, tag, 'backups'), { mode: 0o755 });
    const dump = plantFile(path.join(bk, 'db.sql.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 7, 7, 7]), { mode: 0o644 });
    const c = secret('c.env');
    return {
      a,
      dump,
      bk,
      c,
      ids: [id('SECRET-FILE-READABLE', `file:${a}`), id('BACKUP-READABLE', `backup:${bk}`), id('SECRET-FILE-READABLE', `file:${c}`)],
      before: new Map([a, dump, bk, c].map((f) => [f, snap(f)])),
    };
  }

  /** The backup folder's chmod fails on the host: the kernel refuses to change an immutable inode. */
  function makeImmutable(p: string): void {
    execFileSync('chattr', ['+i', p]);
    immutable.add(p);
  }
  function makeMutable(p: string): void {
    execFileSync('chattr', ['-i', p]);
    immutable.delete(p);
  }

  const selection = (t: Trio): string[] => t.ids.flatMap((i) => ['--finding', i]);
  const statuses = (r: Report): string[] => r.fixes.map((f) => f.status);
  const triage = (findingId: string): { status: string; reason: string | null } | null => {
    const store = new Store(db);
    try {
      const t = store.getTriage(findingId);
      return t ? { status: t.status, reason: t.reason ?? null } : null;
    } finally {
      store.close();
    }
  };
  const journal = (jobId: string): { onFailure: string; status: string; fixes: Array<[number, string]> } => {
    const store = new Store(db);
    try {
      const job = store.db.prepare('SELECT on_failure, status FROM remediation_jobs WHERE id = ?').get(jobId) as { on_failure: string; status: string };
      const fixes = (store.db.prepare('SELECT fix_index, status FROM remediation_fixes WHERE job_id = ? ORDER BY fix_index').all(jobId) as Array<{ fix_index: number; status: string }>).map(
        (r) => [r.fix_index, r.status] as [number, string],
      );
      return { onFailure: job.on_failure, status: job.status, fixes };
    } finally {
      store.close();
    }
  };

  let trios: Record<'all' | 'stop' | 'cont' | 'kill' | 'undo', Trio>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-fix-policy-'));
    db = path.join(dir, 'rampart.db');
    host = await createLabHost({ scenario: 'hardened' });
    const root = plantRootOf(host.name);
    plantDir(path.dirname(root), { mode: 0o755 });
    plantDir(root, { mode: 0o755 });
    srv = plantDir(path.join(root, 'srv'), { mode: 0o755 });
    trios = { all: trio('all'), stop: trio('stop'), cont: trio('cont'), kill: trio('kill'), undo: trio('undo') };
    // One audit into the database: its findings are what the fixes mark fixed.
    const audit = await exec(process.execPath, [BIN, 'audit', ...conn(), '--format', 'json', '--fail-on', 'none'], 180_000);
    expect(audit.code, audit.stderr).toBe(0);
    const found = new Set((JSON.parse(audit.stdout) as { findings: Array<{ id: string }> }).findings.map((f) => f.id));
    for (const t of Object.values(trios)) for (const i of t.ids) expect(found.has(i), i).toBe(true);
  }, 240_000);

  afterAll(async () => {
    for (const p of [...immutable]) {
      try {
        makeMutable(p);
      } catch {
        /* gone */
      }
    }
    if (host) await destroyLabHost(host).catch(() => undefined);
    if (host) rmSync(plantRootOf(host.name), { recursive: true, force: true });
    removeJobBackups(jobs);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rollback-all (the default): fix 2 fails on the host, every fix is undone, the files are as before, exit 1', async () => {
    const t = trios.all;
    makeImmutable(t.bk);
    try {
      const r = await cli(['fix', ...conn(), ...selection(t), '--yes', '--format', 'json']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.report.status).toBe('rolled-back');
      expect(statuses(r.report)).toEqual(['rolled-back', 'rolled-back', 'not-run']);
      // Fix 1 had been applied and verified before fix 2 failed: undone all the same.
      expect(r.report.fixes[0]!.steps.find((s) => s.name === 'verify')!.status).toBe('done');
      expect(r.report.fixes[0]!.steps.find((s) => s.name.startsWith('chmod-chown'))!.status).toBe('undone');
      // Fix 2's own first change (the dump) was made, then undone.
      const f2 = r.report.fixes[1]!.steps.filter((s) => s.name.startsWith('chmod-chown'));
      expect(f2.map((s) => [s.name, s.status])).toEqual([
        [`chmod-chown ${JSON.stringify(t.dump)}`, 'undone'],
        [`chmod-chown ${JSON.stringify(t.bk)}`, 'undone'],
      ]);
      expect(r.stderr).toMatch(/Operation not permitted/);
      for (const [f, s] of t.before) expect(snap(f), f).toEqual(s);
      expect(journal(r.report.jobId!)).toEqual({
        onFailure: 'rollback-all',
        status: 'rolled-back',
        fixes: [
          [0, 'rolled-back'],
          [1, 'rolled-back'],
          [2, 'not-run'],
        ],
      });
      for (const i of t.ids) expect(triage(i)?.status ?? 'open').toBe('open');
    } finally {
      makeMutable(t.bk);
    }
  });

  it('stop: fix 1 stays applied, verified and marked fixed; fix 2 is undone to its pre-state; fix 3 is not run; status partial, exit 1', async () => {
    const t = trios.stop;
    makeImmutable(t.bk);
    try {
      const r = await cli(['fix', ...conn(), ...selection(t), '--on-failure', 'stop', '--yes', '--format', 'json']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.report.status).toBe('partial');
      expect(statuses(r.report)).toEqual(['applied', 'rolled-back', 'not-run']);
      expect(r.report.fixes[0]!.verification.stillFailing).toEqual([]);
      expect(r.report.fixes[1]!.steps.find((s) => s.name === `chmod-chown ${JSON.stringify(t.dump)}`)!.status).toBe('undone');
      expect(r.report.fixes[2]!.steps.filter((s) => s.name !== 'backup').map((s) => s.status)).toEqual(['pending', 'pending']);
      // The files: fix 1 applied, fix 2 back as before (hash, mode, owner), fix 3 untouched.
      expect(snap(t.a)).toEqual({ ...t.before.get(t.a)!, mode: 0o600 });
      for (const f of [t.dump, t.bk, t.c]) expect(snap(f), f).toEqual(t.before.get(f));
      // stderr names each fix and where it stands.
      expect(r.stderr).toContain(`not every fix of job ${r.report.jobId} was applied (--on-failure stop)`);
      expect(r.stderr).toContain(`applied and verified (1): SECRET-FILE-READABLE ${JSON.stringify(`file:${t.a}`)}`);
      expect(r.stderr).toContain(`rolled back, as before the job (1): BACKUP-READABLE ${JSON.stringify(`backup:${t.bk}`)}`);
      expect(r.stderr).toContain(`not run, nothing changed (1): SECRET-FILE-READABLE ${JSON.stringify(`file:${t.c}`)}`);
      expect(journal(r.report.jobId!)).toEqual({
        onFailure: 'stop',
        status: 'partial',
        fixes: [
          [0, 'verified'],
          [1, 'rolled-back'],
          [2, 'not-run'],
        ],
      });
      expect(triage(t.ids[0])).toMatchObject({ status: 'fixed' });
      expect(triage(t.ids[0])!.reason).toContain(r.report.jobId!);
      expect(triage(t.ids[1])?.status ?? 'open').toBe('open');
      expect(triage(t.ids[2])?.status ?? 'open').toBe('open');
      // A partial job is finished: it does not block the next fix on the host.
      const dry = await cli(['fix', ...conn(), '--finding', t.ids[2], '--dry-run', '--format', 'json']);
      expect(dry.code, dry.stderr).toBe(0);
    } finally {
      makeMutable(t.bk);
    }
  });

  it('continue: fixes 1 and 3 applied, fix 2 undone; --rollback of the partial job puts everything back and reopens the findings', async () => {
    const t = trios.cont;
    makeImmutable(t.bk);
    const r = await cli(['fix', ...conn(), ...selection(t), '--on-failure', 'continue', '--yes', '--format', 'json']).finally(() => makeMutable(t.bk));
    const jobId = r.report.jobId!;
    expect(r.code, r.stderr).toBe(1);
    expect(r.report.status).toBe('partial');
    expect(statuses(r.report)).toEqual(['applied', 'rolled-back', 'applied']);
    expect(snap(t.a)).toEqual({ ...t.before.get(t.a)!, mode: 0o600 });
    expect(snap(t.c)).toEqual({ ...t.before.get(t.c)!, mode: 0o600 });
    for (const f of [t.dump, t.bk]) expect(snap(f), f).toEqual(t.before.get(f));
    expect(journal(jobId)).toEqual({
      onFailure: 'continue',
      status: 'partial',
      fixes: [
        [0, 'verified'],
        [1, 'rolled-back'],
        [2, 'verified'],
      ],
    });
    expect(triage(t.ids[0])?.status).toBe('fixed');
    expect(triage(t.ids[2])?.status).toBe('fixed');
    const back = await cli(['fix', ...conn(), '--rollback', jobId, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.report.status).toBe('rolled-back');
    expect(statuses(back.report)).toEqual(['rolled-back', 'rolled-back', 'rolled-back']);
    for (const [f, s] of t.before) expect(snap(f), f).toEqual(s);
    expect(triage(t.ids[0])?.status).toBe('open');
    expect(triage(t.ids[2])?.status).toBe('open');
  });

  /** Starts `rampart fix` held before a step, waits until it holds, SIGKILLs it; returns the job id. */
  const killMidJob = (args: readonly string[], hold: string): Promise<string> => killMidJobIn({ args, hold, db, jobs, holdTimeoutMs: 150_000 });

  it('SIGKILL mid-job under stop: --resume goes on under stop (fix 2 fails: undone, fix 3 not run); killed again, --rollback undoes everything applied', async () => {
    const t = trios.kill;
    // Steps: 0 backup, 1 chmod a.env, 2 verify, 3 chmod dump, 4 chmod folder, 5 verify, 6 chmod c.env, 7 verify.
    // Killed before the folder's chmod: fix 1 verified, the dump already 0600.
    const job1 = await killMidJob(['fix', ...conn(), ...selection(t), '--on-failure', 'stop', '--yes', '--format', 'json'], 'chmod@4');
    expect(snap(t.a).mode).toBe(0o600);
    expect(snap(t.dump).mode).toBe(0o600);
    expect(journal(job1)).toEqual({
      onFailure: 'stop',
      status: 'applying',
      fixes: [
        [0, 'verified'],
        [1, 'applying'],
        [2, 'pending'],
      ],
    });
    // The folder's chmod now fails on the host: resumed under the job's policy (stop).
    makeImmutable(t.bk);
    try {
      const resumed = await cli(['fix', ...conn(), '--resume', job1, '--format', 'json']);
      expect(resumed.code, resumed.stderr).toBe(1);
      expect(resumed.report.status).toBe('partial');
      expect(statuses(resumed.report)).toEqual(['applied', 'rolled-back', 'not-run']);
      expect(snap(t.a)).toEqual({ ...t.before.get(t.a)!, mode: 0o600 });
      for (const f of [t.dump, t.bk, t.c]) expect(snap(f), f).toEqual(t.before.get(f));
    } finally {
      makeMutable(t.bk);
    }
    // --rollback of that partial job: fix 1 undone too.
    const back1 = await cli(['fix', ...conn(), '--rollback', job1, '--format', 'json']);
    expect(back1.code, back1.stderr).toBe(0);
    for (const [f, s] of t.before) expect(snap(f), f).toEqual(s);

    // Killed again at the same point; this time --rollback: whatever the policy, everything the
    // job applied (fix 1, and fix 2's first chmod) is undone.
    const job2 = await killMidJob(['fix', ...conn(), ...selection(t), '--on-failure', 'stop', '--yes', '--format', 'json'], 'chmod@4');
    expect(snap(t.a).mode).toBe(0o600);
    expect(snap(t.dump).mode).toBe(0o600);
    const back2 = await cli(['fix', ...conn(), '--rollback', job2, '--format', 'json']);
    expect(back2.code, back2.stderr).toBe(0);
    expect(back2.report.status).toBe('rolled-back');
    expect(statuses(back2.report)).toEqual(['rolled-back', 'rolled-back', 'not-run']);
    for (const [f, s] of t.before) expect(snap(f), f).toEqual(s);
    expect(journal(job2).status).toBe('rolled-back');
    expect(triage(t.ids[0])?.status ?? 'open').toBe('open');
  });

  it('SIGKILL during the failing fix\'s own rollback under stop: --resume finishes that rollback (fix 1 stays, fix 3 not run), then --rollback undoes the rest', async () => {
    const t = trios.undo;
    makeImmutable(t.bk);
    let job: string;
    try {
      // Fix 2: the dump's chmod (step 3) done, the folder's (step 4) refused by the kernel; its own
      // undo runs newest first (4, then 3): killed before the dump is put back.
      job = await killMidJob(['fix', ...conn(), ...selection(t), '--on-failure', 'stop', '--yes', '--format', 'json'], 'chmod:undo@3');
    } finally {
      makeMutable(t.bk);
    }
    expect(snap(t.dump).mode).toBe(0o600);
    expect(journal(job)).toEqual({
      onFailure: 'stop',
      status: 'applying',
      fixes: [
        [0, 'verified'],
        [1, 'rolling-back'],
        [2, 'pending'],
      ],
    });
    const resumed = await cli(['fix', ...conn(), '--resume', job, '--format', 'json']);
    expect(resumed.code, resumed.stderr).toBe(1);
    expect(resumed.report.status).toBe('partial');
    expect(statuses(resumed.report)).toEqual(['applied', 'rolled-back', 'not-run']);
    expect(snap(t.a)).toEqual({ ...t.before.get(t.a)!, mode: 0o600 });
    for (const f of [t.dump, t.bk, t.c]) expect(snap(f), f).toEqual(t.before.get(f));
    expect(triage(t.ids[0])?.status).toBe('fixed');
    const back = await cli(['fix', ...conn(), '--rollback', job, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    for (const [f, s] of t.before) expect(snap(f), f).toEqual(s);
    expect(triage(t.ids[0])?.status).toBe('open');
  });
});
