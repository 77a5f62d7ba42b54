// unifiedDiff against GNU diffutils and patch: fixed cases byte-for-byte against `diff -u`, and
// random texts whose diff `patch` must apply exactly and whose size must equal the minimal edit
// script `diff --minimal` finds.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from './diff';

const work = mkdtempSync(join(tmpdir(), 'rmp-diff-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** GNU `diff -u` with both labels set to `label` (no timestamps), or '' when equal. */
function gnuDiff(a: string, b: string, label: string, extra: string[] = []): string {
  writeFileSync(join(work, 'a'), a);
  writeFileSync(join(work, 'b'), b);
  const r = spawnSync('diff', ['-u', ...extra, '--label', label, '--label', label, join(work, 'a'), join(work, 'b')], { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`diff failed: ${r.stderr}`);
  return r.stdout;
}

/** Applies `patch` to `a` and returns the result. */
function applyPatch(a: string, diff: string): string {
  const file = join(work, 'target');
  writeFileSync(file, a);
  execFileSync('patch', ['--quiet', '--force', '--no-backup-if-mismatch', file], { input: diff });
  return readFileSync(file, 'utf8');
}

const countOps = (d: string, c: '-' | '+'): number => d.split('\n').filter((l) => l.startsWith(c) && !l.startsWith(`${c}${c}${c} `)).length;

describe('unifiedDiff', () => {
  it('identical inputs give an empty string', () => {
    expect(unifiedDiff('', '', 'f')).toBe('');
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'f')).toBe('');
    expect(unifiedDiff('no newline', 'no newline', 'f')).toBe('');
  });

  const cases: Array<[string, string, string]> = [
    ['empty to one line', '', 'a\n'],
    ['one line to empty', 'a\n', ''],
    ['empty to no trailing newline', '', 'a'],
    ['adds the trailing newline', 'a\nb', 'a\nb\n'],
    ['removes the trailing newline', 'a\nb\n', 'a\nb'],
    ['changes a last line without newline', 'x\ny\nz', 'x\ny\nZ'],
    ['both sides without trailing newline, change in the middle', '1\n2\n3\n4\n5\n6\n7\n8\n9', '1\n2\n3\n4\nfive\n6\n7\n8\n9'],
    ['one change in the middle of a long file', Array.from({ length: 30 }, (_, i) => `line ${i}\n`).join(''), Array.from({ length: 30 }, (_, i) => (i === 14 ? 'changed\n' : `line ${i}\n`)).join('')],
    [
      'two far-apart changes make two hunks',
      Array.from({ length: 40 }, (_, i) => `l${i}\n`).join(''),
      Array.from({ length: 40 }, (_, i) => (i === 3 || i === 30 ? `L${i}\n` : `l${i}\n`)).join(''),
    ],
    [
      'two changes six lines apart share one hunk',
      Array.from({ length: 20 }, (_, i) => `l${i}\n`).join(''),
      Array.from({ length: 20 }, (_, i) => (i === 5 || i === 12 ? `L${i}\n` : `l${i}\n`)).join(''),
    ],
    ['insertion at the start', 'b\nc\nd\ne\n', 'a\nb\nc\nd\ne\n'],
    ['insertion at the end', 'a\nb\nc\nd\n', 'a\nb\nc\nd\ne\n'],
    ['CRLF lines stay CRLF', 'a\r\nb\r\nc\r\n', 'a\r\nB\r\nc\r\n'],
    ['blank lines', '\n\n\n', '\n\nx\n\n'],
  ];
  for (const [name, a, b] of cases)
    it(`${name}: byte-identical to diff -u`, () => {
      const ours = unifiedDiff(a, b, 'srv/docker-compose.yml');
      expect(ours).toBe(gnuDiff(a, b, 'srv/docker-compose.yml'));
      expect(applyPatch(a, ours)).toBe(b);
    });

  it('shows the empty-side hunk ranges as diff does', () => {
    expect(unifiedDiff('', 'a\nb\n', 'f')).toBe('--- f\n+++ f\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(unifiedDiff('a', '', 'f')).toBe('--- f\n+++ f\n@@ -1 +0,0 @@\n-a\n\\ No newline at end of file\n');
  });

  it('quotes a path with a newline or a quote so it cannot forge diff lines', () => {
    const d = unifiedDiff('a\n', 'b\n', '/srv/x\n+++ evil"');
    expect(d.split('\n')[0]).toBe('--- "/srv/x\\n+++ evil\\""');
    expect(d.split('\n').filter((l) => l.startsWith('+++')).length).toBe(1);
  });

  it('random edits: patch reproduces the new text and the size equals diff --minimal', () => {
    // A small xorshift PRNG with a fixed seed: reproducible inputs.
    let seed = 0x2545f491;
    const rnd = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const alphabet = ['a', 'b', 'c', 'd', '', '  x: 1', '# c'];
    const text = (len: number): string => {
      const lines = Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]!);
      const body = lines.join('\n');
      return len === 0 ? '' : rnd(4) === 0 ? body : `${body}\n`;
    };
    for (let round = 0; round < 150; round++) {
      const a = text(rnd(25));
      const b = rnd(3) === 0 ? text(rnd(25)) : a.split('\n').map((l) => (rnd(5) === 0 ? alphabet[rnd(alphabet.length)]! : l)).join('\n');
      const ours = unifiedDiff(a, b, 'f');
      if (a === b) {
        expect(ours).toBe('');
        continue;
      }
      expect(applyPatch(a, ours), `round ${round}`).toBe(b);
      const gnu = gnuDiff(a, b, 'f', ['--minimal']);
      expect(countOps(ours, '-') + countOps(ours, '+'), `round ${round}`).toBe(countOps(gnu, '-') + countOps(gnu, '+'));
    }
  });
});
