// The fleet dashboard: one read-only answer built from what the store already holds (every
// host's latest run, its findings by severity and status, its category grades, and the diff
// against the run before it). Nothing here contacts a host.
import { z } from 'zod';
import { Category, FindingStatus, Grade, RunStatus, Severity } from '../domain';
import { Effort } from '../report';
import { channel } from './channel';

/** Counts of a run's findings: severity → status → n (every severity and status present, zeros included). */
export const SeverityStatusCounts = z.record(Severity, z.record(FindingStatus, z.number().int().nonnegative()));
export type SeverityStatusCounts = z.infer<typeof SeverityStatusCounts>;

/** One category's share of a score change and the finding changes behind it. */
export const ScoreChangePart = z.object({
  category: Category,
  /** This category's share of the overall change: the points it lost before minus those it loses now (the shares add up to `delta` up to rounding). */
  delta: z.number(),
  /** Open findings in the newer run that the older one did not have. */
  newFindings: z.number().int(),
  /** Findings of the older run that the newer one did not find. */
  resolvedFindings: z.number().int(),
  /** Findings open in the older run and accepted or false positive in the newer one (out of the grade). */
  triaged: z.number().int(),
  /** Open findings in the newer run that were accepted, false positive or fixed in the older one. */
  reopened: z.number().int(),
  /** e.g. "−4.0: 3 new SSH findings". */
  text: z.string(),
});
export type ScoreChangePart = z.infer<typeof ScoreChangePart>;

export const ScoreChange = z.object({
  runId: z.string(),
  previousRunId: z.string(),
  score: z.number(),
  previousScore: z.number(),
  delta: z.number(),
  /** Categories whose share is not zero or whose findings changed, largest share first. */
  parts: z.array(ScoreChangePart),
});
export type ScoreChange = z.infer<typeof ScoreChange>;

/**
 * A host's score change in the fleet answer: the largest share only (the hosts table's cell). The
 * full breakdown is dashboard:trend's `scoreChange` for the same run, fetched when the cell opens:
 * 50 hosts' breakdowns were 90 of the answer's 139 KB.
 */
export const ScoreChangeSummary = ScoreChange.omit({ parts: true }).extend({
  /** The largest share (the full change's first part); null when no category changed. */
  top: ScoreChangePart.nullable(),
  /** How many categories the full breakdown lists. */
  partCount: z.number().int().nonnegative(),
});
export type ScoreChangeSummary = z.infer<typeof ScoreChangeSummary>;

export const FleetCategory = z.object({ score: z.number(), grade: Grade });

export const FleetHost = z.object({
  /** The host profile; null for a target audited without one (e.g. from the CLI by address). */
  hostId: z.number().int().nullable(),
  name: z.string(),
  address: z.string(),
  port: z.number().int(),
  /** The host's newest run of any status; null when it was never audited. */
  latestRun: z
    .object({
      id: z.string(),
      startedAt: z.string(),
      status: RunStatus,
      score: z.number().nullable(),
      grade: Grade.nullable(),
      /** Per-category grade of that run's score (categories the run could grade). */
      categories: z.partialRecord(Category, FleetCategory),
    })
    .nullable(),
  /** Milliseconds between the latest run's start and `generatedAt`; null when never audited. */
  ageMs: z.number().int().nullable(),
  /** The latest run's findings, as stored with that run (triage applied). */
  findings: SeverityStatusCounts,
  /** The latest run against the run before it: null when never audited or the latest run failed or was cancelled; previousRunId null for a first run. */
  sinceLast: z
    .object({
      previousRunId: z.string().nullable(),
      new: z.number().int(),
      resolved: z.number().int(),
      unchanged: z.number().int(),
      /** Findings of the latest run that came back in it (resolved before, or marked fixed): the workbench's regressed overlay. */
      regressed: z.number().int(),
    })
    .nullable(),
  /** The score's change between the host's last two graded runs (its largest share); null without two graded runs. */
  scoreChange: ScoreChangeSummary.nullable(),
});
export type FleetHost = z.infer<typeof FleetHost>;

export const TrendPoint = z.object({ runId: z.string(), startedAt: z.string(), status: RunStatus, score: z.number(), grade: Grade });
export const TrendEvent = z.object({
  at: z.string(),
  kind: z.enum(['fix', 'accepted', 'false-positive']),
  /** A fix job's id, or the finding identity that was triaged. */
  ref: z.string(),
  /** One line, e.g. "2 fixes verified: SSH-PERMIT-ROOT-LOGIN, SSH-X11-FORWARDING" or "Accepted risk: … — reason". */
  text: z.string(),
});
export type TrendEvent = z.infer<typeof TrendEvent>;
export const HostTrend = z.object({
  target: z.string(),
  hostId: z.number().int().nullable(),
  /** Graded runs, oldest first. */
  points: z.array(TrendPoint),
  /** Verified fixes and accepted risks / false positives of this host, oldest first, within the points' time span and after. */
  events: z.array(TrendEvent),
  scoreChange: ScoreChange.nullable(),
});
export type HostTrend = z.infer<typeof HostTrend>;

/** A priority matrix cell: open findings of one severity × effort. */
export const PriorityCell = z.object({ severity: Severity, effort: Effort, count: z.number().int() });

export const Fleet = z.object({
  generatedAt: z.string(),
  hosts: z.array(FleetHost),
  /** Sum of every host's `findings`. */
  totals: SeverityStatusCounts,
  /** Categories graded in at least one host's latest run, in catalog order (the heat map's columns). */
  categories: z.array(Category),
  /**
   * The priority matrix's counts for the fleet (every target's latest run, mail domains included):
   * dashboard:priority's `scope.runIds` and `cells` without a host, computed with the fleet so a
   * visit needs one call for both (a cell's findings are still listed by dashboard:priority).
   */
  priority: z.object({ runIds: z.array(z.string()), cells: z.array(PriorityCell) }),
  /** dashboard:trend of the first host with a run (the trend panel's first choice), for its latest run; null without one. */
  firstTrend: z.object({ runId: z.string(), trend: HostTrend }).nullable(),
});
export type Fleet = z.infer<typeof Fleet>;


export const PriorityItem = z.object({
  findingId: z.string(),
  runId: z.string(),
  target: z.string(),
  hostId: z.number().int().nullable(),
  checkId: z.string(),
  category: Category,
  severity: Severity,
  title: z.string(),
  resource: z.string(),
  effort: Effort,
  effortSource: z.enum(['fix', 'check', 'estimate']),
  fix: z.object({ id: z.string(), title: z.string() }).nullable(),
  /** 1 = first in the priority order (the order of ACTION_PLAN_TODO.md). */
  priority: z.number().int().positive(),
});
export type PriorityItem = z.infer<typeof PriorityItem>;
export const PriorityMatrix = z.object({
  generatedAt: z.string(),
  /** The host's latest run, or every target's latest run (the fleet, as the reports' fleet scope). */
  scope: z.object({ hostId: z.number().int().nullable(), label: z.string(), runIds: z.array(z.string()) }),
  /** 15 cells, severity order then effort order. */
  cells: z.array(PriorityCell),
  /** The requested cell's open findings (every open finding without a cell), in priority order, at most the request's limit. */
  items: z.array(PriorityItem),
  /** How many findings the requested cell (or the scope) holds: more than `items` when the limit cut them. */
  itemsTotal: z.number().int(),
  /** The checks of those findings, all of them (the workbench link filters by them). */
  itemChecks: z.array(z.string()),
});
export type PriorityMatrix = z.infer<typeof PriorityMatrix>;

export const dashboardChannels = {
  /** Every host's latest grade, freshness, findings by severity × status, category grades and change since the run before. */
  fleet: channel('dashboard:fleet', z.object({}).strict(), Fleet),
  /** A host's score over its graded runs with verified fixes and triage decisions, and what its last score change came from (runId: any run of the host). */
  trend: channel('dashboard:trend', z.object({ runId: z.string().min(1).max(200), limit: z.number().int().min(2).max(200).optional() }).strict(), HostTrend),
  /** Open findings by severity × effort in a host's latest run (hostId) or every target's latest run, in priority order. */
  priority: channel(
    'dashboard:priority',
    z
      .object({
        hostId: z.number().int().positive().optional(),
        /** Whose findings to list: one cell, or every open finding (the default). */
        cell: z.object({ severity: Severity, effort: Effort }).strict().optional(),
        /** Findings listed at most (0: the counts only, as the matrix needs them). The fleet can hold tens of thousands. */
        limit: z.number().int().min(0).max(5000).default(1000),
      })
      .strict(),
    PriorityMatrix,
  ),
};
