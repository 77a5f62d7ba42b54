// What some collector sections add to an audit on the audited host, measured without the noise of
// two different lab hosts: one whole-server scenario host (lab/scenario.ts), one SSH connection,
// and the collector's lanes run alternately WITH and WITHOUT the named sections (each round runs
// both, in alternating order), the host's CPU read from the lab sshd's cgroup around each
// (lab/hostMeter.ts: every session process is charged there, short-lived ones included). Prints
// the medians, the difference and the share of a full audit (the full collector plus what a bare
// 3-channel login costs, measured the same way). Needs root.
//   npx tsx bench/section-cost.ts --sections hostHardening,ownership [--rounds 15] [--scenario hardened]
// With `--base DIR` (a copy of an older commit's src, as for bench/collector-compare.ts), WITHOUT
// is that older collector without the named sections (e.g. the collector before they were added)
// and WITH is the current full collector: the paired difference is what the whole collector costs
// now over that baseline (without --sections: the whole older collector against the current one).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { meterCpu } from '../lab/hostMeter';
import { labPrerequisites } from '../lab/lab';
import { createScenarioHost, destroyScenarioHost, type ScenarioKind } from '../lab/scenario';
import { buildCollectScript } from '../src/main/audit/collector';
import type { SectionName } from '../src/main/audit/facts';
import { SECTION_SPECS } from '../src/main/audit/sections';
import { connect } from '../src/main/ssh/connection';

const { values } = parseArgs({ options: { sections: { type: 'string' }, base: { type: 'string' }, rounds: { type: 'string', default: '15' }, scenario: { type: 'string', default: 'hardened' } } });
if (!values.sections && !values.base) throw new Error('--sections NAME[,NAME…] is required (facts, e.g. hostHardening,ownership), unless --base is given');
const measured = (values.sections ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const unknown = measured.filter((s) => !SECTION_SPECS.some((x) => x.fact === s));
if (unknown.length) throw new Error(`unknown sections: ${unknown.join(', ')}`);
const rounds = Math.max(3, Number(values.rounds) || 15);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const pre = labPrerequisites();
  if (!pre.ok) throw new Error(`lab hosts unavailable: ${pre.reason}`);
  const dir = mkdtempSync(join(tmpdir(), 'rampart-section-cost-'));
  chmodSync(dir, 0o755);
  const s = await createScenarioHost(values.scenario as ScenarioKind, dir);
  try {
    const h = s.host;
    const all = ['os', 'sshd', ...SECTION_SPECS.map((x) => x.fact)] as SectionName[];
    const base = { sshdConfigPath: h.sshdConfigPath, scanRoots: s.scanRoots };
    const withScripts = buildCollectScript({ ...base, only: all }).scripts;
    const older = values.base ? ((await import(resolve(values.base, 'src/main/audit/collector.ts'))) as { buildCollectScript: typeof buildCollectScript }) : null;
    const olderSpecs = values.base ? ((await import(resolve(values.base, 'src/main/audit/sections/index.ts'))) as { SECTION_SPECS: typeof SECTION_SPECS }).SECTION_SPECS : SECTION_SPECS;
    const olderAll = ['os', 'sshd', ...olderSpecs.map((x) => x.fact)] as SectionName[];
    const withoutScripts = (older ?? { buildCollectScript }).buildCollectScript({ ...base, only: olderAll.filter((f) => !measured.includes(f)) }).scripts;
    // The meter first: the connection's sshd (and so every session process) inherits its cgroup.
    const meter = meterCpu(h.pid);
    const conn = await connect({ address: h.address, port: h.port, username: h.user, identityFile: h.identityFile }, { kind: 'accept-new', onAccept: () => undefined });
    const cost = async (scripts: string[]): Promise<number> => {
      const a = meter.read().cpuMs;
      await Promise.all(scripts.map((text) => conn.exec('exec sh -s', { stdin: text, timeoutMs: 120_000 })));
      await sleep(150);
      return meter.read().cpuMs - a;
    };
    const withMs: number[] = [];
    const withoutMs: number[] = [];
    const bareMs: number[] = [];
    try {
      await cost(withScripts); // warm caches
      for (let i = 0; i < rounds; i++) {
        if (i % 2) {
          withMs.push(await cost(withScripts));
          withoutMs.push(await cost(withoutScripts));
        } else {
          withoutMs.push(await cost(withoutScripts));
          withMs.push(await cost(withScripts));
        }
        bareMs.push(await cost([':\n', ':\n', ':\n']));
      }
    } finally {
      meter.close();
      conn.close();
    }
    const w = median(withMs);
    const wo = median(withoutMs);
    const bare = median(bareMs);
    console.log(
      JSON.stringify(
        {
          scenario: values.scenario,
          ...(values.base ? { without: `the collector of ${values.base} without the sections` } : {}),
          sections: measured,
          rounds,
          lanes: withScripts.length,
          collectorCpuMs: { without: Math.round(wo), with: Math.round(w), added: Math.round(w - wo) },
          /** Median of the per-round differences (each round ran both on the same host, back to back): less noisy than the difference of medians. */
          addedPairedMedianMs: Math.round(median(withMs.map((x, i) => x - withoutMs[i]!))),
          /** Three exec channels on the open connection running nothing: the per-audit floor besides login. */
          bareChannelsCpuMs: Math.round(bare),
          addedShareOfCollector: `${(((w - wo) / wo) * 100).toFixed(1)} %`,
          samples: { with: withMs.map(Math.round), without: withoutMs.map(Math.round) },
        },
        null,
        2,
      ),
    );
  } finally {
    await destroyScenarioHost(s);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`section-cost failed: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
});
