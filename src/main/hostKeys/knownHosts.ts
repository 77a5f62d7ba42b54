// OpenSSH known_hosts (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): pure parsing and matching.
//   [@cert-authority|@revoked] patterns keytype base64-key [comment]
// patterns: comma-separated; `*` and `?` wildcards, `!` negation, `[addr]:port` for ports other
// than 22, hashed names `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
import { createHmac } from 'node:crypto';
import { keyTypeOf, sha256Fingerprint } from '../ssh/fingerprint';

export interface KnownHostEntry {
  /** 1-based line number in the file. */
  line: number;
  marker: 'cert-authority' | 'revoked' | null;
  /** The host field as written (comma-separated patterns, possibly hashed). */
  hosts: string;
  keyType: string;
  /** `SHA256:…` as `ssh-keygen -lf` prints. */
  fingerprint: string;
}

export interface ParsedKnownHosts {
  entries: KnownHostEntry[];
  /** Line numbers that are neither comments nor valid entries. */
  invalidLines: number[];
}

export function parseKnownHosts(text: string): ParsedKnownHosts {
  const entries: KnownHostEntry[] = [];
  const invalidLines: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@cert-authority') marker = 'cert-authority';
      else if (m === '@revoked') marker = 'revoked';
      else return void invalidLines.push(i + 1);
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return void invalidLines.push(i + 1);
    const blob = Buffer.from(b64, 'base64');
    // The blob names its own type; a mismatch means a damaged or hand-edited line.
    if (keyTypeOf(blob) !== keyType) return void invalidLines.push(i + 1);
    entries.push({ line: i + 1, marker, hosts, keyType, fingerprint: sha256Fingerprint(blob) });
  });
  return { entries, invalidLines };
}

/** The name known_hosts uses for an endpoint: `addr` on port 22, `[addr]:port` otherwise. */
export function knownHostName(address: string, port: number): string {
  return port === 22 ? address.toLowerCase() : `[${address.toLowerCase()}]:${port}`;
}

function wildcardMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|]/g, '\\$&')))
        .join('') +
      '$',
    's',
  );
  return re.test(name);
}

function hashedMatch(field: string, names: readonly string[]): boolean {
  const parts = field.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1' || !parts[2] || !parts[3]) return false;
  const salt = Buffer.from(parts[2], 'base64');
  const want = Buffer.from(parts[3], 'base64');
  return names.some((n) => {
    const got = createHmac('sha1', salt).update(n).digest();
    return got.length === want.length && got.equals(want);
  });
}

/** Whether a host field (patterns or one hashed name) covers address:port. */
export function hostFieldMatches(hosts: string, address: string, port: number): boolean {
  // OpenSSH writes plain names on port 22; `[addr]:22` is accepted too (same endpoint).
  const names = port === 22 ? [knownHostName(address, 22), `[${address.toLowerCase()}]:22`] : [knownHostName(address, port)];
  if (hosts.startsWith('|')) return hashedMatch(hosts, names);
  let positive = false;
  for (const raw of hosts.split(',')) {
    if (!raw) continue;
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (names.some((n) => wildcardMatch(pattern, n))) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

export interface PresentedHostKey {
  keyType: string;
  fingerprint: string;
}

export type KnownHostsVerdict =
  | { kind: 'match'; entry: KnownHostEntry }
  | { kind: 'revoked'; entry: KnownHostEntry }
  /** The file lists a key of the presented type for this host, and it is a different key. */
  | { kind: 'mismatch'; known: KnownHostEntry[] }
  /**
   * The file lists this host only with keys of other types. Not evidence of a change: the server
   * may simply hold several keys, and the SSH negotiation picked a type the file does not have.
   */
  | { kind: 'other-types'; known: KnownHostEntry[] }
  /** The file has no key for this host. */
  | { kind: 'absent' };

export function verifyKnownHost(entries: readonly KnownHostEntry[], address: string, port: number, presented: PresentedHostKey): KnownHostsVerdict {
  // @revoked applies to any host: a revoked key is never trusted.
  const revoked = entries.find((e) => e.marker === 'revoked' && e.fingerprint === presented.fingerprint && hostFieldMatches(e.hosts, address, port));
  if (revoked) return { kind: 'revoked', entry: revoked };
  // Certificate authorities would need host certificates; Rampart verifies plain keys only.
  const forHost = entries.filter((e) => e.marker === null && hostFieldMatches(e.hosts, address, port));
  const match = forHost.find((e) => e.fingerprint === presented.fingerprint);
  if (match) return { kind: 'match', entry: match };
  if (!forHost.length) return { kind: 'absent' };
  return forHost.some((e) => e.keyType === presented.keyType) ? { kind: 'mismatch', known: forHost } : { kind: 'other-types', known: forHost };
}
