// A collector section: the POSIX sh that gathers one kind of fact (run inside the single audit
// script, read-only, time-bounded) and the pure parser that turns its raw output into a fact.
// Each domain module (system, access, containers, …) exports its specs and augments HostFacts.
import type { HostFacts, Section, SectionName } from '../facts';
import type { RawSection } from '../parsers/sections';
import { outputExcerpt } from '../parsers/excerpt';

export interface CollectContext {
  sshdConfigPath: string;
  /** Folders where compose projects and secrets live (host profile), absolute. */
  scanRoots: readonly string[];
  /** Seconds each section may run (coreutils `timeout`, when the host has it). */
  sectionTimeoutS: number;
  /** The host profile's VPN settings (for checks such as "SSH listens beyond the VPN"). */
  vpn?: { only: boolean; interface?: string | null; subnet?: string | null };
}

export interface ParseContext {
  /** Effective uid of the collector (0 with sudo), null if unknown. */
  uid: number | null;
  /** All raw sections, for parsers that combine several. */
  raw: ReadonlyMap<string, RawSection>;
  ctx: CollectContext;
}

export interface SectionSpec<K extends SectionName = SectionName> {
  /** The fact this spec produces (a key of HostFacts). */
  fact: K;
  /**
   * Shell lines for the script. Use `sec NAME cmd args…` for one command, or
   * `secsh NAME 'sh code'` (quote with shQuote) for a small script, or `sec NAME $T sh -c 'code'`
   * for a walk over file trees (the whole section under the time limit, in its own shell); all
   * merge stderr and record the exit status. A `secsh` script runs as a function of the lane's shell (collector.ts): its
   * `exit`s must be at its top level (they become `return`), it must not assign the prelude's
   * variables (M, T, name, rc, SSHD, SSHD_T…) and must restore IFS and `set -f`. Put the section
   * time limit `$T` in front of every command that may wait on a daemon or the network. Raw
   * section names must be unique.
   */
  script(ctx: CollectContext): string;
  parse(p: ParseContext): HostFacts[K];
  /**
   * Typical run time on a small idle host, in ms (measured with bench/audit.ts's per-section
   * profile). The collector spreads sections over its parallel lanes (one channel each) by this
   * estimate, so an audit takes about as long as the busiest lane. Default 20.
   */
  costMs?: number;
  /**
   * Run in the same lane as the spec of this fact (this one reads a shell variable it sets, or its
   * walk joins that one's walk group).
   */
  laneWith?: SectionName;
  /**
   * Facts whose raw sections this parse reads too (e.g. ufw's live chains from the netfilter
   * section): they are collected whenever this one is, also when `only` does not list them.
   */
  reads?: readonly SectionName[];
  /**
   * A walk over file trees: its raw section name and the sh code that `script` runs as
   * `sec NAME $T sh -c CODE`. The collector runs two or more walks of one lane together in one
   * such shell under one time limit (collector.ts walkGroupScript) instead of a timeout and a
   * shell each; `script` is what runs when a lane holds only one.
   */
  walk?(ctx: CollectContext): { section: string; code: string };
}

export function defineSection<K extends SectionName>(spec: SectionSpec<K>): SectionSpec<K> {
  return spec;
}

const PERMISSION = /permission denied|operation not permitted|must be run as root|are you root|only root/i;

/**
 * The usual way to turn one raw section into a fact: missing → error, cut off → error, exit
 * code 124 → timed out, a permission failure while not root → needs-sudo, other non-zero exit
 * → error (unless `okCodes` allows it), parse exceptions → error. Never throws.
 */
export function fromRaw<T>(
  raw: RawSection | undefined,
  what: string,
  p: Pick<ParseContext, 'uid'>,
  parse: (body: string, raw: RawSection) => T,
  opts: { okCodes?: readonly number[]; notInstalled?: string } = {},
): Section<T> {
  if (!raw) return { ok: false, status: 'error', message: `${what}: the collector returned no output for this section` };
  if (raw.exitCode === null) return { ok: false, status: 'error', message: `${what}: output was cut off` };
  const okCodes = opts.okCodes ?? [0];
  if (!okCodes.includes(raw.exitCode)) {
    const body = raw.body.trim();
    if (raw.exitCode === 127 && opts.notInstalled) return { ok: false, status: 'not-applicable', message: opts.notInstalled };
    // coreutils timeout exits 124; busybox timeout kills with TERM (143).
    if (raw.exitCode === 124 || raw.exitCode === 143) return { ok: false, status: 'error', message: `${what}: did not finish in time` };
    if (p.uid !== 0 && PERMISSION.test(body)) return { ok: false, status: 'needs-sudo', message: `${what} needs root: ${outputExcerpt(body, 200)}` };
    return { ok: false, status: 'error', message: `${what}: exit code ${raw.exitCode}: ${outputExcerpt(body, 300)}` };
  }
  try {
    return { ok: true, value: parse(raw.body, raw) };
  } catch (e) {
    return { ok: false, status: 'error', message: `${what}: ${(e as Error).message}` };
  }
}
