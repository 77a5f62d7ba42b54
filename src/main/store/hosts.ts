// The hosts and their pinned keys in the store (one concern of store.ts). Functions on the open
// database; Store calls them.
import { RampartError } from '../../shared/errors';
import type { AuthMethod, Host, HostKeyPin, RunStatus, Score, SudoMode } from '../../shared/domain';
import type { Db } from './db';

export interface NewHost {
  name: string;
  address: string;
  port: number;
  username: string;
  auth?: AuthMethod | undefined;
  identityFile?: string | null | undefined;
  jumpHostId?: number | null | undefined;
  vpnOnly?: boolean | undefined;
  vpnInterface?: string | null | undefined;
  vpnSubnet?: string | null | undefined;
  sudo?: SudoMode | undefined;
  tags?: string[] | undefined;
  sshdConfigPath: string;
  scanRoots?: string[] | undefined;
}

export type HostSecretFlag = 'privateKey' | 'passphrase' | 'sudoPassword';
const SECRET_COLUMN: Record<HostSecretFlag, string> = { privateKey: 'has_keychain_key', passphrase: 'has_passphrase', sudoPassword: 'has_sudo_password' };

interface HostRow {
  id: number;
  name: string;
  address: string;
  port: number;
  username: string;
  identity_file: string | null;
  sshd_config_path: string;
  created_at: string;
  auth: AuthMethod;
  jump_host_id: number | null;
  vpn_only: number;
  vpn_interface: string | null;
  vpn_subnet: string | null;
  sudo: SudoMode;
  tags_json: string;
  scan_roots_json: string;
  has_keychain_key: number;
  has_passphrase: number;
  has_sudo_password: number;
  key_type: string | null;
  fingerprint: string | null;
  pinned_at: string | null;
}

const HOST_SELECT = `
  SELECT h.*, k.key_type, k.fingerprint, k.pinned_at
  FROM hosts h LEFT JOIN host_keys k ON k.address = h.address AND k.port = h.port`;

export function listHosts(db: Db): Host[] {
  const rows = db.prepare(`${HOST_SELECT} ORDER BY h.name`).all() as HostRow[];
  return rows.map((r) => toHost(db, r));
}

export function getHost(db: Db, id: number): Host {
  const row = db.prepare(`${HOST_SELECT} WHERE h.id = ?`).get(id) as HostRow | undefined;
  if (!row) throw new RampartError('NOT_FOUND', `No host with id ${id}.`);
  return toHost(db, row);
}

export function findHostByName(db: Db, name: string): Host | null {
  const row = db.prepare(`${HOST_SELECT} WHERE h.name = ?`).get(name) as HostRow | undefined;
  return row ? toHost(db, row) : null;
}

export function addHost(db: Db, h: NewHost): Host {
  if (findHostByName(db, h.name)) throw new RampartError('CONFLICT', `A host named "${h.name}" already exists.`);
  if (h.jumpHostId != null) getHost(db, h.jumpHostId); // must exist
  const info = db
    .prepare(
      `INSERT INTO hosts (name, address, port, username, auth, identity_file, jump_host_id, vpn_only, vpn_interface, vpn_subnet,
                          sudo, tags_json, sshd_config_path, scan_roots_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      h.name,
      h.address,
      h.port,
      h.username,
      h.auth ?? (h.identityFile ? 'key-file' : 'agent'),
      h.identityFile ?? null,
      h.jumpHostId ?? null,
      h.vpnOnly ? 1 : 0,
      h.vpnInterface ?? null,
      h.vpnSubnet ?? null,
      h.sudo ?? 'none',
      JSON.stringify(h.tags ?? []),
      h.sshdConfigPath,
      JSON.stringify(h.scanRoots ?? []),
      new Date().toISOString(),
    );
  return getHost(db, Number(info.lastInsertRowid));
}

/** Changes some fields of a host. A jump host may not lead back to the host itself. */
export function updateHost(db: Db, id: number, patch: Partial<NewHost>): Host {
  const cur = getHost(db, id);
  if (patch.name !== undefined && patch.name !== cur.name) {
    const other = findHostByName(db, patch.name);
    if (other && other.id !== id) throw new RampartError('CONFLICT', `A host named "${patch.name}" already exists.`);
  }
  const next = {
    name: patch.name ?? cur.name,
    address: patch.address ?? cur.address,
    port: patch.port ?? cur.port,
    username: patch.username ?? cur.username,
    auth: patch.auth ?? cur.auth,
    identityFile: patch.identityFile !== undefined ? patch.identityFile : cur.identityFile,
    jumpHostId: patch.jumpHostId !== undefined ? patch.jumpHostId : cur.jumpHostId,
    vpnOnly: patch.vpnOnly ?? cur.vpnOnly,
    vpnInterface: patch.vpnInterface !== undefined ? patch.vpnInterface : cur.vpnInterface,
    vpnSubnet: patch.vpnSubnet !== undefined ? patch.vpnSubnet : cur.vpnSubnet,
    sudo: patch.sudo ?? cur.sudo,
    tags: patch.tags ?? cur.tags,
    sshdConfigPath: patch.sshdConfigPath ?? cur.sshdConfigPath,
    scanRoots: patch.scanRoots ?? cur.scanRoots,
  };
  if (next.auth === 'key-file' && !next.identityFile)
    throw new RampartError('VALIDATION', 'A private-key file is required for key-file authentication.', { issues: [{ path: ['identityFile'], message: 'Required for key-file authentication' }] });
  if (next.jumpHostId != null) {
    const chain = jumpChain(db, next.jumpHostId);
    if (chain.some((h) => h.id === id))
      throw new RampartError('VALIDATION', `Jumping through "${chain[chain.length - 1]!.name}" would loop back to "${cur.name}".`, {
        issues: [{ path: ['jumpHostId'], message: 'This jump host leads back to the host itself' }],
      });
  }
  db
    .prepare(
      `UPDATE hosts SET name = ?, address = ?, port = ?, username = ?, auth = ?, identity_file = ?, jump_host_id = ?, vpn_only = ?,
              vpn_interface = ?, vpn_subnet = ?, sudo = ?, tags_json = ?, sshd_config_path = ?, scan_roots_json = ? WHERE id = ?`,
    )
    .run(
      next.name,
      next.address,
      next.port,
      next.username,
      next.auth,
      next.identityFile ?? null,
      next.jumpHostId ?? null,
      next.vpnOnly ? 1 : 0,
      next.vpnInterface ?? null,
      next.vpnSubnet ?? null,
      next.sudo,
      JSON.stringify(next.tags),
      next.sshdConfigPath,
      JSON.stringify(next.scanRoots),
      id,
    );
  return getHost(db, id);
}

/**
 * The hops to reach a host, first hop first, ending with the host itself. Refuses loops and
 * absurd depths (a corrupted or hand-edited database).
 */
export function jumpChain(db: Db, id: number): Host[] {
  const chain: Host[] = [];
  const seen = new Set<number>();
  let cur: Host | null = getHost(db, id);
  while (cur) {
    if (seen.has(cur.id)) throw new RampartError('VALIDATION', `The jump hosts of "${chain[0]?.name ?? cur.name}" form a loop through "${cur.name}".`);
    if (chain.length >= 16) throw new RampartError('VALIDATION', `More than 16 jump hosts lead to "${chain[0]!.name}".`);
    seen.add(cur.id);
    chain.unshift(cur);
    cur = cur.jumpHostId != null ? getHost(db, cur.jumpHostId) : null;
  }
  return chain;
}

/** Hosts that jump through this one. */
export function dependents(db: Db, id: number): Host[] {
  return (db.prepare(`${HOST_SELECT} WHERE h.jump_host_id = ? ORDER BY h.name`).all(id) as HostRow[]).map((r) => toHost(db, r));
}

/** Records whether a secret of this host is in the keychain (the secret itself never is here). */
export function setSecretFlag(db: Db, id: number, flag: HostSecretFlag, present: boolean): Host {
  getHost(db, id);
  db.prepare(`UPDATE hosts SET ${SECRET_COLUMN[flag]} = ? WHERE id = ?`).run(present ? 1 : 0, id);
  return getHost(db, id);
}

export function removeHost(db: Db, id: number): boolean {
  const deps = dependents(db, id);
  if (deps.length)
    throw new RampartError('CONFLICT', `Other hosts jump through this one (${deps.map((d) => d.name).join(', ')}); change them first.`, {
      dependents: deps.map((d) => d.id),
    });
  return db.prepare('DELETE FROM hosts WHERE id = ?').run(id).changes > 0;
}

// ---- host keys ------------------------------------------------------------------------

export function getPin(db: Db, address: string, port: number): HostKeyPin | null {
  const r = db.prepare('SELECT * FROM host_keys WHERE address = ? AND port = ?').get(address, port) as
    | { address: string; port: number; key_type: string; fingerprint: string; pinned_at: string }
    | undefined;
  return r ? { address: r.address, port: r.port, keyType: r.key_type, fingerprint: r.fingerprint, pinnedAt: r.pinned_at } : null;
}

/** Pins a key. With replace=false an existing different pin is a conflict, never silently overwritten. */
export function pinKey(db: Db, address: string, port: number, keyType: string, fingerprint: string, replace: boolean): HostKeyPin {
  const existing = getPin(db, address, port);
  if (existing && existing.fingerprint !== fingerprint && !replace) {
    throw new RampartError(
      'HOST_KEY_CHANGED',
      `${address}:${port} already has a different pinned key (${existing.fingerprint}). Re-pinning must be confirmed explicitly.`,
      { pinned: existing.fingerprint, presented: fingerprint },
    );
  }
  db
    .prepare(
      `INSERT INTO host_keys (address, port, key_type, fingerprint, pinned_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(address, port) DO UPDATE SET key_type = excluded.key_type, fingerprint = excluded.fingerprint, pinned_at = excluded.pinned_at`,
    )
    .run(address, port, keyType, fingerprint, new Date().toISOString());
  return getPin(db, address, port)!;
}


function toHost(db: Db, r: HostRow): Host {
  const last = db
    .prepare('SELECT id, started_at, status, score_json FROM audit_runs WHERE host_id = ? ORDER BY started_at DESC LIMIT 1')
    .get(r.id) as { id: string; started_at: string; status: RunStatus; score_json: string | null } | undefined;
  const score = last?.score_json ? (JSON.parse(last.score_json) as Score) : null;
  return {
    id: r.id,
    name: r.name,
    address: r.address,
    port: r.port,
    username: r.username,
    auth: r.auth,
    identityFile: r.identity_file,
    jumpHostId: r.jump_host_id,
    vpnOnly: r.vpn_only === 1,
    vpnInterface: r.vpn_interface,
    vpnSubnet: r.vpn_subnet,
    sudo: r.sudo,
    tags: JSON.parse(r.tags_json) as string[],
    sshdConfigPath: r.sshd_config_path,
    scanRoots: JSON.parse(r.scan_roots_json) as string[],
    secrets: { privateKey: r.has_keychain_key === 1, passphrase: r.has_passphrase === 1, sudoPassword: r.has_sudo_password === 1 },
    createdAt: r.created_at,
    hostKey:
      r.fingerprint && r.key_type && r.pinned_at
        ? { address: r.address, port: r.port, keyType: r.key_type, fingerprint: r.fingerprint, pinnedAt: r.pinned_at }
        : null,
    lastRun: last
      ? { id: last.id, startedAt: last.started_at, status: last.status, score: score?.overall ?? null, grade: score?.grade ?? null }
      : null,
  };
}

