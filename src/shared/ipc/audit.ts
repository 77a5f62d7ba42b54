import { z } from 'zod';
import { RunDetail, RunDiff, RunSummary } from '../domain';
import { channel } from './channel';

export const auditChannels = {
  /** Runs a full audit; progress arrives as `audit-progress` events carrying the same jobId. */
  run: channel(
    'audit:run',
    z
      .object({
        hostId: z.number().int().positive(),
        jobId: z.string().min(1).max(64).optional(),
        /**
         * Trivy JSON reports on this computer (absolute paths) for the CVE checks, for hosts
         * without Trivy. Read before connecting: an unreadable or foreign file fails the request.
         */
        trivyReports: z
          .array(
            z
              .string()
              .min(1)
              .max(4096)
              .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'Give the full path of the report file'),
          )
          .max(16, 'At most 16 Trivy reports')
          .optional(),
      })
      .strict(),
    RunDetail,
  ),
  cancel: channel('audit:cancel', z.object({ jobId: z.string().min(1).max(64) }).strict(), z.object({ cancelled: z.boolean() })),
  /** The app's native open dialog for a Trivy report; null when the user cancelled. VALIDATION without native dialogs (type the path). */
  chooseTrivyReport: channel('audit:chooseTrivyReport', z.object({}).strict(), z.object({ path: z.string().nullable() })),
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
