import { z } from 'zod';
import { AbsolutePath, Host, HostInput, HostKeyPin, HostUpdate } from '../domain';
import { IpcError } from '../errors';
import { channel } from './channel';

const HostRef = z.object({ hostId: z.number().int().positive() }).strict();

/** What the server presented, compared with what is pinned. No credential was sent to get it. */
export const HostKeyProbe = z.object({
  hostId: z.number().int(),
  address: z.string(),
  port: z.number().int(),
  keyType: z.string(),
  fingerprint: z.string(),
  state: z.enum(['unknown', 'match', 'changed']),
  pinned: HostKeyPin.nullable(),
});
export type HostKeyProbe = z.infer<typeof HostKeyProbe>;

/** One step of a connection test, per hop of the jump chain (route → TCP → host key → auth → sudo). */
export const TEST_STEPS = ['route', 'tcp', 'host-key', 'auth', 'sudo'] as const;
export const TestStep = z.object({
  step: z.enum(TEST_STEPS),
  /** Host name of the hop this step was about. */
  hop: z.string(),
  status: z.enum(['ok', 'failed', 'skipped']),
  message: z.string(),
  durationMs: z.number().int().nonnegative(),
});
export type TestStep = z.infer<typeof TestStep>;

/** Stops at the first failed step; `error` is that step's typed error. Never pins a key. */
export const ConnectionTest = z.object({
  ok: z.boolean(),
  steps: z.array(TestStep),
  error: IpcError.nullable(),
});
export type ConnectionTest = z.infer<typeof ConnectionTest>;

/** WireGuard preflight of a VPN-only host: which interface the route leaves through, and the tunnel's freshness. */
export const VpnState = z.object({
  address: z.string(),
  route: z.object({ dev: z.string(), src: z.string().nullable(), gateway: z.string().nullable() }),
  isWireGuard: z.boolean(),
  latestHandshakeAgeS: z.number().nullable(),
  handshakeReadable: z.boolean(),
  ok: z.boolean(),
  message: z.string(),
});
export type VpnState = z.infer<typeof VpnState>;

/** Passphrases and passwords: any printable text; never echoed back in a response or an error. */
const Secret = z.string().min(1, 'Must not be empty').max(1024, 'At most 1024 characters');

export const ImportKeyRequest = z
  .object({
    hostId: z.number().int().positive(),
    /** A private key file on this machine; it is copied into the OS keychain. */
    privateKeyPath: AbsolutePath,
    /** The key's passphrase, if it has one (stored in the keychain too). */
    passphrase: Secret.nullish(),
  })
  .strict();

export const SetSudoPasswordRequest = z
  .object({
    hostId: z.number().int().positive(),
    /** null removes the stored password. */
    password: Secret.refine((s) => !/[\r\n]/.test(s), 'A sudo password cannot contain a line break').nullable(),
  })
  .strict();

export const hostsChannels = {
  list: channel('hosts:list', z.object({}).strict(), z.array(Host)),
  add: channel('hosts:add', HostInput, Host),
  /** Changes some fields; a field left out keeps its value, null clears it. */
  update: channel('hosts:update', HostUpdate, Host),
  /** Removes the host and its keychain secrets. CONFLICT while other hosts jump through it. */
  remove: channel('hosts:remove', HostRef, z.object({ removed: z.boolean() })),
  /** Copies a private key (and its passphrase) into the OS keychain; the host then uses auth "keychain". */
  importKey: channel('hosts:importKey', ImportKeyRequest, Host),
  /** Stores the sudo password in the OS keychain (null removes it). */
  setSudoPassword: channel('hosts:setSudoPassword', SetSudoPasswordRequest, Host),
  /** Step by step: route → TCP → host key → auth (each hop) → sudo. */
  testConnection: channel('hosts:testConnection', HostRef, ConnectionTest),
  /** WireGuard state for a VPN-only host (of its first hop); null when the host is not VPN-only. */
  vpnState: channel('hosts:vpnState', HostRef, VpnState.nullable()),
  /** Connect far enough to see the host key; never authenticates. */
  probeKey: channel('hosts:probeKey', HostRef, HostKeyProbe),
  /** Pin the fingerprint the user accepted. Refuses if a different key is already pinned unless `replace`. */
  trustKey: channel(
    'hosts:trustKey',
    z
      .object({
        hostId: z.number().int().positive(),
        keyType: z.string().min(1).max(64),
        fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'Fingerprint must look like SHA256:<43 base64 characters>'),
        replace: z.boolean().default(false),
      })
      .strict(),
    Host,
  ),
};
