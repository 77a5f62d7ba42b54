// Reports from the app: the main process builds the report of a stored run and writes it into
// the app's reports folder under a name it chooses (the renderer never names a path to write).
import { z } from 'zod';
import { Grade } from '../domain';
import { ReportFormat, ReportKind } from '../report';
import { channel } from './channel';

export const SaveReportRequest = z
  .object({
    runId: z.string({ message: 'Run id is required' }).min(1, 'Run id is required').max(64, 'Run id is too long'),
    kind: ReportKind,
    format: ReportFormat,
  })
  .strict();
export type SaveReportRequest = z.input<typeof SaveReportRequest>;

export const SavedReport = z.object({
  /** Absolute path of the written file (in the reports folder). */
  file: z.string(),
  bytes: z.number().int(),
  kind: ReportKind,
  format: ReportFormat,
  grade: Grade.nullable(),
  openFindings: z.number().int(),
});
export type SavedReport = z.infer<typeof SavedReport>;

export const reportsChannels = {
  /** Writes the report of a run; NOT_FOUND for an unknown run; PDF_UNAVAILABLE when nothing can print a PDF. */
  save: channel('reports:save', SaveReportRequest, SavedReport),
};
