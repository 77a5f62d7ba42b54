// The dead-man switch's shell, run for real with /bin/sh on a temp folder (no SSH): the setsid
// timer restores byte-identical and reloads after N s; disarm stops it; fire and disarm exclude
// each other; a pid file naming another process is never killed; the restore is idempotent.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { armCommand, deadmanPaths, deadmanScript, deadmanUnit, disarmCommand, parseArm, parseDisarm, type DeadmanSpec } from './deadman';

const dirs: string[] = [];
const pids: number[] = [];

function sh(cmd: string, input = ''): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', cmd], { input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function setup(seconds: number): { spec: DeadmanSpec; file: string; reloads: string; dir: string } {
  // A space and a quote in the folder: every path is quoted.
  const dir = mkdtempSync(path.join(os.tmpdir(), "rampart dead'man-"));
  dirs.push(dir);
  const file = path.join(dir, 'sshd_config');
  writeFileSync(file, 'PermitRootLogin yes\n', { mode: 0o644 });
  const st = statSync(file);
  const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
  writeFileSync(path.join(dir, 'backup.orig'), readFileSync(file), { mode: 0o600 });
  const reloads = path.join(dir, 'reloads');
  const spec: DeadmanSpec = {
    jobId: '0f8e6a1c-1111-4222-8333-944455556666',
    fixIndex: 0,
    backupDir: dir,
    seconds,
    files: [{ path: file, pre: { kind: 'present', type: 'f', mode: 0o644, uid: st.uid, gid: st.gid, sha256: sha }, backup: path.join(dir, 'backup.orig'), temp: path.join(dir, '.tmp') }],
    reload: `echo reloaded >> '${reloads.replace(/'/g, `'\\''`)}'`,
  };
  return { spec, file, reloads, dir };
}

function alive(pid: number): boolean {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

afterAll(() => {
  for (const p of pids) if (alive(p)) process.kill(p, 'SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(process.platform !== 'linux')('dead-man switch (setsid path, real /bin/sh)', () => {
  it('fires after N s: the file back byte-identical, reloaded once, fired recorded; idempotent when run again', async () => {
    const { spec, file, reloads } = setup(1);
    const a = parseArm(sh(armCommand(spec), deadmanScript(spec)));
    expect(a).toMatchObject({ ok: true, kind: 'setsid' });
    const pid = Number((a as { handle: string }).handle);
    pids.push(pid);
    const p = deadmanPaths(spec.backupDir, 0);
    expect(statSync(p.script).mode & 0o777).toBe(0o700);
    expect(Number(readFileSync(p.pid, 'utf8'))).toBe(pid);
    writeFileSync(file, 'PermitRootLogin no\n');
    for (let i = 0; i < 50 && !existsSync(p.fired); i++) await sleep(100);
    await sleep(200);
    expect(readFileSync(file, 'utf8')).toBe('PermitRootLogin yes\n');
    expect(readFileSync(reloads, 'utf8')).toBe('reloaded\n');
    expect(readFileSync(p.fired, 'utf8')).toMatch(/exit=0/);
    expect(alive(pid)).toBe(false);
    // Disarm after the fact says it fired.
    expect(parseDisarm(sh(disarmCommand(spec))).kind).toBe('fired');
    // The script once more (by hand): the lock makes it a no-op.
    expect(sh(`/bin/sh '${p.script.replace(/'/g, `'\\''`)}'`).code).toBe(0);
    expect(readFileSync(reloads, 'utf8')).toBe('reloaded\n');
  });

  it('disarm stops the timer: nothing restored after the window', async () => {
    const { spec, file, reloads } = setup(1);
    const a = parseArm(sh(armCommand(spec), deadmanScript(spec)));
    const pid = Number((a as { handle: string }).handle);
    pids.push(pid);
    writeFileSync(file, 'PermitRootLogin no\n');
    expect(parseDisarm(sh(disarmCommand(spec)))).toEqual({ kind: 'disarmed', detail: `setsid ${pid}` });
    expect(alive(pid)).toBe(false);
    await sleep(1_800);
    expect(readFileSync(file, 'utf8')).toBe('PermitRootLogin no\n');
    expect(existsSync(reloads)).toBe(false);
    expect(existsSync(deadmanPaths(spec.backupDir, 0).fired)).toBe(false);
    expect(parseDisarm(sh(disarmCommand(spec))).kind).toBe('disarmed');
  });

  it('never kills a pid that is not its timer (a recycled pid in the pid file)', async () => {
    const { spec } = setup(30);
    const a = parseArm(sh(armCommand(spec), deadmanScript(spec)));
    const real = Number((a as { handle: string }).handle);
    pids.push(real);
    const other = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    pids.push(other.pid!);
    writeFileSync(deadmanPaths(spec.backupDir, 0).pid, `${other.pid}\n`);
    expect(parseDisarm(sh(disarmCommand(spec))).kind).toBe('disarmed');
    expect(alive(other.pid!)).toBe(true);
    // The lock it took still keeps the real timer from restoring when it wakes.
    expect(existsSync(deadmanPaths(spec.backupDir, 0).lock)).toBe(true);
  });

  it('parses its outputs and names units safely', () => {
    expect(parseArm({ code: 0, stdout: 'ARMED systemd rampart-deadman-x-0\n', stderr: '' })).toEqual({ ok: true, kind: 'systemd', handle: 'rampart-deadman-x-0' });
    expect(parseArm({ code: 6, stdout: '', stderr: 'timer 1 is not a session leader' }).ok).toBe(false);
    expect(parseDisarm({ code: 0, stdout: 'NONE\n', stderr: '' })).toEqual({ kind: 'none' });
    expect(parseDisarm({ code: 5, stdout: '', stderr: 'timer 9 did not stop' }).kind).toBe('error');
    expect(deadmanUnit("a;b'c-1", 2)).toBe('rampart-deadman-abc-1-2');
    expect(armCommand({ jobId: 'j', fixIndex: 0, backupDir: '/b', seconds: 120, files: [], reload: 'true' })).toContain("systemd-run --quiet --collect --on-active=120s --unit='rampart-deadman-j-0'");
  });
});
