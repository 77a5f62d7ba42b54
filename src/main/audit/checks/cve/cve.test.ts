// The CVE checks on the trivy fact: from the host's Trivy (collector sections), from a Trivy report
// file (applyTrivyReport), and when no scan was possible.
import { describe, expect, it } from 'vitest';
import { ingestTrivyReport } from '../../cve/trivy';
import { applyTrivyReport } from '../../sections/cve';
import { factsFrom, fixture, outcome, run } from '../../../../../test/support/checkFacts';
import { checks } from './index';

const evalOf = (body: string, more: Record<string, string> = {}) => run(factsFrom({ cve_trivy: body, ...more }), checks);

describe('no scan possible', () => {
  it('Trivy missing, Docker present: an info finding, the other checks do not apply', () => {
    const ev = evalOf('@trivy-absent\n@docker-present');
    expect(outcome(ev, 'CVE-SCAN-UNAVAILABLE').lines).toEqual(['info: No CVE scan was possible: Trivy is not installed on the host and no Trivy report was given (--trivy-report)']);
    expect(outcome(ev, 'CVE-IMAGE-FIXABLE')).toMatchObject({ status: 'not-applicable', message: 'no image was scanned for CVEs (see CVE-SCAN-UNAVAILABLE)' });
    expect(outcome(ev, 'CVE-IMAGE-UNFIXED').status).toBe('not-applicable');
  });

  it('no Docker and no report: nothing to scan', () => {
    expect(outcome(evalOf('@trivy-absent\n@docker-absent'), 'CVE-SCAN-UNAVAILABLE').status).toBe('not-applicable');
  });

  it('Trivy present but Docker refused; Trivy present, no images', () => {
    expect(outcome(evalOf('@trivy Version: 0.49.1\n@docker-error 1\npermission denied while trying to connect to the Docker daemon socket'), 'CVE-SCAN-UNAVAILABLE').lines).toEqual([
      "info: Docker's images could not be listed, so none was scanned: permission denied while trying to connect to the Docker daemon socket",
    ]);
    expect(outcome(evalOf('@trivy Version: 0.49.1\n'), 'CVE-SCAN-UNAVAILABLE').status).toBe('pass');
  });

  it('per image: no database, time-out', () => {
    const ev = evalOf('@trivy Version: 0.49.1\n@image a:1\n@image b:2', {
      cve_trivy_0: '@image a:1\n2024-02-01T10:00:00.000Z\tFATAL\tinit error: --skip-db-update cannot be specified on the first run\n@rc 1',
      cve_trivy_1: '@image b:2\n@skipped the 90 s budget for CVE scans in one audit was used up',
    });
    expect(outcome(ev, 'CVE-SCAN-UNAVAILABLE').lines).toEqual([
      'info: a:1 was not scanned: Trivy has no vulnerability database on this host (the audit does not download one)',
      'info: b:2 was not scanned: the 90 s budget for CVE scans in one audit was used up',
    ]);
  });

  it('a collector failure is an error, not a pass', () => {
    expect(outcome(run(factsFrom({ cve_trivy: { body: '@trivy', exit: null } }), checks), 'CVE-SCAN-UNAVAILABLE').status).toBe('error');
  });
});

describe('scanned images', () => {
  const report = ingestTrivyReport(fixture('cve/trivy-app.json'));

  it('from a report file: fixable CVEs at the worst fixable severity, with the upgrades to make', () => {
    const facts = applyTrivyReport(factsFrom({ cve_trivy: '@trivy-absent\n@docker-present' }), report, 'app-report.json');
    const ev = run(facts, checks);
    const fix = outcome(ev, 'CVE-IMAGE-FIXABLE');
    expect(fix.findings.map((f) => [f.severity, f.resource])).toEqual([['critical', 'image:lab/app:1.4.2']]);
    expect(fix.findings[0]!.evidence).toBe(
      '8 CVE(s) with a fix (1 critical, 2 high, 3 medium, 1 low, 1 unknown) of 10 (2 critical, 2 high, 4 medium, 1 low, 1 unknown); upgrade stdlib 1.20.4 → 1.20.10, 1.21.3 (CVE-2023-39325); libcrypto3 3.1.3-r0 → 3.1.4-r5 (CVE-2023-5363, +2); golang.org/x/net v0.7.0 → 0.23.0 (CVE-2023-44487, +1); libssl3 3.1.3-r0 → 3.1.4-r0 (CVE-2023-5363); busybox 1.36.1-r2 → 1.36.1-r4 (CVE-2023-42363), and 1 more package(s); from the Trivy report app-report.json',
    );
    // The unfixed critical (CVE-2024-24790) makes the residual finding medium.
    expect(outcome(ev, 'CVE-IMAGE-UNFIXED').lines).toEqual(['medium: 2 CVE(s) without a fixed version (1 critical, 1 medium); from the Trivy report app-report.json']);
    expect(outcome(ev, 'CVE-SCAN-UNAVAILABLE').status).toBe('pass');
  });

  it('a clean image passes both', () => {
    const facts = applyTrivyReport(factsFrom({ cve_trivy: '@trivy-absent\n@docker-absent' }), ingestTrivyReport(fixture('cve/trivy-empty-results.json')), 'clean.json');
    const ev = run(facts, checks);
    expect(ev.findings).toEqual([]);
    expect(ev.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('from the host’s Trivy: medium-only fixable CVEs', () => {
    const ev = evalOf('@trivy Version: 0.49.1\n@image postgres:16.1', {
      cve_trivy_0: '@image postgres:16.1\n  "SchemaVersion": 2,\n          "VulnerabilityID": "CVE-2023-29406",\n          "PkgName": "stdlib",\n          "InstalledVersion": "1.18.2",\n          "FixedVersion": "1.19.11, 1.20.6",\n          "Severity": "MEDIUM",\n@rc 0',
    });
    expect(outcome(ev, 'CVE-IMAGE-FIXABLE').lines).toEqual([
      'medium: 1 CVE(s) with a fix (1 medium) of 1 (1 medium); upgrade stdlib 1.18.2 → 1.19.11, 1.20.6 (CVE-2023-29406); Trivy 0.49.1 on the host',
    ]);
    expect(outcome(ev, 'CVE-IMAGE-UNFIXED').status).toBe('pass');
  });
});
