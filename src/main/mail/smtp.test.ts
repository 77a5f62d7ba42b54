// The SMTP client's reply parsing and bounded reads, against scripted servers on loopback.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { addressLiteral, ehloKeywords, MAX_LINE_BYTES, MAX_REPLY_LINES, parseReply, SmtpConnection, SmtpError } from './smtp';

describe('reply parsing (RFC 5321 §4.2)', () => {
  it('single and multi-line replies; the EHLO keywords', () => {
    expect(parseReply(['220 mx.example.com ESMTP'])).toEqual({ code: 220, lines: ['mx.example.com ESMTP'] });
    expect(parseReply(['250'])).toEqual({ code: 250, lines: [''] });
    const ehlo = parseReply(['250-mx.example.com', '250-PIPELINING', '250-SIZE 10240000', '250-starttls', '250 8BITMIME'])!;
    expect(ehlo.code).toBe(250);
    expect(ehloKeywords(ehlo)).toEqual(['PIPELINING', 'SIZE', 'STARTTLS', '8BITMIME']);
    expect(parseReply(['250-first'])).toBeNull();
  });

  it('malformed replies are protocol errors', () => {
    expect(() => parseReply(['hello there'])).toThrow(SmtpError);
    expect(() => parseReply(['250-a', '251 b'])).toThrow(/code changed from 250 to 251/);
    expect(() => parseReply(['250 a', '250 b'])).toThrow(/data after the last line/);
  });

  it('EHLO address literals (RFC 5321 §4.1.3)', () => {
    expect(addressLiteral('10.213.0.1')).toBe('[10.213.0.1]');
    expect(addressLiteral('::ffff:10.0.0.1')).toBe('[10.0.0.1]');
    expect(addressLiteral('2001:db8::1')).toBe('[IPv6:2001:db8::1]');
  });
});

describe('SmtpConnection against scripted servers', () => {
  const servers: net.Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });
  /** A loopback server that runs `script` for each connection. */
  async function serve(script: (sock: net.Socket) => void): Promise<number> {
    const srv = net.createServer(script);
    servers.push(srv);
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
    return (srv.address() as net.AddressInfo).port;
  }
  const connect = (port: number, ms = 2000) => SmtpConnection.connect({ address: '127.0.0.1', port, deadline: Date.now() + ms });

  it('a multi-line reply split across packets is read whole; commands get their replies', async () => {
    const port = await serve((s) => {
      s.write('220-mx.example.');
      setTimeout(() => s.write('com hello\r\n220 ready\r\n'), 20);
      s.on('data', (d) => {
        if (String(d).startsWith('EHLO')) s.write('250-mx.example.com\r\n250 STARTTLS\r\n');
        if (String(d).startsWith('QUIT')) s.end('221 bye\r\n');
      });
    });
    const c = await connect(port);
    expect(await c.readReply()).toEqual({ code: 220, lines: ['mx.example.com hello', 'ready'] });
    expect(ehloKeywords(await c.command('EHLO [127.0.0.1]'))).toEqual(['STARTTLS']);
    await c.quit();
  });

  it('a line longer than the limit, or a reply of too many lines, is refused', async () => {
    const long = await serve((s) => s.write(`220 ${'x'.repeat(MAX_LINE_BYTES + 10)}\r\n`));
    let c = await connect(long);
    await expect(c.readReply()).rejects.toThrow(/longer than/);
    c.close();
    const many = await serve((s) => s.write('250-x\r\n'.repeat(MAX_REPLY_LINES + 5)));
    c = await connect(many);
    await expect(c.readReply()).rejects.toThrow(/more than 100 lines/);
    c.close();
  });

  it('a silent server hits the deadline; a closed port is REFUSED; CR/LF in a command is refused', async () => {
    const silent = await serve(() => undefined);
    const c = await connect(silent, 150);
    const t0 = Date.now();
    await expect(c.readReply()).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - t0).toBeLessThan(3000); // a 150 ms deadline; without it this would hang
    const gone = await serve(() => undefined);
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 20));
    await expect(connect(gone)).rejects.toMatchObject({ code: 'REFUSED' });
    const ok = await serve((s) => s.write('220 hi\r\n'));
    const d = await connect(ok);
    await d.readReply();
    await expect(d.command('MAIL FROM:<a@b>\r\nRCPT TO:<c@d>')).rejects.toThrow(/CR or LF/);
    d.close();
  });

  it('cancelling destroys the connection at once (an aborted signal never connects)', async () => {
    const silent = await serve(() => undefined);
    const ac = new AbortController();
    const c = await SmtpConnection.connect({ address: '127.0.0.1', port: silent, deadline: Date.now() + 5000, signal: ac.signal });
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 50);
    await expect(c.readReply()).rejects.toThrow('cancelled');
    expect(Date.now() - t0).toBeLessThan(3000); // aborted at 50 ms, long before the 5 s deadline
    expect(c.socket.destroyed).toBe(true);
    await expect(SmtpConnection.connect({ address: '127.0.0.1', port: silent, deadline: Date.now() + 5000, signal: ac.signal })).rejects.toThrow('cancelled');
  });

  it('data sent after the STARTTLS reply is noticed (RFC 3207 §4.2)', async () => {
    const port = await serve((s) => {
      s.write('220 hi\r\n');
      s.on('data', () => s.write('220 go ahead\r\n250 injected\r\n'));
    });
    const c = await connect(port);
    await c.readReply();
    expect((await c.command('STARTTLS')).code).toBe(220);
    await new Promise((r) => setTimeout(r, 20));
    expect(c.pendingInput).toBe(true);
    c.close();
  });
});
