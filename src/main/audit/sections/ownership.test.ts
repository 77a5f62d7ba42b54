// The ownership section's shell, run locally: the listening PIDs are taken from the listening
// section's ss lines by the shell itself (several per line, each once), then joined with their
// exe links and comm by one ls and one awk.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildCollectScript } from '../collector';
import { parseSections } from '../parsers/sections';
import { parseOwnership } from '../parsers/hardening';
import { SECTION_SPECS } from '.';
import { shQuote } from '../../ssh/quote';

function runOwnership(ss: string): ReturnType<typeof parseOwnership> {
  const spec = SECTION_SPECS.find((s) => s.fact === 'ownership')!;
  const ctx = { sshdConfigPath: '/etc/ssh/sshd_config', scanRoots: [], sectionTimeoutS: 20 };
  const prelude = buildCollectScript({ sshdConfigPath: ctx.sshdConfigPath }).scripts[0]!.split('\nsec id id -u')[0]!;
  const marker = /M='([^']+)'/.exec(prelude)![1]!;
  const out = execFileSync('sh', ['-s'], { input: `${prelude}\nrampart_ss=${shQuote(ss)}\n${spec.script(ctx)}\n`, encoding: 'utf8', maxBuffer: 64 << 20 });
  const raw = parseSections(out, marker).get('sys_ownership')!;
  expect(raw.exitCode).toBe(0);
  return parseOwnership(raw.body);
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
