// `rampart fix` for the file checks against a real lab host (its own sshd in a network namespace):
// planted world-readable secrets (.env, a private key, a hostile file name), a readable backup
// folder, a readable log, a WireGuard config readable and owned by a user. Each fix is applied
// and verified, then reverted by --rollback; a dry run and a missing confirmation change nothing;
// compare-and-swap refuses a file changed between plan and apply; a connection dropped mid-job, a
// SIGKILLed `rampart fix` then --resume/--rollback, and a rollback that meets a file edited since
// leave the files as before (hash, mode, owner) or say rollback-incomplete with instructions.
// Needs root; skipped without the lab prerequisites unless RAMPART_LAB_REQUIRED=1.
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, lstatSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { addUsers, bindInHost, canary, keyPair, plantDir, plantFile, plantRootOf, plantOwnAccounts } from '../lab/plant';
import { FixEngine, type EngineOptions, type JobReport } from '../src/main/remediation/engine';
import { connect, type SshConnection } from '../src/main/ssh/connection';
import { findingKey } from '../src/main/audit/engine';
import { Store } from '../src/main/store/store';
import { FixJobReport, FixPreview } from '../src/shared/ipc/remediation';
import { BIN, exec, ROOT, type Result } from './support/cliContract';
import { BACKUP_ROOT, dropConnections as dropHostConnections, killMidJob as killMidJobIn, removeJobBackups, snap, type Snap, FIX_REPORT as REPORT, type FixReport as Report } from './support/remediation';

const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';

const FIXER = 'fixer';
const NOSUDO = 'nosudo';

// Hostile name: spaces, both quotes, a command substitution, a leading dash, a newline.
const HOSTILE = `-rf 'q"$(touch PWNED) \n x.env`;

describe.skipIf(!labAvailable)(`rampart fix: file fixes on a lab host${pre.ok ? '' : ` (${pre.reason})`}`, { timeout: 240_000 }, () => {
  let host: LabHost;
  let dir: string;
  let db: string;
  let srv: string;
  let varLog: string;
  let wgLocal: string;
  const canaries: string[] = [];
  const jobs = new Set<string>();
  const hostKey = (): string => `${host.address}:${host.port}`;
  const id = (checkId: string, resource: string): string => findingKey(hostKey(), checkId, resource);
  const conn = (user?: string): string[] => ['--host', `${user ?? host.user}@${host.address}:${host.port}`, '--identity', host.identityFile, '--accept-new-host-key', '--scan-root', srv, '--db', db];

  async function cli(args: readonly string[], timeoutMs = 120_000): Promise<Result & { report: Report | null }> {
    const r = await exec(process.execPath, [BIN, ...args], timeoutMs);
    let report: Report | null = null;
    if (args.includes('json') && r.stdout.trim().startsWith('{')) {
      const parsed = JSON.parse(r.stdout) as { status?: string };
      if (parsed.status !== 'failed') report = REPORT.parse(parsed);
    }
    if (report?.jobId) jobs.add(report.jobId);
    return { ...r, report };
  }

  /** The engine in this process (as `rampart fix --yes` drives it), for fault injection at a step. */
  async function fixHere(findingId: string, beforeStep: NonNullable<EngineOptions['beforeStep']>): Promise<JobReport> {
    const opened: SshConnection[] = [];
    const open = async (): Promise<SshConnection> => {
      const c = await connect({ address: host.address, port: host.port, username: host.user, identityFile: host.identityFile }, { kind: 'accept-new', onAccept: () => undefined });
      opened.push(c);
      return c;
    };
    const store = new Store(db);
    try {
      const engine = new FixEngine(
        await open(),
        { host: { hostId: null, name: host.name, address: host.address, port: host.port, username: host.user }, sudo: { mode: 'none', password: null, host: host.name }, sshdConfigPath: host.sshdConfigPath, scanRoots: [srv] },
        { store, reconnect: open, beforeStep },
      );
      const { plan } = await engine.plan({ findingIds: [findingId] });
      expect(plan.fixes).toHaveLength(1);
      // The preview and the report are what the desktop contract declares.
      FixPreview.parse({ ...engine.preview(plan), skipped: [] });
      const r = await engine.apply(plan, 'test');
      jobs.add(r.jobId);
      FixJobReport.parse(r);
      return r;
    } finally {
      for (const c of opened) c.close();
      store.close();
    }
  }

  /** Drops every SSH connection to the lab host (kills its sshd's per-connection children by pid). */
  const dropConnections = (): number => dropHostConnections(host);

  function plantSecret(rel: string, mode = 0o644, uid = 1234): { hostPath: string; resource: string; before: Snap } {
    const secret = canary('fix');
    canaries.push(secret);
    const p = plantFile(path.join(srv, rel), `API_TOKEN=${secret}\n`, { mode, uid, gid: uid });
    return { hostPath: p, resource: `file:${p}`, before: snap(p) };
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-fix-lab-'));
    db = path.join(dir, 'rampart.db');
    const wgKey = Buffer.from(canary('wg')).toString('base64');
    canaries.push(wgKey);
    host = await createLabHost({
      scenario: 'hardened',
      // The hardened scenario lets root in; these two log in too (AllowUsers accumulates).
      sshdExtraConfig: `AllowUsers ${FIXER} ${NOSUDO}`,
      network: {
        // /etc entries are bound for sshd's sessions only if present before it starts.
        setup: async (ctx) => {
          plantOwnAccounts(ctx.name);
          const wg = plantDir(path.join('/etc/netns', ctx.name, 'wireguard'), { mode: 0o755 });
          plantFile(path.join(wg, 'wg0.conf'), `[Interface]\nAddress = 10.9.0.1/24\nPrivateKey = ${wgKey}\n`, { mode: 0o644, uid: 1234, gid: 1234 });
        },
      },
    });
    wgLocal = path.join(host.etcDir, 'wireguard');
    // A login with passwordless sudo (fixes through `sudo -n`), and one without sudo.
    const pub = readFileSync(`${host.identityFile}.pub`, 'utf8').trim();
    addUsers(host, [
      { name: FIXER, uid: 4401, gid: 4401, home: '/nonexistent', shell: '/bin/sh', password: 'disabled' },
      { name: NOSUDO, uid: 4402, gid: 4402, home: '/nonexistent', shell: '/bin/sh', password: 'disabled' },
    ]);
    for (const [u, uid] of [[FIXER, 4401], [NOSUDO, 4402]] as const) plantFile(path.join(host.etcDir, 'ssh', `authorized_keys_${u}`), `${pub}\n`, { mode: 0o600, uid, gid: uid });
    plantFile(path.join(host.etcDir, 'sudoers.d', 'rampart-fix-test'), `${FIXER} ALL=(ALL:ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
    const root = plantRootOf(host.name);
    plantDir(path.dirname(root), { mode: 0o755 });
    plantDir(root, { mode: 0o755 });
    srv = plantDir(path.join(root, 'srv'), { mode: 0o755 });
    // This host's own /var/log and /var/backups (never the machine's).
    varLog = plantDir(path.join(host.stateDir, 'var-log'));
    const varBackups = plantDir(path.join(host.stateDir, 'var-backups'));
    await bindInHost(host, varLog, '/var/log');
    await bindInHost(host, varBackups, '/var/backups');
  }, 120_000);

  afterAll(async () => {
    if (host) await destroyLabHost(host).catch(() => undefined);
    if (host) rmSync(plantRootOf(host.name), { recursive: true, force: true });
    removeJobBackups(jobs);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('applies and verifies each file fix (secret .env, private key, hostile name, backups, log, WireGuard), marks them fixed, then --rollback restores every file', async () => {
    const env = plantSecret('app/.env');
    const hostile = plantSecret(`hostile/${HOSTILE}`, 0o664);
    const k = await keyPair(path.join(dir, 'keys'), 'ed25519');
    const keyPath = plantFile(path.join(srv, 'keys', 'id_ed25519'), k.privateKey, { mode: 0o644, uid: 1234, gid: 1234 });
    const backups = plantDir(path.join(srv, 'backups'), { mode: 0o755 });
    const dump = plantFile(path.join(backups, 'db-2026-12-01.sql.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), { mode: 0o644 });
    const log = plantFile(path.join(varLog, 'auth.log'), 'sshd[1]: Accepted publickey for root\n', { mode: 0o644 });
    const files = [env.hostPath, hostile.hostPath, keyPath, backups, dump, log, path.join(wgLocal, 'wg0.conf')];
    const before = new Map(files.map((f) => [f, snap(f)]));

    // The ids `rampart audit --format json` prints are what --finding takes.
    const audit = await exec(process.execPath, [BIN, 'audit', ...conn(), '--format', 'json', '--fail-on', 'none'], 180_000);
    const findings = (JSON.parse(audit.stdout) as { findings: Array<{ id: string; checkId: string; resource: string }> }).findings;
    const want: Array<[string, string]> = [
      ['SECRET-FILE-READABLE', env.resource],
      ['SECRET-FILE-READABLE', hostile.resource],
      ['SECRET-FILE-READABLE', `file:${keyPath}`],
      ['BACKUP-READABLE', `backup:${backups}`],
      ['PERM-LOG-FILES', 'file:/var/log/auth.log'],
      ['VPN-WG-CONFIG-READABLE', 'wireguard:/etc/wireguard/wg0.conf'],
      ['VPN-WG-CONFIG-OWNER', 'wireguard:/etc/wireguard/wg0.conf'],
    ];
    const ids = want.map(([c, r]) => {
      const f = findings.find((x) => x.checkId === c && x.resource === r);
      expect(f, `${c} ${JSON.stringify(r)}`).toBeDefined();
      expect(f!.id).toBe(id(c, r));
      return f!.id;
    });

    const r = await cli(['fix', ...conn(), ...ids.flatMap((i) => ['--finding', i]), '--yes', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = r.report!;
    expect(rep.status).toBe('applied');
    expect(rep.fixes.map((f) => [f.checkId, f.status])).toEqual(want.map(([c]) => [c, 'applied']));
    for (const f of rep.fixes) {
      expect(f.verification.stillFailing).toEqual([]);
      expect(f.verification.checksRerun).toContain(f.checkId);
      expect(f.steps.filter((s) => s.name === 'verify').map((s) => s.status)).toEqual(['done']);
    }
    // What the files are now: each to the check's target, content untouched.
    const after = (f: string): Snap => snap(f);
    expect(after(env.hostPath)).toEqual({ ...before.get(env.hostPath)!, mode: 0o600 });
    expect(after(hostile.hostPath)).toEqual({ ...before.get(hostile.hostPath)!, mode: 0o600 });
    expect(after(keyPath)).toEqual({ ...before.get(keyPath)!, mode: 0o600 });
    expect(after(dump)).toEqual({ ...before.get(dump)!, mode: 0o600 });
    expect(after(backups)).toEqual({ ...before.get(backups)!, mode: 0o700 });
    expect(after(log)).toEqual({ ...before.get(log)!, mode: 0o640 });
    expect(after(path.join(wgLocal, 'wg0.conf'))).toEqual({ ...before.get(path.join(wgLocal, 'wg0.conf'))!, mode: 0o600, uid: 0, gid: 0 });
    // Nothing in the hostile name ran.
    expect(existsSync(path.join(ROOT, 'PWNED'))).toBe(false);
    expect(existsSync('/PWNED')).toBe(false);
    // The job's backup folder: root-only, with the restore script (modes/owners, no content).
    const bdir = path.join(BACKUP_ROOT, rep.jobId!);
    expect(lstatSync(bdir).mode & 0o777).toBe(0o700);
    expect(lstatSync(bdir).uid).toBe(0);
    const restore = readFileSync(path.join(bdir, 'restore.sh'), 'utf8');
    expect(restore).toContain("chmod 0664 -- '");
    // Triage: fixed, with the job id.
    const store = new Store(db);
    try {
      for (const i of ids) {
        expect(store.getTriage(i)?.status).toBe('fixed');
        expect(store.getTriage(i)?.reason).toContain(rep.jobId!);
      }
    } finally {
      store.close();
    }
    // No planted secret in any output or in the database.
    const dbText = readFileSync(db).toString('latin1') + (existsSync(`${db}-wal`) ? readFileSync(`${db}-wal`).toString('latin1') : '');
    for (const c of canaries) {
      expect(r.stdout + r.stderr).not.toContain(c);
      expect(dbText).not.toContain(c);
    }

    const back = await cli(['fix', ...conn(), '--rollback', rep.jobId!, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.report!.status).toBe('rolled-back');
    for (const f of files) expect(snap(f), JSON.stringify(f)).toEqual(before.get(f));
    const store2 = new Store(db);
    try {
      expect(store2.getTriage(ids[0]!)?.status).toBe('open');
    } finally {
      store2.close();
    }
  });

  it('an SSH host public key writable by others (CIS 5.1.3) is fixed to root:root 0644 and verified; --rollback puts 0666 back', async () => {
    const pub = path.join(host.etcDir, 'ssh', 'ssh_host_ed25519_key.pub');
    const before = snap(pub);
    chmodSync(pub, 0o666);
    try {
      const writable = snap(pub);
      const r = await cli(['fix', ...conn(), '--finding', id('PERM-SSH-HOST-PUBKEYS', 'file:/etc/ssh/ssh_host_ed25519_key.pub'), '--yes', '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const fix = r.report!.fixes[0]!;
      expect([r.report!.status, fix.status, fix.verification.stillFailing]).toEqual(['applied', 'applied', []]);
      expect(fix.verification.checksRerun).toContain('PERM-SSH-HOST-PUBKEYS');
      expect(snap(pub)).toEqual({ ...before, mode: 0o644, uid: 0, gid: 0 });
      const back = await cli(['fix', ...conn(), '--rollback', r.report!.jobId!, '--format', 'json']);
      expect([back.code, back.report!.status], back.stderr).toEqual([0, 'rolled-back']);
      expect(snap(pub)).toEqual(writable);
    } finally {
      chmodSync(pub, before.mode);
    }
  });

  it('--dry-run shows the exact commands and changes nothing; without --yes and without a terminal the fix is refused', async () => {
    const s = plantSecret('dry/.env');
    const dry = await cli(['fix', ...conn(), '--finding', id('SECRET-FILE-READABLE', s.resource), '--dry-run', '--format', 'json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.report!.status).toBe('dry-run');
    const steps = dry.report!.fixes[0]!.steps;
    expect(steps.map((x) => x.status)).toEqual(['planned', 'planned', 'planned']);
    expect(steps.find((x) => x.name.startsWith('chmod-chown'))!.detail).toContain(`p='${s.hostPath}'`);
    expect(steps.find((x) => x.name.startsWith('chmod-chown'))!.detail).toContain('chmod 0600 -- "$p"');
    expect(snap(s.hostPath)).toEqual(s.before);

    const refused = await cli(['fix', ...conn(), '--finding', id('SECRET-FILE-READABLE', s.resource), '--format', 'json']);
    expect(refused.code).toBe(2);
    expect(refused.report!.status).toBe('refused');
    expect(refused.stderr).toContain('needs confirmation');
    expect(snap(s.hostPath)).toEqual(s.before);
  });

  it('compare-and-swap: a file changed between plan and apply is refused before anything is written', async () => {
    const s = plantSecret('cas/.env');
    const m = plantSecret('cas/mode.env');
    let edited = false;
    const r = await fixHere(id('SECRET-FILE-READABLE', s.resource), (step) => {
      if (step.kind === 'chmod' && !edited) {
        appendFileSync(s.hostPath, 'EDITED=1\n');
        edited = true;
      }
    });
    expect(r.status).toBe('refused');
    expect(r.fixes[0]!.status).toBe('refused');
    expect(r.fixes[0]!.steps.find((x) => x.name.startsWith('chmod-chown'))!.detail).toMatch(/changed since the plan.*other content.*nothing was written/);
    expect(snap(s.hostPath).mode).toBe(0o644);

    // A mode change by someone else is refused the same way.
    const r2 = await fixHere(id('SECRET-FILE-READABLE', m.resource), (step) => {
      if (step.kind === 'chmod') chmodSync(m.hostPath, 0o640);
    });
    expect(r2.status).toBe('refused');
    expect(snap(m.hostPath)).toEqual({ ...m.before, mode: 0o640 });
  });

  it('a connection dropped after the backup and before the chmod: rolled back, files as before; dropped before verify: reconnects and verifies', async () => {
    const s = plantSecret('drop/.env');
    let dropped = 0;
    const r = await fixHere(id('SECRET-FILE-READABLE', s.resource), (step, phase) => {
      if (step.kind === 'chmod' && phase === 'apply' && !dropped) dropped = dropConnections();
    });
    expect(dropped).toBeGreaterThan(0);
    expect(r.status, r.message ?? '').toBe('rolled-back');
    expect(r.fixes[0]!.steps.find((x) => x.name.startsWith('chmod-chown'))!.status).toBe('undone');
    expect(snap(s.hostPath)).toEqual(s.before);

    const v = plantSecret('drop/verify.env');
    let droppedAtVerify = 0;
    const r2 = await fixHere(id('SECRET-FILE-READABLE', v.resource), (step) => {
      if (step.kind === 'verify' && !droppedAtVerify) droppedAtVerify = dropConnections();
    });
    expect(droppedAtVerify).toBeGreaterThan(0);
    expect(r2.status, r2.message ?? '').toBe('applied');
    expect(snap(v.hostPath)).toEqual({ ...v.before, mode: 0o600 });
  });

  /** Starts `rampart fix` held before a step, waits until it holds, SIGKILLs it. */
  const killMidJob = (args: readonly string[], hold: string, journal = db): Promise<string> => killMidJobIn({ args, hold, db: journal, jobs, holdTimeoutMs: 120_000 });

  it('SIGKILL mid-job: an unfinished job blocks new fixes; --resume finishes it (also one killed after the chmod ran but before the journal recorded it), --rollback undoes one killed between two chmods', async () => {
    const a = plantSecret('kill/a.env');
    const job1 = await killMidJob(['fix', ...conn(), '--finding', id('SECRET-FILE-READABLE', a.resource), '--yes', '--format', 'json'], 'verify');
    expect(snap(a.hostPath).mode).toBe(0o600);
    const other = plantSecret('kill/other.env');
    const blocked = await cli(['fix', ...conn(), '--finding', id('SECRET-FILE-READABLE', other.resource), '--yes', '--format', 'json']);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain(job1);
    const resumed = await cli(['fix', ...conn(), '--resume', job1, '--format', 'json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.report!.status).toBe('applied');
    expect(snap(a.hostPath)).toEqual({ ...a.before, mode: 0o600 });

    // Killed after the chmod ran on the host but before the journal recorded it: the step is
    // `running`; --resume reads the host, finds it done, verifies.
    const c = plantSecret('kill/c.env');
    const job3 = await killMidJob(['fix', ...conn(), '--finding', id('SECRET-FILE-READABLE', c.resource), '--yes', '--format', 'json'], 'chmod:record');
    expect(snap(c.hostPath).mode).toBe(0o600);
    const st = new Store(db);
    try {
      expect((st.db.prepare("SELECT status FROM remediation_steps WHERE job_id = ? AND kind = 'chmod'").get(job3) as { status: string }).status).toBe('running');
    } finally {
      st.close();
    }
    const resumed3 = await cli(['fix', ...conn(), '--resume', job3, '--format', 'json']);
    expect(resumed3.code, resumed3.stderr).toBe(0);
    expect(resumed3.report!.status).toBe('applied');
    expect(resumed3.report!.fixes[0]!.steps.find((x) => x.name.startsWith('chmod-chown'))!.detail).toBe('found done on the host when resumed');
    // The same crash, then --rollback: the file is put back.
    const d = plantSecret('kill/d.env');
    const job4 = await killMidJob(['fix', ...conn(), '--finding', id('SECRET-FILE-READABLE', d.resource), '--yes', '--format', 'json'], 'chmod:record');
    const rolled4 = await cli(['fix', ...conn(), '--rollback', job4, '--format', 'json']);
    expect(rolled4.code, rolled4.stderr).toBe(0);
    expect(snap(d.hostPath)).toEqual(d.before);

    // Two files (one backup finding): killed before the second chmod, after the first was done.
    const bk = plantDir(path.join(srv, 'kill-backups'), { mode: 0o755 });
    const bf = plantFile(path.join(bk, 'site.tar.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 9]), { mode: 0o644 });
    const snaps = [snap(bf), snap(bk)];
    const job2 = await killMidJob(['fix', ...conn(), '--finding', id('BACKUP-READABLE', `backup:${bk}`), '--yes', '--format', 'json'], 'chmod@2');
    expect(snap(bf).mode).toBe(0o600);
    expect(snap(bk).mode).toBe(0o755);
    const rolled = await cli(['fix', ...conn(), '--rollback', job2, '--format', 'json']);
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.report!.status).toBe('rolled-back');
    expect([snap(bf), snap(bk)]).toEqual(snaps);
  });

  it('without --db the job is journaled in the default journal file: killed mid-job, --rollback (without --db) finds and undoes it', async () => {
    const state = path.join(dir, 'xdg-state');
    const saved = process.env.XDG_STATE_HOME;
    process.env.XDG_STATE_HOME = state;
    try {
      const s = plantSecret('nodb/.env');
      const noDb = conn().slice(0, -2);
      expect(noDb).not.toContain('--db');
      const job = await killMidJob(['fix', ...noDb, '--finding', id('SECRET-FILE-READABLE', s.resource), '--yes', '--format', 'json'], 'verify', path.join(state, 'rampart', 'fix-journal.sqlite3'));
      expect(snap(s.hostPath).mode).toBe(0o600);
      const back = await cli(['fix', ...noDb, '--rollback', job, '--format', 'json']);
      expect(back.code, back.stderr).toBe(0);
      expect(back.report!.status).toBe('rolled-back');
      expect(snap(s.hostPath)).toEqual(s.before);
    } finally {
      if (saved === undefined) delete process.env.XDG_STATE_HOME;
      else process.env.XDG_STATE_HOME = saved;
    }
  });

  it('a rollback that meets a file edited since the fix says rollback-incomplete (exit 3) with what is left and where the backups are', async () => {
    const s = plantSecret('incomplete/.env');
    const r = await cli(['fix', ...conn(), '--finding', id('SECRET-FILE-READABLE', s.resource), '--yes', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    appendFileSync(s.hostPath, 'LATER=1\n');
    const back = await cli(['fix', ...conn(), '--rollback', r.report!.jobId!, '--format', 'json']);
    expect(back.code).toBe(3);
    expect(back.report!.status).toBe('rollback-incomplete');
    expect(back.report!.fixes[0]!.status).toBe('rollback-incomplete');
    expect(back.stderr).toContain(JSON.stringify(s.hostPath));
    expect(back.stderr).toContain(`${BACKUP_ROOT}/${r.report!.jobId}/restore.sh`);
    // The file is left as the admin edited it: mode of the fix, new content.
    expect(snap(s.hostPath).mode).toBe(0o600);
  });

  it('verification that fails (the file is opened again before the re-check) rolls back automatically', async () => {
    const s = plantSecret('verify-fails/.env');
    const r = await fixHere(id('SECRET-FILE-READABLE', s.resource), (step) => {
      if (step.kind === 'verify') chmodSync(s.hostPath, 0o644);
    });
    expect(r.status).toBe('rolled-back');
    expect(r.message).toMatch(/verification failed: .* is 0644 .*expected 0600/);
    expect(r.fixes[0]!.steps.find((x) => x.name === 'verify')!.status).toBe('failed');
    expect(snap(s.hostPath)).toEqual(s.before);
  });

  it('--check fixes every finding of the check, through sudo -n as a non-root login; without root the fix is refused before planning', async () => {
    const kern = plantFile(path.join(varLog, 'kern.log'), 'kernel: lab\n', { mode: 0o666 });
    const mail = plantFile(path.join(varLog, 'mail.log'), 'postfix: lab\n', { mode: 0o644 });
    const snaps = [snap(kern), snap(mail)];
    const r = await cli(['fix', ...conn(FIXER), '--sudo', '--check', 'PERM-LOG-FILES', '--yes', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.report!.status).toBe('applied');
    expect(r.report!.fixes.map((f) => f.resource).sort()).toEqual(expect.arrayContaining(['file:/var/log/kern.log', 'file:/var/log/mail.log']));
    expect([snap(kern).mode, snap(mail).mode]).toEqual([0o640, 0o640]);
    const back = await cli(['fix', ...conn(FIXER), '--sudo', '--rollback', r.report!.jobId!, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect([snap(kern), snap(mail)]).toEqual(snaps);

    // Without sudo the login user may read root's log but not change it: refused before anything
    // is planned (exit 1), nothing changed.
    const auth = plantFile(path.join(varLog, 'daemon.log'), 'daemon: lab\n', { mode: 0o644 });
    const authBefore = snap(auth);
    const denied = await cli(['fix', ...conn(NOSUDO), '--finding', id('PERM-LOG-FILES', 'file:/var/log/daemon.log'), '--yes', '--format', 'json']);
    expect(denied.code, denied.stderr).toBe(1);
    expect(denied.report!.status).toBe('refused');
    expect(denied.report!.fixes[0]!.steps[0]!.detail).toBe('this fix needs root, and commands run as uid 4402: use --sudo (sudo -n), or log in as root');
    expect(snap(auth)).toEqual(authBefore);
    // A check that needs root to be evaluated says so instead of "not found".
    const s = plantSecret('nosudo/.env');
    const unseen = await cli(['fix', ...conn(NOSUDO), '--finding', id('SECRET-FILE-READABLE', s.resource), '--yes', '--format', 'json']);
    expect(unseen.code).toBe(2);
    expect(unseen.stderr).toMatch(/SECRET-FILE-READABLE \(needs-sudo/);
    // And a login without a sudo rule that asks for it: a clear sudo error, exit 2, nothing changed.
    const noRule = await cli(['fix', ...conn(NOSUDO), '--sudo', '--finding', id('SECRET-FILE-READABLE', s.resource), '--yes', '--format', 'json']);
    expect(noRule.code).toBe(2);
    expect(noRule.stdout).toMatch(/"code": "SUDO_(DENIED|PASSWORD_REQUIRED)"/);
    expect(snap(s.hostPath)).toEqual(s.before);
  });

  /** `rampart fix` on a real terminal (util-linux `script` gives it a pty), answering `answer`. */
  function onTerminal(args: readonly string[], answer: string): Promise<{ code: number | null; out: string }> {
    const line = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.SSH_AUTH_SOCK;
    return new Promise((resolve) => {
      const child = spawn('script', ['-qec', line, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let answered = false;
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // Answer only once the question is on the terminal.
        if (!answered && out.includes('[y/N]')) {
          answered = true;
          child.stdin.write(answer);
        }
      });
      child.on('exit', (code) => resolve({ code, out }));
    });
  }

  it('on a terminal: the preview and the question, "y" applies, anything else changes nothing', async () => {
    const s = plantSecret('tty/.env');
    const no = await onTerminal(['fix', ...conn(), '--finding', id('SECRET-FILE-READABLE', s.resource)], 'n\r');
    expect(no.out).toContain('chmod 0600 -- "$p"');
    expect(no.out).toContain(`Apply 1 fix(es) to ${host.address}? [y/N]`);
    expect(no.code).toBe(2);
    expect(snap(s.hostPath)).toEqual(s.before);
    const yes = await onTerminal(['fix', ...conn(), '--finding', id('SECRET-FILE-READABLE', s.resource)], 'y\r');
    expect(yes.code, yes.out).toBe(0);
    expect(yes.out).toMatch(/: applied \(job [0-9a-f-]{36}\)/);
    jobs.add(/job ([0-9a-f-]{36})/.exec(yes.out)![1]!);
    expect(snap(s.hostPath)).toEqual({ ...s.before, mode: 0o600 });
    const store = new Store(db);
    try {
      const row = store.db.prepare("SELECT confirmed_by FROM remediation_jobs WHERE status = 'applied' ORDER BY created_at DESC LIMIT 1").get() as { confirmed_by: string };
      expect(row.confirmed_by).toMatch(/\(terminal\)$/);
    } finally {
      store.close();
    }
  });
});
