// sudoers rules: tags carried over a command list, aliases, host segments, comments vs #uid,
// continuation lines, Defaults !authenticate, and the framing of the collector's output.
import { describe, expect, it } from 'vitest';
import { rawFixture } from '../../../../test/support/hostFixtures';
import { parseSudoers, parseSudoersOutput } from './sudoers';

const passwordless = (s: ReturnType<typeof parseSudoers>): string[] =>
  s.rules.filter((r) => r.commands.some((c) => c.nopasswd && c.all)).map((r) => `${r.file}:${r.line} ${r.users.join(',')}`);

describe('parseSudoers', () => {
  it('Debian default (hardened lab host): two rules, both with a password', () => {
    const s = parseSudoers(rawFixture('sudoers', 'hardened').body);
    expect(s.present).toBe(true);
    expect(s.rules.map((r) => r.text)).toEqual(['root ALL=(ALL:ALL) ALL', '%sudo ALL=(ALL:ALL) ALL']);
    expect(passwordless(s)).toEqual([]);
    expect(s.defaults.some((d) => d.noAuthenticate)).toBe(false);
  });

  it('vulnerable lab host: NOPASSWD ALL for %sudo, !authenticate for guest', () => {
    const s = parseSudoers(rawFixture('sudoers', 'vulnerable').body);
    expect(passwordless(s)).toEqual(['/etc/sudoers.d/90-nopasswd:2 %sudo']);
    expect(s.defaults.filter((d) => d.noAuthenticate)).toEqual([
      { file: '/etc/sudoers.d/91-guest', line: 1, scope: ':guest', text: 'Defaults:guest !authenticate', noAuthenticate: true },
    ]);
  });

  it('complex file: tags, aliases, segments, negation, #uid, continuation', () => {
    const s = parseSudoers(rawFixture('sudoers', 'complex').body);
    expect(passwordless(s)).toEqual(['/etc/sudoers:28 ADMINS', '/etc/sudoers:32 #1000', '/etc/sudoers.d/90-cloud-init-users:3 debian']);
    const admins = s.rules.find((r) => r.users[0] === 'ADMINS')!;
    expect(admins.expandedUsers).toEqual(['alice', 'bob']);
    expect(admins.commands.map((c) => `${c.runas} ${c.nopasswd} ${c.command} ${c.all}`)).toEqual(['ALL true EVERYTHING true', 'postgres false /usr/bin/psql false']);
    // NOPASSWD carries over to the alias after the comma; the alias does not contain ALL.
    const deploy = s.rules.find((r) => r.users[0] === 'deploy')!;
    expect(deploy.commands.map((c) => [c.nopasswd, c.all])).toEqual([
      [true, false],
      [true, false],
    ]);
    // PASSWD: turns it off again.
    expect(s.rules.find((r) => r.users[0] === 'ci')!.commands.map((c) => [c.nopasswd, c.all])).toEqual([
      [true, false],
      [false, true],
    ]);
    // !ALL is not all commands.
    expect(s.rules.find((r) => r.users[0] === 'OPS')!.commands[0]).toMatchObject({ negated: true, all: false });
    expect(s.defaults.find((d) => d.noAuthenticate)).toMatchObject({ scope: ':OPS', line: 33 });
    expect(s.skipped).toEqual(['/etc/sudoers.d/old.dpkg-dist']);
    expect(s.denied).toEqual(['/etc/sudoers.d/99-secret']);
  });

  it('unprivileged: both files denied, nothing parsed', () => {
    const s = parseSudoers(rawFixture('sudoers', 'hardened-unprivileged').body);
    expect(s.denied).toEqual(['/etc/sudoers', '/etc/sudoers.d']);
    expect(s.rules).toEqual([]);
  });

  it('no sudo installed', () => {
    expect(parseSudoers('#rampart absent\n').present).toBe(false);
  });

  it('file content cannot pose as framing', () => {
    const out = parseSudoersOutput('F\t/etc/sudoers\nL\tF\t/etc/evil\nL\tD\t/etc/x\n');
    expect(out.files).toEqual([{ path: '/etc/sudoers', lines: ['F\t/etc/evil', 'D\t/etc/x'] }]);
    expect(out.denied).toEqual([]);
  });

  it('empty, truncated, garbage and huge input never throw', () => {
    expect(parseSudoers('').rules).toEqual([]);
    expect(parseSudoers('F\t/etc/sudoers\nL\talice ALL=(ALL) NOPASSWD: AL').rules[0]!.commands[0]!.all).toBe(false);
    expect(() => parseSudoers('L\t===\nF\tnot-absolute\nL\t((((\nL\t\\\nL\tx = = = :::: ,,,\n\x00')).not.toThrow();
    const huge = 'F\t/etc/sudoers\n' + Array.from({ length: 50_000 }, (_, i) => `L\tu${i} ALL=(ALL) /bin/true, /bin/false`).join('\n');
    expect(parseSudoers(huge).rules).toHaveLength(50_000);
  });
});
