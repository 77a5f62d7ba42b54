// Bundles the CLI into out/cli/ (entry rampart.mjs plus chunks), so `rampart` starts without
// compiling TypeScript. bin/rampart.mjs runs the bundle unless a source it was built from is
// newer (a development checkout mid-edit): then it runs the sources through tsx.
// Native dependencies stay in node_modules and are loaded at run time.
// RAMPART_CLI_OUT=DIR builds elsewhere (tests).
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.env.RAMPART_CLI_OUT || join(root, 'out/cli'));
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: { rampart: join(root, 'src/cli/entry.ts') },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: ['better-sqlite3', 'keytar', 'ssh2', 'cpu-features', 'electron'],
  // Bundled CommonJS code may call require(): give each ES module one.
  banner: { js: "import { createRequire as __rampartCreateRequire } from 'node:module'; const require = __rampartCreateRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
});
// The sources the bundle was built from (paths from the repository root), for bin's staleness check.
const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules/')).map((p) => resolve(root, p).slice(root.length + 1));
writeFileSync(join(out, 'inputs.json'), JSON.stringify(inputs) + '\n');
