// The app's "Report" action: the report of one stored run, written into the reports folder under
// a name made here (target, kind, time) — the renderer never chooses where a file is written.
import fs from 'node:fs';
import path from 'node:path';
import { RampartError } from '../../shared/errors';
import type { ReportFormat, ReportKind } from '../../shared/report';
import type { Store } from '../store/store';
import { buildReport, NothingToReport } from './model';
import { renderHtml } from './html';
import { NoChromiumError } from './pdf';
import { renderText, writeReport } from './index';

export interface SaveOptions {
  runId: string;
  kind: ReportKind;
  format: ReportFormat;
  /** The folder reports are written to (created owner-only). */
  dir: string;
  /** Prints HTML to PDF (Electron's printToPDF in the app); absent: Chromium headless. */
  printPdf?: ((html: string) => Promise<Buffer>) | undefined;
  now?: Date;
}

const EXT: Record<ReportFormat, string> = { md: 'md', html: 'html', pdf: 'pdf', json: 'json', csv: 'csv' };

/** A file name from remote-influenced text: letters, digits, dot, dash, underscore only. */
export function safeFileStem(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 64) || 'target';
}

export async function saveRunReport(store: Store, o: SaveOptions): Promise<{ file: string; bytes: number; grade: ReturnType<typeof buildReport>['summary']['grade']; openFindings: number }> {
  let doc;
  try {
    doc = buildReport(store, { kind: o.kind, scope: { kind: 'run', runId: o.runId }, ...(o.now ? { now: o.now } : {}) });
  } catch (e) {
    if (e instanceof NothingToReport) throw new RampartError('NOT_FOUND', e.message);
    throw e;
  }
  fs.mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const stamp = doc.provenance.generatedAt.replace(/[:.]/g, '-');
  const name = o.kind === 'action-plan' && o.format === 'md' ? `ACTION_PLAN_TODO-${safeFileStem(doc.provenance.runs[0]!.target)}-${stamp}.md` : `${safeFileStem(doc.provenance.runs[0]!.target)}-${o.kind}-${stamp}.${EXT[o.format]}`;
  const file = path.join(o.dir, name);
  try {
    if (o.format === 'pdf' && o.printPdf) fs.writeFileSync(file, await o.printPdf(renderHtml(doc)), { mode: 0o600 });
    else if (o.format === 'pdf') await writeReport(doc, 'pdf', file);
    else fs.writeFileSync(file, renderText(doc, o.format), { mode: 0o600 });
  } catch (e) {
    if (e instanceof NoChromiumError) throw new RampartError('PDF_UNAVAILABLE', e.message);
    throw e;
  }
  return { file, bytes: fs.statSync(file).size, grade: doc.summary.grade, openFindings: doc.summary.statusCounts.open };
}
