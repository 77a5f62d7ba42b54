// The shell the file fixes run on the host. Every path is quoted with shQuote; paths never come
// back in the output (each answer is keyed by its index), so a file name with a newline cannot
// forge a line. Each mutation re-reads the file's state in the same command and refuses unless it
// is exactly what the caller expects (compare-and-swap), then prints the state it left.
import { shQuote } from '../ssh/quote';
import type { FileState, Ownership, PresentState } from './types';

/**
 * sh function: `st PATH` prints "L" (symlink: never followed), "A" (absent), or
 * "MODE UID GID TYPE SHA256" (sha256 of regular files only, "-" otherwise, "?" if unreadable).
 */
export const ST_FN =
  `st() { if [ -L "$1" ]; then echo L; elif [ ! -e "$1" ]; then echo A; else ` +
  `t=o; if [ -f "$1" ]; then t=f; elif [ -d "$1" ]; then t=d; fi; h=-; ` +
  `if [ "$t" = f ]; then h=$(sha256sum < "$1" 2>/dev/null) || h=?; h=\${h%% *}; [ -n "$h" ] || h=?; fi; ` +
  `printf '%s %s %s\\n' "$(stat -c '%a %u %g' -- "$1")" "$t" "$h"; fi; }`;

export function modeOctal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** The line `st` prints for a state (what a compare-and-swap compares against). */
export function stateLine(s: FileState): string {
  if (s.kind === 'absent') return 'A';
  if (s.kind === 'symlink') return 'L';
  // stat %a prints no leading zeros.
  return `${(s.mode & 0o7777).toString(8)} ${s.uid} ${s.gid} ${s.type} ${s.sha256}`;
}

export function parseStateLine(line: string): FileState | null {
  const t = line.trim();
  if (t === 'A') return { kind: 'absent' };
  if (t === 'L') return { kind: 'symlink' };
  const m = /^([0-7]{1,5}) (\d+) (\d+) ([fdo]) ([0-9a-f]{64}|-|\?)$/.exec(t);
  if (!m) return null;
  return { kind: 'present', mode: parseInt(m[1]!, 8) & 0o7777, uid: Number(m[2]), gid: Number(m[3]), type: m[4] as 'f' | 'd' | 'o', sha256: m[5]! };
}

export function sameState(a: FileState, b: FileState): boolean {
  return stateLine(a) === stateLine(b);
}

export function describeState(s: FileState): string {
  if (s.kind === 'absent') return 'absent';
  if (s.kind === 'symlink') return 'a symbolic link';
  return `${s.type === 'd' ? 'folder ' : ''}${modeOctal(s.mode)} uid ${s.uid} gid ${s.gid}`;
}

/** The state a target has after the fix: same content and type, the new mode and owner. */
export function postState(pre: PresentState, post: Ownership): PresentState {
  return { ...pre, mode: post.mode, uid: post.uid, gid: post.gid };
}

/** Reads the state of each path: one line "INDEX STATE" per path. */
export function captureCommand(paths: readonly string[]): string {
  return [ST_FN, ...paths.map((p, i) => `printf '%s ' ${i}; st ${shQuote(p)}`)].join('\n');
}

export function parseCapture(stdout: string, count: number): FileState[] {
  const out: Array<FileState | undefined> = new Array(count);
  for (const line of stdout.split('\n')) {
    const m = /^(\d+) (.*)$/.exec(line);
    if (!m) continue;
    const i = Number(m[1]);
    const s = parseStateLine(m[2]!);
    if (i < count && s) out[i] = s;
  }
  const missing = out.findIndex((s) => s === undefined);
  if (missing >= 0 || out.length !== count) throw new Error(`the host did not report the state of path #${missing} (output: ${stdout.slice(0, 200)})`);
  return out as FileState[];
}

/** Exit status of a set command whose compare-and-swap found another state. */
export const CAS_EXIT = 3;

/**
 * Sets `to` on `path` only if its state is exactly `expect` (chown first: it may clear setuid
 * bits, which chmod then sets). Prints "CAS <state>" and exits 3 when it is not; "NOW <state>"
 * after the change.
 */
export function setCommand(path: string, expect: FileState, to: Ownership): string {
  return [
    ST_FN,
    `p=${shQuote(path)}`,
    `cur=$(st "$p")`,
    `if [ "$cur" != ${shQuote(stateLine(expect))} ]; then printf 'CAS %s\\n' "$cur"; exit ${CAS_EXIT}; fi`,
    `chown ${to.uid}:${to.gid} -- "$p" && chmod ${modeOctal(to.mode)} -- "$p" || exit 4`,
    `printf 'NOW %s\\n' "$(st "$p")"`,
  ].join('\n');
}

export type SetOutcome = { kind: 'done'; now: FileState } | { kind: 'cas'; found: FileState | null } | { kind: 'error'; message: string };

export function parseSetOutput(res: { stdout: string; stderr: string; code: number | null }): SetOutcome {
  const cas = /^CAS (.*)$/m.exec(res.stdout);
  if (res.code === CAS_EXIT && cas) return { kind: 'cas', found: parseStateLine(cas[1]!) };
  const now = /^NOW (.*)$/m.exec(res.stdout);
  const state = now ? parseStateLine(now[1]!) : null;
  if (res.code === 0 && state) return { kind: 'done', now: state };
  return { kind: 'error', message: `exit ${res.code}: ${(res.stderr || res.stdout).trim().slice(0, 300) || 'no output'}` };
}

/**
 * Creates the job's backup folder (root-only, 0700, parents too; an existing one is refused so
 * every job has its own) and writes `restore.sh` from stdin: the commands that put back the modes
 * and owners the files had (no file content: a chmod/chown fix only needs those).
 */
export function backupCommand(backupDir: string): string {
  const parent = backupDir.slice(0, backupDir.lastIndexOf('/')) || '/';
  return [
    'umask 077',
    `b=${shQuote(parent)}`,
    `j=${shQuote(backupDir)}`,
    `for d in "$b" "$j"; do if [ -L "$d" ]; then echo "refusing: $d is a symbolic link" >&2; exit 5; fi; done`,
    `mkdir -p -- "$b" || exit 5`,
    // restore.sh is meant to be run as root: a folder someone else owns could have it swapped.
    `if [ "$(stat -c %u -- "$b")" != "$(id -u)" ]; then echo "refusing: $b is not owned by uid $(id -u)" >&2; exit 5; fi`,
    `chmod 700 -- "$b" && mkdir -m 700 -- "$j" || exit 5`,
    `cat > "$j/restore.sh" && chmod 600 -- "$j/restore.sh" || exit 5`,
    `printf 'OK\\n'`,
  ].join('\n');
}

/** restore.sh: POSIX sh that puts back each pre-state mode and owner (as root). */
export function restoreScript(jobId: string, targets: ReadonlyArray<{ path: string; pre: PresentState }>): string {
  return [
    '#!/bin/sh',
    `# Rampart job ${jobId.replace(/[^A-Za-z0-9-]/g, '')}: puts back the modes and owners the files had before the job.`,
    '# Run as root: sh restore.sh',
    'set -e',
    ...targets.map((t) => `chown ${t.pre.uid}:${t.pre.gid} -- ${shQuote(t.path)} && chmod ${modeOctal(t.pre.mode)} -- ${shQuote(t.path)}`),
    '',
  ].join('\n');
}

/** Default parent of the per-job backup folders on the host. */
export const BACKUP_ROOT = '/var/lib/rampart/backups';
