// The report document (issue 14 item 5): what `rampart report --format json` writes and what the
// Markdown, HTML, CSV and PDF renderers draw. Pure data; src/main/reports/ builds it from the store.
import { z } from 'zod';
import { Category, FindingStatus, Grade, RunStatus, Severity } from './domain';

export const REPORT_SCHEMA_ID = 'rampart.report/v1';

export const REPORT_KINDS = ['executive', 'full', 'action-plan', 'findings'] as const;
export const ReportKind = z.enum(REPORT_KINDS);
export type ReportKind = z.infer<typeof ReportKind>;

export const REPORT_FORMATS = ['md', 'html', 'pdf', 'json', 'csv'] as const;
export const ReportFormat = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof ReportFormat>;

export const EFFORTS = ['low', 'medium', 'high'] as const;
export const Effort = z.enum(EFFORTS);
export type Effort = z.infer<typeof Effort>;

const SeverityCounts = z.strictObject({ critical: z.number().int(), high: z.number().int(), medium: z.number().int(), low: z.number().int(), info: z.number().int() });
export type SeverityCounts = z.infer<typeof SeverityCounts>;

/** One audit run the report is built from. */
export const ReportRun = z.strictObject({
  runId: z.string(),
  target: z.string(),
  address: z.string(),
  port: z.number().int(),
  os: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  status: RunStatus,
  /** Score recomputed with the triage valid at generation time (an expired acceptance counts again). */
  score: z.number().nullable(),
  grade: Grade.nullable(),
  cap: z.string().nullable(),
  /** Open findings by severity. */
  openCounts: SeverityCounts,
  /** Against the target's previous run (null: no previous run). */
  sincePrevious: z.strictObject({ previousRunId: z.string(), newFindings: z.number().int(), resolvedFindings: z.number().int() }).nullable(),
  /** Sections the collector could not read (the run is partial). */
  errors: z.array(z.strictObject({ section: z.string(), message: z.string() })),
});
export type ReportRun = z.infer<typeof ReportRun>;

export const ReportFinding = z.strictObject({
  /** Stable identity across runs (host + check + resource). */
  id: z.string(),
  runId: z.string(),
  target: z.string(),
  checkId: z.string(),
  category: Category,
  severity: Severity,
  status: FindingStatus,
  title: z.string(),
  resource: z.string(),
  /** What was observed, as stored: never a secret value. */
  evidence: z.string(),
  rationale: z.string(),
  remediation: z.string(),
  references: z.array(z.string()),
  effort: Effort,
  /** fix: the guided fix's declared effort; check: the check's declared effort; estimate: neither, estimated from the check. */
  effortSource: z.enum(['fix', 'check', 'estimate']),
  fix: z.strictObject({ id: z.string(), title: z.string() }).nullable(),
  /** 1 = first in the priority order (severity, then effort, then check). Open findings only; null otherwise. */
  priority: z.number().int().positive().nullable(),
});
export type ReportFinding = z.infer<typeof ReportFinding>;

export const MatrixCell = z.strictObject({ severity: Severity, effort: Effort, findingIds: z.array(z.string()) });

export const TrendPoint = z.strictObject({
  runId: z.string(),
  target: z.string(),
  startedAt: z.string(),
  status: RunStatus,
  score: z.number().nullable(),
  grade: Grade.nullable(),
  /** Findings the run found, whatever their triage. */
  findings: z.number().int(),
});
export type TrendPoint = z.infer<typeof TrendPoint>;

export const ReportDocument = z.strictObject({
  schema: z.literal(REPORT_SCHEMA_ID),
  kind: ReportKind,
  title: z.string(),
  scope: z.strictObject({ kind: z.enum(['run', 'host', 'fleet']), label: z.string() }),
  provenance: z.strictObject({
    tool: z.literal('rampart'),
    version: z.string(),
    /** sha256 over the check catalog's "id severity" lines, sorted: two reports with the same hash were graded by the same checks. */
    checkCatalogHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    checkCount: z.number().int(),
    generatedAt: z.string(),
    runs: z.array(ReportRun),
  }),
  summary: z.strictObject({
    /** Run/host: the run's; fleet: the mean of the targets' scores and its letter (null when no run has a score). */
    score: z.number().nullable(),
    grade: Grade.nullable(),
    openCounts: SeverityCounts,
    statusCounts: z.strictObject({ open: z.number().int(), accepted: z.number().int(), 'false-positive': z.number().int(), fixed: z.number().int() }),
    /** Open findings by category and severity. */
    byCategory: z.record(z.string(), SeverityCounts),
    /** Per category score/grade (run and host scope). */
    categoryGrades: z.record(z.string(), z.strictObject({ score: z.number(), grade: Grade })),
  }),
  /** Oldest first: the host's runs (run/host scope) or every target's latest runs (fleet). */
  trend: z.array(TrendPoint),
  /** Ids of the open findings first in the priority order (at most 10). */
  topRisks: z.array(z.string()),
  findings: z.array(ReportFinding),
  /** Remediation priority matrix: open findings by severity × effort. */
  matrix: z.array(MatrixCell),
  acceptedRisks: z.array(
    z.strictObject({
      findingId: z.string(),
      target: z.string(),
      title: z.string(),
      severity: Severity,
      reason: z.string().nullable(),
      expiresAt: z.string().nullable(),
      decidedAt: z.string(),
    }),
  ),
  falsePositives: z.array(z.strictObject({ findingId: z.string(), target: z.string(), title: z.string(), reason: z.string().nullable(), decidedAt: z.string() })),
});
export type ReportDocument = z.infer<typeof ReportDocument>;
