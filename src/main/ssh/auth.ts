// Credentials for a host, from where its profile says they live: a key file (its passphrase, if
// any, in the keychain), a key imported into the OS keychain, or ssh-agent. Secrets are only
// ever held in memory for the connection; nothing here writes them anywhere but the keychain.
import fs from 'node:fs';
import os from 'node:os';
import type { Host } from '../../shared/domain';
import { RampartError } from '../../shared/errors';
import { hostSecretAccount, type SecretStore } from '../secrets/secretStore';
import type { Store } from '../store/store';
import { checkPrivateKey, loadIdentity, type Credentials } from './connection';

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? os.homedir() + p.slice(1) : p;
}

export async function resolveCredentials(host: Host, secrets: SecretStore, env: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  const passphrase = host.secrets.passphrase ? ((await secrets.get(hostSecretAccount(host.id, 'passphrase'))) ?? undefined) : undefined;
  if (host.secrets.passphrase && passphrase === undefined)
    throw new RampartError('KEYCHAIN_UNAVAILABLE', `The keychain has no passphrase for "${host.name}" although one was stored. Store it again in the host's settings.`);
  switch (host.auth) {
    case 'key-file': {
      if (!host.identityFile) throw new RampartError('IDENTITY_UNREADABLE', `"${host.name}" uses a key file, but no key file is set.`);
      return { privateKey: loadIdentity(host.identityFile, passphrase), passphrase, describe: [`the key ${host.identityFile}`] };
    }
    case 'keychain': {
      const key = await secrets.get(hostSecretAccount(host.id, 'private-key'));
      if (!key)
        throw new RampartError('IDENTITY_UNREADABLE', `The keychain has no private key for "${host.name}". Import the key again in the host's settings.`);
      checkPrivateKey(key, `the keychain key of "${host.name}"`, passphrase);
      return { privateKey: key, passphrase, describe: [`the key stored in the keychain for "${host.name}"`] };
    }
    case 'agent': {
      const sock = env.SSH_AUTH_SOCK;
      if (!sock)
        throw new RampartError('AUTH_REJECTED', `"${host.name}" uses ssh-agent, but SSH_AUTH_SOCK is not set: start ssh-agent and add the key (ssh-add), then start Rampart from that session.`, {
          methodsTried: [],
        });
      try {
        if (!fs.statSync(sock).isSocket()) throw new Error('not a socket');
      } catch {
        throw new RampartError('AUTH_REJECTED', `SSH_AUTH_SOCK points to ${sock}, which is not a running ssh-agent socket. Restart ssh-agent and add the key.`, { methodsTried: [] });
      }
      return { agent: sock, describe: ['the ssh-agent identities'] };
    }
  }
}

export interface KeyImport {
  privateKeyPath?: string | undefined;
  privateKey?: string | undefined;
  passphrase?: string | null | undefined;
}

/**
 * Copies a private key (and its passphrase) into the keychain and switches the host to keychain
 * authentication. The key is validated with the passphrase first, so a wrong passphrase or a
 * public key is refused before anything is stored.
 */
export async function importKeyToKeychain(store: Store, secrets: SecretStore, hostId: number, input: KeyImport): Promise<Host> {
  const host = store.getHost(hostId);
  let key: string;
  let label: string;
  if (input.privateKey !== undefined) {
    key = input.privateKey;
    label = 'the pasted key';
  } else if (input.privateKeyPath) {
    label = expandHome(input.privateKeyPath);
    try {
      key = fs.readFileSync(label, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new RampartError('IDENTITY_UNREADABLE', `Cannot read the private key ${label}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}.`);
    }
  } else throw new RampartError('VALIDATION', 'Give a private key file to import.');
  const passphrase = input.passphrase || undefined;
  checkPrivateKey(key, label, passphrase);
  await secrets.set(hostSecretAccount(hostId, 'private-key'), key);
  if (passphrase) await secrets.set(hostSecretAccount(hostId, 'passphrase'), passphrase);
  else await secrets.delete(hostSecretAccount(hostId, 'passphrase'));
  store.setSecretFlag(hostId, 'privateKey', true);
  store.setSecretFlag(hostId, 'passphrase', !!passphrase);
  return store.updateHost(host.id, { auth: 'keychain' });
}

/** Stores (or with null, removes) the host's sudo password in the keychain. */
export async function setSudoPassword(store: Store, secrets: SecretStore, hostId: number, password: string | null): Promise<Host> {
  store.getHost(hostId);
  if (password) await secrets.set(hostSecretAccount(hostId, 'sudo-password'), password);
  else await secrets.delete(hostSecretAccount(hostId, 'sudo-password'));
  return store.setSecretFlag(hostId, 'sudoPassword', !!password);
}

export async function getSudoPassword(host: Host, secrets: SecretStore): Promise<string | null> {
  if (!host.secrets.sudoPassword) return null;
  return secrets.get(hostSecretAccount(host.id, 'sudo-password'));
}

/** Deletes every keychain entry of the host (before the host itself is removed). */
export async function removeHostSecrets(store: Store, secrets: SecretStore, hostId: number): Promise<void> {
  store.getHost(hostId);
  for (const account of await secrets.accounts(`host:${hostId}:`)) await secrets.delete(account);
  for (const flag of ['privateKey', 'passphrase', 'sudoPassword'] as const) store.setSecretFlag(hostId, flag, false);
}
