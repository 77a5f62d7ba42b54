// Pins host keys from an OpenSSH known_hosts file for hosts Rampart already has. The file is
// what the user's own ssh has trusted; a key pinned here is still checked on every connection.
// A different key already pinned is never replaced (that is a deliberate action in the host
// screen): it is reported as a conflict with both fingerprints.
import type { KnownHostsImportResult, KnownHostsPinned, KnownHostsSkipped } from '../../shared/ipc/hostKeys';
import { readUserFile } from '../inventory/importHosts';
import type { Store } from '../store/store';
import { hostFieldMatches, knownHostName, parseKnownHosts, type KnownHostEntry } from './knownHosts';

/**
 * When a file lists several keys for one host, the one ssh2 negotiates first (its default
 * server-host-key order): that is the key the server will present to Rampart.
 */
const KEY_TYPE_PREFERENCE = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa', 'ssh-dss'];

function rank(keyType: string): number {
  const i = KEY_TYPE_PREFERENCE.indexOf(keyType);
  return i < 0 ? KEY_TYPE_PREFERENCE.length : i;
}

export async function importKnownHostsFile(store: Store, file: string, hostIds?: readonly number[]): Promise<KnownHostsImportResult> {
  const { text } = await readUserFile(file, 'known_hosts file');
  const { entries, invalidLines } = parseKnownHosts(text);
  const wanted = hostIds ? new Set(hostIds) : null;
  const hosts = store.listHosts().filter((h) => !wanted || wanted.has(h.id));
  const pinned: KnownHostsPinned[] = [];
  const skipped: KnownHostsSkipped[] = [];

  for (const h of hosts) {
    const base = { hostId: h.id, hostName: h.name, address: h.address, port: h.port };
    const name = knownHostName(h.address, h.port);
    const matching = entries.filter((e) => hostFieldMatches(e.hosts, h.address, h.port));
    // @revoked applies to a key wherever it is listed; @cert-authority lines are not plain keys.
    const revokedAnywhere = new Set(entries.filter((e) => e.marker === 'revoked').map((e) => e.fingerprint));
    const usable: KnownHostEntry[] = matching
      .filter((e) => e.marker === null && !revokedAnywhere.has(e.fingerprint))
      .sort((a, b) => rank(a.keyType) - rank(b.keyType) || a.line - b.line);
    const pin = store.getPin(h.address, h.port);
    if (!usable.length) {
      // Listed, but every key for it is revoked (an @revoked line alone, e.g. `@revoked *`, is not a listing).
      if (matching.some((e) => e.marker === null))
        skipped.push({ ...base, reason: 'revoked', message: `The file lists ${name} only with revoked keys.`, pinnedFingerprint: pin?.fingerprint ?? null, fileFingerprint: null });
      else skipped.push({ ...base, reason: 'not-in-file', message: `The file has no key for ${name}.`, pinnedFingerprint: pin?.fingerprint ?? null, fileFingerprint: null });
      continue;
    }
    const best = usable[0]!;
    if (pin) {
      const same = usable.find((e) => e.fingerprint === pin.fingerprint);
      if (same)
        skipped.push({ ...base, reason: 'already-pinned', message: `The pinned key of ${name} is the one in the file (line ${same.line}).`, pinnedFingerprint: pin.fingerprint, fileFingerprint: same.fingerprint });
      else
        skipped.push({
          ...base,
          reason: 'conflict',
          message: `${name} already has a different pinned key (${pin.fingerprint}); the file lists ${best.fingerprint} (${best.keyType}, line ${best.line}). The pin was left alone: replace it from the host's screen after checking the server.`,
          pinnedFingerprint: pin.fingerprint,
          fileFingerprint: best.fingerprint,
        });
      continue;
    }
    store.pinKey(h.address, h.port, best.keyType, best.fingerprint, false);
    pinned.push({ ...base, keyType: best.keyType, fingerprint: best.fingerprint, line: best.line });
  }
  return { pinned, skipped, entries: entries.length, invalidLines };
}
