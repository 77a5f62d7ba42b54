// Same facts before and after a collector change: collects the `hardened` and `vulnerable`
// whole-server scenario hosts (lab/scenario.ts) with a BASE copy of the sources and with the
// current ones, against the same live hosts, evaluates both fact sets with the current checks, and
// prints the differences: check statuses, finding identities, and the facts themselves (values
// that change on their own between two collections — clocks, ages, process ids — are masked).
// Prints `identical: true` when nothing differs. Needs root.
//   git archive <base-commit> src | tar -x -C .lab/collector-base   (inside the checkout, so that
//   node_modules resolve)
//   npx tsx bench/collector-compare.ts [--base .lab/collector-base] [--scenario hardened]
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { labPrerequisites } from '../lab/lab';
import { createScenarioHost, destroyScenarioHost, type ScenarioKind } from '../lab/scenario';
import * as current from '../src/main/audit/collector';
import { evaluate } from '../src/main/audit/engine';
import type { HostFacts } from '../src/main/audit/facts';
import { connect } from '../src/main/ssh/connection';

const { values } = parseArgs({ options: { base: { type: 'string', default: '.lab/collector-base' }, scenario: { type: 'string', multiple: true } } });
const kinds = (values.scenario?.length ? values.scenario : ['hardened', 'vulnerable']) as ScenarioKind[];

type Collector = Pick<typeof current, 'buildCollectScript' | 'parseCollectOutput'>;

/** Keys whose values change between two collections of an unchanged host. */
const VOLATILE = new Set(['now', 'collectedAt', 'ageS', 'ageSeconds', 'mtime', 'atime', 'ctime', 'pid', 'listsNewest', 'uptimeS', 'startedAt', 'lastHandshake', 'latestHandshake', 'rxBytes', 'txBytes', 'transferRx', 'transferTx', 'packets', 'bytes', 'counters', 'State', 'Pid', 'StartedAt', 'FinishedAt', 'health', 'restartCount', 'availKb', 'usedKb']);

/**
 * Arrays that are sets: the parsers dedupe them and their order is the order the walks met them;
 * dockerd lists a container's Mounts in map order, which changes between two inspects.
 */
const SETS = new Set(['closedDirs', 'denied', 'mounts']);

function normal(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return SETS.has(key) ? v.map((x) => normal(x)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) : v.map((x) => normal(x));
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) o[k] = VOLATILE.has(k) || (k === 'state' && x && typeof x === 'object' && 'restarting' in x) ? '(masked)' : normal(x, k);
    return o;
  }
  // nft rule counters
  if (typeof v === 'string') return v.replace(/packets \d+ bytes \d+/g, 'packets # bytes #');
  return v;
}

function diffs(a: unknown, b: unknown, path: string, out: string[]): void {
  if (out.length > 60) return;
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) diffs((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
    return;
  }
  out.push(`${path}: ${JSON.stringify(a)?.slice(0, 300)} → ${JSON.stringify(b)?.slice(0, 300)}`);
}

async function main(): Promise<void> {
  const pre = labPrerequisites();
  if (!pre.ok) throw new Error(`lab hosts unavailable: ${pre.reason}`);
  const base = (await import(resolve(values.base!, 'src/main/audit/collector.ts'))) as Collector;
  const dir = mkdtempSync(join(tmpdir(), 'rampart-compare-'));
  chmodSync(dir, 0o755);
  const report: Record<string, unknown> = {};
  let identical = true;
  try {
    for (const kind of kinds) {
      const s = await createScenarioHost(kind, dir);
      try {
        const h = s.host;
        const conn = await connect({ address: h.address, port: h.port, username: h.user, identityFile: h.identityFile }, { kind: 'accept-new', onAccept: () => undefined });
        const collect = async (c: Collector): Promise<HostFacts> => {
          const opts = { sshdConfigPath: h.sshdConfigPath, scanRoots: s.scanRoots };
          const { marker, scripts } = c.buildCollectScript(opts);
          const outs = await Promise.all(scripts.map((text) => conn.exec('sh -s', { stdin: text, timeoutMs: 120_000 })));
          return c.parseCollectOutput(outs.map((o) => o.stdout).join('\n'), marker, h.sshdConfigPath, opts).facts;
        };
        try {
          const before = await collect(base);
          const after = await collect(current);
          const evB = evaluate(before, 'host');
          const evA = evaluate(after, 'host');
          const checkDiffs: string[] = [];
          const statusB = new Map(evB.checks.map((c) => [c.checkId, c.status]));
          for (const c of evA.checks) if (statusB.get(c.checkId) !== c.status) checkDiffs.push(`${c.checkId}: ${statusB.get(c.checkId)} → ${c.status}`);
          // Identity, severity and evidence (digits masked: ages and clocks move between collections).
          // A crash-looping container's state words change between two collections ("not running, restarting" / "restarting").
          const key = (f: (typeof evA.findings)[number]): string => `${f.id} ${f.severity} ${f.resource} ${f.evidence.replace(/(not )?(running|restarting|crash-looping)(, (not )?(running|restarting|crash-looping))*/g, '#state').split(', ').sort().join(', ').replace(/\d+/g, '#')}`;
          const fB = new Set(evB.findings.map(key));
          const fA = new Set(evA.findings.map(key));
          const findingDiffs = [...[...fB].filter((x) => !fA.has(x)).map((x) => `- ${x}`), ...[...fA].filter((x) => !fB.has(x)).map((x) => `+ ${x}`)];
          const factDiffs: string[] = [];
          diffs(normal(before), normal(after), 'facts', factDiffs);
          if (checkDiffs.length || findingDiffs.length || factDiffs.length) identical = false;
          report[kind] = { checks: evA.checks.length, findings: evA.findings.length, checkDiffs, findingDiffs, factDiffs };
        } finally {
          conn.close();
        }
      } finally {
        await destroyScenarioHost(s);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ identical, ...report }, null, 2));
  if (!identical) process.exitCode = 2;
}

main().catch((e: unknown) => {
  console.error(`compare failed: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
});
