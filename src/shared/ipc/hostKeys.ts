import { z } from 'zod';
import { AbsolutePath } from '../domain';
import { channel } from './channel';

export const KnownHostsPinned = z.object({
  hostId: z.number().int(),
  hostName: z.string(),
  address: z.string(),
  port: z.number().int(),
  keyType: z.string(),
  fingerprint: z.string(),
  /** known_hosts line the key came from. */
  line: z.number().int(),
});
export type KnownHostsPinned = z.infer<typeof KnownHostsPinned>;

export const KNOWN_HOSTS_SKIP_REASONS = ['conflict', 'already-pinned', 'not-in-file', 'revoked'] as const;

export const KnownHostsSkipped = z.object({
  hostId: z.number().int(),
  hostName: z.string(),
  address: z.string(),
  port: z.number().int(),
  /** conflict: a different key is already pinned and was left alone (re-pinning is a deliberate action). */
  reason: z.enum(KNOWN_HOSTS_SKIP_REASONS),
  message: z.string(),
  pinnedFingerprint: z.string().nullable(),
  fileFingerprint: z.string().nullable(),
});
export type KnownHostsSkipped = z.infer<typeof KnownHostsSkipped>;

export const KnownHostsImportResult = z.object({
  pinned: z.array(KnownHostsPinned),
  skipped: z.array(KnownHostsSkipped),
  /** Entries in the file (plain and hashed). */
  entries: z.number().int(),
  /** Line numbers that are neither comments nor valid entries. */
  invalidLines: z.array(z.number().int()),
});
export type KnownHostsImportResult = z.infer<typeof KnownHostsImportResult>;

export const hostKeysChannels = {
  /**
   * Pins host keys for existing hosts from an OpenSSH known_hosts file (hashed entries too).
   * Never replaces a different pinned key: those are reported as conflicts.
   */
  importKnownHosts: channel(
    'hostKeys:importKnownHosts',
    z.object({ path: AbsolutePath, hostIds: z.array(z.number().int().positive()).max(10_000).optional() }).strict(),
    KnownHostsImportResult,
  ),
};
