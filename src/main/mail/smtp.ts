// A small SMTP client for the mail probes (RFC 5321 replies, RFC 3207 STARTTLS): enough for the
// greeting, EHLO, STARTTLS, MAIL/RCPT and QUIT, nothing that sends a message. Hand-written because
// the probe needs what a mail library hides: the raw greeting, the EHLO keywords, the exact reply to
// each command, and a TLS upgrade whose handshake we control (versions, ciphers, CAs).
// Every read is bounded: line length, lines per reply, bytes buffered, and a deadline for the
// whole dialogue (the socket is destroyed when it passes).
import net from 'node:net';
import tls from 'node:tls';

/** RFC 5321 §4.5.3.1.5 says 512 octets per reply line; servers exceed it, so allow some slack. */
export const MAX_LINE_BYTES = 2048;
/** An EHLO reply has one line per extension; 100 is far beyond any real server. */
export const MAX_REPLY_LINES = 100;
export const MAX_BUFFER_BYTES = 64 * 1024;

export interface SmtpReply {
  code: number;
  /** Text of each line, without the code and separator. */
  lines: string[];
}

export class SmtpError extends Error {
  constructor(
    readonly code: 'TIMEOUT' | 'CLOSED' | 'REFUSED' | 'UNREACHABLE' | 'PROTOCOL' | 'NETWORK',
    message: string,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
}

/**
 * Parses complete reply lines (CRLF or LF already removed) into one reply; throws on a line that
 * is not `NNN-text` / `NNN text` or a code that changes within a multi-line reply.
 * Returns null while the last line read is a continuation (`NNN-`).
 */
export function parseReply(lines: readonly string[]): SmtpReply | null {
  if (!lines.length) return null;
  let code = -1;
  const text: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\d{3})(?:([ -])(.*))?$/.exec(lines[i]!);
    if (!m) throw new SmtpError('PROTOCOL', `not an SMTP reply line: ${JSON.stringify(lines[i]!.slice(0, 80))}`);
    const c = Number(m[1]);
    if (code !== -1 && c !== code) throw new SmtpError('PROTOCOL', `reply code changed from ${code} to ${c} inside a multi-line reply`);
    code = c;
    text.push(m[3] ?? '');
    const last = m[2] !== '-';
    if (last && i !== lines.length - 1) throw new SmtpError('PROTOCOL', 'data after the last line of a reply');
    if (last) return { code, lines: text };
  }
  return null;
}

/** EHLO keywords (upper case) from a 250 reply: the first line is the server's name. */
export function ehloKeywords(reply: SmtpReply): string[] {
  return reply.lines.slice(1).map((l) => l.trim().split(/\s+/)[0]!.toUpperCase()).filter(Boolean);
}

/** EHLO argument for this side: an address literal (RFC 5321 §4.1.3), since the prober has no name of its own. */
export function addressLiteral(address: string | undefined): string {
  if (!address) return '[127.0.0.1]';
  const a = address.replace(/^::ffff:/, '');
  return net.isIPv6(a) ? `[IPv6:${a}]` : `[${a}]`;
}

export interface SmtpConnectOptions {
  address: string;
  port: number;
  /** Deadline for everything done on this connection, from connect to close. */
  deadline: number;
  /** Connect with TLS at once (465, 993, 995) instead of plain. */
  implicitTls?: tls.ConnectionOptions;
  /** Cancels the connection (the socket is destroyed at once). */
  signal?: AbortSignal | undefined;
}

/** One SMTP (or implicit-TLS) connection with bounded, line-based reads. */
export class SmtpConnection {
  private buf = '';
  private lines: string[] = [];
  private waiter: (() => void) | null = null;
  private failure: SmtpError | null = null;
  private timer: NodeJS.Timeout;
  socket: net.Socket;

  private constructor(socket: net.Socket, readonly deadline: number, private readonly signal?: AbortSignal) {
    this.socket = socket;
    this.timer = setTimeout(() => this.fail(new SmtpError('TIMEOUT', 'no complete answer before the deadline')), Math.max(0, deadline - Date.now()));
    this.attach(socket);
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private readonly onAbort = (): void => {
    this.fail(new SmtpError('CLOSED', 'cancelled'));
    this.socket.destroy();
  };

  /** Connects; resolves once TCP (and, for implicit TLS, the handshake) is done. */
  static connect(opts: SmtpConnectOptions): Promise<SmtpConnection> {
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(new SmtpError('CLOSED', 'cancelled'));
      const ms = Math.max(1, opts.deadline - Date.now());
      const sock = opts.implicitTls
        ? tls.connect({ ...opts.implicitTls, host: opts.address, port: opts.port })
        : net.connect({ host: opts.address, port: opts.port });
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new SmtpError('TIMEOUT', `no connection within ${ms} ms`));
      }, ms);
      const onError = (e: NodeJS.ErrnoException): void => {
        clearTimeout(timer);
        sock.destroy();
        if (e.code === 'ECONNREFUSED') reject(new SmtpError('REFUSED', 'connection refused (port closed)'));
        else if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH') reject(new SmtpError('UNREACHABLE', `${e.code}: no route to the host`));
        else reject(new SmtpError('NETWORK', e.code ?? e.message));
      };
      const onAbort = (): void => {
        clearTimeout(timer);
        sock.destroy();
        reject(new SmtpError('CLOSED', 'cancelled'));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      sock.once('error', onError);
      sock.once(opts.implicitTls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        sock.off('error', onError);
        resolve(new SmtpConnection(sock, opts.deadline, opts.signal));
      });
    });
  }

  private attach(sock: net.Socket): void {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => this.onData(d));
    sock.on('error', (e: NodeJS.ErrnoException) => this.fail(new SmtpError('NETWORK', e.code ?? e.message)));
    sock.on('close', () => this.fail(new SmtpError('CLOSED', 'the server closed the connection')));
  }

  private onData(d: string): void {
    this.buf += d;
    if (this.buf.length > MAX_BUFFER_BYTES) return this.fail(new SmtpError('PROTOCOL', `more than ${MAX_BUFFER_BYTES} bytes without being asked`));
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i).replace(/\r$/, '');
      this.buf = this.buf.slice(i + 1);
      if (line.length > MAX_LINE_BYTES) return this.fail(new SmtpError('PROTOCOL', `a reply line longer than ${MAX_LINE_BYTES} bytes`));
      this.lines.push(line);
    }
    if (this.buf.length > MAX_LINE_BYTES) return this.fail(new SmtpError('PROTOCOL', `a reply line longer than ${MAX_LINE_BYTES} bytes`));
    this.wake();
  }

  private fail(e: SmtpError): void {
    if (!this.failure) this.failure = e;
    if (e.code === 'TIMEOUT') this.socket.destroy();
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** The next complete reply (multi-line replies read to their last line). */
  async readReply(): Promise<SmtpReply> {
    for (;;) {
      const end = this.lines.findIndex((l) => !/^\d{3}-/.test(l));
      if (end >= 0) {
        const take = this.lines.splice(0, end + 1);
        const r = parseReply(take);
        if (r) return r;
      }
      if (this.lines.length > MAX_REPLY_LINES) throw new SmtpError('PROTOCOL', `a reply of more than ${MAX_REPLY_LINES} lines`);
      if (this.failure) throw this.failure;
      await new Promise<void>((res) => (this.waiter = res));
    }
  }

  /** Sends one command line and reads its reply. CR/LF in `line` is refused (no command injection). */
  async command(line: string): Promise<SmtpReply> {
    if (/[\r\n]/.test(line)) throw new SmtpError('PROTOCOL', 'a command may not contain CR or LF');
    if (this.failure) throw this.failure;
    this.socket.write(`${line}\r\n`, 'latin1');
    return this.readReply();
  }

  /** True when the server sent more than was asked (e.g. after the STARTTLS reply: RFC 3207 §4.2 / CVE-2011-0411). */
  get pendingInput(): boolean {
    return this.lines.length > 0 || this.buf.length > 0;
  }

  /** Upgrades this connection to TLS (after a 220 to STARTTLS); resolves when the handshake is done. */
  startTls(options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    raw.removeAllListeners('error');
    return new Promise((resolve, reject) => {
      const t = tls.connect({ ...options, socket: raw });
      const onError = (e: NodeJS.ErrnoException): void => {
        t.destroy();
        reject(new SmtpError('PROTOCOL', `TLS handshake failed: ${e.code ?? ''}${e.code ? ' ' : ''}${e.message}`.trim()));
      };
      const timer = setTimeout(() => onError(Object.assign(new Error('no handshake before the deadline'), { code: 'TIMEOUT' })), Math.max(1, this.deadline - Date.now()));
      t.once('error', onError);
      t.once('secureConnect', () => {
        clearTimeout(timer);
        t.off('error', onError);
        this.socket = t;
        this.buf = '';
        this.lines = [];
        this.attach(t);
        resolve(t);
      });
    });
  }

  /** QUIT politely when still connected (not waiting long for the answer), then close. */
  async quit(): Promise<void> {
    if (!this.failure && !this.socket.destroyed) {
      const bye = this.command('QUIT').catch(() => undefined);
      await Promise.race([bye, new Promise((r) => setTimeout(r, 200))]);
    }
    this.close();
  }

  close(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
    this.socket.destroy();
  }
}
