import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sudoFailure, sudoWrap } from './sudo';

describe('sudoWrap', () => {
  it('none leaves the command alone', () => {
    expect(sudoWrap('id -u', 'none', null)).toEqual({ command: 'id -u', stdinPrefix: null });
  });
  it('sudo-n quotes the command for sh -c; the shell sees it verbatim', () => {
    const hostile = `echo 'a b' "$(id)" \`x\``;
    const w = sudoWrap(hostile, 'sudo-n', null);
    expect(w.command.startsWith('sudo -n -- sh -c ')).toBe(true);
    // Replace sudo with a printer of its argv to prove the quoting round-trips through sh.
    const argv = execFileSync('sh', ['-c', w.command.replace(/^sudo -n -- /, 'printf "%s\\n" ')], { encoding: 'utf8' });
    expect(argv).toBe(`sh\n-c\n${hostile}\n`);
  });
  it('sudo-password sends the password as the first stdin line, never on the command line', () => {
    const w = sudoWrap('id -u', 'sudo-password', 's3cret pass');
    expect(w.command).toBe(`sudo -S -p '' -- sh -c 'id -u'`);
    expect(w.command).not.toContain('s3cret');
    expect(w.stdinPrefix).toBe('s3cret pass\n');
    expect(() => sudoWrap('id -u', 'sudo-password', null)).toThrow(/none is stored/);
    expect(() => sudoWrap('id -u', 'sudo-password', 'a\nb')).toThrow(/line break/);
  });
});

describe('sudoFailure', () => {
  it('recognizes sudo refusals (LC_ALL=C messages)', () => {
    expect(sudoFailure('sudo: a password is required\n', 'h')?.code).toBe('SUDO_PASSWORD_REQUIRED');
    expect(sudoFailure('sudo: a terminal is required to read the password; either use the -S option…', 'h')?.code).toBe('SUDO_PASSWORD_REQUIRED');
    expect(sudoFailure('Sorry, try again.\nsudo: 1 incorrect password attempt\n', 'h')?.code).toBe('SUDO_DENIED');
    expect(sudoFailure('alice is not in the sudoers file.  This incident will be reported.\n', 'h')?.code).toBe('SUDO_DENIED');
    expect(sudoFailure('Sorry, user alice is not allowed to execute \'/bin/sh -c id\' as root on h.\n', 'h')?.code).toBe('SUDO_DENIED');
    expect(sudoFailure('sh: 1: sudo: not found\n', 'h')?.code).toBe('SUDO_DENIED');
    expect(sudoFailure('some other stderr', 'h')).toBeNull();
  });
});
