// Triage of findings: accepted risk (reason + expiry), false positive (reason), fixed, reopen.
// A triage applies to the finding's identity (host + check + resource), so it carries over to
// later runs; the latest run that has the finding is re-scored at once.
import { z } from 'zod';
import { FindingSighting, FindingStatus, RunDetail, TriageLogEntry, TriageRecord } from '../domain';
import { channel } from './channel';

const FindingKey = z.string({ message: 'Finding key is required' }).trim().min(1, 'Finding key is required').max(128, 'Finding key is too long');

/** YYYY-MM-DD, or a full ISO 8601 timestamp. Date.parse alone would accept "1" or "May 3". */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

export const TriageRequest = z
  .object({
    findingKey: FindingKey,
    status: FindingStatus,
    /** Why: required for accepted risk and false positive; an optional note otherwise. */
    reason: z.string().trim().max(1000, 'Reason is at most 1000 characters').nullish(),
    /** Until when an accepted risk holds: required for accepted risk (must be in the future), refused otherwise. */
    expiresAt: z.string().trim().max(40, 'Expiry must be a date').nullish(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!r.reason) {
      if (r.status === 'accepted') ctx.addIssue({ code: 'custom', path: ['reason'], message: 'A reason is required to accept a risk' });
      if (r.status === 'false-positive') ctx.addIssue({ code: 'custom', path: ['reason'], message: 'A reason is required for a false positive' });
    }
    if (r.expiresAt) {
      if (!ISO_DATE.test(r.expiresAt) || Number.isNaN(Date.parse(r.expiresAt)))
        ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'Expiry must be a date (YYYY-MM-DD)' });
      else if (r.status !== 'accepted') ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'Only an accepted risk has an expiry' });
    } else if (r.status === 'accepted') ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'An expiry date is required to accept a risk' });
  });
export type TriageRequest = z.input<typeof TriageRequest>;

export const TriageResult = z.object({
  triage: TriageRecord,
  /** The latest run that has the finding, with statuses and score after the change. */
  run: RunDetail,
});
export type TriageResult = z.infer<typeof TriageResult>;

export const FindingHistory = z.object({
  findingKey: z.string(),
  triage: TriageRecord.nullable(),
  /** Every triage change, oldest first. */
  log: z.array(TriageLogEntry),
  /** Runs that found it, newest first. */
  seenIn: z.array(FindingSighting),
});
export type FindingHistory = z.infer<typeof FindingHistory>;

export const findingsChannels = {
  /** Sets a finding's triage; VALIDATION names `reason` / `expiresAt`; NOT_FOUND for an unknown finding. */
  triage: channel('findings:triage', TriageRequest, TriageResult),
  /** The triage record, its log and the runs the finding was seen in; NOT_FOUND for an unknown finding. */
  history: channel('findings:history', z.object({ findingKey: FindingKey }).strict(), FindingHistory),
};
