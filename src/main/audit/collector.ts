// Builds the read-only collection script (sent on stdin to `sh -s`, one exec per audit) and
// turns its output into facts. The script writes nothing on the host.
import { randomBytes } from 'node:crypto';
import type { HostFacts, Section, SectionName } from './facts';
import { parseOsRelease } from './parsers/osRelease';
import { parseSections, type RawSection } from './parsers/sections';
import { parseSshdT } from './parsers/sshd';
import { shQuote } from '../ssh/quote';
import { SECTION_SPECS } from './sections';
import type { CollectContext, SectionSpec } from './sections/types';
import { outputExcerpt } from './parsers/excerpt';

export interface CollectOptions {
  sshdConfigPath: string;
  /** Folders where compose projects and secrets live (host profile). */
  scanRoots?: readonly string[];
  /** Seconds each section may take before `timeout` stops it (when the host has coreutils timeout). */
  sectionTimeoutS?: number;
  /** The host profile's VPN settings. */
  vpn?: { only: boolean; interface?: string | null; subnet?: string | null };
  /**
   * Only these facts (a fix re-checking what it changed); default every section. `os` and `sshd`
   * (sshd -T) run only when listed; the uid line always does.
   */
  only?: readonly SectionName[];
}

function wanted(opts: Pick<CollectOptions, 'only'>, fact: string): boolean {
  return !opts.only || (opts.only as readonly string[]).includes(fact);
}

function contextOf(opts: CollectOptions): CollectContext {
  return {
    sshdConfigPath: opts.sshdConfigPath,
    scanRoots: opts.scanRoots ?? [],
    sectionTimeoutS: Math.max(1, Math.floor(opts.sectionTimeoutS ?? 20)),
    ...(opts.vpn ? { vpn: opts.vpn } : {}),
  };
}

export interface CollectScript {
  marker: string;
  /**
   * The collector's lanes: each is one script, run on its own channel of the one connection, all
   * at once, so the audit takes about as long as the busiest lane. The first holds id, os-release
   * and `sshd -T`; sections are spread over the lanes by their cost estimate. Same marker in
   * every lane: the outputs are parsed together.
   */
  scripts: string[];
}

/** Channels (= exec round trips) per audit: the issue allows at most three. */
export const COLLECT_LANES = 3;
/** id, os-release and sshd -T, which always run first in lane 0. */
const LANE0_BASE_COST_MS = 70;
const DEFAULT_COST_MS = 20;

/**
 * Spreads specs over `lanes` lanes: the costliest first, each onto the least loaded lane (longest
 * processing time first). A spec with `laneWith` goes where the spec of that fact goes (it reads a
 * shell variable that one sets). Within a lane the specs keep their registry order.
 */
export function assignLanes<T extends { costMs?: number; fact?: string; laneWith?: string }>(
  specs: readonly T[],
  lanes: number,
  lane0BaseMs = 0,
  /** Facts of lane 0's base (not specs): a spec with laneWith one of these goes to lane 0. */
  lane0Facts: readonly string[] = [],
): T[][] {
  const n = Math.max(1, Math.floor(lanes));
  const load = Array.from({ length: n }, (_, i) => (i === 0 ? lane0BaseMs : 0));
  const leaderOf = (spec: T): T => (spec.laneWith !== undefined ? (specs.find((x) => x.fact === spec.laneWith) ?? spec) : spec);
  const units = new Map<T, { i: number; cost: number }>();
  specs.forEach((spec, i) => {
    const leader = leaderOf(spec);
    const u = units.get(leader) ?? { i, cost: 0 };
    u.i = Math.min(u.i, i);
    u.cost += spec.costMs ?? DEFAULT_COST_MS;
    units.set(leader, u);
  });
  const laneOfLeader = new Map<T, number>();
  const pinned = (leader: T): boolean => leader.laneWith !== undefined && lane0Facts.includes(leader.laneWith);
  for (const [leader, { cost }] of [...units].sort((x, y) => Number(pinned(y[0])) - Number(pinned(x[0])) || y[1].cost - x[1].cost || x[1].i - y[1].i)) {
    let best = 0;
    if (!pinned(leader)) for (let l = 1; l < n; l++) if (load[l]! < load[best]!) best = l;
    load[best]! += cost;
    laneOfLeader.set(leader, best);
  }
  return Array.from({ length: n }, (_, l) => specs.filter((spec) => laneOfLeader.get(leaderOf(spec)) === l));
}

export function buildCollectScript(opts: CollectOptions & { lanes?: number }): CollectScript {
  const marker = `@@RAMPART-${randomBytes(12).toString('hex')}`;
  const ctx = contextOf(opts);
  const t = ctx.sectionTimeoutS;
  // Each section: BEGIN line, the command's output (stderr merged), then END with its exit code.
  // A `secsh` section runs as a function of the lane's shell: no process at all. Its `exit`s
  // (all at the top level of the section scripts) become `return`s through an alias, which the
  // parser applies when eval defines the function; a shell where the probe shows that does not
  // work (aliases off) runs each section in a subshell instead (one fork each). Sections never
  // assign the prelude's variables (M, T, name, rc, SSHD…) and restore IFS and set -f themselves.
  // The section time limit ($T, coreutils/busybox timeout) is put in front of the commands that
  // wait on a daemon or on the network (docker, fail2ban-client, postqueue, timedatectl, getent,
  // sshd -T, apt …), not around every section: a timeout plus an `sh -c` per section were two
  // processes each, a quarter of all an audit started. The walks over file trees keep a
  // whole-section limit (`sec NAME $T sh -c CODE`, or, two or more in a lane, one shell and one
  // limit for all of them: walkGroupScript), so that a huge or hung tree costs an honest "did not
  // finish in time" (exit 124), never a walk cut short that looks complete.
  const prelude = `
PATH="$PATH:/usr/sbin:/sbin:/usr/local/sbin"; export PATH
LC_ALL=C; export LC_ALL
M=${shQuote(marker)}
if command -v timeout >/dev/null 2>&1; then T="timeout ${t}"; else T=""; fi
sec() { name=$1; shift; printf '%s BEGIN %s\\n' "$M" "$name"; "$@" 2>&1; rc=$?; printf '\\n%s END %s %s\\n' "$M" "$name" "$rc"; }
rampart_sub() ( rampart_code=$1; set --; eval "$rampart_code" )
alias exit=return 2>/dev/null
if [ "$(eval 'rampart_t() { exit 7
}'; rampart_t; echo "$?")" = 7 ]; then
  rampart_walk_fn=fn
  secsh() { name=$1; shift; eval "rampart_fn() {
$1
}"; sec "$name" rampart_fn; }
else
  rampart_walk_fn=sub
  secsh() { name=$1; shift; sec "$name" rampart_sub "$1"; }
fi
`;
  // A wanted section's `reads` come along (their raw output is parsed with it, not as a fact).
  const collected = (fact: string): boolean => wanted(opts, fact) || SECTION_SPECS.some((x) => wanted(opts, x.fact) && (x.reads as readonly string[] | undefined)?.includes(fact));
  const lanes = assignLanes(SECTION_SPECS.filter((s) => collected(s.fact)), opts.lanes ?? COLLECT_LANES, LANE0_BASE_COST_MS, ['sshd']);
  // sshd -T's output is kept in SSHD_T (and its status in SSHD_T_RC) for the lane-0 sections that
  // read it too (laneWith 'sshd': the users' SSH keys), so sshd -T runs once per audit.
  // The uid (effective, from /proc/self/status: this shell's own), os-release and the sshd lookup
  // by the shell itself: no id, cat or command substitution (id -u where /proc is not readable).
  const base = [
    "rampart_uid() { { while read -r rampart_k rampart_v; do [ \"$rampart_k\" = Uid: ] && { set -- $rampart_v; printf '%s\\n' \"$2\"; return 0; }; done < /proc/self/status; } 2>/dev/null; id -u; }",
    'sec id rampart_uid',
    ...(wanted(opts, 'os')
      ? ["rampart_os() { while IFS= read -r rampart_l || [ -n \"$rampart_l\" ]; do printf '%s\\n' \"$rampart_l\"; done < /etc/os-release; }", 'sec os rampart_os']
      : []),
    ...(wanted(opts, 'sshd')
      ? [
          'SSHD=/usr/sbin/sshd; rampart_ifs=$IFS; IFS=:; set -f',
          'for rampart_p in $PATH; do [ -n "$rampart_p" ] && [ -f "$rampart_p/sshd" ] && [ -x "$rampart_p/sshd" ] && { SSHD=$rampart_p/sshd; break; }; done',
          'IFS=$rampart_ifs; set +f',
          `SSHD_T=$($T "$SSHD" -T -f ${shQuote(opts.sshdConfigPath)} 2>&1); SSHD_T_RC=$?`,
          "rampart_sshd_t() { printf '%s\\n' \"$SSHD_T\"; return \"$SSHD_T_RC\"; }",
          'sec sshd_t rampart_sshd_t',
        ]
      : []),
    '',
  ].join('\n');
  const scripts = lanes
    .map((specs, i) => ({ i, body: laneBody(specs, ctx) }))
    .filter(({ i, body }) => i === 0 || body.trim())
    .map(({ i, body }) => `${prelude}${i === 0 ? base : ''}${body}\n`);
  return { marker, scripts };
}

/**
 * A lane's section lines. Its walks over file trees (specs with `walk`), when there are two or
 * more, run together in one shell under one time limit (walkGroupScript), placed where the first
 * of them was.
 */
function laneBody(specs: readonly SectionSpec[], ctx: CollectContext): string {
  const walks = specs.filter((s) => s.walk);
  if (walks.length < 2) return specs.map((spec) => spec.script(ctx)).join('\n');
  const parts: string[] = [];
  let placed = false;
  for (const spec of specs) {
    if (!spec.walk) parts.push(spec.script(ctx));
    else if (!placed) {
      parts.push(walkGroupScript(walks.map((w) => w.walk!(ctx)), ctx.sectionTimeoutS));
      placed = true;
    }
  }
  return parts.join('\n');
}

/**
 * Several walks in one shell of their own under one `timeout` (2 processes instead of 2 per walk),
 * each a `secsh` section there (a function, or a subshell where the lane's probe found aliases off).
 * The limit is the walks' own limits added up (timeoutS × their number), so no walk has less time
 * than alone unless the ones before it took long; what a hung walk costs is that sum, and the walks
 * after it in the group count as timed out too. When the shell ends other than normally (the limit:
 * 124 from coreutils timeout, 143 from busybox's), the lane prints an END line that closes any open
 * section unrecorded, then an empty section with that status for every walk of the group: the walks
 * that had finished keep their output (parseSections keeps the first of two sections of one name),
 * the running one and the rest read as "did not finish in time", never as complete.
 */
export function walkGroupScript(walks: ReadonlyArray<{ section: string; code: string }>, timeoutS: number): string {
  for (const w of walks) if (!/^\w+$/.test(w.section)) throw new Error(`bad walk section name ${JSON.stringify(w.section)}`);
  const inner = [
    'M=$1',
    'sec() { name=$1; shift; printf \'%s BEGIN %s\\n\' "$M" "$name"; "$@" 2>&1; rc=$?; printf \'\\n%s END %s %s\\n\' "$M" "$name" "$rc"; }',
    'rampart_sub() ( rampart_code=$1; set --; eval "$rampart_code" )',
    'if [ "$2" = fn ]; then',
    '  alias exit=return',
    '  secsh() { name=$1; shift; eval "rampart_fn() {',
    '$1',
    '}"; sec "$name" rampart_fn; }',
    'else',
    '  secsh() { name=$1; shift; sec "$name" rampart_sub "$1"; }',
    'fi',
    ...walks.map((w) => `secsh ${w.section} ${shQuote(w.code)}`),
    '',
  ].join('\n');
  const names = walks.map((w) => w.section).join(' ');
  return [
    `if [ -n "$T" ]; then rampart_walk_t="timeout ${timeoutS * walks.length}"; else rampart_walk_t=; fi`,
    `$rampart_walk_t sh -c ${shQuote(inner)} sh "$M" "$rampart_walk_fn" 2>&1; rampart_walk_rc=$?`,
    'if [ "$rampart_walk_rc" != 0 ]; then',
    `  printf '\\n%s END - %s\\n' "$M" "$rampart_walk_rc"`,
    `  for rampart_walk_n in ${names}; do printf '%s BEGIN %s\\n\\n%s END %s %s\\n' "$M" "$rampart_walk_n" "$M" "$rampart_walk_n" "$rampart_walk_rc"; done`,
    'fi',
  ].join('\n');
}

export function parseCollectOutput(
  stdout: string,
  marker: string,
  sshdConfigPath: string,
  opts: Omit<CollectOptions, 'sshdConfigPath'> = {},
): { facts: HostFacts; uid: number | null } {
  // With `only`, the facts not collected are absent (evaluate() makes their checks error).
  const sections = parseSections(stdout, marker);
  const idSec = sections.get('id');
  const uid = idSec && idSec.exitCode === 0 && /^\d+$/.test(idSec.body.trim()) ? Number(idSec.body.trim()) : null;
  const ctx = contextOf({ ...opts, sshdConfigPath });
  const facts: Record<string, unknown> = {};
  if (wanted(opts, 'os')) facts.os = section(sections.get('os'), 'os-release', (s) => parseOsRelease(s.body));
  if (wanted(opts, 'sshd')) facts.sshd = sshdSection(sections.get('sshd_t'), uid, sshdConfigPath);
  for (const spec of SECTION_SPECS) {
    if (!wanted(opts, spec.fact)) continue;
    try {
      facts[spec.fact] = spec.parse({ uid, raw: sections, ctx });
    } catch (e) {
      // A parser bug must cost its own checks, never the run.
      facts[spec.fact] = { ok: false, status: 'error', message: `${spec.fact}: ${(e as Error).message}` };
    }
  }
  return { uid, facts: facts as unknown as HostFacts };
}

function section<T>(raw: RawSection | undefined, what: string, parse: (raw: RawSection) => T): Section<T> {
  if (!raw) return { ok: false, status: 'error', message: `${what}: the collector returned no output for this section` };
  if (raw.exitCode === null) return { ok: false, status: 'error', message: `${what}: output was cut off` };
  if (raw.exitCode !== 0) return { ok: false, status: 'error', message: `${what}: exit code ${raw.exitCode}: ${outputExcerpt(raw.body, 300)}` };
  try {
    return { ok: true, value: parse(raw) };
  } catch (e) {
    return { ok: false, status: 'error', message: `${what}: ${(e as Error).message}` };
  }
}

function sshdSection(raw: RawSection | undefined, uid: number | null, path: string): HostFacts['sshd'] {
  if (raw && raw.exitCode !== 0 && raw.exitCode !== null) {
    const body = raw.body.trim();
    if (raw.exitCode === 127)
      return { ok: false, status: 'not-applicable', message: 'sshd is not installed on this host' };
    if (uid !== 0 && /permission denied|no hostkeys available|must be run as root|Privilege separation/i.test(body))
      return { ok: false, status: 'needs-sudo', message: `sshd -T needs root to read the host keys and config: ${outputExcerpt(body, 200)}` };
    if (raw.exitCode === 124) return { ok: false, status: 'error', message: 'sshd -T did not finish in time' };
  }
  return section(raw, 'sshd -T', (s) => ({ path, config: parseSshdT(s.body) }));
}
