// The sudoers fix's pure parts: the NOPASSWD entry for ALL narrowed to PASSWD on the one line,
// other commands keeping their tags, lines it cannot edit safely refused; who a rule may apply to
// (the refusal that keeps the login user's only root path).
import { describe, expect, it } from 'vitest';
import { narrowSudoersText, requirePasswordForAll, ruleMayApplyTo } from './sudoersFixes';

const ALL = new Set(['ALL']);
const ok = (line: string, all: ReadonlySet<string> = ALL): string => {
  const r = requirePasswordForAll(line, all);
  if (!r.ok) throw new Error(r.reason);
  return r.line;
};

describe('sudoers fix: NOPASSWD: ALL narrowed', () => {
  it('takes NOPASSWD off the ALL entry', () => {
    expect(ok('fixer ALL=(ALL:ALL) NOPASSWD: ALL')).toBe('fixer ALL=(ALL:ALL) PASSWD: ALL');
    expect(ok('%sudo   ALL=(ALL) NOPASSWD:ALL')).toBe('%sudo   ALL=(ALL) PASSWD: ALL');
    expect(ok('deploy ALL = NOPASSWD: SETENV: ALL')).toBe('deploy ALL = SETENV: PASSWD: ALL');
  });

  it('keeps NOPASSWD for the specific commands before ALL, and puts it back on the one after that inherited it', () => {
    expect(ok('deploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app, ALL')).toBe('deploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app, PASSWD: ALL');
    expect(ok('deploy ALL=(root) NOPASSWD: ALL, /usr/bin/apt-get update')).toBe('deploy ALL=(root) PASSWD: ALL, NOPASSWD: /usr/bin/apt-get update');
    // An explicit tag on the next command stays as it is.
    expect(ok('deploy ALL=NOPASSWD: ALL, PASSWD: /bin/ls')).toBe('deploy ALL=PASSWD: ALL, PASSWD: /bin/ls');
  });

  it('a Cmnd_Alias that means ALL, comments, quoted and hostile user names are kept byte for byte', () => {
    expect(ok('ops ALL=NOPASSWD: EVERYTHING  # ops team', new Set(['EVERYTHING']))).toBe('ops ALL=PASSWD: EVERYTHING  # ops team');
    expect(ok('"we ird;$(reboot)" ALL=(ALL) NOPASSWD: ALL')).toBe('"we ird;$(reboot)" ALL=(ALL) PASSWD: ALL');
    expect(ok('%"domain users" ALL=(ALL) NOPASSWD: ALL # "quoted # not a comment"')).toBe('%"domain users" ALL=(ALL) PASSWD: ALL # "quoted # not a comment"');
    expect(ok('#1001 ALL=(ALL) NOPASSWD: ALL')).toBe('#1001 ALL=(ALL) PASSWD: ALL');
    expect(ok('u ALL=(ALL) ROLE=sysadm_r NOPASSWD: ALL')).toBe('u ALL=(ALL) ROLE=sysadm_r PASSWD: ALL');
  });

  it('refuses what it cannot edit safely, or what needs no edit', () => {
    expect(requirePasswordForAll('u ALL=(ALL) NOPASSWD: ALL \\', ALL)).toMatchObject({ ok: false, reason: expect.stringMatching(/continues on the next line/) });
    expect(requirePasswordForAll('u host1 = NOPASSWD: ALL : host2 = NOPASSWD: ALL', ALL)).toMatchObject({ ok: false, reason: expect.stringMatching(/several host specifications/) });
    expect(requirePasswordForAll('u ALL=(ALL) ALL', ALL)).toMatchObject({ ok: false, reason: expect.stringMatching(/no NOPASSWD entry/) });
    expect(requirePasswordForAll('u ALL=(ALL) NOPASSWD: !ALL', ALL)).toMatchObject({ ok: false });
    expect(requirePasswordForAll('Defaults env_reset', ALL)).toMatchObject({ ok: false });
  });

  it('changes only the named line of the file (other lines, CRLF kept); the test fault line is appended', () => {
    const text = '# header\nroot ALL=(ALL) ALL\nfixer ALL=(ALL:ALL) NOPASSWD: ALL\r\nother ALL=(ALL) NOPASSWD: ALL\n';
    const r = narrowSudoersText(text, 3, ALL);
    expect(r).toEqual({ ok: true, changed: 1, line: '# header\nroot ALL=(ALL) ALL\nfixer ALL=(ALL:ALL) PASSWD: ALL\r\nother ALL=(ALL) NOPASSWD: ALL\n' });
    expect(narrowSudoersText(text, 3, ALL, 'not sudoers')).toMatchObject({ ok: true, line: expect.stringMatching(/NOPASSWD: ALL\nnot sudoers\n$/) });
    expect(narrowSudoersText('a \\\nALL=(ALL) NOPASSWD: ALL\n', 2, ALL)).toMatchObject({ ok: false, reason: expect.stringMatching(/continuation/) });
    expect(narrowSudoersText(text, 9, ALL)).toMatchObject({ ok: false });
  });
});

describe('sudoers fix: does the rule apply to the login user', () => {
  it('by name, ALL, a group the user is in; uid, gid and netgroup entries count as "may"', () => {
    expect(ruleMayApplyTo({ expandedUsers: ['fixer'] }, 'fixer', [])).toBe(true);
    expect(ruleMayApplyTo({ expandedUsers: ['ALL'] }, 'fixer', [])).toBe(true);
    expect(ruleMayApplyTo({ expandedUsers: ['%sudo'] }, 'fixer', ['fixer', 'sudo'])).toBe(true);
    expect(ruleMayApplyTo({ expandedUsers: ['%"domain admins"'] }, 'fixer', ['domain admins'])).toBe(true);
    expect(ruleMayApplyTo({ expandedUsers: ['%wheel'] }, 'fixer', ['fixer'])).toBe(false);
    expect(ruleMayApplyTo({ expandedUsers: ['%wheel'] }, 'fixer', null)).toBe(true); // groups unknown
    for (const u of ['#1001', '%#1001', '+admins']) expect(ruleMayApplyTo({ expandedUsers: [u] }, 'fixer', []), u).toBe(true);
    expect(ruleMayApplyTo({ expandedUsers: ['deploy', '!fixer'] }, 'fixer', [])).toBe(false);
  });
});
