// The deliverability lab (lab/mailPair.ts): a message submitted on 587 (STARTTLS, SASL) to the
// sender's Postfix is DKIM-signed by OpenDKIM, relayed by MX over the lab link to the receiver,
// verified there by OpenDKIM and OpenDMARC (SPF included) and filed by Dovecot/Sieve; the test reads
// it back over IMAP (993, the lab CA trusted, no check turned off). Cases: all pass → INBOX with
// spf/dkim/dmarc=pass; the DKIM key in DNS replaced → dkim=fail, dmarc=fail → Junk; the receiver's
// Postfix stopped → not delivered, the message waits in the sender's queue; wrong password refused.
// Clients: nodemailer and imapflow (the libraries the probe uses), talking only to the lab hosts'
// 10.213 addresses. Needs root and the packages in scripts/setup.sh; skipped without them unless
// RAMPART_LAB_REQUIRED=1.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPrerequisites } from '../lab/lab';
import { procAlive, procCmdline } from '../lab/proc';
import { mailPairAvailable, startMailPair, type MailPair, type MailPairImap } from '../lab/mailPair';

const labAvailable = (labPrerequisites().ok && mailPairAvailable()) || process.env.RAMPART_LAB_REQUIRED === '1';

let pair: MailPair;

async function submit(subject: string, opts: { password?: string; to?: string } = {}): Promise<string> {
  const transport = nodemailer.createTransport({
    host: pair.submission.host,
    port: pair.submission.port,
    secure: false,
    requireTLS: true,
    auth: { user: pair.submission.user, pass: opts.password ?? pair.submission.password },
    tls: { servername: pair.submission.servername, ca: [pair.caPem] },
    connectionTimeout: 5_000,
  });
  try {
    const info = await transport.sendMail({ from: pair.submission.from, to: opts.to ?? pair.imap.address, subject, text: `probe ${subject}\n` });
    return info.messageId;
  } finally {
    transport.close();
  }
}

interface Found {
  folder: string;
  headers: string;
}

/** Polls the seed's INBOX and Junk until a message with `subject` is there or `timeoutMs` passes. */
async function fetchBySubject(subject: string, timeoutMs: number, seed: MailPairImap = pair.imap): Promise<Found | undefined> {
  const client = new ImapFlow({
    host: seed.host,
    port: seed.port,
    secure: true,
    auth: { user: seed.user, pass: seed.password },
    tls: { servername: seed.servername, ca: [pair.caPem] },
    logger: false,
  });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const folder of [seed.inbox, seed.junk]) {
        const lock = await client.getMailboxLock(folder);
        try {
          const uids = await client.search({ header: { subject } }, { uid: true });
          if (uids && uids.length > 0) {
            const msg = await client.fetchOne(String(uids[0]), { headers: true }, { uid: true });
            if (msg && msg.headers) return { folder, headers: msg.headers.toString('utf8') };
          }
        } finally {
          lock.release();
        }
      }
      if (Date.now() > deadline) return undefined;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await client.logout();
  }
}

/** The receiver's Authentication-Results lines (unfolded). */
function authResults(headers: string): string[] {
  return headers
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .filter((l) => /^Authentication-Results:/i.test(l));
}

const tag = (): string => `rampart-lab-${randomBytes(6).toString('hex')}`;

describe.skipIf(!labAvailable)('mail pair: real submission, DKIM signing, verification and Sieve filing', () => {
  let startMs = 0;
  beforeAll(async () => {
    const t0 = Date.now();
    pair = await startMailPair({ seeds: 2 });
    startMs = Date.now() - t0;
  }, 60_000);
  afterAll(async () => {
    await pair?.close();
  });


  it('starts in well under a minute and publishes per-run credentials', () => {
    expect(startMs).toBeLessThan(30_000);
    expect(pair.submission.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(pair.imap.password).not.toBe(pair.submission.password);
    expect(pair.caPem).toMatch(/BEGIN CERTIFICATE/);
  });

  it('all pass: delivered to INBOX with spf, dkim and dmarc pass from the receiver', async () => {
    const subject = tag();
    const t0 = Date.now();
    await submit(subject);
    const found = await fetchBySubject(subject, 20_000);
    const latencyMs = Date.now() - t0;
    expect(found, pair.logs()).toBeDefined();
    expect(found!.folder, found!.headers).toBe('INBOX');
    const ar = authResults(found!.headers).join('\n');
    expect(ar).toMatch(new RegExp(`mx\\.recv\\.test;.*dkim=pass.*header\\.d=send\\.test`));
    expect(ar).toMatch(new RegExp(`header\\.s=${pair.dkimSelector}`));
    expect(ar).toMatch(/mx\.recv\.test;.*spf=pass.*smtp\.mailfrom=bounce\.send\.test/);
    expect(ar).toMatch(/mx\.recv\.test;.*dmarc=pass.*header\.from=send\.test/);
    expect(found!.headers).toMatch(/^DKIM-Signature:.*d=send\.test/im);
    // Relayed over SMTP with TLS from the sender to the receiver.
    expect(found!.headers).toMatch(/Received: from smtp\.send\.test[\s\S]*by mx\.recv\.test[\s\S]*with ESMTPS/);
    console.log(`mail pair: INBOX delivery ${latencyMs} ms after submission`);
    expect(latencyMs).toBeLessThan(20_000);
  }, 40_000);

  it('DKIM key in DNS not matching the signer: dkim=fail, dmarc=fail, filed into Junk', async () => {
    await pair.breakDkim();
    try {
      const subject = tag();
      await submit(subject);
      const found = await fetchBySubject(subject, 20_000);
      expect(found, pair.logs()).toBeDefined();
      expect(found!.folder, found!.headers).toBe('Junk');
      const ar = authResults(found!.headers).join('\n');
      expect(ar).toMatch(/mx\.recv\.test;.*dkim=fail/);
      expect(ar).toMatch(/mx\.recv\.test; dmarc=fail \(p=reject/);
      // SPF still passes, but for the Return-Path domain bounce.send.test, which does not align
      // with From: send.test under aspf=s: DMARC rests on DKIM alone.
      expect(ar).toMatch(/mx\.recv\.test;.*spf=pass/);
    } finally {
      await pair.restoreDkim();
    }
  }, 40_000);

  it('receiver down: not delivered; the message waits in the sender queue, delivered once it is back', async () => {
    await pair.stopReceiver();
    const subject = tag();
    await submit(subject);
    expect(await fetchBySubject(subject, 3_000)).toBeUndefined();
    const queue = await pair.senderQueue();
    expect(queue.flatMap((q) => q.recipients.map((r) => r.address))).toContain(pair.imap.address);
    await pair.startReceiver();
    await pair.flushSender();
    const found = await fetchBySubject(subject, 20_000);
    expect(found?.folder, pair.logs()).toBe('INBOX');
  }, 60_000);

  it('a second seed mailbox: its own password, its own INBOX', async () => {
    const [first, second] = pair.seeds;
    expect(second!.address).toBe('seed2@recv.test');
    expect(second!.password).not.toBe(first!.password);
    const subject = tag();
    await submit(subject, { to: second!.address });
    expect((await fetchBySubject(subject, 20_000, second))?.folder, pair.logs()).toBe('INBOX');
    expect(await fetchBySubject(subject, 0, first)).toBeUndefined();
  }, 40_000);

  it('SPF not authorising the sender: spf=fail, but DKIM aligns, so dmarc=pass and INBOX', async () => {
    await pair.breakSpf();
    try {
      const subject = tag();
      await submit(subject);
      const found = await fetchBySubject(subject, 20_000);
      expect(found, pair.logs()).toBeDefined();
      const ar = authResults(found!.headers).join('\n');
      expect(ar).toMatch(/mx\.recv\.test;.*spf=fail/);
      expect(ar).toMatch(/mx\.recv\.test;.*dkim=pass/);
      expect(ar).toMatch(/mx\.recv\.test;.*dmarc=pass/);
      expect(found!.folder, found!.headers).toBe('INBOX');
    } finally {
      await pair.restoreSpf();
    }
  }, 40_000);

  it('IMAP on 143 takes a login only after STARTTLS', async () => {
    const client = new ImapFlow({
      host: pair.imap.host,
      port: pair.imap.starttlsPort,
      secure: false,
      doSTARTTLS: true,
      auth: { user: pair.imap.user, pass: pair.imap.password },
      tls: { servername: pair.imap.servername, ca: [pair.caPem] },
      logger: false,
    });
    await client.connect();
    try {
      expect(client.secureConnection).toBe(true);
      const folders = (await client.list()).map((f) => f.path).sort();
      expect(folders).toEqual(['INBOX', 'Junk']);
    } finally {
      await client.logout();
    }
    const plain = new ImapFlow({ host: pair.imap.host, port: pair.imap.starttlsPort, secure: false, doSTARTTLS: false, auth: { user: pair.imap.user, pass: pair.imap.password }, logger: false });
    await expect(plain.connect()).rejects.toThrow();
    plain.close();
  }, 20_000);

  it('a forged Authentication-Results naming the receiver is removed; the real verdicts file it into Junk', async () => {
    // Straight to the receiver's MX from this namespace: not signed, not from an SPF-listed address.
    const transport = nodemailer.createTransport({ host: pair.receiverSmtp.host, port: pair.receiverSmtp.port, secure: false, tls: { servername: pair.receiverSmtp.servername, ca: [pair.caPem] }, connectionTimeout: 5_000 });
    const subject = tag();
    try {
      await transport.sendMail({
        envelope: { from: `probe@${pair.domains.sender}`, to: pair.imap.address },
        from: pair.submission.from,
        to: pair.imap.address,
        subject,
        text: 'forged verdicts\n',
        // One naming the receiver (forged) and one naming another host (kept: it proves both arrived).
        headers: { 'Authentication-Results': [`${pair.authservId}; spf=pass smtp.mailfrom=send.test; dkim=pass header.d=send.test; dmarc=pass header.from=send.test`, 'elsewhere.test; dkim=pass header.d=send.test'] },
      });
    } finally {
      transport.close();
    }
    const found = await fetchBySubject(subject, 20_000);
    expect(found, pair.logs()).toBeDefined();
    const ar = authResults(found!.headers);
    expect(ar.filter((l) => /dkim=pass|dmarc=pass|spf=pass/.test(l))).toEqual(['Authentication-Results: elsewhere.test; dkim=pass header.d=send.test']);
    expect(ar.join('\n')).toMatch(/mx\.recv\.test; dmarc=fail/);
    expect(found!.folder, found!.headers).toBe('Junk');
  }, 40_000);

  it('submission refuses a wrong password', async () => {
    await expect(submit(tag(), { password: 'wrong-password' })).rejects.toThrow(/auth|535/i);
  }, 20_000);

  it('close() leaves no namespace, process or file behind', async () => {
    // Last: closes the shared pair.
    const other = pair;
    const names = [other.sender.name, other.receiver.name];
    // Every daemon (Postfix master and children, Dovecot, OpenDKIM, OpenDMARC, knotd) runs in one of the two namespaces.
    const pids = names.flatMap((n) => execFileSync('ip', ['netns', 'pids', n], { encoding: 'utf8' }).split('\n').filter(Boolean));
    const commands = pids.map((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
    for (const daemon of ['master', 'dovecot', 'opendkim', 'opendmarc', 'knotd']) expect(commands).toContain(daemon);
    await other.close();
    await other.close(); // idempotent
    const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    for (const n of names) expect(netns).not.toContain(n);
    expect(existsSync(other.dir)).toBe(false);
    const leftovers = readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(other.dir);
        } catch {
          return false;
        }
      });
    expect(leftovers).toEqual([]);
    // Zombies are dead: this machine's PID 1 does not reap the daemons' orphans.
    expect(pids.filter((pid) => procAlive(Number(pid))).map((pid) => `${pid} ${procCmdline(Number(pid))}`)).toEqual([]);
  }, 30_000);
});

describe.skipIf(!labAvailable)('npm run lab -- mail-pair', () => {
  const cliPath = resolve(import.meta.dirname, '..', 'lab', 'cli.ts');

  it('prints working endpoints and passwords, stays up until SIGINT, then removes everything', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', cliPath, 'mail-pair', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const printed = await new Promise<{ seeds: MailPairImap[]; caFile: string; submission: { host: string; port: number } }>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no JSON within 45 s: ${out} ${err}`)), 45_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          try {
            const v = JSON.parse(out) as { seeds: MailPairImap[]; caFile: string; submission: { host: string; port: number } };
            clearTimeout(timer);
            res(v);
          } catch {
            /* not complete yet */
          }
        });
        void exited.then((code) => rej(new Error(`exited ${code} before printing: ${err}`)));
      });
      const seed = printed.seeds[0]!;
      const client = new ImapFlow({ host: seed.host, port: seed.port, secure: true, auth: { user: seed.user, pass: seed.password }, tls: { servername: seed.servername, ca: [readFileSync(printed.caFile, 'utf8')] }, logger: false });
      await client.connect();
      expect((await client.list()).map((f) => f.path).sort()).toEqual(['INBOX', 'Junk']);
      await client.logout();
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(existsSync(printed.caFile)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);

  it('a bad --seeds is a usage error (exit 2)', async () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', cliPath, 'mail-pair', '--seeds', '0'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--seeds must be 1..20, got 0');
  }, 40_000);
});
