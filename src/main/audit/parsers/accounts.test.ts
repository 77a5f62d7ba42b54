// passwd / group / shadow as the collector reports them: states only, never a hash.
import { describe, expect, it } from 'vitest';
import { accountPasswordState, isLoginShell, parseGroup, parsePasswd, parseShadow } from './accounts';
import { rawFixture } from '../../../../test/support/hostFixtures';

const body = (name: string, scenario: string): string => rawFixture(name, scenario).body;

describe('parsePasswd', () => {
  it('vulnerable lab host: planted accounts with their password-field states', () => {
    const users = parsePasswd(body('passwd', 'vulnerable'));
    const by = (n: string) => users.find((u) => u.name === n)!;
    expect(by('root')).toMatchObject({ uid: 0, gid: 0, home: '/lab/state/root-home', passwdField: 'shadowed' });
    expect(by('toor')).toMatchObject({ uid: 0, shell: '/bin/sh' });
    expect(by('legacy').passwdField).toBe('set');
    expect(users.filter((u) => u.uid === 4101).map((u) => u.name)).toEqual(['alice', 'backupsvc']);
  });

  it('accepts nothing but a state in the password column (a hash can never become a fact)', () => {
    const users = parsePasswd('eve\t1001\t1001\t/home/eve\t/bin/sh\t$6$salt$abcdef\nbob\t1002\t1002\t/home/bob\t/bin/sh\tx\n');
    expect(users.map((u) => u.name)).toEqual(['bob']);
    expect(JSON.stringify(users)).not.toContain('$6$');
  });

  it('empty is empty; garbage is an error; huge input is capped', () => {
    expect(parsePasswd('')).toEqual([]);
    expect(() => parsePasswd('\x00\x01garbage\nno tabs here\n')).toThrow(/no account/);
    const huge = Array.from({ length: 120_000 }, (_, i) => `u${i}\t${i}\t${i}\t/home/u${i}\t/bin/sh\tx`).join('\n');
    expect(parsePasswd(huge)).toHaveLength(100_000);
  });

  it('truncated: the cut line is dropped', () => {
    expect(parsePasswd('root\t0\t0\t/root\t/bin/bash\tx\nalice\t10').map((u) => u.name)).toEqual(['root']);
  });
});

describe('parseGroup', () => {
  it('members of the sudo group on the vulnerable host', () => {
    const groups = parseGroup(body('group', 'vulnerable'));
    expect(groups.find((g) => g.name === 'sudo')!.members).toEqual(['alice']);
    expect(groups.find((g) => g.name === 'auditor')).toEqual({ name: 'auditor', gid: 4100, members: [] });
  });
});

describe('parseShadow', () => {
  it('vulnerable: empty, locked and set states; no hash', () => {
    const s = parseShadow(body('shadow', 'vulnerable'));
    const st = (n: string) => s.entries.find((e) => e.name === n)!.state;
    expect([st('root'), st('guest'), st('toor'), st('alice'), st('auditor')]).toEqual(['set', 'empty', 'locked', 'set', 'locked']);
    expect(JSON.stringify(s)).not.toMatch(/\$[0-9a-z]+\$/);
  });

  it('rejects a line whose state is not a state', () => {
    expect(() => parseShadow('root\t$6$x$y\t1\t2\t3\n')).toThrow(/no entry/);
  });

  it('keeps aging fields as numbers', () => {
    expect(parseShadow('alice\tset\t20000\t99999\t\n').entries[0]).toEqual({ name: 'alice', state: 'set', lastChange: 20000, maxDays: 99999, expires: null });
  });
});

describe('password state and shells', () => {
  it('an empty passwd field wins over shadow; a shadowed one reads shadow', () => {
    const shadow = { entries: [{ name: 'a', state: 'locked' as const, lastChange: null, maxDays: null, expires: null }] };
    const base = { name: 'a', uid: 1, gid: 1, home: '/', shell: '/bin/sh' };
    expect(accountPasswordState({ ...base, passwdField: 'empty' }, shadow)).toBe('empty');
    expect(accountPasswordState({ ...base, passwdField: 'shadowed' }, shadow)).toBe('locked');
    expect(accountPasswordState({ ...base, name: 'b', passwdField: 'shadowed' }, shadow)).toBe('unknown');
  });

  it('login shells', () => {
    expect(isLoginShell('/bin/bash')).toBe(true);
    expect(isLoginShell('')).toBe(true);
    expect(isLoginShell('/usr/sbin/nologin')).toBe(false);
    expect(isLoginShell('/bin/false')).toBe(false);
    expect(isLoginShell('/bin/sync')).toBe(false);
  });
});
