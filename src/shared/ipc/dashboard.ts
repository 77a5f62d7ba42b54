// The fleet dashboard: one read-only answer built from what the store already holds (every
// host's latest run, its findings by severity and status, its category grades, and the diff
// against the run before it). Nothing here contacts a host.
import { z } from 'zod';
import { Category, FindingStatus, Grade, RunStatus, Severity } from '../domain';
import { channel } from './channel';

/** Counts of a run's findings: severity → status → n (every severity and status present, zeros included). */
export const SeverityStatusCounts = z.record(Severity, z.record(FindingStatus, z.number().int().nonnegative()));
export type SeverityStatusCounts = z.infer<typeof SeverityStatusCounts>;

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
  sinceLast: z.object({ previousRunId: z.string().nullable(), new: z.number().int(), resolved: z.number().int(), unchanged: z.number().int() }).nullable(),
});
export type FleetHost = z.infer<typeof FleetHost>;

export const Fleet = z.object({
  generatedAt: z.string(),
  hosts: z.array(FleetHost),
  /** Sum of every host's `findings`. */
  totals: SeverityStatusCounts,
  /** Categories graded in at least one host's latest run, in catalog order (the heat map's columns). */
  categories: z.array(Category),
});
export type Fleet = z.infer<typeof Fleet>;

export const dashboardChannels = {
  /** Every host's latest grade, freshness, findings by severity × status, category grades and change since the run before. */
  fleet: channel('dashboard:fleet', z.object({}).strict(), Fleet),
};
