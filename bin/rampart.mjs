#!/usr/bin/env node
// The `rampart` command (package.json "bin"): checks the Node version, registers tsx so the
// TypeScript sources run as they are, then runs the CLI in src/cli/index.ts.
// Only dynamic imports below, so the version check runs before anything else is loaded.

const MIN = [22, 12];
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MIN[0] || (major === MIN[0] && minor < MIN[1])) {
  process.stderr.write(
    `rampart: error: Node.js ${process.versions.node} is too old: Rampart needs Node.js ${MIN.join('.')} or newer (24 recommended).\n`,
  );
  process.exit(2);
}

const { register } = await import('tsx/esm/api');
register();
const { run } = await import('../src/cli/index.ts');
await run(process.argv.slice(2));
