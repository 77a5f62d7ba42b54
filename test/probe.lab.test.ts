// The deliverability probe against the real lab pair (lab/mailPair.ts: sender Postfix + OpenDKIM
// with SASL submission, receiver Postfix + OpenDKIM/OpenDMARC + Dovecot/Sieve), through the real
// CLI (`rampart probe-profile add`, `rampart probe`) with passwords in a real gnome-keyring on a
// private D-Bus (test/support/keyring.ts). Cases: all pass → inbox with spf/dkim/dmarc pass, exit
// 0; DKIM key in DNS replaced → dkim=fail, dmarc=fail → Junk, exit 1 with findings; receiver's
// Postfix stopped → not delivered within the timeout, exit 1, and the late message is cleaned up
// by the next run; a wrong IMAP or submission password → exit 2. After each run the seed holds no
// probe message (checked with our own IMAP client). Needs root and the pair's packages.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { labPrerequisites } from '../lab/lab';
import { mailPairAvailable, startMailPair, type MailPair } from '../lab/mailPair';
import { KeytarSecretStore } from '../src/main/secrets/secretStore';
import { findProbeProfileByName, probeSecretAccount } from '../src/main/store/probes';
import { Store } from '../src/main/store/store';
import type { ProbeRun } from '../src/shared/ipc/probe';
import { BIN, exec } from './support/cliContract';
import { startTestKeyring, type TestKeyring } from './support/keyring';

const labAvailable = (labPrerequisites().ok && mailPairAvailable()) || process.env.RAMPART_LAB_REQUIRED === '1';

let pair: MailPair;
let keyring: TestKeyring;
let dir: string;
let db: string;
const savedEnv: Record<string, string | undefined> = {};
/** Round trips seen (ms): SMTP acceptance → message found in the seed, and the whole `rampart probe` process. */
const figures: Array<{ case: string; latencyMs: Array<number | null>; runMs: number }> = [];

/** The real `rampart` process (bin/rampart.mjs), with the test keyring and the password variables in its environment. */
function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return exec(BIN, argv, 120_000, { ...keyring.env, RP_SMTP_PW: pair.submission.password, RP_SEED_PW: pair.imap.password, RP_SEED2_PW: pair.seeds[1]!.password, ...env });
}

async function probe(caseName: string): Promise<{ code: number; run: ProbeRun; stderr: string }> {
  const t0 = Date.now();
  const r = await cli(['probe', '--profile', 'lab', '--db', db, '--format', 'json']);
  // Includes the CLI's start-up (node + tsx or the bundle).
  const runMs = Date.now() - t0;
  const run = JSON.parse(r.stdout) as ProbeRun;
  figures.push({ case: caseName, latencyMs: (run.results ?? []).map((x) => x.latencyMs), runMs });
  return { code: r.code, run, stderr: r.stderr };
}

/** Messages in the seeds' INBOX and Junk that carry a probe header (our own client, not the probe's). */
async function probeMessagesInSeed(): Promise<Array<{ folder: string; tag: string }>> {
  const out: Array<{ folder: string; tag: string }> = [];
  for (const seed of pair.seeds) out.push(...(await probeMessagesIn(seed)));
  return out;
}

async function probeMessagesIn(seed: MailPair['imap']): Promise<Array<{ folder: string; tag: string }>> {
  const client = new ImapFlow({
    host: seed.host,
    port: seed.port,
    secure: true,
    auth: { user: seed.user, pass: seed.password },
    tls: { ca: [pair.caPem] },
    logger: false,
  });
  await client.connect();
  const out: Array<{ folder: string; tag: string }> = [];
  try {
    for (const folder of [seed.inbox, seed.junk]) {
      let lock;
      try {
        lock = await client.getMailboxLock(folder);
      } catch {
        continue;
      }
      try {
        const uids = await client.search({ header: { 'X-Rampart-Probe': 'rp-' } }, { uid: true });
        if (uids && uids.length)
          for await (const m of client.fetch(uids.join(','), { headers: ['x-rampart-probe'] }, { uid: true }))
            out.push({ folder: `${seed.user} ${folder}`, tag: /rp-[0-9a-z]+-[0-9a-f]+/.exec(m.headers?.toString() ?? '')?.[0] ?? '?' });
      } finally {
        lock.release();
      }
    }
  } finally {
    await client.logout();
  }
  return out;
}

async function addProfile(extra: string[] = [], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return cli([
    'probe-profile',
    'add',
    '--name',
    'lab',
    '--smtp',
    `${pair.submission.host}:${pair.submission.port}`,
    '--security',
    'starttls',
    '--smtp-user',
    pair.submission.user,
    '--smtp-password-env',
    'RP_SMTP_PW',
    '--from',
    pair.submission.from,
    '--seed',
    `label=recv seed,to=${pair.imap.address},imap=${pair.imap.host}:${pair.imap.port},user=${pair.imap.user},password-env=RP_SEED_PW,inbox=${pair.imap.inbox},junk=${pair.imap.junk},authserv=${pair.authservId}`,
    '--seed',
    // The second seed over IMAP with STARTTLS on 143 (the probe requires it before logging in).
    `label=seed two,to=${pair.seeds[1]!.address},imap=${pair.seeds[1]!.host}:${pair.seeds[1]!.starttlsPort},user=${pair.seeds[1]!.user},password-env=RP_SEED2_PW,starttls`,
    '--ca-file',
    pair.caFile,
    '--timeout',
    '12',
    '--db',
    db,
    ...extra,
  ], env);
}

describe.skipIf(!labAvailable)('deliverability probe against the lab mail pair', () => {
  beforeAll(async () => {
    keyring = await startTestKeyring();
    for (const k of Object.keys(keyring.env)) savedEnv[k] = process.env[k];
    Object.assign(process.env, keyring.env);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-probe-'));
    db = path.join(dir, 'rampart.sqlite3');
    pair = await startMailPair({ seeds: 2 });
  }, 120_000);

  // A failed case says why the mail did not arrive: the sender's queue with Postfix's delay
  // reasons, and both Postfixes' and Dovecots' logs.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !pair) return;
    const queue = await pair.senderQueue().catch((e: unknown) => `postqueue failed: ${String(e)}`);
    console.log(`probe case failed; sender queue: ${JSON.stringify(queue)}\n${pair.logs()}`);
  });

  afterAll(async () => {
    // The round trips seen, for the README and the closing note.
    if (figures.length) console.log(`probe round trips (ms): ${JSON.stringify(figures)}`);
    await pair?.close();
    keyring?.stop();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('saves the profile with its passwords in the keychain only, never in SQLite', async () => {
    const r = await addProfile();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const store = new Store(db);
    try {
      const p = findProbeProfileByName(store, 'lab')!;
      expect(p).toMatchObject({ domain: pair.domains.sender, hasSmtpPassword: true, smtpSecurity: 'starttls' });
      expect(p.seeds[0]).toMatchObject({ hasImapPassword: true, imapPort: pair.imap.port, inboxFolders: [pair.imap.inbox], junkFolders: [pair.imap.junk], authservIds: [pair.authservId] });
      expect(p.seeds[1]!.authservIds).toEqual([]);
      const secrets = new KeytarSecretStore();
      expect(await secrets.get(probeSecretAccount(p.id, 'smtp'))).toBe(pair.submission.password);
      expect(await secrets.get(probeSecretAccount(p.id, { seedId: p.seeds[0]!.id }))).toBe(pair.imap.password);
      expect(p.seeds[1]).toMatchObject({ label: 'seed two', imapPort: 143, imapTls: false, hasImapPassword: true });
      expect(await secrets.get(probeSecretAccount(p.id, { seedId: p.seeds[1]!.id }))).toBe(pair.seeds[1]!.password);
    } finally {
      store.close();
    }
    const raw = fs.readFileSync(db).toString('latin1') + (fs.existsSync(`${db}-wal`) ? fs.readFileSync(`${db}-wal`).toString('latin1') : '');
    expect(raw).not.toContain(pair.submission.password);
    expect(raw).not.toContain(pair.imap.password);
    expect(raw).not.toContain(pair.seeds[1]!.password);
  });

  it('all pass: the probe lands in INBOX with spf, dkim and dmarc pass, is deleted afterwards, exit 0', async () => {
    const { code, run, stderr } = await probe('all pass');
    expect(stderr).toBe('');
    expect(run.status).toBe('complete');
    expect(run.results.map((x) => [x.seed, x.toAddress])).toEqual([
      ['recv seed', pair.imap.address],
      ['seed two', pair.seeds[1]!.address],
    ]);
    expect(new Set(run.results.map((x) => x.tag)).size).toBe(2);
    for (const r of run.results) {
      expect(r).toMatchObject({ sent: true, delivered: true, folder: 'inbox', folderName: pair.imap.inbox, deleted: true, error: null });
      expect(r.auth).toMatchObject({ spf: 'pass', dkim: 'pass', dmarc: 'pass', dkimDomains: [pair.domains.sender], dkimSelectors: [pair.dkimSelector] });
      expect(r.auth!.spfMailFrom.length).toBeGreaterThan(0);
      // submission (ESMTPSA) → receiver (ESMTPS) → LMTP into Dovecot
      expect(r.receivedHops).toBeGreaterThanOrEqual(3);
      expect(r.tlsHops).toBeGreaterThanOrEqual(2);
      expect(r.latencyMs).toBeGreaterThan(0);
    }
    expect(run.allPass).toBe(true);
    expect(run.findings).toEqual([]);
    expect(code).toBe(0);
    expect(await probeMessagesInSeed()).toEqual([]);
  }, 60_000);

  it('broken DKIM: dkim=fail and dmarc=fail, filed into Junk, exit 1 with findings; deleted from Junk', async () => {
    await pair.breakDkim();
    try {
      const { code, run } = await probe('broken DKIM');
      for (const r of run.results) {
        expect(r).toMatchObject({ delivered: true, folder: 'junk', folderName: pair.imap.junk, deleted: true });
        expect(r.auth).toMatchObject({ dkim: 'fail', dmarc: 'fail', dkimDomains: [pair.domains.sender] });
      }
      expect(run.allPass).toBe(false);
      expect(run.findings.map((f) => `${f.checkId} ${f.resource}`).sort()).toEqual([
        'PROBE-DKIM recv seed',
        'PROBE-DKIM seed two',
        'PROBE-DMARC recv seed',
        'PROBE-DMARC seed two',
        'PROBE-RATE all seeds',
        'PROBE-RATE recv seed',
        'PROBE-RATE seed two',
      ]);
      expect(run.findings.every((f) => f.category === 'mail')).toBe(true);
      // 2 of 4 probes in the inbox over the window: 50 %, and 1 of 2 per seed.
      const rate = (JSON.parse(JSON.stringify(run)) as { rate: { overall: unknown; seeds: unknown[] } }).rate;
      expect(rate.overall).toEqual({ inbox: 2, probes: 4, rate: 0.5 });
      expect(rate.seeds).toEqual([
        { seed: 'recv seed', inbox: 1, probes: 2, rate: 0.5 },
        { seed: 'seed two', inbox: 1, probes: 2, rate: 0.5 },
      ]);
      expect(code).toBe(1);
      expect(await probeMessagesInSeed()).toEqual([]);
    } finally {
      await pair.restoreDkim();
    }
  }, 60_000);

  it('receiver down: not delivered within the timeout, exit 1; the late message is deleted by the next run', async () => {
    await pair.stopReceiver();
    const lateTags: string[] = [];
    try {
      const { code, run } = await probe('receiver down');
      for (const r of run.results) {
        expect(r).toMatchObject({ sent: true, delivered: false, folder: null, deleted: false });
        expect(r.error).toBe(`Not found in ${r.seed} within 12 s.`);
      }
      lateTags.push(...run.results.map((r) => r.tag));
      expect(code).toBe(1);
    } finally {
      await pair.startReceiver();
      await pair.flushSender();
    }
    // The queued message arrives late (no run is waiting for it any more)…
    const deadline = Date.now() + 30_000;
    const arrived = async (): Promise<string[]> => (await probeMessagesInSeed()).map((m) => m.tag);
    while ((await arrived()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect((await arrived()).sort()).toEqual([...lateTags].sort());
    // …and the next run, its timeout having passed, deletes it with its own message.
    const { code, run } = await probe('after the receiver came back');
    for (const r of run.results) expect(r).toMatchObject({ delivered: true, folder: 'inbox', deleted: true });
    expect(code).toBe(0);
    expect(await probeMessagesInSeed()).toEqual([]);
  }, 120_000);

  it('history lists the runs newest first', async () => {
    const r = await cli(['probe', '--history', '--profile', 'lab', '--db', db, '--format', 'json']);
    expect(r.code).toBe(0);
    const runs = (JSON.parse(r.stdout) as { runs: ProbeRun[] }).runs;
    expect(runs.map((x) => x.results.map((r) => r.folder ?? '-').join(','))).toEqual(['inbox,inbox', '-,-', 'junk,junk', 'inbox,inbox']);
    const table = await cli(['probe', '--history', '--db', db]);
    expect(table.stdout.split('\n')[1]).toMatch(/lab\s+complete\s+2\/2\s+recv seed: inbox \(INBOX\).*; seed two: inbox \(INBOX\)/);
  });

  it('a wrong IMAP password or submission password is a connection error: exit 2, no password in the output', async () => {
    expect((await addProfile(['--replace'], { RP_SEED_PW: 'wrong-password' })).code).toBe(0);
    const imap = await probe('wrong IMAP password');
    expect(imap.code).toBe(2);
    expect(imap.run.results[0]!.error).toMatch(/^IMAP: .*could not be used/);
    // The other seed is measured as usual.
    expect(imap.run.results[1]).toMatchObject({ seed: 'seed two', folder: 'inbox', deleted: true });
    expect(imap.stderr).toMatch(/rampart: error: recv seed: IMAP: /);
    // (The probe it sent did arrive; a later run deletes it as a leftover once this profile's timeout has passed.)
    expect((await addProfile(['--replace'], { RP_SMTP_PW: 'wrong-password' })).code).toBe(0);
    const smtp = await cli(['probe', '--profile', 'lab', '--db', db, '--format', 'json']);
    expect(smtp.code).toBe(2);
    expect(JSON.parse(smtp.stdout).error.code).toBe('AUTH_REJECTED');
    expect(smtp.stderr).toMatch(/refused the login/);
    expect(smtp.stdout + smtp.stderr + imap.stderr + JSON.stringify(imap.run)).not.toContain('wrong-password');
    expect((await addProfile(['--replace'])).code).toBe(0);
  }, 60_000);

  it('a seed that trusts another authserv-id reads no verdict from the receiver\'s headers: exit 1', async () => {
    const store = new Store(db);
    try {
      store.db.prepare("UPDATE probe_seeds SET authserv_ids_json = '[\"mx.elsewhere.test\"]' WHERE label = 'recv seed'").run();
    } finally {
      store.close();
    }
    const { code, run } = await probe('untrusted authserv-id');
    expect(run.results[0]).toMatchObject({ folder: 'inbox', deleted: true, auth: { spf: null, dkim: null, dmarc: null, entries: [] } });
    expect(run.results[1]!.auth).toMatchObject({ spf: 'pass', dkim: 'pass', dmarc: 'pass' });
    expect(run.findings.map((f) => `${f.checkId} ${f.resource}`).filter((x) => !x.startsWith('PROBE-RATE')).sort()).toEqual(['PROBE-DKIM recv seed', 'PROBE-DMARC recv seed', 'PROBE-SPF recv seed']);
    expect(code).toBe(1);
  }, 60_000);

  it('without the lab CA the submission server\'s certificate is refused (never skipped): exit 2', async () => {
    const add = await addProfile(['--replace']);
    expect(add.code).toBe(0);
    const store = new Store(db);
    try {
      store.db.prepare("UPDATE probe_profiles SET ca_file = NULL WHERE name = 'lab'").run();
    } finally {
      store.close();
    }
    const r = await cli(['probe', '--profile', 'lab', '--db', db, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/could not be used: .*certificate/i);
    expect((await addProfile(['--replace'])).code).toBe(0);
  }, 60_000);

  it('Ctrl-C while waiting for a probe: exit 130, the run is stored as cancelled', async () => {
    await pair.stopReceiver();
    try {
      const child = spawn(process.execPath, [BIN, 'probe', '--profile', 'lab', '--db', db], { env: { ...process.env, ...keyring.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Interrupt once the probe has been handed to the submission server (the run is then polling).
      const store = new Store(db);
      const before = store.db.prepare('SELECT COUNT(*) AS n FROM probe_runs').get() as { n: number };
      store.close();
      const queued = (await pair.senderQueue()).length;
      const deadline = Date.now() + 30_000;
      // Both seeds' messages wait in the sender's queue: the run is polling.
      while ((await pair.senderQueue()).length < queued + 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect((await pair.senderQueue()).length).toBe(queued + 2);
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(stderr).toMatch(/rampart: error: Cancelled/);
      expect(code).toBe(130);
      const after = new Store(db);
      try {
        const rows = after.db.prepare('SELECT status FROM probe_runs ORDER BY started_at DESC').all() as Array<{ status: string }>;
        expect(rows.length).toBe(before.n + 1);
        expect(rows[0]!.status).toBe('cancelled');
      } finally {
        after.close();
      }
    } finally {
      await pair.startReceiver();
    }
  }, 60_000);
});
