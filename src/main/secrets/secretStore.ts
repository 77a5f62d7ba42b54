// Secrets (private keys, passphrases, sudo passwords) live only in the OS keychain, reached
// through keytar: macOS Keychain, Windows Credential Vault, Secret Service (gnome-keyring,
// KWallet) on Linux. There is deliberately no plaintext fallback: when no keychain is reachable
// the caller gets a KEYCHAIN_UNAVAILABLE error saying what to install or unlock.
import { createRequire } from 'node:module';
import type * as KeytarModule from 'keytar';
import { RampartError } from '../../shared/errors';

export const SECRET_SERVICE = 'rampart';

export type HostSecretKind = 'private-key' | 'passphrase' | 'sudo-password';

/** One keychain account per host secret: `host:<id>:<kind>`. */
export function hostSecretAccount(hostId: number, kind: HostSecretKind): string {
  if (!Number.isInteger(hostId) || hostId <= 0) throw new RangeError(`invalid host id ${hostId}`);
  return `host:${hostId}:${kind}`;
}

export interface SecretStore {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /** Account names (never the secrets) whose name starts with `prefix`. */
  accounts(prefix?: string): Promise<string[]>;
}

type Keytar = typeof KeytarModule;

const MAX_SECRET_BYTES = 64 * 1024;

export class KeytarSecretStore implements SecretStore {
  private keytar: Keytar | null = null;

  constructor(private readonly service: string = SECRET_SERVICE) {}

  private load(): Keytar {
    if (this.keytar) return this.keytar;
    try {
      // keytar is a native CommonJS addon; loading it lazily keeps the CLI usable without it.
      this.keytar = createRequire(import.meta.url)('keytar') as Keytar;
      return this.keytar;
    } catch (e) {
      throw new RampartError('KEYCHAIN_UNAVAILABLE', `The keychain module (keytar) cannot be loaded: ${(e as Error).message}. Reinstall Rampart (npm ci) on this machine.`);
    }
  }

  private async call<T>(what: string, fn: (k: Keytar) => Promise<T>): Promise<T> {
    const k = this.load();
    try {
      return await fn(k);
    } catch (e) {
      throw keychainError(what, e);
    }
  }

  get(account: string): Promise<string | null> {
    return this.call('read a secret from', (k) => k.getPassword(this.service, account));
  }

  set(account: string, secret: string): Promise<void> {
    if (Buffer.byteLength(secret) > MAX_SECRET_BYTES) return Promise.reject(new RangeError('secret is larger than 64 KiB'));
    return this.call('store a secret in', (k) => k.setPassword(this.service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return this.call('delete a secret from', (k) => k.deletePassword(this.service, account));
  }

  async accounts(prefix = ''): Promise<string[]> {
    const all = await this.call('list secrets in', (k) => k.findCredentials(this.service));
    return all.map((c) => c.account).filter((a) => a.startsWith(prefix)).sort();
  }
}

/** Turns libsecret/Keychain failures into one message that says what to do. Never includes secrets. */
export function keychainError(what: string, e: unknown): RampartError {
  const raw = e instanceof Error ? e.message : String(e);
  let hint: string;
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Failed to connect to socket|Could not connect|dbus/i.test(raw))
    hint =
      'No D-Bus session bus is reachable, so there is no Secret Service. Run Rampart inside a desktop session, or start one ' +
      '(e.g. `dbus-run-session -- sh`), and install a Secret Service provider such as gnome-keyring (apt-get install gnome-keyring).';
  else if (/collection\/login|locked|unlock|No such secret collection|prompt/i.test(raw))
    hint = 'The keyring is locked or has no default collection. Unlock it (log in to the desktop, or `gnome-keyring-daemon --unlock`) and try again.';
  else if (/org\.freedesktop\.secrets|ServiceUnknown|was not provided by any \.service files/i.test(raw))
    hint = 'No Secret Service provider is running on the session bus. Install and start gnome-keyring (or KWallet with its Secret Service bridge).';
  else hint = 'Check that the system keychain is installed, running and unlocked.';
  return new RampartError('KEYCHAIN_UNAVAILABLE', `Rampart could not ${what} the system keychain: ${raw}. ${hint} Rampart never stores secrets in plain text instead.`);
}
