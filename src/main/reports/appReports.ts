// Reports from the app's Reports screen: a preview (the HTML report, shown in a sandboxed
// iframe) and "Save as…" for a run, a host or the fleet, in any kind and format, to a file the
// user picked in the native save dialog (or typed, in the browser bridge: src/main/dialogs.ts).
import fs from 'node:fs';
import path from 'node:path';
import { RampartError } from '../../shared/errors';
import type { ReportPreview, SaveReportAsResult } from '../../shared/ipc/reports';
import type { ReportDocument, ReportFormat, ReportKind } from '../../shared/report';
import { chooseFile, type DialogService, type FileFilter } from '../dialogs';
import type { Store } from '../store/store';
import { renderHtml } from './html';
import { buildReport, NothingToReport, type ReportScope } from './model';
import { NoChromiumError } from './pdf';
import { safeFileStem } from './save';
import { renderText, writeReport } from './index';

const FILTERS: Record<ReportFormat, FileFilter> = {
  md: { name: 'Markdown', extensions: ['md'] },
  html: { name: 'HTML page', extensions: ['html', 'htm'] },
  pdf: { name: 'PDF document', extensions: ['pdf'] },
  json: { name: 'JSON (rampart.report/v1)', extensions: ['json'] },
  csv: { name: 'CSV (findings)', extensions: ['csv'] },
};

function build(store: Store, scope: ReportScope, kind: ReportKind, now?: Date): ReportDocument {
  try {
    return buildReport(store, { kind, scope, ...(now ? { now } : {}) });
  } catch (e) {
    if (e instanceof NothingToReport) throw new RampartError('NOT_FOUND', e.message);
    throw e;
  }
}

export function previewReport(store: Store, scope: ReportScope, kind: ReportKind, now?: Date): ReportPreview {
  const doc = build(store, scope, kind, now);
  return {
    html: renderHtml(doc),
    title: doc.title,
    grade: doc.summary.grade,
    openFindings: doc.summary.statusCounts.open,
    targets: doc.provenance.runs.length,
    generatedAt: doc.provenance.generatedAt,
  };
}

/** The file name the save dialog proposes: ACTION_PLAN_TODO.md for the action plan, else target-kind-date.ext. */
export function suggestedName(doc: ReportDocument, kind: ReportKind, format: ReportFormat): string {
  if (kind === 'action-plan' && format === 'md') return 'ACTION_PLAN_TODO.md';
  const who = doc.scope.kind === 'fleet' ? 'fleet' : safeFileStem(doc.provenance.runs[0]?.target ?? 'report');
  return `${who}-${kind}-${doc.provenance.generatedAt.slice(0, 10)}.${FILTERS[format].extensions[0]}`;
}

export interface SaveAsOptions {
  scope: ReportScope;
  kind: ReportKind;
  format: ReportFormat;
  typedPath?: string | undefined;
  dialogs?: DialogService | undefined;
  printPdf?: ((html: string) => Promise<Buffer>) | undefined;
  now?: Date;
}

export async function saveReportAs(store: Store, o: SaveAsOptions): Promise<SaveReportAsResult> {
  // Built before the dialog opens: a scope with nothing to report is said at once, not after
  // the user has picked a file.
  const doc = build(store, o.scope, o.kind, o.now);
  const file = await chooseFile(o.dialogs, o.typedPath, 'save', { title: 'Save report', defaultName: suggestedName(doc, o.kind, o.format), filters: [FILTERS[o.format]] });
  if (file === null) return { cancelled: true };
  const dir = path.dirname(file);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new RampartError('VALIDATION', `path: The folder ${dir} does not exist.`, { issues: [{ path: ['path'], message: 'No such folder' }] });
  try {
    if (o.format === 'pdf' && o.printPdf) fs.writeFileSync(file, await o.printPdf(renderHtml(doc)), { mode: 0o600 });
    else if (o.format === 'pdf') await writeReport(doc, 'pdf', file);
    else fs.writeFileSync(file, renderText(doc, o.format), { mode: 0o600 });
    // An existing file keeps its mode on overwrite: a report is owner-only either way.
    fs.chmodSync(file, 0o600);
  } catch (e) {
    if (e instanceof NoChromiumError) throw new RampartError('PDF_UNAVAILABLE', e.message);
    if (e instanceof RampartError) throw e;
    throw new RampartError('VALIDATION', `path: Cannot write ${file}: ${(e as Error).message}`, { issues: [{ path: ['path'], message: 'Cannot write' }] });
  }
  return { cancelled: false, file, bytes: fs.statSync(file).size, kind: o.kind, format: o.format, grade: doc.summary.grade, openFindings: doc.summary.statusCounts.open };
}
