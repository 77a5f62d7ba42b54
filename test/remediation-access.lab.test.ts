// The lockout guard and the sshd fixes (issue 11) against real lab hosts: a real sshd in its own
// network namespace (reloaded with SIGHUP of its PidFile: systemd is not PID 1 here, so the
// dead-man switch takes its `setsid nohup sh -c 'sleep N; restore'` path), real SSH connections.
// (a) weak-ssh host: PermitRootLogin / X11Forwarding / MaxAuthTries / Ciphers fixed through
//     `rampart fix --check …`, each proven by a new connection, verified, the findings gone, the
//     running sshd refuses a CBC cipher; --rollback restores the config byte-identical and reloads
//     (the CBC cipher works again);
// (b) a change that breaks access (an AllowUsers that excludes the login user, planned into the
//     drop-in by the engine's fault option): the new connection fails, the job is rolled back
//     through the current session, the drop-in is gone and logging in works again;
// (c) Rampart "killed" after the reload (the job never disarms): the host reverts by itself within
//     its 3 s window: config byte-identical, sshd reloaded, a new connection works; --rollback
//     then finishes the job;
// (d) disarm stops the timer (nothing restored after the window) and never kills a process that
//     is not the job's timer.
// Needs root; skipped without the lab prerequisites unless RAMPART_LAB_REQUIRED=1.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { createJumpChain, type JumpChain } from '../lab/topology';
import { addUsers, plantFile, plantOwnAccounts } from '../lab/plant';
import { listPids, procStat } from '../lab/proc';
import { lockoutGuardOf, type LockoutGuard } from '../src/main/remediation/accessFixes';
import { proveAccess } from '../src/main/remediation/accessProof';
import { armCommand, deadmanPaths, deadmanScript, disarmCommand, parseArm, parseDisarm } from '../src/main/remediation/deadman';
import { FixEngine, type EngineOptions, type JobReport } from '../src/main/remediation/engine';
import { connect, type SshConnection } from '../src/main/ssh/connection';
import { execPrivileged } from '../src/main/ssh/sudo';
import { Store } from '../src/main/store/store';
import { BIN, exec, type Result } from './support/cliContract';
import { BACKUP_ROOT, deadmanTimerPids } from './support/remediation';

const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';
const FIXER = 'fixer';
const SSH_CHECKS = ['SSH-PERMIT-ROOT-LOGIN', 'SSH-X11-FORWARDING', 'SSH-MAX-AUTH-TRIES', 'SSH-WEAK-CIPHERS'];

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface JsonReport {
  jobId: string | null;
  status: string;
  lockoutGuard?: { armed: boolean; newSessionOk: boolean | null; restoredBy: string };
  fixes: Array<{ checkId: string; status: string; steps: Array<{ name: string; status: string; detail: string }>; verification: { checksRerun: string[]; stillFailing: string[] } }>;
}

describe.skipIf(!labAvailable)(`lockout guard and sshd fixes on lab hosts${pre.ok ? '' : ` (${pre.reason})`}`, { timeout: 240_000 }, () => {
  let plain: LabHost; // main config without Include: the main file is edited
  let dropin: LabHost; // main config Includes sshd_config.d/*.conf first: a drop-in is written
  let chain: JumpChain; // a weak-ssh target reachable only through a bastion
  let dir: string;
  const jobs = new Set<string>();
  const spawned: number[] = [];

  const mainConfig = (h: LabHost): string => path.join(h.etcDir, 'ssh', 'sshd_config');
  const dropInFile = (h: LabHost): string => path.join(h.etcDir, 'ssh', 'sshd_config.d', '00-rampart.conf');
  const hupCount = (h: LabHost): number => (readFileSync(h.logFile, 'utf8').match(/Received SIGHUP; restarting/g) ?? []).length;

  function cliArgs(h: LabHost, db: string, user = h.user): string[] {
    return ['--host', `${user}@${h.address}:${h.port}`, '--identity', h.identityFile, '--accept-new-host-key', '--db', db];
  }

  async function cli(args: readonly string[], timeoutMs = 120_000): Promise<Result & { report: JsonReport | null }> {
    const r = await exec(process.execPath, [BIN, ...args], timeoutMs);
    const report = r.stdout.trim().startsWith('{') ? (JSON.parse(r.stdout) as JsonReport) : null;
    if (report?.jobId) jobs.add(report.jobId);
    return { ...r, report };
  }

  /** OpenSSH's own client, offering only `cipher`: does the RUNNING sshd accept it? */
  function sshWithCipher(h: LabHost, cipher: string): number {
    const r = spawnSync(
      'ssh',
      ['-F', 'none', '-i', h.identityFile, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=5', '-c', cipher, '-p', String(h.port), `${h.user}@${h.address}`, 'true'],
      { encoding: 'utf8', timeout: 20_000, env: { ...process.env, SSH_AUTH_SOCK: '' } },
    );
    return r.status ?? -1;
  }

  const openTo = (h: LabHost) => (): Promise<SshConnection> => connect({ address: h.address, port: h.port, username: h.user, identityFile: h.identityFile }, { kind: 'accept-new', onAccept: () => undefined });

  /** A new connection logs in and runs a command (what an admin needs after the change). */
  async function canLogIn(h: LabHost): Promise<boolean> {
    try {
      const c = await openTo(h)();
      try {
        return (await c.exec('id -u')).stdout.trim() === '0';
      } finally {
        c.close();
      }
    } catch {
      return false;
    }
  }

  /** The engine in this process, as `rampart fix --yes` drives it, with the lockout guard. */
  async function engineFor(h: LabHost, db: string, extra: Partial<EngineOptions> = {}, access: NonNullable<EngineOptions['access']> = {}): Promise<{ engine: FixEngine; conns: SshConnection[]; store: Store }> {
    const conns: SshConnection[] = [];
    const open = async (): Promise<SshConnection> => {
      const c = await openTo(h)();
      conns.push(c);
      return c;
    };
    const store = new Store(db);
    const sudo = { mode: 'none' as const, password: null, host: h.name };
    const engine = new FixEngine(
      await open(),
      { host: { hostId: null, name: h.name, address: h.address, port: h.port, username: h.user }, sudo, sshdConfigPath: h.sshdConfigPath, scanRoots: [] },
      {
        store,
        reconnect: open,
        access: { loginUser: h.user, loginAuth: 'publickey', deadmanSeconds: 30, proveAccess: (root) => proveAccess({ open: openTo(h), sudo, timeoutMs: 4_000 }, root), ...access },
        ...extra,
      },
    );
    return { engine, conns, store };
  }


  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-access-lab-'));
    [plain, dropin, chain] = await Promise.all([
      createLabHost({
        scenario: 'weak-ssh',
        network: {
          // /etc entries are bound for sshd's sessions only if present before it starts.
          setup: async (ctx) => {
            plantOwnAccounts(ctx.name);
          },
        },
      }),
      // Also listening on 2222: Rampart reaches it there (not the default port).
      createLabHost({ scenario: 'weak-ssh', sshdExtraConfig: 'Port 2222\nInclude /etc/ssh/sshd_config.d/*.conf' }),
      createJumpChain({ hops: 2, scenario: 'weak-ssh' }),
    ]);
    // One key for both hops (as --identity is).
    appendFileSync(path.join(chain.bastion.etcDir, 'ssh', 'authorized_keys_root'), readFileSync(`${chain.target.identityFile}.pub`));
    // A non-root login with passwordless sudo: the fix runs through sudo -n, the proof checks sudo.
    addUsers(plain, [{ name: FIXER, uid: 4411, gid: 4411, home: '/nonexistent', shell: '/bin/sh', password: 'disabled' }]);
    plantFile(path.join(plain.etcDir, 'ssh', `authorized_keys_${FIXER}`), readFileSync(`${plain.identityFile}.pub`), { mode: 0o600, uid: 4411, gid: 4411 });
    plantFile(path.join(plain.etcDir, 'sudoers.d', 'rampart-access-test'), `${FIXER} ALL=(ALL:ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
  }, 120_000);

  afterAll(async () => {
    for (const j of jobs) for (const p of deadmanTimerPids(j)) process.kill(p, 'SIGKILL');
    for (const p of spawned) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const h of [plain, dropin]) if (h) await destroyLabHost(h).catch(() => undefined);
    await chain?.destroy().catch(() => undefined);
    for (const j of jobs) rmSync(path.join(BACKUP_ROOT, j), { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('(a) fixes PermitRootLogin, X11Forwarding, MaxAuthTries and Ciphers in the main config under the guard, verified; --rollback restores it byte-identical and reloads', async () => {
    const db = path.join(dir, 'a.db');
    const file = mainConfig(plain);
    const before = readFileSync(file);
    const hups = hupCount(plain);
    expect(sshWithCipher(plain, 'aes128-cbc')).toBe(0); // the weak cipher works before

    // Audited into the same database first, so the findings are known and carry triage.
    const audited = await exec(process.execPath, [BIN, 'audit', ...cliArgs(plain, db), '--format', 'json', '--fail-on', 'none'], 120_000);
    const idOf = (checkId: string): string => (JSON.parse(audited.stdout) as { findings: Array<{ id: string; checkId: string }> }).findings.find((f) => f.checkId === checkId)!.id;
    const [rootLoginId, x11Id] = [idOf('SSH-PERMIT-ROOT-LOGIN'), idOf('SSH-X11-FORWARDING')];

    const dry = await cli(['fix', ...cliArgs(plain, db), ...SSH_CHECKS.flatMap((c) => ['--check', c]), '--dry-run', '--format', 'table']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('arm dead-man switch');
    expect(dry.stdout).toContain('prove access (new SSH connection)');
    expect(dry.stdout).toMatch(/-PermitRootLogin yes\n\s*\+PermitRootLogin prohibit-password/);
    expect(readFileSync(file).equals(before)).toBe(true);

    const r = await cli(['fix', ...cliArgs(plain, db), ...SSH_CHECKS.flatMap((c) => ['--check', c]), '--yes', '--format', 'json', '--confirm-window', '60']);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect(r.report!.status).toBe('applied');
    expect(r.report!.lockoutGuard).toEqual({ armed: true, newSessionOk: true, restoredBy: 'none' });
    expect(r.report!.fixes.map((f) => f.checkId).sort()).toEqual([...SSH_CHECKS].sort());
    for (const f of r.report!.fixes) {
      expect(f.status).toBe('applied');
      const names = f.steps.map((s) => `${s.name}:${s.status}`);
      expect(names).toEqual(expect.arrayContaining(['sshd -t:done', 'reload sshd:done', 'prove access (new SSH connection):done', 'disarm dead-man switch:done', 'verify:done']));
      expect(f.steps.find((s) => s.name.startsWith('arm dead-man'))!.detail).toMatch(/armed \(setsid \d+\)/);
    }
    const jobId = r.report!.jobId!;
    // Disarmed: no timer left, nothing fired.
    expect(deadmanTimerPids(jobId)).toEqual([]);
    expect(readdirSync(path.join(BACKUP_ROOT, jobId)).filter((n) => n.endsWith('.fired'))).toEqual([]);
    // The main file edited in place, its comments kept; the running sshd reloaded (4 fixes).
    const after = readFileSync(file, 'utf8');
    expect(after).toMatch(/^PermitRootLogin prohibit-password$/m);
    expect(after).toMatch(/^X11Forwarding no$/m);
    expect(after).toMatch(/^MaxAuthTries 4$/m);
    expect(after).toContain('# Scenario: weak-ssh');
    expect(hupCount(plain)).toBe(hups + 4);
    expect(sshWithCipher(plain, 'aes128-cbc')).not.toBe(0); // the running sshd refuses CBC now
    expect(await canLogIn(plain)).toBe(true);
    // A fresh audit: the four findings are gone (PermitRootLogin's high one: key-only root is low).
    const audit = await exec(process.execPath, [BIN, 'audit', ...cliArgs(plain, path.join(dir, 'a-audit.db')), '--format', 'json'], 120_000);
    const findings = (JSON.parse(audit.stdout) as { findings: Array<{ checkId: string; severity: string }> }).findings;
    for (const c of ['SSH-X11-FORWARDING', 'SSH-MAX-AUTH-TRIES', 'SSH-WEAK-CIPHERS']) expect(findings.filter((f) => f.checkId === c)).toEqual([]);
    expect(findings.filter((f) => f.checkId === 'SSH-PERMIT-ROOT-LOGIN').map((f) => f.severity)).toEqual(['low']);
    // X11 is gone: fixed. Root login is still there at low severity: it stays open, so a later
    // audit does not call it a regression of something Rampart said was fixed.
    const store = new Store(db);
    try {
      expect(store.getTriage(x11Id)?.status).toBe('fixed');
      expect(store.getTriage(rootLoginId)?.status ?? 'open').toBe('open');
    } finally {
      store.close();
    }

    const back = await cli(['fix', ...cliArgs(plain, db), '--rollback', jobId, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.report!.status).toBe('rolled-back');
    expect(back.report!.lockoutGuard).toEqual({ armed: true, newSessionOk: true, restoredBy: 'session' });
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(hupCount(plain)).toBeGreaterThan(hups + 4);
    expect(sshWithCipher(plain, 'aes128-cbc')).toBe(0); // reloaded with the old config
    expect(await canLogIn(plain)).toBe(true);
  });

  it('(b) a change that locks the login user out: the new connection fails, rolled back through the current session, access works again', async () => {
    const db = path.join(dir, 'b.db');
    const main = readFileSync(mainConfig(dropin));
    expect(existsSync(dropInFile(dropin))).toBe(false);
    const { engine, conns, store } = await engineFor(dropin, db, {}, { faultSettings: [['AllowUsers', 'nobody-rampart-test']] });
    let report: JobReport;
    let guard: LockoutGuard | null;
    try {
      const { plan, skipped } = await engine.plan({ checkIds: ['SSH-X11-FORWARDING'] });
      expect(skipped).toEqual([]);
      expect(plan.fixes).toHaveLength(1);
      const c = plan.fixes[0]!.container!;
      expect(c.kind === 'sshd-setting' && c.where).toBe('drop-in');
      report = await engine.apply(plan, 'test');
      jobs.add(report.jobId);
      guard = lockoutGuardOf(engine.journal.steps(report.jobId));
    } finally {
      for (const c of conns) c.close();
      store.close();
    }
    expect(report.status).toBe('rolled-back');
    expect(guard).toEqual({ armed: true, newSessionOk: false, restoredBy: 'session' });
    const steps = report.fixes[0]!.steps;
    const proof = steps.find((s) => s.name.startsWith('prove access'))!;
    expect(proof.status).toBe('failed');
    expect(proof.detail).toMatch(/could not log in after the change/);
    expect(steps.find((s) => s.name === 'write "/etc/ssh/sshd_config.d/00-rampart.conf"')!.detail).toMatch(/restored through the current session/);
    expect(steps.find((s) => s.name.startsWith('arm dead-man'))!.detail).toMatch(/^disarmed/);
    // The drop-in the fix created is gone, the main config untouched, and logging in works.
    expect(existsSync(dropInFile(dropin))).toBe(false);
    expect(readFileSync(mainConfig(dropin)).equals(main)).toBe(true);
    expect(await canLogIn(dropin)).toBe(true);
    expect(deadmanTimerPids(report.jobId)).toEqual([]);
  });

  it('(b2) the change locks Rampart out AND the current session drops: the dead-man switch reverts the host, the job waits for it and reports it', async () => {
    const db = path.join(dir, 'b2.db');
    const main = readFileSync(mainConfig(dropin));
    const hups = hupCount(dropin);
    const { engine, conns, store } = await engineFor(
      dropin,
      db,
      {
        beforeStep: (step, phase) => {
          // After the reload: every SSH session to the host dies (the admin's link drops).
          if (phase === 'apply' && step.kind === 'access-proof') for (const p of listPids()) if (procStat(p)?.ppid === dropin.pid) process.kill(p, 'SIGKILL');
        },
      },
      { faultSettings: [['AllowUsers', 'nobody-rampart-test']], deadmanSeconds: 4 },
    );
    let report: JobReport;
    let guard: LockoutGuard | null;
    const started = Date.now();
    try {
      const { plan } = await engine.plan({ checkIds: ['SSH-MAX-AUTH-TRIES'] });
      report = await engine.apply(plan, 'test');
      jobs.add(report.jobId);
      guard = lockoutGuardOf(engine.journal.steps(report.jobId));
    } finally {
      for (const c of conns) c.close();
      store.close();
    }
    expect(report.status, JSON.stringify(report, null, 1)).toBe('rolled-back');
    expect(guard).toEqual({ armed: true, newSessionOk: false, restoredBy: 'timer' });
    const steps = report.fixes[0]!.steps;
    expect(steps.find((s) => s.name.startsWith('prove access'))!.status).toBe('failed');
    expect(steps.find((s) => s.name.startsWith('arm dead-man'))!.detail).toMatch(/session is gone/);
    expect(steps.find((s) => s.name.startsWith('write '))!.detail).toMatch(/restored by the dead-man switch/);
    // Waited for the window (4 s), no longer than needed.
    expect(Date.now() - started).toBeGreaterThan(4_000);
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(existsSync(dropInFile(dropin))).toBe(false);
    expect(readFileSync(mainConfig(dropin)).equals(main)).toBe(true);
    expect(hupCount(dropin)).toBeGreaterThanOrEqual(hups + 2);
    expect(await canLogIn(dropin)).toBe(true);
    expect(deadmanTimerPids(report.jobId)).toEqual([]);
  });

  it('(f) a config sshd -t rejects stops before the reload: rolled back, sshd never reloaded', async () => {
    const db = path.join(dir, 'f.db');
    const file = mainConfig(plain);
    const before = readFileSync(file);
    const hups = hupCount(plain);
    const { engine, conns, store } = await engineFor(plain, db, {}, { faultSettings: [['LoginGraceTime', 'not-a-time']] });
    let report: JobReport;
    let guard: LockoutGuard | null;
    try {
      const { plan } = await engine.plan({ checkIds: ['SSH-X11-FORWARDING'] });
      report = await engine.apply(plan, 'test');
      jobs.add(report.jobId);
      guard = lockoutGuardOf(engine.journal.steps(report.jobId));
    } finally {
      for (const c of conns) c.close();
      store.close();
    }
    expect(report.status).toBe('rolled-back');
    // Armed, then disarmed by the rollback: no proof ran, the file put back through the session.
    expect(guard).toEqual({ armed: true, newSessionOk: null, restoredBy: 'session' });
    const steps = report.fixes[0]!.steps;
    expect(steps.find((s) => s.name === 'sshd -t')).toMatchObject({ status: 'failed' });
    expect(steps.find((s) => s.name === 'sshd -t')!.detail).toMatch(/sshd -t rejects the config/);
    expect(steps.find((s) => s.name === 'reload sshd')!.status).toBe('pending');
    expect(hupCount(plain)).toBe(hups);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(deadmanTimerPids(report.jobId)).toEqual([]);
    expect(await canLogIn(plain)).toBe(true);
  });

  it('(g) through sudo -n as a non-root login: the proof logs in anew and checks sudo gives root; PermitRootLogin set to prohibit-password; --rollback', async () => {
    const db = path.join(dir, 'g.db');
    const file = mainConfig(plain);
    const before = readFileSync(file);
    const r = await cli(['fix', ...cliArgs(plain, db, FIXER), '--sudo', '--check', 'SSH-LOGIN-GRACE-TIME', '--check', 'SSH-PERMIT-ROOT-LOGIN', '--yes', '--format', 'json', '--confirm-window', '60']);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect(r.report!.status).toBe('applied');
    for (const f of r.report!.fixes) expect(f.steps.find((s) => s.name.startsWith('prove access'))!.detail).toMatch(/a new connection logged in after [\d.]+ s: logged in \(attempt \d+\), id -u 0 through sudo-n/);
    const after = readFileSync(file, 'utf8');
    expect(after).toMatch(/^LoginGraceTime 60$/m);
    expect(after).toMatch(/^PermitRootLogin prohibit-password$/m);
    const back = await cli(['fix', ...cliArgs(plain, db, FIXER), '--sudo', '--rollback', r.report!.jobId!, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('(h) through a jump host: the proof opens a new chain through the bastion; and sshd on port 2222 with a drop-in: both applied, then rolled back', async () => {
    const db = path.join(dir, 'h.db');
    const t = chain.target;
    const jump = `${chain.bastion.user}@${chain.bastion.address}:${chain.bastion.port}`;
    const tBefore = readFileSync(mainConfig(t));
    const viaJump = ['--host', `root@${t.address}:${t.port}`, '--jump', jump, '--identity', t.identityFile, '--accept-new-host-key', '--db', db];
    const r = await cli(['fix', ...viaJump, '--check', 'SSH-X11-FORWARDING', '--yes', '--format', 'json', '--confirm-window', '60']);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect(r.report!.status).toBe('applied');
    expect(r.report!.fixes[0]!.steps.find((s) => s.name.startsWith('prove access'))!.status).toBe('done');
    expect(readFileSync(mainConfig(t), 'utf8')).toMatch(/^X11Forwarding no$/m);
    const back = await cli(['fix', ...viaJump, '--rollback', r.report!.jobId!, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(readFileSync(mainConfig(t)).equals(tBefore)).toBe(true);

    const db2 = path.join(dir, 'h2.db');
    const at2222 = ['--host', `root@${dropin.address}:2222`, '--identity', dropin.identityFile, '--accept-new-host-key', '--db', db2];
    const main = readFileSync(mainConfig(dropin));
    const d = await cli(['fix', ...at2222, '--check', 'SSH-LOGIN-GRACE-TIME', '--yes', '--format', 'json', '--confirm-window', '60']);
    expect(d.code, `${d.stderr}\n${d.stdout}`).toBe(0);
    expect(readFileSync(dropInFile(dropin), 'utf8')).toMatch(/^LoginGraceTime 60$/m);
    expect(readFileSync(mainConfig(dropin)).equals(main)).toBe(true); // the main file is not touched
    const back2 = await cli(['fix', ...at2222, '--rollback', d.report!.jobId!, '--format', 'json']);
    expect(back2.code, back2.stderr).toBe(0);
    expect(existsSync(dropInFile(dropin))).toBe(false);
  });

  it('(i) the other sshd fixes (passwords, keyboard-interactive, empty passwords, grace time, kex, MACs, host-key algorithms) apply, are proven and verified; --rollback restores byte-identical', async () => {
    const db = path.join(dir, 'i.db');
    const file = mainConfig(plain);
    const before = readFileSync(file);
    const checks = ['SSH-PASSWORD-AUTH', 'SSH-PERMIT-EMPTY-PASSWORDS', 'SSH-LOGIN-GRACE-TIME', 'SSH-WEAK-KEX', 'SSH-WEAK-MACS', 'SSH-WEAK-HOSTKEY-ALGORITHMS'];
    const r = await cli(['fix', ...cliArgs(plain, db), ...checks.flatMap((c) => ['--check', c]), '--yes', '--format', 'json', '--confirm-window', '60']);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect(r.report!.status).toBe('applied');
    // SSH-PASSWORD-AUTH has two findings here (PasswordAuthentication and KbdInteractiveAuthentication).
    expect(r.report!.fixes.map((f) => f.checkId).sort()).toEqual([...checks, 'SSH-PASSWORD-AUTH'].sort());
    const after = readFileSync(file, 'utf8');
    for (const line of ['PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitEmptyPasswords no', 'LoginGraceTime 60']) expect(after).toMatch(new RegExp(`^${line}$`, 'm'));
    expect(after).toMatch(/^KexAlgorithms (?!.*sha1)[a-z0-9@.,-]+$/m);
    expect(await canLogIn(plain)).toBe(true);
    const back = await cli(['fix', ...cliArgs(plain, db), '--rollback', r.report!.jobId!, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('(c) Rampart dies after the reload: the dead-man switch (setsid path, 3 s) reverts the host by itself; --rollback then finishes the job', async () => {
    const db = path.join(dir, 'c.db');
    const file = mainConfig(plain);
    const before = readFileSync(file);
    const hups = hupCount(plain);
    const killed = new Error('Rampart killed (test)');
    const { engine, conns, store } = await engineFor(
      plain,
      db,
      {
        beforeStep: (step, phase) => {
          // Right after the reload, before the proof: the process is gone (no rollback, no disarm).
          if (phase === 'apply' && step.kind === 'access-proof') {
            for (const c of conns) c.close();
            throw killed;
          }
        },
      },
      { deadmanSeconds: 3 },
    );
    let jobId: string;
    try {
      const { plan } = await engine.plan({ checkIds: ['SSH-WEAK-CIPHERS'] });
      jobId = plan.jobId;
      jobs.add(jobId);
      await expect(engine.apply(plan, 'test')).rejects.toBe(killed);
    } finally {
      store.close();
    }
    const armedAt = Date.now();
    // Changed and reloaded: CBC refused by the running sshd, a timer waiting on the host.
    expect(sha(file)).not.toBe(createHash('sha256').update(before).digest('hex'));
    expect(hupCount(plain)).toBe(hups + 1);
    expect(deadmanTimerPids(jobId).length).toBeGreaterThan(0);
    // Wait for the window (3 s) and a little more.
    const fired = path.join(BACKUP_ROOT, jobId, 'deadman-0.fired');
    while (!existsSync(fired) && Date.now() - armedAt < 15_000) await sleep(200);
    expect(existsSync(fired)).toBe(true);
    await sleep(500);
    expect(readFileSync(fired, 'utf8')).toMatch(/exit=0/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(hupCount(plain)).toBe(hups + 2);
    expect(deadmanTimerPids(jobId)).toEqual([]);
    expect(await canLogIn(plain)).toBe(true);
    expect(sshWithCipher(plain, 'aes128-cbc')).toBe(0);
    // The journal still says applying: --rollback finishes it (the file is already back).
    const back = await cli(['fix', ...cliArgs(plain, db), '--rollback', jobId, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.report!.status).toBe('rolled-back');
    expect(back.report!.lockoutGuard).toEqual({ armed: true, newSessionOk: null, restoredBy: 'timer' });
    const arm = back.report!.fixes[0]!.steps.find((s) => s.name.startsWith('arm dead-man'))!;
    expect(arm.detail).toMatch(/had fired/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('(d) disarm stops the timer: nothing is restored after the window; a pid that is not the timer is never killed', async () => {
    const jobId = randomUUID();
    jobs.add(jobId);
    const backupDir = path.join(BACKUP_ROOT, jobId);
    const conn = await openTo(plain)();
    const sudo = { mode: 'none' as const, password: null, host: plain.name };
    try {
      const file = path.join(plain.stateDir, `deadman-target-${jobId}`);
      writeFileSync(file, 'before\n', { mode: 0o644 });
      const pre = { kind: 'present' as const, type: 'f' as const, mode: 0o644, uid: 0, gid: 0, sha256: sha(file) };
      const mk = await execPrivileged(conn, sudo, `mkdir -p -m 700 -- '${backupDir}' && cp -p -- '${file}' '${backupDir}/t.orig'`);
      expect(mk.code).toBe(0);
      const marker = path.join(plain.stateDir, `reloaded-${jobId}`);
      const spec = { jobId, fixIndex: 0, backupDir, seconds: 3, files: [{ path: file, pre, backup: `${backupDir}/t.orig`, temp: `${file}.tmp` }], reload: `echo reloaded > '${marker}'` };
      const arm = parseArm(await execPrivileged(conn, sudo, armCommand(spec), { stdin: deadmanScript(spec) }));
      expect(arm).toMatchObject({ ok: true, kind: 'setsid' });
      const paths = deadmanPaths(backupDir, 0);
      const pid = Number(readFileSync(paths.pid, 'utf8'));
      expect(deadmanTimerPids(jobId)).toEqual([pid]);
      writeFileSync(file, 'changed by the fix\n');
      const d = parseDisarm(await execPrivileged(conn, sudo, disarmCommand(spec)));
      expect(d).toEqual({ kind: 'disarmed', detail: `setsid ${pid}` });
      expect(deadmanTimerPids(jobId)).toEqual([]);
      await sleep(4_500);
      expect(readFileSync(file, 'utf8')).toBe('changed by the fix\n');
      expect(existsSync(marker)).toBe(false);
      expect(existsSync(paths.fired)).toBe(false);
      // Disarm is idempotent.
      expect(parseDisarm(await execPrivileged(conn, sudo, disarmCommand(spec))).kind).toBe('disarmed');

      // A pid file naming another process (a recycled pid): disarm leaves it alone.
      const job2 = randomUUID();
      jobs.add(job2);
      const dir2 = path.join(BACKUP_ROOT, job2);
      const spec2 = { ...spec, jobId: job2, backupDir: dir2, seconds: 30 };
      expect((await execPrivileged(conn, sudo, `mkdir -p -m 700 -- '${dir2}'`)).code).toBe(0);
      expect(parseArm(await execPrivileged(conn, sudo, armCommand(spec2), { stdin: deadmanScript(spec2) })).ok).toBe(true);
      const real = Number(readFileSync(deadmanPaths(dir2, 0).pid, 'utf8'));
      const other = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
      spawned.push(other.pid!);
      writeFileSync(deadmanPaths(dir2, 0).pid, `${other.pid}\n`);
      expect(parseDisarm(await execPrivileged(conn, sudo, disarmCommand(spec2))).kind).toBe('disarmed');
      expect(existsSync(`/proc/${other.pid}`)).toBe(true);
      // The lock taken by disarm keeps the real timer from restoring anything when it wakes.
      process.kill(real, 'SIGKILL');
      rmSync(file, { force: true });
    } finally {
      conn.close();
    }
  });
});
