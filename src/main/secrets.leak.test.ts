// Issue 3 item 2: nothing secret is ever written to SQLite, logs or error messages. This test
// plants distinctive secrets (a passphrase-protected private key with a marker comment, its
// passphrase, a wrong passphrase, a sudo password), drives them through every channel that
// touches them — importKey (right and wrong passphrase), setSudoPassword, testConnection and
// audit:run (failing and, with the lab, succeeding with the keychain key) — and then scans the
// database file (+ -wal, -shm, backups), every response, error, event and everything written to
// the console or stdout/stderr for the secret strings. Real gnome-keyring; real lab host (sshd in
// a network namespace) when the lab is available.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../../lab/lab';
import { startTestKeyring, type TestKeyring } from '../../test/support/keyring';
import type { Host } from '../shared/domain';
import type { Result } from '../shared/errors';
import type { AppEvent } from '../shared/ipc/events';
import type { ConnectionTest, HostKeyProbe } from '../shared/ipc/hosts';
import { createHandlers, type Handlers } from './handlers';
import { KeytarSecretStore, hostSecretAccount } from './secrets/secretStore';
import { createServices, type Services } from './services';

const labAvailable = labPrerequisites().ok || process.env.RAMPART_LAB_REQUIRED === '1';

const PASSPHRASE = 'pp-LEAKCHECK-7Q9Z-correct-passphrase';
const WRONG_PASSPHRASE = 'pp-LEAKCHECK-4K2W-wrong-passphrase';
const SUDO_PASSWORD = 'sudo-LEAKCHECK-3M8K-password';
const KEY_COMMENT = 'RAMPART-LEAKCHECK-MARKER-5c1e@example.invalid';
// Deliverability probe passwords (issue 13): submission and seed IMAP logins.
const PROBE_SMTP_PASSWORD = 'smtp-LEAKCHECK-8H3D-password';
const PROBE_IMAP_PASSWORD = 'imap-LEAKCHECK-2N6T-password';

let keyring: TestKeyring;
const savedEnv = { ...process.env };
let dir: string;
let dbFile: string;
let services: Services;
let h: Handlers;
let lab: LabHost | null = null;
const events: AppEvent[] = [];
/** Every response and error envelope the handlers returned. */
const transcripts: string[] = [];
/** Everything written to the console, stdout or stderr of this process during the test. */
const logged: string[] = [];
const restore: Array<() => void> = [];
/** Distinctive pieces of the private key files (body lines), besides the marker comment. */
const keyPieces: string[] = [];

async function invoke(channel: string, request: unknown): Promise<Result<unknown>> {
  const res = await h.invoke(channel, request);
  transcripts.push(`${channel} ${JSON.stringify(res)}`);
  return res;
}

async function ok<T>(channel: string, request: unknown): Promise<T> {
  const res = await invoke(channel, request);
  if (!res.ok) throw new Error(`${channel} failed: ${res.error.code} ${res.error.message}`);
  return res.data as T;
}

function bodyPieces(pemFile: string): string[] {
  const lines = fs.readFileSync(pemFile, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'));
  return lines.filter((l) => l.length >= 40).map((l) => l.slice(0, 40));
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

beforeAll(async () => {
  keyring = await startTestKeyring();
  Object.assign(process.env, keyring.env);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-leak-'));
  dbFile = path.join(dir, 'rampart.sqlite3');
  const secrets = new KeytarSecretStore('rampart-test-leak');
  for (const a of await secrets.accounts()) await secrets.delete(a);
  services = createServices({ dbFile, secrets, emit: (e) => events.push(e) });
  h = createHandlers(services);
  // Capture every log line from here on (console.* and raw writes).
  for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const spy = vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    restore.push(() => spy.mockRestore());
  }
  for (const stream of [process.stdout, process.stderr]) {
    const orig = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (orig as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = orig));
  }
  if (labAvailable) lab = await createLabHost({ scenario: 'hardened' });
});

afterAll(async () => {
  for (const r of restore.splice(0)) r();
  services?.close();
  if (lab) await destroyLabHost(lab);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  keyring?.stop();
  for (const k of Object.keys(keyring?.env ?? {})) process.env[k] = savedEnv[k];
});

function secretStrings(): string[] {
  return [PASSPHRASE, WRONG_PASSPHRASE, SUDO_PASSWORD, KEY_COMMENT, PROBE_SMTP_PASSWORD, PROBE_IMAP_PASSWORD, ...keyPieces];
}

/** The database files as they are now (WAL mode: the newest pages live in -wal until a checkpoint). */
function dbFiles(): Array<{ name: string; data: Buffer }> {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(path.basename(dbFile)))
    .map((f) => ({ name: f, data: fs.readFileSync(path.join(dir, f)) }));
}

function expectNoSecrets(where: string, haystack: string | Buffer): void {
  const text = Buffer.isBuffer(haystack) ? haystack.toString('latin1') : haystack;
  for (const s of secretStrings()) expect(text.includes(s), `${where} contains the secret ${s.slice(0, 12)}…`).toBe(false);
  // Also as UTF-16 (SQLite can store text that way) — only for the database files.
  if (Buffer.isBuffer(haystack))
    for (const s of secretStrings()) expect(haystack.includes(Buffer.from(s, 'utf16le')), `${where} contains a UTF-16 secret`).toBe(false);
}

describe('no secret reaches SQLite, logs, responses or error messages', () => {
  let planted!: Host;
  let keyFile = '';

  it('plants the secrets through importKey (wrong then right passphrase) and setSudoPassword', async () => {
    keyFile = path.join(dir, 'id_leakcheck');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-C', KEY_COMMENT, '-f', keyFile], { stdio: 'ignore' });
    keyPieces.push(...bodyPieces(keyFile));
    expect(keyPieces.length).toBeGreaterThan(2);
    // A second copy of the key with its comment in clear text (an unencrypted key): the comment
    // then sits in the file as the marker that must never reach the database.
    const plainKey = path.join(dir, 'id_leakcheck_plain');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', KEY_COMMENT, '-f', plainKey], { stdio: 'ignore' });
    keyPieces.push(...bodyPieces(plainKey));

    const port = lab ? lab.port : await closedPort();
    planted = await ok<Host>('hosts:add', {
      name: 'leak-target',
      address: lab ? lab.address : '127.0.0.1',
      port,
      username: lab ? lab.user : 'root',
      sudo: 'sudo-password',
    });
    const wrong = await invoke('hosts:importKey', { hostId: planted.id, privateKeyPath: keyFile, passphrase: WRONG_PASSPHRASE });
    expect(!wrong.ok && wrong.error.code).toBe('IDENTITY_ENCRYPTED');
    const imported = await ok<Host>('hosts:importKey', { hostId: planted.id, privateKeyPath: keyFile, passphrase: PASSPHRASE });
    expect(imported).toMatchObject({ auth: 'keychain', secrets: { privateKey: true, passphrase: true } });
    const withSudo = await ok<Host>('hosts:setSudoPassword', { hostId: planted.id, password: SUDO_PASSWORD });
    expect(withSudo.secrets.sudoPassword).toBe(true);
    // The secrets are in the keychain (and only there).
    expect(await services.secrets.get(hostSecretAccount(planted.id, 'passphrase'))).toBe(PASSPHRASE);
    expect(await services.secrets.get(hostSecretAccount(planted.id, 'sudo-password'))).toBe(SUDO_PASSWORD);
    // A second host gets the clear-text-comment key.
    const second = await ok<Host>('hosts:add', { name: 'leak-second', address: '127.0.0.1', port: await closedPort(), username: 'root', sudo: 'sudo-password' });
    await ok('hosts:importKey', { hostId: second.id, privateKeyPath: plainKey });
    await ok('hosts:setSudoPassword', { hostId: second.id, password: SUDO_PASSWORD });
  });

  it('runs testConnection and audit:run through their failure paths with those secrets', async () => {
    if (lab) {
      // Pin the lab host's key so the connection gets as far as authentication.
      const probe = await ok<HostKeyProbe>('hosts:probeKey', { hostId: planted.id });
      await ok('hosts:trustKey', { hostId: planted.id, keyType: probe.keyType, fingerprint: probe.fingerprint });
    }
    const t = await ok<ConnectionTest>('hosts:testConnection', { hostId: planted.id });
    expect(t.ok).toBe(false);
    // With the lab: the key is not authorized there → auth fails after the key was decrypted with
    // the passphrase. Without: the closed port fails at tcp.
    expect(t.error?.code).toBe(lab ? 'AUTH_REJECTED' : 'CONNECTION_REFUSED');
    const audit = await invoke('audit:run', { hostId: planted.id, jobId: 'leak-audit-1' });
    expect(audit.ok).toBe(false);
    if (!audit.ok) expect(audit.error.code).toBe(lab ? 'AUTH_REJECTED' : 'HOST_KEY_UNKNOWN');
    const second = services.store.findHostByName('leak-second')!;
    const t2 = await ok<ConnectionTest>('hosts:testConnection', { hostId: second.id });
    expect(t2.ok).toBe(false);
  });

  it.skipIf(!labAvailable)('with the lab: the real key in the keychain passes auth, sudo runs (root login: the stored password is not needed, so never sent), the audit succeeds', async () => {
    const host = await ok<Host>('hosts:add', { name: 'leak-lab-ok', address: lab!.address, port: lab!.port, username: lab!.user, sudo: 'sudo-password' });
    await ok('hosts:importKey', { hostId: host.id, privateKeyPath: lab!.identityFile });
    await ok('hosts:setSudoPassword', { hostId: host.id, password: SUDO_PASSWORD });
    const t = await ok<ConnectionTest>('hosts:testConnection', { hostId: host.id });
    expect(t.steps.map((s) => s.step)).toEqual(['route', 'tcp', 'host-key', 'auth', 'sudo']);
    expect(t.steps.every((s) => s.status === 'ok')).toBe(true);
    expect(t.steps[4]!.message).toMatch(/without asking for a password .* not checked/);
    const run = await ok<{ status: string }>('audit:run', { hostId: host.id, jobId: 'leak-audit-2' });
    expect(['complete', 'partial']).toContain(run.status);
  });

  it('removing the hosts removes their secrets from the keychain', async () => {
    for (const host of services.store.listHosts()) await ok('hosts:remove', { hostId: host.id });
    expect(await services.secrets.accounts('host:')).toEqual([]);
  });

  it('probe profiles: passwords saved, a run that fails at the submission server, an edit, removal (keychain emptied)', async () => {
    const smtpPort = await closedPort();
    const saved = await ok<{ id: number; hasSmtpPassword: boolean; seeds: Array<{ hasImapPassword: boolean }> }>('probe:saveProfile', {
      name: 'leak probe',
      smtpHost: '127.0.0.1',
      smtpPort,
      smtpUsername: 'probe',
      smtpPassword: PROBE_SMTP_PASSWORD,
      fromAddress: 'probe@leak.invalid',
      seeds: [{ label: 'seed', toAddress: 'seed@leak.invalid', imapHost: '127.0.0.1', imapPort: await closedPort(), imapUsername: 'seed', imapPassword: PROBE_IMAP_PASSWORD }],
    });
    expect(saved.hasSmtpPassword && saved.seeds[0]!.hasImapPassword).toBe(true);
    expect(await services.secrets.get(`probe:${saved.id}:smtp`)).toBe(PROBE_SMTP_PASSWORD);
    await ok('probe:listProfiles', {});
    const run = await invoke('probe:run', { profileId: saved.id, jobId: 'leak-probe-1' });
    expect(run.ok).toBe(false);
    if (!run.ok) expect(run.error.code).toBe('CONNECTION_REFUSED');
    await ok('probe:history', { profileId: saved.id });
    await ok('probe:saveProfile', {
      id: saved.id,
      name: 'leak probe',
      smtpHost: '127.0.0.1',
      smtpUsername: 'probe',
      fromAddress: 'probe@leak.invalid',
      seeds: [{ label: 'seed', toAddress: 'seed@leak.invalid', imapHost: '127.0.0.1', imapUsername: 'seed', imapPassword: PROBE_IMAP_PASSWORD }],
    });
    await ok('probe:deleteProfile', { id: saved.id });
    expect(await services.secrets.accounts('probe:')).toEqual([]);
  });

  it('scan: database files, responses, errors, events and logs hold none of the secrets', () => {
    const files = dbFiles();
    expect(files.some((f) => f.name === path.basename(dbFile))).toBe(true);
    for (const f of files) expectNoSecrets(`database file ${f.name}`, f.data);
    expect(transcripts.length).toBeGreaterThan(8);
    for (const t of transcripts) expectNoSecrets(`response ${t.slice(0, 40)}`, t);
    expectNoSecrets('events', JSON.stringify(events));
    expectNoSecrets('console/stdout/stderr', logged.join('\n'));
    // After closing (WAL checkpointed into the main file) too.
    services.close();
    for (const f of dbFiles()) expectNoSecrets(`database file ${f.name} after close`, f.data);
  });
});
