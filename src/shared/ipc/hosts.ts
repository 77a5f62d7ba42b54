import { z } from 'zod';
import { Host, HostInput, HostKeyPin } from '../domain';
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

export const hostsChannels = {
  list: channel('hosts:list', z.object({}).strict(), z.array(Host)),
  add: channel('hosts:add', HostInput, Host),
  remove: channel('hosts:remove', HostRef, z.object({ removed: z.boolean() })),
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
