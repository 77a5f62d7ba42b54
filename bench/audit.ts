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
//  - lynis: on the same machine in the same run, `lynis audit system --quick` inside an empty
//    network namespace, and the ratio of its wall time to one Rampart audit (skipped with a reason
//    when lynis is not installed: apt-get install --no-install-recommends lynis).
// Needs root. Usage: npm run bench:audit [-- --hosts 50 --concurrency 16 --iterations 5 --no-lynis]
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
import { connect } from '../src/main/ssh/connection';
import { Store } from '../src/main/store/store';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '16' },
    iterations: { type: 'string', default: '5' },
    'no-lynis': { type: 'boolean', default: false },
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
    const cpu0 = process.cpuUsage();
    let execCount = 0;
    let checks = 0;
    let grade: string | null = null;
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      const runDetail = await runAudit(store, t, { trivyReports });
      wall.push(performance.now() - t0);
      execCount = Math.max(execCount, runDetail.execCount);
      checks = runDetail.checks.length;
      grade = runDetail.score?.grade ?? null;
    }
    const cpu1 = process.cpuUsage(cpu0);
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
        await conn.exec('sh -s', { stdin: script, timeoutMs: 120_000 });
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
      clientCpuMsPerAudit: r1((cpu1.user + cpu1.system) / 1000 / iterations),
      lanesAloneMs,
      goal: { wallMs: 1500, execRoundTrips: 3 },
    };
    await destroyScenarioHost(scenario);
    scenario = undefined;

    // ---- fleet
    const createStart = performance.now();
    for (let i = 0; i < fleetSize; i += 8) fleet.push(...(await Promise.all(Array.from({ length: Math.min(8, fleetSize - i) }, () => createAuditLabHost('hardened')))));
    const createLabHostsMs = performance.now() - createStart;
    const rssBefore = process.memoryUsage().rss;
    peakRss = rssBefore;
    const fleetStart = performance.now();
    const fleetCpu0 = process.cpuUsage();
    // What `rampart audit --inventory` does: `concurrency` workers take the hosts in order.
    const results = await runPool(fleet, concurrency, (h) => runAudit(store, targetOf(h.host, h.scanRoots), { acceptNewHostKey: true }).catch((e: Error) => e));
    const fleetWallMs = performance.now() - fleetStart;
    const fleetCpu = process.cpuUsage(fleetCpu0);
    const ok = results.filter((r) => !(r instanceof Error) && r.status === 'complete').length;
    const fleetResult = {
      hosts: fleetSize,
      concurrency,
      createLabHostsMs: r1(createLabHostsMs),
      wallMs: r1(fleetWallMs),
      perHostMs: r1(fleetWallMs / fleetSize),
      clientCpuMs: r1((fleetCpu.user + fleetCpu.system) / 1000),
      complete: ok,
      statuses: results.reduce<Record<string, number>>((n, r) => ((n[r instanceof Error ? 'threw' : r.status] = (n[r instanceof Error ? 'threw' : r.status] ?? 0) + 1), n), {}),
      failed: results.filter((r) => r instanceof Error).map((r) => (r as Error).message).slice(0, 3),
      errorsSeen: [...new Set(results.flatMap((r) => (r instanceof Error ? [] : r.errors.map((e) => `${e.section}: ${e.message.slice(0, 120)}`))))].slice(0, 8),
      peakRssMiB: r1(peakRss / 1024 / 1024),
    };
    for (let i = 0; i < fleet.length; i += 8) await Promise.allSettled(fleet.slice(i, i + 8).map((h) => destroyAuditLabHost(h)));
    fleet.length = 0;

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
