// NEWEST_AWK (backups.ts) picks the same 6 newest files per location as the
// `sort -rn | awk 'n[$2]++ < 6'` it replaced, with mawk and busybox awk: ties, mtimes that differ
// only past a double's precision, many locations.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NEWEST_AWK } from './backups';

const CANDIDATES: Array<[string, string[]]> = [
  ['mawk', ['/usr/bin/mawk']],
  ['busybox awk', ['/bin/busybox', 'awk']],
];
const AWKS = CANDIDATES.filter((a) => fs.existsSync(a[1][0]!));

function lines(seed: number): string {
  let x = seed;
  const rnd = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const out: string[] = [];
  for (let i = 0; i < 400; i++) {
    const sec = 1746802200 + rnd(5); // many equal seconds
    const frac = rnd(3) === 0 ? '0000000000' : `123456789${rnd(10)}`; // differ in the 10th digit only
    const loc = `/srv/b${rnd(7)}`;
    out.push(`${sec}.${frac}\t${loc}\t${loc}/f ${rnd(50)}'$(x)`);
  }
  return `${out.join('\n')}\n`;
}

describe.each(AWKS)('%s', (_, cmd) => {
  it('the same files as sort -rn | awk n[$2]++ < 6', () => {
    for (const seed of [1, 2, 3, 42]) {
      const input = lines(seed);
      const want = execFileSync('sh', ['-c', `LC_ALL=C sort -rn | awk -F '\t' 'n[$2]++ < 6'`], { input, encoding: 'utf8' });
      const got = execFileSync(cmd[0]!, [...cmd.slice(1), '-F', '\t', NEWEST_AWK], { input, encoding: 'utf8', env: { LC_ALL: 'C' } });
      expect(got.split('\n').filter(Boolean).sort()).toEqual(want.split('\n').filter(Boolean).sort());
      expect(got.split('\n').filter(Boolean)).toHaveLength(7 * 6);
    }
  });
});

it('there is an awk to test with', () => {
  expect(AWKS.length).toBeGreaterThan(0);
});
