// Parsers for the host-hardening sections (issue 16 items 3, 7, 8 and CIS 5.1.3): mount options of
// the temporary folders, core dump limits, AppArmor, auditd, journald, login.defs and pam_unix,
// cron/at files, home folders, SSH/WireGuard/DKIM key files, block devices (encryption at rest) and
// restore-test records; and, from a second section, SUID/SGID files and listening programs with
// whether a Debian package owns them. Records as in records.ts (NUL-terminated, tab-separated).
// Pure; malformed records are skipped. No file content beyond the configuration lines named below
// ever arrives (login.defs keys, journald/coredump keys, `core` limit lines, pam_unix lines).
import { parseRecords, parseStat, type FileStat } from './records';

export interface MountEntry {
  /** As in /proc/self/mounts, octal escapes decoded. */
  mountpoint: string;
  fstype: string;
  options: string[];
}

/** One line of a configuration file the collector selected (comments already dropped on the host). */
export interface ConfigLine {
  file: string;
  line: string;
}

export interface BlockDevice {
  name: string;
  type: string;
  fstype: string | null;
  mountpoints: string[];
  children: BlockDevice[];
}

export type KeyRole = 'ssh-host-key' | 'ssh-host-pubkey' | 'wireguard' | 'dkim';

export interface HostHardening {
  /** Collector clock, seconds since the epoch. */
  now: number;
  mounts: MountEntry[];
  config: ConfigLine[];
  apparmor: { enabled: boolean | null; enforce: number | null; complain: number | null; profilesDenied: boolean };
  auditd: { installed: boolean; running: boolean; rules: number | null; rulesDenied: boolean; ruleFiles: number };
  journal: { persistentDir: boolean; installed: boolean };
  coredump: { systemdCoredump: boolean };
  cron: { daemons: string[]; files: FileStat[] };
  homes: Array<{ user: string; home: string; stat: FileStat | null }>;
  keys: Array<{ role: KeyRole; stat: FileStat }>;
  /** `lsblk -J` tree, or null when lsblk is missing or failed. */
  blockDevices: BlockDevice[] | null;
  /** /var/log files of restic, borg/borgmatic or a restore test (name only, with their stats). */
  restoreLogs: FileStat[];
  /** Keys and secret files older than this many days are reported (RAMPART_KEY_MAX_AGE_DAYS, set when parsed). */
  keyMaxAgeDays: number;
}

export const DEFAULT_KEY_MAX_AGE_DAYS = 365;

const decodeMount = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function keyRole(path: string): KeyRole | null {
  if (/^\/etc\/ssh\/ssh_host_[^/]*_key$/.test(path)) return 'ssh-host-key';
  if (/^\/etc\/ssh\/ssh_host_[^/]*_key\.pub$/.test(path)) return 'ssh-host-pubkey';
  if (/^\/etc\/wireguard\/[^/]+\.conf$/.test(path)) return 'wireguard';
  if (/^\/(etc\/opendkim|etc\/dkimkeys|var\/lib\/rspamd\/dkim|etc\/exim4\/dkim|etc\/rspamd\/dkim)\//.test(path)) return 'dkim';
  return null;
}

/** What the collector's /var/log globs pick: restic, borg(matic) and restore-test logs. */
const RESTORE_LOG = /^\/var\/log\/(?:[^/]+\/)?[^/]*(restic|borg|restore)[^/]*$/;

const isCron = (path: string): boolean => /^\/etc\/(crontab|cron\.(hourly|daily|weekly|monthly|d|allow|deny|yearly)|at\.(allow|deny))$/.test(path);

function parseBlock(v: unknown, depth = 0): BlockDevice | null {
  if (!v || typeof v !== 'object' || depth > 16) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.name !== 'string') return null;
  const mps = Array.isArray(o.mountpoints) ? o.mountpoints : [o.mountpoint];
  return {
    name: o.name,
    type: typeof o.type === 'string' ? o.type : '',
    fstype: typeof o.fstype === 'string' ? o.fstype : null,
    mountpoints: mps.filter((m): m is string => typeof m === 'string' && m !== ''),
    children: Array.isArray(o.children) ? o.children.map((c) => parseBlock(c, depth + 1)).filter((c): c is BlockDevice => c !== null) : [],
  };
}

export function parseHostHardening(body: string): HostHardening {
  const { records } = parseRecords(body);
  const out: HostHardening = {
    now: 0,
    mounts: [],
    config: [],
    apparmor: { enabled: null, enforce: null, complain: null, profilesDenied: false },
    auditd: { installed: false, running: false, rules: null, rulesDenied: false, ruleFiles: 0 },
    journal: { persistentDir: false, installed: false },
    coredump: { systemdCoredump: false },
    cron: { daemons: [], files: [] },
    homes: [],
    keys: [],
    blockDevices: null,
    restoreLogs: [],
    keyMaxAgeDays: DEFAULT_KEY_MAX_AGE_DAYS,
  };
  const homeOf = new Map<string, string[]>();
  const stats = new Map<string, FileStat>();
  const logStats: FileStat[] = [];
  for (const r of records) {
    const [kind, a = '', b = ''] = r;
    const rest = (i: number): string => r.slice(i).join('\t');
    switch (kind) {
      case 'N':
        if (/^\d+$/.test(a)) out.now = Number(a);
        break;
      case 'M': {
        const mp = decodeMount(a);
        const entry = { mountpoint: mp, fstype: b, options: (r[3] ?? '').split(',').filter(Boolean) };
        // The last mount over a path is the one in effect.
        out.mounts = out.mounts.filter((m) => m.mountpoint !== mp);
        out.mounts.push(entry);
        break;
      }
      case 'C':
        if (a.startsWith('/')) out.config.push({ file: a, line: rest(2).trim() });
        break;
      case 'AA':
        if (a === 'enabled') out.apparmor.enabled = /^y/i.test(b);
        else if (a === 'enforce' && /^\d+$/.test(b)) out.apparmor.enforce = Number(b);
        else if (a === 'complain' && /^\d+$/.test(b)) out.apparmor.complain = Number(b);
        else if (a === 'profiles' && b === 'denied') out.apparmor.profilesDenied = true;
        break;
      case 'AU':
        if (a === 'installed') out.auditd.installed = b === 'yes';
        else if (a === 'running') out.auditd.running = b === 'yes';
        else if (a === 'rules' && /^\d+$/.test(b)) out.auditd.rules = Number(b);
        else if (a === 'rules' && b === 'denied') out.auditd.rulesDenied = true;
        else if (a === 'rulefiles' && /^\d+$/.test(b)) out.auditd.ruleFiles = Number(b);
        break;
      case 'J':
        if (a === 'dir') out.journal.persistentDir = b === 'yes';
        else if (a === 'journald') out.journal.installed = b === 'yes';
        break;
      case 'CD':
        if (a === 'systemd-coredump') out.coredump.systemdCoredump = b === 'yes';
        break;
      case 'CRON':
        if (a && !out.cron.daemons.includes(a)) out.cron.daemons.push(a);
        break;
      case 'H': {
        const home = rest(2);
        if (home.startsWith('/')) homeOf.set(home, [...(homeOf.get(home) ?? []), a]);
        break;
      }
      case 'S': {
        const s = parseStat(r.slice(1));
        if (s && !stats.has(s.path)) stats.set(s.path, s);
        break;
      }
      case 'B':
        try {
          const j = JSON.parse(rest(1)) as { blockdevices?: unknown };
          if (Array.isArray(j.blockdevices)) out.blockDevices = j.blockdevices.map((d) => parseBlock(d)).filter((d): d is BlockDevice => d !== null);
        } catch {
          out.blockDevices = null;
        }
        break;
    }
  }
  for (const s of stats.values()) {
    const role = keyRole(s.path);
    if (role) out.keys.push({ role, stat: s });
    else if (isCron(s.path)) out.cron.files.push(s);
    else if (RESTORE_LOG.test(s.path)) logStats.push(s);
  }
  for (const [home, users] of homeOf) for (const user of users) out.homes.push({ user, home, stat: stats.get(home) ?? null });
  out.restoreLogs = logStats;
  return out;
}

// ---------------------------------------------------------------------------------------------
// login.defs / journald / coredump / limits / pam_unix, from the selected config lines

/** login.defs keys (last value wins, as shadow-utils reads them). */
export function loginDefs(h: HostHardening): Record<string, string> {
  const o: Record<string, string> = {};
  for (const c of h.config) {
    if (c.file !== '/etc/login.defs') continue;
    const m = /^(\S+)\s+(\S+)/.exec(c.line);
    if (m) o[m[1]!.toUpperCase()] = m[2]!;
  }
  return o;
}

/**
 * A systemd INI key as systemd reads it: the main file, then drop-ins in the order collected
 * (the collector lists them sorted), last assignment wins. `prefix` is "/etc/systemd/journald.conf".
 */
export function systemdKey(h: HostHardening, prefix: string, key: string): { value: string; file: string } | null {
  let found: { value: string; file: string } | null = null;
  for (const c of h.config) {
    if (c.file !== prefix && !c.file.startsWith(`${prefix}.d/`)) continue;
    const m = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(c.line);
    if (m && m[1] === key) found = { value: m[2]!.trim(), file: c.file };
  }
  return found;
}

export interface CoreLimit {
  file: string;
  domain: string;
  type: string;
  value: string;
}

/** `core` lines of limits.conf and limits.d. */
export function coreLimits(h: HostHardening): CoreLimit[] {
  const out: CoreLimit[] = [];
  for (const c of h.config) {
    if (c.file !== '/etc/security/limits.conf' && !c.file.startsWith('/etc/security/limits.d/')) continue;
    const f = c.line.split(/\s+/);
    if (f.length >= 4 && f[2] === 'core') out.push({ file: c.file, domain: f[0]!, type: f[1]!, value: f[3]! });
  }
  return out;
}

/** pam_unix lines of common-password / common-auth. */
export function pamUnixLines(h: HostHardening, file: 'common-password' | 'common-auth'): string[] {
  return h.config.filter((c) => c.file === `/etc/pam.d/${file}` && /pam_unix\.so/.test(c.line)).map((c) => c.line);
}

// ---------------------------------------------------------------------------------------------
// Package ownership: SUID/SGID files and listening programs

export interface SpecialFile {
  path: string;
  mode: number;
  uid: number;
  owner: string;
}

export interface ListeningProgram {
  pid: number;
  /** readlink /proc/PID/exe, without a " (deleted)" suffix ('' when hidden or gone). */
  exe: string;
  /** The running binary was replaced or removed since it started (an upgrade not yet restarted). */
  deleted: boolean;
  comm: string;
  /** The process's cgroup names a container runtime: its exe path is inside the container. */
  container: boolean;
}

export interface Ownership {
  /** dpkg's file lists exist (a Debian/Ubuntu host). */
  dpkg: boolean;
  special: SpecialFile[];
  listening: ListeningProgram[];
  /** Paths (as found) that a package's file list names. */
  owned: Set<string>;
  /** Folders searched for SUID/SGID files. */
  searched: string[];
  /** The SUID/SGID list reached its cap. */
  truncated: boolean;
  /** A SUID/SGID walk was stopped by the section time limit (its list is incomplete). */
  timedOut: boolean;
  /** A walk ended with another error (find exits 1 when it could not enter a folder). */
  walkIncomplete: boolean;
}

/** The usrmerge aliases under which dpkg may list a path (/usr/bin/su may be listed as /bin/su). */
export function dpkgAliases(path: string): string[] {
  const m = /^\/usr\/(bin|sbin|lib|lib32|lib64|libx32)(\/.*)$/.exec(path);
  const out = [path];
  if (m) out.push(`/${m[1]}${m[2]}`);
  const n = /^\/(bin|sbin|lib|lib32|lib64|libx32)(\/.*)$/.exec(path);
  if (n) out.push(`/usr/${n[1]}${n[2]}`);
  return out;
}

/** SUID/SGID files listed at most. */
export const MAX_SPECIAL = 5000;

const SPECIAL = /^U\t([0-7]{1,5})\t(\d+)\t([^\t]*)\t(\/.*)$/;

/**
 * Lines: "DPKG yes|no", "W folder", "U mode uid owner path" (a path with a newline continues on
 * the next line, which is not a record), "FINDRC status" after each walk (124/143: timed out),
 * "L pid container|host comm exe", then "OWNED" and the
 * matching lines of dpkg's file lists.
 */
export function parseOwnership(body: string): Ownership {
  const out: Ownership = { dpkg: false, special: [], listening: [], owned: new Set(), searched: [], truncated: false, timedOut: false, walkIncomplete: false };
  const ownedRaw = new Set<string>();
  let inOwned = false;
  let last: SpecialFile | null = null;
  for (const line of body.split('\n')) {
    if (inOwned) {
      if (line.startsWith('/')) ownedRaw.add(line);
      continue;
    }
    if (line === 'OWNED') {
      inOwned = true;
      continue;
    }
    const f = line.split('\t');
    const sm = SPECIAL.exec(line);
    if (sm) {
      last = { mode: parseInt(sm[1]!, 8) & 0o7777, uid: Number(sm[2]), owner: sm[3] || sm[2]!, path: sm[4]! };
      if (out.special.length < MAX_SPECIAL) out.special.push(last);
      else out.truncated = true;
      continue;
    }
    if (/^FINDRC \d+$/.test(line)) {
      if (/ (124|143)$/.test(line)) out.timedOut = true;
      else if (!/ 0$/.test(line)) out.walkIncomplete = true;
      last = null;
      continue;
    }
    if (f[0] === 'DPKG') out.dpkg = f[1] === 'yes';
    else if (f[0] === 'W' && f[1]?.startsWith('/')) out.searched.push(f.slice(1).join('\t'));
    else if (f[0] === 'L' && /^\d+$/.test(f[1] ?? '') && f.length >= 5) {
      const raw = f.slice(4).join('\t');
      const deleted = raw.endsWith(' (deleted)');
      out.listening.push({ pid: Number(f[1]), container: f[2] === 'container', comm: f[3]!, exe: deleted ? raw.slice(0, -' (deleted)'.length) : raw, deleted });
      last = null;
    } else if (last && line !== '') last.path += `\n${line}`; // a file name with a newline
  }
  for (const p of [...out.special.map((s) => s.path), ...out.listening.map((l) => l.exe)]) if (p && dpkgAliases(p).some((x) => ownedRaw.has(x))) out.owned.add(p);
  return out;
}
