import { z } from 'zod';
import { RunDetail, RunDiff, RunSummary } from '../domain';
import { channel } from './channel';

export const auditChannels = {
  /** Runs a full audit; progress arrives as `audit-progress` events carrying the same jobId. */
  run: channel(
    'audit:run',
    z.object({ hostId: z.number().int().positive(), jobId: z.string().min(1).max(64).optional() }).strict(),
    RunDetail,
  ),
  cancel: channel('audit:cancel', z.object({ jobId: z.string().min(1).max(64) }).strict(), z.object({ cancelled: z.boolean() })),
};

export const runsChannels = {
  list: channel(
    'runs:list',
    z.object({ hostId: z.number().int().positive().optional(), limit: z.number().int().min(1).max(500).default(50) }).strict(),
    z.array(RunSummary),
  ),
  get: channel('runs:get', z.object({ runId: z.string().min(1).max(64) }).strict(), RunDetail),
  /** New, resolved and unchanged findings against the previous run of the same host; NOT_FOUND for an unknown run. */
  diff: channel('runs:diff', z.object({ runId: z.string().min(1).max(64) }).strict(), RunDiff),
};
