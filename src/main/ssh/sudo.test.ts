import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RampartError } from '../../shared/errors';
import type { ExecOptions, ExecResult } from './connection';
import { execPrivileged, sudoCommandLine, sudoFailure, type CommandRunner } from './sudo';

const markers = { prompt: '[rampart-sudo-0123abcd]', started: 'rampart-started-4567ef' };

/** Runs the command with the local sh, honouring onStderr like SshConnection.exec does. */
const localShell: CommandRunner = {
  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn('sh', ['-c', command], { stdio: 'pipe', ...(opts.signal ? { signal: opts.signal } : {}) });
      let stdout = '';
      let stderr = '';
      const io = { write: (d: string | Buffer) => void child.stdin.write(d), end: (d?: string | Buffer) => void child.stdin.end(d) };
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        opts.onStderr?.(d.toString(), io);
      });
      child.on('error', () => reject(new RampartError('CANCELLED', 'Cancelled; the remote command was stopped.')));
      child.on('close', (code, signal) => resolve({ stdout, stderr, code, signal, durationMs: Date.now() - started, truncated: false }));
      if (!opts.onStderr) child.stdin.end(opts.stdin ?? '');
    });
  },
};

describe('sudoCommandLine', () => {
  it('keeps the command one quoted argument of sh -c, with LC_ALL=C, for every mode', () => {
    const hostile = `echo "$(id)" 'x' ; rm -rf / # \`whoami\``;
    for (const mode of ['none', 'sudo-n', 'sudo-password'] as const) {
      const line = sudoCommandLine(mode, hostile, markers);
      expect(line.startsWith('LC_ALL=C ')).toBe(true);
      // One sh -c argument: the only unquoted text is the fixed prefix.
      const arg = line.slice(line.indexOf("sh -c '") + 6);
      expect(arg.startsWith("'") && arg.endsWith("'")).toBe(true);
      expect(line).toContain(markers.started);
    }
    expect(sudoCommandLine('sudo-n', 'id', markers)).toMatch(/^LC_ALL=C sudo -n -- sh -c /);
    expect(sudoCommandLine('sudo-n', 'id', markers, true)).toMatch(/^LC_ALL=C sudo -n -k -- sh -c /);
    // The password mode always ignores a cached ticket, so the stored password is always checked.
    expect(sudoCommandLine('sudo-password', 'id', markers)).toMatch(/^LC_ALL=C sudo -S -k -p '\[rampart-sudo-0123abcd\]' -- sh -c /);
    expect(sudoCommandLine('none', 'id', markers)).not.toContain('sudo');
  });
});

describe('execPrivileged (local shell; lab hosts in test/sudo-password.lab.test.ts)', () => {
  it("mode none: the command's stdin arrives only after the started line, which is stripped from stderr", async () => {
    const r = await execPrivileged(localShell, { mode: 'none', password: null, host: 'local' }, 'cat; echo oops >&2', { stdin: 'script-body\n' });
    expect(r.stdout).toBe('script-body\n');
    expect(r.stderr).toBe('oops\n');
    expect(r.uid).toBe(process.getuid!());
    expect(r.passwordUsed).toBe(false);
  });

  it('a prompt that looks like the marker but is not the random one gets no password', async () => {
    // A command that prints a fake prompt before sudo would: the random marker cannot be guessed.
    const r = await execPrivileged(localShell, { mode: 'none', password: null, host: 'local' }, "printf '[rampart-sudo-guess]' >&2; cat", { stdin: 'x' });
    expect(r.stdout).toBe('x');
    expect(r.passwordUsed).toBe(false);
  });

  it('rejects a missing password or one with a line break before connecting anything', async () => {
    await expect(execPrivileged(localShell, { mode: 'sudo-password', password: null, host: 'h' }, 'id')).rejects.toMatchObject({ code: 'SUDO_PASSWORD_REQUIRED' });
    await expect(execPrivileged(localShell, { mode: 'sudo-password', password: 'a\nb', host: 'h' }, 'id')).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  /**
   * Plays sudo's side of the protocol with the local sh (the real sudo is in the lab test): the
   * prompt written in two pieces, one line read as the password, asked again when it is wrong.
   */
  const promptingSudo = (expected: string): CommandRunner => ({
    exec(command, opts) {
      const prompt = /-p '(\[rampart-sudo-[0-9a-f]+\])'/.exec(command)![1]!;
      const inner = command.slice(command.indexOf(' -- sh -c ') + ' -- sh -c '.length);
      const half = prompt.length >> 1;
      const script = [
        `printf 'lecture\\n%s' ${JSON.stringify(prompt.slice(0, half))} >&2; sleep 0.05; printf '%s' ${JSON.stringify(prompt.slice(half))} >&2`,
        `IFS= read -r pw || exit 1`,
        `if [ "$pw" != ${JSON.stringify(expected)} ]; then echo 'Sorry, try again.' >&2; printf '%s' ${JSON.stringify(prompt)} >&2; IFS= read -r pw2 || { echo 'sudo: 1 incorrect password attempt' >&2; exit 1; }; echo SECOND-PASSWORD-SENT; exit 1; fi`,
        `exec sh -c ${inner}`,
      ].join('\n');
      return localShell.exec(script, opts);
    },
  });

  it('writes the password once, after the prompt (even one split across chunks), then the stdin after the started line', async () => {
    const r = await execPrivileged(promptingSudo('right pw'), { mode: 'sudo-password', password: 'right pw', host: 'h' }, 'cat', { stdin: 'script\n' });
    expect(r).toMatchObject({ stdout: 'script\n', passwordUsed: true, uid: process.getuid!() });
    expect(r.stderr).toBe('lecture\n');
  });

  it('a second prompt (wrong password) gets EOF, never a second try: SUDO_DENIED', async () => {
    const p = execPrivileged(promptingSudo('right pw'), { mode: 'sudo-password', password: 'wrong', host: 'h' }, 'cat', { stdin: 'script\n' });
    await expect(p).rejects.toMatchObject({ code: 'SUDO_DENIED', message: expect.stringMatching(/rejected the stored password \(tried once\)/) });
  });

  it('a command that never starts within startTimeoutMs is a typed sudo refusal', async () => {
    // Stands in for a sudo that waits on a prompt Rampart does not know (a second factor).
    const slow: CommandRunner = { exec: (_c, o) => localShell.exec('sleep 5', o) };
    await expect(execPrivileged(slow, { mode: 'sudo-n', password: null, host: 'h' }, 'id', { startTimeoutMs: 200 })).rejects.toMatchObject({
      code: 'SUDO_DENIED',
      message: expect.stringMatching(/did not start the command within 0.2 s/),
    });
  });
});

describe('sudoFailure', () => {
  it("maps sudo's LC_ALL=C refusals to typed errors", () => {
    expect(sudoFailure('sudo: a password is required\n', 'h')?.code).toBe('SUDO_PASSWORD_REQUIRED');
    expect(sudoFailure('sudo: a terminal is required to read the password; either use the -S option…', 'h')?.code).toBe('SUDO_PASSWORD_REQUIRED');
    expect(sudoFailure('Sorry, try again.\nsudo: 1 incorrect password attempt\n', 'h')?.code).toBe('SUDO_DENIED');
    expect(sudoFailure('alice is not in the sudoers file.  This incident will be reported.\n', 'h')?.code).toBe('SUDO_DENIED');
    expect(sudoFailure("Sorry, user alice is not allowed to execute '/bin/sh -c id' as root on h.\n", 'h')?.code).toBe('SUDO_DENIED');
    expect(sudoFailure('sh: 1: sudo: not found\n', 'h')?.code).toBe('SUDO_DENIED');
    expect(sudoFailure('some other stderr', 'h')).toBeNull();
  });
});
