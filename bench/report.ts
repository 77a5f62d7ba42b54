// Bench for reports (issue 14 "Measure"): a stored run of 100 findings (test/support/reportStore.ts,
// spread over the check catalog) reported as the full report: build the document from SQLite and
// render HTML (goal ≤ 200 ms), and print it to PDF with Chromium headless as `rampart report
// --format pdf` does (goal ≤ 2 s, one Chromium process per PDF). Each figure is the median over
// the iterations, with min and max. For comparison, the PDF from a browser kept open (playwright-core
// page.pdf), which is closer to the app printing inside its running Electron, and, when the CLI's
// printer is the headless shell, the same one-shot print with the full chromium (what it replaced).
// Prints one JSON object. Needs Chromium (RAMPART_CHROMIUM, Debian's chromium-headless-shell or
// chromium). Usage: npm run bench:report [-- --iterations 5]
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { buildReport, findChromium, renderHtml, writeReport } from '../src/main/reports';
import { storeWithRun } from '../test/support/reportStore';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '5' }, findings: { type: 'string', default: '100' } } });
const iterations = Math.max(1, Number(values.iterations) || 5);
const findingCount = Math.max(1, Number(values.findings) || 100);

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 10) / 10;
  return { medianMs: r(s[Math.floor(s.length / 2)]!), minMs: r(s[0]!), maxMs: r(s[s.length - 1]!) };
};

const loadAtStart = os.loadavg()[0]!;
const { store, runId } = storeWithRun(findingCount);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-report-'));
try {
  // Warm-up: module loading and SQLite statement preparation are not what is measured.
  renderHtml(buildReport(store, { kind: 'full', scope: { kind: 'run', runId } }));
  const html: number[] = [];
  let htmlBytes = 0;
  for (let i = 0; i < Math.max(iterations, 10); i++) {
    const t0 = performance.now();
    const page = renderHtml(buildReport(store, { kind: 'full', scope: { kind: 'run', runId } }));
    html.push(performance.now() - t0);
    htmlBytes = Buffer.byteLength(page);
  }
  const chromium = findChromium();
  // One Chromium start per PDF, as `rampart report --format pdf` (build + render + print + copy).
  const onePdfPerStart = async (exe: string, tag: string): Promise<{ ms: number[]; bytes: number }> => {
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < iterations; i++) {
      const out = path.join(dir, `${tag}${i}.pdf`);
      const t0 = performance.now();
      await writeReport(buildReport(store, { kind: 'full', scope: { kind: 'run', runId } }), 'pdf', out, { chromium: exe });
      ms.push(performance.now() - t0);
      bytes = fs.statSync(out).size;
    }
    return { ms, bytes };
  };
  const { ms: pdf, bytes: pdfBytes } = chromium ? await onePdfPerStart(chromium, 'r') : { ms: [], bytes: 0 };
  const fullChromium = '/usr/bin/chromium';
  const compareFull = chromium !== null && chromium.includes('headless-shell') && fs.existsSync(fullChromium);
  const full = compareFull ? await onePdfPerStart(fullChromium, 'f') : null;
  // The whole command, `rampart report --run … --kind full --format pdf`, in its own Node process
  // (start, open the database file, build, render, print, write) from the last `npm run build`'s
  // bundle, run directly: bin/rampart.mjs would fall back to tsx whenever a source is newer.
  const bundle = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out', 'cli', 'rampart.mjs');
  const cli: number[] = [];
  if (chromium && fs.existsSync(bundle)) {
    const dbFile = path.join(dir, 'runs.sqlite3');
    storeWithRun(findingCount, dbFile).store.close();
    const runBundle = 'const { run } = await import(process.argv[1]); await run(process.argv.slice(2));';
    for (let i = 0; i < iterations; i++) {
      const argv = ['report', '--db', dbFile, '--run', runId, '--kind', 'full', '--format', 'pdf', '--out', path.join(dir, `c${i}.pdf`)];
      const t0 = performance.now();
      await promisify(execFile)(process.execPath, ['--input-type=module', '-e', runBundle, bundle, ...argv], { env: { ...process.env, RAMPART_CHROMIUM: chromium } });
      cli.push(performance.now() - t0);
    }
  }
  // Warm: one browser kept open, page.pdf per report (as the app prints in its running Electron).
  const warm: number[] = [];
  if (chromium) {
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      for (let i = 0; i <= iterations; i++) {
        const t0 = performance.now();
        await page.setContent(renderHtml(buildReport(store, { kind: 'full', scope: { kind: 'run', runId } })));
        await page.pdf({ path: path.join(dir, `w${i}.pdf`), format: 'A4', printBackground: true, tagged: true }); // tagged, as the CLI's print
        if (i > 0) warm.push(performance.now() - t0); // the first print loads fonts: warm-up
      }
    } finally {
      await browser.close();
    }
  }
  const htmlStats = stats(html);
  const pdfStats = pdf.length ? stats(pdf) : null;
  console.log(
    JSON.stringify(
      {
        bench: 'report',
        findings: findingCount,
        kind: 'full',
        iterations,
        html: { ...htmlStats, bytes: htmlBytes, goalMs: 200, ok: htmlStats.medianMs <= 200 },
        pdf: pdfStats
          ? { ...pdfStats, bytes: pdfBytes, chromium, goalMs: 2000, ok: pdfStats.medianMs <= 2000 }
          : { skipped: 'no Chromium found (set RAMPART_CHROMIUM)' },
        cliPdf: cli.length
          ? { ...stats(cli), goalMs: 2000, ok: stats(cli).medianMs <= 2000, note: 'the rampart report command, process start to exit (out/cli bundle)' }
          : { skipped: 'no Chromium or no out/cli bundle (npm run build)' },
        pdfFullChromium: full
          ? { ...stats(full.ms), bytes: full.bytes, chromium: fullChromium, note: 'the same one-shot print with the full browser, for comparison' }
          : null,
        pdfWarmBrowser: warm.length ? { ...stats(warm), note: 'one Chromium kept open (playwright-core page.pdf); not what the CLI does' } : null,
        cpus: os.cpus().length,
        loadavg1AtStart: Math.round(loadAtStart * 100) / 100,
        loadavg1: Math.round(os.loadavg()[0]! * 100) / 100,
      },
      null,
      2,
    ),
  );
} finally {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
