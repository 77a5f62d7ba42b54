// The fix shell run by a real local sh on real files with hostile names: state capture, the
// compare-and-swap chmod/chown, symlinks never followed, the restore script.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupCommand, captureCommand, parseCapture, parseSetOutput, parseStateLine, restoreScript, setCommand, stateLine } from './remote';
import type { PresentState } from './types';

const HOSTILE = ['plain.env', 'with space.env', "quo'te\".env", '$(touch PWNED).env', '-leading-dash.env', 'new\nline.env', '`id`;rm -rf x', 'tab\there'];

function sh(command: string, stdin = ''): { stdout: string; stderr: string; code: number | null } {
  const r = spawnSync('sh', ['-c', command], { input: stdin, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-remote-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fix shell on hostile file names', () => {
  it('captures sha256, mode and owner of each path, and applies a compare-and-swap chmod', () => {
    const files = HOSTILE.map((n, i) => {
      const p = path.join(dir, n);
      writeFileSync(p, `SECRET_${i}=x\n`);
      chmodSync(p, 0o644);
      return p;
    });
    const states = parseCapture(sh(captureCommand(files)).stdout, files.length);
    files.forEach((p, i) => {
      const s = states[i] as PresentState;
      const st = statSync(p);
      expect(s).toEqual({ kind: 'present', type: 'f', mode: 0o644, uid: st.uid, gid: st.gid, sha256: createHash('sha256').update(readFileSync(p)).digest('hex') });
    });
    for (const [i, p] of files.entries()) {
      const pre = states[i] as PresentState;
      const out = parseSetOutput(sh(setCommand(p, pre, { mode: 0o600, uid: pre.uid, gid: pre.gid })));
      expect(out).toEqual({ kind: 'done', now: { ...pre, mode: 0o600 } });
      expect(statSync(p).mode & 0o7777).toBe(0o600);
    }
    // Nothing the names contain ran as a command.
    expect(() => statSync(path.join(process.cwd(), 'PWNED'))).toThrow();
    expect(() => statSync(path.join(dir, 'PWNED'))).toThrow();
  });

  it('refuses when the content or mode changed since the plan, and writes nothing', () => {
    const p = path.join(dir, 'cas target.env');
    writeFileSync(p, 'A=1\n');
    chmodSync(p, 0o644);
    const [pre] = parseCapture(sh(captureCommand([p])).stdout, 1) as PresentState[];
    writeFileSync(p, 'A=2\n');
    const out = parseSetOutput(sh(setCommand(p, pre!, { mode: 0o600, uid: pre!.uid, gid: pre!.gid })));
    expect(out.kind).toBe('cas');
    expect(out.kind === 'cas' && out.found?.kind === 'present' && out.found.sha256).not.toBe(pre!.sha256);
    expect(statSync(p).mode & 0o7777).toBe(0o644);
    chmodSync(p, 0o640);
    const [now] = parseCapture(sh(captureCommand([p])).stdout, 1) as PresentState[];
    expect(parseSetOutput(sh(setCommand(p, { ...now!, mode: 0o644 }, { mode: 0o600, uid: now!.uid, gid: now!.gid }))).kind).toBe('cas');
    expect(statSync(p).mode & 0o7777).toBe(0o640);
  });

  it('never follows a symbolic link: it is reported as such and a set refuses', () => {
    const real = path.join(dir, 'real-target');
    writeFileSync(real, 'x');
    chmodSync(real, 0o644);
    const link = path.join(dir, 'link.env');
    symlinkSync(real, link);
    const [s] = parseCapture(sh(captureCommand([link, path.join(dir, 'absent')])).stdout, 2);
    expect(s).toEqual({ kind: 'symlink' });
    const pretend: PresentState = { kind: 'present', type: 'f', mode: 0o644, uid: 0, gid: 0, sha256: '-' };
    expect(parseSetOutput(sh(setCommand(link, pretend, { mode: 0o600, uid: 0, gid: 0 })))).toEqual({ kind: 'cas', found: { kind: 'symlink' } });
    expect(statSync(real).mode & 0o7777).toBe(0o644);
    expect(parseCapture(sh(captureCommand([path.join(dir, 'absent')])).stdout, 1)).toEqual([{ kind: 'absent' }]);
  });

  it('state lines round-trip, folders have no hash', () => {
    const d = path.join(dir, 'a folder');
    mkdirSync(d);
    chmodSync(d, 0o755);
    const [s] = parseCapture(sh(captureCommand([d])).stdout, 1);
    expect(s).toMatchObject({ kind: 'present', type: 'd', mode: 0o755, sha256: '-' });
    expect(parseStateLine(stateLine(s!))).toEqual(s);
    expect(parseStateLine('644 0 0 f nothex')).toBeNull();
  });

  it('the backup folder is created 0700 once per job, and restore.sh puts the modes back', () => {
    const files = HOSTILE.slice(0, 6).map((n) => {
      const p = path.join(dir, `r-${n}`);
      writeFileSync(p, 'x');
      chmodSync(p, 0o604);
      return p;
    });
    const states = parseCapture(sh(captureCommand(files)).stdout, files.length) as PresentState[];
    const jobDir = path.join(dir, 'backups', 'job-1');
    const script = restoreScript('job-1', files.map((p, i) => ({ path: p, pre: states[i]! })));
    expect(sh(backupCommand(jobDir), script).stdout).toContain('OK');
    expect(statSync(jobDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'backups')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(jobDir, 'restore.sh')).mode & 0o777).toBe(0o600);
    // A second job with the same folder is refused (each job has its own).
    expect(sh(backupCommand(jobDir), script).code).toBe(5);
    // A backups folder owned by someone else is refused (its restore.sh could be swapped).
    if (process.getuid?.() === 0) {
      const foreign = path.join(dir, 'foreign-backups');
      mkdirSync(foreign, { mode: 0o700 });
      chownSync(foreign, 4999, 4999);
      const r = sh(backupCommand(path.join(foreign, 'job-2')), script);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain('not owned by uid 0');
      expect(existsSync(path.join(foreign, 'job-2'))).toBe(false);
      expect(statSync(foreign).mode & 0o777).toBe(0o700);
    }
    for (const p of files) chmodSync(p, 0o600);
    execFileSync('sh', [path.join(jobDir, 'restore.sh')]);
    for (const p of files) expect(statSync(p).mode & 0o7777).toBe(0o604);
  });
});
