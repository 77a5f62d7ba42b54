// The host commands of the compose fixes, run by the real /bin/sh on real files (hostile names,
// binary bytes): read, backup, atomic write and restore, each a compare-and-swap.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envKeys, fileBackupCommand, fileRestoreCommand, fileWriteCommand, parseReadFiles, postStateOf, readFilesCommand } from './composeFixes';
import { CAS_EXIT, stateLine } from './remote';
import type { FileState, PlannedFile } from './types';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function sh(command: string, stdin = ''): { stdout: string; stderr: string; code: number | null } {
  const r = spawnSync('/bin/sh', ['-c', command], { input: stdin, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

function stateOf(p: string): FileState {
  if (!fs.existsSync(p)) return { kind: 'absent' };
  const s = fs.lstatSync(p);
  return { kind: 'present', type: 'f', mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, sha256: sha(fs.readFileSync(p)) };
}

describe('compose fix host commands (real sh, real files)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `rampart-cf- it's "q" $(touch pwned) `));
    fs.mkdirSync(path.join(dir, 'backup'), { mode: 0o700 });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function planned(name: string, oldBytes: Buffer | null, newBytes: Buffer, mode = 0o640): PlannedFile {
    const p = path.join(dir, name);
    if (oldBytes) {
      fs.writeFileSync(p, oldBytes);
      fs.chmodSync(p, mode);
    }
    const pre = stateOf(p);
    const owner = pre.kind === 'present' ? pre : { uid: process.getuid!(), gid: process.getgid!() };
    return {
      path: p,
      role: 'compose',
      pre,
      post: { sha256: sha(newBytes), mode: pre.kind === 'present' ? pre.mode : 0o600, uid: owner.uid, gid: owner.gid },
      backup: oldBytes ? path.join(dir, 'backup', `${name.length}-compose`) : null,
      temp: path.join(dir, `.rampart-test-${name.length}.tmp`),
    };
  }

  it('reads states and exact bytes, whatever the name; an absent file has no content', () => {
    const name = path.join(dir, '-a\nb \'c\' "d" $(x).yml');
    const bytes = Buffer.from([0, 1, 2, 0xff, 0x0a, 0x0d, 0x41]);
    fs.writeFileSync(name, bytes, { mode: 0o604 });
    const r = sh(readFilesCommand([name, path.join(dir, 'missing')]));
    expect(r.code).toBe(0);
    const [a, b] = parseReadFiles(r.stdout, 2);
    expect(a!.bytes!.equals(bytes)).toBe(true);
    expect(a!.state).toEqual(stateOf(name));
    expect(b).toEqual({ state: { kind: 'absent' }, bytes: null });
    expect(fs.existsSync(path.join(dir, 'pwned'))).toBe(false);
  });

  it('backup copies the bytes only while the file is as planned', () => {
    const f = planned('-backup me.yml', Buffer.from('services:\n  a: {}\n'), Buffer.from('x'));
    expect(sh(fileBackupCommand(f)).code).toBe(0);
    expect(fs.readFileSync(f.backup!).equals(fs.readFileSync(f.path))).toBe(true);
    fs.appendFileSync(f.path, '# edited\n');
    const r = sh(fileBackupCommand(f));
    expect(r.code).toBe(CAS_EXIT);
    expect(r.stdout).toMatch(/^CAS /m);
  });

  it('writes atomically with the planned mode and owner, only from the planned state and only the planned content', () => {
    const oldBytes = Buffer.from('services:\n  web:\n    image: x\n');
    const newBytes = Buffer.from('services:\n  web:\n    image: x\n    read_only: true\n');
    const f = planned('write $(me).yml', oldBytes, newBytes, 0o640);
    // Content that does not hash to the plan: refused, the file untouched, no temp left.
    const wrong = sh(fileWriteCommand(f), Buffer.from('other').toString('base64'));
    expect(wrong.code).toBe(4);
    expect(fs.readFileSync(f.path).equals(oldBytes)).toBe(true);
    expect(fs.existsSync(f.temp)).toBe(false);
    // The right content: written, same mode/owner, the state printed.
    const ok = sh(fileWriteCommand(f), newBytes.toString('base64'));
    expect(ok.code, ok.stderr).toBe(0);
    expect(fs.readFileSync(f.path).equals(newBytes)).toBe(true);
    expect(stateLine(stateOf(f.path))).toBe(stateLine(postStateOf(f)));
    expect(ok.stdout).toContain(`NOW ${stateLine(postStateOf(f))}`);
    // Again: the file is no longer in the planned pre-state: refused.
    const again = sh(fileWriteCommand(f), newBytes.toString('base64'));
    expect(again.code).toBe(CAS_EXIT);
    expect(fs.existsSync(f.temp)).toBe(false);
  });

  it('restores byte-identical from the backup, only from the state the fix left; removes a file the fix created', () => {
    const oldBytes = Buffer.from('services:\r\n  db: {}  # CRLF and a comment\r\n');
    const newBytes = Buffer.from('services:\r\n  db: {cap_drop: [ALL]}\r\n');
    const f = planned('-restore.yml', oldBytes, newBytes, 0o600);
    expect(sh(fileBackupCommand(f)).code).toBe(0);
    expect(sh(fileWriteCommand(f), newBytes.toString('base64')).code).toBe(0);
    // Someone edits it after the fix: the restore refuses and leaves it.
    fs.appendFileSync(f.path, '# later\n');
    const refused = sh(fileRestoreCommand(f));
    expect(refused.code).toBe(CAS_EXIT);
    expect(fs.readFileSync(f.path, 'utf8')).toContain('# later');
    fs.writeFileSync(f.path, newBytes);
    const ok = sh(fileRestoreCommand(f));
    expect(ok.code, ok.stderr).toBe(0);
    expect(fs.readFileSync(f.path).equals(oldBytes)).toBe(true);
    expect(stateOf(f.path)).toEqual(f.pre);
    // Already back: nothing to do, success.
    expect(sh(fileRestoreCommand(f)).code).toBe(0);

    const created = planned('.env', null, Buffer.from("K='v'\n"));
    expect(sh(fileBackupCommand(created)).code).toBe(0);
    expect(sh(fileWriteCommand(created), Buffer.from("K='v'\n").toString('base64')).code).toBe(0);
    expect(fs.statSync(created.path).mode & 0o777).toBe(0o600);
    expect(sh(fileRestoreCommand(created)).code).toBe(0);
    expect(fs.existsSync(created.path)).toBe(false);
  });

  it('envKeys lists the variable names of a .env, never values', () => {
    expect(envKeys("A=1\n# c\nexport B_2='x y'\n  C.d = z\nnot a line\n")).toEqual(['A', 'B_2', 'C.d']);
  });
});
