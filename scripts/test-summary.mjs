// Reads vitest JSON reports and prints one plain line per suite plus a total. Fails when a report
// is missing (the suite did not run), a test failed, a suite ran no test at all, or a test was
// skipped that scripts/test-skips-allowed.json does not list (a skip in CI is a hidden failure).
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const allowed = new Map(
  JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'test-skips-allowed.json'), 'utf8')).map((e) => [e.test, e.reason]),
);

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
