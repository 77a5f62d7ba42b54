// The desktop app and the CLI/tests share node_modules: the native modules Rampart needs must load
// both in Node and in Electron (another ABI). better-sqlite3 13 and keytar 7.9 are Node-API
// (node-addon-api) modules, which are ABI-stable across Node and Electron versions; this proves it
// on the binaries actually loaded here: they import napi_* functions and no V8 or node:: C++
// symbols (those would tie them to one ABI). ssh2's own native parts (sshcrypto, cpu-features)
// are V8-ABI but optional: ssh2 loads them in try/catch and falls back to pure JS.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const onLinux = process.platform === 'linux';

function loadedNativeModules(): string[] {
  const maps = readFileSync('/proc/self/maps', 'utf8');
  return [...new Set(maps.split('\n').map((l) => l.slice(l.indexOf('/')).trim()).filter((p) => p.startsWith('/') && p.endsWith('.node')))];
}

function undefinedSymbols(file: string): string[] {
  return execFileSync('nm', ['-D', '--undefined-only', file], { encoding: 'utf8' }).split('\n').map((l) => l.trim().split(/\s+/).pop()!).filter(Boolean);
}

describe.runIf(onLinux)('native modules load under any Node/Electron ABI (test/native-abi.test.ts)', () => {
  it.each([
    ['better-sqlite3', () => new (require('better-sqlite3'))(':memory:').close()],
    ['keytar', () => require('keytar')],
  ])('%s is a Node-API module: napi_* imports only, no V8 or node:: symbols', (name, load) => {
    load();
    const file = loadedNativeModules().find((p) => p.includes(`/node_modules/${name}/`));
    expect(file, `${name}'s .node file is mapped into this process`).toBeDefined();
    const syms = undefinedSymbols(file!);
    expect(syms.filter((s) => s.startsWith('napi_')).length).toBeGreaterThan(10);
    expect(syms.filter((s) => /^_ZN?K?2v8|^_ZN4node/.test(s))).toEqual([]);
  });

  it("ssh2's V8-ABI accelerators are optional: a failed load falls back to pure JS", () => {
    const crypto = readFileSync(require.resolve('ssh2/lib/protocol/crypto.js'), 'utf8');
    expect(crypto).toMatch(/try \{\s*binding = require\('\.\/crypto\/build\/Release\/sshcrypto\.node'\);[\s\S]*?\} catch \{\}/);
    const constants = readFileSync(require.resolve('ssh2/lib/protocol/constants.js'), 'utf8');
    expect(constants).toMatch(/try \{\s*cpuInfo = require\('cpu-features'\)\(\);\s*\} catch \{\}/);
  });
});
