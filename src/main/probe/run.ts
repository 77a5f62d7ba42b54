// One probe run: send one uniquely tagged message per seed through the profile's submission
// server (nodemailer), poll each seed over IMAP (imapflow) until its message shows up in an inbox
// folder, a junk folder or any other folder, or the timeout passes; read its headers
// (message.ts), delete it from the seed and check it is gone. What is sent: a short text body
// with the tag, the tag in the subject and in an X-Rampart-Probe header — nothing else.
// Plain Node; cancellation through an AbortSignal; nothing here touches the database.
import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { ProbeFolder, ProbeProfile, ProbeSeed, ProbeSeedResult } from '../../shared/ipc/probe';
import { analyseMessage } from './message';

export const PROBE_HEADER = 'X-Rampart-Probe';
/** How a seed result's error starts when the seed's IMAP server could not be used (connection, TLS, login). */
const IMAP_FAILURE = 'IMAP: ';

/** The seed's IMAP server could not be used, so the result says nothing about delivery. */
export function isImapFailure(r: ProbeSeedResult): boolean {
  return !r.delivered && (r.error ?? '').startsWith(IMAP_FAILURE);
}

export interface ProbeProgress {
  phase: 'sending' | 'polling' | 'cleaning';
  message: string;
  seedsDone: number;
  seedsTotal: number;
  progress: number;
}

export interface ProbeRunOptions {
  profile: ProbeProfile;
  /** From the keychain; never stored or logged. */
  smtpPassword: string;
  /** Seed id → IMAP password. */
  imapPasswords: ReadonlyMap<number, string>;
  /** Extra trusted CAs (PEM text), for lab and self-hosted CAs. */
  caPem?: string | null;
  signal?: AbortSignal;
  onProgress?: (p: ProbeProgress) => void;
  /** Between two searches of a seed (default 500 ms). */
  pollIntervalMs?: number;
  /** Connect/greeting/socket timeouts of the SMTP and IMAP clients (default 15 s). */
  connectTimeoutMs?: number;
}

export interface ProbeRunOutcome {
  status: 'complete' | 'failed' | 'cancelled';
  /** Why the run failed as a whole (the submission server refused or could not be reached). */
  error: string | null;
  /** Code for a whole-run failure: a connection or authentication problem at the submission server. */
  errorCode: 'CONNECTION_REFUSED' | 'CONNECTION_TIMEOUT' | 'AUTH_REJECTED' | 'HOST_UNREACHABLE' | 'HOST_UNRESOLVED' | 'INTERNAL' | null;
  results: ProbeSeedResult[];
}

/** A tag nobody can guess or collide with: time (base 36) + 48 random bits. */
export function newProbeTag(now = Date.now()): string {
  return `rp-${now.toString(36)}-${randomBytes(6).toString('hex')}`;
}

const emptyResult = (seed: ProbeSeed, tag: string): ProbeSeedResult => ({
  seed: seed.label,
  toAddress: seed.toAddress,
  tag,
  sent: false,
  delivered: false,
  folder: null,
  folderName: null,
  latencyMs: null,
  auth: null,
  receivedHops: null,
  tlsHops: null,
  hops: [],
  spam: [],
  deleted: false,
  error: null,
});

/** The body of a probe: the tag and what it is, nothing about the sender's systems. */
export function probeBody(tag: string): string {
  return `Rampart deliverability probe ${tag}.\r\nThis message measures whether mail reaches this mailbox; Rampart deletes it once it has been read.\r\n`;
}

type SmtpError = Error & { code?: string; command?: string; responseCode?: number; response?: string };

/** A failure of the whole submission path (not one recipient's rejection). */
function smtpFailureCode(e: SmtpError): ProbeRunOutcome['errorCode'] {
  const c = e.code ?? '';
  if (c === 'EAUTH' || c === 'ENOAUTH') return 'AUTH_REJECTED';
  if (/ECONNREFUSED/.test(c) || /ECONNREFUSED/.test(e.message)) return 'CONNECTION_REFUSED';
  if (c === 'ETIMEDOUT' || /timeout/i.test(e.message)) return 'CONNECTION_TIMEOUT';
  if (/EHOSTUNREACH|ENETUNREACH/.test(`${c} ${e.message}`)) return 'HOST_UNREACHABLE';
  if (/ENOTFOUND|EAI_AGAIN/.test(`${c} ${e.message}`)) return 'HOST_UNRESOLVED';
  return null;
}

/** TLS verification and name resolution failures: the seed is given up at once. */
const PERMANENT_IMAP_ERROR = /CERT_|_CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID|certificate|ENOTFOUND|STARTTLS/i;

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim().slice(0, 300);

export async function runProbe(opts: ProbeRunOptions): Promise<ProbeRunOutcome> {
  const { profile, signal } = opts;
  const pollMs = opts.pollIntervalMs ?? 500;
  const timeoutMs = opts.connectTimeoutMs ?? 15_000;
  const seeds = profile.seeds;
  const results = seeds.map((s) => emptyResult(s, newProbeTag()));
  const progress = (phase: ProbeProgress['phase'], message: string, seedsDone: number, p: number): void =>
    opts.onProgress?.({ phase, message, seedsDone, seedsTotal: seeds.length, progress: Math.max(0, Math.min(1, p)) });
  const tls = opts.caPem ? { ca: [opts.caPem] } : {};

  // ---- send ------------------------------------------------------------------------------
  const transport = nodemailer.createTransport({
    host: profile.smtpHost,
    port: profile.smtpPort,
    secure: profile.smtpSecurity === 'tls',
    requireTLS: profile.smtpSecurity === 'starttls',
    auth: { user: profile.smtpUsername, pass: opts.smtpPassword },
    tls,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    pool: true,
    maxConnections: 1,
    logger: false,
  });
  const sentAt = new Map<number, number>();
  /** Seeds finished (found, given up on, or not sent), for the progress events. */
  let seedsDone = 0;
  try {
    for (const [i, seed] of seeds.entries()) {
      if (signal?.aborted) return { status: 'cancelled', error: 'Cancelled while sending.', errorCode: null, results };
      progress('sending', `Sending the probe to ${seed.label} (${seed.toAddress})`, 0, (0.1 * i) / seeds.length);
      const r = results[i]!;
      try {
        await transport.sendMail({
          from: profile.fromAddress,
          to: seed.toAddress,
          subject: `Rampart deliverability probe ${r.tag}`,
          text: probeBody(r.tag),
          headers: { [PROBE_HEADER]: r.tag },
        });
        r.sent = true;
        sentAt.set(i, Date.now());
      } catch (e) {
        const err = e as SmtpError;
        const code = smtpFailureCode(err);
        // A refused recipient is that seed's failure; a refused connection or login is the run's.
        if (code || !err.responseCode || err.command === 'CONN' || err.command === 'AUTH PLAIN' || err.command === 'AUTH LOGIN') {
          const msg = `The submission server ${profile.smtpHost}:${profile.smtpPort} ${code === 'AUTH_REJECTED' ? 'refused the login' : 'could not be used'}: ${oneLine(err.message)}`;
          for (const x of results) if (!x.sent) x.error = 'Not sent: the submission server failed.';
          // Messages already sent are still polled for, so they are read and deleted from the seeds.
          if (!results.some((x) => x.sent)) return { status: 'failed', error: msg, errorCode: code ?? 'INTERNAL', results };
          const polled = await pollAll();
          return { ...polled, status: polled.status === 'cancelled' ? 'cancelled' : 'failed', error: msg, errorCode: code ?? 'INTERNAL' };
        }
        r.error = `Not sent: the submission server refused it (${err.responseCode}): ${oneLine(err.response ?? err.message)}`;
      }
    }
  } finally {
    transport.close();
  }
  return pollAll();

  // ---- poll ------------------------------------------------------------------------------
  async function pollAll(): Promise<ProbeRunOutcome> {
    const pending = seeds.map((seed, i) => ({ seed, i })).filter(({ i }) => results[i]!.sent);
    seedsDone = seeds.length - pending.length;
    progress('polling', `Waiting for ${pending.length} probe${pending.length === 1 ? '' : 's'}`, seedsDone, 0.1);
    await Promise.all(
      pending.map(async ({ seed, i }) => {
        await pollSeed(seed, results[i]!, sentAt.get(i)!);
        seedsDone++;
        progress('polling', `${seed.label}: ${describe(results[i]!)}`, seedsDone, 0.1 + (0.9 * seedsDone) / seeds.length);
      }),
    );
    return { status: signal?.aborted ? 'cancelled' : 'complete', error: signal?.aborted ? 'Cancelled while waiting for the probes.' : null, errorCode: null, results };
  }

  async function pollSeed(seed: ProbeSeed, r: ProbeSeedResult, sent: number): Promise<void> {
    const password = opts.imapPasswords.get(seed.id);
    if (password === undefined) {
      r.error = `${IMAP_FAILURE}no password for seed ${seed.label} in the keychain.`;
      return;
    }
    const deadline = sent + profile.timeoutMs;
    let client: ImapFlow | null = null;
    let lastError: string | null = null;
    const known = new Set([...seed.inboxFolders, ...seed.junkFolders].map((f) => f.toLowerCase()));
    try {
      for (let round = 0; !signal?.aborted; round++) {
        try {
          if (!client || !client.usable) {
            client = newClient(seed, password);
            await client.connect();
            if (round === 0) await deleteLeftovers(client, seed, r.tag);
          }
          const folders: Array<{ name: string; kind: ProbeFolder }> = [
            ...seed.inboxFolders.map((name) => ({ name, kind: 'inbox' as const })),
            ...seed.junkFolders.map((name) => ({ name, kind: 'junk' as const })),
          ];
          // Other folders (a user's Sieve rule, a provider's "Promotions") are searched less often.
          const last = Date.now() >= deadline;
          if (round % 5 === 4 || last) {
            for (const m of await client.list())
              if (!m.flags.has('\\Noselect') && !m.flags.has('\\NonExistent') && !known.has(m.path.toLowerCase())) folders.push({ name: m.path, kind: 'other' });
          }
          for (const f of folders) {
            const uid = await findTagged(client, f.name, r.tag);
            if (uid === null) continue;
            r.latencyMs = Date.now() - sent;
            r.delivered = true;
            r.folder = f.kind;
            r.folderName = f.name;
            await readAndDelete(client, seed, f.name, uid, r);
            return;
          }
          lastError = null;
          if (last) break;
        } catch (e) {
          const err = e as Error & { responseText?: string; authenticationFailed?: boolean; code?: string };
          lastError = oneLine(err.responseText ?? err.message);
          if (client) await client.logout().catch(() => undefined);
          client = null;
          // A refused login, a certificate that does not verify or a name that does not resolve
          // will not get better by waiting; a dropped or refused connection might.
          if (err.authenticationFailed || PERMANENT_IMAP_ERROR.test(`${err.code ?? ''} ${err.message}`) || Date.now() >= deadline) break;
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), signal);
      }
      if (!r.delivered && !signal?.aborted)
        r.error = lastError
          ? `${IMAP_FAILURE}${seed.imapHost}:${seed.imapPort} could not be used: ${lastError} (gave up after ${Math.round(profile.timeoutMs / 1000)} s).`
          : `Not found in ${seed.label} within ${Math.round(profile.timeoutMs / 1000)} s.`;
      if (signal?.aborted && !r.delivered) r.error = 'Cancelled before the message was found.';
    } finally {
      if (client) await (client as ImapFlow).logout().catch(() => undefined);
    }
  }

  function newClient(seed: ProbeSeed, password: string): ImapFlow {
    const c = new ImapFlow({
      host: seed.imapHost,
      port: seed.imapPort,
      secure: seed.imapTls,
      // Never send the password in the clear: STARTTLS is required when not on implicit TLS.
      ...(seed.imapTls ? {} : { doSTARTTLS: true }),
      auth: { user: seed.imapUsername, pass: password },
      tls,
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: Math.max(timeoutMs, 30_000),
    });
    // An 'error' event without a listener would crash the process; the next command reports it.
    c.on('error', () => undefined);
    return c;
  }

  /**
   * Probe messages of earlier runs that arrived after their run gave up (a receiver that was down,
   * a long queue) are deleted, so seeds do not fill up with them: only tags older than this
   * profile's timeout, so a run going on at the same time keeps its own message.
   */
  async function deleteLeftovers(client: ImapFlow, seed: ProbeSeed, ownTag: string): Promise<void> {
    const before = Date.now() - profile.timeoutMs;
    for (const folder of [...seed.inboxFolders, ...seed.junkFolders]) {
      let lock;
      try {
        lock = await client.getMailboxLock(folder);
      } catch {
        continue; // a folder that does not exist yet has no leftovers
      }
      try {
        const uids = await client.search({ header: { [PROBE_HEADER]: 'rp-' } }, { uid: true });
        if (!uids || !uids.length) continue;
        const old: number[] = [];
        for await (const m of client.fetch(uids.join(','), { headers: [PROBE_HEADER] }, { uid: true })) {
          const tag = /rp-([0-9a-z]+)-[0-9a-f]+/i.exec(m.headers?.toString('utf8') ?? '');
          if (tag && tag[0] !== ownTag && parseInt(tag[1]!, 36) < before) old.push(m.uid);
        }
        if (old.length) await client.messageDelete(old.join(','), { uid: true });
      } finally {
        lock.release();
      }
    }
  }

  /** The UID of the message carrying `tag` in `folder`, or null (also when the folder does not exist). */
  async function findTagged(client: ImapFlow, folder: string, tag: string): Promise<number | null> {
    let lock;
    try {
      lock = await client.getMailboxLock(folder);
    } catch (e) {
      // A junk folder appears only when the first junk message is filed (Sieve fileinto :create).
      if (/NONEXISTENT|doesn't exist|does not exist|not found|unknown mailbox/i.test(`${(e as { responseText?: string }).responseText ?? ''} ${(e as Error).message}`)) return null;
      throw e;
    }
    try {
      const uids = await client.search({ header: { [PROBE_HEADER]: tag } }, { uid: true });
      return uids && uids.length ? uids[0]! : null;
    } finally {
      lock.release();
    }
  }

  async function readAndDelete(client: ImapFlow, seed: ProbeSeed, folder: string, uid: number, r: ProbeSeedResult): Promise<void> {
    const lock = await client.getMailboxLock(folder);
    try {
      const msg = await client.fetchOne(String(uid), { headers: true }, { uid: true });
      if (msg && msg.headers) {
        const m = analyseMessage(msg.headers.toString('utf8'), seed.authservIds);
        r.auth = m.auth;
        r.hops = m.hops;
        r.receivedHops = m.hops.length;
        r.tlsHops = m.tlsHops;
        r.spam = m.spam;
      } else r.error = 'The message was found but its headers could not be read.';
      progress('cleaning', `Deleting the probe from ${r.seed} (${folder})`, seedsDone, 0.1 + (0.9 * seedsDone) / seeds.length);
      await client.messageDelete(String(uid), { uid: true });
      // Verified, not assumed: the tag must no longer be found in that folder.
      const left = await client.search({ header: { [PROBE_HEADER]: r.tag } }, { uid: true });
      r.deleted = !left || left.length === 0;
      if (!r.deleted) r.error = `The probe message could not be deleted from ${folder}.`;
    } finally {
      lock.release();
    }
  }
}

export function describe(r: ProbeSeedResult): string {
  if (!r.sent) return r.error ?? 'not sent';
  if (!r.delivered) return r.error ?? 'not delivered';
  const a = r.auth;
  return `${r.folder} (${r.folderName}) after ${((r.latencyMs ?? 0) / 1000).toFixed(1)} s; spf=${a?.spf ?? '-'} dkim=${a?.dkim ?? '-'} dmarc=${a?.dmarc ?? '-'}`;
}
