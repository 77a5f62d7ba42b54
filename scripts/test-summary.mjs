// Reads vitest JSON reports and prints one plain line per suite plus a total. Fails when a report
// is missing (the suite did not run), a test failed, a suite ran no test at all, or a test was
// skipped that scripts/test-skips-allowed.json does not list (a skip in CI is a hidden failure).
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const allowed = new Map(
  JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'test-skips-allowed.json'), 'utf8')).map((e) => [e.test, e.reason]),
);

// The first line of an error, without colour codes, short enough for one log line.
const firstLine = (msg) =>
  String(msg ?? '')
    // eslint-disable-next-line no-control-regex -- colour codes are what is stripped
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim()
    .slice(0, 300) ?? '';

let ok = true;
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  const suite = basename(file, '.json');
  if (!existsSync(file)) {
    console.log(`${suite}: no report (the suite did not run)`);
    ok = false;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const p = r.numPassedTests ?? 0;
  // Files that failed to load count as a failure each; failed tests count one by one.
  const brokenFiles = (r.testResults ?? []).filter(
    (t) => t.status === 'failed' && !(t.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  const f = (r.numFailedTests ?? 0) + brokenFiles;
  const s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${suite}: ${p} passed, ${f} failed, ${s} skipped`);
  if (p === 0) {
    console.log(`${suite}: ran no test`);
    ok = false;
  }
  if (f > 0) ok = false;
  // Named here, at the very end of the output, because CI keeps only the tail of a long log.
  for (const t of r.testResults ?? []) {
    const where = relative(process.cwd(), t.name ?? '');
    const failedTests = (t.assertionResults ?? []).filter((a) => a.status === 'failed');
    if (t.status === 'failed' && failedTests.length === 0) console.log(`${suite}: FAILED to load ${where}: ${firstLine(t.message)}`);
    for (const a of failedTests) console.log(`${suite}: FAILED ${where} > ${a.fullName ?? a.title}: ${firstLine(a.failureMessages?.[0])}`);
  }
  for (const t of r.testResults ?? [])
    for (const a of t.assertionResults ?? []) {
      if (!['skipped', 'pending', 'todo'].includes(a.status)) continue;
      const where = `${basename(t.name ?? '')} > ${a.fullName ?? a.title}`;
      if (allowed.has(a.title)) console.log(`${suite}: skipped (allowed: ${allowed.get(a.title)}) ${where}`);
      else {
        console.log(`${suite}: SKIPPED, not in scripts/test-skips-allowed.json: ${where}`);
        ok = false;
      }
    }
  passed += p;
  failed += f;
  skipped += s;
}
console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped — ${ok ? 'OK' : 'FAILED'}`);
process.exit(ok ? 0 : 1);
