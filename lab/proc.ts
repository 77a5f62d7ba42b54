// Process helpers shared by the lab's hosts (lab.ts), topologies (topology.ts) and Docker engines
// (docker.ts): running a command with a bounded time, /proc readings, bounded waits, and cleanup
// when the owning process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  input?: string;
  /** Killed (SIGKILL) after this long; the result's code is then 124. Default 30 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs a command to completion (never through a shell), with a bounded time. Never rejects. */
export function runCommand(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolvePromise) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env, ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    } catch (err) {
      resolvePromise({ stdout: '', stderr: errorMessage(err), code: 127 });
      return;
    }
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => errOut.push(d));
    const finish = (code: number, extra = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errOut).toString('utf8') + extra, code });
    };
    child.on('error', (err) => finish(127, errorMessage(err)));
    child.on('close', (code, signal) => {
      if (timedOut) finish(124, `\n[timed out after ${timeoutMs} ms: ${file} ${args.join(' ')}]`);
      else finish(code ?? (signal ? 128 : 1), signal ? `\n[killed by ${signal}]` : '');
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(opts.input ?? '');
  });
}

/** Like runCommand() but throws with the command's stderr when it fails. */
export async function mustRun(file: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await runCommand(file, args, opts);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

export function firstExisting(paths: readonly string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Fields 3 (state), 4 (ppid) and 22 (starttime) of /proc/PID/stat; undefined when it is gone. */
export function procStat(pid: number): { state: string; ppid: number; startTime: string } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its last ')'.
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '', ppid: Number(rest[1]), startTime: rest[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** Every process id in /proc except this process's own ([] if /proc cannot be read). */
export function listPids(): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => pid !== process.pid);
}

/** Alive = exists and is not a zombie. */
export function procAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  const st = procStat(pid);
  return st !== undefined && st.state !== 'Z' && st.state !== 'X';
}

/** Start time in clock ticks since boot ('' when gone): tells a pid apart from its reuse. */
export function procStartTime(pid: number): string {
  return procStat(pid)?.startTime ?? '';
}

export function procCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Waits until none of `pids` is alive or `timeoutMs` passes; returns those still alive. */
export async function waitGone(pids: readonly number[], timeoutMs: number, pollMs = 20): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(procAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(pollMs);
    alive = alive.filter(procAlive);
  }
  return alive;
}

const cleanups = new Set<() => void>();
let hooked = false;

function runCleanups(): void {
  for (const c of [...cleanups]) {
    try {
      c();
    } catch {
      /* best effort: the others still run */
    }
  }
}

/**
 * Runs `cleanup` (synchronous) when this process exits, and on SIGINT / SIGTERM / SIGHUP; once per
 * cleanup function. One handler serves every cleanup, so that after a signal nobody else handles,
 * the process still dies by it, as it would have without the handler.
 */
export function onProcessExit(cleanup: () => void): void {
  cleanups.add(cleanup);
  if (hooked) return;
  hooked = true;
  process.on('exit', runCleanups);
  if (!isMainThread) return; // signals are not delivered to worker threads
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      runCleanups();
      if (process.listenerCount(sig) <= 1) {
        process.removeListener(sig, handler);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, handler);
  }
}
