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

/** What a report covers: one run, a host (its latest run, with the trend), or the fleet (every target's latest run). */
export const ReportScopeRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('run'), runId: z.string().min(1, 'Run id is required').max(64, 'Run id is too long') }).strict(),
  z.object({ kind: z.literal('host'), name: z.string().trim().min(1, 'Host name is required').max(255, 'Host name is too long') }).strict(),
  z.object({ kind: z.literal('fleet') }).strict(),
]);
export type ReportScopeRequest = z.input<typeof ReportScopeRequest>;

export const PreviewReportRequest = z.object({ scope: ReportScopeRequest, kind: ReportKind }).strict();
export type PreviewReportRequest = z.input<typeof PreviewReportRequest>;

export const ReportPreview = z.object({
  /** The self-contained HTML report (no script; shown in a sandboxed iframe). */
  html: z.string(),
  title: z.string(),
  grade: Grade.nullable(),
  openFindings: z.number().int(),
  targets: z.number().int(),
  generatedAt: z.string(),
});
export type ReportPreview = z.infer<typeof ReportPreview>;

export const SaveReportAsRequest = z
  .object({
    scope: ReportScopeRequest,
    kind: ReportKind,
    format: ReportFormat,
    /** Only without a native save dialog (the browser bridge): the typed absolute path. */
    path: z.string().max(4096, 'Path is too long').optional(),
  })
  .strict();
export type SaveReportAsRequest = z.input<typeof SaveReportAsRequest>;

export const SaveReportAsResult = z.union([z.object({ cancelled: z.literal(true) }), SavedReport.extend({ cancelled: z.literal(false) })]);
export type SaveReportAsResult = z.infer<typeof SaveReportAsResult>;

export const reportsChannels = {
  /** Writes the report of a run; NOT_FOUND for an unknown run; PDF_UNAVAILABLE when nothing can print a PDF. */
  save: channel('reports:save', SaveReportRequest, SavedReport),
  /** The report as HTML for the preview screen; NOT_FOUND when the scope has no run. */
  preview: channel('reports:preview', PreviewReportRequest, ReportPreview),
  /** Writes the report where the user chose (native save dialog, or a typed path without one). */
  saveAs: channel('reports:saveAs', SaveReportAsRequest, SaveReportAsResult),
};
