// SSH connections with ssh2. The host key is verified (asynchronously, during key exchange)
// before any credential is offered; a probe reads the key and aborts without authenticating.
import fs from 'node:fs';
import os from 'node:os';
import ssh2, { type ConnectConfig, type ClientChannel } from 'ssh2';

// ssh2 is CommonJS: under Node's own ESM loader (the CLI via tsx) only its default export exists.
const { Client, utils } = ssh2;
type Client = InstanceType<typeof Client>;
import { RampartError } from '../../shared/errors';
import type { HostKeyPin } from '../../shared/domain';
import { keyTypeOf, sha256Fingerprint } from './fingerprint';

export interface SshTarget {
  address: string;
  port: number;
  username: string;
  identityFile?: string | null | undefined;
  /** Resolved credentials (keychain key, agent…); when absent, identityFile or SSH_AUTH_SOCK. */
  credentials?: Credentials | undefined;
}

/** What the client may offer, in order. Built by src/main/ssh/auth.ts; never logged or stored. */
export interface Credentials {
  /** Parsed-checked private key (PEM/OpenSSH text or buffer) and its passphrase, if any. */
  privateKey?: Buffer | string | undefined;
  passphrase?: string | undefined;
  /** ssh-agent socket path. */
  agent?: string | undefined;
  /** Human description of each source for error messages, e.g. "key from the keychain". */
  describe: string[];
}

export interface PresentedKey {
  keyType: string;
  fingerprint: string;
}

/** What to do with the host key the server presents. */
export type HostKeyPolicy =
  | { kind: 'pinned'; pin: HostKeyPin }
  /** Accept whatever is presented; the caller pins it (first use, after explicit consent). */
  | { kind: 'accept-new'; onAccept: (key: PresentedKey) => void };

/** The command's stdin, for commands that answer what they print (sudo's prompt). */
export interface ExecIO {
  write(data: string | Buffer): void;
  end(data?: string | Buffer): void;
}

export interface ExecOptions {
  stdin?: string | Buffer;
  /**
   * Drives stdin from what the command writes on stderr instead of sending `stdin` at once: stdin
   * stays open until `io.end()`. Called with each stderr chunk as it arrives (the process-group
   * line already stripped).
   */
  onStderr?: (text: string, io: ExecIO) => void;
  timeoutMs?: number;
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  durationMs: number;
  truncated: boolean;
}

export interface ConnectOptions {
  /** An already connected stream to the server (a jump host's forwardOut channel). */
  sock?: NodeJS.ReadWriteStream | undefined;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  signal?: AbortSignal;
}

const DEFAULT_READY_TIMEOUT_MS = 10_000;
const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? os.homedir() + p.slice(1) : p;
}

/** Reads and parses the private key file up front so a bad file gets a specific message. */
export function loadIdentity(file: string, passphrase?: string): Buffer {
  const full = expandHome(file);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RampartError('IDENTITY_UNREADABLE', `Cannot read the private key ${full}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}.`);
  }
  checkPrivateKey(buf, full, passphrase);
  return buf;
}

/** Throws a specific error unless `key` is a private key usable with `passphrase`. */
export function checkPrivateKey(key: Buffer | string, label: string, passphrase?: string): void {
  if (Buffer.byteLength(key) > 64 * 1024) throw new RampartError('IDENTITY_UNREADABLE', `${label} is larger than 64 KiB; that is not a private key.`);
  const parsed = utils.parseKey(key, passphrase);
  if (parsed instanceof Error) {
    if (/encrypted|passphrase|bad decrypt|integrity/i.test(parsed.message))
      throw new RampartError(
        'IDENTITY_ENCRYPTED',
        passphrase
          ? `The passphrase for the private key ${label} is wrong.`
          : `The private key ${label} is protected by a passphrase. Store the passphrase in the keychain for this host, or load the key into ssh-agent.`,
      );
    throw new RampartError('IDENTITY_UNREADABLE', `${label} is not a private key Rampart can use: ${parsed.message}.`);
  }
  const k = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!k || !k.isPrivateKey()) throw new RampartError('IDENTITY_UNREADABLE', `${label} holds a public key; Rampart needs the private key.`);
}

interface AuthTrace {
  tried: string[];
  /** Methods the server said it still accepts (from its USERAUTH_FAILURE), if it said. */
  serverMethods: string[] | null;
}

function mapConnectError(err: Error & { code?: string; level?: string }, t: SshTarget, auth?: AuthTrace): RampartError {
  const where = `${t.address}:${t.port}`;
  switch (err.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new RampartError('HOST_UNRESOLVED', `Cannot resolve ${t.address}: no such host name (DNS).`);
    case 'ECONNREFUSED':
      return new RampartError('CONNECTION_REFUSED', `${where} refused the connection: nothing listens on port ${t.port}, or a firewall rejects it.`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new RampartError('HOST_UNREACHABLE', `No route to ${where} (${err.code}). Is the address right, and the VPN up if the host needs one?`);
    case 'ETIMEDOUT':
      return new RampartError('CONNECTION_TIMEOUT', `Connecting to ${where} timed out.`);
    case 'ECONNRESET':
      return new RampartError('CONNECTION_DROPPED', `${where} reset the connection during the SSH handshake.`);
  }
  if (err.level === 'client-authentication') {
    const tried = auth?.tried.length ? auth.tried : ['publickey'];
    const offered = t.credentials?.describe.join(', ') ?? (t.identityFile ? `the key ${t.identityFile}` : 'no key or ssh-agent identity');
    const server = auth?.serverMethods ? ` The server accepts: ${auth.serverMethods.join(', ') || 'nothing'}.` : '';
    return new RampartError('AUTH_REJECTED', `${where} rejected the login as ${t.username}: ${offered} was not accepted (methods tried: ${tried.join(', ')}).${server}`, {
      methodsTried: tried,
      ...(auth?.serverMethods ? { serverMethods: auth.serverMethods } : {}),
    });
  }
  if (err.level === 'client-timeout' || /timed out/i.test(err.message))
    return new RampartError('CONNECTION_TIMEOUT', `${where} did not complete the SSH handshake in time. Is it an SSH server on that port?`);
  if (err.level === 'protocol' || /handshake|protocol|ident/i.test(err.message))
    return new RampartError('CONNECTION_DROPPED', `SSH handshake with ${where} failed: ${err.message}. Is it an SSH server on that port?`);
  return new RampartError('CONNECTION_DROPPED', `SSH connection to ${where} failed: ${err.message}`);
}

/** Connects far enough to see the server's host key, then aborts. Sends no credential. */
export function probeHostKey(t: Pick<SshTarget, 'address' | 'port'>, opts: ConnectOptions = {}): Promise<PresentedKey> {
  if (opts.signal?.aborted) return Promise.reject(new RampartError('CANCELLED', 'Cancelled.'));
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen: PresentedKey | null = null;
    const finish = (fn: () => void): void => {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end();
      fn();
    };
    client.on('error', (err) => finish(() => (seen ? resolve(seen) : reject(mapConnectError(err, { ...t, username: 'probe' })))));
    client.on('close', () => finish(() => (seen ? resolve(seen) : reject(new RampartError('CONNECTION_DROPPED', `${t.address}:${t.port} closed the connection before presenting a host key.`)))));
    client.on('ready', () => finish(() => reject(new RampartError('INTERNAL', 'Probe unexpectedly authenticated'))));
    client.connect({
      host: t.address,
      port: t.port,
      username: 'rampart-probe',
      readyTimeout: opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      ...(opts.sock ? { sock: opts.sock } : {}),
      // No credentials at all: even if the verifier said yes, nothing could be offered.
      authHandler: () => false,
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        seen = { keyType: keyTypeOf(key), fingerprint: sha256Fingerprint(key) };
        verify(false);
      },
    } as ConnectConfig);
  });
}

/**
 * Sends a "signal" channel request. ssh2's channel.signal() is skipped once our side of the
 * channel has ended (after stdin EOF), which is always the case here, so the request is written
 * directly while the channel is still open.
 */
const PGID_MARK = '@@rampart-pgid:';

/** Signature algorithms that present a key of this type (RSA keys sign with SHA-2 first). */
export function hostKeyAlgorithmsFor(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

function killRemote(stream: ClientChannel): void {
  const ch = stream as unknown as { outgoing?: { id: number; state: string }; _client?: { _protocol?: { signal(id: number, sig: string): void } } };
  try {
    if (ch.outgoing?.state === 'open') ch._client?._protocol?.signal(ch.outgoing.id, 'KILL');
  } catch {
    /* the channel or connection is already gone */
  }
}

export class SshConnection {
  private closed = false;
  execCount = 0;

  constructor(
    private readonly client: Client,
    readonly target: SshTarget,
    readonly hostKey: PresentedKey,
  ) {
    // Every running exec listens for the connection closing; many may run at once.
    client.setMaxListeners(64);
    client.on('close', () => {
      this.closed = true;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Calls `fn` once when the connection closes (dropped or closed by us). */
  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.client.once('close', fn);
  }

  /** A TCP channel from the server to host:port — the next hop of a jump chain. */
  forwardOut(host: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new RampartError('CONNECTION_DROPPED', `The connection to ${this.target.address} is closed.`));
      this.client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
        if (err) {
          const why = err.message || String(err);
          return reject(
            /prohibited|administratively/i.test(why)
              ? new RampartError('CONNECTION_REFUSED', `${this.target.address} does not allow TCP forwarding (AllowTcpForwarding), so it cannot be used as a jump host: ${why}.`)
              : new RampartError('CONNECTION_REFUSED', `${this.target.address} could not open a connection to ${host}:${port}: ${why}.`),
          );
        }
        resolve(stream);
      });
    });
  }

  /** Runs one command; the remote process gets `stdin` and EOF. */
  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const timeoutMs = opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const maxOutputBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    this.execCount++;
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new RampartError('CONNECTION_DROPPED', `The connection to ${this.target.address} is closed.`));
      if (opts.signal?.aborted) return reject(new RampartError('CANCELLED', 'Cancelled before the command started.'));
      // The login shell that sshd starts for the command is a session leader (setsid), so $$ is
      // the process group of everything the command starts. It is reported on stderr first, so a
      // cancelled or timed-out command can be killed as a group — sshd ignores "signal" requests
      // for root logins (no post-auth privilege separation).
      const wrapped = `printf '${PGID_MARK}%s\\n' "$$" >&2; ${command}`;
      this.client.exec(wrapped, (err, stream: ClientChannel) => {
        if (err)
          return reject(
            this.closed
              ? new RampartError('CONNECTION_DROPPED', `The connection to ${this.target.address} dropped before the command started.`)
              : /open failed|prohibited|resource shortage/i.test(err.message)
                ? new RampartError('CHANNEL_LIMIT', `${this.target.address} refused another session channel (sshd MaxSessions reached): ${err.message}`)
                : new RampartError('CONNECTION_DROPPED', `Could not open a channel on ${this.target.address}: ${err.message}`),
          );
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let bytes = 0;
        let truncated = false;
        let code: number | null = null;
        let sig: string | null = null;
        let failure: RampartError | null = null;
        let pgid: number | null = null;
        let errHead = '';
        const io: ExecIO = {
          write: (data) => {
            if (stream.writable) stream.write(data);
          },
          end: (data) => {
            if (stream.writable) stream.end(data);
          },
        };
        const take = (bucket: Buffer[]) => (d: Buffer) => {
          if (bucket === errOut && pgid === null) {
            // Strip the process-group line from stderr before anything is counted or kept.
            // The login shell may print first (e.g. "Could not chdir to home directory").
            errHead += d.toString('latin1');
            const m = new RegExp(`(?:^|\n)(${PGID_MARK}(\\d+)\n)`).exec(errHead);
            if (!m && errHead.length < 4096) return;
            if (m) {
              pgid = Number(m[2]);
              const at = m.index + m[0].length - m[1]!.length;
              d = Buffer.from(errHead.slice(0, at) + errHead.slice(at + m[1]!.length), 'latin1');
            } else {
              pgid = 0;
              d = Buffer.from(errHead, 'latin1');
            }
            if (!d.length) return;
          }
          if (bytes + d.length > maxOutputBytes) {
            truncated = true;
            const room = maxOutputBytes - bytes;
            if (room > 0) bucket.push(d.subarray(0, room));
            bytes = maxOutputBytes;
            stream.close();
            return;
          }
          bytes += d.length;
          bucket.push(d);
          if (bucket === errOut && opts.onStderr) opts.onStderr(d.toString('utf8'), io);
        };
        let graceTimer: NodeJS.Timeout | null = null;
        const settleFailure = (): void => {
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          this.client.removeListener('close', onClientClose);
          reject(withPartialStdout(failure!, out));
        };
        const abort = (e: RampartError): void => {
          if (failure) return;
          failure = e;
          killRemote(stream);
          if (pgid) {
            // A second channel kills the whole group; best effort, the connection may be gone.
            try {
              this.client.exec(`kill -KILL -- -${pgid} 2>/dev/null; true`, (err2, s2) => {
                if (!err2) s2.resume().end();
              });
            } catch {
              /* connection closed */
            }
          }
          stream.close();
          // Do not wait forever for a server that does not close the channel.
          graceTimer = setTimeout(settleFailure, 2_000);
        };
        const timer = setTimeout(() => abort(new RampartError('COMMAND_TIMEOUT', `The command on ${this.target.address} did not finish within ${timeoutMs} ms and was stopped.`)), timeoutMs);
        const onAbort = (): void => abort(new RampartError('CANCELLED', 'Cancelled; the remote command was stopped.'));
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        const onClientClose = (): void => {
          failure ??= new RampartError('CONNECTION_DROPPED', `The connection to ${this.target.address} dropped while a command was running.`);
        };
        this.client.once('close', onClientClose);
        stream.on('data', take(out));
        stream.stderr.on('data', take(errOut));
        stream.on('exit', (c: number | null, s?: string) => {
          code = c;
          sig = s ?? null;
        });
        stream.on('close', () => {
          if (pgid === null && errHead) errOut.unshift(Buffer.from(errHead, 'latin1')); // short stderr without the mark
          if (graceTimer) clearTimeout(graceTimer);
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          this.client.removeListener('close', onClientClose);
          // The client 'close' may arrive just after the channel's; a missing exit status tells.
          if (!failure && code === null && sig === null && !truncated) {
            failure = new RampartError('CONNECTION_DROPPED', `The connection to ${this.target.address} dropped while a command was running.`);
          }
          if (failure) return reject(withPartialStdout(failure, out));
          resolve({
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(errOut).toString('utf8'),
            code,
            signal: sig,
            durationMs: Date.now() - started,
            truncated,
          });
        });
        if (opts.onStderr) return; // the caller writes stdin when the command asks
        if (opts.stdin !== undefined) stream.end(opts.stdin);
        else stream.end();
      });
    });
  }

  close(): void {
    if (!this.closed) this.client.end();
    this.closed = true;
  }
}

const PARTIAL_STDOUT = Symbol('partialStdout');

/**
 * Keeps what a failed command printed before it failed (dropped, timed out, cancelled) on the
 * error, out of its enumerable fields, so it is never serialized into IPC responses or logs.
 */
function withPartialStdout(e: RampartError, out: readonly Buffer[]): RampartError {
  Object.defineProperty(e, PARTIAL_STDOUT, { value: Buffer.concat(out).toString('utf8'), enumerable: false });
  return e;
}

/** The stdout a failed exec had received before it failed ('' if none, or not an exec error). */
export function partialStdoutOf(e: unknown): string {
  const v = e && typeof e === 'object' ? (e as Record<symbol, unknown>)[PARTIAL_STDOUT] : undefined;
  return typeof v === 'string' ? v : '';
}

/** Key file from the target, else the ssh-agent of this process's environment. */
function defaultCredentials(t: SshTarget): Credentials {
  if (t.identityFile) return { privateKey: loadIdentity(t.identityFile), describe: [`the key ${t.identityFile}`] };
  const agent = process.env.SSH_AUTH_SOCK;
  return agent ? { agent, describe: ['the ssh-agent identities'] } : { describe: [] };
}

/**
 * Opens an authenticated connection. The host key is checked against the policy inside
 * ssh2's hostVerifier, i.e. before the client offers any credential.
 */
export function connect(t: SshTarget, policy: HostKeyPolicy, opts: ConnectOptions = {}): Promise<SshConnection> {
  let creds: Credentials;
  try {
    creds = t.credentials ?? defaultCredentials(t);
  } catch (e) {
    return Promise.reject(e);
  }
  const { privateKey, passphrase, agent } = creds;
  if (!privateKey && !agent)
    return Promise.reject(new RampartError('AUTH_REJECTED', `No identity for ${t.username}@${t.address}: set a private key file for the host, or start ssh-agent with the key loaded.`));
  const trace: AuthTrace = { tried: [], serverMethods: null };
  // Offer the key first, then the agent; each at most once. Returning false ends authentication.
  const pending: Array<{ type: 'publickey' | 'agent' }> = [];
  if (privateKey) pending.push({ type: 'publickey' });
  if (agent) pending.push({ type: 'agent' });
  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented: PresentedKey | null = null;
    let keyError: RampartError | null = null;
    let settled = false;
    const fail = (e: RampartError): void => {
      if (settled) return;
      settled = true;
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end();
      reject(e);
    };
    const onAbort = (): void => fail(new RampartError('CANCELLED', 'Connection cancelled.'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      client.removeAllListeners('error');
      client.on('error', () => undefined); // later errors surface through 'close' on pending execs
      resolve(new SshConnection(client, t, presented!));
    });
    client.on('error', (err) => fail(keyError ?? mapConnectError(err, t, trace)));
    client.on('close', () => fail(keyError ?? new RampartError('CONNECTION_DROPPED', `${t.address}:${t.port} closed the connection during login.`)));
    const config: ConnectConfig = {
      host: t.address,
      port: t.port,
      username: t.username,
      readyTimeout: opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      keepaliveInterval: opts.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: opts.keepaliveCountMax ?? 3,
      tryKeyboard: false,
      ...(opts.sock ? { sock: opts.sock } : {}),
      // Ask for the pinned key's type, so a server with several host keys presents the one we
      // pinned rather than its preferred one (which would look like a changed key).
      ...(policy.kind === 'pinned' ? { algorithms: { serverHostKey: hostKeyAlgorithmsFor(policy.pin.keyType) } } : {}),
      authHandler: (methodsLeft: string[] | null, _partial: boolean | null, next: (m: unknown) => void) => {
        if (methodsLeft) trace.serverMethods = methodsLeft;
        for (;;) {
          const m = pending.shift();
          if (!m) return next(false);
          // Skip what the server said it does not accept (agent auth is publickey on the wire).
          if (methodsLeft && !methodsLeft.includes('publickey')) continue;
          trace.tried.push(m.type === 'agent' ? 'publickey (ssh-agent)' : 'publickey');
          if (m.type === 'publickey') return next({ type: 'publickey', username: t.username, key: privateKey, ...(passphrase ? { passphrase } : {}) });
          return next({ type: 'agent', username: t.username, agent });
        }
      },
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        presented = { keyType: keyTypeOf(key), fingerprint: sha256Fingerprint(key) };
        if (policy.kind === 'accept-new') {
          policy.onAccept(presented);
          return verify(true);
        }
        if (policy.pin.fingerprint === presented.fingerprint) return verify(true);
        keyError = new RampartError(
          'HOST_KEY_CHANGED',
          `The host key of ${t.address}:${t.port} has CHANGED. Pinned: ${policy.pin.fingerprint} (${policy.pin.keyType}); presented now: ${presented.fingerprint} (${presented.keyType}). ` +
            'Rampart refused to connect and sent no credentials. If the server was reinstalled or its keys rotated, verify the new fingerprint out of band and re-pin it.',
          { pinned: policy.pin.fingerprint, presented: presented.fingerprint, keyType: presented.keyType },
        );
        verify(false);
      },
    } as ConnectConfig;
    try {
      client.connect(config);
    } catch (e) {
      fail(new RampartError('IDENTITY_UNREADABLE', (e as Error).message));
    }
  });
}
