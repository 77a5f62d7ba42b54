// The session pool: one SSH connection per host, shared by every job that needs the host.
// Exec channels are multiplexed on it up to a per-connection limit (sshd's MaxSessions defaults
// to 10, and the 11th channel fails), further execs queue; a global limit bounds how many hosts
// are worked on at once in a fleet. Connections are reference counted, kept alive, reopened with
// backoff when they drop, and closed after an idle period.
import { RampartError } from '../../shared/errors';
import type { ExecOptions, ExecResult, SshConnection } from './connection';

export interface PoolOptions {
  /** Channels in flight per connection; below sshd's default MaxSessions of 10. */
  maxChannelsPerConnection?: number;
  /** Hosts being connected to or running commands at the same time, across the pool. */
  maxConcurrentHosts?: number;
  /** Close a connection nobody used for this long. */
  idleCloseMs?: number;
  /** Reconnect attempts after a transient failure, with exponential backoff from this delay. */
  reconnectAttempts?: number;
  reconnectBaseDelayMs?: number;
}

export interface HostSession {
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Commands run through this session (this holder's share of the connection). */
  readonly execCount: number;
  /** The underlying connection (opened if needed). */
  connection(): Promise<SshConnection>;
}

export type ConnectionFactory = (hostId: number, signal?: AbortSignal) => Promise<SshConnection>;

/** Errors worth retrying a connect for; everything else (auth, host key, VPN down) is final. */
const TRANSIENT = new Set(['CONNECTION_DROPPED', 'CONNECTION_TIMEOUT', 'CONNECTION_REFUSED', 'HOST_UNREACHABLE']);

class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  get inUse(): number {
    return this.active;
  }
  get queued(): number {
    return this.waiters.length;
  }
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.limit) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(wake);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new RampartError('CANCELLED', 'Cancelled while waiting for a free channel.'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(wake);
    });
    this.active++;
    return this.releaser();
  }
  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      this.waiters.shift()?.();
    };
  }
}

interface Entry {
  hostId: number;
  conn: SshConnection | null;
  connecting: Promise<SshConnection> | null;
  channels: Semaphore;
  refs: number;
  idleTimer: NodeJS.Timeout | null;
  connects: number;
  /** The fleet slot this host holds while anyone works on it (taken by the first, freed by the last). */
  slot: Promise<() => void> | null;
  /** The host's profile changed while in use: close the connection when the last holder is done. */
  stale: boolean;
}

export interface PoolStats {
  hosts: number;
  openConnections: number;
  /** Connections the pool opened itself. */
  connectsTotal: number;
  /** Connections it took over from the connection test (adopt). */
  adopted: number;
  channelsInUse: number;
  channelsQueued: number;
}

export class SessionPool {
  private readonly entries = new Map<number, Entry>();
  private readonly hostSlots: Semaphore;
  private readonly opts: Required<PoolOptions>;
  private closed = false;
  private connectsTotal = 0;
  private adopted = 0;

  constructor(
    private readonly factory: ConnectionFactory,
    opts: PoolOptions = {},
  ) {
    this.opts = {
      maxChannelsPerConnection: opts.maxChannelsPerConnection ?? 8,
      maxConcurrentHosts: opts.maxConcurrentHosts ?? 16,
      idleCloseMs: opts.idleCloseMs ?? 60_000,
      reconnectAttempts: opts.reconnectAttempts ?? 3,
      reconnectBaseDelayMs: opts.reconnectBaseDelayMs ?? 250,
    };
    this.hostSlots = new Semaphore(this.opts.maxConcurrentHosts);
  }

  private entry(hostId: number): Entry {
    let e = this.entries.get(hostId);
    // A stale entry stays with its current holders; new jobs get a fresh one.
    if (!e || e.stale) {
      e = { hostId, conn: null, connecting: null, channels: new Semaphore(this.opts.maxChannelsPerConnection), refs: 0, idleTimer: null, connects: 0, slot: null, stale: false };
      this.entries.set(hostId, e);
    }
    return e;
  }

  /** The live connection of a host, opening (or reopening) it with backoff. */
  private async connection(e: Entry, signal?: AbortSignal): Promise<SshConnection> {
    if (e.conn && !e.conn.isClosed) return e.conn;
    e.conn = null;
    e.connecting ??= (async () => {
      let lastError: unknown;
      for (let attempt = 0; attempt <= this.opts.reconnectAttempts; attempt++) {
        if (attempt > 0) await sleep(this.opts.reconnectBaseDelayMs * 2 ** (attempt - 1), signal);
        try {
          const conn = await this.factory(e.hostId, signal);
          e.connects++;
          this.connectsTotal++;
          conn.onClose(() => {
            if (e.conn === conn) e.conn = null;
          });
          if (this.closed) {
            conn.close();
            throw new RampartError('CANCELLED', 'The session pool is closed.');
          }
          e.conn = conn;
          return conn;
        } catch (err) {
          lastError = err;
          if (!(err instanceof RampartError) || !TRANSIENT.has(err.code) || signal?.aborted) throw err;
        }
      }
      throw lastError;
    })().finally(() => {
      e.connecting = null;
    });
    return e.connecting;
  }

  private retain(e: Entry): void {
    e.refs++;
    if (e.idleTimer) clearTimeout(e.idleTimer);
    e.idleTimer = null;
  }

  private release(e: Entry): void {
    e.refs--;
    if (e.refs > 0) return;
    const slot = e.slot;
    e.slot = null;
    void slot?.then((free) => free());
    if (this.closed) return;
    if (e.stale) {
      e.conn?.close();
      if (this.entries.get(e.hostId) === e) this.entries.delete(e.hostId);
      return;
    }
    this.closeWhenIdle(e);
  }

  private closeWhenIdle(e: Entry): void {
    if (e.idleTimer) clearTimeout(e.idleTimer);
    e.idleTimer = setTimeout(() => {
      if (e.refs === 0) {
        e.conn?.close();
        e.conn = null;
        if (this.entries.get(e.hostId) === e) this.entries.delete(e.hostId);
      }
    }, this.opts.idleCloseMs);
    e.idleTimer.unref();
  }

  /**
   * Takes over a live connection opened elsewhere — the connection test's, just proven hop by
   * hop — as the host's pooled connection, so the next job needs no new login. Refused (false:
   * the caller closes it) when the host already has a connection or one is being opened.
   */
  adopt(hostId: number, conn: SshConnection): boolean {
    if (this.closed || conn.isClosed) return false;
    const e = this.entry(hostId);
    if ((e.conn && !e.conn.isClosed) || e.connecting) return false;
    e.conn = conn;
    this.adopted++;
    conn.onClose(() => {
      if (e.conn === conn) e.conn = null;
    });
    if (e.refs === 0) this.closeWhenIdle(e);
    return true;
  }

  /**
   * Runs one command on a host over its pooled connection. A command interrupted by a dropped
   * connection fails with CONNECTION_DROPPED and is not re-run (it may not be idempotent); the
   * next exec reconnects.
   */
  async exec(hostId: number, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.withHost(hostId, opts.signal, (session) => session.exec(command, opts));
  }

  /**
   * Holds the host (its connection stays open, counts against the fleet limit) while `fn` runs;
   * use for several commands that belong together.
   */
  async withHost<T>(hostId: number, signal: AbortSignal | undefined, fn: (session: HostSession) => Promise<T>): Promise<T> {
    if (this.closed) throw new RampartError('CANCELLED', 'The session pool is closed.');
    const e = this.entry(hostId);
    let execCount = 0;
    const session: HostSession = {
      exec: (command, opts = {}) => {
        execCount++;
        return this.execOn(e, command, opts);
      },
      get execCount() {
        return execCount;
      },
      connection: () => this.connection(e, signal),
    };
    this.retain(e);
    try {
      // One fleet slot per host, shared by all its concurrent jobs.
      e.slot ??= this.hostSlots.acquire();
      await abortable(e.slot, signal);
      return await fn(session);
    } finally {
      this.release(e);
    }
  }

  private async execOn(e: Entry, command: string, opts: ExecOptions): Promise<ExecResult> {
    const releaseChannel = await e.channels.acquire(opts.signal);
    try {
      for (let attempt = 0; ; attempt++) {
        const conn = await this.connection(e, opts.signal);
        try {
          return await conn.exec(command, opts);
        } catch (err) {
          // sshd frees a session slot a moment after the channel closes, so a burst can briefly
          // exceed MaxSessions. The channel was never opened, so nothing ran: retry shortly.
          if (!(err instanceof RampartError) || err.code !== 'CHANNEL_LIMIT' || attempt >= 6) throw err;
          await sleep(25 * 2 ** attempt, opts.signal);
        }
      }
    } finally {
      releaseChannel();
    }
  }

  /**
   * Drops a host's connection because its profile (address, key, jump host, pinned key…) changed:
   * at once when nobody holds it, else when the last holder is done (a running audit keeps the
   * connection it started with; the next job connects with the new settings).
   */
  forget(hostId: number): void {
    const e = this.entries.get(hostId);
    if (!e) return;
    if (e.refs > 0) {
      e.stale = true;
      return;
    }
    if (e.idleTimer) clearTimeout(e.idleTimer);
    e.conn?.close();
    this.entries.delete(hostId);
  }

  /** forget() for every host (a change that may affect any chain, e.g. a jump host's profile). */
  forgetAll(): void {
    for (const id of [...this.entries.keys()]) this.forget(id);
  }

  stats(): PoolStats {
    let open = 0;
    let inUse = 0;
    let queued = 0;
    for (const e of this.entries.values()) {
      if (e.conn && !e.conn.isClosed) open++;
      inUse += e.channels.inUse;
      queued += e.channels.queued;
    }
    return { hosts: this.entries.size, openConnections: open, connectsTotal: this.connectsTotal, adopted: this.adopted, channelsInUse: inUse, channelsQueued: queued };
  }

  close(): void {
    this.closed = true;
    for (const e of this.entries.values()) {
      if (e.idleTimer) clearTimeout(e.idleTimer);
      e.conn?.close();
    }
    this.entries.clear();
  }
}

function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new RampartError('CANCELLED', 'Cancelled while waiting for a free host slot.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new RampartError('CANCELLED', 'Cancelled while waiting for a free host slot.'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RampartError('CANCELLED', 'Cancelled.'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new RampartError('CANCELLED', 'Cancelled.'));
      },
      { once: true },
    );
  });
}
