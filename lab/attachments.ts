// A lab host's attachments: what a topology creates outside the host's namespace for it
// (root-namespace interfaces and routes, processes such as wireguard-go, their sockets), recorded
// with the host and removed with it. Entries are re-validated whenever read: records are files,
// and nothing outside the lab's own names and prefixes is ever acted on.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { firstExisting, procAlive, procCmdline, procStartTime, runCommand as run } from './proc';
import { isLabPoolPrefix } from './subnets';

export const ATTACHED_LINK_RE = /^rmp[a-z0-9]{2,12}$/;
const WIREGUARD_RUN_DIR = '/run/wireguard';
const IP = firstExisting(['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip']) ?? 'ip';

export function linkExists(ifname: string): boolean {
  return existsSync(join('/sys/class/net', ifname));
}

export interface LabHostAttachments {
  /** Root-namespace interfaces, /^rmp[a-z0-9]{2,12}$/: deleted if still present. */
  rootLinks?: string[];
  /** Root-namespace routes to lab prefixes (10.213/16, 10.215/16, 10.216/16), deleted. */
  rootRoutes?: LabRootRoute[];
  /**
   * Processes (anywhere, e.g. the root namespace). Killed only while /proc/PID still shows the same
   * start time as when attached and its cmdline contains `cmdline`. Unlike other processes in the
   * host's namespace, these are not stopped by regenerateHostKeys' sshd restart.
   */
  processes?: Array<{ pid: number; cmdline: string }>;
  /** wireguard-go interface names (/^rmp[a-z0-9]{2,12}$/): their /run/wireguard/NAME.sock is removed. */
  wireguardInterfaces?: string[];
}

export interface LabRootRoute {
  type: 'unreachable' | 'blackhole' | 'prohibit';
  /** e.g. '10.215.7.12/30' */
  prefix: string;
  metric?: number;
}

export interface AttachedProcess {
  pid: number;
  startTime: string;
  cmdline: string;
}

export interface HostAttachmentsRecord {
  rootLinks: string[];
  rootRoutes: LabRootRoute[];
  processes: AttachedProcess[];
  wireguardInterfaces: string[];
}

const ROUTE_TYPES: ReadonlySet<string> = new Set(['unreachable', 'blackhole', 'prohibit']);

function validRoute(r: LabRootRoute): boolean {
  return (
    ROUTE_TYPES.has(r.type) &&
    isLabPoolPrefix(r.prefix) &&
    (r.metric === undefined || (Number.isInteger(r.metric) && r.metric >= 0 && r.metric < 2 ** 31))
  );
}

/** Record entries, re-validated (records are files; never act on anything outside the lab's names). */
export function attachmentsOf(a: HostAttachmentsRecord | undefined): HostAttachmentsRecord {
  return {
    rootLinks: (a?.rootLinks ?? []).filter((l) => typeof l === 'string' && ATTACHED_LINK_RE.test(l)),
    rootRoutes: (a?.rootRoutes ?? []).filter((r) => r && validRoute(r)),
    processes: (a?.processes ?? []).filter(
      (p) => p && Number.isInteger(p.pid) && p.pid > 1 && typeof p.startTime === 'string' && p.startTime !== '' && typeof p.cmdline === 'string' && p.cmdline.length >= 3,
    ),
    wireguardInterfaces: (a?.wireguardInterfaces ?? []).filter((l) => typeof l === 'string' && ATTACHED_LINK_RE.test(l)),
  };
}

/** The record's attachments plus `add`, each entry validated (throws on anything outside the lab's names). */
export function mergeAttachments(prev: HostAttachmentsRecord | undefined, add: LabHostAttachments): HostAttachmentsRecord {
  const cur = attachmentsOf(prev);
  for (const l of [...(add.rootLinks ?? []), ...(add.wireguardInterfaces ?? [])]) {
    if (!ATTACHED_LINK_RE.test(l)) throw new Error(`attachment interface name ${JSON.stringify(l)} must match ${ATTACHED_LINK_RE.source}`);
  }
  for (const r of add.rootRoutes ?? []) {
    if (!validRoute(r)) throw new Error(`attachment route ${JSON.stringify(r)}: only unreachable/blackhole/prohibit routes to lab prefixes`);
  }
  const procs: AttachedProcess[] = [];
  for (const p of add.processes ?? []) {
    const startTime = procStartTime(p.pid);
    if (!startTime) throw new Error(`attachment process ${p.pid} does not exist`);
    if (p.cmdline.length < 3) throw new Error('attachment process: cmdline marker too short');
    procs.push({ pid: p.pid, startTime, cmdline: p.cmdline });
  }
  return {
    rootLinks: [...new Set([...cur.rootLinks, ...(add.rootLinks ?? [])])],
    rootRoutes: [...cur.rootRoutes, ...(add.rootRoutes ?? [])],
    processes: [...cur.processes, ...procs],
    wireguardInterfaces: [...new Set([...cur.wireguardInterfaces, ...(add.wireguardInterfaces ?? [])])],
  };
}

/** Attached processes that still are the processes that were attached (same start time and cmdline). */
export function attachedPids(a: HostAttachmentsRecord | undefined): number[] {
  return attachmentsOf(a)
    .processes.filter((p) => procAlive(p.pid) && procStartTime(p.pid) === p.startTime && procCmdline(p.pid).includes(p.cmdline))
    .map((p) => p.pid);
}

function routeArgs(r: LabRootRoute): string[] {
  return [r.type, r.prefix, ...(r.metric === undefined ? [] : ['metric', String(r.metric)])];
}

/** Removes attached links, routes and sockets (after the processes were stopped). */
export async function removeAttachments(hostName: string, attachments: HostAttachmentsRecord | undefined): Promise<void> {
  const a = attachmentsOf(attachments);
  const errors: string[] = [];
  for (const link of a.rootLinks) {
    if (!linkExists(link)) continue;
    const r = await run(IP, ['link', 'del', link], { timeoutMs: 10_000 });
    if (r.code !== 0 && linkExists(link)) errors.push(`ip link del ${link}: ${r.stderr.trim()}`);
  }
  for (const route of a.rootRoutes) {
    const r = await run(IP, ['route', 'del', ...routeArgs(route)], { timeoutMs: 10_000 });
    if (r.code !== 0 && !/No such process|not found/i.test(r.stderr)) errors.push(`ip route del ${routeArgs(route).join(' ')}: ${r.stderr.trim()}`);
  }
  for (const wg of a.wireguardInterfaces) rmSync(join(WIREGUARD_RUN_DIR, `${wg}.sock`), { force: true });
  if (errors.length > 0) throw new Error(`lab host ${hostName}: ${errors.join('; ')}`);
}

export function removeAttachmentsSync(attachments: HostAttachmentsRecord | undefined): void {
  const a = attachmentsOf(attachments);
  for (const link of a.rootLinks) {
    if (linkExists(link)) spawnSync(IP, ['link', 'del', link], { stdio: 'ignore', timeout: 5_000 });
  }
  for (const route of a.rootRoutes) spawnSync(IP, ['route', 'del', ...routeArgs(route)], { stdio: 'ignore', timeout: 5_000 });
  for (const wg of a.wireguardInterfaces) rmSync(join(WIREGUARD_RUN_DIR, `${wg}.sock`), { force: true });
}
