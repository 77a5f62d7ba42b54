// The dead-man switch of the lockout guard (issue 11): armed on the host BEFORE a change that can
// cut the admin off (an sshd setting), it restores the backed-up files and reloads what was
// changed after N seconds, unless Rampart disarms it once a NEW connection proved that access
// still works. It runs on the host alone, so it reverts the change even when Rampart is gone
// (killed, the network cut, the laptop closed).
//
// Two timers, chosen on the host when armed:
// - where systemd is PID 1: a transient unit, `systemd-run --on-active=Ns --unit=rampart-deadman-
//   <job>-<fix> /bin/sh SCRIPT`; disarm stops its .timer and .service;
// - otherwise (containers, these lab machines): `setsid nohup sh -c 'sleep N; exec /bin/sh SCRIPT'`
//   in the background, its pid (the leader of its own session and process group) written to a
//   root-only file in the job's backup folder; disarm kills exactly that process (and its sleep),
//   after checking the pid file and that /proc/PID/cmdline names this job's script (a recycled
//   pid is never killed).
//
// Disarming and firing exclude each other through one `mkdir` of a lock folder (atomic): the
// restore script takes it first thing and exits if it cannot, and disarm takes it before it kills
// the timer. So a timer that fires while being disarmed either restores completely (disarm reports
// FIRED: the host is back as before the change) or not at all; never half.
//
// The restore script is written into the job's backup folder (root-only, mode 700) and is
// idempotent: a file already back as it was is left alone, a file the change created is removed,
// then the service is reloaded. It records when it ran in a `fired` file.
import { shQuote } from '../ssh/quote';
import type { FileState } from './types';

const q = shQuote;

/** Default confirm window (seconds) when the admin does not set one. */
export const DEFAULT_DEADMAN_SECONDS = 120;

export type DeadmanKind = 'systemd' | 'setsid';

/** One file the switch puts back: from its byte copy in the backup folder, or removed when the change created it. */
export interface DeadmanFile {
  path: string;
  /** Its state before the change (absent: the change created it, the restore removes it). */
  pre: FileState;
  /** The byte copy in the backup folder; null when pre is absent. */
  backup: string | null;
  /** Temp file of the atomic restore (same folder as the file). */
  temp: string;
}

export interface DeadmanSpec {
  jobId: string;
  fixIndex: number;
  /** The job's root-only backup folder on the host (must exist when armed). */
  backupDir: string;
  seconds: number;
  files: readonly DeadmanFile[];
  /** Shell that reloads what was changed (runs as root on the host, after the files are back). */
  reload: string;
}

/** Where the switch keeps its script, pid, kind, lock and fired marker (all in the backup folder). */
export function deadmanPaths(backupDir: string, fixIndex: number): { script: string; pid: string; kind: string; lock: string; fired: string; log: string } {
  const b = `${backupDir}/deadman-${fixIndex}`;
  return { script: `${b}.sh`, pid: `${b}.pid`, kind: `${b}.kind`, lock: `${b}.lock`, fired: `${b}.fired`, log: `${b}.log` };
}

/** systemd unit name: only [A-Za-z0-9-] (the job id is a UUID; anything else is dropped). */
export function deadmanUnit(jobId: string, fixIndex: number): string {
  return `rampart-deadman-${jobId.replace(/[^A-Za-z0-9-]/g, '')}-${fixIndex}`;
}

function modeText(m: number): string {
  return (m & 0o7777).toString(8);
}

/** sh: is PID alive (not a zombie)? */
const ALIVE_FN = `alive() { [ -r "/proc/$1/stat" ] || return 1; _st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1); [ -n "$_st" ] && [ "$_st" != Z ]; }`;

/** The script the timer runs (as root): restore each file unless already as before, then reload. Idempotent. */
export function deadmanScript(spec: DeadmanSpec): string {
  const p = deadmanPaths(spec.backupDir, spec.fixIndex);
  const lines = [
    '#!/bin/sh',
    `# Rampart dead-man switch: job ${spec.jobId}, fix ${spec.fixIndex + 1}. Puts the files back as they were before the`,
    '# change and reloads, unless Rampart disarmed it (then the lock folder exists and this exits).',
    'umask 077',
    `mkdir -- ${q(p.lock)} 2>/dev/null || exit 0`,
    'ok=0',
  ];
  for (const f of spec.files) {
    if (f.pre.kind === 'absent') {
      lines.push(`rm -f -- ${q(f.path)} || ok=1`);
      continue;
    }
    if (f.pre.kind !== 'present' || !f.backup) continue;
    const pre = f.pre;
    lines.push(
      `h=$(sha256sum < ${q(f.path)} 2>/dev/null); h=\${h%% *}; o=$(stat -c '%a %u %g' -- ${q(f.path)} 2>/dev/null)`,
      `if [ -L ${q(f.path)} ] || [ "$h" != ${q(pre.sha256)} ] || [ "$o" != ${q(`${modeText(pre.mode)} ${pre.uid} ${pre.gid}`)} ]; then`,
      `  rm -f -- ${q(f.temp)}; cp -- ${q(f.backup)} ${q(f.temp)} && chown ${pre.uid}:${pre.gid} -- ${q(f.temp)} && chmod ${modeText(pre.mode)} -- ${q(f.temp)} && mv -f -- ${q(f.temp)} ${q(f.path)} || { rm -f -- ${q(f.temp)}; ok=1; }`,
      'fi',
    );
  }
  lines.push(`( ${spec.reload} ) || ok=1`, `printf '%s exit=%s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$ok" > ${q(p.fired)}`, `rm -f -- ${q(p.pid)}`, 'exit $ok', '');
  return lines.join('\n');
}

/**
 * Arms the switch (as root; the script on stdin). Prints "ARMED systemd UNIT" or "ARMED setsid PID".
 * Exit 4: the backup folder is missing or the script could not be written; 5: systemd-run failed;
 * 6: the background timer did not start as the leader of its own session.
 */
export function armCommand(spec: DeadmanSpec): string {
  const p = deadmanPaths(spec.backupDir, spec.fixIndex);
  const n = Math.max(1, Math.floor(spec.seconds));
  const unit = deadmanUnit(spec.jobId, spec.fixIndex);
  return [
    ALIVE_FN,
    'umask 077',
    `d=${q(spec.backupDir)}; s=${q(p.script)}; pf=${q(p.pid)}; kf=${q(p.kind)}`,
    `[ -d "$d" ] && [ ! -L "$d" ] || { echo 'no backup folder' >&2; exit 4; }`,
    `rm -rf -- ${q(p.lock)} ${q(p.fired)} "$pf" "$kf"`,
    `cat > "$s" && chmod 700 -- "$s" || exit 4`,
    `if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] && command -v systemd-run >/dev/null 2>&1; then`,
    `  systemd-run --quiet --collect --on-active=${n}s --unit=${q(unit)} --description='Rampart dead-man switch (job ${spec.jobId.replace(/[^A-Za-z0-9-]/g, '')})' /bin/sh "$s" || exit 5`,
    `  echo systemd > "$kf"; echo "ARMED systemd ${unit}"`,
    'else',
    // No job control here: the background child is not a process-group leader, so setsid does not
    // fork and $! is the timer itself (checked below: it leads its own session).
    `  setsid nohup sh -c 'sleep ${n}; exec /bin/sh "$0"' "$s" >/dev/null 2>&1 </dev/null &`,
    '  pid=$!',
    `  echo "$pid" > "$pf"; echo setsid > "$kf"`,
    `  i=0; while [ $i -lt 30 ]; do sid=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f4); [ "$sid" = "$pid" ] && break; sleep 0.1; i=$((i+1)); done`,
    `  if ! alive "$pid" || [ "$sid" != "$pid" ]; then echo "timer $pid is not a session leader (sid $sid)" >&2; kill "$pid" 2>/dev/null; exit 6; fi`,
    '  echo "ARMED setsid $pid"',
    'fi',
  ].join('\n');
}

/**
 * Disarms (as root). Prints one of: "DISARMED systemd|setsid …" (stopped; nothing will be
 * restored), "FIRED <when> exit=<n>" (the timer already restored: the change is undone),
 * "NONE" (never armed). Exit 5: the timer could not be stopped.
 */
export function disarmCommand(spec: Pick<DeadmanSpec, 'jobId' | 'fixIndex' | 'backupDir'>): string {
  const p = deadmanPaths(spec.backupDir, spec.fixIndex);
  const unit = deadmanUnit(spec.jobId, spec.fixIndex);
  return [
    ALIVE_FN,
    'umask 077',
    `s=${q(p.script)}; pf=${q(p.pid)}; kf=${q(p.kind)}; lk=${q(p.lock)}; fd=${q(p.fired)}`,
    'kind=$(cat "$kf" 2>/dev/null)',
    `fired() { i=0; while [ ! -f "$fd" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; printf 'FIRED %s\\n' "$(cat "$fd" 2>/dev/null)"; exit 0; }`,
    `[ -n "$kind" ] || { if [ -f "$fd" ]; then fired; fi; if [ -d "$lk" ]; then echo 'DISARMED already'; exit 0; fi; echo NONE; exit 0; }`,
    // The lock: whoever takes it first wins (the script restores, or disarm stops it).
    'mkdir -- "$lk" 2>/dev/null || fired',
    'if [ "$kind" = systemd ]; then',
    `  systemctl stop ${q(`${unit}.timer`)} 2>/dev/null; systemctl stop ${q(`${unit}.service`)} 2>/dev/null`,
    `  rm -f -- "$kf"; echo "DISARMED systemd ${unit}"; exit 0`,
    'fi',
    'pid=$(cat "$pf" 2>/dev/null)',
    `case "$pid" in ''|*[!0-9]*) rm -f -- "$kf"; echo 'DISARMED setsid (no timer process)'; exit 0;; esac`,
    // Only our timer: its cmdline must name this job's script (a recycled pid is left alone).
    `if alive "$pid" && tr '\\0' '\\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$s"; then`,
    // The sh first (so it never reaches the restore), then its sleep (dash's kill takes no -PGID).
    '  kids=$(cat "/proc/$pid/task/"*/children 2>/dev/null); kill -TERM "$pid" 2>/dev/null; for c in $kids; do kill -TERM "$c" 2>/dev/null; done',
    '  i=0; while alive "$pid" && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done',
    `  alive "$pid" && { echo "timer $pid did not stop" >&2; exit 5; }`,
    'fi',
    `rm -f -- "$pf" "$kf"; echo "DISARMED setsid $pid"`,
  ].join('\n');
}

export type ArmResult = { ok: true; kind: DeadmanKind; handle: string } | { ok: false; message: string };

export function parseArm(res: { code: number | null; stdout: string; stderr: string }): ArmResult {
  const m = /^ARMED (systemd|setsid) (\S+)$/m.exec(res.stdout);
  if (res.code === 0 && m) return { ok: true, kind: m[1] as DeadmanKind, handle: m[2]! };
  return { ok: false, message: `exit ${res.code}: ${(res.stderr || res.stdout).trim().slice(0, 300) || 'no output'}` };
}

export type DisarmResult = { kind: 'disarmed'; detail: string } | { kind: 'fired'; detail: string } | { kind: 'none' } | { kind: 'error'; message: string };

export function parseDisarm(res: { code: number | null; stdout: string; stderr: string }): DisarmResult {
  const fired = /^FIRED (.*)$/m.exec(res.stdout);
  if (res.code === 0 && fired) return { kind: 'fired', detail: fired[1]!.trim() };
  const d = /^DISARMED (.*)$/m.exec(res.stdout);
  if (res.code === 0 && d) return { kind: 'disarmed', detail: d[1]!.trim() };
  if (res.code === 0 && /^NONE$/m.test(res.stdout)) return { kind: 'none' };
  return { kind: 'error', message: `exit ${res.code}: ${(res.stderr || res.stdout).trim().slice(0, 300) || 'no output'}` };
}
