// What the `rampart fix` lab tests share: the SIGKILL-mid-job runner, the on-disk file state
// (hash, mode, owner), dropping a lab host's SSH connections, and the cleanup of their backups.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { z } from 'zod';
import type { LabDocker } from '../../lab/docker';
import type { LabHost } from '../../lab/lab';
import { listPids, procStat } from '../../lab/proc';
import type { Run } from '../../src/main/remediation/compose/remote';
import { Store } from '../../src/main/store/store';
import { BIN, ROOT, VERSION } from './cliContract';

export const BACKUP_ROOT = '/var/lib/rampart/backups';

// The `rampart fix --format json` contract, written here independently of src/cli/fix.ts.
const STEP = z.strictObject({ name: z.string(), status: z.string(), detail: z.string() });
const FIX = z.strictObject({
  findingId: z.string(),
  checkId: z.string(),
  fixId: z.string().nullable(),
  resource: z.string(),
  status: z.enum(['planned', 'applied', 'rolled-back', 'rollback-incomplete', 'refused', 'not-run']),
  steps: z.array(STEP),
  diff: z.string().nullable(),
  verification: z.strictObject({ checksRerun: z.array(z.string()), stillFailing: z.array(z.string()) }),
});
const REPORT_FIELDS = {
  tool: z.literal('rampart'),
  version: z.literal(VERSION),
  jobId: z.uuid().nullable(),
  host: z.strictObject({ name: z.string(), address: z.string(), port: z.number().int(), username: z.string() }),
  fixes: z.array(FIX),
};
/** The report of a job that stops at its first failure (no `partial`). */
export const FIX_REPORT = z.strictObject({ ...REPORT_FIELDS, status: z.enum(['applied', 'rolled-back', 'rollback-incomplete', 'dry-run', 'refused']) });
export type FixReport = z.infer<typeof FIX_REPORT>;
/** The report under `--on-failure stop|continue`, which may end `partial`. */
export const POLICY_FIX_REPORT = z.strictObject({ ...REPORT_FIELDS, status: z.enum(['applied', 'partial', 'rolled-back', 'rollback-incomplete', 'dry-run', 'refused']) });
export type PolicyFixReport = z.infer<typeof POLICY_FIX_REPORT>;

export interface Snap {
  mode: number;
  uid: number;
  gid: number;
  sha256: string | null;
}
/** What the file is on disk (lab hosts share the machine's filesystem). */
export function snap(p: string): Snap {
  const s = lstatSync(p);
  return { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, sha256: s.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : null };
}

/** Drops every SSH connection to the lab host (kills its sshd's per-connection children by pid). */
export function dropConnections(host: Pick<LabHost, 'pid'>): number {
  const kids = listPids().filter((p) => procStat(p)?.ppid === host.pid);
  for (const p of kids) process.kill(p, 'SIGKILL');
  return kids.length;
}

/**
 * Processes of a job's dead-man timers still running (a zombie waiting for PID 1 to reap it is
 * not). The timer's argv names its script as one argument: a session shell whose command text
 * merely mentions the path does not count.
 */
export function deadmanTimerPids(jobId: string): number[] {
  return listPids().filter((p) => {
    if (procStat(p)?.state === 'Z') return false;
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8')
        .split('\0')
        .some((a) => a.startsWith(`${BACKUP_ROOT}/${jobId}/deadman-`) && /\/deadman-\d+\.sh$/.test(a));
    } catch {
      return false;
    }
  });
}

/** Backups of these jobs only; the parents only if nothing else is left in them. */
export function removeJobBackups(jobs: Iterable<string>): void {
  for (const j of jobs) rmSync(path.join(BACKUP_ROOT, j), { recursive: true, force: true });
  for (const d of [BACKUP_ROOT, path.dirname(BACKUP_ROOT)]) {
    try {
      if (existsSync(d) && readdirSync(d).length === 0) rmdirSync(d);
    } catch {
      /* another job's backups */
    }
  }
}

/**
 * Starts `rampart fix` held before a step, waits until it holds (at most holdTimeoutMs), SIGKILLs it;
 * returns the unfinished job found in the journal `db` (added to `jobs`).
 */
export async function killMidJob(opts: { args: readonly string[]; hold: string; db: string; jobs: Set<string>; holdTimeoutMs: number }): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, RAMPART_TEST_HOLD_BEFORE_STEP: opts.hold };
  delete env.SSH_AUTH_SOCK;
  const child = spawn(process.execPath, [BIN, ...opts.args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no hold: ${err}`)), opts.holdTimeoutMs);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('test hold before step')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`exited before the hold: ${err}`)));
  });
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
  const store = new Store(opts.db);
  try {
    const row = store.db.prepare("SELECT id FROM remediation_jobs WHERE status IN ('applying', 'verifying', 'rolling-back') ORDER BY created_at DESC LIMIT 1").get() as { id: string } | undefined;
    expect(row, 'an unfinished job in the journal').toBeDefined();
    opts.jobs.add(row!.id);
    return row!.id;
  } finally {
    store.close();
  }
}

/**
 * A local `sh -c` per command against the lab dockerd, run in `cwd`; each command is passed to
 * onCommand first. PATH without /usr/local/bin: the Debian docker CLI matches the lab daemon.
 */
export function labDockerShell(d: LabDocker, cwd: string, onCommand: (command: string) => void = () => undefined): Run {
  return (command) =>
    new Promise((resolve) => {
      onCommand(command);
      const child = spawn('/bin/sh', ['-c', command], {
        cwd,
        env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', DOCKER_HOST: d.dockerHost, DOCKER_CONFIG: path.join(d.dir, 'cli-config'), HOME: path.join(d.dir, 'cli-config'), LC_ALL: 'C.UTF-8' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('close', (code) => resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code: code ?? 1 }));
    });
}
