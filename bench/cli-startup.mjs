// CLI start-up: wall time of `rampart --version` and `rampart --help` (bin/rampart.mjs running the
// bundle from `npm run build`) against `node -e 0` on the same machine, in the same run.
// Prints JSON. Goal (issue 15): --version within 3 × node -e 0.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'rampart.mjs');
const RUNS = 15;

function measure(args, env = {}) {
  const wallMs = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env } });
    wallMs.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  wallMs.sort((a, b) => a - b);
  const round = (x) => Math.round(x * 10) / 10;
  return { medianMs: round(wallMs[RUNS >> 1]), minMs: round(wallMs[0]), maxMs: round(wallMs[RUNS - 1]) };
}

const which = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', env: { ...process.env, RAMPART_CLI_WHICH: '1' } }).stderr.trim();
const node = measure(['-e', '0']);
const version = measure([bin, '--version']);
const help = measure([bin, '--help']);
const sources = measure([bin, '--version'], { RAMPART_CLI_BUNDLE: join(root, 'out', 'no-bundle-here') });
console.log(
  JSON.stringify(
    {
      bench: 'cli-startup',
      node: process.version,
      runs: RUNS,
      path: which,
      nodeEmpty: node,
      version,
      help,
      versionFromSources: sources,
      versionOverNode: Math.round((version.medianMs / node.medianMs) * 100) / 100,
      goalVersionOverNode: 3,
    },
    null,
    2,
  ),
);
