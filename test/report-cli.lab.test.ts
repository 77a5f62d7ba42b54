// `rampart report` end to end: a real audit of a lab host fills a database (`rampart audit --db`),
// a finding is accepted as a risk through the Store, then bin/rampart.mjs writes the report in
// every format. The PDF is printed by Debian's Chromium once, checked with poppler (pdfinfo,
// pdftotext) and its first page rendered to PNG with pdftoppm (kept in e2e/screenshots/).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { Store } from '../src/main/store/store';
import { ReportDocument } from '../src/shared/report';
import { BIN, exec, ROOT, type Result } from './support/cliContract';

const labAvailable = labPrerequisites().ok || process.env.RAMPART_LAB_REQUIRED === '1';
const rampart = (...args: string[]): Promise<Result> => exec(process.execPath, [BIN, ...args], 150_000);

/** RFC 4180 records (a small parser of its own; quoted fields may hold commas, quotes, CR and LF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') throw new Error(`bare line break at ${i}`);
    else field += c;
  }
  if (quoted || field !== '' || row.length) throw new Error('truncated CSV');
  return rows;
}

describe.skipIf(!labAvailable)('rampart report from a database filled by real audits', () => {
  let lab: LabHost;
  let dir: string;
  let db: string;
  let hostName: string;
  let acceptedTitle: string;
  let openTitle: string;
  let grade: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-report-test-'));
    db = path.join(dir, 'runs.sqlite3');
    lab = await createLabHost({ scenario: 'weak-ssh' });
    const login = ['--host', `${lab.user}@${lab.address}:${lab.port}`, '--identity', lab.identityFile, '--db', db, '--fail-on', 'none', '--format', 'json'];
    const first = await rampart('audit', ...login, '--accept-new-host-key');
    expect(first.code, first.stderr).toBe(0);
    // Accept one open finding's risk between the audits, as an admin would.
    const store = new Store(db);
    try {
      const run = store.listRuns({ limit: 1 })[0]!;
      hostName = run.hostName;
      const detail = store.getRun(run.id);
      const target = detail.findings.find((f) => f.severity === 'high' || f.severity === 'medium')!;
      acceptedTitle = target.title;
      store.setTriage({ findingKey: target.id, status: 'accepted', reason: 'lab host <script>x</script>, reviewed', expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    } finally {
      store.close();
    }
    const second = await rampart('audit', ...login);
    expect(second.code, second.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    if (lab) await destroyLabHost(lab);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const out = (name: string): string => path.join(dir, name);

  it('json: the schema, the latest run of the host with its trend, the accepted risk in the appendix', async () => {
    const r = await rampart('report', '--db', db, '--host', hostName, '--kind', 'full', '--format', 'json', '--out', out('r.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote full report \(json\)/);
    expect(fs.statSync(out('r.json')).mode & 0o777).toBe(0o600);
    const doc = ReportDocument.parse(JSON.parse(fs.readFileSync(out('r.json'), 'utf8')));
    expect(doc.provenance.runs).toHaveLength(1);
    expect(doc.provenance.runs[0]!.os).toMatch(/Debian/);
    expect(doc.trend).toHaveLength(2);
    expect(doc.provenance.runs[0]!.sincePrevious).toMatchObject({ newFindings: 0, resolvedFindings: 0 });
    expect(doc.acceptedRisks).toEqual([expect.objectContaining({ title: acceptedTitle, reason: 'lab host <script>x</script>, reviewed' })]);
    expect(doc.summary.grade).not.toBeNull();
    grade = doc.summary.grade!;
    const open = doc.findings.filter((f) => f.status === 'open');
    expect(open.length).toBeGreaterThan(0);
    openTitle = open[0]!.title;
    // Same run as the store's latest, same finding identities.
    const store = new Store(db);
    try {
      const latest = store.getRun(store.listRuns({ limit: 1 })[0]!.id);
      expect(doc.provenance.runs[0]!.runId).toBe(latest.id);
      expect(doc.findings.map((f) => f.id).sort()).toEqual(latest.findings.map((f) => f.id).sort());
    } finally {
      store.close();
    }
  });

  it('md (action plan), html (executive) and csv (findings) of the fleet and of the latest run', async () => {
    const md = await rampart('report', '--db', db, '--run', 'latest', '--kind', 'action-plan', '--format', 'md', '--out', out('ACTION_PLAN_TODO.md'));
    expect(md.code, md.stderr).toBe(0);
    const plan = fs.readFileSync(out('ACTION_PLAN_TODO.md'), 'utf8');
    expect(plan).toMatch(/^# ACTION\\_PLAN\\_TODO: /);
    expect(plan.split('\n').filter((l) => l.startsWith('- [ ] ')).length).toBeGreaterThan(0);
    expect(plan).toContain('Appendix: accepted risks');

    const html = await rampart('report', '--db', db, '--kind', 'executive', '--format', 'html', '--out', out('exec.html'));
    expect(html.code, html.stderr).toBe(0);
    const page = fs.readFileSync(out('exec.html'), 'utf8');
    expect(page).toContain(`Grade <strong>${grade} (`);
    expect(page).toContain('lab host &lt;script&gt;x&lt;/script&gt;, reviewed');
    expect(page).not.toMatch(/<script|<link|src=|href=/i);

    const csv = await rampart('report', '--db', db, '--host', hostName, '--kind', 'findings', '--format', 'csv', '--out', out('findings.csv'));
    expect(csv.code, csv.stderr).toBe(0);
    const rows = parseCsv(fs.readFileSync(out('findings.csv'), 'utf8'));
    expect(rows[0]![0]).toBe('priority');
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row).toHaveLength(rows[0]!.length);
    expect(rows.some((row) => row.includes('accepted'))).toBe(true);
  });

  it('pdf: printed by Chromium, pages rendered with pdftoppm, the grade and a finding in its text', async () => {
    const r = await rampart('report', '--db', db, '--host', hostName, '--kind', 'full', '--format', 'pdf', '--out', out('full.pdf'));
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(out('full.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    const info = execFileSync('pdfinfo', [out('full.pdf')], { encoding: 'utf8' });
    expect(Number(/^Pages:\s+(\d+)/m.exec(info)![1])).toBeGreaterThanOrEqual(1);
    const text = execFileSync('pdftotext', ['-layout', out('full.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain(`Grade ${grade} (`);
    expect(text.replace(/\s+/g, ' ')).toContain(openTitle.replace(/\s+/g, ' '));
    expect(text).toContain('Remediation priority matrix');
    const shots = path.join(ROOT, 'e2e', 'screenshots');
    fs.mkdirSync(shots, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', out('full.pdf'), path.join(shots, 'report-pdf-page1')]);
    const png = fs.readFileSync(path.join(shots, 'report-pdf-page1.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
  });

  it('nothing to report and no Chromium: exit 2 with one clear line', async () => {
    const none = await rampart('report', '--db', db, '--host', 'no-such-host', '--format', 'md', '--out', out('x.md'));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nothing to report: No host or run target named no-such-host/);
    const missing = await rampart('report', '--db', out('missing.sqlite3'), '--format', 'md', '--out', out('x.md'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no database at/);
    expect(fs.existsSync(out('missing.sqlite3'))).toBe(false);
    const noChrome = await exec(process.execPath, [BIN, 'report', '--db', db, '--format', 'pdf', '--out', out('x.pdf')], 60_000, { RAMPART_CHROMIUM: path.join(dir, 'no-chromium') });
    expect(noChrome.code).toBe(2);
    expect(noChrome.stderr).toMatch(/PDF needs Chromium or Chrome: none found/);
    expect(fs.existsSync(out('x.pdf'))).toBe(false);
  });
});
