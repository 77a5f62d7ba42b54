// Opening the SSH connection for a CLI audit: the target directly, or through --jump hosts (each
// reached through the previous one's TCP forwarding). Every hop's host key is settled first —
// pinned in the store, listed in --known-hosts, or accepted on first use with
// --accept-new-host-key — and connect() then enforces it inside the handshake, before any
// credential is offered.
import { probeHostKey, connect, type PresentedKey, type SshConnection } from '../main/ssh/connection';
import { walkChain } from '../main/ssh/chain';
import type { Store } from '../main/store/store';
import { RampartError } from '../shared/errors';
import { CliError } from './errors';
import { knownHostName, verifyKnownHost, type KnownHostEntry } from './knownHosts';
import { endpointText, type HopPlan } from './plan';
import type { HostKeySource } from './report';

/** Errors of the CLI itself that are not RampartErrors: `USAGE`, `HOST_KEY_REVOKED`, `TRIVY_REPORT_INVALID`… */
export { CliError };

export interface TrustSettings {
  /** Parsed --known-hosts file, with its path for messages. */
  knownHosts: { file: string; entries: KnownHostEntry[] } | null;
  acceptNewHostKey: boolean;
  /** --db path, for messages (null: in-memory store). */
  db: string | null;
}

export interface HopTrust {
  hop: HopPlan;
  source: HostKeySource;
  /** Pinned by this connection (first use under --accept-new-host-key). */
  newlyPinned: boolean;
  key: PresentedKey;
}

export interface OpenedChain {
  /** The target's connection; closing it closes the jump hosts. */
  conn: SshConnection;
  /** Per hop, jump hosts first, the target last. */
  trust: HopTrust[];
}

function describeKey(k: { keyType: string; fingerprint: string }): string {
  return `${k.fingerprint} (${k.keyType})`;
}

/**
 * Serializes work per endpoint, so concurrent audits of a fleet that share a jump host settle
 * and pin its key once, never racing two first-use acceptances (or known_hosts pins).
 */
export class EndpointLocks {
  private readonly tails = new Map<string, Promise<void>>();
  async with<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/**
 * Settles which key of `address:port` is trusted before connecting: verifies it against
 * --known-hosts, or explains an unknown key with the fingerprint the server presents (`probe`
 * reads it without authenticating).
 */
export async function decideHostKey(
  store: Store,
  endpoint: { address: string; port: number },
  trust: TrustSettings,
  probe: () => Promise<PresentedKey>,
  progress: (m: string) => void,
): Promise<HostKeySource> {
  const { address, port } = endpoint;
  const pinned = store.getPin(address, port);
  const where = `${address}:${port}`;

  if (trust.knownHosts) {
    const file = trust.knownHosts.file;
    progress(`Reading the host key of ${where}`);
    const presented = await probe();
    const verdict = verifyKnownHost(trust.knownHosts.entries, address, port, presented);
    switch (verdict.kind) {
      case 'revoked':
        throw new CliError(
          'HOST_KEY_REVOKED',
          `The host key of ${where}, ${describeKey(presented)}, is marked @revoked in ${file} (line ${verdict.entry.line}). Rampart refused to connect and sent no credentials.`,
          { presented: presented.fingerprint, keyType: presented.keyType, line: verdict.entry.line },
        );
      case 'absent':
        throw new RampartError(
          'HOST_KEY_UNKNOWN',
          `${file} has no key for ${knownHostName(address, port)}; the server presents ${describeKey(presented)}. Rampart refused to connect and sent no credentials. Verify the key out of band and add it to the file (e.g. from ssh-keyscan), or use --accept-new-host-key.`,
          { presented: presented.fingerprint, keyType: presented.keyType },
        );
      case 'mismatch':
        throw new RampartError(
          'HOST_KEY_CHANGED',
          `The host key of ${where} does not match ${file}: the server presents ${describeKey(presented)}; the file lists ${verdict.known
            .map((k) => `${describeKey(k)} (line ${k.line})`)
            .join(', ')}. Rampart refused to connect and sent no credentials.`,
          { presented: presented.fingerprint, keyType: presented.keyType, known: verdict.known.map((k) => k.fingerprint) },
        );
      case 'other-types':
        throw new RampartError(
          'HOST_KEY_UNKNOWN',
          `${file} lists ${knownHostName(address, port)} only with ${[...new Set(verdict.known.map((k) => k.keyType))].join(', ')} keys, but the server presents its ${presented.keyType} key, ${presented.fingerprint}. Rampart refused to connect and sent no credentials. Add that key to the file after verifying it (e.g. ssh-keyscan -t ${presented.keyType.replace(/^ssh-/, '').replace(/^ecdsa-sha2-nistp\d+$/, 'ecdsa')}).`,
          { presented: presented.fingerprint, keyType: presented.keyType, knownTypes: verdict.known.map((k) => k.keyType) },
        );
      case 'match':
        if (pinned && pinned.fingerprint !== presented.fingerprint)
          throw new RampartError(
            'HOST_KEY_CHANGED',
            `The host key of ${where} has CHANGED. Pinned in ${store.file}: ${describeKey(pinned)}; presented now: ${describeKey(presented)} (listed in ${file}, line ${verdict.entry.line}). Rampart refused to connect and sent no credentials; re-pin the new key in the app after verifying it.`,
            { pinned: pinned.fingerprint, presented: presented.fingerprint, keyType: presented.keyType },
          );
        // The verified key becomes the pin; connect() checks it again in the real handshake.
        if (!pinned) store.pinKey(address, port, presented.keyType, presented.fingerprint, false);
        return 'known-hosts';
    }
  }

  if (pinned) return 'pinned';
  if (trust.acceptNewHostKey) return 'accepted-new';
  // Unknown key and no consent: show what the server presents (probing sends no credentials).
  progress(`Reading the host key of ${where}`);
  let presented: PresentedKey;
  try {
    presented = await probe();
  } catch (e) {
    if (e instanceof RampartError) throw e;
    throw new RampartError('HOST_KEY_UNKNOWN', `The host key of ${where} is not known.`);
  }
  throw new RampartError(
    'HOST_KEY_UNKNOWN',
    `The host key of ${where} is not known${trust.db ? ` in ${trust.db}` : ''}: the server presents ${describeKey(presented)}. Rampart refused to log in. Verify the fingerprint out of band, then re-run with --accept-new-host-key, or pass --known-hosts FILE.`,
    { presented: presented.fingerprint, keyType: presented.keyType },
  );
}

/** " (jump host 1 of 2: root@10.0.0.1:22)" for hops before the target; "" for the target. */
export function hopLabel(hops: readonly HopPlan[], i: number): string {
  return i < hops.length - 1 ? ` (jump host ${i + 1} of ${hops.length - 1}: ${endpointText(hops[i]!)})` : '';
}

function withHop(e: unknown, hops: readonly HopPlan[], i: number): unknown {
  const label = hopLabel(hops, i);
  if (!label) return e;
  if (e instanceof RampartError) return new RampartError(e.code, `${e.message}${label}`, { ...(e.details ?? {}), jumpHost: endpointText(hops[i]!) });
  if (e instanceof CliError) return new CliError(e.code, `${e.message}${label}`, { ...(e.details ?? {}), jumpHost: endpointText(hops[i]!) });
  return e;
}

export interface ChainOptions {
  signal?: AbortSignal | undefined;
  progress?: (m: string) => void;
  /** Shared by the audits of a fleet (see EndpointLocks). */
  locks?: EndpointLocks;
}

/**
 * Logs in to `hops` in order (jump hosts first, the target last), each through the previous
 * one's forwarded TCP channel. Returns the target's connection; closing it, or any hop dropping,
 * closes the whole chain.
 */
export async function openChain(store: Store, hops: readonly HopPlan[], trust: TrustSettings, opts: ChainOptions = {}): Promise<OpenedChain> {
  if (!hops.length) throw new Error('openChain: no hops');
  const progress = opts.progress ?? (() => undefined);
  const locks = opts.locks ?? new EndpointLocks();
  const trusted: HopTrust[] = [];
  const conn = await walkChain(hops, {
    signal: opts.signal,
    withHop: (e, i) => withHop(e, hops, i),
    openHop: async (hop, i, via) => {
      const sock = async (): Promise<NodeJS.ReadWriteStream | undefined> => (via ? via.forwardOut(hop.address, hop.port) : undefined);
      const settleAndConnect = async (): Promise<SshConnection> => {
        const source = await decideHostKey(store, hop, trust, async () => probeHostKey(hop, { sock: await sock(), ...(opts.signal ? { signal: opts.signal } : {}) }), progress);
        const before = store.getPin(hop.address, hop.port);
        // (runAudit itself announces the connection to a host reached directly.)
        if (hops.length > 1) progress(`Connecting to ${endpointText(hop)}${i > 0 ? ` through ${endpointText(hops[i - 1]!)}` : ''}`);
        const c = await connect(
          { address: hop.address, port: hop.port, username: hop.username, identityFile: hop.identityFile },
          before
            ? { kind: 'pinned', pin: before }
            : { kind: 'accept-new', onAccept: (k) => void store.pinKey(hop.address, hop.port, k.keyType, k.fingerprint, false) },
          { sock: await sock(), ...(opts.signal ? { signal: opts.signal } : {}) },
        );
        trusted.push({ hop, source, newlyPinned: !before && !!store.getPin(hop.address, hop.port), key: c.hostKey });
        return c;
      };
      // Only a first use writes a pin: then one audit at a time settles this endpoint's key.
      return store.getPin(hop.address, hop.port) ? settleAndConnect() : locks.with(`${hop.address.toLowerCase()}:${hop.port}`, settleAndConnect);
    },
  });
  return { conn, trust: trusted };
}
