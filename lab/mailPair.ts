// A sender and a receiver mail domain with real servers, for the deliverability probe (issue 13):
// a message submitted to the sender really travels over SMTP to the receiver, is checked there by
// OpenDKIM and OpenDMARC (with SPF), and is filed by Dovecot/Sieve into INBOX or Junk, where IMAP
// reads it. Linux + root only (lab hosts are network namespaces, lab/lab.ts).
//
//   root ns ──10.213 veth── sender ns ══10.215 link══ receiver ns ──10.213 veth── root ns
//
//   sender (smtp.send.test, domain send.test):
//     Postfix: 587 submission (STARTTLS required, SASL PLAIN/LOGIN via Dovecot auth, only
//     authenticated clients may send), OpenDKIM milter signing d=send.test s=<selector> (RSA 2048,
//     key made per run), the envelope sender rewritten to bounce.send.test (a Return-Path domain,
//     as mail services use), delivery by MX lookup in the lab DNS over the 10.215 link.
//   receiver (mx.recv.test, domain recv.test):
//     Postfix on 25 (STARTTLS offered) for recv.test only; milters OpenDKIM (verify) then
//     OpenDMARC (DMARC, and SPF itself with libspf2), both writing `Authentication-Results:
//     mx.recv.test; …`; LMTP to Dovecot, whose Sieve (sieve_before) files messages with
//     `dmarc=fail` from mx.recv.test into Junk, the rest into INBOX; IMAP on 993 (TLS) and 143
//     (STARTTLS) for one seed mailbox.
//     Knot DNS (lab/dns.ts startKnotIn) serving both zones on the receiver's link address, its root
//     address and 127.0.0.1: MX, A, SPF (`ip4:<sender link address> -all` for send.test and
//     bounce.send.test), the DKIM key, DMARC `p=reject; adkim=s; aspf=s`.
//     With aspf=s the SPF pass for bounce.send.test does not align with From: send.test, so DMARC
//     rests on DKIM: a broken DKIM key means dmarc=fail, a broken SPF record alone does not.
//     Each host's /etc/resolv.conf (bound by `ip netns exec`) names this server.
//   Why not Rspamd (the issue allows it): Debian 12's 3.4 took ≈ 20 CPU-s and 70–80 s to start on
//   this shared 2-core machine (language detector, regexp compilation), too heavy for a test lab.
//
// API:
//   const pair = await startMailPair({ dkimSelector?: string, seeds?: number });
//   pair.submission  { host, port: 587, servername, user, password, from }    STARTTLS + AUTH
//   pair.imap        { host, port: 993, starttlsPort: 143, servername, user, password, address,
//                      inbox: 'INBOX', junk: 'Junk' }                         the first seed mailbox
//   pair.seeds       every seed mailbox, same shape (seed@, seed2@, … recv.test)
//   pair.caPem / pair.caFile   the throwaway CA that issued both servers' certificates (names and
//                      the hosts' 10.213 addresses are in their SANs): trust it, never turn checks off
//   pair.authservId  'mx.recv.test': only Authentication-Results with this id are the receiver's
//                    (ones with this id that arrive with a message are removed by the milters;
//                    others, e.g. a sender's own, are kept: a probe must filter by this id)
//   pair.dns         { address, port }  the lab DNS (reachable from the root namespace too)
//   pair.domains     { sender: 'send.test', receiver: 'recv.test' }, pair.dkimSelector
//   pair.receiverSmtp { host, port: 25, servername }   the receiver's MX, for direct injection
//   await pair.breakDkim()      publishes another key at the selector: dkim=fail, dmarc=fail → Junk
//   await pair.restoreDkim()    publishes the signer's key again
//   await pair.breakSpf()       SPF authorises another address: spf=fail, dkim/dmarc=pass → INBOX
//   await pair.restoreSpf()
//   await pair.stopReceiver()   stops the receiver's Postfix: mail stays queued on the sender
//   await pair.startReceiver()  starts it again (queued mail is then sent on the next flush)
//   await pair.flushSender()    `postqueue -f` on the sender
//   await pair.senderQueue()    the sender's queue (postqueue -j entries)
//   pair.logs()                 the mail logs of both Postfixes and both Dovecots (for failures)
//   await pair.close()          kills every daemon (they all live in the two namespaces), removes
//                               the hosts, links and files; idempotent
// DNS changes are seen at once (TTL 60 in the zone, but no resolver on the path caches). Passwords
// are random per run (lab-only); no key or password is committed. Start-up ≈ 4–6 s here (load 17–20 on 2 cores).
//
// Network rule: servers listen only inside their namespaces; the sender talks only to the
// receiver's link address; nothing else is contacted.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startKnotIn, txt, type KnotServer, type LabZone } from './dns';
import { createLabHost, destroyLabHost, type LabHost } from './lab';
import { makeLabCa, type LabCert } from './mailServer';
import { mustRun, onProcessExit, procAlive, procStartTime } from './proc';
import { mustInHost, startPostfix } from './services';

export const MAIL_PAIR = {
  sender: 'send.test',
  receiver: 'recv.test',
  senderHost: 'smtp.send.test',
  receiverHost: 'mx.recv.test',
  /** The envelope sender's (Return-Path) domain: SPF is checked for it, and with aspf=s it does not align with the From domain. */
  bounce: 'bounce.send.test',
  senderUser: 'probe',
  seedUser: 'seed',
} as const;

/** Binaries the pair needs (Debian: postfix, dovecot-core/-imapd/-lmtpd/-sieve, opendkim, opendmarc, knot, openssl). */
export const MAIL_PAIR_TOOLS = ['/usr/sbin/postfix', '/usr/sbin/dovecot', '/usr/lib/dovecot/lmtp', '/usr/lib/dovecot/modules/lib90_sieve_plugin.so', '/usr/sbin/opendkim', '/usr/sbin/opendmarc', '/usr/sbin/knotd', '/usr/bin/openssl'];

export function mailPairPrerequisites(): { ok: true } | { ok: false; reason: string } {
  const missing = MAIL_PAIR_TOOLS.filter((t) => !fs.existsSync(t));
  return missing.length === 0 ? { ok: true } : { ok: false, reason: `missing ${missing.join(', ')} (see APT_PACKAGES in scripts/setup.sh)` };
}

export interface MailPairOptions {
  /** Seed mailboxes on the receiver (default 1; 1..20): seed@recv.test, seed2@recv.test, … */
  seeds?: number;
  /** DKIM selector of the sender (default 'lab<random>'). */
  dkimSelector?: string;
}

export interface MailPairSubmission {
  /** The sender's 10.213 address (reachable from the root namespace). */
  host: string;
  port: number;
  /** The name in the certificate (TLS servername). */
  servername: string;
  user: string;
  password: string;
  /** The address to send from (the domain OpenDKIM signs for). */
  from: string;
}

export interface MailPairImap {
  /** The receiver's 10.213 address (reachable from the root namespace). */
  host: string;
  /** Implicit TLS. */
  port: number;
  /** Plain IMAP that requires STARTTLS before login. */
  starttlsPort: number;
  servername: string;
  user: string;
  password: string;
  /** The seed mailbox's mail address (send the probe here). */
  address: string;
  inbox: string;
  junk: string;
}

export interface MailPair {
  sender: LabHost;
  receiver: LabHost;
  submission: MailPairSubmission;
  /** The first seed mailbox (seeds[0]). */
  imap: MailPairImap;
  /** Every seed mailbox (opts.seeds of them). */
  seeds: MailPairImap[];
  /** Receiver's SMTP on its 10.213 address (port 25), e.g. for direct injection. */
  receiverSmtp: { host: string; port: number; servername: string };
  caPem: string;
  caFile: string;
  dns: { address: string; port: number };
  domains: { sender: string; receiver: string };
  /** The receiver's authserv-id: only `Authentication-Results: mx.recv.test; …` lines are its verdicts. */
  authservId: string;
  dkimSelector: string;
  /** The folder holding every file of the pair. */
  dir: string;
  breakDkim(): Promise<void>;
  restoreDkim(): Promise<void>;
  breakSpf(): Promise<void>;
  restoreSpf(): Promise<void>;
  stopReceiver(): Promise<void>;
  startReceiver(): Promise<void>;
  flushSender(): Promise<void>;
  /** Queue entries on the sender (postqueue -j lines). */
  senderQueue(): Promise<Array<{ queue_name: string; recipients: Array<{ address: string; delay_reason?: string }> }>>;
  logs(): string;
  close(): Promise<void>;
}

const DIR_PREFIX = '/run/rmp-mp-';

/** Removes the folders of pairs whose process died without closing them (their hosts go with lab.ts's stale sweeps). */
function sweepStaleDirs(): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(path.dirname(DIR_PREFIX));
  } catch {
    return;
  }
  for (const e of entries.filter((n) => n.startsWith(path.basename(DIR_PREFIX)))) {
    const d = path.join(path.dirname(DIR_PREFIX), e);
    const [pid, start] = readIf(path.join(d, 'owner')).trim().split(' ');
    const owner = Number(pid);
    // No owner file: a folder being set up this very moment by another process, or too old to tell; leave it.
    if (!owner) continue;
    if (procAlive(owner) && procStartTime(owner) === start) continue;
    fs.rmSync(d, { recursive: true, force: true });
  }
}

const password = (): string => randomBytes(18).toString('base64url');

/** A leaf certificate from the lab CA for `name` and `ips` (SANs), 2 days. */
function issueLeaf(caDir: string, file: string, name: string, ips: string[]): LabCert {
  const ext = path.join(caDir, `${file}.ext`);
  fs.writeFileSync(ext, `subjectAltName=DNS:${name}${ips.map((ip) => `,IP:${ip}`).join('')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  const key = path.join(caDir, `${file}.key`);
  const cert = path.join(caDir, `${file}.pem`);
  const o = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: caDir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  o(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', `${file}.csr`, '-subj', `/CN=${name}`]);
  o(['x509', '-req', '-in', `${file}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-out', cert, '-days', '2', '-set_serial', String(Date.now()), '-extfile', ext]);
  return { cert, key, der: new X509Certificate(fs.readFileSync(cert)).raw };
}

/** A /30 link between two existing lab namespaces (created from `a`'s network.setup, so it dies with either host). */
async function linkNamespaces(ctx: { name: string; reserveSubnet: (p: 'link') => Promise<{ cidr: string; first: string; second: string }>; attach: (a: { rootRoutes: Array<{ type: 'unreachable'; prefix: string }> }) => void }, peer: string): Promise<{ here: string; peer: string }> {
  const subnet = await ctx.reserveSubnet('link');
  // The root namespace must never route the link's /30 anywhere else.
  ctx.attach({ rootRoutes: [{ type: 'unreachable', prefix: subnet.cidr }] });
  await mustRun('ip', ['route', 'add', 'unreachable', subnet.cidr]);
  const id = randomBytes(3).toString('hex');
  await mustRun('ip', ['-n', ctx.name, 'link', 'add', `ms${id}`, 'type', 'veth', 'peer', 'name', `mr${id}`, 'netns', peer]);
  await mustRun('ip', ['-n', peer, '-batch', '-'], { input: `addr add ${subnet.first}/30 dev mr${id}\nlink set mr${id} up\n` });
  await mustRun('ip', ['-n', ctx.name, '-batch', '-'], { input: `addr add ${subnet.second}/30 dev ms${id}\nlink set ms${id} up\n` });
  return { here: subnet.second, peer: subnet.first };
}

function rsaKey(): { privatePem: string; publicB64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicB64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

interface Zones {
  sender: LabZone;
  receiver: LabZone;
}

function pairZones(o: { senderLink: string; receiverLink: string; selector: string; dkimPublicB64: string; spfPass: boolean }): Zones {
  const L = MAIL_PAIR;
  // breakSpf: an SPF record that authorises another (lab, unused) address only.
  const spf = `v=spf1 ip4:${o.spfPass ? o.senderLink : '10.215.255.254'} -all`;
  return {
    sender: {
      origin: L.sender,
      records: [
        '@ MX 10 smtp',
        `smtp A ${o.senderLink}`,
        `@ TXT ${txt(spf)}`,
        `bounce TXT ${txt(spf)}`,
        `${o.selector}._domainkey TXT ${txt(`v=DKIM1; k=rsa; p=${o.dkimPublicB64}`)}`,
        `_dmarc TXT ${txt('v=DMARC1; p=reject; adkim=s; aspf=s')}`,
      ],
    },
    receiver: {
      origin: L.receiver,
      records: ['@ MX 10 mx', `mx A ${o.receiverLink}`, `@ TXT ${txt(`v=spf1 ip4:${o.receiverLink} -all`)}`, `_dmarc TXT ${txt('v=DMARC1; p=reject')}`],
    },
  };
}

function passwdLine(user: string, pw: string, home: string): string {
  const mail = execFileSync('id', ['-u', 'mail'], { encoding: 'utf8' }).trim();
  const gid = execFileSync('id', ['-g', 'mail'], { encoding: 'utf8' }).trim();
  return `${user}:{PLAIN}${pw}:${mail}:${gid}::${home}::\n`;
}

/** Dovecot config shared by both hosts; `extra` adds protocols/services. */
function dovecotConf(d: string, extra: string): string {
  return `base_dir = ${d}/run
state_dir = ${d}/state
log_path = ${d}/dovecot.log
first_valid_uid = 1
first_valid_gid = 1
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${d}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${d}/users
}
mail_location = maildir:~/Maildir
${extra}
`;
}

function writeDovecot(d: string, users: Array<{ user: string; pw: string }>, extra: string): string {
  fs.mkdirSync(path.join(d, 'state'), { recursive: true });
  fs.mkdirSync(path.join(d, 'mail'), { recursive: true });
  execFileSync('chown', ['mail:mail', path.join(d, 'mail')]);
  fs.writeFileSync(path.join(d, 'users'), users.map((u) => passwdLine(u.user, u.pw, path.join(d, 'mail', u.user))).join(''), { mode: 0o640 });
  execFileSync('chown', ['root:dovecot', path.join(d, 'users')]);
  const conf = path.join(d, 'dovecot.conf');
  fs.writeFileSync(conf, dovecotConf(d, extra));
  return conf;
}

const DAEMON_START_TIMEOUT_MS = 30_000;

/**
 * Starts a daemon that forks itself into the background inside `host`: waits for the launcher to
 * exit (not for its pipes to close, which the daemon would hold); its output goes to `logFile`.
 */
async function startDaemon(host: LabHost, argv: string[], logFile: string): Promise<void> {
  const fd = fs.openSync(logFile, 'a');
  try {
    const child = spawn('ip', ['netns', 'exec', host.name, ...argv], { stdio: ['ignore', fd, fd] });
    // A launcher that never returns (a daemon stuck before it forks) must not hang the caller.
    const timer = setTimeout(() => child.kill('SIGKILL'), DAEMON_START_TIMEOUT_MS);
    const code = await new Promise<number>((resolve) => {
      child.on('error', () => resolve(127));
      child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 : 1)));
    }).finally(() => clearTimeout(timer));
    if (code !== 0) throw new Error(`${argv.join(' ')} in ${host.name} failed (${code}): ${readIf(logFile).slice(-2000)}`);
  } finally {
    fs.closeSync(fd);
  }
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000, pollMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

async function waitListening(host: LabHost, ports: number[], what: string): Promise<void> {
  await waitFor(`${what} on ${host.name} (ports ${ports.join(', ')})`, async () => {
    const ss = await mustInHost(host, ['ss', '-tlnH']);
    return ports.every((p) => new RegExp(`[:.]${p}\\s`).test(ss)) ? true : undefined;
  });
}

async function waitNotListening(host: LabHost, port: number): Promise<void> {
  await waitFor(`port ${port} closed on ${host.name}`, async () => ((await mustInHost(host, ['ss', '-tlnH'])).match(new RegExp(`[:.]${port}\\s`)) ? undefined : true));
}

const readIf = (p: string): string => {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return '';
  }
};

interface Verifier {
  /** Postfix smtpd_milters value. */
  milters: string;
  /** Ports listening once it is up. */
  ports: number[];
}

/** Receiver verifier: OpenDKIM (verify) then OpenDMARC (DMARC + SPF), both writing Authentication-Results. */
async function startOpenDkimDmarc(receiver: LabHost, rd: string): Promise<Verifier> {
  const L = MAIL_PAIR;
  const rdkim = path.join(rd, 'opendkim');
  const rdmarc = path.join(rd, 'opendmarc');
  fs.mkdirSync(rdkim, { recursive: true });
  fs.mkdirSync(rdmarc, { recursive: true });
  execFileSync('chown', ['opendkim:opendkim', rdkim]);
  execFileSync('chown', ['opendmarc:opendmarc', rdmarc]);
  const recvDkimConf = path.join(rdkim, 'opendkim.conf');
  // OpenDKIM resolves with libunbound, which by default answers .test itself (NXDOMAIN, an
  // RFC 6761 local zone), never asks 127.0.0.1 and caches (breakDkim must be seen at once):
  // its own unbound config says otherwise.
  fs.writeFileSync(path.join(rdkim, 'unbound.conf'), 'server:\n  local-zone: "test." nodefault\n  do-not-query-localhost: no\n  cache-max-ttl: 0\n  cache-max-negative-ttl: 0\nforward-zone:\n  name: "."\n  forward-addr: 127.0.0.1\n');
  fs.writeFileSync(
    recvDkimConf,
    [
      'Mode v',
      `AuthservID ${L.receiverHost}`,
      'Socket inet:8891@127.0.0.1',
      `PidFile ${rdkim}/opendkim.pid`,
      'UserID opendkim',
      `ResolverConfiguration ${rdkim}/unbound.conf`,
      'AlwaysAddARHeader yes',
      'Syslog no',
      '',
    ].join('\n'),
  );
  const recvDmarcConf = path.join(rdmarc, 'opendmarc.conf');
  fs.writeFileSync(
    recvDmarcConf,
    [
      `AuthservID ${L.receiverHost}`,
      `TrustedAuthservIDs ${L.receiverHost}`,
      'Socket inet:8893@127.0.0.1',
      `PidFile ${rdmarc}/opendmarc.pid`,
      'UserID opendmarc',
      'SPFSelfValidate true',
      'SPFIgnoreResults true',
      'RejectFailures false',
      'IgnoreAuthenticatedClients true',
      'Syslog false',
      '',
    ].join('\n'),
  );
  await Promise.all([
    startDaemon(receiver, ['/usr/sbin/opendkim', '-x', recvDkimConf], path.join(rdkim, 'opendkim.out')),
    startDaemon(receiver, ['/usr/sbin/opendmarc', '-c', recvDmarcConf], path.join(rdmarc, 'opendmarc.out')),
  ]);
  return { milters: 'inet:127.0.0.1:8891, inet:127.0.0.1:8893', ports: [8891, 8893] };
}

/** Both hosts, their servers and the DNS (a few seconds). On failure everything made so far is removed. */
export async function startMailPair(opts: MailPairOptions = {}): Promise<MailPair> {
  const pre = mailPairPrerequisites();
  if (!pre.ok) throw new Error(`mail pair unavailable: ${pre.reason}`);
  const L = MAIL_PAIR;
  const selector = opts.dkimSelector ?? `lab${randomBytes(3).toString('hex')}`;
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(selector)) throw new Error(`invalid DKIM selector ${JSON.stringify(selector)}`);
  // Short path (Dovecot's unix sockets must fit 107 bytes), and not under /tmp: OpenDKIM refuses a
  // key file with a world-writable folder above it.
  sweepStaleDirs();
  const dir = fs.mkdtempSync(`${DIR_PREFIX}`);
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, 'owner'), `${process.pid} ${procStartTime(process.pid)}\n`);
  // The hosts have their own exit hooks (lab.ts); the files go too if this process dies first.
  onProcessExit(() => fs.rmSync(dir, { recursive: true, force: true }));
  const hosts: LabHost[] = [];
  let knot: KnotServer | undefined;
  const cleanup = async (): Promise<void> => {
    await Promise.allSettled(hosts.map((h) => destroyLabHost(h)));
    knot?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Both hosts are made side by side: the sender's setup links to the receiver's namespace as
    // soon as that exists (its sshd may still be starting).
    let link: { here: string; peer: string } | undefined;
    let announce!: (name: string) => void;
    let fail!: (err: unknown) => void;
    const receiverNs = new Promise<string>((res, rej) => {
      announce = res;
      fail = rej;
    });
    const made = await Promise.allSettled([
      createLabHost({ scenario: 'hardened', network: { setup: async (ctx) => announce(ctx.name) } }).catch((err: unknown) => {
        fail(err);
        throw err;
      }),
      createLabHost({
        scenario: 'hardened',
        network: {
          setup: async (ctx) => {
            // Its own /etc/postfix before sshd starts: `ip netns exec` binds /etc/netns/NAME/* only
            // as they exist then, so an audit over SSH sees the main.cf startPostfix writes there.
            fs.cpSync('/etc/postfix', path.join('/etc/netns', ctx.name, 'postfix'), { recursive: true });
            // Likewise /etc/opendkim.conf, where Debian's OpenDKIM (and the audit) reads it; the
            // sender's config is written into this same file below (same inode, so the bind shows it).
            fs.writeFileSync(path.join('/etc/netns', ctx.name, 'opendkim.conf'), '', { mode: 0o644 });
            link = await linkNamespaces(ctx, await receiverNs);
          },
        },
      }),
    ]);
    for (const r of made) if (r.status === 'fulfilled') hosts.push(r.value);
    const failed = made.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    const [receiver, sender] = made.map((r) => (r as PromiseFulfilledResult<LabHost>).value) as [LabHost, LabHost];
    if (!link) throw new Error('the sender-receiver link was not made');
    const senderLink = link.here;
    const receiverLink = link.peer;

    // Certificates from a throwaway CA.
    const ca = makeLabCa(path.join(dir, 'ca'));
    fs.chmodSync(ca.dir, 0o755);
    const senderCert = issueLeaf(ca.dir, 'sender', L.senderHost, [sender.address, senderLink]);
    const receiverCert = issueLeaf(ca.dir, 'receiver', L.receiverHost, [receiver.address, receiverLink]);
    for (const c of [senderCert, receiverCert]) fs.chmodSync(c.key, 0o600);

    // DNS on the receiver; every resolver in both namespaces asks it.
    const dkim = rsaKey();
    const zonesOk = pairZones({ senderLink, receiverLink, selector, dkimPublicB64: dkim.publicB64, spfPass: true });
    knot = await startKnotIn(receiver, path.join(dir, 'knot'), [zonesOk.sender, zonesOk.receiver], { listen: [receiverLink, receiver.address, '127.0.0.1'] });
    fs.writeFileSync(path.join(receiver.etcDir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions attempts:1 timeout:2\n');
    fs.writeFileSync(path.join(sender.etcDir, 'resolv.conf'), `nameserver ${receiverLink}\noptions attempts:1 timeout:2\n`);

    const senderPw = password();
    const seedCount = opts.seeds ?? 1;
    if (!Number.isInteger(seedCount) || seedCount < 1 || seedCount > 20) throw new Error(`seeds must be an integer 1..20, got ${seedCount}`);
    // seed@recv.test, then seed2@, seed3@…: each its own mailbox and password.
    const seeds = Array.from({ length: seedCount }, (_, i) => ({ user: `${L.seedUser}${i === 0 ? '' : i + 1}@${L.receiver}`, pw: password() }));
    const senderUser = `${L.senderUser}@${L.sender}`;
    const sd = path.join(dir, 'send');
    const rd = path.join(dir, 'recv');
    const rdov = path.join(rd, 'dovecot');

    // Both stacks start side by side.
    const startSender = async (): Promise<void> => {
      // --- sender: Dovecot (SASL only), OpenDKIM (sign), Postfix (587 submission, relay by MX)
      const senderDovecot = writeDovecot(path.join(sd, 'dovecot'), [{ user: senderUser, pw: senderPw }], `protocols =
service auth {
  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
`);
      const dkimDir = path.join(sd, 'opendkim');
      fs.mkdirSync(dkimDir, { recursive: true });
      execFileSync('chown', ['opendkim:opendkim', dkimDir]);
      const keyFile = path.join(dkimDir, `${selector}.private`);
      fs.writeFileSync(keyFile, dkim.privatePem, { mode: 0o600 });
      execFileSync('chown', ['opendkim:opendkim', keyFile]);
      const senderDkimConf = path.join(sender.etcDir, 'opendkim.conf');
      fs.writeFileSync(
        senderDkimConf,
        [`Mode s`, `Domain ${L.sender}`, `Selector ${selector}`, `KeyFile ${keyFile}`, 'Socket inet:8891@127.0.0.1', `PidFile ${dkimDir}/opendkim.pid`, 'UserID opendkim', 'Canonicalization relaxed/simple', 'Syslog no', 'OversignHeaders From', ''].join('\n'),
      );
      await Promise.all([startDaemon(sender, ['/usr/sbin/dovecot', '-c', senderDovecot], path.join(sd, 'dovecot.out')), startDaemon(sender, ['/usr/sbin/opendkim', '-x', senderDkimConf], path.join(dkimDir, 'opendkim.out'))]);
      fs.writeFileSync(path.join(sd, 'bounce_canonical'), `${senderUser} ${L.senderUser}@${L.bounce}\n`);
      await startPostfix(
        sender,
        sd,
        `inet_interfaces = all
mydomain = ${L.sender}
myorigin = ${L.sender}
mynetworks = 127.0.0.0/8
disable_dns_lookups = no
smtp_dns_support_level = enabled
defer_transports =
smtpd_tls_cert_file = ${senderCert.cert}
smtpd_tls_key_file = ${senderCert.key}
smtpd_tls_security_level = may
smtp_tls_security_level = may
smtp_tls_CAfile = ${ca.certFile}
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${sd}/dovecot/run/auth-postfix
sender_canonical_classes = envelope_sender
sender_canonical_maps = texthash:${sd}/bounce_canonical
smtpd_milters = inet:127.0.0.1:8891
non_smtpd_milters = inet:127.0.0.1:8891
milter_default_action = tempfail
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
# A transient failure (a DNS answer or a milter late on a loaded machine) must not suspend the
# destination for Postfix's default 300 s backoff: each lab case lasts seconds.
minimal_backoff_time = 1s
maximal_backoff_time = 4s
queue_run_delay = 1s
`,
        {
          hostname: L.senderHost,
          copyEtc: true,
          masterExtra: `587 inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
`,
        },
      );

    };
    const startReceiverStack = async (): Promise<Verifier> => {
      // --- receiver: Dovecot (LMTP + Sieve + IMAP), OpenDKIM (verify), OpenDMARC, Postfix (25)
      const sieveDir = path.join(rdov, 'sieve');
      fs.mkdirSync(sieveDir, { recursive: true });
      // Only the receiver's own verdicts count (its authserv-id); a header a sender wrote does not.
      fs.writeFileSync(
        path.join(sieveDir, 'junk.sieve'),
        `require ["fileinto", "mailbox"];
if header :matches "Authentication-Results" "${L.receiverHost};*dmarc=fail*" {
  fileinto :create "Junk";
  stop;
}
`,
      );
      execFileSync('chown', ['-R', 'mail:mail', sieveDir]);
      const receiverDovecot = writeDovecot(rdov, seeds, `protocols = imap lmtp
ssl = yes
ssl_cert = <${receiverCert.cert}
ssl_key = <${receiverCert.key}
ssl_min_protocol = TLSv1.2
${fs.existsSync('/usr/share/dovecot/dh.pem') ? 'ssl_dh = </usr/share/dovecot/dh.pem' : ''}
disable_plaintext_auth = yes
namespace inbox {
  inbox = yes
  separator = /
  mailbox Junk {
    auto = subscribe
    special_use = \\Junk
  }
}
service imap-login {
  inet_listener imap {
    port = 143
  }
  inet_listener imaps {
    port = 993
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
protocol lmtp {
  mail_plugins = sieve
  postmaster_address = postmaster@${L.receiver}
}
plugin {
  sieve_before = ${sieveDir}/junk.sieve
}
`);
      const [verifier] = await Promise.all([startOpenDkimDmarc(receiver, rd), startDaemon(receiver, ['/usr/sbin/dovecot', '-c', receiverDovecot], path.join(rd, 'dovecot.out'))]);
      fs.writeFileSync(path.join(rd, 'vmailbox'), seeds.map((x) => `${x.user} ok\n`).join(''));
      await startPostfix(
        receiver,
        rd,
        `inet_interfaces = all
mydomain = ${L.receiver}
mynetworks = 127.0.0.0/8
disable_dns_lookups = no
smtp_dns_support_level = enabled
virtual_mailbox_domains = ${L.receiver}
virtual_mailbox_maps = texthash:${rd}/vmailbox
virtual_transport = lmtp:unix:${rdov}/run/lmtp
smtpd_tls_cert_file = ${receiverCert.cert}
smtpd_tls_key_file = ${receiverCert.key}
smtpd_tls_security_level = may
smtpd_tls_received_header = yes
smtpd_milters = ${verifier.milters}
milter_default_action = tempfail
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
# A transient failure (a DNS answer or a milter late on a loaded machine) must not suspend the
# destination for Postfix's default 300 s backoff: each lab case lasts seconds.
minimal_backoff_time = 1s
maximal_backoff_time = 4s
queue_run_delay = 1s
`,
        { hostname: L.receiverHost, copyEtc: true },
      );
      return verifier;
    };
    const [, verifier] = await Promise.all([startSender(), startReceiverStack()]);
    await Promise.all([waitListening(sender, [587, 8891], 'sender Postfix and OpenDKIM'), waitListening(receiver, [25, 143, 993, ...verifier.ports], 'receiver Postfix, Dovecot and milters')]);

    // What the sender zone publishes now; each toggle changes one part and reloads the zone.
    const published = { dkimPublicB64: dkim.publicB64, spfPass: true };
    const republish = async (change: Partial<typeof published>): Promise<void> => {
      Object.assign(published, change);
      await k.reload([pairZones({ senderLink, receiverLink, selector, ...published }).sender]);
    };
    const k = knot;
    let closed = false;
    const imaps: MailPairImap[] = seeds.map((x) => ({ host: receiver.address, port: 993, starttlsPort: 143, servername: L.receiverHost, user: x.user, password: x.pw, address: x.user, inbox: 'INBOX', junk: 'Junk' }));
    return {
      sender,
      receiver,
      submission: { host: sender.address, port: 587, servername: L.senderHost, user: senderUser, password: senderPw, from: senderUser },
      imap: imaps[0]!,
      seeds: imaps,
      receiverSmtp: { host: receiver.address, port: 25, servername: L.receiverHost },
      caPem: ca.pem,
      caFile: ca.certFile,
      dns: { address: receiver.address, port: 53 },
      domains: { sender: L.sender, receiver: L.receiver },
      authservId: L.receiverHost,
      dkimSelector: selector,
      dir,
      breakDkim: () => republish({ dkimPublicB64: rsaKey().publicB64 }),
      restoreDkim: () => republish({ dkimPublicB64: dkim.publicB64 }),
      breakSpf: () => republish({ spfPass: false }),
      restoreSpf: () => republish({ spfPass: true }),
      stopReceiver: async () => {
        await mustInHost(receiver, ['postfix', 'stop']);
        await waitNotListening(receiver, 25);
      },
      startReceiver: async () => {
        await mustInHost(receiver, ['postfix', 'start']);
        await waitListening(receiver, [25], 'receiver Postfix');
      },
      flushSender: async () => {
        await mustInHost(sender, ['postqueue', '-f']);
      },
      senderQueue: async () =>
        (await mustInHost(sender, ['postqueue', '-j']))
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { queue_name: string; recipients: Array<{ address: string; delay_reason?: string }> }),
      logs: () =>
        [
          ['sender postfix', path.join(sd, `postfix-${sender.name}`, 'maillog')],
          ['sender dovecot', path.join(sd, 'dovecot', 'dovecot.log')],
          ['receiver postfix', path.join(rd, `postfix-${receiver.name}`, 'maillog')],
          ['receiver dovecot', path.join(rdov, 'dovecot.log')],
        ]
          // Without the base main.cf's overridden-setting warnings (startPostfix's defaults, replaced here on purpose).
          .map(([what, p]) => `--- ${what} (${p})\n${readIf(p!).split('\n').filter((l) => !l.includes('overriding earlier entry')).join('\n')}`)
          .join('\n'),
      close: async () => {
        if (closed) return;
        closed = true;
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Every tool installed and the daemons' system users present (for skipIf; RAMPART_LAB_REQUIRED=1 overrides). */
export function mailPairAvailable(): boolean {
  return mailPairPrerequisites().ok && spawnSync('id', ['-u', 'opendkim']).status === 0;
}
