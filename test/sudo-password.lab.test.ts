// The stored sudo password never runs as code (issue 9), against a real lab host: real sshd, real
// sudo with the host's own sudoers.d and shadow, a real gnome-keyring for the connection test.
//   (a) root login + a hostile stored password: sudo never asks, the password is never sent;
//   (b) a NOPASSWD rule + the same password: the same;
//   (c) a user who must type a password: right → root, wrong → SUDO_DENIED after one attempt and
//       an unprivileged audit with needs-sudo sections; the connection test proves the password
//       even when a cached sudo ticket would not have asked for it;
//   (d) a host whose sudo speaks German is still understood.
// Needs root; skipped without the lab prerequisites unless RAMPART_LAB_REQUIRED=1 (then it fails).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labPrerequisites } from '../lab/lab';
import { addUsers, createAuditLabHost, destroyAuditLabHost, plantDir, plantFile, type AuditLabHost } from '../lab/plant';
import { runAudit, type AuditTarget } from '../src/main/audit/auditor';
import { KeytarSecretStore } from '../src/main/secrets/secretStore';
import { setSudoPassword } from '../src/main/ssh/auth';
import { connect, type ExecResult, type SshConnection } from '../src/main/ssh/connection';
import { testConnection, type ConnectDeps } from '../src/main/ssh/hostConnect';
import { shQuote } from '../src/main/ssh/quote';
import { execPrivileged } from '../src/main/ssh/sudo';
import { Store } from '../src/main/store/store';
import type { RunDetail, SudoMode } from '../src/shared/domain';
import { startTestKeyring, type TestKeyring } from './support/keyring';
import { refusal } from './support/refusal';

const labAvailable = labPrerequisites().ok || process.env.RAMPART_LAB_REQUIRED === '1';
const TEST_TIMEOUT_MS = 120_000;

/** Users of the lab host: uid, sudoers rule, environment. */
const USERS = {
  nopw: { uid: 4301, rule: 'nopw ALL=(ALL:ALL) NOPASSWD: ALL' },
  typer: { uid: 4302, rule: 'typer ALL=(ALL:ALL) ALL' },
  // Speaks German in every session (its ~/.bashrc), like a host installed in German.
  tipper: { uid: 4303, rule: 'tipper ALL=(ALL:ALL) ALL' },
  // Its home folder does not exist: sshd's session says so on stderr before the command runs.
  drifter: { uid: 4304, rule: 'drifter ALL=(ALL:ALL) NOPASSWD: ALL' },
} as const;
type LabUser = keyof typeof USERS | 'root';

describe.runIf(labAvailable)('the sudo password never reaches a shell (test/sudo-password.lab.test.ts)', () => {
  let dir: string;
  /** World-writable, so a command run as any user could create the marker. */
  let markerDir: string;
  let marker: string;
  let hostile: string;
  let lab: AuditLabHost;
  let store: Store;
  let keyring: TestKeyring;
  let deps: ConnectDeps;
  let sudoLog: string;
  const savedEnv = { ...process.env };
  /** stderr of every exec of every connection opened by the tests. */
  const remoteStderr: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-sudo-'));
    markerDir = mkdtempSync(join(tmpdir(), 'rampart-sudo-marker-'));
    chmodSync(markerDir, 0o777);
    marker = join(markerDir, 'password-ran-as-code');
    // Every character a shell would act on: command substitution, quotes, backtick, separator.
    hostile = `x$(touch ${marker})y'"\`;`;
    keyring = await startTestKeyring();
    Object.assign(process.env, keyring.env);
    store = new Store(join(dir, 'rampart.sqlite3'));
    deps = { store, secrets: new KeytarSecretStore('rampart-test-sudo'), env: {} };

    lab = await createAuditLabHost('bare', { sshdExtraConfig: `AllowUsers ${Object.keys(USERS).join(' ')}` });
    const host = lab.host;
    sudoLog = join(host.stateDir, 'sudo.log');
    const hash = execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: `${hostile}\n`, encoding: 'utf8' }).trim();
    const clientPub = readFileSync(`${host.identityFile}.pub`, 'utf8').trim();
    addUsers(
      host,
      Object.entries(USERS).map(([name, u]) => ({ name, uid: u.uid, gid: u.uid, home: join(lab.root, 'home', name), shell: '/bin/bash', password: { hash } })),
    );
    for (const [name, u] of Object.entries(USERS)) {
      if (name === 'drifter') {
        plantFile(join(host.etcDir, 'ssh', `authorized_keys_${name}`), `${clientPub}\n`, { mode: 0o600, uid: u.uid, gid: u.uid });
        continue;
      }
      const home = plantDir(join(lab.root, 'home', name), { mode: 0o755, uid: u.uid, gid: u.uid });
      plantFile(join(home, '.bashrc'), name === 'tipper' ? 'export LANG=de_DE.UTF-8 LANGUAGE=de\n' : '', { mode: 0o644, uid: u.uid, gid: u.uid });
      plantFile(join(host.etcDir, 'ssh', `authorized_keys_${name}`), `${clientPub}\n`, { mode: 0o600, uid: u.uid, gid: u.uid });
    }
    // sudo's own log (one line per event, no wrapping), and tickets shared by every session of
    // typer, so a cached ticket really would skip the password prompt.
    plantFile(
      join(host.etcDir, 'sudoers.d', 'rampart-test'),
      `Defaults logfile=${sudoLog}, loglinelen=0\nDefaults:typer timestamp_type=global\n${Object.values(USERS).map((u) => u.rule).join('\n')}\n`,
      { mode: 0o440 },
    );
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    store?.close();
    if (lab) await destroyAuditLabHost(lab);
    keyring?.stop();
    for (const k of Object.keys(keyring?.env ?? {})) process.env[k] = savedEnv[k];
    rmSync(dir, { recursive: true, force: true });
    rmSync(markerDir, { recursive: true, force: true });
  });

  /** A connection as `user` whose every exec's stderr is kept in remoteStderr. */
  async function open(user: LabUser): Promise<SshConnection> {
    const h = lab.host;
    const conn = await connect({ address: h.address, port: h.port, username: user, identityFile: h.identityFile }, { kind: 'accept-new', onAccept: () => undefined });
    const exec = conn.exec.bind(conn);
    conn.exec = async (command, opts) => {
      const r: ExecResult = await exec(command, opts);
      remoteStderr.push(r.stderr);
      return r;
    };
    return conn;
  }

  function target(user: LabUser, sudo: SudoMode, password: string | null): AuditTarget {
    const h = lab.host;
    return { hostId: null, name: h.name, address: h.address, port: h.port, username: user, sshdConfigPath: h.sshdConfigPath, scanRoots: lab.scanRoots, sudo, sudoPassword: password };
  }

  const audit = (user: LabUser, sudo: SudoMode, password: string | null): Promise<RunDetail> =>
    runAudit(store, target(user, sudo, password), { open: () => open(user) });

  async function privileged(user: LabUser, mode: SudoMode, password: string | null, opts: { noCache?: boolean } = {}) {
    const conn = await open(user);
    try {
      return await execPrivileged(conn, { mode, password, host: lab.host.name }, 'id -u; cat', { stdin: 'stdin-after-start\n', ...opts });
    } finally {
      conn.close();
    }
  }


  /** A root audit: complete, nothing needs-sudo, no sudo error. */
  function expectRootRun(run: RunDetail): void {
    expect(run.errors.filter((e) => e.section === 'sudo')).toEqual([]);
    expect(run.checks.filter((c) => c.status === 'needs-sudo').map((c) => c.checkId)).toEqual([]);
    expect(run.status).toBe('complete');
  }

  /** Nowhere Rampart or the host keeps anything: remote stderr, the run, SQLite (with WAL), sshd's and sudo's logs. */
  function expectPasswordNowhere(): void {
    expect(existsSync(marker), 'the password ran as a shell command').toBe(false);
    for (const e of remoteStderr) expect(e).not.toContain(hostile);
    const files = [
      ...readdirSync(dir).filter((f) => f.startsWith('rampart.sqlite3')).map((f) => join(dir, f)),
      lab.host.logFile,
      ...(existsSync(sudoLog) ? [sudoLog] : []),
    ];
    for (const f of files) expect(readFileSync(f).includes(Buffer.from(hostile)), f).toBe(false);
    // The part a shell would have run, on its own, too.
    for (const f of files) expect(readFileSync(f, 'latin1'), f).not.toContain('password-ran-as-code');
  }

  it('control: the old form (password first on stdin of sudo -S … sh -s) runs it as root when sudo does not ask', async () => {
    // Shows the marker really detects the bug this issue fixes; the form is no longer used anywhere.
    const probe = join(markerDir, 'control');
    const conn = await open('root');
    try {
      await conn.exec(`sudo -S -p '' -- sh -c 'sh -s'`, { stdin: `x$(touch ${probe})y\necho collector\n` });
    } finally {
      conn.close();
    }
    expect(existsSync(probe)).toBe(true);
    rmSync(probe);
  });

  it('(a) root login + hostile stored password: the audit runs as root, the password is never sent', async () => {
    const r = await privileged('root', 'sudo-password', hostile);
    expect(r).toMatchObject({ uid: 0, passwordUsed: false, code: 0, stdout: '0\nstdin-after-start\n' });
    expectRootRun(await audit('root', 'sudo-password', hostile));
    expectPasswordNowhere();
  }, TEST_TIMEOUT_MS);

  it('(b) NOPASSWD rule + hostile stored password: the same', async () => {
    const r = await privileged('nopw', 'sudo-password', hostile);
    expect(r).toMatchObject({ uid: 0, passwordUsed: false, code: 0, stdout: '0\nstdin-after-start\n' });
    expect(r.stderr).toBe('');
    expectRootRun(await audit('nopw', 'sudo-password', hostile));
    expectPasswordNowhere();
  }, TEST_TIMEOUT_MS);

  it('(c) a user who must type it: the right password gives root, sent once after the prompt', async () => {
    const r = await privileged('typer', 'sudo-password', hostile, { noCache: true });
    expect(r).toMatchObject({ uid: 0, passwordUsed: true, code: 0, stdout: '0\nstdin-after-start\n' });
    expect(r.stderr).toBe('');
    expectRootRun(await audit('typer', 'sudo-password', hostile));
    // sudo -n (no password stored) is refused with the typed error, not a crash or a hang.
    await refusal(privileged('typer', 'sudo-n', null, { noCache: true }), 'SUDO_PASSWORD_REQUIRED');
    expectPasswordNowhere();
  }, TEST_TIMEOUT_MS);

  it('(c) a wrong password: SUDO_DENIED after one attempt; the audit falls back to unprivileged with needs-sudo', async () => {
    const attemptsBefore = (existsSync(sudoLog) ? readFileSync(sudoLog, 'utf8') : '').split('incorrect password attempt').length;
    const e = await refusal(privileged('typer', 'sudo-password', 'not-the-password', { noCache: true }), 'SUDO_DENIED');
    expect(e.message).toMatch(/rejected the stored password/);
    const run = await audit('typer', 'sudo-password', 'not-the-password');
    expect(run.errors.find((x) => x.section === 'sudo')?.message).toMatch(/rejected the stored password.*Collected without root/);
    expect(run.checks.filter((c) => c.status === 'needs-sudo').length).toBeGreaterThan(0);
    // One refused attempt each for execPrivileged and for the whole audit (three lanes, one try).
    const log = readFileSync(sudoLog, 'utf8');
    expect(log.split('incorrect password attempt').length - attemptsBefore).toBe(2);
    expect(log).not.toContain('not-the-password');
  }, TEST_TIMEOUT_MS);

  it("(c) the connection test proves the stored password even when typer's cached sudo ticket would skip it", async () => {
    const h = store.addHost({ name: `${lab.host.name}-typer`, address: lab.host.address, port: lab.host.port, username: 'typer', identityFile: lab.host.identityFile, sshdConfigPath: lab.host.sshdConfigPath, sudo: 'sudo-password' });
    store.pinKey(lab.host.address, lab.host.port, 'ssh-ed25519', lab.host.hostKeyFingerprints['ssh-ed25519']!, false);
    await setSudoPassword(store, deps.secrets, h.id, hostile);
    const ok = await testConnection(deps, h.id);
    expect(ok.steps.find((s) => s.step === 'sudo')).toMatchObject({ status: 'ok', message: expect.stringMatching(/asked for the password and accepted/) });

    // A cached ticket (timestamp_type=global): a plain sudo would now not ask at all…
    const conn = await open('typer');
    try {
      const cached = await conn.exec(`printf '%s\\n' ${shQuote(hostile)} | sudo -S -v && sudo -n true && echo ticket-cached`);
      expect(cached.stdout).toContain('ticket-cached');
    } finally {
      conn.close();
    }
    // …yet a wrong stored password fails the test instead of "sudo works".
    await setSudoPassword(store, deps.secrets, h.id, 'wrong-but-ticket-cached');
    const bad = await testConnection(deps, h.id);
    expect(bad.ok).toBe(false);
    expect(bad.steps.find((s) => s.step === 'sudo')).toMatchObject({ status: 'failed' });
    expect(bad.error).toMatchObject({ code: 'SUDO_DENIED' });

    // Where sudo never asks (NOPASSWD), the test says the password was not checked.
    const n = store.addHost({ name: `${lab.host.name}-nopw`, address: lab.host.address, port: lab.host.port, username: 'nopw', identityFile: lab.host.identityFile, sshdConfigPath: lab.host.sshdConfigPath, sudo: 'sudo-password' });
    await setSudoPassword(store, deps.secrets, n.id, 'anything');
    const unchecked = await testConnection(deps, n.id);
    expect(unchecked.steps.find((s) => s.step === 'sudo')).toMatchObject({ status: 'ok', message: expect.stringMatching(/not checked/) });
    expectPasswordNowhere();
  }, TEST_TIMEOUT_MS);

  it('a session that prints before the command (no home folder) still starts sudo and keeps stderr clean', async () => {
    const r = await privileged('drifter', 'sudo-password', hostile);
    expect(r).toMatchObject({ uid: 0, passwordUsed: false, code: 0, stdout: '0\nstdin-after-start\n' });
    expect(r.stderr).toMatch(/chdir|home/i);
    expect(r.stderr).not.toMatch(/rampart-pgid|rampart-started|rampart-sudo/);
    expectPasswordNowhere();
  }, TEST_TIMEOUT_MS);

  it('(d) a host whose sudo speaks German: refusals and success still understood', async () => {
    // Without Rampart's LC_ALL=C this host's sudo answers in German (so the test means something).
    const conn = await open('tipper');
    try {
      const plain = await conn.exec('sudo -n true');
      expect(plain.code).not.toBe(0);
      expect(plain.stderr).toMatch(/Passwort/);
      expect(plain.stderr).not.toMatch(/password is required/);
    } finally {
      conn.close();
    }
    await refusal(privileged('tipper', 'sudo-n', null), 'SUDO_PASSWORD_REQUIRED');
    const e = await refusal(privileged('tipper', 'sudo-password', 'falsch', { noCache: true }), 'SUDO_DENIED');
    expect(e.message).toMatch(/rejected the stored password/);
    expect(await privileged('tipper', 'sudo-password', hostile, { noCache: true })).toMatchObject({ uid: 0, passwordUsed: true, stdout: '0\nstdin-after-start\n' });
    const denied = await audit('tipper', 'sudo-n', null);
    expect(denied.errors.find((x) => x.section === 'sudo')?.message).toMatch(/needs a password/);
    expectRootRun(await audit('tipper', 'sudo-password', hostile));
    expectPasswordNowhere();
  }, TEST_TIMEOUT_MS);
});
