// What an audit costs the audited lab host: the CPU time of everything its sshd starts (the
// per-connection sshd, the login shell, the collector script and every program it runs) and the
// number of processes started, plus the CPU time of a long-running daemon (the lab dockerd).
//
// Why this way (see bench/audit.ts):
//  - CPU: the lab host's sshd listener is moved into a cgroup of its own (cgroup v1 `cpuacct`, or
//    the unified v2 hierarchy when that is what the machine has). Children inherit the cgroup, and
//    the cgroup keeps the CPU time of processes that already exited, so even a 2 ms `cat` counts —
//    sampling /proc would miss such processes. usage = cpuacct.usage (ns) or cpu.stat usage_usec.
//  - Processes: cgroups count no forks (pids.peak is the peak of concurrent ones), so a separate
//    pass attaches `strace -f` to the listener and counts every fork/clone that made a process
//    (not a thread: Go programs such as the docker CLI start many) and every successful execve.
//    strace slows the traced processes down, so CPU is never measured in a traced pass.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './proc';

const V1 = '/sys/fs/cgroup/cpuacct';
const V2 = '/sys/fs/cgroup';

export interface CpuReading {
  /** user + system, ms */
  cpuMs: number;
  userMs: number;
  sysMs: number;
}

export interface CpuMeter {
  read(): CpuReading;
  /** Moves the process back to the root cgroup and removes the meter's cgroup. */
  close(): void;
}

const CLK_TCK = 100; // cpuacct.stat is in USER_HZ, 100 on Linux

/** Puts `pid` (and so every process it starts from now on) into a new cgroup that meters CPU. */
export function meterCpu(pid: number): CpuMeter {
  const name = `rampart-meter-${randomBytes(4).toString('hex')}`;
  if (existsSync(join(V1, 'cpuacct.usage'))) {
    const dir = join(V1, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'cgroup.procs'), String(pid));
    return {
      read: () => {
        const stat = Object.fromEntries(
          readFileSync(join(dir, 'cpuacct.stat'), 'utf8')
            .trim()
            .split('\n')
            .map((l) => l.split(' ') as [string, string]),
        );
        const usageNs = Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8'));
        const user = Number(stat.user ?? 0) * (1000 / CLK_TCK);
        const sys = Number(stat.system ?? 0) * (1000 / CLK_TCK);
        // usage is exact (ns); user/sys are tick-sampled: split usage in their proportion.
        const cpuMs = usageNs / 1e6;
        const share = user + sys > 0 ? user / (user + sys) : 1;
        return { cpuMs, userMs: cpuMs * share, sysMs: cpuMs * (1 - share) };
      },
      close: () => {
        try {
          writeFileSync(join(V1, 'cgroup.procs'), String(pid));
        } catch {
          /* gone */
        }
        try {
          rmdirSync(dir);
        } catch {
          /* still has a straggler: left empty-ish, removed by the next boot */
        }
      },
    };
  }
  if (existsSync(join(V2, 'cgroup.controllers'))) {
    const dir = join(V2, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'cgroup.procs'), String(pid));
    return {
      read: () => {
        const stat = Object.fromEntries(
          readFileSync(join(dir, 'cpu.stat'), 'utf8')
            .trim()
            .split('\n')
            .map((l) => l.split(' ') as [string, string]),
        );
        return { cpuMs: Number(stat.usage_usec) / 1000, userMs: Number(stat.user_usec) / 1000, sysMs: Number(stat.system_usec) / 1000 };
      },
      close: () => {
        try {
          writeFileSync(join(V2, 'cgroup.procs'), String(pid));
          rmdirSync(dir);
        } catch {
          /* gone */
        }
      },
    };
  }
  throw new Error('no cgroup hierarchy to meter CPU with (need /sys/fs/cgroup/cpuacct or cgroup v2)');
}

/** CPU time (user + system, ms) of a running process and its threads (not its reaped children). */
export function processCpuMs(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK;
}

export interface ProcessCount {
  /** fork/vfork/clone calls that made a process (threads excluded), in the traced tree. */
  processes: number;
  /** Successful execve calls. */
  execs: number;
  /** Programs exec'd, by basename, most frequent first. */
  programs: Array<[string, number]>;
}

/** Parses an `strace -f -e trace=execve,clone,clone3,fork,vfork` log. */
export function countFromStrace(log: string): ProcessCount {
  const pending = new Map<string, string>();
  let processes = 0;
  let execs = 0;
  const programs = new Map<string, number>();
  for (const raw of log.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(raw);
    if (!m) continue;
    const [, pid, rest0] = m as unknown as [string, string, string];
    let rest = rest0;
    if (rest.endsWith('<unfinished ...>')) {
      pending.set(pid, rest.slice(0, -'<unfinished ...>'.length));
      continue;
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(rest);
    if (resumed) {
      rest = (pending.get(pid) ?? '') + resumed[1];
      pending.delete(pid);
    }
    if (/^(clone3?|v?fork)\(/.test(rest)) {
      if (/CLONE_THREAD/.test(rest)) continue;
      if (/= [1-9]\d*(\s|$)/.test(rest)) processes++;
    } else if (/^execve\(/.test(rest) && /= 0(\s|$)/.test(rest)) {
      execs++;
      const prog = /^execve\("([^"]*)"/.exec(rest)?.[1] ?? '?';
      const base = prog.slice(prog.lastIndexOf('/') + 1);
      programs.set(base, (programs.get(base) ?? 0) + 1);
    }
  }
  return { processes, execs, programs: [...programs].sort((a, b) => b[1] - a[1]) };
}

/**
 * Runs `fn` while `strace -f` follows `pid` (a listener: each connection's tree is traced), then
 * waits `settleMs` for the sessions to end and counts what was started.
 */
export async function countProcesses<T>(pid: number, fn: () => Promise<T>, settleMs = 500): Promise<{ result: T; count: ProcessCount }> {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-strace-'));
  const log = join(dir, 'strace.log');
  let child: ChildProcess | undefined;
  try {
    child = spawn('strace', ['-f', '-e', 'trace=execve,clone,clone3,fork,vfork', '-o', log, '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const attached = new Promise<void>((resolve, reject) => {
      child!.stderr!.on('data', (b: Buffer) => {
        err += b.toString();
        if (/attached/.test(err)) resolve();
      });
      child!.on('exit', (code) => reject(new Error(`strace exited (${code}): ${err.trim()}`)));
      child!.on('error', reject);
    });
    await Promise.race([attached, sleep(5_000).then(() => Promise.reject(new Error(`strace did not attach: ${err.trim()}`)))]);
    const result = await fn();
    await sleep(settleMs);
    const done = new Promise<void>((resolve) => child!.on('exit', () => resolve()));
    child.kill('SIGINT');
    await Promise.race([done, sleep(5_000)]);
    return { result, count: countFromStrace(existsSync(log) ? readFileSync(log, 'utf8') : '') };
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
