// Bench for the host audit (issue 4), against real lab hosts. Prints one JSON object:
//  - oneHost: full audits (runAudit, every check) of the whole-server `hardened` scenario host
//    (lab/scenario.ts: ufw, fail2ban, Postfix, WireGuard, a dockerd with containers, planted files):
//    wall time, SSH exec round trips, and each collector lane run alone (what a host with a core per
//    lane would take: here the lab host, sshd and this process share the machine's cores);
//  - fleet: N lab hosts (default 50) audited at concurrency 16 into one database, as
//    `rampart audit --inventory` does: wall time, complete runs, peak RSS of this process. They are
//    lab/plant.ts 'hardened' hosts (own small apt lists, planted files): plain lab hosts would share
//    this machine's full apt lists, and `apt list --upgradable` over them costs ~1 CPU-second per
//    audit (without writing apt's cache, as the collector must), which 16 audits at once on two
//    cores turn into section timeouts: a cost of the machine, not of the fleet code;
//  - hostCost: what one audit costs the AUDITED host (the goal is ≤ 1.0 CPU-second and ≤ 100
//    processes, issue 15): the lab host's sshd listener is put in a cgroup of its own
//    (lab/hostMeter.ts; cpuacct on cgroup v1, cpu.stat on v2), so the CPU time of every process a
//    session starts is charged there, short-lived ones included (sampling /proc misses them), and is
//    read before/after each audit; dockerd's CPU (/proc/<pid>/stat, its own threads) is reported
//    apart, since the collector's Docker calls make the daemon work too. Processes started are
//    counted in one more audit with `strace -f` attached to the listener (forks that made a
//    process, threads excluded; and execve calls): cgroups count no forks, and strace slows the
//    tree down too much to time it. bySection: each section alone on a fresh connection (CPU from
//    the cgroup, processes from strace), minus a baseline exec that only runs `id -u`, to show
//    where the cost is. The lab host's root has a home of its own (lab/lab.ts), so the build
//    machine's ~/.bashrc is not what gets measured;
//  - lynis: on the same machine in the same run, `lynis audit system --quick` inside an empty
//    network namespace, and the ratio of its wall time to one Rampart audit (skipped with a reason
//    when lynis is not installed: apt-get install --no-install-recommends lynis).
// Needs root (and strace for the process counts). Usage:
//   npm run bench:audit [-- --hosts 50 --concurrency 16 --iterations 5 --no-lynis --no-fleet --no-sections]
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labPrerequisites, type LabHost } from '../lab/lab';
import { createAuditLabHost, destroyAuditLabHost, type AuditLabHost } from '../lab/plant';
import { createScenarioHost, destroyScenarioHost, type ScenarioHost } from '../lab/scenario';
import { runAudit, type AuditTarget } from '../src/main/audit/auditor';
import { buildCollectScript } from '../src/main/audit/collector';
import { ingestTrivyReport } from '../src/main/audit/cve/trivy';
import { runPool } from '../src/main/audit/pool';
import { SessionPool } from '../src/main/ssh/pool';
import { SECTION_SPECS } from '../src/main/audit/sections';
import { countProcesses, meterCpu, processCpuMs, type ProcessCount } from '../lab/hostMeter';
import { connect } from '../src/main/ssh/connection';
import { Store } from '../src/main/store/store';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '16' },
    iterations: { type: 'string', default: '5' },
    'no-lynis': { type: 'boolean', default: false },
    'no-fleet': { type: 'boolean', default: false },
    'no-sections': { type: 'boolean', default: false },
  },
});
const fleetSize = Math.max(1, Number(values.hosts) || 50);
const concurrency = Math.max(1, Number(values.concurrency) || 16);
const iterations = Math.max(1, Number(values.iterations) || 5);

const r1 = (n: number): number => Math.round(n * 10) / 10;
function stats(ms: number[]): { n: number; minMs: number; medianMs: number; maxMs: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, minMs: r1(s[0]!), medianMs: r1(s[Math.floor(s.length / 2)]!), maxMs: r1(s[s.length - 1]!) };
}

function targetOf(h: LabHost, scanRoots: readonly string[] = []): AuditTarget {
  return { hostId: null, name: h.name, address: h.address, port: h.port, username: h.user, identityFile: h.identityFile, sshdConfigPath: h.sshdConfigPath, scanRoots };
}

function run(file: string, args: readonly string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const SETTLE_MS = 400;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
function cpuStats(ms: number[]): { median: number; min: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { median: Math.round(s[Math.floor(s.length / 2)]!), min: Math.round(s[0]!), max: Math.round(s[s.length - 1]!) };
}

/**
 * Each collector section alone (with the uid line every script has), on the scenario host: CPU of
 * the session tree (cgroup, on one connection, median of 3) and processes started (strace, one
 * fresh connection each), minus a baseline that runs only the uid line. Sections that share a
 * lane variable (compose reads docker's exit status) simply run without it.
 */
async function sectionProfile(scenario: ScenarioHost, t: AuditTarget): Promise<Record<string, { cpuMs: number; processes: number; execs: number; programs: string }>> {
  const jobs: Array<[string, string]> = [
    ['(baseline: id -u)', buildCollectScript({ sshdConfigPath: t.sshdConfigPath, scanRoots: t.scanRoots ?? [], only: [], lanes: 1 }).scripts[0]!],
    ['os+sshd', buildCollectScript({ sshdConfigPath: t.sshdConfigPath, scanRoots: t.scanRoots ?? [], only: ['os', 'sshd'], lanes: 1 }).scripts[0]!],
    ...SECTION_SPECS.map((s): [string, string] => [s.fact, buildCollectScript({ sshdConfigPath: t.sshdConfigPath, scanRoots: t.scanRoots ?? [], only: [s.fact], lanes: 1 }).scripts[0]!]),
  ];
  const open = () =>
    connect({ address: t.address, port: t.port, username: t.username, identityFile: t.identityFile! }, { kind: 'accept-new', onAccept: () => undefined });
  const cpu = new Map<string, number>();
  const meter = meterCpu(scenario.host.pid);
  const conn = await open();
  try {
    for (const [name, script] of jobs) {
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const a = meter.read().cpuMs;
        await conn.exec('exec sh -s', { stdin: script, timeoutMs: 120_000 });
        await sleep(50);
        runs.push(meter.read().cpuMs - a);
      }
      cpu.set(name, runs.sort((x, y) => x - y)[1]!);
    }
  } finally {
    conn.close();
    meter.close();
  }
  const counts = new Map<string, ProcessCount>();
  for (const [name, script] of jobs) {
    const { count } = await countProcesses(
      scenario.host.pid,
      async () => {
        const c = await open();
        try {
          await c.exec('exec sh -s', { stdin: script, timeoutMs: 120_000 });
        } finally {
          c.close();
        }
      },
      SETTLE_MS,
    );
    counts.set(name, count);
  }
  const base = counts.get(jobs[0]![0])!;
  const baseCpu = cpu.get(jobs[0]![0])!;
  const out: Record<string, { cpuMs: number; processes: number; execs: number; programs: string }> = {};
  for (const [name] of jobs) {
    const c = counts.get(name)!;
    const isBase = name === jobs[0]![0];
    out[name] = {
      cpuMs: Math.round(isBase ? baseCpu : cpu.get(name)! - baseCpu),
      processes: isBase ? c.processes : c.processes - base.processes,
      execs: isBase ? c.execs : c.execs - base.execs,
      programs: c.programs
        .map(([p, n]) => [p, n - (isBase ? 0 : (base.programs.find(([q]) => q === p)?.[1] ?? 0))] as const)
        .filter(([, n]) => n > 0)
        .map(([p, n]) => `${p}×${n}`)
        .join(' '),
    };
  }
  return out;
}

/** An SSH connection running three empty lanes ('exec sh -s' reading ':'), as the audit opens them. */
async function sessionBaseline(scenario: ScenarioHost, t: AuditTarget): Promise<{ cpuMs: number; processes: number; execs: number; programs: string }> {
  const once = async (): Promise<void> => {
    const c = await connect({ address: t.address, port: t.port, username: t.username, identityFile: t.identityFile! }, { kind: 'accept-new', onAccept: () => undefined });
    try {
      await Promise.all([0, 1, 2].map(() => c.exec('exec sh -s', { stdin: ':\n', timeoutMs: 30_000 })));
    } finally {
      c.close();
    }
  };
  const meter = meterCpu(scenario.host.pid);
  const cpu: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const a = meter.read().cpuMs;
      await once();
      await sleep(SETTLE_MS);
      cpu.push(meter.read().cpuMs - a);
    }
  } finally {
    meter.close();
  }
  const { count } = await countProcesses(scenario.host.pid, once, SETTLE_MS);
  return { cpuMs: cpuStats(cpu).median, processes: count.processes, execs: count.execs, programs: count.programs.map(([p, n]) => `${p}×${n}`).join(' ') };
}

const LYNIS = ['/usr/sbin/lynis', '/usr/bin/lynis'].find((p) => existsSync(p));

/** `lynis audit system --quick` in a fresh, empty network namespace; its log and report go to `dir`. */
async function lynisRun(dir: string): Promise<{ wallMs: number; exitCode: number; hardeningIndex: number | null } | { skipped: string }> {
  if (!LYNIS) return { skipped: 'lynis is not installed (apt-get install --no-install-recommends lynis)' };
  const ns = `rmp-lynis-${randomBytes(3).toString('hex')}`;
  const add = await run('ip', ['netns', 'add', ns], 10_000);
  if (add.code !== 0) return { skipped: `ip netns add failed: ${add.stderr.trim()}` };
  try {
    const report = join(dir, 'lynis-report.dat');
    const t0 = performance.now();
    const r = await run('ip', ['netns', 'exec', ns, LYNIS, 'audit', 'system', '--quick', '--no-colors', '--logfile', join(dir, 'lynis.log'), '--report-file', report], 900_000);
    const wallMs = performance.now() - t0;
    const m = /hardening_index=(\d+)/.exec(existsSync(report) ? (await run('cat', [report], 10_000)).stdout : '');
    return { wallMs: r1(wallMs), exitCode: r.code, hardeningIndex: m ? Number(m[1]) : null };
  } finally {
    await run('ip', ['netns', 'delete', ns], 10_000);
  }
}

async function main(): Promise<void> {
  const pre = labPrerequisites();
  if (!pre.ok) throw new Error(`lab hosts unavailable: ${pre.reason}`);
  const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-audit-'));
  chmodSync(dir, 0o755); // the scenario's Postfix must reach its queue below
  const store = new Store(join(dir, 'bench.sqlite3'));
  let scenario: ScenarioHost | undefined;
  const fleet: AuditLabHost[] = [];
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  try {
    // ---- one host: the whole-server hardened scenario
    scenario = await createScenarioHost('hardened', dir);
    const t = targetOf(scenario.host, scenario.scanRoots);
    const trivyReports = [{ name: 'bench', scans: ingestTrivyReport(scenario.trivyReport) }];
    await runAudit(store, t, { acceptNewHostKey: true, trivyReports }); // pins the key, warms caches
    const wall: number[] = [];
    const hostCpuMs: number[] = [];
    const hostUserMs: number[] = [];
    const hostSysMs: number[] = [];
    const dockerdCpuMs: number[] = [];
    const meter = meterCpu(scenario.host.pid);
    let clientCpuUs = 0;
    let execCount = 0;
    let checks = 0;
    let grade: string | null = null;
    let sectionErrors: string[] = [];
    try {
      for (let i = 0; i < iterations; i++) {
        const h0 = meter.read();
        const d0 = processCpuMs(scenario.docker.pid);
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const runDetail = await runAudit(store, t, { trivyReports });
        wall.push(performance.now() - t0);
        const c = process.cpuUsage(cpu0);
        clientCpuUs += c.user + c.system;
        await sleep(SETTLE_MS); // the session's sshd ends after the connection closes
        const h1 = meter.read();
        hostCpuMs.push(h1.cpuMs - h0.cpuMs);
        hostUserMs.push(h1.userMs - h0.userMs);
        hostSysMs.push(h1.sysMs - h0.sysMs);
        dockerdCpuMs.push(processCpuMs(scenario.docker.pid) - d0);
        execCount = Math.max(execCount, runDetail.execCount);
        checks = runDetail.checks.length;
        grade = runDetail.score?.grade ?? null;
        sectionErrors = runDetail.errors.map((e) => `${e.section}: ${e.message.slice(0, 120)}`);
      }
    } finally {
      meter.close();
    }
    const counted = await countProcesses(scenario.host.pid, () => runAudit(store, t, { trivyReports }), SETTLE_MS);
    const session = await sessionBaseline(scenario, t);
    const bySection = values['no-sections'] ? null : await sectionProfile(scenario, t);
    // Each lane alone, one after the other, on one connection.
    const conn = await connect(
      { address: t.address, port: t.port, username: t.username, identityFile: t.identityFile! },
      { kind: 'accept-new', onAccept: () => undefined },
    );
    const lanesAloneMs: number[] = [];
    try {
      const { scripts } = buildCollectScript({ sshdConfigPath: t.sshdConfigPath, scanRoots: t.scanRoots ?? [] });
      for (const script of scripts) {
        const t0 = performance.now();
        await conn.exec('exec sh -s', { stdin: script, timeoutMs: 120_000 });
        lanesAloneMs.push(r1(performance.now() - t0));
      }
    } finally {
      conn.close();
    }
    const oneHost = {
      scenario: 'hardened (lab/scenario.ts)',
      checks,
      grade,
      wall: stats(wall),
      execRoundTrips: execCount,
      /** CPU of this process (SSH, parsing, checks, SQLite) per audit. */
      clientCpuMsPerAudit: r1(clientCpuUs / 1000 / iterations),
      lanesAloneMs,
      sectionErrors,
      goal: { wallMs: 1500, execRoundTrips: 3 },
      /** On the audited host, per audit: sshd's session tree (cgroup) and, apart, dockerd. */
      hostCost: {
        cpuMs: cpuStats(hostCpuMs),
        userMs: cpuStats(hostUserMs),
        sysMs: cpuStats(hostSysMs),
        dockerdCpuMs: cpuStats(dockerdCpuMs),
        processes: counted.count.processes,
        execs: counted.count.execs,
        programs: Object.fromEntries(counted.count.programs.slice(0, 40)),
        goal: { cpuMs: 1000, processes: 100 },
        /**
         * What any SSH login with three exec channels costs this host without the collector (sshd's
         * per-connection processes, PAM — the lab's hardened sshd has UsePAM yes, so pam_motd runs
         * update-motd — and the login shells); `collector` = the audit minus that.
         */
        sessionOnly: session,
        collector: { cpuMs: Math.round(cpuStats(hostCpuMs).median - session.cpuMs), processes: counted.count.processes - session.processes },
      },
      bySection,
    };
    await destroyScenarioHost(scenario);
    scenario = undefined;

    // ---- fleet
    let fleetResult: Record<string, unknown> | { skipped: string } = { skipped: '--no-fleet' };
    if (!values['no-fleet']) {
      const createStart = performance.now();
      for (let i = 0; i < fleetSize; i += 8) fleet.push(...(await Promise.all(Array.from({ length: Math.min(8, fleetSize - i) }, () => createAuditLabHost('hardened')))));
      const createLabHostsMs = performance.now() - createStart;
      const rssBefore = process.memoryUsage().rss;
      peakRss = rssBefore;
      const fleetStart = performance.now();
      const fleetCpu0 = process.cpuUsage();
      // What `rampart audit --inventory` does: `concurrency` workers take the hosts in order, each
      // audit on the session pool (one connection per host, at most `concurrency` hosts at once).
      const sessions = new SessionPool(
        (i, signal) => {
          const t = fleet[i]!.host;
          return connect({ address: t.address, port: t.port, username: t.user, identityFile: t.identityFile }, { kind: 'accept-new', onAccept: (k) => store.pinKey(t.address, t.port, k.keyType, k.fingerprint, false) }, signal ? { signal } : {});
        },
        { maxConcurrentHosts: concurrency },
      );
      const results = await runPool(fleet, concurrency, (h, i) =>
        sessions.withHost(i, undefined, (session) => runAudit(store, targetOf(h.host, h.scanRoots), { session })).catch((e: Error) => e),
      );
      const connectionsOpened = sessions.stats().connectsTotal;
      sessions.close();
      const fleetWallMs = performance.now() - fleetStart;
      const fleetCpu = process.cpuUsage(fleetCpu0);
      const ok = results.filter((r) => !(r instanceof Error) && r.status === 'complete').length;
      fleetResult = {
        hosts: fleetSize,
        concurrency,
        createLabHostsMs: r1(createLabHostsMs),
        wallMs: r1(fleetWallMs),
        perHostMs: r1(fleetWallMs / fleetSize),
        clientCpuMs: r1((fleetCpu.user + fleetCpu.system) / 1000),
        complete: ok,
        /** SSH connections the pool opened for the whole fleet (one per host). */
        connectionsOpened,
        statuses: results.reduce<Record<string, number>>((n, r) => ((n[r instanceof Error ? 'threw' : r.status] = (n[r instanceof Error ? 'threw' : r.status] ?? 0) + 1), n), {}),
        failed: results.filter((r) => r instanceof Error).map((r) => (r as Error).message).slice(0, 3),
        errorsSeen: [...new Set(results.flatMap((r) => (r instanceof Error ? [] : r.errors.map((e) => `${e.section}: ${e.message.slice(0, 120)}`))))].slice(0, 8),
        peakRssMiB: r1(peakRss / 1024 / 1024),
      };
      for (let i = 0; i < fleet.length; i += 8) await Promise.allSettled(fleet.slice(i, i + 8).map((h) => destroyAuditLabHost(h)));
      fleet.length = 0;
    }

    // ---- lynis, same machine, same run
    const lynis = values['no-lynis'] ? { skipped: '--no-lynis' } : await lynisRun(dir);
    const ratio = 'wallMs' in lynis ? r1(lynis.wallMs / oneHost.wall.medianMs) : null;

    console.log(
      JSON.stringify(
        { bench: 'audit', node: process.version, cores: (await import('node:os')).cpus().length, oneHost, fleet: fleetResult, lynis: { ...lynis, ratioToOneRampartAudit: ratio } },
        null,
        2,
      ),
    );
  } finally {
    clearInterval(rssTimer);
    store.close();
    if (scenario) await destroyScenarioHost(scenario);
    for (let i = 0; i < fleet.length; i += 8) await Promise.allSettled(fleet.slice(i, i + 8).map((h) => destroyAuditLabHost(h)));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
});
