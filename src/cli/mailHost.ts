// `rampart mail --host NAME`: the DKIM keys of the mail server, read over SSH from its saved host
// profile (pinned host key, jump chain, credentials and sudo as the profile says; see
// src/main/ssh/hostConnect.ts). A host that cannot be reached or read makes the run partial
// (an error in the report), never a silent pass.
import { collectHostDkim, type HostDkim } from '../main/mail/hostDkim';
import { KeytarSecretStore, type SecretStore } from '../main/secrets/secretStore';
import { getSudoPassword } from '../main/ssh/auth';
import { openHostConnection } from '../main/ssh/hostConnect';
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
  const secrets = opts.secrets ?? new KeytarSecretStore();
  try {
    const conn = await openHostConnection({ store, secrets }, host.id, { signal: opts.signal });
    try {
      const sudo = { mode: host.sudo, password: host.sudo === 'sudo-password' ? await getSudoPassword(host, secrets) : null, host: host.name };
      return { hostDkim: await collectHostDkim(conn, sudo, domain, opts.signal ? { signal: opts.signal } : {}) };
    } finally {
      conn.close();
    }
  } catch (e) {
    return { error: { section: 'host-dkim', message: `--host ${host.name}: the DKIM keys could not be read: ${(e as Error).message}` } };
  }
}
