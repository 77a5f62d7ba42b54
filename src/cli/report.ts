// Report building and formatting for `rampart audit`: pure functions over a stored run.
import { Grade, SEVERITIES, type CheckStatus, type Finding, type RunDetail, type RunError, type RunStatus, type Severity } from '../shared/domain';
import type { FailOn } from './args';
import type { HostRef } from './plan';

export const TOOL = 'rampart';

/** How the host key was trusted for this run. */
export type HostKeySource = 'pinned' | 'accepted-new' | 'known-hosts';

export interface ReportMeta {
  version: string;
  username: string;
  hostKey: { keyType: string; fingerprint: string; source: HostKeySource } | null;
}

/** The JSON printed by `rampart audit --format json`. Fields are only ever added, never renamed. */
export interface JsonReport {
  tool: typeof TOOL;
  version: string;
  runId: string;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  host: {
    name: string;
    address: string;
    port: number;
    username: string;
    os: string | null;
    hostKey: ReportMeta['hostKey'];
  };
  /** null when no check could be evaluated (e.g. `sshd -T` failed). */
  score: {
    overall: number;
    grade: string;
    cap: string | null;
    categories: Record<string, { score: number; grade: string }>;
  } | null;
  findingCounts: Record<Severity, number>;
  findings: Array<{
    id: string;
    checkId: string;
    category: string;
    severity: Severity;
    title: string;
    resource: string;
    evidence: string;
    rationale: string;
    remediation: string;
    references: string[];
    status: Finding['status'];
  }>;
  checks: Array<{ checkId: string; category: string; severity: Severity; status: CheckStatus; message?: string }>;
  errors: RunError[];
}

export interface JsonErrorReport {
  tool: typeof TOOL;
  version: string;
  status: 'failed';
  error: { code: string; message: string; details?: Record<string, unknown> };
}

const sevRank = (s: Severity): number => SEVERITIES.indexOf(s);

export function sortFindings<T extends Pick<Finding, 'severity' | 'checkId' | 'resource'>>(findings: readonly T[]): T[] {
  return [...findings].sort(
    (a, b) => sevRank(a.severity) - sevRank(b.severity) || a.checkId.localeCompare(b.checkId) || a.resource.localeCompare(b.resource),
  );
}

/** The part of a run's JSON report every target kind shares (hosts, mail domains): after the head. */
export function runReportBody(run: RunDetail): Pick<JsonReport, 'score' | 'findingCounts' | 'findings' | 'checks' | 'errors'> {
  return {
    score: run.score
      ? {
          overall: run.score.overall,
          grade: run.score.grade,
          cap: run.score.cap,
          categories: Object.fromEntries(Object.entries(run.score.categories).map(([k, v]) => [k, { score: v.score, grade: v.grade }])),
        }
      : null,
    findingCounts: countBySeverity(run.findings),
    findings: sortFindings(run.findings).map((f) => ({
      id: f.id,
      checkId: f.checkId,
      category: f.category,
      severity: f.severity,
      title: f.title,
      resource: f.resource,
      evidence: f.evidence,
      rationale: f.rationale,
      remediation: f.remediation,
      references: f.references,
      status: f.status,
    })),
    checks: run.checks.map((c) => ({
      checkId: c.checkId,
      category: c.category,
      severity: c.severity,
      status: c.status,
      ...(c.message ? { message: c.message } : {}),
    })),
    errors: run.errors,
  };
}

export function toJsonReport(run: RunDetail, meta: ReportMeta): JsonReport {
  return {
    tool: TOOL,
    version: meta.version,
    runId: run.id,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    status: run.status,
    host: { name: run.hostName, address: run.address, port: run.port, username: meta.username, os: run.os, hostKey: meta.hostKey },
    ...runReportBody(run),
  };
}

export function toJsonError(version: string, code: string, message: string, details?: Record<string, unknown>): JsonErrorReport {
  return { tool: TOOL, version, status: 'failed', error: details ? { code, message, details } : { code, message } };
}

export function countBySeverity(findings: ReadonlyArray<Pick<Finding, 'severity' | 'status'>>): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (f.status === 'open') counts[f.severity]++;
  return counts;
}

// The documented contract is 0/1/2: an incomplete audit is an error (2), so "nothing found" is
// never claimed for checks that did not run.
export const EXIT = { ok: 0, findings: 1, error: 2, interrupted: 130 } as const;

/**
 * 1 if an open finding is at or above `failOn`; otherwise 2 if the run is not complete (some
 * checks could not be evaluated, so "nothing found" is not established); otherwise 0.
 */
export function exitCodeFor(run: { status: RunStatus; findings: ReadonlyArray<Pick<Finding, 'severity' | 'status'>> }, failOn: FailOn): number {
  if (failOn !== 'none') {
    const limit = sevRank(failOn);
    if (run.findings.some((f) => f.status === 'open' && sevRank(f.severity) <= limit)) return EXIT.findings;
  }
  return run.status === 'complete' ? EXIT.ok : EXIT.error;
}

/** A message on one line (remote output may hold line breaks). */
export function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function countsLine(counts: Record<Severity, number>): string {
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'none';
}

function checkSummary(run: RunDetail): string {
  const by = new Map<string, number>();
  for (const c of run.checks) by.set(c.status, (by.get(c.status) ?? 0) + 1);
  return [...by.entries()].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
}

function target(run: RunDetail, meta: ReportMeta): string {
  const addr = run.address.includes(':') ? `[${run.address}]` : run.address;
  return `${meta.username}@${addr}:${run.port}`;
}

const scoreText = (n: number): string => n.toFixed(1);

/** Plain-text report for a terminal. */
export function formatTable(run: RunDetail, meta: ReportMeta): string {
  const out: string[] = [];
  out.push(`Rampart ${meta.version} audit of ${target(run, meta)}${run.os ? ` (${run.os})` : ''}`);
  out.push(`Run ${run.id}  status ${run.status}  started ${run.startedAt}`);
  if (meta.hostKey) out.push(`Host key ${meta.hostKey.keyType} ${meta.hostKey.fingerprint} (${meta.hostKey.source})`);
  out.push('');
  if (run.score) {
    out.push(`Grade: ${run.score.grade}   Score: ${scoreText(run.score.overall)} / 100${run.score.cap ? `   (capped: ${run.score.cap})` : ''}`);
    for (const [cat, c] of Object.entries(run.score.categories)) out.push(`  ${cat.padEnd(12)} ${c.grade.padEnd(3)} ${scoreText(c.score).padStart(5)}`);
  } else {
    out.push('Grade: -   Score: -   (no check could be evaluated)');
  }
  out.push(`Checks: ${run.checks.length} (${checkSummary(run)})`);
  const findings = sortFindings(run.findings);
  out.push('');
  out.push(`Findings: ${findings.length} (${countsLine(countBySeverity(findings))})`);
  if (findings.length) {
    const sevW = Math.max(8, ...findings.map((f) => f.severity.length));
    const idW = Math.max(5, ...findings.map((f) => f.checkId.length));
    out.push(`${'SEVERITY'.padEnd(sevW)}  ${'CHECK'.padEnd(idW)}  TITLE`);
    const indent = ' '.repeat(sevW + idW + 4);
    for (const f of findings) {
      out.push(`${f.severity.toUpperCase().padEnd(sevW)}  ${f.checkId.padEnd(idW)}  ${oneLine(f.title)}${f.status !== 'open' ? ` [${f.status}]` : ''}`);
      out.push(`${indent}evidence: ${oneLine(f.evidence)}`);
      out.push(`${indent}resource: ${oneLine(f.resource)}`);
      out.push(`${indent}fix:      ${oneLine(f.remediation)}`);
    }
  }
  const problems = [...run.errors.map((e) => `${e.section}: ${oneLine(e.message)}`)];
  if (problems.length) {
    out.push('');
    out.push(`Errors: ${problems.length}`);
    for (const p of problems) out.push(`  ${p}`);
  }
  return out.join('\n') + '\n';
}

function md(s: string): string {
  return oneLine(s).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;');
}

/** Markdown report (e.g. for a CI job summary or a ticket). */
export function formatMarkdown(run: RunDetail, meta: ReportMeta): string {
  const out: string[] = [];
  out.push(`# Rampart audit: ${md(target(run, meta))}`);
  out.push('');
  out.push('| | |');
  out.push('|---|---|');
  out.push(`| Grade | **${run.score ? run.score.grade : '-'}** |`);
  out.push(`| Score | ${run.score ? `${scoreText(run.score.overall)} / 100` : '- (no check could be evaluated)'} |`);
  if (run.score?.cap) out.push(`| Capped | ${md(run.score.cap)} |`);
  out.push(`| Status | ${run.status} |`);
  out.push(`| OS | ${run.os ? md(run.os) : '-'} |`);
  if (meta.hostKey) out.push(`| Host key | \`${meta.hostKey.keyType} ${meta.hostKey.fingerprint}\` (${meta.hostKey.source}) |`);
  out.push(`| Run | \`${run.id}\` |`);
  out.push(`| Started | ${run.startedAt} |`);
  out.push(`| Rampart | ${md(meta.version)} |`);
  if (run.score && Object.keys(run.score.categories).length) {
    out.push('');
    out.push('## Categories');
    out.push('');
    out.push('| Category | Grade | Score |');
    out.push('|---|---|---|');
    for (const [cat, c] of Object.entries(run.score.categories)) out.push(`| ${md(cat)} | ${c.grade} | ${scoreText(c.score)} |`);
  }
  const findings = sortFindings(run.findings);
  out.push('');
  out.push(`## Findings (${findings.length})`);
  out.push('');
  if (!findings.length) out.push('No findings.');
  else {
    out.push('| Severity | Check | Title | Evidence | Resource |');
    out.push('|---|---|---|---|---|');
    for (const f of findings)
      out.push(`| ${f.severity} | \`${f.checkId}\` | ${md(f.title)} | ${md(f.evidence)} | \`${md(f.resource)}\` |`);
    out.push('');
    out.push('### Remediation');
    out.push('');
    const seen = new Set<string>();
    for (const f of findings) {
      if (seen.has(f.checkId)) continue;
      seen.add(f.checkId);
      out.push(`- **${f.checkId}**: ${oneLine(f.remediation)}`);
    }
  }
  const notEvaluated = run.checks.filter((c) => c.status === 'error' || c.status === 'needs-sudo');
  if (run.errors.length || notEvaluated.length) {
    out.push('');
    out.push('## Errors');
    out.push('');
    for (const e of run.errors) out.push(`- ${md(e.section)}: ${md(e.message)}`);
    if (notEvaluated.length) out.push(`- Not evaluated: ${notEvaluated.map((c) => `\`${c.checkId}\` (${c.status})`).join(', ')}`);
  }
  return out.join('\n') + '\n';
}

// ---- fleet (--inventory) -----------------------------------------------------------------

/** A host of the fleet that could not be audited (connection, host key, inventory entry…). */
export interface JsonFleetFailure {
  host: HostRef;
  status: 'failed';
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export type JsonFleetEntry = JsonReport | JsonFleetFailure;

/** The JSON printed by `rampart audit --inventory FILE --format json`. Fields are only ever added. */
export interface JsonFleetReport {
  tool: typeof TOOL;
  version: string;
  inventory: string;
  startedAt: string;
  finishedAt: string;
  /** In inventory order, one per host. */
  hosts: JsonFleetEntry[];
  summary: {
    total: number;
    complete: number;
    partial: number;
    failed: number;
    /** Worst grade among the hosts that have one; null when none has. */
    worstGrade: Grade | null;
    /** Open findings of all hosts, by severity. */
    findingCounts: Record<Severity, number>;
  };
}

export const isFleetFailure = (e: JsonFleetEntry): e is JsonFleetFailure => e.status === 'failed' && 'error' in e;

const GRADE_ORDER = Grade.options;

export function worstGrade(grades: ReadonlyArray<string | null | undefined>): Grade | null {
  let worst = -1;
  for (const g of grades) worst = Math.max(worst, GRADE_ORDER.indexOf(g as Grade));
  return worst >= 0 ? GRADE_ORDER[worst]! : null;
}

export function fleetSummary(hosts: readonly JsonFleetEntry[]): JsonFleetReport['summary'] {
  const reports = hosts.filter((h): h is JsonReport => !isFleetFailure(h));
  const findingCounts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const r of reports) for (const s of SEVERITIES) findingCounts[s] += r.findingCounts[s];
  return {
    total: hosts.length,
    complete: reports.filter((r) => r.status === 'complete').length,
    partial: reports.filter((r) => r.status !== 'complete').length,
    failed: hosts.length - reports.length,
    worstGrade: worstGrade(reports.map((r) => r.score?.grade)),
    findingCounts,
  };
}

export function toJsonFleetReport(input: { version: string; inventory: string; startedAt: string; finishedAt: string; hosts: JsonFleetEntry[] }): JsonFleetReport {
  return { tool: TOOL, ...input, summary: fleetSummary(input.hosts) };
}

/**
 * 1 if any host has an open finding at or above `failOn`; otherwise 2 if any host failed or is
 * incomplete; otherwise 0. (An empty fleet is a usage error before this is reached.)
 */
export function fleetExitCode(hosts: readonly JsonFleetEntry[], failOn: FailOn): number {
  const reports = hosts.filter((h): h is JsonReport => !isFleetFailure(h));
  if (reports.some((r) => exitCodeFor(r, failOn) === EXIT.findings)) return EXIT.findings;
  return reports.length === hosts.length && reports.every((r) => r.status === 'complete') ? EXIT.ok : EXIT.error;
}

function entryTarget(e: JsonFleetEntry): string {
  const h = e.host;
  return `${h.username}@${h.address.includes(':') ? `[${h.address}]` : h.address}:${h.port}`;
}

const SEV_HEAD: Record<Severity, string> = { critical: 'CRIT', high: 'HIGH', medium: 'MED', low: 'LOW', info: 'INFO' };

/** One line per finished host, for the progress display on a terminal. */
export function fleetProgressLine(done: number, total: number, e: JsonFleetEntry): string {
  const head = `[${String(done).padStart(String(total).length)}/${total}] ${e.host.name} (${entryTarget(e)})`;
  if (isFleetFailure(e)) return `${head}: failed: ${e.error.code}: ${oneLine(e.error.message)}`;
  const grade = e.score ? `${e.score.grade} ${scoreText(e.score.overall)}` : 'no grade';
  return `${head}: ${grade}, ${e.status}, findings: ${countsLine(e.findingCounts)}`;
}

function fleetRows(hosts: readonly JsonFleetEntry[]): string[][] {
  return hosts.map((e) => {
    if (isFleetFailure(e)) return [e.host.name, entryTarget(e), 'failed', '-', '-', ...SEVERITIES.map(() => '-')];
    return [
      e.host.name,
      entryTarget(e),
      e.status,
      e.score?.grade ?? '-',
      e.score ? scoreText(e.score.overall) : '-',
      ...SEVERITIES.map((s) => String(e.findingCounts[s])),
    ];
  });
}

function fleetProblems(hosts: readonly JsonFleetEntry[]): string[] {
  const out: string[] = [];
  for (const e of hosts) {
    if (isFleetFailure(e)) out.push(`${e.host.name}: failed: ${e.error.code}: ${oneLine(e.error.message)}`);
    else if (e.status !== 'complete' || e.errors.length) {
      const unevaluated = e.checks.filter((c) => c.status === 'error').length;
      const what = [e.status !== 'complete' ? `${e.status}, ${unevaluated} check(s) not evaluated` : '', ...e.errors.map((x) => `${x.section}: ${oneLine(x.message)}`)].filter(Boolean);
      out.push(`${e.host.name}: ${what.join('; ')}`);
    }
  }
  return out;
}

function summaryLine(r: JsonFleetReport): string {
  const s = r.summary;
  return `${s.total} host(s): ${s.complete} complete, ${s.partial} partial, ${s.failed} failed; worst grade ${s.worstGrade ?? '-'}; findings: ${countsLine(s.findingCounts)}`;
}

/** Plain-text fleet report: one row per host. */
export function formatFleetTable(r: JsonFleetReport): string {
  const out: string[] = [];
  out.push(`Rampart ${r.version} audit of the inventory ${r.inventory}`);
  out.push(`Started ${r.startedAt}, finished ${r.finishedAt}`);
  out.push(summaryLine(r));
  out.push('');
  const head = ['HOST', 'TARGET', 'STATUS', 'GRADE', 'SCORE', ...SEVERITIES.map((s) => SEV_HEAD[s])];
  const rows = [head, ...fleetRows(r.hosts)];
  const widths = head.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const numeric = (i: number): boolean => i >= 4;
  for (const row of rows) out.push(row.map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
  const problems = fleetProblems(r.hosts);
  if (problems.length) {
    out.push('');
    out.push(`Problems: ${problems.length}`);
    for (const p of problems) out.push(`  ${p}`);
  }
  return out.join('\n') + '\n';
}

/** Markdown fleet report (e.g. for a CI job summary). */
export function formatFleetMarkdown(r: JsonFleetReport): string {
  const out: string[] = [];
  out.push(`# Rampart fleet audit: ${md(r.inventory)}`);
  out.push('');
  out.push(summaryLine(r));
  out.push('');
  out.push(`| Host | Target | Status | Grade | Score | ${SEVERITIES.map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join(' | ')} |`);
  out.push(`|---|---|---|---|---|${SEVERITIES.map(() => '---:').join('|')}|`);
  for (const row of fleetRows(r.hosts)) {
    const [name, target, ...rest] = row;
    const [status, grade, ...more] = rest;
    out.push(`| ${md(name!)} | \`${md(target!)}\` | ${status} | ${grade === '-' ? '-' : `**${grade}**`} | ${more.join(' | ')} |`);
  }
  const problems = fleetProblems(r.hosts);
  if (problems.length) {
    out.push('');
    out.push('## Problems');
    out.push('');
    for (const p of problems) out.push(`- ${md(p)}`);
  }
  out.push('');
  out.push(`Rampart ${md(r.version)}, started ${r.startedAt}, finished ${r.finishedAt}.`);
  return out.join('\n') + '\n';
}
