// Bench for the foundation slice: against real lab hosts, measure connect + first exec latency
// and a full audit (wall time, SSH exec round trips, peak RSS). Prints one JSON object.
// Needs root (lab hosts are network namespaces). Usage: npm run bench [-- --iterations N]
import { parseArgs } from 'node:util';
import { runAudit } from '../src/main/audit/auditor';
import { connect } from '../src/main/ssh/connection';
import { Store } from '../src/main/store/store';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '10' } } });
const iterations = Math.max(1, Number(values.iterations) || 10);

function stats(samplesMs: number[]): { n: number; minMs: number; medianMs: number; p90Ms: number; maxMs: number } {
  const s = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const r = (n: number): number => Math.round(n * 10) / 10;
  return { n: s.length, minMs: r(s[0]!), medianMs: r(at(0.5)), p90Ms: r(at(0.9)), maxMs: r(s[s.length - 1]!) };
}

async function main(): Promise<void> {
  const pre = labPrerequisites();
  if (!pre.ok) throw new Error(`lab hosts unavailable: ${pre.reason}`);
  const hosts: LabHost[] = [];
  let peakRssBytes = process.memoryUsage().rss;
  const sampleRss = (): void => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  };
  try {
    const hardened = await createLabHost({ scenario: 'hardened' });
    hosts.push(hardened);
    const weak = await createLabHost({ scenario: 'weak-ssh' });
    hosts.push(weak);
    const store = new Store(':memory:');

    const connectExec: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      const conn = await connect(
        { address: hardened.address, port: hardened.port, username: hardened.user, identityFile: hardened.identityFile },
        { kind: 'accept-new', onAccept: () => undefined },
      );
      await conn.exec('true');
      connectExec.push(performance.now() - t0);
      conn.close();
      sampleRss();
    }

    const audits: Record<string, { wall: number[]; execRoundTrips: number[]; grade: string; score: number }> = {};
    for (const host of [hardened, weak]) {
      const entry = { wall: [] as number[], execRoundTrips: [] as number[], grade: '', score: 0 };
      for (let i = 0; i < iterations; i++) {
        const t0 = performance.now();
        const run = await runAudit(
          store,
          { hostId: null, name: host.name, address: host.address, port: host.port, username: host.user, identityFile: host.identityFile, sshdConfigPath: host.sshdConfigPath },
          { acceptNewHostKey: true },
        );
        entry.wall.push(performance.now() - t0);
        entry.execRoundTrips.push(run.execCount);
        entry.grade = run.score?.grade ?? '';
        entry.score = run.score?.overall ?? 0;
        sampleRss();
      }
      audits[host.scenario] = entry;
    }
    store.close();

    console.log(
      JSON.stringify(
        {
          bench: 'connect',
          node: process.version,
          iterations,
          connectAndFirstExec: stats(connectExec),
          audit: Object.fromEntries(
            Object.entries(audits).map(([scenario, a]) => [
              scenario,
              { wall: stats(a.wall), execRoundTrips: Math.max(...a.execRoundTrips), grade: a.grade, score: a.score },
            ]),
          ),
          peakRssMiB: Math.round((peakRssBytes / 1024 / 1024) * 10) / 10,
        },
        null,
        2,
      ),
    );
  } finally {
    for (const h of hosts) await destroyLabHost(h).catch(() => undefined);
  }
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${(e as Error).message}`);
  process.exitCode = 1;
});
