// The findings workbench: findings across hosts and runs, filtered, sorted, grouped and paged in
// SQLite (src/main/store/workbench.ts), bulk triage with a preview of what applies and what is
// skipped, saved views, and one finding's detail with its timeline.
import { z } from 'zod';
import { Category, FindingStatus, Severity } from '../domain';
import { channel } from './channel';

/** A finding's status in the workbench: the triage statuses plus "regressed" (open again after it was resolved or fixed). */
export const WORKBENCH_STATUSES = ['open', 'regressed', 'accepted', 'false-positive', 'fixed'] as const;
export const WorkbenchStatus = z.enum(WORKBENCH_STATUSES);
export type WorkbenchStatus = z.infer<typeof WorkbenchStatus>;

export const SORT_COLUMNS = ['severity', 'host', 'category', 'check', 'title', 'resource', 'status', 'firstSeen', 'lastSeen'] as const;
export const SortColumn = z.enum(SORT_COLUMNS);
export type SortColumn = z.infer<typeof SortColumn>;
export const GROUP_SORT_COLUMNS = ['severity', 'check', 'category', 'title', 'instances', 'hosts'] as const;
export const GroupSortColumn = z.enum(GROUP_SORT_COLUMNS);

const Name = z.string().trim().min(1).max(200);

/** What to show. Every list is "any of"; an empty or missing list does not filter. */
export const WorkbenchFilter = z
  .object({
    /** Each target's latest complete or partial run (the latest state of every finding still found), or one run. */
    scope: z.discriminatedUnion('kind', [z.object({ kind: z.literal('latest') }).strict(), z.object({ kind: z.literal('run'), runId: z.string().min(1).max(64) }).strict()]).default({ kind: 'latest' }),
    hosts: z.array(Name).max(500).optional(),
    categories: z.array(Category).max(50).optional(),
    severities: z.array(Severity).max(5).optional(),
    statuses: z.array(WorkbenchStatus).max(5).optional(),
    checks: z.array(Name).max(500).optional(),
    /** Case-insensitive substring of the title, resource, check id, host name or evidence. */
    text: z.string().max(200, 'Search text is at most 200 characters').optional(),
  })
  .strict();
export type WorkbenchFilter = z.input<typeof WorkbenchFilter>;
export type WorkbenchFilterParsed = z.output<typeof WorkbenchFilter>;

export const WorkbenchQuery = z
  .object({
    filter: WorkbenchFilter.default({ scope: { kind: 'latest' } }),
    sort: z.object({ column: z.union([SortColumn, GroupSortColumn]), dir: z.enum(['asc', 'desc']) }).strict().default({ column: 'severity', dir: 'asc' }),
    /** "check": one row per check (unique) with its number of instances, instead of one row per finding. */
    groupBy: z.enum(['none', 'check']).default('none'),
    offset: z.number().int().nonnegative().max(10_000_000).default(0),
    limit: z.number().int().min(1).max(1000).default(200),
    /** Also return the hosts, checks and categories of the scope (for the filter menus). */
    facets: z.boolean().default(false),
    /** false: do not count the matches (the caller knows them: another page, or only the sort changed); total is then null. */
    count: z.boolean().default(true),
    /** Also return the identity of every match (rows mode, in order, at most 20 000): "select all" for a bulk triage. */
    keys: z.boolean().default(false),
  })
  .strict();
export type WorkbenchQuery = z.input<typeof WorkbenchQuery>;
export type WorkbenchQueryParsed = z.output<typeof WorkbenchQuery>;

export const WorkbenchRow = z.object({
  findingKey: z.string(),
  runId: z.string(),
  hostId: z.number().int().nullable(),
  host: z.string(),
  checkId: z.string(),
  category: Category,
  severity: Severity,
  title: z.string(),
  resource: z.string(),
  status: WorkbenchStatus,
  /** The triage's reason and expiry, when triaged. */
  reason: z.string().nullable(),
  expiresAt: z.string().nullable(),
  firstSeen: z.string(),
  /** The run this row comes from (the latest that found it, in the latest scope). */
  lastSeen: z.string(),
});
export type WorkbenchRow = z.infer<typeof WorkbenchRow>;

export const WorkbenchGroup = z.object({
  checkId: z.string(),
  title: z.string(),
  category: Category,
  severity: Severity,
  instances: z.number().int(),
  hosts: z.number().int(),
  byStatus: z.record(WorkbenchStatus, z.number().int()),
});
export type WorkbenchGroup = z.infer<typeof WorkbenchGroup>;

export const WorkbenchFacets = z.object({
  hosts: z.array(z.string()),
  checks: z.array(z.object({ checkId: z.string(), title: z.string() })),
  categories: z.array(Category),
});
export type WorkbenchFacets = z.infer<typeof WorkbenchFacets>;

export const WorkbenchPage = z.object({
  /** Rows (or groups) matching the filter, all of them, not only this page; null when the request said count: false. */
  total: z.number().int().nullable(),
  offset: z.number().int(),
  rows: z.array(WorkbenchRow),
  groups: z.array(WorkbenchGroup),
  facets: WorkbenchFacets.nullable(),
  /** Every match's finding key when the request asked for keys; else null. */
  keys: z.array(z.string()).nullable(),
  /** Time the store took for this answer, ms. */
  queryMs: z.number(),
});
export type WorkbenchPage = z.infer<typeof WorkbenchPage>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Bulk triage: the statuses a person may set. "fixed" is set only by a verified fix. */
export const BulkTriageRequest = z
  .object({
    findingKeys: z.array(z.string().trim().min(1).max(128)).min(1, 'Select at least one finding').max(20_000),
    status: z.enum(['accepted', 'false-positive', 'open']),
    reason: z.string().trim().max(1000, 'Reason is at most 1000 characters').nullish(),
    expiresAt: z.string().trim().max(40).nullish(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!r.reason) {
      if (r.status === 'accepted') ctx.addIssue({ code: 'custom', path: ['reason'], message: 'A reason is required to accept a risk' });
      if (r.status === 'false-positive') ctx.addIssue({ code: 'custom', path: ['reason'], message: 'A reason is required for a false positive' });
    }
    if (r.expiresAt) {
      if (!ISO_DATE.test(r.expiresAt) || Number.isNaN(Date.parse(r.expiresAt))) ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'Expiry must be a date (YYYY-MM-DD)' });
      else if (r.status !== 'accepted') ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'Only an accepted risk has an expiry' });
    } else if (r.status === 'accepted') ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'An expiry date is required to accept a risk' });
  });
export type BulkTriageRequest = z.input<typeof BulkTriageRequest>;

export const BulkTriageItem = z.object({
  findingKey: z.string(),
  host: z.string().nullable(),
  checkId: z.string().nullable(),
  title: z.string().nullable(),
  from: WorkbenchStatus.nullable(),
  /** Why it is skipped (absent when it applies). */
  skipped: z.string().optional(),
});
export type BulkTriageItem = z.infer<typeof BulkTriageItem>;

export const BulkTriagePreview = z.object({
  status: z.enum(['accepted', 'false-positive', 'open']),
  applies: z.array(BulkTriageItem),
  skipped: z.array(BulkTriageItem),
});
export type BulkTriagePreview = z.infer<typeof BulkTriagePreview>;

export const BulkTriageResult = BulkTriagePreview.extend({
  /** Runs re-scored because a finding of theirs changed. */
  rescoredRuns: z.array(z.string()),
});
export type BulkTriageResult = z.infer<typeof BulkTriageResult>;

export const SavedView = z.object({ id: z.number().int(), name: z.string(), filter: WorkbenchFilter, sort: z.object({ column: z.string(), dir: z.enum(['asc', 'desc']) }).nullable(), groupBy: z.enum(['none', 'check']), updatedAt: z.string() });
export type SavedView = z.infer<typeof SavedView>;

export const SaveViewRequest = z
  .object({
    name: z.string().trim().min(1, 'A view needs a name').max(80, 'A view name is at most 80 characters'),
    filter: WorkbenchFilter,
    sort: z.object({ column: z.union([SortColumn, GroupSortColumn]), dir: z.enum(['asc', 'desc']) }).strict().nullish(),
    groupBy: z.enum(['none', 'check']).default('none'),
  })
  .strict();
export type SaveViewRequest = z.input<typeof SaveViewRequest>;

export const TimelineEvent = z.object({
  at: z.string(),
  kind: z.enum(['first-seen', 'seen', 'resolved', 'found-again', 'triage']),
  runId: z.string().nullable(),
  /** For triage: the status set; for a sighting: the status in that run. */
  status: FindingStatus.nullable(),
  reason: z.string().nullable(),
  expiresAt: z.string().nullable(),
  actor: z.string().nullable(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export const FindingDetail = z.object({
  row: WorkbenchRow,
  evidence: z.string(),
  rationale: z.string(),
  remediation: z.string(),
  references: z.array(z.string()),
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** Oldest first: sightings, resolutions, regressions and every triage change with reason and who. */
  timeline: z.array(TimelineEvent),
});
export type FindingDetail = z.infer<typeof FindingDetail>;

export const workbenchChannels = {
  /** Findings (or checks, grouped) matching a filter, sorted, one page; total counts every match. */
  query: channel('workbench:query', WorkbenchQuery, WorkbenchPage),
  /** One finding (its latest row, or its row in runId) with evidence, remediation and timeline; NOT_FOUND when unknown. */
  finding: channel('workbench:finding', z.object({ findingKey: z.string().trim().min(1).max(128), runId: z.string().max(64).optional() }).strict(), FindingDetail),
  /** What a bulk triage would change and what it would skip (and why); changes nothing. */
  bulkPreview: channel('workbench:bulkPreview', BulkTriageRequest, BulkTriagePreview),
  /** Applies a bulk triage in one transaction (the rules are the preview's, checked again) and re-scores the runs concerned. */
  bulkApply: channel('workbench:bulkApply', BulkTriageRequest, BulkTriageResult),
  views: channel('workbench:views', z.object({}).strict(), z.array(SavedView)),
  /** Saves a view by name (replaces one of the same name). */
  saveView: channel('workbench:saveView', SaveViewRequest, SavedView),
  deleteView: channel('workbench:deleteView', z.object({ id: z.number().int().positive() }).strict(), z.object({ removed: z.boolean() })),
};
