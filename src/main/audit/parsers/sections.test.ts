// The collector's section framing: only the per-run marker may open or close a section.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assignLanes, buildCollectScript, COLLECT_LANES, parseCollectOutput, walkGroupScript } from '../collector';
import { fromRaw } from '../sections/types';
import { SECTION_SPECS } from '../sections';
import { MAX_SECTION_BYTES, parseSections } from './sections';

const M = '@@RAMPART-0123456789abcdef01234567';

/** What the collector's `sec` function prints for one command. */
function sec(name: string, output: string, rc: number | string): string {
  return `${M} BEGIN ${name}\n${output}\n${M} END ${name} ${rc}\n`;
}

describe('parseSections', () => {
  it('splits sections and reads exit codes', () => {
    const out = sec('id', '0\n', 0) + sec('os', 'ID=debian\nVERSION_ID="12"\n', 0) + sec('sshd_t', 'permission denied', 255);
    const s = parseSections(out, M);
    expect([...s.keys()]).toEqual(['id', 'os', 'sshd_t']);
    expect(s.get('id')).toEqual({ name: 'id', body: '0', exitCode: 0 });
    expect(s.get('os')).toEqual({ name: 'os', body: 'ID=debian\nVERSION_ID="12"', exitCode: 0 });
    expect(s.get('sshd_t')).toEqual({ name: 'sshd_t', body: 'permission denied', exitCode: 255 });
  });

  it('keeps blank lines inside a body and handles empty output', () => {
    const s = parseSections(sec('a', 'one\n\n\nfour\n', 0) + sec('empty', '', 1), M);
    expect(s.get('a')!.body).toBe('one\n\n\nfour');
    expect(s.get('empty')).toEqual({ name: 'empty', body: '', exitCode: 1 });
  });

  it('ignores anything outside sections (login banners, motd)', () => {
    const s = parseSections(`Welcome to web-1!\nLast login: never\n${sec('id', '1000', 0)}trailing noise\n`, M);
    expect([...s.keys()]).toEqual(['id']);
    expect(s.get('id')!.body).toBe('1000');
  });

  it('empty output → no sections', () => {
    expect(parseSections('', M).size).toBe(0);
    expect(parseSections('\n\n', M).size).toBe(0);
  });

  describe('marker forgery', () => {
    const forged = [
      '@@RAMPART-ffffffffffffffffffffffff BEGIN sshd_t', // a different run's marker
      '@@RAMPART-ffffffffffffffffffffffff END os 0',
      'BEGIN sshd_t',
      'END os 0',
      `  ${M} END os 0`, // our marker, but not at the start of the line
      `x${M} BEGIN evil`,
      `${M}X BEGIN evil`, // a longer marker that merely starts with ours
      `${M.slice(0, -1)} END os 0`, // a prefix of our marker
      `${M}BEGIN evil`, // no space
      `${M} begin evil`, // wrong case
      `${M} FINISH os 0`,
    ];

    it.each(forged)('a body line %j does not split or close the section', (line) => {
      const body = `ID=debian\n${line}\nPRETTY_NAME="evil"`;
      const s = parseSections(sec('os', body, 0) + sec('id', '0', 0), M);
      expect([...s.keys()]).toEqual(['os', 'id']);
      expect(s.get('os')).toEqual({ name: 'os', body, exitCode: 0 });
    });

    it('all forged lines together in one body', () => {
      const body = forged.join('\n');
      const s = parseSections(sec('sshd_t', body, 0), M);
      expect(s.size).toBe(1);
      expect(s.get('sshd_t')!.body).toBe(body);
    });
  });

  describe('truncation and odd endings', () => {
    it('a section without END → exitCode null, body kept', () => {
      const s = parseSections(sec('id', '0', 0) + `${M} BEGIN sshd_t\nport 22\npermitrootlogin no\n`, M);
      expect(s.get('id')!.exitCode).toBe(0);
      expect(s.get('sshd_t')!.exitCode).toBeNull();
      expect(s.get('sshd_t')!.body).toContain('port 22\npermitrootlogin no');
    });

    it('a lane cut off mid-section, followed by another lane: the open section is truncated, the rest parses', () => {
      const laneA = sec('id', '0', 0) + `${M} BEGIN sshd_t\nport 22\n`;
      const laneB = sec('passwd', 'root:x:0:0::/root:/bin/sh', 0);
      const s = parseSections(`${laneA}\n${laneB}`, M);
      expect(s.get('sshd_t')).toEqual({ name: 'sshd_t', body: 'port 22\n', exitCode: null });
      expect(s.get('passwd')).toEqual({ name: 'passwd', body: 'root:x:0:0::/root:/bin/sh', exitCode: 0 });
      expect(s.get('id')!.exitCode).toBe(0);
    });

    it('output cut in the middle of the END line → exitCode null', () => {
      const s = parseSections(`${M} BEGIN os\nID=debian\n\n${M} EN`, M);
      expect(s.get('os')!.exitCode).toBeNull();
    });

    it('an END without an exit code, or with a non-number → exitCode null', () => {
      expect(parseSections(`${M} BEGIN a\nx\n\n${M} END a\n`, M).get('a')!.exitCode).toBeNull();
      expect(parseSections(`${M} BEGIN a\nx\n\n${M} END a abc\n`, M).get('a')!.exitCode).toBeNull();
      expect(parseSections(`${M} BEGIN a\nx\n\n${M} END a 1.5\n`, M).get('a')!.exitCode).toBeNull();
    });

    it.each([
      [0, 0],
      [1, 1],
      [2, 2],
      [124, 124],
      [127, 127],
      [255, 255],
    ])('exit code %i is read as %i', (rc, expected) => {
      expect(parseSections(sec('x', 'out', rc), M).get('x')!.exitCode).toBe(expected);
    });

    it('a body larger than MAX_SECTION_BYTES is capped, and the next section still parses', () => {
      const line = 'a'.repeat(1023);
      const big = Array.from({ length: Math.ceil(MAX_SECTION_BYTES / 1024) + 512 }, () => line).join('\n');
      const s = parseSections(sec('big', big, 0) + sec('id', '0', 0), M);
      const body = s.get('big')!.body;
      expect(body.length).toBeLessThanOrEqual(MAX_SECTION_BYTES + 1024);
      expect(body.length).toBeGreaterThan(MAX_SECTION_BYTES - 1024);
      expect(s.get('id')).toEqual({ name: 'id', body: '0', exitCode: 0 });
    });
  });
});

describe('the real collector script, run by a local /bin/sh', () => {
  it('produces sections parseSections and parseCollectOutput understand', () => {
    const { marker, scripts } = buildCollectScript({ sshdConfigPath: '/etc/ssh/sshd_config', sectionTimeoutS: 10 });
    expect(marker).toMatch(/^@@RAMPART-[0-9a-f]{24}$/);
    const stdout = scripts.map((script) => execFileSync('/bin/sh', ['-s'], { input: script, encoding: 'utf8', timeout: 30_000 })).join('\n');
    const sections = parseSections(stdout, marker);
    // The core sections come first; every domain module adds its own after them.
    expect([...sections.keys()].slice(0, 3)).toEqual(['id', 'os', 'sshd_t']);
    expect(sections.size).toBeGreaterThan(3);
    for (const s of sections.values()) expect(s.exitCode).not.toBeNull();
    expect(sections.get('id')!.body).toBe(String(process.getuid!()));
    const { facts, uid } = parseCollectOutput(stdout, marker, '/etc/ssh/sshd_config');
    expect(uid).toBe(process.getuid!());
    expect(facts.os.ok).toBe(true);
    if (process.getuid!() === 0) {
      expect(facts.sshd.ok).toBe(true);
      if (facts.sshd.ok) expect(facts.sshd.value.config.get('port')).toBeDefined();
    }
  });

  it('a config path with shell metacharacters is passed as one argument', () => {
    const evil = "/nonexistent/it's $(id) `id`; echo pwned";
    const { marker, scripts } = buildCollectScript({ sshdConfigPath: evil, sectionTimeoutS: 10 });
    const stdout = execFileSync('/bin/sh', ['-s'], { input: scripts[0]!, encoding: 'utf8', timeout: 30_000 });
    const sshd = parseSections(stdout, marker).get('sshd_t')!;
    expect(sshd.exitCode).not.toBe(0);
    expect(sshd.body).toContain(evil);
    expect(sshd.body).not.toMatch(/^pwned$/m);
    expect(sshd.body).not.toMatch(/uid=\d+/);
  });
});

describe('walk groups (several walks in one shell under one time limit)', () => {
  // Lane prelude, then a group of three walks with a 1 s limit each (3 s for the group): the second
  // never ends by itself.
  const prelude = buildCollectScript({ sshdConfigPath: '/etc/ssh/sshd_config', sectionTimeoutS: 1 }).scripts[0]!.split('\nrampart_uid() ')[0]!;
  const marker = /M='([^']+)'/.exec(prelude)![1]!;
  const group = walkGroupScript(
    [
      { section: 'w_one', code: "echo \"one $(printf '%s' \"it's\")\"\nexit 0\necho not-after-exit" },
      { section: 'w_hung', code: 'echo started\nsleep 60\necho never' },
      { section: 'w_after', code: 'echo after' },
    ],
    1,
  );

  for (const mode of ['fn', 'sub']) {
    it(`${mode === 'fn' ? 'as functions' : 'as subshells (aliases off)'}: the finished walk keeps its output, the running one and the rest did not finish, the lane goes on`, () => {
      const script = `${prelude}\n${mode === 'sub' ? 'rampart_walk_fn=sub\n' : ''}${group}\nsec after_group echo lane-goes-on\n`;
      const raw = parseSections(execFileSync('sh', ['-s'], { input: script, encoding: 'utf8', timeout: 30_000 }), marker);
      expect(raw.get('w_one')).toEqual({ name: 'w_one', body: "one it's", exitCode: 0 });
      expect(raw.get('w_hung')).toEqual({ name: 'w_hung', body: '', exitCode: 124 });
      expect(raw.get('w_after')).toEqual({ name: 'w_after', body: '', exitCode: 124 });
      expect(fromRaw(raw.get('w_hung'), 'walk', { uid: 0 }, (b) => b)).toEqual({ ok: false, status: 'error', message: 'walk: did not finish in time' });
      expect(raw.get('after_group')).toEqual({ name: 'after_group', body: 'lane-goes-on', exitCode: 0 });
    }, 30_000);
  }

  it('every walk ends normally: one section each, nothing added', () => {
    const ok = walkGroupScript([{ section: 'w_a', code: 'echo a' }, { section: 'w_b', code: 'echo b >&2; exit 3' }], 5);
    const raw = parseSections(execFileSync('sh', ['-s'], { input: `${prelude}\n${ok}\n`, encoding: 'utf8', timeout: 30_000 }), marker);
    expect([...raw.values()]).toEqual([{ name: 'w_a', body: 'a', exitCode: 0 }, { name: 'w_b', body: 'b', exitCode: 3 }]);
  });

  it('the real registry: a lane with two or more walks runs them in one group with the limits added up', () => {
    const { scripts } = buildCollectScript({ sshdConfigPath: '/etc/ssh/sshd_config', scanRoots: ['/srv'], sectionTimeoutS: 20 });
    const walkSections = SECTION_SPECS.filter((s) => s.walk).map((s) => s.walk!({ sshdConfigPath: '', scanRoots: [], sectionTimeoutS: 20 }).section);
    expect(walkSections.length).toBeGreaterThanOrEqual(5);
    let grouped = 0;
    for (const script of scripts) {
      const mine = walkSections.filter((n) => new RegExp(`\\n(?:secsh|sec) ${n} `).test(script));
      if (mine.length < 2) continue;
      grouped += mine.length;
      expect(script).toContain(`rampart_walk_t="timeout ${20 * mine.length}"`);
      for (const n of mine) expect(script).not.toContain(`sec ${n} $T sh -c`);
    }
    expect(grouped).toBeGreaterThanOrEqual(2);
  });
});

describe('collector lanes', () => {
  const ctx = { sshdConfigPath: '/etc/ssh/sshd_config', scanRoots: ['/srv'], sectionTimeoutS: 20 };
  const rawNames = (script: string): string[] => [...script.matchAll(/(?:^|\n)\s*(?:secsh|sec) (\w+)/g)].map((m) => m[1]!);

  it('at most three scripts; every section in exactly one of them; id, os and sshd -T first in the first', () => {
    const { scripts } = buildCollectScript(ctx);
    expect(scripts.length).toBeGreaterThan(1);
    expect(scripts.length).toBeLessThanOrEqual(COLLECT_LANES);
    expect(COLLECT_LANES).toBeLessThanOrEqual(3);
    const perLane = scripts.map(rawNames);
    expect(perLane[0]!.slice(0, 3)).toEqual(['id', 'os', 'sshd_t']);
    const all = perLane.flat();
    expect(new Set(all).size).toBe(all.length);
    const expected = ['id', 'os', 'sshd_t', ...SECTION_SPECS.flatMap((s) => rawNames(s.script(ctx)))];
    expect([...all].sort()).toEqual([...expected].sort());
  });

  it('spreads by cost: the costliest first, each onto the least loaded lane, registry order kept within a lane', () => {
    const specs = [{ id: 'a', costMs: 10 }, { id: 'b', costMs: 300 }, { id: 'c', costMs: 200 }, { id: 'd', costMs: 100 }, { id: 'e', costMs: 90 }, { id: 'f' }];
    const lanes = assignLanes(specs, 3, 70).map((l) => l.map((s) => s.id));
    // b → lane 1 (lane 0 starts at 70), c → 2, d → 0 (170), e → 0 (260), f (default 20) → 2 (220), a → 2 (230).
    expect(lanes).toEqual([['d', 'e'], ['b'], ['a', 'c', 'f']]);
    const load = (ids: string[], base: number) => ids.reduce((n, id) => n + (specs.find((s) => s.id === id)!.costMs ?? 20), base);
    expect([load(lanes[0]!, 70), load(lanes[1]!, 0), load(lanes[2]!, 0)]).toEqual([260, 300, 230]);
    expect(assignLanes(specs, 1).map((l) => l.map((s) => s.id))).toEqual([['a', 'b', 'c', 'd', 'e', 'f']]);
  });

  it('a spec with laneWith goes to the lane of that fact, its cost counted there', () => {
    const specs = [{ fact: 'a', costMs: 100 }, { fact: 'b', costMs: 100 }, { fact: 'c', costMs: 90, laneWith: 'a' }, { fact: 'd', costMs: 50 }];
    const lanes = assignLanes(specs, 2).map((l) => l.map((s) => s.fact));
    // Units: a+c (190), b (100), d (50): a+c → lane 0, b → lane 1, d → lane 1.
    expect(lanes).toEqual([['a', 'c'], ['b', 'd']]);
    // In the real registry compose reads docker's exit status: same lane.
    const real = assignLanes(SECTION_SPECS, COLLECT_LANES, 70);
    const laneOf = (fact: string) => real.findIndex((l) => l.some((s) => s.fact === fact));
    expect(laneOf('compose')).toBe(laneOf('docker'));
  });

  it('the real registry: no lane holds more than about half the estimated total', () => {
    const lanes = assignLanes(SECTION_SPECS, COLLECT_LANES, 70);
    const cost = (l: typeof SECTION_SPECS) => l.reduce((n, s) => n + (s.costMs ?? 20), 0);
    const total = cost(SECTION_SPECS) + 70;
    for (const l of lanes) expect(cost(l)).toBeLessThan(total * 0.45);
  });
});
