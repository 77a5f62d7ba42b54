// Reports (issue 14 item 5): build the document from the store, render it, write it.
import fs from 'node:fs';
import { ReportDocument, type ReportFormat } from '../../shared/report';
import { renderCsv } from './csv';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import { htmlToPdfFile, type PdfOptions } from './pdf';

export { buildReport, checkCatalogHash, effortFor, NothingToReport, type BuildOptions, type ReportScope } from './model';
export { renderCsv, renderHtml, renderMarkdown };
export { findChromium, htmlToPdfFile, NoChromiumError } from './pdf';

/** The document as JSON, validated against the schema first (a bug here must not ship a bad file). */
export function renderJson(doc: ReportDocument): string {
  return JSON.stringify(ReportDocument.parse(doc), null, 2) + '\n';
}

/** Text formats; PDF is rendered from the HTML by writeReport. */
export function renderText(doc: ReportDocument, format: Exclude<ReportFormat, 'pdf'>): string {
  switch (format) {
    case 'md':
      return renderMarkdown(doc);
    case 'html':
      return renderHtml(doc);
    case 'json':
      return renderJson(doc);
    case 'csv':
      return renderCsv(doc);
  }
}

/** Writes the report to `outFile` (owner-only: a report names hosts and their weaknesses). */
export async function writeReport(doc: ReportDocument, format: ReportFormat, outFile: string, pdf: PdfOptions = {}): Promise<void> {
  if (format === 'pdf') {
    await htmlToPdfFile(renderHtml(doc), outFile, pdf);
    fs.chmodSync(outFile, 0o600);
    return;
  }
  fs.writeFileSync(outFile, renderText(doc, format), { mode: 0o600 });
}
