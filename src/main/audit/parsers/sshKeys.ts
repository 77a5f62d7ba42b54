// Each user's ~/.ssh and authorized keys files: modes and owners, and the keys' types and sizes
// as `ssh-keygen -l` prints them. Records (see records.ts):
//   A  source  patterns           AuthorizedKeysFile patterns and where they came from
//   U  user  uid  home            every account with a home
//   P  user  active  path         an existing authorized keys file (active = named by AuthorizedKeysFile)
//   k  ssh-keygen line  path      one key of that file
//   S  STAT                       stat of a ~/.ssh folder or keys file
//   D  path                       could not be read/entered (permission denied)
import { parseRecords, parseStat, type FileStat } from './records';

export interface AuthorizedKey {
  /** Key size in bits (RSA modulus, DSA 1024, ECDSA curve size, 256 for Ed25519). */
  bits: number | null;
  /** RSA, DSA, ECDSA, ED25519, ECDSA-SK, ED25519-SK. */
  type: string;
  fingerprint: string;
  /** The key's comment, shortened. */
  comment: string;
}

export interface AuthorizedKeysFile {
  stat: FileStat;
  /** Named by sshd's AuthorizedKeysFile (false: a default location sshd is not configured to read). */
  active: boolean;
  keys: AuthorizedKey[];
}

export interface UserSsh {
  user: string;
  uid: number;
  home: string;
  sshDir: FileStat | null;
  files: AuthorizedKeysFile[];
}

export interface SshKeys {
  patterns: string[];
  patternSource: 'sshd-T' | 'config' | 'default';
  users: UserSsh[];
  denied: string[];
  truncated: boolean;
}

const KEYGEN_LINE = /^(\d+)\s+(\S+)\s+(.*?)\s*\(([A-Z0-9-]+)\)\s*$/;

export function parseKeygenLine(line: string): AuthorizedKey | null {
  const m = KEYGEN_LINE.exec(line.trim());
  if (!m) return null;
  const comment = m[3]!.trim();
  return {
    bits: Number(m[1]),
    fingerprint: m[2]!,
    comment: comment === 'no comment' ? '' : comment.slice(0, 80),
    type: m[4]!,
  };
}

export function parseSshKeys(body: string): SshKeys {
  const { records, truncated } = parseRecords(body);
  const out: SshKeys = { patterns: [], patternSource: 'default', users: [], denied: [], truncated };
  const users = new Map<string, UserSsh>();
  const stats = new Map<string, FileStat>();
  const files: Array<{ user: string; active: boolean; path: string }> = [];
  const keys = new Map<string, AuthorizedKey[]>();
  for (const r of records) {
    const kind = r[0];
    if (kind === 'A') {
      const src = r[1];
      out.patternSource = src === 'sshd-T' || src === 'config' ? src : 'default';
      out.patterns = r.slice(2).join('\t').split(/\s+/).filter(Boolean);
    } else if (kind === 'U' && r.length >= 4 && /^\d+$/.test(r[2]!) && !users.has(r[1]!)) {
      users.set(r[1]!, { user: r[1]!, uid: Number(r[2]), home: r.slice(3).join('\t'), sshDir: null, files: [] });
    } else if (kind === 'P' && r.length >= 4) {
      files.push({ user: r[1]!, active: r[2] === '1', path: r.slice(3).join('\t') });
    } else if (kind === 'k' && r.length >= 3) {
      const key = parseKeygenLine(r[1]!);
      const path = r.slice(2).join('\t');
      const list = keys.get(path) ?? [];
      if (key && list.length < 1000) list.push(key);
      keys.set(path, list);
    } else if (kind === 'S') {
      const st = parseStat(r.slice(1));
      if (st) stats.set(st.path, st);
    } else if (kind === 'D' && r[1]) {
      out.denied.push(r.slice(1).join('\t'));
    }
  }
  for (const u of users.values()) {
    const dir = stats.get(`${u.home.replace(/\/+$/, '')}/.ssh`);
    if (dir) u.sshDir = dir;
  }
  for (const f of files) {
    const u = users.get(f.user);
    const stat = stats.get(f.path);
    if (!u || !stat) continue;
    const existing = u.files.find((x) => x.stat.path === f.path);
    if (existing) existing.active ||= f.active;
    else u.files.push({ stat, active: f.active, keys: keys.get(f.path) ?? [] });
  }
  // Only accounts with something to judge: a ~/.ssh or an authorized keys file.
  out.users = [...users.values()].filter((u) => u.sshDir || u.files.length);
  out.denied = [...new Set(out.denied)];
  return out;
}
