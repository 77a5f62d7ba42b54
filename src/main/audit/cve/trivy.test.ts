// Trivy ingest: report files (single, list, JSON lines; empty Results, missing Vulnerabilities,
// garbage) and the collector's reduced form of `trivy image --format json` — produced here by the
// collector's real shell snippet with a stand-in `trivy` that prints a fixture report.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawSection } from '../parsers/sections';
import { buildCollectScript, parseCollectOutput } from '../collector';
import { SECTION_SPECS } from '../sections';
import { applyTrivyReport, CVE_SCRIPTS, parseImageSection, parseTrivyPresence, specs as cveSpecs } from '../sections/cve';
import type { HostFacts } from '../facts';
import { formatCounts, ingestTrivyReport, parseTrivyKeyLines, summarizeImage, TrivyReportError } from './trivy';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__', 'cve');
const fixture = (name: string): string => fs.readFileSync(path.join(DIR, name), 'utf8');

describe('ingestTrivyReport', () => {
  it('a realistic image report: unique CVEs by severity, fixable ones, upgrade targets', () => {
    const [scan, ...rest] = ingestTrivyReport(fixture('trivy-app.json'));
    expect(rest).toEqual([]);
    expect(scan).toMatchObject({ image: 'lab/app:1.4.2', status: 'scanned', source: 'report' });
    expect(scan!.vulnerabilities).toHaveLength(11);
    const s = summarizeImage(scan!);
    // CVE-2023-5363 is in two packages: one CVE.
    expect(s.counts).toEqual({ CRITICAL: 2, HIGH: 2, MEDIUM: 4, LOW: 1, UNKNOWN: 1 });
    expect(s.total).toBe(10);
    expect(s.fixable).toEqual({ CRITICAL: 1, HIGH: 2, MEDIUM: 3, LOW: 1, UNKNOWN: 1 });
    expect(s.fixableTotal).toBe(8);
    expect(s.upgrades.map((u) => `${u.worst} ${u.pkg} ${u.installed} → ${u.fixed} [${u.ids.join(' ')}]`)).toEqual([
      'CRITICAL stdlib 1.20.4 → 1.20.10, 1.21.3 [CVE-2023-39325]',
      'HIGH libcrypto3 3.1.3-r0 → 3.1.4-r5 [CVE-2023-5363 CVE-2023-5678 CVE-2024-0727]',
      'HIGH golang.org/x/net v0.7.0 → 0.23.0 [CVE-2023-44487 CVE-2023-45288]',
      'HIGH libssl3 3.1.3-r0 → 3.1.4-r0 [CVE-2023-5363]',
      'MEDIUM busybox 1.36.1-r2 → 1.36.1-r4 [CVE-2023-42363]',
      'UNKNOWN google.golang.org/grpc v1.53.0 → 1.56.3, 1.57.1, 1.58.3 [GHSA-m425-mq94-257g]',
    ]);
    expect(formatCounts(s.counts)).toBe('2 critical, 2 high, 4 medium, 1 low, 1 unknown');
  });

  it('empty Results, no Results, a target without Vulnerabilities: scanned, zero CVEs', () => {
    expect(ingestTrivyReport(fixture('trivy-empty-results.json'))).toEqual([{ image: 'lab/busybox:1.35', status: 'scanned', message: null, vulnerabilities: [], source: 'report' }]);
    const multi = ingestTrivyReport(fixture('trivy-multi.jsonl'));
    expect(multi.map((s) => [s.image, s.vulnerabilities.length])).toEqual([
      ['lab/static:2024.1', 0],
      ['postgres:16.1', 1], // duplicate entry and entries without an id are dropped
    ]);
    expect(multi[1]!.vulnerabilities[0]).toEqual({ id: 'CVE-2023-29406', pkg: 'stdlib', installed: '1.18.2', fixed: '1.19.11, 1.20.6', severity: 'MEDIUM' });
  });

  it('a JSON list of reports, and the same image twice (merged)', () => {
    expect(ingestTrivyReport(fixture('trivy-array.json')).map((s) => s.image)).toEqual(['lab/busybox:1.35', 'postgres:16.1']);
    const twice = ingestTrivyReport(`${fixture('trivy-app.json')}\n${fixture('trivy-app.json')}`);
    expect(twice).toHaveLength(1);
    expect(twice[0]!.vulnerabilities).toHaveLength(11);
  });

  it.each([
    ['trivy-garbage.txt', /not valid JSON/],
    ['trivy-not-trivy.json', /not a Trivy report/],
    ['trivy-bad-results.json', /Results is not a list/],
  ])('%s is refused with a clear message', (file, message) => {
    expect(() => ingestTrivyReport(fixture(file))).toThrow(TrivyReportError);
    expect(() => ingestTrivyReport(fixture(file))).toThrow(message);
  });

  it('empty, truncated, non-object and Buffer input', () => {
    expect(() => ingestTrivyReport('')).toThrow(/empty/);
    expect(() => ingestTrivyReport('[]')).toThrow(/lists no images/);
    expect(() => ingestTrivyReport(fixture('trivy-app.json').slice(0, 5000))).toThrow(/not valid JSON/);
    expect(() => ingestTrivyReport('42')).toThrow(/not a JSON object/);
    expect(ingestTrivyReport(Buffer.from(`\uFEFF${fixture('trivy-empty-results.json')}`))[0]!.image).toBe('lab/busybox:1.35');
  });

  it('a huge report (50 000 vulnerabilities) is read in reasonable time', () => {
    const vulns = Array.from({ length: 50_000 }, (_, i) => ({ VulnerabilityID: `CVE-2024-${i}`, PkgName: `pkg${i % 300}`, InstalledVersion: '1.0', FixedVersion: i % 2 ? '1.1' : '', Severity: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'][i % 4] }));
    const t = Date.now();
    const [scan] = ingestTrivyReport(JSON.stringify({ SchemaVersion: 2, ArtifactName: 'big:1', Results: [{ Target: 'x', Vulnerabilities: vulns }] }));
    const s = summarizeImage(scan!);
    expect(s.total).toBe(50_000);
    expect(s.fixableTotal).toBe(25_000);
    expect(Date.now() - t).toBeLessThan(5_000);
  });
});

describe('the collector’s Trivy snippet (real shell, stand-in trivy)', () => {
  let bin: string;
  beforeAll(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-trivy-'));
    // Prints the fixture for lab/app:1.4.2, the first-run error for no-db:1, garbage otherwise.
    fs.writeFileSync(
      path.join(bin, 'trivy'),
      `#!/bin/sh
case "$*" in
  *lab/app:1.4.2*) cat ${JSON.stringify(path.join(DIR, 'trivy-app.json'))} ;;
  *--offline-scan*flagged:1*) cat ${JSON.stringify(path.join(DIR, 'trivy-empty-results.json'))} ;;
  *no-db:1*) echo '2024-02-01T10:00:00.000Z\tFATAL\tinit error: --skip-db-update cannot be specified on the first run' >&2; exit 1 ;;
  *) echo 'this is not json'; exit 0 ;;
esac
`,
      { mode: 0o755 },
    );
  });
  afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

  const scan = (image: string, flags = ''): RawSection => {
    const body = execFileSync('sh', ['-c', CVE_SCRIPTS.SCAN_ONE, 'sh', image, flags], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } });
    return { name: 'cve_trivy_0', body: body.replace(/\n$/, ''), exitCode: 0 };
  };

  it('reduces the report to the key lines, and they give the same result as the report file', () => {
    const raw = scan('lab/app:1.4.2');
    expect(raw.body.length).toBeLessThan(fixture('trivy-app.json').length / 4);
    expect(raw.body).not.toContain('Description');
    const fromHost = parseImageSection(raw);
    const fromFile = ingestTrivyReport(fixture('trivy-app.json'))[0]!;
    expect(fromHost).toEqual({ ...fromFile, source: 'host' });
  });

  it('the extra flags the host’s Trivy knows are passed on', () => {
    expect(parseImageSection(scan('flagged:1', ' --skip-java-db-update --offline-scan'))).toMatchObject({ status: 'scanned', vulnerabilities: [] });
    expect(CVE_SCRIPTS.SCANS).toContain('*--skip-java-db-update*');
  });

  it('Trivy without a database: an honest error, no silent zero', () => {
    expect(parseImageSection(scan('no-db:1'))).toMatchObject({ image: 'no-db:1', status: 'error', message: 'Trivy has no vulnerability database on this host (the audit does not download one)', vulnerabilities: [] });
  });

  it('output that is not Trivy’s JSON is an error, not "no CVEs"', () => {
    expect(parseImageSection(scan('other:1'))).toMatchObject({ status: 'error', message: 'Trivy printed no report (no SchemaVersion)' });
  });

  it('time-outs, cut-off output and skipped images', () => {
    expect(parseImageSection({ name: 'cve_trivy_1', body: '@image big:1\n', exitCode: 124 })).toMatchObject({ image: 'big:1', status: 'error', message: 'Trivy did not finish within 60 s' });
    expect(parseImageSection({ name: 'cve_trivy_1', body: '@image big:1\n  "SchemaVersion": 2,', exitCode: null })).toMatchObject({ status: 'error', message: 'the scan output was cut off' });
    expect(parseImageSection({ name: 'cve_trivy_2', body: '@image late:1\n@skipped the 90 s budget for CVE scans in one audit was used up', exitCode: 0 })).toMatchObject({ status: 'skipped' });
  });

  it('the whole CVE lane of the collector script (sec/secsh, per-image sections) with stand-in docker and trivy', () => {
    fs.writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\nprintf 'lab/app:1.4.2\\n<none>:<none>\\nno-db:1\\nlab/app:1.4.2\\n'\n`, { mode: 0o755 });
    const ctx = { sshdConfigPath: '/etc/ssh/sshd_config', scanRoots: [], sectionTimeoutS: 20 };
    const built = buildCollectScript({ sshdConfigPath: ctx.sshdConfigPath });
    let script = built.scripts.join('\n');
    for (const spec of SECTION_SPECS) if (!cveSpecs.includes(spec)) script = script.replace(spec.script(ctx), '');
    const out = execFileSync('sh', ['-s'], { input: script, encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, HOME: bin } });
    const { facts } = parseCollectOutput(out, built.marker, ctx.sshdConfigPath);
    expect(facts.trivy.ok).toBe(true);
    if (!facts.trivy.ok) return;
    expect(facts.trivy.value.images).toEqual(['lab/app:1.4.2', 'no-db:1']);
    expect(facts.trivy.value.scans.map((x) => [x.image, x.status, x.vulnerabilities.length])).toEqual([
      ['lab/app:1.4.2', 'scanned', 11],
      ['no-db:1', 'error', 0],
    ]);
    fs.rmSync(path.join(bin, 'docker'));
  });

  it('parseTrivyKeyLines tolerates escaped quotes and ignores keys inside strings', () => {
    const s = parseTrivyKeyLines('x', ['  "SchemaVersion": 2,', '      "VulnerabilityID": "CVE-1",', '      "PkgName": "a\\"b",', '      "Severity": "HIGH",', '      "VulnerabilityID": "CVE-2",']);
    expect(s.vulnerabilities).toEqual([
      { id: 'CVE-1', pkg: 'a"b', installed: '', fixed: '', severity: 'HIGH' },
      { id: 'CVE-2', pkg: '(unknown package)', installed: '', fixed: '', severity: 'UNKNOWN' },
    ]);
  });
});

describe('the trivy fact', () => {
  const raw = (body: string, more: Array<[string, RawSection]> = []): ReadonlyMap<string, RawSection> => new Map([['cve_trivy', { name: 'cve_trivy', body, exitCode: 0 }], ...more]);

  it('no Trivy, Docker present', () => {
    const r = raw('@trivy-absent\n@docker-present');
    expect(parseTrivyPresence(r.get('cve_trivy')!.body, r)).toEqual({ installed: false, version: null, docker: 'ok', dockerMessage: null, images: [], scans: [], reports: [] });
  });

  it('Trivy and images: scans in order, images beyond the limit recorded as skipped', () => {
    const imgs = Array.from({ length: 22 }, (_, i) => `@image img${String(i).padStart(2, '0')}:1`).join('\n');
    const sections: Array<[string, RawSection]> = [
      ['cve_trivy_1', { name: 'cve_trivy_1', body: '@image img01:1\n  "SchemaVersion": 2,\n@rc 0', exitCode: 0 }],
      ['cve_trivy_0', { name: 'cve_trivy_0', body: '@image img00:1\n  "SchemaVersion": 2,\n      "VulnerabilityID": "CVE-9",\n      "Severity": "LOW",\n@rc 0', exitCode: 0 }],
    ];
    const r = raw(`@trivy Version: 0.49.1\n${imgs}`, sections);
    const f = parseTrivyPresence(r.get('cve_trivy')!.body, r);
    expect(f.version).toBe('0.49.1');
    expect(f.images).toHaveLength(22);
    expect(f.scans.slice(0, 2).map((s) => [s.image, s.status, s.vulnerabilities.length])).toEqual([
      ['img00:1', 'scanned', 1],
      ['img01:1', 'scanned', 0],
    ]);
    expect(f.scans.filter((s) => s.status === 'skipped')).toHaveLength(20);
  });

  it('docker refused', () => {
    const r = raw('@trivy Version: 0.49.1\n@docker-error 1\npermission denied while trying to connect to the Docker daemon socket');
    expect(parseTrivyPresence(r.get('cve_trivy')!.body, r)).toMatchObject({ docker: 'error', dockerMessage: 'permission denied while trying to connect to the Docker daemon socket' });
  });

  it('garbage throws', () => {
    expect(() => parseTrivyPresence('hello', new Map())).toThrow(/unexpected CVE section output/);
  });

  it('applyTrivyReport adds report images, replacing the host’s result for the same image', () => {
    const facts = { trivy: { ok: true, value: { installed: true, version: '0.49.1', docker: 'ok', dockerMessage: null, images: ['lab/app:1.4.2'], scans: [{ image: 'lab/app:1.4.2', status: 'error', message: 'x', vulnerabilities: [], source: 'host' }], reports: [] } } } as unknown as HostFacts;
    const next = applyTrivyReport(facts, ingestTrivyReport(fixture('trivy-array.json')).concat(ingestTrivyReport(fixture('trivy-app.json'))), 'scan.json');
    expect(next.trivy.ok && next.trivy.value.scans.map((s) => [s.image, s.status, s.source])).toEqual([
      ['lab/busybox:1.35', 'scanned', 'report'],
      ['postgres:16.1', 'scanned', 'report'],
      ['lab/app:1.4.2', 'scanned', 'report'],
    ]);
    expect(next.trivy.ok && next.trivy.value.reports).toEqual(['scan.json']);
    // Facts without a trivy section (e.g. the collector failed) still take the report.
    const bare = applyTrivyReport({ trivy: { ok: false, status: 'error', message: 'x' } } as unknown as HostFacts, ingestTrivyReport(fixture('trivy-app.json')), 'r.json');
    expect(bare.trivy).toMatchObject({ ok: true, value: { installed: false, scans: [{ image: 'lab/app:1.4.2' }] } });
  });
});
