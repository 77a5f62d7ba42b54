// Builds the report document (src/shared/report.ts) of a run, a host (its latest run + trend) or
// the fleet (every target's latest run) from the store. Plain Node, read-only on the database.
// Only what the store keeps goes in: findings' evidence is secret-free by construction and no raw
// facts are stored, so a report cannot carry a secret value.
import { createHash } from 'node:crypto';
import { CHECKS } from '../audit/checks';
import { computeScore } from '../audit/grading';
import { comparePriority, effortFor, priorityMatrix } from '../priority/matrix';
import { latestRunsPerTarget } from '../priority/scope';
import type { Store } from '../store/store';
import { RampartError } from '../../shared/errors';
import { CATEGORIES, type Finding, type FindingStatus, type Grade, type RunDetail, type RunSummary } from '../../shared/domain';
import { letterFor } from '../../shared/grading';
import {
  REPORT_SCHEMA_ID,
  type ReportDocument,
  type ReportFinding,
  type ReportKind,
  type ReportRun,
  type SeverityCounts,
  type TrendPoint,
} from '../../shared/report';
import { APP_VERSION } from '../../shared/version';

/** What to report on: one run, one target (latest run + trend), or every target's latest run. */
export type ReportScope = { kind: 'run'; runId: string } | { kind: 'host'; name: string } | { kind: 'fleet' };

export interface BuildOptions {
  kind: ReportKind;
  scope: ReportScope;
  /** The moment triage is evaluated at (an acceptance past its expiry counts as open). */
  now?: Date;
  /** Runs per target in the trend. */
  trendRuns?: number;
}

/** Thrown when the scope names nothing the database has (the CLI's exit 2). */
export class NothingToReport extends RampartError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

const TOP_RISKS = 10;
const DEFAULT_TREND_RUNS = 20;
const ALL_RUNS = 1_000_000;

// One order for every list of findings (src/main/priority/matrix.ts), re-exported for the reports' callers.
export { effortFor };

/** sha256 over the catalog's sorted "id severity" lines. */
export function checkCatalogHash(): string {
  const lines = CHECKS.map((c) => `${c.id} ${c.severity}`).sort();
  return `sha256:${createHash('sha256').update(lines.join('\n')).digest('hex')}`;
}

function zeroCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

interface TargetRow {
  id: string;
  host_id: number | null;
  target_kind: string;
  address: string;
  port: number;
}

/** Runs of the same target as this run (host profile, or address:port for runs without one), newest first. */
function runsOfTarget(store: Store, runId: string, limit: number): RunSummary[] {
  const cur = store.db.prepare('SELECT id, host_id, target_kind, address, port FROM audit_runs WHERE id = ?').get(runId) as TargetRow | undefined;
  if (!cur) throw new NothingToReport(`No audit run with id ${runId}.`);
  const ids = (
    cur.host_id !== null
      ? store.db.prepare('SELECT id FROM audit_runs WHERE host_id = ? ORDER BY started_at DESC, id DESC LIMIT ?').all(cur.host_id, limit)
      : store.db
          .prepare('SELECT id FROM audit_runs WHERE host_id IS NULL AND target_kind = ? AND address = ? AND port = ? ORDER BY started_at DESC, id DESC LIMIT ?')
          .all(cur.target_kind, cur.address, cur.port, limit)
  ) as Array<{ id: string }>;
  const summaries = new Map(store.listRuns({ limit: ALL_RUNS }).map((r) => [r.id, r]));
  return ids.map((r) => summaries.get(r.id)!).filter(Boolean);
}

/**
 * The latest run of the target called `name`: a host profile's name, or the name/address a run
 * without a profile was stored under (CLI audits of `USER@ADDRESS`), or a mail domain.
 */
export function latestRunOf(store: Store, name: string): RunSummary {
  const profile = store.findHostByName(name);
  if (profile) {
    const run = store.listRuns({ hostId: profile.id, limit: 1 })[0];
    if (!run) throw new NothingToReport(`Host ${name} has no audit run in this database.`);
    return run;
  }
  const lower = name.toLowerCase();
  const run = store.listRuns({ limit: ALL_RUNS }).find((r) => r.hostName.toLowerCase() === lower || r.address.toLowerCase() === lower);
  if (!run) throw new NothingToReport(`No host or run target named ${name} in this database.`);
  return run;
}

interface Evaluated {
  run: RunDetail;
  findings: Array<Finding & { status: FindingStatus }>;
  score: ReturnType<typeof computeScore> | null;
  trend: TrendPoint[];
  sincePrevious: ReportRun['sincePrevious'];
}

function evaluateRun(store: Store, runId: string, now: Date, trendRuns: number): Evaluated {
  const run = store.getRun(runId);
  const findings = run.findings.map((f) => ({ ...f, status: store.effectiveStatus(f.id, now, run.startedAt) }));
  // The score as of now: triage that expired since the run was stored counts again.
  const score = run.score ? computeScore(run.checks, findings) : null;
  const history = runsOfTarget(store, runId, ALL_RUNS);
  const idx = history.findIndex((r) => r.id === runId);
  const upTo = history.slice(idx, idx + trendRuns).reverse();
  const trend = upTo.map(
    (r): TrendPoint => ({
      runId: r.id,
      target: r.hostName,
      startedAt: r.startedAt,
      status: r.status,
      score: r.id === runId ? (score?.overall ?? null) : (r.score?.overall ?? null),
      grade: r.id === runId ? (score?.grade ?? null) : (r.score?.grade ?? null),
      findings: Object.values(r.findingCounts).reduce((a, b) => a + b, 0),
    }),
  );
  const diff = store.diffRun(runId);
  const sincePrevious = diff.previousRunId ? { previousRunId: diff.previousRunId, newFindings: diff.new.length, resolvedFindings: diff.resolved.length } : null;
  return { run, findings, score, trend, sincePrevious };
}

function toReportRun(e: Evaluated): ReportRun {
  const openCounts = zeroCounts();
  for (const f of e.findings) if (f.status === 'open') openCounts[f.severity] += 1;
  return {
    runId: e.run.id,
    target: e.run.hostName,
    address: e.run.address,
    port: e.run.port,
    os: e.run.os,
    startedAt: e.run.startedAt,
    finishedAt: e.run.finishedAt,
    status: e.run.status,
    score: e.score?.overall ?? null,
    grade: e.score?.grade ?? null,
    cap: e.score?.cap ?? null,
    openCounts,
    sincePrevious: e.sincePrevious,
    errors: e.run.errors.map((x) => ({ section: x.section, message: x.message })),
  };
}

const SCOPE_LABEL: Record<ReportKind, string> = {
  executive: 'Executive summary',
  full: 'Security audit report',
  'action-plan': 'ACTION_PLAN_TODO',
  findings: 'Findings',
};

/** Builds the document. Throws NothingToReport when the scope has no run. */
export function buildReport(store: Store, opts: BuildOptions): ReportDocument {
  const now = opts.now ?? new Date();
  const trendRuns = opts.trendRuns ?? DEFAULT_TREND_RUNS;
  let runIds: string[];
  let label: string;
  if (opts.scope.kind === 'run') {
    const id = opts.scope.runId;
    const exists = store.db.prepare('SELECT 1 FROM audit_runs WHERE id = ?').get(id);
    if (!exists) throw new NothingToReport(`No audit run with id ${id}.`);
    runIds = [id];
    label = `run ${id}`;
  } else if (opts.scope.kind === 'host') {
    const latest = latestRunOf(store, opts.scope.name);
    runIds = [latest.id];
    label = latest.hostName;
  } else {
    // Every target's latest run, newest first (the priority matrix's fleet scope: indexed).
    const latest = latestRunsPerTarget(store);
    if (latest.length === 0) throw new NothingToReport('The database has no audit run.');
    runIds = latest.map((r) => r.id);
    label = `fleet (${latest.length} target${latest.length === 1 ? '' : 's'})`;
  }
  const evaluated = runIds.map((id) => evaluateRun(store, id, now, opts.scope.kind === 'fleet' ? Math.min(trendRuns, 10) : trendRuns));
  if (opts.scope.kind === 'run') label = `${evaluated[0]!.run.hostName}, run of ${evaluated[0]!.run.startedAt}`;

  // Findings, in the priority order for open ones.
  const findings: ReportFinding[] = evaluated.flatMap((e) =>
    e.findings.map((f) => {
      const eff = effortFor(f.checkId);
      return {
        id: f.id,
        runId: e.run.id,
        target: e.run.hostName,
        checkId: f.checkId,
        category: f.category,
        severity: f.severity,
        status: f.status,
        title: f.title,
        resource: f.resource,
        evidence: f.evidence,
        rationale: f.rationale,
        remediation: f.remediation,
        references: [...f.references],
        effort: eff.effort,
        effortSource: eff.source,
        fix: eff.fix,
        priority: null,
      };
    }),
  );
  findings.sort(comparePriority);
  let rank = 0;
  for (const f of findings) if (f.status === 'open') f.priority = ++rank;
  const open = findings.filter((f) => f.status === 'open');

  const openCounts = zeroCounts();
  const byCategory: Record<string, SeverityCounts> = {};
  for (const f of open) {
    openCounts[f.severity] += 1;
    (byCategory[f.category] ??= zeroCounts())[f.severity] += 1;
  }
  const statusCounts = { open: 0, accepted: 0, 'false-positive': 0, fixed: 0 };
  for (const f of findings) statusCounts[f.status] += 1;

  const scored = evaluated.filter((e) => e.score);
  const meanScore = scored.length ? Math.round((scored.reduce((a, e) => a + e.score!.overall, 0) / scored.length) * 10) / 10 : null;
  const score = evaluated.length === 1 ? (evaluated[0]!.score?.overall ?? null) : meanScore;
  const grade: Grade | null = evaluated.length === 1 ? (evaluated[0]!.score?.grade ?? null) : meanScore === null ? null : letterFor(meanScore);
  const categoryGrades: Record<string, { score: number; grade: Grade }> = {};
  for (const cat of CATEGORIES) {
    const vals = scored.map((e) => e.score!.categories[cat]).filter((c): c is NonNullable<typeof c> => !!c);
    if (vals.length === 0) continue;
    if (evaluated.length === 1) categoryGrades[cat] = { score: vals[0]!.score, grade: vals[0]!.grade };
    else {
      const mean = Math.round((vals.reduce((a, c) => a + c.score, 0) / vals.length) * 10) / 10;
      categoryGrades[cat] = { score: mean, grade: letterFor(mean) };
    }
  }

  const matrix = priorityMatrix(open).map((c) => ({ severity: c.severity, effort: c.effort, findingIds: c.items.map((f) => f.id) }));

  const acceptedRisks: ReportDocument['acceptedRisks'] = [];
  const falsePositives: ReportDocument['falsePositives'] = [];
  for (const f of findings) {
    if (f.status !== 'accepted' && f.status !== 'false-positive') continue;
    const t = store.getTriage(f.id);
    if (f.status === 'accepted')
      acceptedRisks.push({ findingId: f.id, target: f.target, title: f.title, severity: f.severity, reason: t?.reason ?? null, expiresAt: t?.expiresAt ?? null, decidedAt: t?.updatedAt ?? '' });
    else falsePositives.push({ findingId: f.id, target: f.target, title: f.title, reason: t?.reason ?? null, decidedAt: t?.updatedAt ?? '' });
  }
  acceptedRisks.sort((a, b) => (a.expiresAt ?? '').localeCompare(b.expiresAt ?? ''));

  return {
    schema: REPORT_SCHEMA_ID,
    kind: opts.kind,
    title: `${SCOPE_LABEL[opts.kind]}: ${label}`,
    scope: { kind: opts.scope.kind, label },
    provenance: {
      tool: 'rampart',
      version: APP_VERSION,
      checkCatalogHash: checkCatalogHash(),
      checkCount: CHECKS.length,
      generatedAt: now.toISOString(),
      runs: evaluated.map(toReportRun),
    },
    summary: { score, grade, openCounts, statusCounts, byCategory, categoryGrades },
    trend: evaluated.flatMap((e) => e.trend).sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    topRisks: open.slice(0, TOP_RISKS).map((f) => f.id),
    findings,
    matrix,
    acceptedRisks,
    falsePositives,
  };
}
