// The desktop fix service through the handler table, against a real lab host whose login needs a
// typed sudo password, kept in a real gnome-keyring: the plan runs as root through sudo with the
// stored password, the fix is applied and verified, then rolled back; a wrong stored password is
// refused (SUDO_DENIED) before anything changes. Neither the password nor the secret file's content
// is in any response, event or the database (with its WAL). Needs root for the lab; skipped without
// the lab prerequisites unless RAMPART_LAB_REQUIRED=1 (then it fails).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPrerequisites } from '../../../lab/lab';
import { addUsers, createAuditLabHost, destroyAuditLabHost, plantDir, plantFile, type AuditLabHost } from '../../../lab/plant';
import { startTestKeyring, type TestKeyring } from '../../../test/support/keyring';
import { removeJobBackups } from '../../../test/support/remediation';
import type { Host, RunDetail } from '../../shared/domain';
import type { Result } from '../../shared/errors';
import type { AppEvent } from '../../shared/ipc/events';
import type { DesktopFixPreview, FixJobReport } from '../../shared/ipc/remediation';
import { findingKey } from '../audit/engine';
import { createHandlers, type Handlers } from '../handlers';
import { KeytarSecretStore } from '../secrets/secretStore';
import { createServices, type Services } from '../services';

const labAvailable = labPrerequisites().ok || process.env.RAMPART_LAB_REQUIRED === '1';
const USER = 'fixtyper';
const UID = 4311;
const OWNER = 1234;
// Distinctive, and every character a shell would act on.
const PASSWORD = `sudo-FIXLEAK-8R2T-$(id)'"\`;`;
const WRONG = 'sudo-FIXLEAK-0000-wrong';
const CONTENT = 'API_TOKEN=FIXLEAK-content-6Y1P\n';

describe.runIf(labAvailable)('desktop fixes as a login that types a sudo password (stored in the keychain)', { timeout: 180_000 }, () => {
  let dir: string;
  let lab: AuditLabHost;
  let keyring: TestKeyring;
  let services: Services;
  let h: Handlers;
  let hostId = 0;
  let file = '';
  const events: AppEvent[] = [];
  const responses: unknown[] = [];
  const jobs = new Set<string>();
  const savedEnv = { ...process.env };

  async function call<T>(channel: string, request: unknown): Promise<Result<T>> {
    const r = (await h.invoke(channel, request)) as Result<T>;
    responses.push(r);
    return r;
  }
  async function ok<T>(channel: string, request: unknown): Promise<T> {
    const r = await call<T>(channel, request);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
    return r.data;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-fix-sudo-'));
    keyring = await startTestKeyring();
    Object.assign(process.env, keyring.env);
    lab = await createAuditLabHost('bare', { sshdExtraConfig: `AllowUsers ${USER}` });
    const host = lab.host;
    const hash = execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: `${PASSWORD}\n`, encoding: 'utf8' }).trim();
    addUsers(host, [{ name: USER, uid: UID, gid: UID, home: join(lab.root, 'home', USER), shell: '/bin/sh', password: { hash } }]);
    plantDir(join(lab.root, 'home', USER), { mode: 0o755, uid: UID, gid: UID });
    plantFile(join(host.etcDir, 'ssh', `authorized_keys_${USER}`), `${readFileSync(`${host.identityFile}.pub`, 'utf8').trim()}\n`, { mode: 0o600, uid: UID, gid: UID });
    plantFile(join(host.etcDir, 'sudoers.d', 'rampart-fix-desktop'), `${USER} ALL=(ALL:ALL) ALL\n`, { mode: 0o440 });
    const srv = plantDir(join(lab.root, 'srv', 'fixdesk'), { mode: 0o755 });
    // Owned by someone else and world-readable: only root can fix it.
    file = plantFile(join(srv, '.env'), CONTENT, { mode: 0o644, uid: OWNER, gid: OWNER });

    services = createServices({ dbFile: join(dir, 'rampart.sqlite3'), secrets: new KeytarSecretStore('rampart-test-fix-sudo'), emit: (e) => events.push(e), env: {} });
    h = createHandlers(services);
    const added = await ok<Host>('hosts:add', {
      name: 'fix-sudo',
      address: host.address,
      port: host.port,
      username: USER,
      auth: 'key-file',
      identityFile: host.identityFile,
      sshdConfigPath: host.sshdConfigPath,
      scanRoots: [srv],
      sudo: 'sudo-password',
    });
    hostId = added.id;
    const probe = await ok<{ keyType: string; fingerprint: string }>('hosts:probeKey', { hostId });
    await ok('hosts:trustKey', { hostId, keyType: probe.keyType, fingerprint: probe.fingerprint, replace: false });
    await ok('hosts:setSudoPassword', { hostId, password: PASSWORD });
  }, 180_000);

  afterAll(async () => {
    services?.close();
    if (lab) await destroyAuditLabHost(lab);
    keyring?.stop();
    for (const k of Object.keys(keyring?.env ?? {})) process.env[k] = savedEnv[k];
    removeJobBackups(jobs);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('plans, applies (verified) and rolls back as root through sudo with the stored password; no password or file content anywhere', async () => {
    const run = await ok<RunDetail>('audit:run', { hostId });
    const key = findingKey(`${lab.host.address}:${lab.host.port}`, 'SECRET-FILE-READABLE', `file:${file}`);
    expect(run.findings.some((f) => f.id === key)).toBe(true);

    const preview = await ok<DesktopFixPreview>('remediation:plan', { hostId, findingKeys: [key] });
    jobs.add(preview.jobId);
    expect(preview.runsAs).toBe('root through sudo with the stored password');
    expect(preview.skipped).toEqual([]);
    expect(preview.fixes[0]!.targets).toEqual([{ path: file, from: `0644 uid ${OWNER} gid ${OWNER}`, to: `0600 uid ${OWNER} gid ${OWNER}`, reason: expect.any(String) as string }]);
    expect(preview.requiresTypedHostName).toBe(false);

    const applied = await ok<FixJobReport>('remediation:apply', { hostId, jobId: preview.jobId });
    expect(applied.status).toBe('applied');
    expect(statSync(file).mode & 0o7777).toBe(0o600);
    // A preview is applied once.
    const again = await call('remediation:apply', { hostId, jobId: preview.jobId });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.code).toBe('NOT_FOUND');
    // Progress: every step of the job went running → done, in order, for this host.
    const steps = events.filter((e) => e.type === 'fix-progress' && e.jobId === preview.jobId && e.kind === 'step');
    expect(steps.every((e) => e.type === 'fix-progress' && e.hostId === hostId)).toBe(true);
    expect(steps.map((e) => (e.type === 'fix-progress' ? `${e.seq}:${e.status}` : ''))).toEqual(['0:running', '0:done', '1:running', '1:done', '2:running', '2:done']);

    const rolled = await ok<FixJobReport>('remediation:rollback', { hostId, jobId: preview.jobId });
    expect(rolled.status).toBe('rolled-back');
    expect(statSync(file).mode & 0o7777).toBe(0o644);
    expect(readFileSync(file, 'utf8')).toBe(CONTENT);
  });

  it('a wrong stored password: the plan is refused (SUDO_DENIED) and nothing changes', async () => {
    await ok('hosts:setSudoPassword', { hostId, password: WRONG });
    const key = findingKey(`${lab.host.address}:${lab.host.port}`, 'SECRET-FILE-READABLE', `file:${file}`);
    const r = await call('remediation:plan', { hostId, findingKeys: [key] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('SUDO_DENIED');
    expect(statSync(file).mode & 0o7777).toBe(0o644);
    await ok('hosts:setSudoPassword', { hostId, password: PASSWORD });
  });

  it('neither password nor the file content is in any response, event, or the database', () => {
    const seen = JSON.stringify({ responses, events });
    const db = services.store.file;
    const stored = [db, `${db}-wal`, `${db}-shm`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1')).join('');
    for (const secret of [PASSWORD, WRONG, CONTENT.trim(), 'FIXLEAK-content', 'FIXLEAK-8R2T']) {
      // As it is, and as JSON escapes it.
      expect(seen.includes(secret) || seen.includes(JSON.stringify(secret).slice(1, -1)), `responses/events hold ${secret}`).toBe(false);
      expect(stored.includes(secret), `the database holds ${secret}`).toBe(false);
    }
    expect(events.some((e) => e.type === 'fix-progress')).toBe(true);
  });
});
