// Running a command with the privileges the host profile allows. `sudo -n` never prompts; with
// a password from the keychain, `sudo -S -p ''` reads it as the first line of stdin, so it never
// appears on a command line or in the process list.
import type { SudoMode } from '../../shared/domain';
import { RampartError } from '../../shared/errors';
import { shQuote } from './quote';

export interface SudoCommand {
  command: string;
  /** Sent before the caller's stdin (the password line), or null. */
  stdinPrefix: string | null;
}

export function sudoWrap(command: string, mode: SudoMode, password: string | null): SudoCommand {
  switch (mode) {
    case 'none':
      return { command, stdinPrefix: null };
    case 'sudo-n':
      return { command: `sudo -n -- sh -c ${shQuote(command)}`, stdinPrefix: null };
    case 'sudo-password':
      if (!password) throw new RampartError('SUDO_PASSWORD_REQUIRED', 'This host uses sudo with a password, but none is stored in the keychain. Set it in the host settings.');
      if (/[\r\n]/.test(password)) throw new RampartError('VALIDATION', 'A sudo password cannot contain a line break.');
      return { command: `sudo -S -p '' -- sh -c ${shQuote(command)}`, stdinPrefix: password + '\n' };
  }
}

/** Recognizes sudo's own refusals in stderr (LC_ALL=C messages) and turns them into typed errors. */
export function sudoFailure(stderr: string, host: string): RampartError | null {
  if (/sudo: (a password is required|a terminal is required)/.test(stderr))
    return new RampartError('SUDO_PASSWORD_REQUIRED', `sudo on ${host} needs a password: allow the commands with NOPASSWD, or store the sudo password for this host.`);
  if (/incorrect password attempt|Sorry, try again/.test(stderr))
    return new RampartError('SUDO_DENIED', `sudo on ${host} rejected the stored password. Update it in the host settings.`);
  if (/is not in the sudoers file|is not allowed to (run|execute)|may not run sudo/.test(stderr))
    return new RampartError('SUDO_DENIED', `The login user may not use sudo on ${host}.`);
  if (/sudo: (command )?not found/.test(stderr)) return new RampartError('SUDO_DENIED', `sudo is not installed on ${host}.`);
  return null;
}
