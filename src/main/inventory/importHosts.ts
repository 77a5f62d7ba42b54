// Inventory import for the app: read an Ansible inventory or ssh_config file, propose hosts
// (preview, nothing written), then add the ones the user selected. Every candidate goes through
// the same HostInput schema as a host typed into the form; jump hosts (`-J` / ProxyJump) are
// resolved to hosts that already exist or are imported in the same batch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostInput, Tag, type Host } from '../../shared/domain';
import { RampartError } from '../../shared/errors';
import type { ImportCandidate, ImportPreview, ImportResult, InventoryKind } from '../../shared/ipc/inventory';
import type { Store } from '../store/store';
import { importAnsibleInventory } from './ansible';
import { importSshConfig } from './sshConfig';
import { markDuplicates, parseJumpSpec } from './types';

export const MAX_IMPORT_FILE_BYTES = 5 * 1024 * 1024;

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? os.homedir() + p.slice(1) : p;
}

/**
 * Reads a text file the user pointed at, with errors that say what is wrong with it. `field`
 * names the request field for the form (VALIDATION details).
 */
export async function readUserFile(file: string, what: string, field = 'path'): Promise<{ full: string; text: string }> {
  const full = path.resolve(expandHome(file));
  const invalid = (message: string): RampartError => new RampartError('VALIDATION', message, { issues: [{ path: [field], message }] });
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new RampartError('NOT_FOUND', `There is no file ${full}.`, { issues: [{ path: [field], message: 'No such file' }] });
    if (code === 'EACCES' || code === 'EPERM') throw invalid(`Rampart may not read ${full} (permission denied).`);
    throw invalid(`Cannot read ${full}: ${(e as Error).message}`);
  }
  if (st.isDirectory()) throw invalid(`${full} is a folder; choose the ${what} file itself.`);
  if (!st.isFile()) throw invalid(`${full} is not a regular file.`);
  if (st.size > MAX_IMPORT_FILE_BYTES)
    throw invalid(`${full} is ${(st.size / 1024 / 1024).toFixed(1)} MiB; a ${what} larger than 5 MiB is refused.`);
  let buf: Buffer;
  try {
    buf = await fs.promises.readFile(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw invalid(code === 'EACCES' || code === 'EPERM' ? `Rampart may not read ${full} (permission denied).` : `Cannot read ${full}: ${(e as Error).message}`);
  }
  if (buf.length > MAX_IMPORT_FILE_BYTES) throw invalid(`${full} is larger than 5 MiB; a ${what} that large is refused.`);
  if (buf.includes(0)) throw invalid(`${full} is a binary file, not a ${what}.`);
  return { full, text: buf.toString('utf8') };
}

export function localUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

const KIND_LABEL: Record<InventoryKind, string> = { ansible: 'Ansible inventory', 'ssh-config': 'ssh_config' };

/** The HostInput a candidate becomes (jump host aside), validated as a form entry would be. */
function hostInputOf(c: ImportCandidate, defaultUsername: string): { ok: true; value: ReturnType<typeof HostInput.parse> } | { ok: false; problems: string[] } {
  const tags = c.groups.filter((g) => Tag.safeParse(g).success).slice(0, 20);
  const parsed = HostInput.safeParse({
    name: c.name,
    address: c.address,
    port: c.port,
    username: c.username ?? defaultUsername,
    ...(c.identityFile ? { identityFile: c.identityFile } : {}),
    tags,
  });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`) };
}

interface Node {
  name: string;
  address: string;
  port: number;
  username: string;
}

type Resolved<T> = { kind: 'found'; node: T } | { kind: 'missing' } | { kind: 'ambiguous'; names: string[] };

/** A jump spec (`alias` or `[user@]host[:port]`) → one of `pool`: by name first, then by address, port and user. */
function resolveSpec<T extends Node>(spec: string, pool: readonly T[]): Resolved<T> {
  const s = parseJumpSpec(spec);
  if (!s) return { kind: 'missing' };
  if (s.user === null && s.port === null) {
    const byName = pool.filter((n) => n.name === s.host);
    if (byName.length === 1) return { kind: 'found', node: byName[0]! };
    const byNameCi = pool.filter((n) => n.name.toLowerCase() === s.host.toLowerCase());
    if (byNameCi.length === 1) return { kind: 'found', node: byNameCi[0]! };
  }
  const port = s.port ?? 22;
  const byAddr = pool.filter(
    (n) => n.address.toLowerCase() === s.host.toLowerCase() && n.port === port && (s.user === null || n.username === s.user),
  );
  if (byAddr.length === 1) return { kind: 'found', node: byAddr[0]! };
  if (byAddr.length > 1) return { kind: 'ambiguous', names: byAddr.map((n) => n.name) };
  return { kind: 'missing' };
}

/** Parses the file and proposes hosts: duplicates, invalid fields and unknown jump hosts are listed as problems. */
export async function previewInventory(store: Store, kind: InventoryKind, file: string): Promise<ImportPreview> {
  const { full, text } = await readUserFile(file, KIND_LABEL[kind]);
  let parsed: { candidates: ImportCandidate[]; warnings: string[] };
  try {
    parsed = kind === 'ansible' ? importAnsibleInventory(text, path.basename(full)) : importSshConfig(text, path.basename(full));
  } catch (e) {
    const message = `${full} could not be read as ${kind === 'ansible' ? 'an Ansible inventory' : 'an ssh_config file'}: ${(e as Error).message}`;
    throw new RampartError('VALIDATION', message, { issues: [{ path: ['path'], message }] });
  }
  const existing = store.listHosts();
  const defaultUsername = localUserName();
  const marked = markDuplicates(parsed.candidates, existing);
  // Candidates that duplicate an existing host resolve to that host, not to themselves.
  const clashes = (c: ImportCandidate): boolean =>
    existing.some((h) => h.name.toLowerCase() === c.name.toLowerCase() || (h.address.toLowerCase() === c.address.toLowerCase() && h.port === c.port));
  const pool: Node[] = [
    ...existing,
    ...marked.filter((c) => !clashes(c)).map((c) => ({ name: c.name, address: c.address, port: c.port, username: c.username ?? defaultUsername })),
  ];
  const candidates = marked.map((c) => {
    const problems = [...c.problems];
    const input = hostInputOf(c, defaultUsername);
    if (!input.ok) problems.push(...input.problems);
    for (const spec of c.jump) {
      const r = resolveSpec(spec, pool);
      if (r.kind === 'missing') problems.push(`jump host "${spec}" is neither in Rampart nor in this file`);
      else if (r.kind === 'ambiguous') problems.push(`jump host "${spec}" matches several hosts (${r.names.join(', ')})`);
      else if (r.node.name === c.name) problems.push(`jump host "${spec}" is the host itself`);
    }
    return { ...c, problems };
  });
  return { kind, path: full, candidates, warnings: parsed.warnings, defaultUsername };
}

interface BatchEntry extends Node {
  c: ImportCandidate;
  state: 'pending' | 'added' | 'skipped';
  host?: Host;
  reason?: string;
}

/**
 * Adds the selected candidates. Candidates that still carry problems (as the preview gave them,
 * or found again now) are skipped with the reason; jump hosts must resolve to a host that exists
 * or is added in this batch (added first), and a multi-hop chain must match the hops' own jump
 * hosts.
 */
export function importCandidates(store: Store, candidates: readonly ImportCandidate[]): ImportResult {
  const defaultUsername = localUserName();
  const existing = store.listHosts();
  const batch: BatchEntry[] = candidates.map((c) => ({ c, name: c.name, address: c.address, port: c.port, username: c.username ?? defaultUsername, state: 'pending' }));
  const skip = (e: BatchEntry, reason: string): void => {
    e.state = 'skipped';
    e.reason = reason;
  };

  // Checks that need no other candidate.
  const seenNames = new Map<string, string>();
  const seenTargets = new Map<string, string>();
  const existingTargets = new Map(existing.map((h) => [`${h.address.toLowerCase()}:${h.port}`, h.name]));
  const existingNames = new Set(existing.map((h) => h.name.toLowerCase()));
  for (const e of batch) {
    if (e.c.problems.length) {
      skip(e, e.c.problems.join('; '));
      continue;
    }
    const input = hostInputOf(e.c, defaultUsername);
    if (!input.ok) {
      skip(e, input.problems.join('; '));
      continue;
    }
    const nameKey = input.value.name.toLowerCase();
    const target = `${input.value.address.toLowerCase()}:${input.value.port}`;
    if (existingNames.has(nameKey)) skip(e, `a host named "${input.value.name}" already exists`);
    else if (existingTargets.has(target)) skip(e, `already in Rampart as "${existingTargets.get(target)}" (${input.value.address}:${input.value.port})`);
    else if (seenNames.has(nameKey)) skip(e, `the name "${input.value.name}" appears twice in this import`);
    else if (seenTargets.has(target)) skip(e, `same address and port as "${seenTargets.get(target)}" in this import`);
    else {
      seenNames.set(nameKey, input.value.name);
      seenTargets.set(target, input.value.name);
      e.name = input.value.name;
      e.address = input.value.address;
    }
  }

  type PoolNode = Node & { host?: Host; entry?: BatchEntry };
  const pool: PoolNode[] = [...existing.map((h) => ({ ...h, host: h })), ...batch.map((e) => ({ name: e.name, address: e.address, port: e.port, username: e.username, entry: e }))];

  // Add in dependency order: a candidate waits for the batch hosts it jumps through.
  for (let progress = true; progress; ) {
    progress = false;
    for (const e of batch) {
      if (e.state !== 'pending') continue;
      const hops: Host[] = [];
      let wait = false;
      let reason: string | null = null;
      for (const spec of e.c.jump) {
        // Skipped candidates only count when nothing else matches (to say why).
        let r = resolveSpec(spec, pool.filter((n) => n.entry?.state !== 'skipped'));
        if (r.kind === 'missing') r = resolveSpec(spec, pool.filter((n) => n.entry?.state === 'skipped'));
        if (r.kind === 'missing') reason = `jump host "${spec}" is neither in Rampart nor in this import`;
        else if (r.kind === 'ambiguous') reason = `jump host "${spec}" matches several hosts (${r.names.join(', ')})`;
        else if (r.node.entry === e) reason = `jump host "${spec}" is the host itself`;
        else if (r.node.entry?.state === 'skipped') reason = `its jump host "${r.node.name}" was not imported`;
        else if (r.node.entry?.state === 'pending') wait = true;
        else hops.push((r.node.host ?? r.node.entry?.host)!);
        if (reason) break;
      }
      if (reason) {
        skip(e, reason);
        progress = true;
        continue;
      }
      if (wait) continue;
      for (let i = 1; i < hops.length; i++) {
        if (hops[i]!.jumpHostId !== hops[i - 1]!.id) {
          reason = `its jump chain ${e.c.jump.join(',')} does not match Rampart's hosts: "${hops[i]!.name}" does not jump through "${hops[i - 1]!.name}"`;
          break;
        }
      }
      if (reason) {
        skip(e, reason);
        progress = true;
        continue;
      }
      const input = hostInputOf(e.c, defaultUsername);
      if (!input.ok) {
        skip(e, input.problems.join('; '));
        progress = true;
        continue;
      }
      try {
        e.host = store.addHost({ ...input.value, jumpHostId: hops.length ? hops[hops.length - 1]!.id : null });
        e.state = 'added';
      } catch (err) {
        skip(e, (err as Error).message);
      }
      progress = true;
    }
  }
  for (const e of batch) if (e.state === 'pending') skip(e, 'its jump hosts in this import lead back to it (a loop)');

  return {
    added: batch.filter((e) => e.state === 'added').map((e) => store.getHost(e.host!.id)),
    skipped: batch.filter((e) => e.state === 'skipped').map((e) => ({ name: e.c.name, reason: e.reason ?? 'skipped' })),
  };
}
