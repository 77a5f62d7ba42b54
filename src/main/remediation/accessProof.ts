// The lockout guard's proof of access: a NEW SSH connection, opened exactly as Rampart reached the
// host (the caller's opener: same user, key, jump chain, pinned host key), runs `id -u` through
// the host profile's privilege mode and must get 0 when the job needs root. The connection that
// made the change is never used for it (open sessions survive an sshd reload, so it proves
// nothing). sshd re-executes itself on a reload, so a refused TCP connection right after it is
// retried for a few seconds; an authentication or host-key failure is final at once.
import { RampartError } from '../../shared/errors';
import { execPrivileged, type CommandRunner, type SudoSpec } from '../ssh/sudo';

export interface ProofOptions {
  /** Opens a new connection (never the one in use). */
  open: () => Promise<CommandRunner & { close(): void }>;
  sudo: SudoSpec;
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 500 ms). */
  retryMs?: number;
}

/** Errors worth another try: sshd may be re-executing right now. */
function transient(e: unknown): boolean {
  const code = e instanceof RampartError ? e.code : '';
  const msg = (e as Error)?.message ?? '';
  if (['AUTH_REJECTED', 'HOST_KEY_CHANGED', 'HOST_KEY_UNKNOWN', 'IDENTITY_UNREADABLE', 'SUDO_DENIED', 'SUDO_PASSWORD_REQUIRED'].includes(code)) return false;
  if (/authentication|all configured authentication methods failed|permission denied/i.test(msg)) return false;
  return /ECONNREFUSED|ECONNRESET|refused|reset|timed out|timeout|closed|EPIPE|not responding|unreachable/i.test(`${code} ${msg}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with what was proven; rejects with why access does not work. */
export async function proveAccess(o: ProofOptions, needsRoot: boolean): Promise<string> {
  const deadline = Date.now() + (o.timeoutMs ?? 15_000);
  let attempt = 0;
  for (;;) {
    attempt++;
    let conn: (CommandRunner & { close(): void }) | null = null;
    try {
      conn = await o.open();
      const r = await execPrivileged(conn, o.sudo, 'id -u', { timeoutMs: 20_000 });
      const uid = r.stdout.trim();
      if (r.code !== 0) throw new RampartError('SUDO_DENIED', `id -u on the new connection exited ${r.code}: ${r.stderr.trim().slice(0, 200)}`);
      if (needsRoot && uid !== '0') throw new RampartError('SUDO_DENIED', `the new connection runs commands as uid ${uid}, not root${o.sudo.mode === 'none' ? '' : ` (${o.sudo.mode})`}`);
      return `logged in (attempt ${attempt}), id -u ${uid}${o.sudo.mode === 'none' ? '' : ` through ${o.sudo.mode}`}`;
    } catch (e) {
      if (!transient(e) || Date.now() + (o.retryMs ?? 500) > deadline) throw e;
      await sleep(o.retryMs ?? 500);
    } finally {
      try {
        conn?.close();
      } catch {
        /* already closed */
      }
    }
  }
}
