// What to audit and how to reach it: one HostPlan per host (from --host/--jump, or from an
// inventory entry), and the AuditTarget runAudit gets from it. Pure functions, unit-tested.
import path from 'node:path';
import type { AuditTarget } from '../main/audit/auditor';
import { parseJumpSpec, type ImportCandidate } from '../main/inventory/types';
import { HostAddress, UserName, type Host } from '../shared/domain';
import { DEFAULT_SSHD_CONFIG, MAX_JUMP_HOSTS, type AuditCommand, type AuditSettings } from './args';

/** One SSH login: the target or a jump host. */
export interface HopPlan {
  username: string;
  address: string;
  port: number;
  /** Local private key file; null = ssh-agent (SSH_AUTH_SOCK). */
  identityFile: string | null;
}

export interface HostPlan {
  /** Name of the run (the inventory name; the address for --host). A host saved in --db keeps its own. */
  name: string;
  target: HopPlan;
  /** Jump hosts, first hop first. */
  jump: HopPlan[];
  /** null = the saved host's setting, else /etc/ssh/sshd_config. */
  sshdConfigPath: string | null;
  scanRoots: string[];
  sudo: boolean;
}

/** How a host is named in reports before (or without) a run. */
export interface HostRef {
  name: string;
  address: string;
  port: number;
  username: string;
}

export function endpointText(h: { username: string; address: string; port: number }): string {
  return `${h.username}@${h.address.includes(':') ? `[${h.address}]` : h.address}:${h.port}`;
}

export function hostRef(plan: HostPlan): HostRef {
  const { username, address, port } = plan.target;
  return { name: plan.name, address, port, username };
}

/** `rampart audit --host … [--jump …]` → its plan. Every hop uses --identity (or the agent). */
export function planFromCommand(cmd: AuditCommand): HostPlan {
  const key = cmd.identityFile;
  return {
    name: cmd.host.address,
    target: { ...cmd.host, identityFile: key },
    jump: cmd.jump.map((h) => ({ ...h, identityFile: key })),
    sshdConfigPath: cmd.sshdConfigPath,
    scanRoots: [...cmd.scanRoots],
    sudo: cmd.sudo,
  };
}

/**
 * The AuditTarget for runAudit. Command-line settings win; a host saved in --db (same address,
 * port and user) supplies the run's host id and name and the defaults for the key file,
 * sshd_config path, scan roots and passwordless sudo (`sudo-n`; a keychain sudo password is the
 * app's, not the CLI's).
 */
export function buildAuditTarget(plan: HostPlan, saved: Host | null): AuditTarget {
  const scanRoots = plan.scanRoots.length ? plan.scanRoots : (saved?.scanRoots ?? []);
  return {
    hostId: saved?.id ?? null,
    name: saved?.name ?? plan.name,
    address: plan.target.address,
    port: plan.target.port,
    username: plan.target.username,
    identityFile: plan.target.identityFile ?? saved?.identityFile ?? null,
    sshdConfigPath: plan.sshdConfigPath ?? saved?.sshdConfigPath ?? DEFAULT_SSHD_CONFIG,
    scanRoots: [...scanRoots],
    sudo: plan.sudo || saved?.sudo === 'sudo-n' ? 'sudo-n' : 'none',
    sudoPassword: null,
  };
}

// ---- inventories -------------------------------------------------------------------------

export type FleetItem = { kind: 'plan'; plan: HostPlan } | { kind: 'invalid'; host: HostRef; error: { code: 'INVENTORY_INVALID'; message: string } };

export interface FleetDefaults extends Pick<AuditSettings, 'identityFile' | 'sshdConfigPath' | 'scanRoots' | 'sudo'> {
  /** Relative key paths in the inventory are resolved against it (as ssh -i does). */
  cwd: string;
  /** The login name when the inventory gives none (Ansible's default: the local user). */
  localUser: string;
}

function keyPath(p: string | null, cwd: string): string | null {
  if (!p) return null;
  return p === '~' || p.startsWith('~/') || path.isAbsolute(p) ? p : path.resolve(cwd, p);
}

const sameEndpoint = (a: HopPlan, b: HopPlan): boolean => a.address.toLowerCase() === b.address.toLowerCase() && a.port === b.port;

/**
 * Inventory entries → plans. Each host gets its own user, port, key and jump chain; an entry
 * that cannot be audited as written (bad port, Jinja, unknown jump host…) becomes an `invalid`
 * item, reported as a failed host without connecting. A ProxyJump hop that names an inventory
 * host (by name, or by address and port) logs in with that host's user and key; other hops with
 * their own user (default: the local user) and --identity or the agent, as `ssh -J` does.
 */
export function planFleet(candidates: readonly ImportCandidate[], d: FleetDefaults): FleetItem[] {
  const byName = (name: string): ImportCandidate | undefined =>
    candidates.find((c) => c.name === name) ?? candidates.find((c) => c.name.toLowerCase() === name.toLowerCase());
  const hopOf = (c: ImportCandidate): HopPlan => ({
    username: c.username ?? d.localUser,
    address: c.address,
    port: c.port,
    identityFile: keyPath(c.identityFile, d.cwd) ?? d.identityFile,
  });
  const check = (hop: HopPlan, what: string): string | null => {
    const u = UserName.safeParse(hop.username);
    if (!u.success) return `${what}: user "${hop.username}": ${u.error.issues[0]?.message ?? 'invalid'}`;
    const a = HostAddress.safeParse(hop.address);
    if (!a.success) return `${what}: address "${hop.address}": ${a.error.issues[0]?.message ?? 'invalid'}`;
    return null;
  };

  return candidates.map((c): FleetItem => {
    const target = hopOf(c);
    const ref: HostRef = { name: c.name, address: c.address, port: c.port, username: target.username };
    const invalid = (message: string): FleetItem => ({ kind: 'invalid', host: ref, error: { code: 'INVENTORY_INVALID', message: `${c.source}: ${message}` } });
    if (c.problems.length) return invalid(c.problems.join('; '));
    const bad = check(target, 'the host');
    if (bad) return invalid(bad);

    const jump: HopPlan[] = [];
    for (const spec of c.jump) {
      const s = parseJumpSpec(spec);
      if (!s) return invalid(`jump host "${spec}" is not [USER@]HOST[:PORT]`);
      let hop: HopPlan;
      const named = s.user === null && s.port === null ? byName(s.host) : undefined;
      if (named) {
        if (named.problems.length) return invalid(`jump host "${spec}" (${named.source}): ${named.problems.join('; ')}`);
        hop = hopOf(named);
      } else {
        const port = s.port ?? 22;
        const same = candidates.filter((o) => o.address.toLowerCase() === s.host.toLowerCase() && o.port === port && (s.user === null || (o.username ?? d.localUser) === s.user));
        const key = same.length === 1 ? keyPath(same[0]!.identityFile, d.cwd) : null;
        hop = { username: s.user ?? (same.length === 1 ? (same[0]!.username ?? d.localUser) : d.localUser), address: s.host, port, identityFile: key ?? d.identityFile };
      }
      const badHop = check(hop, `jump host "${spec}"`);
      if (badHop) return invalid(badHop);
      if (sameEndpoint(hop, target)) return invalid(`jump host "${spec}" is the host itself`);
      if (jump.some((h) => sameEndpoint(h, hop))) return invalid(`jump host "${spec}" appears twice in the chain (a loop)`);
      jump.push(hop);
    }
    if (jump.length > MAX_JUMP_HOSTS) return invalid(`more than ${MAX_JUMP_HOSTS} jump hosts`);
    return {
      kind: 'plan',
      plan: { name: c.name, target, jump, sshdConfigPath: d.sshdConfigPath, scanRoots: [...d.scanRoots], sudo: d.sudo },
    };
  });
}
