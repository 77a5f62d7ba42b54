// Builds the read-only collection script (sent on stdin to `sh -s`, one exec per audit) and
// turns its output into facts. The script writes nothing on the host.
import { randomBytes } from 'node:crypto';
import type { HostFacts, Section } from './facts';
import { parseOsRelease } from './parsers/osRelease';
import { parseSections, type RawSection } from './parsers/sections';
import { parseSshdT } from './parsers/sshd';
import { shQuote } from '../ssh/quote';
import { SECTION_SPECS } from './sections';
import type { CollectContext } from './sections/types';

export interface CollectOptions {
  sshdConfigPath: string;
  /** Folders where compose projects and secrets live (host profile). */
  scanRoots?: readonly string[];
  /** Seconds each section may take before `timeout` stops it (when the host has coreutils timeout). */
  sectionTimeoutS?: number;
  /** The host profile's VPN settings. */
  vpn?: { only: boolean; interface?: string | null; subnet?: string | null };
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
  /** The main script: every fast section. */
  script: string;
  /**
   * Slow sections (package lists, mail queue…) as a second script, run on a parallel channel of
   * the same connection, so the audit takes as long as the slower of the two, not their sum.
   * Null when no section is slow. Same marker: the outputs are parsed together.
   */
  slowScript: string | null;
}

export function buildCollectScript(opts: CollectOptions): CollectScript {
  const marker = `@@RAMPART-${randomBytes(12).toString('hex')}`;
  const ctx = contextOf(opts);
  const t = ctx.sectionTimeoutS;
  // Each section: BEGIN line, the command's output (stderr merged), then END with its exit code.
  const prelude = `
PATH="$PATH:/usr/sbin:/sbin:/usr/local/sbin"; export PATH
LC_ALL=C; export LC_ALL
M=${shQuote(marker)}
if command -v timeout >/dev/null 2>&1; then T="timeout ${t}"; else T=""; fi
sec() { name=$1; shift; printf '%s BEGIN %s\\n' "$M" "$name"; "$@" 2>&1; rc=$?; printf '\\n%s END %s %s\\n' "$M" "$name" "$rc"; }
secsh() { name=$1; shift; sec "$name" $T sh -c "$1"; }
`;
  const fast = SECTION_SPECS.filter((spec) => spec.lane !== 'slow');
  const slow = SECTION_SPECS.filter((spec) => spec.lane === 'slow');
  const script = `${prelude}sec id id -u
sec os cat /etc/os-release
SSHD=$(command -v sshd 2>/dev/null || echo /usr/sbin/sshd)
sec sshd_t $T "$SSHD" -T -f ${shQuote(opts.sshdConfigPath)}
${fast.map((spec) => spec.script(ctx)).join('\n')}
`;
  const slowScript = slow.length ? `${prelude}${slow.map((spec) => spec.script(ctx)).join('\n')}\n` : null;
  return { marker, script, slowScript };
}

export function parseCollectOutput(
  stdout: string,
  marker: string,
  sshdConfigPath: string,
  opts: Omit<CollectOptions, 'sshdConfigPath'> = {},
): { facts: HostFacts; uid: number | null } {
  const sections = parseSections(stdout, marker);
  const idSec = sections.get('id');
  const uid = idSec && idSec.exitCode === 0 && /^\d+$/.test(idSec.body.trim()) ? Number(idSec.body.trim()) : null;
  const ctx = contextOf({ ...opts, sshdConfigPath });
  const facts: Record<string, unknown> = {
    os: section(sections.get('os'), 'os-release', (s) => parseOsRelease(s.body)),
    sshd: sshdSection(sections.get('sshd_t'), uid, sshdConfigPath),
  };
  for (const spec of SECTION_SPECS) {
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
  if (raw.exitCode !== 0) return { ok: false, status: 'error', message: `${what}: exit code ${raw.exitCode}: ${raw.body.trim().slice(0, 300)}` };
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
      return { ok: false, status: 'needs-sudo', message: `sshd -T needs root to read the host keys and config: ${body.slice(0, 200)}` };
    if (raw.exitCode === 124) return { ok: false, status: 'error', message: 'sshd -T did not finish in time' };
  }
  return section(raw, 'sshd -T', (s) => ({ path, config: parseSshdT(s.body) }));
}
