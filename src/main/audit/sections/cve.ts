// Collector sections for the CVE facts: whether Trivy is on the host, the container images Docker
// has, and — when both are there — `trivy image --format json --quiet` per image, each in its own
// raw section under a time limit, with an overall budget after which the remaining images are
// recorded as skipped. Trivy runs with --skip-db-update (and --skip-java-db-update/--offline-scan
// when it knows them: no downloads from the audited host) and --cache-backend memory (it writes no
// scan cache), so the audit stays read-only; a host whose Trivy has no database yet gets an honest
// "not scanned" finding instead.
//
// Trivy's JSON is reduced on the host to the lines of the keys read (it is indented one key per
// line), so a report with thousands of CVEs stays small on the wire. A Trivy JSON report file
// (--trivy-report) goes through ingestTrivyReport and replaces/extends this fact via
// applyTrivyReport.
import type { HostFacts, Section, SectionName } from '../facts';
import type { RawSection } from '../parsers/sections';
import { shQuote } from '../../ssh/quote';
import { parseTrivyKeyLines, type ImageScan } from '../cve/trivy';
import { defineSection, type SectionSpec } from './types';
import { outputExcerpt } from '../parsers/excerpt';

export interface TrivyFacts {
  /** Trivy is installed on the host. */
  installed: boolean;
  version: string | null;
  /** Docker on the host: absent, images listed, or listing failed (e.g. no access to the socket). */
  docker: 'absent' | 'ok' | 'error';
  dockerMessage: string | null;
  /** Images Docker lists (tagged, unique). */
  images: string[];
  /** Per image: scanned, error or skipped. From the host's Trivy and/or report files. */
  scans: ImageScan[];
  /** Report files ingested (names as given), if any. */
  reports: string[];
}

declare module '../facts' {
  interface HostFacts {
    trivy: Section<TrivyFacts>;
  }
}

/** Images scanned at most per audit, per-image limit and the overall budget (seconds). */
export const TRIVY_MAX_IMAGES = 20;
export const TRIVY_IMAGE_TIMEOUT_S = 60;
export const TRIVY_BUDGET_S = 90;

const IMAGES = `docker images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -v '<none>' | sort -u | head -n ${TRIVY_MAX_IMAGES}`;

const PRESENCE = `if command -v trivy >/dev/null 2>&1; then echo "@trivy $(trivy --version 2>/dev/null | head -n 1)"; else echo "@trivy-absent"; fi
if ! command -v docker >/dev/null 2>&1; then echo "@docker-absent"; exit 0; fi
# Without Trivy the image list is not needed (and docker's client start costs a quarter second).
if ! command -v trivy >/dev/null 2>&1; then echo "@docker-present"; exit 0; fi
out=$(docker images --format '{{.Repository}}:{{.Tag}}' 2>&1); rc=$?
if [ "$rc" -ne 0 ]; then echo "@docker-error $rc"; printf '%s\\n' "$out" | head -n 5; exit 0; fi
printf '%s\\n' "$out" | grep -v '<none>' | grep . | sort -u | sed 's/^/@image /'
exit 0`;

const KEYS = 'SchemaVersion|VulnerabilityID|PkgName|InstalledVersion|FixedVersion|Severity';
// $1: the image; $2: extra flags this Trivy knows (see SCANS), word-split on purpose.
const SCAN_ONE = `printf '@image %s\\n' "$1"
{ trivy image --format json --quiet --skip-db-update --cache-backend memory $2 "$1" 2>&1; rc=$?; echo; echo "@rc $rc"; } | grep -E '^([[:space:]]*"(${KEYS})":|@rc |[0-9T:.+Z-]*[[:space:]]*(FATAL|ERROR)|(FATAL|ERROR))'
exit 0`;

const SCANS = `if command -v trivy >/dev/null 2>&1 && command -v docker >/dev/null 2>&1; then
  if [ -n "$T" ]; then cve_tt="timeout ${TRIVY_IMAGE_TIMEOUT_S}"; else cve_tt=""; fi
  # No downloads from the audited host: newer Trivy also fetches a Java DB and asks Maven Central
  # about jars unless told not to; older ones do not know these flags.
  cve_flags=""; cve_help=$(trivy image --help 2>&1)
  case "$cve_help" in *--skip-java-db-update*) cve_flags="$cve_flags --skip-java-db-update";; esac
  case "$cve_help" in *--offline-scan*) cve_flags="$cve_flags --offline-scan";; esac
  cve_i=0; cve_start=$(date +%s)
  for cve_img in $(${IMAGES}); do
    if [ $(( $(date +%s) - cve_start )) -ge ${TRIVY_BUDGET_S} ]; then
      sec "cve_trivy_$cve_i" printf '@image %s\\n@skipped the ${TRIVY_BUDGET_S} s budget for CVE scans in one audit was used up\\n' "$cve_img"
    else
      sec "cve_trivy_$cve_i" $cve_tt sh -c ${shQuote(SCAN_ONE)} sh "$cve_img" "$cve_flags"
    fi
    cve_i=$((cve_i + 1))
  done
fi`;

export const CVE_SCRIPTS = { PRESENCE, SCAN_ONE, SCANS } as const;

const FIRST_RUN = /first run|--skip-db-update|skip.*download|DB.*(not|missing|empty)|vulnerability database/i;

/** One per-image raw section → ImageScan. */
export function parseImageSection(raw: RawSection): ImageScan {
  const lines = raw.body.split('\n').map((l) => l.replace(/\r$/, ''));
  const image = lines.map((l) => /^@image (.+)$/.exec(l)).find((m) => m)?.[1]?.trim() ?? '(unknown image)';
  const base = { image, vulnerabilities: [], source: 'host' as const };
  if (raw.exitCode === null) return { ...base, status: 'error', message: 'the scan output was cut off' };
  if (raw.exitCode === 124) return { ...base, status: 'error', message: `Trivy did not finish within ${TRIVY_IMAGE_TIMEOUT_S} s` };
  const skipped = lines.map((l) => /^@skipped (.+)$/.exec(l)).find((m) => m);
  if (skipped) return { ...base, status: 'skipped', message: skipped[1]! };
  const rc = lines.map((l) => /^@rc (\d+)$/.exec(l)).find((m) => m);
  const errors = lines.filter((l) => /(FATAL|ERROR)/.test(l) && !/^\s*"/.test(l)).join(' ').replace(/\s+/g, ' ').trim();
  if (!rc) return { ...base, status: 'error', message: 'Trivy printed no exit status' };
  if (rc[1] !== '0') {
    const message = FIRST_RUN.test(errors) ? 'Trivy has no vulnerability database on this host (the audit does not download one)' : `Trivy failed (exit ${rc[1]}): ${errors.slice(0, 240) || 'no message'}`;
    return { ...base, status: 'error', message };
  }
  try {
    return parseTrivyKeyLines(image, lines);
  } catch (e) {
    return { ...base, status: 'error', message: (e as Error).message };
  }
}

export function parseTrivyPresence(body: string, raw: ReadonlyMap<string, RawSection>): TrivyFacts {
  const lines = body.split('\n').map((l) => l.replace(/\r$/, ''));
  const trivyLine = lines.find((l) => /^@trivy( |-absent$)/.test(l));
  if (!trivyLine) throw new Error(`unexpected CVE section output: "${outputExcerpt(body, 120)}"`);
  const installed = trivyLine !== '@trivy-absent';
  const version = installed ? (/Version:\s*(\S+)/.exec(trivyLine)?.[1] ?? (trivyLine.slice(7).trim() || null)) : null;
  const dockerErr = lines.findIndex((l) => /^@docker-error \d+$/.test(l));
  const docker: TrivyFacts['docker'] = lines.includes('@docker-absent') ? 'absent' : dockerErr >= 0 ? 'error' : 'ok';
  const dockerMessage = dockerErr >= 0 ? lines.slice(dockerErr + 1).join(' ').trim().slice(0, 240) || 'docker images failed' : null;
  const images = lines.map((l) => /^@image (.+)$/.exec(l)?.[1]?.trim()).filter((s): s is string => !!s);
  const scans = [...raw.entries()]
    .filter(([name]) => /^cve_trivy_\d+$/.test(name))
    .sort(([a], [b]) => Number(a.slice(10)) - Number(b.slice(10)))
    .map(([, r]) => parseImageSection(r));
  // Images beyond the per-audit limit are recorded as skipped, so the finding says so.
  if (installed && docker === 'ok') {
    for (const img of images) if (!scans.some((s) => s.image === img)) scans.push({ image: img, status: 'skipped', message: `more than ${TRIVY_MAX_IMAGES} images: only the first ${TRIVY_MAX_IMAGES} are scanned per audit`, vulnerabilities: [], source: 'host' });
  }
  return { installed, version, docker, dockerMessage, images, scans, reports: [] };
}

export const specs: ReadonlyArray<SectionSpec<SectionName>> = [
  defineSection({
    fact: 'trivy',
    // Image scans take seconds to minutes.
    costMs: 30, // without trivy on the host; with it, its image scans take seconds wherever they run
    script: () => `secsh cve_trivy ${shQuote(PRESENCE)}\n${SCANS}`,
    parse: ({ raw }) => {
      const r = raw.get('cve_trivy');
      if (!r) return { ok: false, status: 'error', message: 'CVE scan: the collector returned no output for this section' };
      if (r.exitCode !== 0) return { ok: false, status: 'error', message: `CVE scan: ${r.exitCode === null ? 'output was cut off' : `exit code ${r.exitCode}`}` };
      try {
        return { ok: true, value: parseTrivyPresence(r.body, raw) };
      } catch (e) {
        return { ok: false, status: 'error', message: `CVE scan: ${(e as Error).message}` };
      }
    },
  }),
];

/**
 * Adds the images of a Trivy JSON report (ingestTrivyReport) to the facts: a report's result for an
 * image replaces the host's for the same image. Works whether or not the host could run Trivy.
 */
export function applyTrivyReport(facts: HostFacts, scans: readonly ImageScan[], reportName: string): HostFacts {
  const prev = facts.trivy?.ok ? facts.trivy.value : null;
  const base: TrivyFacts = prev ?? { installed: false, version: null, docker: 'absent', dockerMessage: null, images: [], scans: [], reports: [] };
  const fromReport = new Set(scans.map((s) => s.image));
  const value: TrivyFacts = {
    ...base,
    scans: [...base.scans.filter((s) => !fromReport.has(s.image)), ...scans.map((s) => ({ ...s, source: 'report' as const }))],
    reports: [...base.reports, reportName],
  };
  return { ...facts, trivy: { ok: true, value } };
}
