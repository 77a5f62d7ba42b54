// Trivy results for container images: from a Trivy JSON report file (`trivy image --format json`,
// given with --trivy-report) or from Trivy run on the host by the collector. Both end up as
// ImageScan: per image, unique CVEs with severity, package, installed and fixed versions.
//
// Schema read (Trivy >= 0.20, SchemaVersion 2): { ArtifactName, Results: [ { Target,
// Vulnerabilities: [ { VulnerabilityID, PkgName, InstalledVersion, FixedVersion, Severity } ] } ] }.
import { compareDebVersions } from '../parsers/debVersion';

export type CveSeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
export const CVE_SEVERITIES: readonly CveSeverity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

export interface Vulnerability {
  id: string;
  pkg: string;
  installed: string;
  /** Empty when no fixed version exists yet. */
  fixed: string;
  severity: CveSeverity;
}

export interface ImageScan {
  image: string;
  status: 'scanned' | 'error' | 'skipped';
  /** Why the image was not scanned (status error/skipped). */
  message: string | null;
  /** Unique (id, package, installed version) entries. */
  vulnerabilities: Vulnerability[];
  /** Where the result came from: the host's Trivy or a report file. */
  source: 'host' | 'report';
}

export type SeverityCounts = Record<CveSeverity, number>;

export interface ImageSummary {
  image: string;
  /** Unique CVE ids by their worst severity in this image. */
  counts: SeverityCounts;
  total: number;
  fixable: SeverityCounts;
  fixableTotal: number;
  /** Packages with a fixed version: upgrade targets, worst first. */
  upgrades: Array<{ pkg: string; installed: string; fixed: string; ids: string[]; worst: CveSeverity }>;
}

export class TrivyReportError extends Error {}

const MAX_REPORT_BYTES = 256 * 1024 * 1024;

function normSeverity(s: unknown): CveSeverity {
  const u = typeof s === 'string' ? s.toUpperCase() : '';
  return (CVE_SEVERITIES as readonly string[]).includes(u) ? (u as CveSeverity) : 'UNKNOWN';
}

const rank = (s: CveSeverity): number => CVE_SEVERITIES.indexOf(s);

function dedupe(vulns: Vulnerability[]): Vulnerability[] {
  const seen = new Map<string, Vulnerability>();
  for (const v of vulns) {
    const k = `${v.id}\0${v.pkg}\0${v.installed}`;
    const prev = seen.get(k);
    if (!prev || rank(v.severity) < rank(prev.severity) || (!prev.fixed && v.fixed)) seen.set(k, v);
  }
  return [...seen.values()];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** One Trivy report object → one ImageScan. Throws TrivyReportError when it is not a Trivy report. */
function reportToScan(report: unknown, index: number): ImageScan {
  if (!report || typeof report !== 'object' || Array.isArray(report)) throw new TrivyReportError(`report ${index + 1} is not a JSON object`);
  const r = report as Record<string, unknown>;
  const looksLikeTrivy = 'Results' in r || 'SchemaVersion' in r || 'ArtifactName' in r;
  if (!looksLikeTrivy) throw new TrivyReportError(`report ${index + 1} is not a Trivy report (no SchemaVersion, ArtifactName or Results)`);
  if (r.Results !== undefined && r.Results !== null && !Array.isArray(r.Results)) throw new TrivyReportError(`report ${index + 1}: Results is not a list`);
  const image = str(r.ArtifactName).trim() || `(unnamed artifact ${index + 1})`;
  const vulns: Vulnerability[] = [];
  for (const [ri, res] of ((r.Results as unknown[] | null | undefined) ?? []).entries()) {
    if (!res || typeof res !== 'object') throw new TrivyReportError(`${image}: Results[${ri}] is not an object`);
    const list = (res as Record<string, unknown>).Vulnerabilities;
    if (list === undefined || list === null) continue; // Trivy omits it when a target has none
    if (!Array.isArray(list)) throw new TrivyReportError(`${image}: Results[${ri}].Vulnerabilities is not a list`);
    for (const v of list) {
      if (!v || typeof v !== 'object') continue;
      const o = v as Record<string, unknown>;
      const id = str(o.VulnerabilityID).trim();
      if (!id) continue;
      vulns.push({ id, pkg: str(o.PkgName) || str(o.PkgID) || '(unknown package)', installed: str(o.InstalledVersion), fixed: str(o.FixedVersion), severity: normSeverity(o.Severity) });
    }
  }
  return { image, status: 'scanned', message: null, vulnerabilities: dedupe(vulns), source: 'report' };
}

/**
 * Reads a Trivy JSON report: one report object, a list of them, or several objects one after
 * another (JSON lines / concatenated files). Throws TrivyReportError on anything else.
 */
export function ingestTrivyReport(json: string | Buffer): ImageScan[] {
  const text = (typeof json === 'string' ? json : json.toString('utf8')).replace(/^\uFEFF/, '');
  if (text.length > MAX_REPORT_BYTES) throw new TrivyReportError(`the report is larger than ${MAX_REPORT_BYTES / 1024 / 1024} MiB`);
  if (!text.trim()) throw new TrivyReportError('the report is empty');
  let docs: unknown[];
  try {
    const parsed: unknown = JSON.parse(text);
    docs = Array.isArray(parsed) ? parsed : [parsed];
  } catch (e) {
    docs = splitConcatenated(text, (e as Error).message);
  }
  if (!docs.length) throw new TrivyReportError('the report lists no images');
  const merged = new Map<string, ImageScan>();
  docs.forEach((d, i) => {
    const scan = reportToScan(d, i);
    const prev = merged.get(scan.image);
    if (prev) prev.vulnerabilities = dedupe([...prev.vulnerabilities, ...scan.vulnerabilities]);
    else merged.set(scan.image, scan);
  });
  return [...merged.values()];
}

/** Several JSON objects back to back (`cat a.json b.json`, JSON lines). */
function splitConcatenated(text: string, firstError: string): unknown[] {
  const docs: unknown[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth < 0) break;
      if (depth === 0) {
        try {
          docs.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          throw new TrivyReportError(`the report is not valid JSON: ${firstError}`);
        }
      }
    } else if (depth === 0 && !/\s/.test(c)) throw new TrivyReportError(`the report is not valid JSON: ${firstError}`);
  }
  if (depth !== 0 || inString || !docs.length) throw new TrivyReportError(`the report is not valid JSON: ${firstError}`);
  return docs;
}

/**
 * Trivy's JSON as the collector sends it: the host keeps only the lines of the keys read here
 * (`grep` on Trivy's indented output), so a large report stays small on the wire. A SchemaVersion
 * line must be present: without it the output was not Trivy's indented JSON.
 */
export function parseTrivyKeyLines(image: string, lines: readonly string[]): ImageScan {
  let sawSchema = false;
  const vulns: Vulnerability[] = [];
  let cur: Partial<Vulnerability> | null = null;
  const flush = (): void => {
    if (cur?.id) vulns.push({ id: cur.id, pkg: cur.pkg ?? '(unknown package)', installed: cur.installed ?? '', fixed: cur.fixed ?? '', severity: cur.severity ?? 'UNKNOWN' });
    cur = null;
  };
  for (const line of lines) {
    const m = /^\s*"(SchemaVersion|VulnerabilityID|PkgName|InstalledVersion|FixedVersion|Severity)":\s*("(?:[^"\\]|\\.)*"|\d+)/.exec(line);
    if (!m) continue;
    const key = m[1]!;
    let value: string;
    try {
      value = String(JSON.parse(m[2]!));
    } catch {
      continue;
    }
    if (key === 'SchemaVersion') sawSchema = true;
    else if (key === 'VulnerabilityID') {
      flush();
      cur = { id: value };
    } else if (cur) {
      if (key === 'PkgName') cur.pkg = value;
      else if (key === 'InstalledVersion') cur.installed = value;
      else if (key === 'FixedVersion') cur.fixed = value;
      else if (key === 'Severity') cur.severity = normSeverity(value);
    }
  }
  flush();
  if (!sawSchema) throw new TrivyReportError('Trivy printed no report (no SchemaVersion)');
  return { image, status: 'scanned', message: null, vulnerabilities: dedupe(vulns), source: 'host' };
}

/** "1.19.11, 1.20.6" (one fix per release branch) → "1.19.11"; a leading "v" dropped. */
function firstVersion(fixed: string): string {
  return (fixed.split(',')[0] ?? '').trim().replace(/^v(?=\d)/, '');
}

const zero = (): SeverityCounts => ({ CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 });

export function summarizeImage(scan: ImageScan): ImageSummary {
  // Count each CVE id once per image, at its worst severity; fixable if any of its packages has a fix.
  const byId = new Map<string, { severity: CveSeverity; fixable: boolean }>();
  for (const v of scan.vulnerabilities) {
    const prev = byId.get(v.id);
    byId.set(v.id, {
      severity: prev && rank(prev.severity) < rank(v.severity) ? prev.severity : v.severity,
      fixable: (prev?.fixable ?? false) || v.fixed.trim() !== '',
    });
  }
  const counts = zero();
  const fixable = zero();
  for (const { severity, fixable: f } of byId.values()) {
    counts[severity]++;
    if (f) fixable[severity]++;
  }
  const pk = new Map<string, { pkg: string; installed: string; fixed: string; ids: string[]; worst: CveSeverity }>();
  for (const v of scan.vulnerabilities) {
    if (!v.fixed.trim()) continue;
    const k = `${v.pkg}\0${v.installed}`;
    const prev = pk.get(k);
    if (!prev) pk.set(k, { pkg: v.pkg, installed: v.installed, fixed: v.fixed, ids: [v.id], worst: v.severity });
    else {
      if (!prev.ids.includes(v.id)) prev.ids.push(v.id);
      if (rank(v.severity) < rank(prev.worst)) prev.worst = v.severity;
      // Several CVEs fixed in different versions: the upgrade target is the highest of them.
      if (compareDebVersions(firstVersion(v.fixed), firstVersion(prev.fixed)) > 0) prev.fixed = v.fixed;
    }
  }
  const upgrades = [...pk.values()].sort((a, b) => rank(a.worst) - rank(b.worst) || b.ids.length - a.ids.length || a.pkg.localeCompare(b.pkg));
  const sum = (c: SeverityCounts): number => CVE_SEVERITIES.reduce((n, s) => n + c[s], 0);
  return { image: scan.image, counts, total: sum(counts), fixable, fixableTotal: sum(fixable), upgrades };
}

/** '3 critical, 1 high, 2 medium' (zero counts left out). */
export function formatCounts(c: SeverityCounts): string {
  const parts = CVE_SEVERITIES.filter((s) => c[s] > 0).map((s) => `${c[s]} ${s.toLowerCase()}`);
  return parts.length ? parts.join(', ') : 'none';
}

export function worstSeverity(c: SeverityCounts): CveSeverity | null {
  return CVE_SEVERITIES.find((s) => c[s] > 0) ?? null;
}
