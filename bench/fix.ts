// Bench for the file fixes (issue 10): against a real lab host, a world-readable .env fixed with
// `chmod 0600` — plan (read-only re-collection + state capture), apply + verify (backup, CAS
// chmod, stat + re-check), and rollback — wall time and SSH exec round trips of each phase.
// Prints one JSON object. Needs root (lab hosts are network namespaces).
// Usage: npx tsx bench/fix.ts [--iterations N]
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { plantDir, plantFile, plantRootOf } from '../lab/plant';
import { findingKey } from '../src/main/audit/engine';
import { FixEngine } from '../src/main/remediation/engine';
import { BACKUP_ROOT } from '../src/main/remediation/remote';
import { connect } from '../src/main/ssh/connection';
import { Store } from '../src/main/store/store';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '10' } } });
const iterations = Math.max(1, Number(values.iterations) || 10);

function stats(samplesMs: number[]): { n: number; minMs: number; medianMs: number; maxMs: number } {
  const s = [...samplesMs].sort((a, b) => a - b);
  const r = (n: number): number => Math.round(n * 10) / 10;
  return { n: s.length, minMs: r(s[0]!), medianMs: r(s[Math.floor(s.length / 2)]!), maxMs: r(s[s.length - 1]!) };
}

async function main(): Promise<void> {
  const pre = labPrerequisites();
  if (!pre.ok) throw new Error(`lab hosts unavailable: ${pre.reason}`);
  let host: LabHost | null = null;
  const jobs: string[] = [];
  try {
    host = await createLabHost({ scenario: 'hardened' });
    const root = plantRootOf(host.name);
    plantDir(path.dirname(root), { mode: 0o755 });
    plantDir(root, { mode: 0o755 });
    const srv = plantDir(path.join(root, 'srv'), { mode: 0o755 });
    const env = plantFile(path.join(srv, 'app', '.env'), 'API_TOKEN=bench\n', { mode: 0o644 });
    const conn = await connect({ address: host.address, port: host.port, username: host.user, identityFile: host.identityFile }, { kind: 'accept-new', onAccept: () => undefined });
    const store = new Store(':memory:');
    const engine = new FixEngine(
      conn,
      { host: { hostId: null, name: host.name, address: host.address, port: host.port, username: host.user }, sudo: { mode: 'none', password: null, host: host.name }, sshdConfigPath: host.sshdConfigPath, scanRoots: [srv] },
      { store },
    );
    const findingId = findingKey(`${host.address}:${host.port}`, 'SECRET-FILE-READABLE', `file:${env}`);
    const plan: number[] = [];
    const apply: number[] = [];
    const rollback: number[] = [];
    const execs = { plan: 0, applyVerify: 0, rollback: 0 };
    for (let i = 0; i < iterations; i++) {
      let e0 = conn.execCount;
      let t0 = performance.now();
      const p = await engine.plan({ findingIds: [findingId] });
      plan.push(performance.now() - t0);
      execs.plan = conn.execCount - e0;
      e0 = conn.execCount;
      t0 = performance.now();
      const r = await engine.apply(p.plan, 'bench');
      apply.push(performance.now() - t0);
      execs.applyVerify = conn.execCount - e0;
      jobs.push(r.jobId);
      if (r.status !== 'applied') throw new Error(`fix not applied: ${r.status} ${r.message ?? ''}`);
      e0 = conn.execCount;
      t0 = performance.now();
      const b = await engine.rollback(r.jobId);
      rollback.push(performance.now() - t0);
      execs.rollback = conn.execCount - e0;
      if (b.status !== 'rolled-back') throw new Error(`not rolled back: ${b.status}`);
    }
    conn.close();
    store.close();
    console.log(
      JSON.stringify(
        {
          bench: 'fix-chmod',
          fix: 'secret-file-private (SECRET-FILE-READABLE, one .env, 0644 -> 0600)',
          iterations,
          planMs: stats(plan),
          applyAndVerifyMs: stats(apply),
          rollbackMs: stats(rollback),
          execRoundTrips: execs,
        },
        null,
        2,
      ),
    );
  } finally {
    for (const j of jobs) rmSync(path.join(BACKUP_ROOT, j), { recursive: true, force: true });
    // The parents too when this bench made them (nothing else is in them).
    for (const d of [BACKUP_ROOT, path.dirname(BACKUP_ROOT)])
      try {
        if (existsSync(d) && readdirSync(d).length === 0) rmdirSync(d);
      } catch {
        /* someone else's backups */
      }
    if (host) {
      await destroyLabHost(host);
      rmSync(plantRootOf(host.name), { recursive: true, force: true });
    }
  }
}

await main();
