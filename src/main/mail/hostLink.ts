// The mail host linked to a domain (a saved host profile): its DKIM keys read over SSH for the
// audit, through the profile's connection (pinned host key, jump chain, VPN preflight, keychain
// or agent credentials) and its sudo mode. Shared by `rampart mail --host` and the app's linked
// host. A host that cannot be reached or read is a run error (the run is partial), never a pass.
import type { RunError } from '../../shared/domain';
import { getSudoPassword } from '../ssh/auth';
import { openHostConnection, type ConnectDeps } from '../ssh/hostConnect';
import { collectHostDkim, type HostDkim } from './hostDkim';

export async function readLinkedHostDkim(deps: ConnectDeps, hostId: number, domain: string, signal?: AbortSignal): Promise<{ hostDkim: HostDkim } | { error: RunError }> {
  const host = deps.store.getHost(hostId);
  try {
    const conn = await openHostConnection(deps, host.id, { signal });
    try {
      const sudo = { mode: host.sudo, password: host.sudo === 'sudo-password' ? await getSudoPassword(host, deps.secrets) : null, host: host.name };
      return { hostDkim: await collectHostDkim(conn, sudo, domain, signal ? { signal } : {}) };
    } finally {
      conn.close();
    }
  } catch (e) {
    return { error: { section: 'host-dkim', message: `host "${host.name}": the DKIM keys could not be read: ${(e as Error).message}` } };
  }
}
