// The host-hardening section's one find: the paths to stat (depth 0) and the DKIM key folders'
// key files (depth 3) together, checked against two plain finds on a planted key folder (put where
// /etc/dkimkeys would be, in the section's own shell code), also when a path to stat lies inside it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { specs } from './hardening';

// A plain name: the section's DKIM folders are constants, written into its -path tests as they are.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-dkim-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
for (const rel of ['k.private', 'sub/x.key', 'sub/a/deep.pem', 'sub/a/b/too-deep.pem', 'notes.txt']) {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), 'x');
}

function sectionCode(edit: (code: string) => string): string {
  const line = specs.find((s) => s.fact === 'hostHardening')!.script({ sshdConfigPath: '/etc/ssh/sshd_config', scanRoots: [], sectionTimeoutS: 20 });
  const code = /^secsh \S+ '([\s\S]*)'$/.exec(line)![1]!.replace(/'\\''/g, "'");
  return edit(code.replaceAll('/etc/dkimkeys', dir));
}
const statPaths = (code: string): string[] =>
  execFileSync('sh', ['-c', code], { encoding: 'latin1', env: { ...process.env, T: '' } })
    .split('\0')
    .filter((r) => r.startsWith('S\t'))
    .map((r) => r.split('\t').slice(9).join('\t'));

describe('host hardening: one find for the stats and the DKIM key files', () => {
  it('key files to depth 3 of the key folder, every other path at depth 0 only', () => {
    const got = statPaths(sectionCode((c) => c));
    expect(got.filter((p) => p.startsWith(dir)).sort()).toEqual(['k.private', 'sub/a/deep.pem', 'sub/x.key'].map((r) => path.join(dir, r)).sort());
    expect(got).toContain('/root'); // root's home (from /etc/passwd) is stat-ed …
    expect(got.filter((p) => p.startsWith('/root/') || p.startsWith('/etc/cron.daily/'))).toEqual([]); // … and not walked
  });

  it('a path to stat inside the key folder: two finds, the folder itself stat-ed as well', () => {
    const got = statPaths(sectionCode((c) => c.replace('/etc/cron.allow', path.join(dir, 'sub'))));
    expect(got.filter((p) => p.startsWith(dir)).sort()).toEqual(['k.private', 'sub', 'sub/a/deep.pem', 'sub/x.key'].map((r) => path.join(dir, r)).sort());
  });
});
