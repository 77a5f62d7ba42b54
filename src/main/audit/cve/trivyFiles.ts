// Trivy JSON report files picked by the user (CLI --trivy-report, the app's "attach Trivy report"):
// read and parsed on this computer before any connection is made, so a wrong file is refused at
// once with the file named, and nothing is audited with half the reports.
import fs from 'node:fs';
import path from 'node:path';
import { ingestTrivyReport, TrivyReportError, type ImageScan } from './trivy';

/** Bigger than any image report seen (a fat image is a few MB); refuses reading a disk image by mistake. */
export const MAX_TRIVY_REPORT_BYTES = 64 * 1024 * 1024;

export interface TrivyReportFile {
  file: string;
  scans: ImageScan[];
}

export class TrivyReportFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: 'unreadable' | 'invalid',
    /** Why, without the file name: "no such file", the parser's complaint. */
    readonly detail: string,
  ) {
    super(reason === 'unreadable' ? `cannot read ${file}: ${detail}` : `${file} is not a Trivy JSON report: ${detail}`);
  }
}

function readError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return (e as Error).message;
}

export function readTrivyReportFile(file: string): TrivyReportFile {
  let text: Buffer;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    if (st.size > MAX_TRIVY_REPORT_BYTES) throw new Error(`${st.size} bytes is more than a Trivy report (limit ${MAX_TRIVY_REPORT_BYTES})`);
    text = fs.readFileSync(file);
  } catch (e) {
    throw new TrivyReportFileError(file, 'unreadable', readError(e));
  }
  try {
    return { file, scans: ingestTrivyReport(text) };
  } catch (e) {
    if (e instanceof TrivyReportError) throw new TrivyReportFileError(file, 'invalid', e.message);
    throw e;
  }
}

/** The name a report's findings carry as their source: the file's base name. */
export function trivyReportName(file: string): string {
  return path.basename(file);
}
