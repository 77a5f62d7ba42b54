// Reads vitest JSON reports and prints one plain line per suite plus a total. Fails when a report
// is missing (the suite did not run), a test failed, or a suite ran no test at all.
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

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
  passed += p;
  failed += f;
  skipped += s;
}
console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped — ${ok ? 'OK' : 'FAILED'}`);
process.exit(ok ? 0 : 1);
