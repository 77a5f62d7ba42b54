// The ownership section's shell, run locally: the listening PIDs are taken from the listening
// section's ss lines by the shell itself (several per line, each once), then joined with their
// exe links and comm by one ls and one awk.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCollectScript } from '../collector';
import { parseSections } from '../parsers/sections';
import { parseOwnership } from '../parsers/hardening';
import { SECTION_SPECS } from '.';
import { shQuote } from '../../ssh/quote';

function runOwnership(ss: string, scanRoots: string[] = []): ReturnType<typeof parseOwnership> & { body: string } {
  const spec = SECTION_SPECS.find((s) => s.fact === 'ownership')!;
  const ctx = { sshdConfigPath: '/etc/ssh/sshd_config', scanRoots, sectionTimeoutS: 20 };
  const prelude = buildCollectScript({ sshdConfigPath: ctx.sshdConfigPath }).scripts[0]!.split('\nrampart_uid() ')[0]!;
  const marker = /M='([^']+)'/.exec(prelude)![1]!;
  const out = execFileSync('sh', ['-s'], { input: `${prelude}\nrampart_ss=${shQuote(ss)}\n${spec.script(ctx)}\n`, encoding: 'utf8', maxBuffer: 64 << 20 });
  const raw = parseSections(out, marker).get('sys_ownership')!;
  expect(raw.exitCode).toBe(0);
  return { ...parseOwnership(raw.body), body: raw.body };
}

describe('ownership section: listening PIDs from ss lines', () => {
  it('every pid= of every line, each once, in the order met', () => {
    const me = process.pid;
    const parent = process.ppid;
    const o = runOwnership(
      [
        `tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=${me},fd=3),("sshd",pid=${parent},fd=3))`,
        `tcp LISTEN 0 128 [::]:22 [::]:* users:(("sshd",pid=${me},fd=4))`,
        'udp UNCONN 0 0 0.0.0.0:68 0.0.0.0:* users:(("x",pid=,fd=1))',
        'tcp LISTEN 0 4096 127.0.0.1:9 0.0.0.0:*',
      ].join('\n'),
    );
    expect(o.listening.map((l) => l.pid).sort()).toEqual([me, parent].sort());
    expect(o.listening.find((l) => l.pid === me)!.exe).toBe(execFileSync('readlink', [`/proc/${me}/exe`], { encoding: 'utf8' }).trim());
  });

  it('no ss lines: no listening programs', () => {
    expect(runOwnership('').listening).toEqual([]);
  });
});

describe('ownership section: the SUID/SGID walks', () => {
  // /dev/shm is one of the system folders walked to depth 2 (its hidden subfolders entered); the
  // scan roots are walked to depth 3.
  const shm = fs.mkdtempSync('/dev/shm/.rampart-own-');
  const home = fs.mkdtempSync(path.join(os.homedir(), "rampart own it's $(x) "));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-own-'));
  const suid = (p: string): string => {
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.copyFileSync('/bin/true', p);
    fs.chmodSync(p, 0o4755);
    return p;
  };
  const d2 = suid(path.join(shm, 'd2'));
  suid(path.join(shm, 'sub/d3'));
  const deep = suid(path.join(home, 'a/b/deep'));
  const inTmp = suid(path.join(tmp, 'a/b/t'));
  afterAll(() => {
    for (const d of [shm, home, tmp]) fs.rmSync(d, { recursive: true, force: true });
  });
  const mine = (o: { special: Array<{ path: string }> }): string[] => o.special.map((s) => s.path).filter((p) => [shm, home, tmp].some((d) => p.startsWith(`${d}/`))).sort();

  it('no scan root inside a system folder: one find (one FINDRC), each folder at its own depth', () => {
    const o = runOwnership('', [home]);
    expect(o.body.match(/^FINDRC /gm)).toHaveLength(1);
    expect(mine(o)).toEqual([d2, deep].sort());
    expect(o.timedOut || o.walkIncomplete).toBe(false);
  });

  it('a scan root at depth 1 of /tmp (the first walk meets it): two finds as before (two FINDRC), the same depths', () => {
    const o = runOwnership('', [home, tmp]);
    expect(o.body.match(/^FINDRC /gm)).toHaveLength(2);
    expect(mine(o)).toEqual([d2, deep, inTmp].sort());
  });

  it('a scan root deeper in /tmp, named with glob characters: one find; its files by its own depth, the rest of /tmp not entered', () => {
    const root = path.join(tmp, "x'y [z]*?");
    const t = suid(path.join(root, 'a/b/t'));
    suid(path.join(tmp, 'x/d2-not-this')); // a visible folder of /tmp's: not entered by the first walk
    const o = runOwnership('', [home, root]);
    expect(o.body.match(/^FINDRC /gm)).toHaveLength(1);
    expect(mine(o)).toEqual([d2, deep, t].sort());
  });

  it('a scan root below a hidden folder of /dev/shm (which the first walk enters): two finds', () => {
    const root = path.join(shm, 'sub');
    const o = runOwnership('', [root]);
    expect(o.body.match(/^FINDRC /gm)).toHaveLength(2);
    expect(mine(o)).toEqual([d2, path.join(shm, 'sub/d3')].sort());
  });
});

describe('ownership section: package ownership', () => {
  it('a SUID file or listening program is owned exactly when dpkg -S names it or its usrmerge alias', () => {
    expect(fs.existsSync('/var/lib/dpkg/info'), 'this test needs a Debian host (dpkg)').toBe(true);
    const o = runOwnership(`tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("node",pid=${process.pid},fd=3))`);
    const alias = (p: string): string | null => (/^\/usr\/(bin|sbin|lib)\//.test(p) ? p.slice(4) : /^\/(bin|sbin|lib)\//.test(p) ? `/usr${p}` : null);
    const dpkgOwns = (p: string): boolean => spawnSync('dpkg', ['-S', p], { stdio: 'ignore' }).status === 0;
    const paths = [...o.special.map((x) => x.path), ...o.listening.map((l) => l.exe)];
    expect(paths.length).toBeGreaterThan(1);
    const expected = paths.filter((p) => dpkgOwns(p) || (alias(p) !== null && dpkgOwns(alias(p)!)));
    expect(expected.length).toBeGreaterThan(0); // su, mount, passwd … on any Debian
    expect(paths.filter((p) => o.owned.has(p)).sort()).toEqual([...new Set(expected)].sort());
    expect(o.owned.has(o.listening[0]!.exe)).toBe(false); // node from the build cache: no package's
  });
});
