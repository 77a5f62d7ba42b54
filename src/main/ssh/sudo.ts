// The one way Rampart runs a command with the privileges the host profile allows (audit lanes,
// the connection test, fixes).
//
// How the sudo password travels: `sudo -S -p <random prompt>` prints that prompt on stderr when,
// and only when, it wants the password; Rampart writes the password (one line) to stdin only after
// it has seen that exact prompt, and only once. The command itself first prints a random "started"
// line with its uid on stderr; the caller's stdin (e.g. the collector script) is written only
// after that line, i.e. after sudo has finished authenticating and exec'd the command. So when
// sudo does not ask (root login, a NOPASSWD rule) the password is never written
// at all, and it can never be read by the command as code. It is never on a command line, in the
// environment, in a file on the host, or in any output Rampart keeps.
//
// Every sudo runs with LC_ALL=C so its messages are the ones `sudoFailure` knows; refusals are
// told apart first by behaviour (prompt seen twice, no "started" line, exit status) and only then
// named from the message text.
import { randomBytes } from 'node:crypto';
import type { SudoMode } from '../../shared/domain';
import { RampartError } from '../../shared/errors';
import type { ExecIO, ExecOptions, ExecResult } from './connection';
import { shQuote } from './quote';

export interface SudoSpec {
  mode: SudoMode;
  /** For sudo-password: from the keychain, only in memory. */
  password: string | null;
  /** The host's name, for messages. */
  host: string;
}

export interface PrivilegedExecOptions extends Omit<ExecOptions, 'onStderr'> {
  /** sudo -n: ignore a cached ticket (`-k`), so only a NOPASSWD rule passes (the connection test). The password mode always ignores tickets. */
  noCache?: boolean;
  /** How long sudo may take to start the command (asking for something Rampart cannot answer). */
  startTimeoutMs?: number;
  /** Called once the command runs with the requested privileges (before its stdin is sent). */
  onStarted?: () => void;
}

export interface PrivilegedResult extends ExecResult {
  /** The uid the command ran as. */
  uid: number;
  /** sudo asked for the password and accepted it. */
  passwordUsed: boolean;
}

/** Anything that runs one command: an SshConnection, a pooled session. */
export interface CommandRunner {
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
/** Longer than either marker line, so one split across two chunks is still found. */
const MARKER_TAIL = 96;

function token(): string {
  // Hex only: sudo expands %-escapes in the prompt, and the shell sees it inside single quotes.
  return randomBytes(12).toString('hex');
}

/** The command line for `command` under `mode`; exported for the tests and the fix preview. */
export function sudoCommandLine(mode: SudoMode, command: string, markers: { prompt: string; started: string }, noCache = false): string {
  // The started line is printed by the shell sudo starts, so it proves sudo let the command run.
  const inner = `printf '%s:%s\\n' ${markers.started} "$(id -u)" >&2; ${command}`;
  switch (mode) {
    case 'none':
      return `LC_ALL=C sh -c ${shQuote(inner)}`;
    case 'sudo-n':
      return `LC_ALL=C sudo -n${noCache ? ' -k' : ''} -- sh -c ${shQuote(inner)}`;
    case 'sudo-password':
      // Always -k: a cached ticket would let a wrong stored password pass unnoticed.
      return `LC_ALL=C sudo -S -k -p ${shQuote(markers.prompt)} -- sh -c ${shQuote(inner)}`;
  }
}

/**
 * Runs `command` (a shell command line) as root through sudo per `sudo.mode`, or as the login
 * user for 'none'. Throws SUDO_PASSWORD_REQUIRED or SUDO_DENIED when sudo does not run it; other
 * errors (dropped connection, timeout, cancel) are the exec's own.
 */
export async function execPrivileged(conn: CommandRunner, sudo: SudoSpec, command: string, opts: PrivilegedExecOptions = {}): Promise<PrivilegedResult> {
  if (sudo.mode === 'sudo-password') {
    if (!sudo.password) throw new RampartError('SUDO_PASSWORD_REQUIRED', `${sudo.host} uses sudo with a password, but none is stored in the keychain. Set it in the host settings.`);
    if (/[\r\n\0]/.test(sudo.password)) throw new RampartError('VALIDATION', 'A sudo password cannot contain a line break or a NUL byte.');
  }
  const markers = { prompt: `[rampart-sudo-${token()}]`, started: `rampart-started-${token()}` };
  const startedRe = new RegExp(`${markers.started}:(\\d+)\\n`);
  const { noCache, startTimeoutMs, onStarted, stdin, signal, ...execOpts } = opts;

  let seen = '';
  /** Everything before this offset of `seen` has been looked at (a marker cut in two is kept). */
  let pos = 0;
  let prompts = 0;
  let passwordSent = false;
  let uid: number | null = null;
  let startTimedOut = false;
  const stop = new AbortController();
  const onOuterAbort = (): void => stop.abort();
  if (signal?.aborted) stop.abort();
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  const startTimer = setTimeout(() => {
    startTimedOut = true;
    stop.abort();
  }, startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);

  const onStderr = (text: string, io: ExecIO): void => {
    if (uid !== null) return; // the command's own stderr from here on
    seen += text;
    for (;;) {
      const rest = seen.slice(pos);
      const p = rest.indexOf(markers.prompt);
      const s = startedRe.exec(rest);
      if (s && (p < 0 || s.index < p)) {
        uid = Number(s[1]);
        clearTimeout(startTimer);
        onStarted?.();
        io.end(stdin ?? '');
        return;
      }
      if (p < 0) {
        pos = Math.max(pos, seen.length - MARKER_TAIL);
        return;
      }
      pos += p + markers.prompt.length;
      prompts++;
      if (prompts === 1 && sudo.mode === 'sudo-password' && sudo.password) {
        passwordSent = true;
        io.write(sudo.password + '\n');
      } else {
        // Asked again: the password was wrong. Never retry (account lockout); EOF makes sudo give up.
        io.end();
      }
    }
  };

  let res: ExecResult;
  try {
    res = await conn.exec(sudoCommandLine(sudo.mode, command, markers, noCache), { ...execOpts, signal: stop.signal, onStderr });
  } catch (e) {
    if (startTimedOut && uid === null && !signal?.aborted)
      throw new RampartError(
        'SUDO_DENIED',
        `sudo on ${sudo.host} did not start the command within ${(startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS) / 1000} s${prompts === 0 ? ' and did not ask for the password the usual way (a second factor or a custom PAM prompt?)' : ''}.`,
      );
    throw e;
  } finally {
    clearTimeout(startTimer);
    signal?.removeEventListener('abort', onOuterAbort);
  }

  if (uid === null) throw refusal(sudo, res, { prompts, passwordSent });
  // sudo's prompt and the started line are Rampart's, not the command's: keep its stderr clean.
  const stderr = res.stderr.split(markers.prompt).join('').replace(startedRe, '');
  return { ...res, stderr, uid, passwordUsed: passwordSent };
}

function refusal(sudo: SudoSpec, res: ExecResult, how: { prompts: number; passwordSent: boolean }): RampartError {
  if (sudo.mode === 'none') return new RampartError('INTERNAL', `The command could not be started on ${sudo.host} (exit ${res.code}).`);
  if (how.passwordSent)
    return new RampartError('SUDO_DENIED', `sudo on ${sudo.host} rejected the stored password (tried once). Update it in the host settings.`, { passwordRejected: true });
  const named = sudoFailure(res.stderr, sudo.host);
  if (named) return named;
  const first = res.stderr.trim().split('\n')[0]?.slice(0, 200) ?? '';
  return new RampartError('SUDO_DENIED', `sudo on ${sudo.host} did not run the command (exit ${res.code ?? res.signal})${first ? `: ${first}` : ''}.`);
}

/** Names sudo's own refusals from its LC_ALL=C stderr (the behaviour above comes first). */
export function sudoFailure(stderr: string, host: string): RampartError | null {
  if (/sudo: (a password is required|a terminal is required)/.test(stderr))
    return new RampartError('SUDO_PASSWORD_REQUIRED', `sudo on ${host} needs a password: allow the commands with NOPASSWD, or store the sudo password for this host.`);
  if (/incorrect password attempt|Sorry, try again|no password was provided/.test(stderr))
    return new RampartError('SUDO_DENIED', `sudo on ${host} rejected the stored password. Update it in the host settings.`);
  if (/is not in the sudoers file|is not allowed to (run|execute)|may not run sudo/.test(stderr))
    return new RampartError('SUDO_DENIED', `The login user may not use sudo on ${host}.`);
  if (/sudo: (command )?not found/.test(stderr)) return new RampartError('SUDO_DENIED', `sudo is not installed on ${host}.`);
  return null;
}
