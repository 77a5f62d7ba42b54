// `rampart mail --host NAME`: the mail server by the name of its host profile in --db; its DKIM
// keys are read over SSH (src/main/mail/hostLink.ts).
import type { HostDkim } from '../main/mail/hostDkim';
import { readLinkedHostDkim } from '../main/mail/hostLink';
import { KeytarSecretStore, type SecretStore } from '../main/secrets/secretStore';
import type { Store } from '../main/store/store';
import type { RunError } from '../shared/domain';
import { CliError } from './connect';

export async function readHostDkim(
  store: Store,
  hostName: string,
  domain: string,
  opts: { signal?: AbortSignal | undefined; secrets?: SecretStore } = {},
): Promise<{ hostDkim: HostDkim } | { error: RunError }> {
  const host = store.findHostByName(hostName);
  if (!host) throw new CliError('HOST_NOT_FOUND', `--host: no host profile named "${hostName}" in the database`);
  return readLinkedHostDkim({ store, secrets: opts.secrets ?? new KeytarSecretStore() }, host.id, domain, opts.signal);
}
