// HTML → PDF outside Electron (CLI, tests, bench): Chromium headless's --print-to-pdf on a
// temporary copy of the page, with its own throwaway profile. The app uses Electron's
// webContents.printToPDF instead (src/main/electron/reportPdf.ts).
// The headless shell (Debian's chromium-headless-shell, the "old" headless mode that Chromium
// itself no longer has) is preferred: it is the same Blink and Skia/PDF, so the same pages, but
// it starts without the full browser: a 100-finding full report takes ≈ 1.1–1.3 CPU-s to print
// against ≈ 2.3 with the full chromium (bench/report.ts has both). What is left is the page itself
// (a blank page costs ≈ 0.4 CPU-s; the PDF's accessibility tags ≈ 0.25, kept). Launch flags such as
// --single-process, --in-process-gpu or a tmpfs profile made no measurable difference.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// The headless shell's real binary first: its /usr/bin script only adds a shell start.
const CANDIDATES = [
  '/usr/lib/chromium/chromium-headless-shell',
  '/usr/bin/chromium-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];

/** Thrown when no Chromium can print (the CLI's exit 2, with this message). */
export class NoChromiumError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoChromiumError';
  }
}

/** RAMPART_CHROMIUM, else the first usual headless shell or Chromium/Chrome path that exists; null when none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const given = env.RAMPART_CHROMIUM;
  if (given) return fs.existsSync(given) ? given : null;
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

export interface PdfOptions {
  chromium?: string | null;
  timeoutMs?: number;
}

/** Prints the HTML page to a PDF file. Throws NoChromiumError, or Error with Chromium's words. */
export async function htmlToPdfFile(html: string, outFile: string, opts: PdfOptions = {}): Promise<void> {
  const chromium = opts.chromium === undefined ? findChromium() : opts.chromium;
  if (!chromium)
    throw new NoChromiumError(
      'PDF needs Chromium or Chrome: none found (looked for RAMPART_CHROMIUM, ' + CANDIDATES.join(', ') + '). Install it (Debian: apt-get install chromium-headless-shell, or chromium) or write --format html.',
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-pdf-'));
  try {
    const page = path.join(dir, 'report.html');
    fs.writeFileSync(page, html, { mode: 0o600 });
    const tmpOut = path.join(dir, 'report.pdf');
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-extensions',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-dev-shm-usage',
      '--no-pdf-header-footer',
      // Less to start: a one-shot print needs no zygote, background services or extra renderers.
      '--no-zygote',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-breakpad',
      '--mute-audio',
      '--renderer-process-limit=1',
      `--user-data-dir=${path.join(dir, 'profile')}`,
      `--print-to-pdf=${tmpOut}`,
      pathToFileURL(page).href,
    ];
    await new Promise<void>((resolve, reject) => {
      execFile(chromium, args, { timeout: opts.timeoutMs ?? 60_000, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`Chromium could not print the report (${err.message.split('\n')[0]}): ${String(stderr).trim().split('\n').slice(-2).join(' ')}`));
        else resolve();
      });
    });
    const st = fs.statSync(tmpOut, { throwIfNoEntry: false });
    if (!st || st.size === 0) throw new Error('Chromium exited without writing the PDF.');
    fs.copyFileSync(tmpOut, outFile);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
