// The firewall, sudoers and automatic-updates fixes (issue 11) against real lab hosts: a real
// sshd and a real ufw (iptables) in the host's own network namespace, with its own /etc/ufw,
// /etc/default, /etc/apt and /etc/sudoers.d copies (bound over /etc by `ip netns exec`), real
// visudo and apt-config. One host serves every case of a file (each case leaves it as it found it):
// sshd listens on the lab port AND on 2222; Rampart reaches it on 2222.
// (a) ufw: `rampart fix --check NET-FIREWALL-INACTIVE` over port 2222: SSH allowed on 2222 from
//     the address the session comes from, default deny, ufw enabled; proven by a new connection,
//     verified; the lab port no longer takes new connections; --rollback: files byte-identical,
//     ufw inactive, the lab port open again;
// (b) a firewall change that would drop the admin's port (test fault: the rule allows another
//     port): the new connection cannot get in, rolled back through the current session within the
//     window; (b2) the same and the admin's session drops: the dead-man switch restores the files
//     and disables ufw by itself, the job waits for it and reports restoredBy timer;
// (c) ufw through a jump host: the rule allows the bastion's address (the path the session uses);
// (d) sudoers: NOPASSWD: ALL narrowed (PASSWD: ALL), mode 0440 root:root kept, verified, sudo -n
//     now refuses that user; --rollback byte-identical; (e) visudo -cf rejects the candidate:
//     stops before install; (f) refused when the line is the login user's only root path;
// (g) automatic updates: 20auto-upgrades created, verified, --rollback removes it; a file that
//     overrides it makes verification fail: rolled back automatically.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labExec, labPrerequisites, type LabHost, type LabNetworkContext } from '../lab/lab';
import { addUsers, plantFile, plantOwnAccounts } from '../lab/plant';
import { ownServiceEtc } from '../lab/services';
import { createJumpChain, type JumpChain } from '../lab/topology';
import { proveAccess } from '../src/main/remediation/accessProof';
import { REMOVE_UFW_CHAINS } from '../src/main/remediation/firewallFixes';
import { FixEngine, type EngineOptions, type JobReport } from '../src/main/remediation/engine';
import { lockoutGuardOf, type LockoutGuard } from '../src/main/remediation/guard';
import { connect, type SshConnection } from '../src/main/ssh/connection';
import type { SudoSpec } from '../src/main/ssh/sudo';
import { Store } from '../src/main/store/store';
import { BIN, exec, type Result } from './support/cliContract';
import { dropConnections, removeJobBackups } from './support/remediation';

const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';
const FIXER = 'fixer';
const SSH_PORT = 2222;
const AUTO = '/etc/apt/apt.conf.d/20auto-upgrades';
// A hostile file name sudo still reads (no dot, no ~): spaces, quotes, $( ), ;.
const SUDOERS_NAME = `rampart guarded 'test' "$(id)"; x`;
const UFW_FILES = ['ufw/ufw.conf', 'ufw/user.rules', 'ufw/user6.rules', 'ufw/before.rules', 'ufw/before6.rules', 'ufw/after.rules', 'ufw/after6.rules', 'default/ufw'];

interface JsonReport {
  jobId: string | null;
  status: string;
  lockoutGuard?: LockoutGuard;
  fixes: Array<{ checkId: string; status: string; steps: Array<{ name: string; status: string; detail: string }>; diff: string | null }>;
}

const sha = (p: string): string => (existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : 'absent');

/** The host's own copies (before sshd starts): ufw and /etc/default, /etc/apt, group and shadow for sudo. */
async function ownEtc(ctx: LabNetworkContext): Promise<void> {
  const etc = ownServiceEtc(ctx.name, 0o700);
  plantOwnAccounts(ctx.name, etc);
}

describe.skipIf(!labAvailable)(`firewall, sudoers and automatic-updates fixes on lab hosts${pre.ok ? '' : ` (${pre.reason})`}`, { timeout: 240_000 }, () => {
  let h: LabHost;
  let chain: JumpChain;
  let dir: string;
  const jobs = new Set<string>();
  const figures: string[] = [];

  const ufwState = (x: LabHost): string[] => UFW_FILES.map((f) => `${f} ${sha(path.join(x.etcDir, f))}`);
  const at2222 = (db: string, user = h.user): string[] => ['--host', `${user}@${h.address}:${SSH_PORT}`, '--identity', h.identityFile, '--accept-new-host-key', '--db', db];
  const ufwStatus = async (x: LabHost): Promise<string> => (await labExec(x, ['ufw', 'status'])).stdout;

  async function cli(args: readonly string[]): Promise<Result & { report: JsonReport | null }> {
    const r = await exec(process.execPath, [BIN, ...args], 150_000);
    const report = r.stdout.trim().startsWith('{') ? (JSON.parse(r.stdout) as JsonReport) : null;
    if (report?.jobId) jobs.add(report.jobId);
    return { ...r, report };
  }

  /** A TCP connection to addr:port is accepted within timeoutMs (a DROP rule lets it time out). */
  function tcpOpens(address: string, port: number, timeoutMs = 1_500): Promise<boolean> {
    return new Promise((resolve) => {
      const s = net.connect({ host: address, port });
      const done = (v: boolean): void => {
        s.destroy();
        resolve(v);
      };
      s.setTimeout(timeoutMs, () => done(false));
      s.once('connect', () => done(true));
      s.once('error', () => done(false));
    });
  }

  // A dropped SYN hangs until the ready timeout: 3 s keeps a blocked proof short.
  const openAs = (user: string, port = SSH_PORT) => (): Promise<SshConnection> =>
    connect({ address: h.address, port, username: user, identityFile: h.identityFile }, { kind: 'accept-new', onAccept: () => undefined }, { readyTimeoutMs: 3_000 });

  async function canLogIn(port = SSH_PORT): Promise<boolean> {
    try {
      const c = await openAs(h.user, port)();
      c.close();
      return true;
    } catch {
      return false;
    }
  }

  /** The engine in this process (as `rampart fix --yes` drives it), the lockout guard's proof on a new connection. */
  async function run(o: { checkIds: string[]; user?: string; sudo?: SudoSpec['mode']; access?: NonNullable<EngineOptions['access']>; extra?: Partial<EngineOptions>; apply?: boolean }): Promise<{ report: JobReport | null; skipped: Array<{ reason: string }>; guard: LockoutGuard | null; ms: number }> {
    const user = o.user ?? h.user;
    const conns: SshConnection[] = [];
    const open = async (): Promise<SshConnection> => {
      const c = await openAs(user)();
      conns.push(c);
      return c;
    };
    const store = new Store(path.join(dir, `${Math.random().toString(16).slice(2)}.db`));
    const sudo: SudoSpec = { mode: o.sudo ?? 'none', password: null, host: h.name };
    const started = Date.now();
    try {
      const engine = new FixEngine(
        await open(),
        { host: { hostId: null, name: h.name, address: h.address, port: SSH_PORT, username: user }, sudo, sshdConfigPath: h.sshdConfigPath, scanRoots: [] },
        { store, reconnect: open, access: { loginUser: user, loginAuth: 'publickey', deadmanSeconds: 30, proveAccess: (root) => proveAccess({ open: openAs(user), sudo, timeoutMs: 4_000 }, root), ...o.access }, ...o.extra },
      );
      const { plan, skipped } = await engine.plan({ checkIds: o.checkIds });
      if (o.apply === false) return { report: null, skipped, guard: null, ms: Date.now() - started };
      if (!plan.fixes.length) throw new Error(`nothing planned: ${JSON.stringify(skipped)}`);
      jobs.add(plan.jobId);
      const report = await engine.apply(plan, 'test');
      return { report, skipped, guard: lockoutGuardOf(engine.journal.steps(report.jobId)), ms: Date.now() - started };
    } finally {
      for (const c of conns) c.close();
      store.close();
    }
  }

  const step = (r: { steps: Array<{ name: string; status: string; detail: string }> }, prefix: string): { name: string; status: string; detail: string } => {
    const s = r.steps.find((x) => x.name.startsWith(prefix));
    if (!s) throw new Error(`no step "${prefix}" in ${r.steps.map((x) => x.name).join(', ')}`);
    return s;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-guarded-lab-'));
    [h, chain] = await Promise.all([
      createLabHost({
        scenario: 'weak-ssh',
        sshdExtraConfig: `Port ${SSH_PORT}`,
        network: {
          setup: async (ctx) => {
            await ownEtc(ctx);
            // Its own /etc/apt without 20auto-upgrades: the updates finding (apt-config reads only this copy).
            const apt = path.join('/etc/netns', ctx.name, 'apt');
            await exec('cp', ['-a', '/etc/apt', apt], 30_000);
            rmSync(path.join(apt, 'apt.conf.d', '20auto-upgrades'), { force: true });
          },
        },
      }),
      createJumpChain({ hops: 2, scenario: 'weak-ssh', targetSetup: async (ctx) => void ownServiceEtc(ctx.name, 0o700) }),
    ]);
    // One key for both hops (as --identity is).
    writeFileSync(path.join(chain.bastion.etcDir, 'ssh', 'authorized_keys_root'), readFileSync(`${chain.target.identityFile}.pub`), { flag: 'a' });
    // A non-root login with passwordless sudo (the sudoers finding, and the refusal case).
    addUsers(h, [{ name: FIXER, uid: 4412, gid: 4412, home: '/nonexistent', shell: '/bin/sh', password: 'disabled' }]);
    plantFile(path.join(h.etcDir, 'ssh', `authorized_keys_${FIXER}`), readFileSync(`${h.identityFile}.pub`), { mode: 0o600, uid: 4412, gid: 4412 });
    plantFile(path.join(h.etcDir, 'sudoers.d', SUDOERS_NAME), `# the admin's automation account\n${FIXER} ALL=(ALL:ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
  }, 180_000);

  afterAll(async () => {
    if (figures.length) console.log(`guarded fixes, figures seen:\n  ${figures.join('\n  ')}`);
    if (h) await destroyLabHost(h).catch(() => undefined);
    await chain?.destroy().catch(() => undefined);
    removeJobBackups(jobs);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('(a) ufw on, default deny, SSH allowed on the port sshd listens on (2222) from the session\'s address; proven, verified; --rollback restores every file and disables ufw', async () => {
    const db = path.join(dir, 'a.db');
    const before = ufwState(h);
    expect(await ufwStatus(h)).toMatch(/Status: inactive/);
    expect(await tcpOpens(h.address, h.port)).toBe(true);

    const dry = await cli(['fix', ...at2222(db), '--check', 'NET-FIREWALL-INACTIVE', '--dry-run', '--format', 'table']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`'ufw' 'allow' 'proto' 'tcp' 'from'`);
    expect(dry.stdout).toContain(`'port' '${SSH_PORT}'`);
    expect(dry.stdout).toContain('arm dead-man switch');
    expect(ufwState(h)).toEqual(before);

    const r = await cli(['fix', ...at2222(db), '--check', 'NET-FIREWALL-INACTIVE', '--yes', '--format', 'json', '--confirm-window', '60']);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect(r.report!.status).toBe('applied');
    expect(r.report!.lockoutGuard).toEqual({ armed: true, newSessionOk: true, restoredBy: 'none' });
    const fix = r.report!.fixes[0]!;
    expect(fix.steps.map((s) => `${s.name.replace(/ \(.*$/, '')}:${s.status}`)).toEqual(
      expect.arrayContaining(['capture + backup:done', 'arm dead-man switch:done', 'ufw enable:done', 'prove access:done', 'disarm dead-man switch:done', 'verify:done']),
    );
    const rule = step(fix, 'allow tcp port').name;
    // The root namespace's address on the host's link: where this session comes from.
    const from = /from (\S+),/.exec(rule)![1]!;
    expect(rule).toBe(`allow tcp port ${SSH_PORT} from ${from}, default deny incoming`);
    figures.push(`ufw (a): ${step(fix, 'prove access').detail.replace(/:.*$/, '')} after ufw enable`);
    const status = await ufwStatus(h);
    expect(status).toMatch(/Status: active/);
    expect(status).toMatch(new RegExp(`^${SSH_PORT}/tcp\\s+ALLOW\\s+${from.replace(/\./g, '\\.')}\\s`, 'm'));
    expect((await labExec(h, ['ufw', 'status', 'verbose'])).stdout).toMatch(/Default: deny \(incoming\)/);
    // Default deny is real: the lab port (sshd listens there too) takes no new connection now.
    expect(await tcpOpens(h.address, h.port)).toBe(false);
    expect(await canLogIn()).toBe(true);

    const back = await cli(['fix', ...at2222(db), '--rollback', r.report!.jobId!, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.report!.status).toBe('rolled-back');
    expect(back.report!.lockoutGuard).toEqual({ armed: true, newSessionOk: true, restoredBy: 'session' });
    expect(ufwState(h)).toEqual(before);
    expect(await ufwStatus(h)).toMatch(/Status: inactive/);
    // ufw had never run here: the chains `ufw disable` leaves are gone too (netfilter as before).
    expect((await labExec(h, ['iptables', '-S'])).stdout).not.toMatch(/ufw/);
    expect(await tcpOpens(h.address, h.port)).toBe(true);
  });

  it('(a2) ufw already on with default allow incoming, fixed through sudo -n as a non-root login (the session\'s path read through sudo): default deny, verified; --rollback reloads the old rules', async () => {
    const saved = UFW_FILES.map((f) => [path.join(h.etcDir, f), readFileSync(path.join(h.etcDir, f))] as const);
    await labExec(h, ['ufw', 'default', 'allow', 'incoming']);
    await labExec(h, ['ufw', '--force', 'enable']);
    try {
      const before = ufwState(h);
      const db = path.join(dir, 'a2.db');
      const r = await cli(['fix', ...at2222(db, FIXER), '--sudo', '--check', 'NET-FIREWALL-DEFAULT-INCOMING', '--yes', '--format', 'json', '--confirm-window', '60']);
      expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
      expect(r.report!.lockoutGuard).toEqual({ armed: true, newSessionOk: true, restoredBy: 'none' });
      expect(step(r.report!.fixes[0]!, 'prove access').detail).toMatch(/id -u 0 through sudo-n/);
      expect((await labExec(h, ['ufw', 'status', 'verbose'])).stdout).toMatch(/Default: deny \(incoming\)/);
      expect(await tcpOpens(h.address, h.port)).toBe(false);
      const back = await cli(['fix', ...at2222(db, FIXER), '--sudo', '--rollback', r.report!.jobId!, '--format', 'json']);
      expect(back.code, back.stderr).toBe(0);
      expect(ufwState(h)).toEqual(before);
      const status = (await labExec(h, ['ufw', 'status', 'verbose'])).stdout;
      expect(status).toMatch(/Status: active/);
      expect(status).toMatch(/Default: allow \(incoming\)/);
      expect(await tcpOpens(h.address, h.port)).toBe(true);
    } finally {
      // Back to a host where ufw never ran: off, its files as they were, no ufw chains.
      await labExec(h, ['ufw', 'disable']);
      for (const [p, bytes] of saved) writeFileSync(p, bytes);
      await labExec(h, ['sh', '-c', REMOVE_UFW_CHAINS]);
    }
  });

  it('(b) a firewall change that would drop the admin\'s port: the new connection cannot get in, rolled back through the current session within the window; the host as before', async () => {
    const before = ufwState(h);
    const r = await run({ checkIds: ['NET-FIREWALL-INACTIVE'], access: { faultFirewallPort: 2223 } });
    expect(r.report!.status).toBe('rolled-back');
    expect(r.guard).toEqual({ armed: true, newSessionOk: false, restoredBy: 'session' });
    const steps = r.report!.fixes[0]!.steps;
    expect(step({ steps }, 'allow tcp port 2223').status).toBe('undone');
    expect(step({ steps }, 'prove access').detail).toMatch(/could not log in after the change/);
    expect(step({ steps }, 'arm dead-man').detail).toMatch(/^disarmed/);
    expect(step({ steps }, 'allow tcp port').detail).toMatch(/restored through the current session/);
    expect(r.ms).toBeLessThan(30_000); // within the 30 s window
    expect(ufwState(h)).toEqual(before);
    expect(await ufwStatus(h)).toMatch(/Status: inactive/);
    expect(await canLogIn()).toBe(true);
    expect(await tcpOpens(h.address, h.port)).toBe(true);
  });

  it('(b2) the same, and the admin\'s session drops: the dead-man switch restores the files and disables ufw by itself; the job waits for it', async () => {
    const before = ufwState(h);
    let droppedAt = 0;
    const r = await run({
      checkIds: ['NET-FIREWALL-INACTIVE'],
      access: { faultFirewallPort: 2223, deadmanSeconds: 5 },
      extra: {
        beforeStep: (s, phase) => {
          // After ufw is on: every SSH session to the host dies (the admin's link drops).
          if (phase === 'apply' && s.kind === 'access-proof') {
            dropConnections(h);
            droppedAt = Date.now();
          }
        },
      },
    });
    expect(r.report!.status, JSON.stringify(r.report, null, 1)).toBe('rolled-back');
    expect(r.guard).toEqual({ armed: true, newSessionOk: false, restoredBy: 'timer' });
    const steps = r.report!.fixes[0]!.steps;
    // Either the rollback found the session gone and waited, or reconnected after the timer had fired.
    expect(step({ steps }, 'arm dead-man').detail).toMatch(/session is gone|had fired/);
    expect(step({ steps }, 'prove access').status).toBe('failed');
    expect(step({ steps }, 'allow tcp port').detail).toMatch(/restored by the dead-man switch/);
    const fired = readFileSync(path.join('/var/lib/rampart/backups', r.report!.jobId, 'deadman-0.fired'), 'utf8');
    expect(fired).toMatch(/exit=0/);
    const firedAt = Date.parse(/^(\S+)/.exec(fired)![1]!);
    figures.push(
      `ufw (b2): dead-man window 5 s; the timer restored the files and disabled ufw ${((firedAt - droppedAt) / 1000).toFixed(0)} s (±1 s) after the session dropped; the job reported the host restored ${((Date.now() - droppedAt) / 1000).toFixed(1)} s after it`,
    );
    expect(ufwState(h)).toEqual(before);
    expect(await ufwStatus(h)).toMatch(/Status: inactive/);
    expect(await canLogIn()).toBe(true);
  });

  it('(c) through a jump host: the rule allows the bastion\'s address (the path the session uses); proven through the bastion; rolled back', async () => {
    const t = chain.target;
    const before = ufwState(t);
    const db = path.join(dir, 'c.db');
    const viaJump = ['--host', `root@${t.address}:${t.port}`, '--jump', `${chain.bastion.user}@${chain.bastion.address}:${chain.bastion.port}`, '--identity', t.identityFile, '--accept-new-host-key', '--db', db];
    const r = await cli(['fix', ...viaJump, '--check', 'NET-FIREWALL-INACTIVE', '--yes', '--format', 'json', '--confirm-window', '60']);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    const fix = r.report!.fixes[0]!;
    const from = /from (\S+),/.exec(step(fix, 'allow tcp port').name)![1]!;
    // The target sees the bastion's end of their /30 link (the path the session uses), not the admin's address.
    const [f4, t4] = [from, t.address].map((a) => a.split('.').map(Number));
    expect(from).not.toBe(t.address);
    expect([f4![0], f4![1], f4![2], Math.floor(f4![3]! / 4)]).toEqual([t4![0], t4![1], t4![2], Math.floor(t4![3]! / 4)]);
    expect(step(fix, 'prove access').status).toBe('done');
    figures.push(`ufw (c, via bastion): ${step(fix, 'prove access').detail.replace(/:.*$/, '')} after ufw enable`);
    expect(await ufwStatus(t)).toMatch(new RegExp(`^${t.port}/tcp\\s+ALLOW\\s+${from.replace(/\./g, '\\.')}\\s`, 'm'));
    const back = await cli(['fix', ...viaJump, '--rollback', r.report!.jobId!, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(ufwState(t)).toEqual(before);
    expect(await ufwStatus(t)).toMatch(/Status: inactive/);
  });

  it('(d) sudoers: NOPASSWD: ALL narrowed to PASSWD: ALL in the file the finding names (0440 root:root kept), verified; sudo -n now refuses; --rollback byte-identical', async () => {
    const file = path.join(h.etcDir, 'sudoers.d', SUDOERS_NAME);
    const before = readFileSync(file);
    const sudoN = async (): Promise<number> => (await labExec(h, ['setpriv', `--reuid=${4412}`, `--regid=${4412}`, '--clear-groups', 'sudo', '-n', 'true'])).code;
    expect(await sudoN()).toBe(0);
    const db = path.join(dir, 'd.db');
    const r = await cli(['fix', ...at2222(db), '--check', 'ACC-SUDO-NOPASSWD-ALL', '--yes', '--format', 'json', '--confirm-window', '60']);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect(r.report!.status).toBe('applied');
    expect(r.report!.lockoutGuard).toEqual({ armed: true, newSessionOk: true, restoredBy: 'none' });
    const fix = r.report!.fixes[0]!;
    expect(fix.steps.map((s) => `${s.name.replace(/ \(\d+ s\)$/, '')}:${s.status}`)).toEqual(
      expect.arrayContaining(['visudo -cf (candidate):done', 'visudo -c:done', 'arm dead-man switch:done', 'disarm dead-man switch:done', 'verify:done']),
    );
    // The rule's text never leaves the host in the report: only the changed entry.
    expect(fix.diff).toContain('-NOPASSWD: ALL');
    expect(fix.diff).not.toContain(FIXER);
    figures.push(`sudoers (d): ${step(fix, 'prove access').detail.replace(/:.*$/, '')} after the write`);
    expect(readFileSync(file, 'utf8')).toBe(`# the admin's automation account\n${FIXER} ALL=(ALL:ALL) PASSWD: ALL\n`);
    const st = statSync(file);
    expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o440, 0, 0]);
    expect(await sudoN()).not.toBe(0); // a password is required now
    const back = await cli(['fix', ...at2222(db), '--rollback', r.report!.jobId!, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(await sudoN()).toBe(0);
  });

  it('(e) a candidate visudo -cf rejects stops before it is installed: rolled back, the file untouched', async () => {
    const file = path.join(h.etcDir, 'sudoers.d', SUDOERS_NAME);
    const before = readFileSync(file);
    const r = await run({ checkIds: ['ACC-SUDO-NOPASSWD-ALL'], access: { faultSudoersLine: 'this is ( not sudoers' } });
    expect(r.report!.status).toBe('rolled-back');
    expect(r.guard).toEqual({ armed: true, newSessionOk: null, restoredBy: 'none' });
    const steps = r.report!.fixes[0]!.steps;
    expect(step({ steps }, 'visudo -cf').status).toBe('failed');
    expect(step({ steps }, 'visudo -cf').detail).toMatch(/visudo -cf rejects the candidate.*nothing was installed/);
    expect(step({ steps }, 'write').status).toBe('pending');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(path.join('/var/lib/rampart/backups', r.report!.jobId, 'sudoers-0.candidate'))).toBe(false);
  });

  it('(f) refused when the NOPASSWD line is the login user\'s only way to root Rampart could verify (non-root login, sudo -n, no stored password)', async () => {
    const file = path.join(h.etcDir, 'sudoers.d', SUDOERS_NAME);
    const before = readFileSync(file);
    const r = await run({ checkIds: ['ACC-SUDO-NOPASSWD-ALL'], user: FIXER, sudo: 'sudo-n', apply: false });
    expect(r.report).toBeNull();
    expect(r.skipped.map((s) => s.reason).join('\n')).toMatch(/refused: Rampart logs in as "fixer" \(not root\) and becomes root with sudo -n/);
    // The CLI says the same and changes nothing.
    const cliRun = await cli(['fix', ...at2222(path.join(dir, 'f.db'), FIXER), '--sudo', '--check', 'ACC-SUDO-NOPASSWD-ALL', '--yes', '--format', 'json']);
    expect(cliRun.code).not.toBe(0);
    expect(`${cliRun.stdout}\n${cliRun.stderr}`).toMatch(/only way to root/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('(g) automatic updates: 20auto-upgrades created, verified (no lockout guard); --rollback removes it; an overriding file makes verification fail and the fix is rolled back', async () => {
    const file = path.join(h.etcDir, 'apt', 'apt.conf.d', '20auto-upgrades');
    expect(existsSync(file)).toBe(false);
    const db = path.join(dir, 'g.db');
    // --finding with the id an audit printed plans the same fix.
    const audited = await exec(process.execPath, [BIN, 'audit', ...at2222(db), '--format', 'json', '--fail-on', 'none'], 120_000);
    const id = (JSON.parse(audited.stdout) as { findings: Array<{ id: string; checkId: string }> }).findings.find((f) => f.checkId === 'SYS-UNATTENDED-UPGRADES')!.id;
    const dry = await cli(['fix', ...at2222(db), '--finding', id, '--dry-run', '--format', 'json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.report!.fixes.map((f) => [f.checkId, f.status])).toEqual([['SYS-UNATTENDED-UPGRADES', 'planned']]);
    expect(dry.report!.fixes[0]!.diff).toContain('+APT::Periodic::Unattended-Upgrade "1";');
    expect(existsSync(file)).toBe(false);
    const r = await cli(['fix', ...at2222(db), '--check', 'SYS-UNATTENDED-UPGRADES', '--yes', '--format', 'json']);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect(r.report!.status).toBe('applied');
    expect(r.report!.lockoutGuard).toBeUndefined();
    expect(r.report!.fixes[0]!.steps.map((s) => `${s.name}:${s.status}`)).toEqual(['backup:done', `capture + backup "${AUTO}":done`, `write "${AUTO}":done`, 'verify:done']);
    expect(step(r.report!.fixes[0]!, 'write').detail).toMatch(/^absent → 0644 uid 0 gid 0/);
    expect(readFileSync(file, 'utf8')).toBe('APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n');
    expect((await labExec(h, ['apt-config', 'dump', 'APT::Periodic::Unattended-Upgrade'])).stdout).toContain('"1"');
    const back = await cli(['fix', ...at2222(db), '--rollback', r.report!.jobId!, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(existsSync(file)).toBe(false);

    // A later file sets it back to "0": the check still fails after the write, so the fix is undone.
    const override = path.join(h.etcDir, 'apt', 'apt.conf.d', '99zz-rampart-test');
    writeFileSync(override, 'APT::Periodic::Unattended-Upgrade "0";\n');
    try {
      const r2 = await cli(['fix', ...at2222(db), '--check', 'SYS-UNATTENDED-UPGRADES', '--yes', '--format', 'json']);
      expect(r2.code, r2.stdout).toBe(1);
      expect(r2.report!.status).toBe('rolled-back');
      expect(step(r2.report!.fixes[0]!, 'verify').detail).toMatch(/SYS-UNATTENDED-UPGRADES still finds/);
      expect(step(r2.report!.fixes[0]!, 'write').status).toBe('undone');
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(override, { force: true });
    }
  });
});
