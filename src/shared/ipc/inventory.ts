import { z } from 'zod';
import { AbsolutePath, Host } from '../domain';
import { channel } from './channel';

export const INVENTORY_KINDS = ['ansible', 'ssh-config'] as const;
export const InventoryKind = z.enum(INVENTORY_KINDS);
export type InventoryKind = z.infer<typeof InventoryKind>;

/** One host an inventory proposes, before the user confirms it. */
export const ImportCandidate = z.object({
  /** Inventory name / ssh_config Host alias; becomes the host's name. */
  name: z.string().max(255),
  address: z.string().max(255),
  port: z.number().int(),
  /** null: the inventory names none (the local user name is used, as ssh would). */
  username: z.string().max(255).nullable(),
  identityFile: z.string().max(4096).nullable(),
  /** Jump hosts as written (`user@host:port` or an alias), first hop first. */
  jump: z.array(z.string().max(512)).max(16),
  groups: z.array(z.string().max(255)).max(100),
  /** Where it came from, e.g. "inventory.ini:12". */
  source: z.string().max(4096),
  /** Why it cannot be imported as is (invalid fields, duplicates, unresolvable jump hosts). */
  problems: z.array(z.string().max(1024)).max(50),
});
export type ImportCandidate = z.infer<typeof ImportCandidate>;

export const ImportPreview = z.object({
  kind: InventoryKind,
  path: z.string(),
  candidates: z.array(ImportCandidate),
  /** Lines or entries that could not be understood, with the reason. */
  warnings: z.array(z.string()),
  /** The user name a candidate without one gets (the local user, as ssh does). */
  defaultUsername: z.string(),
});
export type ImportPreview = z.infer<typeof ImportPreview>;

export const ImportResult = z.object({
  added: z.array(Host),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const inventoryChannels = {
  /** Reads an Ansible inventory (INI or YAML) or an ssh_config file and proposes hosts. Never imports. */
  preview: channel('inventory:preview', z.object({ kind: InventoryKind, path: AbsolutePath }).strict(), ImportPreview),
  /**
   * Adds the selected candidates (as the preview returned them). Each is validated again; jump
   * hosts are resolved to existing or imported hosts by name or address, else it is skipped.
   */
  import: channel(
    'inventory:import',
    z.object({ candidates: z.array(ImportCandidate).min(1, 'Select at least one host').max(1000, 'At most 1000 hosts at once') }).strict(),
    ImportResult,
  ),
};
