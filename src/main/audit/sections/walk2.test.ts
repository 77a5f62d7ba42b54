// walk2 (files.ts): two walks of different depths as one find, run by the local /bin/sh on a
// planted tree whose root names carry quotes, $( ), spaces and glob characters.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WALK2_SH } from './files';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-walk2-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));
const put = (rel: string): string => {
  const p = path.join(base, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, 'x');
  return p;
};
const deep = path.join(base, "deep it's $(x) [a]*");
// Unescaped, "[a]" and "\\q" would not match their own names: the pruning would miss them.
const shallow = path.join(base, 'shallow [a] \\q ?*');
// Depth counted from each root: files at depth 1..4.
for (const root of [path.basename(deep), path.basename(shallow)]) for (const rel of ['f1', 'a/f2', 'a/b/f3', 'a/b/c/f4']) put(`${root}/${rel}`);

function run(args: string[]): { ok: boolean; lines: string[] } {
  const script = `${WALK2_SH}\nW2_EXPR="-type f -printf '%p\\\\n'"\nif walk2_ok "$@"; then echo OK; walk2 3 2 "$@"; else echo NO; fi\n`;
  const out = execFileSync('sh', ['-c', script, 'sh', ...args], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return { ok: out[0] === 'OK', lines: out.slice(1).map((l) => path.relative(base, l)).sort() };
}

describe('walk2: one find for a deep and a shallow walk', () => {
  it('each root to its own depth (3 and 2), names escaped for -path', () => {
    const r = run(['1', deep, shallow]);
    expect(r.ok).toBe(true);
    const d = path.basename(deep);
    const s = path.basename(shallow);
    expect(r.lines).toEqual([`${d}/a/b/f3`, `${d}/a/f2`, `${d}/f1`, `${s}/a/f2`, `${s}/f1`].sort());
  });

  it('the same as two finds with -maxdepth', () => {
    const two = execFileSync('sh', ['-c', 'find "$1" -maxdepth 3 -type f; find "$2" -maxdepth 2 -type f', 'sh', deep, shallow], { encoding: 'utf8' });
    expect(run(['1', deep, shallow]).lines).toEqual(two.split('\n').filter(Boolean).map((l) => path.relative(base, l)).sort());
  });

  it('nested or equal roots (as path strings): not merged', () => {
    expect(run(['1', deep, path.join(deep, 'a')]).ok).toBe(false); // shallow root inside the deep one
    expect(run(['1', path.join(shallow, 'a'), shallow]).ok).toBe(false); // deep root inside the shallow one
    expect(run(['1', deep, `${shallow}/`, shallow]).ok).toBe(false); // two shallow roots, equal but for a slash
    expect(run(['1', '/', shallow]).ok).toBe(false);
    expect(run(['0', deep, shallow]).ok).toBe(true); // two shallow roots side by side
  });
});
