// Bench for the connection layer (issue 3), against real lab hosts. Prints one JSON object:
//  - connect + first exec latency to one lab host (through openHostConnection, as the app does);
//  - 20 sequential and 20 parallel execs on one pooled connection;
//  - a fleet of N lab hosts (default 50), each connected and running one command through the
//    session pool at concurrency 16: wall time, connects, peak RSS of this (main-process) side.
// Needs root. Usage: npm run bench:connections [-- --hosts 50 --concurrency 16 --iterations 10]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import type { SecretStore } from '../src/main/secrets/secretStore';
import { openHostConnection, type ConnectDeps } from '../src/main/ssh/hostConnect';
import { SessionPool } from '../src/main/ssh/pool';
import { Store } from '../src/main/store/store';

const { values } = parseArgs({
  options: { hosts: { type: 'string', default: '50' }, concurrency: { type: 'string', default: '16' }, iterations: { type: 'string', default: '10' } },
});
const fleetSize = Math.max(1, Number(values.hosts) || 50);
const concurrency = Math.max(1, Number(values.concurrency) || 16);
const iterations = Math.max(1, Number(values.iterations) || 10);

// Key-file hosts never touch the keychain; this store only answers "nothing stored".
const noSecrets: SecretStore = {
  get: async () => null,
  set: async () => {
    throw new Error('the bench stores no secrets');
  },
  delete: async () => false,
  accounts: async () => [],
};

const r1 = (n: number): number => Math.round(n * 10) / 10;
function stats(ms: number[]): { n: number; minMs: number; medianMs: number; p90Ms: number; maxMs: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, minMs: r1(s[0]!), medianMs: r1(s[Math.floor(s.length / 2)]!), p90Ms: r1(s[Math.min(s.length - 1, Math.floor(s.length * 0.9))]!), maxMs: r1(s[s.length - 1]!) };
}

async function main(): Promise<void> {
  const pre = labPrerequisites();
  if (!pre.ok) throw new Error(`lab hosts unavailable: ${pre.reason}`);
  const dir = mkdtempSync(join(tmpdir(), 'rampart-bench-'));
  const store = new Store(join(dir, 'bench.sqlite3'));
  const deps: ConnectDeps = { store, secrets: noSecrets, env: {} };
  const lab: LabHost[] = [];
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const add = (h: LabHost) =>
    store.addHost({ name: h.name, address: h.address, port: h.port, username: h.user, identityFile: h.identityFile, sshdConfigPath: h.sshdConfigPath });
  try {
    const createStart = performance.now();
    // Create the fleet a few at a time (each host is a namespace + sshd).
    for (let i = 0; i < fleetSize; i += 8) lab.push(...(await Promise.all(Array.from({ length: Math.min(8, fleetSize - i) }, () => createLabHost({ scenario: 'hardened' })))));
    const fleetCreateMs = performance.now() - createStart;
    const hosts = lab.map(add);
    for (const [i, h] of hosts.entries()) store.pinKey(h.address, h.port, 'ssh-ed25519', lab[i]!.hostKeyFingerprints['ssh-ed25519']!, false);

    const one = hosts[0]!;
    const connectFirstExec: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      const conn = await openHostConnection(deps, one.id);
      await conn.exec('true');
      connectFirstExec.push(performance.now() - t0);
      conn.close();
    }

    const pool = new SessionPool((id, signal) => openHostConnection(deps, id, { signal }), { maxConcurrentHosts: concurrency });
    await pool.exec(one.id, 'true'); // warm connection
    const seq: number[] = [];
    const seqStart = performance.now();
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await pool.exec(one.id, 'true');
      seq.push(performance.now() - t0);
    }
    const sequentialWallMs = performance.now() - seqStart;
    const parStart = performance.now();
    await Promise.all(Array.from({ length: 20 }, () => pool.exec(one.id, 'true')));
    const parallelWallMs = performance.now() - parStart;
    pool.close();

    const fleetPool = new SessionPool((id, signal) => openHostConnection(deps, id, { signal }), { maxConcurrentHosts: concurrency });
    const fleetStart = performance.now();
    const results = await Promise.allSettled(hosts.map((h) => fleetPool.exec(h.id, 'hostname >/dev/null; echo ok')));
    const fleetWallMs = performance.now() - fleetStart;
    const fleetConnects = fleetPool.stats().connectsTotal;
    fleetPool.close();

    console.log(
      JSON.stringify(
        {
          bench: 'connections',
          node: process.version,
          connectAndFirstExec: stats(connectFirstExec),
          oneConnection: {
            sequential20: { wallMs: r1(sequentialWallMs), perExec: stats(seq) },
            parallel20: { wallMs: r1(parallelWallMs) },
          },
          fleet: {
            hosts: fleetSize,
            concurrency,
            createLabHostsMs: r1(fleetCreateMs),
            wallMs: r1(fleetWallMs),
            ok: results.filter((r) => r.status === 'fulfilled' && r.value.stdout.trim() === 'ok').length,
            failed: results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason?.message ?? r)).slice(0, 3),
            connects: fleetConnects,
          },
          peakRssMiB: r1(peakRss / 1024 / 1024),
        },
        null,
        2,
      ),
    );
  } finally {
    clearInterval(rssTimer);
    store.close();
    for (let i = 0; i < lab.length; i += 8) await Promise.allSettled(lab.slice(i, i + 8).map((h) => destroyLabHost(h)));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
});
