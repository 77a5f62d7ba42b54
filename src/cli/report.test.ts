import { describe, expect, it } from 'vitest';
import type { CheckResult, Finding, RunDetail, Severity } from '../shared/domain';
import {
  countBySeverity,
  exitCodeFor,
  fleetExitCode,
  fleetProgressLine,
  formatFleetMarkdown,
  formatFleetTable,
  formatMarkdown,
  formatTable,
  sortFindings,
  toJsonError,
  toJsonFleetReport,
  toJsonReport,
  worstGrade,
  type JsonFleetEntry,
  type JsonFleetFailure,
  type ReportMeta,
} from './report';

function finding(checkId: string, severity: Severity, extra: Partial<Finding> = {}): Finding {
  return {
    id: `id-${checkId}-${severity}`,
    checkId,
    category: 'ssh',
    severity,
    title: `${checkId} title`,
    resource: `sshd:/etc/ssh/sshd_config:${checkId}`,
    evidence: `${checkId} evidence`,
    rationale: 'why',
    remediation: `fix ${checkId}`,
    references: ['https://man.openbsd.org/sshd_config'],
    status: 'open',
    ...extra,
  };
}

function check(checkId: string, status: CheckResult['status'], severity: Severity = 'high', message?: string): CheckResult {
  return { checkId, category: 'ssh', severity, status, ...(message ? { message } : {}) };
}

function runOf(findings: Finding[], extra: Partial<RunDetail> = {}): RunDetail {
  return {
    id: 'run-1',
    hostId: null,
    hostName: '10.213.0.2',
    address: '10.213.0.2',
    port: 22,
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:04:06.000Z',
    status: 'complete',
    os: 'Debian GNU/Linux 12 (bookworm)',
    score: { overall: 41.3, grade: 'F', cap: null, categories: { ssh: { score: 41.3, grade: 'F', applicableWeight: 30 } } },
    findingCounts: countBySeverity(findings),
    execCount: 1,
    durationMs: 1000,
    findings,
    checks: [check('A', 'fail'), check('B', 'pass')],
    errors: [],
    ...extra,
  };
}

const META: ReportMeta = { version: '9.9.9', username: 'root', hostKey: { keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc', source: 'pinned' } };

describe('sortFindings', () => {
  it('orders by severity, then check, then resource', () => {
    const fs = [finding('Z', 'low'), finding('B', 'critical'), finding('A', 'high', { resource: 'r2' }), finding('A', 'high', { resource: 'r1' }), finding('C', 'info')];
    expect(sortFindings(fs).map((f) => `${f.severity}:${f.checkId}:${f.resource}`)).toEqual([
      'critical:B:sshd:/etc/ssh/sshd_config:B',
      'high:A:r1',
      'high:A:r2',
      'low:Z:sshd:/etc/ssh/sshd_config:Z',
      'info:C:sshd:/etc/ssh/sshd_config:C',
    ]);
  });
});

describe('exitCodeFor', () => {
  const fs = [finding('A', 'medium'), finding('B', 'low')];
  it.each([
    ['critical', 0],
    ['high', 0],
    ['medium', 1],
    ['low', 1],
    ['info', 1],
    ['none', 0],
  ] as const)('--fail-on %s → %d', (failOn, code) => {
    expect(exitCodeFor(runOf(fs), failOn)).toBe(code);
  });

  it('only open findings count', () => {
    expect(exitCodeFor(runOf([finding('A', 'critical', { status: 'accepted' })]), 'high')).toBe(0);
  });

  it('an incomplete run is 2 (error) unless a finding already fails it', () => {
    const partial = { status: 'partial' as const };
    expect(exitCodeFor(runOf([], partial), 'high')).toBe(2);
    expect(exitCodeFor(runOf([finding('A', 'low')], partial), 'high')).toBe(2);
    expect(exitCodeFor(runOf([finding('A', 'high')], partial), 'high')).toBe(1);
    expect(exitCodeFor(runOf([], partial), 'none')).toBe(2);
  });
});

describe('toJsonReport', () => {
  it('has the documented fields, findings sorted by severity', () => {
    const r = toJsonReport(runOf([finding('B', 'low'), finding('A', 'critical')], { checks: [check('A', 'fail', 'critical'), check('X', 'error', 'high', 'sshd -T: exit code 1')] }), META);
    expect(Object.keys(r)).toEqual(['tool', 'version', 'runId', 'startedAt', 'finishedAt', 'status', 'host', 'score', 'findingCounts', 'findings', 'checks', 'errors']);
    expect(r).toMatchObject({
      tool: 'rampart',
      version: '9.9.9',
      runId: 'run-1',
      status: 'complete',
      host: { name: '10.213.0.2', address: '10.213.0.2', port: 22, username: 'root', os: 'Debian GNU/Linux 12 (bookworm)', hostKey: META.hostKey },
      score: { overall: 41.3, grade: 'F', cap: null, categories: { ssh: { score: 41.3, grade: 'F' } } },
      findingCounts: { critical: 1, high: 0, medium: 0, low: 1, info: 0 },
      errors: [],
    });
    expect(r.findings.map((f) => f.checkId)).toEqual(['A', 'B']);
    expect(Object.keys(r.findings[0]!).sort()).toEqual(
      ['id', 'checkId', 'category', 'severity', 'title', 'resource', 'evidence', 'rationale', 'remediation', 'references', 'status'].sort(),
    );
    expect(r.checks).toEqual([
      { checkId: 'A', category: 'ssh', severity: 'critical', status: 'fail' },
      { checkId: 'X', category: 'ssh', severity: 'high', status: 'error', message: 'sshd -T: exit code 1' },
    ]);
    // plain data: survives a JSON round trip unchanged
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('score is null when nothing could be graded', () => {
    expect(toJsonReport(runOf([], { score: null, status: 'partial' }), META).score).toBeNull();
  });

  it('error object', () => {
    expect(toJsonError('1.0.0', 'HOST_KEY_CHANGED', 'changed', { pinned: 'a', presented: 'b' })).toEqual({
      tool: 'rampart',
      version: '1.0.0',
      status: 'failed',
      error: { code: 'HOST_KEY_CHANGED', message: 'changed', details: { pinned: 'a', presented: 'b' } },
    });
    expect(toJsonError('1.0.0', 'USAGE', 'bad')).toEqual({ tool: 'rampart', version: '1.0.0', status: 'failed', error: { code: 'USAGE', message: 'bad' } });
  });
});

describe('formatTable', () => {
  it('shows grade, score, categories and findings by severity', () => {
    const t = formatTable(runOf([finding('LOWONE', 'low'), finding('CRIT', 'critical', { evidence: 'line1\nline2' })]), META);
    expect(t).toContain('audit of root@10.213.0.2:22 (Debian GNU/Linux 12 (bookworm))');
    expect(t).toMatch(/Grade: F +Score: 41\.3 \/ 100/);
    expect(t).toMatch(/ssh +F +41\.3/);
    expect(t).toContain('Findings: 2 (1 critical, 1 low)');
    expect(t.indexOf('CRITICAL')).toBeLessThan(t.indexOf('LOW '));
    expect(t).toContain('evidence: line1 line2');
    expect(t).toContain('fix:      fix CRIT');
    expect(t).toContain('Host key ssh-ed25519 SHA256:abc (pinned)');
    expect(t.endsWith('\n')).toBe(true);
  });

  it('a run without a score and with errors', () => {
    const t = formatTable(
      runOf([], { score: null, status: 'partial', errors: [{ section: 'sshd', message: 'sshd -T: exit code 1: /x: No such file' }], checks: [check('A', 'error')] }),
      { ...META, hostKey: null },
    );
    expect(t).toContain('Grade: -');
    expect(t).toContain('status partial');
    expect(t).toContain('Findings: 0 (none)');
    expect(t).toContain('Errors: 1');
    expect(t).toContain('sshd: sshd -T: exit code 1: /x: No such file');
    expect(t).toContain('Checks: 1 (1 error)');
  });

  it('brackets IPv6 addresses', () => {
    expect(formatTable(runOf([], { address: 'fd00::1', port: 2222 }), META)).toContain('root@[fd00::1]:2222');
  });
});

describe('formatMarkdown', () => {
  it('has the grade, a findings table and remediation per check', () => {
    const m = formatMarkdown(runOf([finding('B', 'low'), finding('A', 'high', { evidence: 'a | b <script>' }), finding('A', 'medium', { resource: 'other' })]), META);
    expect(m).toContain('# Rampart audit: root@10.213.0.2:22');
    expect(m).toContain('| Grade | **F** |');
    expect(m).toContain('| Score | 41.3 / 100 |');
    expect(m).toContain('| ssh | F | 41.3 |');
    expect(m).toContain('## Findings (3)');
    const rows = m.split('\n').filter((l) => /^\| (high|medium|low) \|/.test(l));
    expect(rows.map((l) => l.split(' | ')[0])).toEqual(['| high', '| medium', '| low']);
    // table cells cannot break out of their column or inject HTML
    expect(m).toContain('a \\| b &lt;script>');
    expect(m.match(/^- \*\*A\*\*/gm)).toHaveLength(1);
  });

  it('no findings, no score', () => {
    const m = formatMarkdown(runOf([], { score: null, status: 'partial', checks: [check('A', 'error'), check('B', 'needs-sudo')], errors: [{ section: 'sshd', message: 'boom' }] }), META);
    expect(m).toContain('| Grade | **-** |');
    expect(m).toContain('No findings.');
    expect(m).toContain('## Errors');
    expect(m).toContain('- sshd: boom');
    expect(m).toContain('`A` (error), `B` (needs-sudo)');
  });
});

describe('fleet report', () => {
  const host = (name: string, address: string, findings: Finding[], extra: Partial<RunDetail> = {}): JsonFleetEntry =>
    toJsonReport(runOf(findings, { hostName: name, address, ...extra }), META);
  const web = host('web', '10.0.0.1', [finding('A', 'high'), finding('B', 'low'), finding('C', 'low', { status: 'accepted' })], {
    score: { overall: 85.3, grade: 'B', cap: 'open high finding', categories: {} },
  });
  const db = host('db', '10.0.0.2', [], { score: { overall: 97.5, grade: 'A+', cap: null, categories: {} } });
  const partial = host('cache', '10.0.0.3', [finding('D', 'medium')], {
    status: 'partial',
    score: null,
    errors: [{ section: 'sshd', message: 'sshd -T: exit code 1' }],
    checks: [check('X', 'error'), check('D', 'fail')],
  });
  const failed: JsonFleetFailure = {
    host: { name: 'broken', address: 'fd00::9', port: 1, username: 'root' },
    status: 'failed',
    error: { code: 'CONNECTION_REFUSED', message: 'fd00::9:1 refused the connection.' },
  };
  const report = toJsonFleetReport({ version: '9.9.9', inventory: '/etc/ansible/hosts', startedAt: 'S', finishedAt: 'F', hosts: [web, db, partial, failed] });

  it('has the documented shape and summary', () => {
    expect(Object.keys(report)).toEqual(['tool', 'version', 'inventory', 'startedAt', 'finishedAt', 'hosts', 'summary']);
    expect(report.tool).toBe('rampart');
    expect(report.hosts).toEqual([web, db, partial, failed]);
    expect(report.summary).toEqual({
      total: 4,
      complete: 2,
      partial: 1,
      failed: 1,
      worstGrade: 'B',
      findingCounts: { critical: 0, high: 1, medium: 1, low: 1, info: 0 },
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('worstGrade', () => {
    expect(worstGrade(['A', 'A+', null, 'C', 'B'])).toBe('C');
    expect(worstGrade(['F', 'A+'])).toBe('F');
    expect(worstGrade([null, undefined])).toBeNull();
    expect(worstGrade([])).toBeNull();
  });

  it('exit: 1 if any host has a finding at or above --fail-on, else 2 if any failed or incomplete, else 0', () => {
    expect(fleetExitCode([web, db, partial, failed], 'high')).toBe(1);
    expect(fleetExitCode([web, db, partial, failed], 'critical')).toBe(2);
    expect(fleetExitCode([db, failed], 'info')).toBe(2);
    expect(fleetExitCode([db, partial], 'critical')).toBe(2);
    expect(fleetExitCode([db, partial], 'medium')).toBe(1); // the partial host's medium finding counts
    expect(fleetExitCode([web, db], 'critical')).toBe(0);
    expect(fleetExitCode([web, db], 'none')).toBe(0);
    expect(fleetExitCode([web, db, failed], 'none')).toBe(2);
    expect(fleetExitCode([web], 'low')).toBe(1); // the accepted low finding does not count, the open one does
    expect(fleetExitCode([host('x', '10.0.0.9', [finding('C', 'low', { status: 'accepted' })])], 'low')).toBe(0);
  });

  it('progress lines: one per finished host', () => {
    expect(fleetProgressLine(1, 12, web)).toBe('[ 1/12] web (root@10.0.0.1:22): B 85.3, complete, findings: 1 high, 1 low');
    expect(fleetProgressLine(4, 4, failed)).toBe('[4/4] broken (root@[fd00::9]:1): failed: CONNECTION_REFUSED: fd00::9:1 refused the connection.');
    expect(fleetProgressLine(3, 4, partial)).toBe('[3/4] cache (root@10.0.0.3:22): no grade, partial, findings: 1 medium');
  });

  it('table: a row per host with grade, score and counts by severity; problems listed', () => {
    const t = formatFleetTable(report);
    const lines = t.split('\n');
    expect(lines[0]).toBe('Rampart 9.9.9 audit of the inventory /etc/ansible/hosts');
    expect(t).toContain('4 host(s): 2 complete, 1 partial, 1 failed; worst grade B; findings: 1 high, 1 medium, 1 low');
    const head = lines.findIndex((l) => l.startsWith('HOST'));
    expect(lines[head]).toMatch(/^HOST +TARGET +STATUS +GRADE +SCORE +CRIT +HIGH +MED +LOW +INFO$/);
    expect(lines[head + 1]).toMatch(/^web +root@10\.0\.0\.1:22 +complete +B +85\.3 +0 +1 +0 +1 +0$/);
    expect(lines[head + 2]).toMatch(/^db +root@10\.0\.0\.2:22 +complete +A\+ +97\.5 +0 +0 +0 +0 +0$/);
    expect(lines[head + 3]).toMatch(/^cache +root@10\.0\.0\.3:22 +partial +- +- +0 +0 +1 +0 +0$/);
    expect(lines[head + 4]).toMatch(/^broken +root@\[fd00::9\]:1 +failed +- +- +- +- +- +- +-$/);
    // columns line up
    for (const l of lines.slice(head + 1, head + 5)) expect(l.indexOf('root@')).toBe(lines[head]!.indexOf('TARGET'));
    expect(t).toContain('Problems: 2');
    expect(t).toContain('  cache: partial, 1 check(s) not evaluated; sshd: sshd -T: exit code 1');
    expect(t).toContain('  broken: failed: CONNECTION_REFUSED: fd00::9:1 refused the connection.');
    expect(t.endsWith('\n')).toBe(true);
  });

  it('markdown: a table row per host, problems escaped', () => {
    const weird: JsonFleetFailure = { ...failed, host: { ...failed.host, name: 'a|b<c>' }, error: { code: 'X', message: 'pipe | and <b>' } };
    const m = formatFleetMarkdown(toJsonFleetReport({ version: '9.9.9', inventory: 'hosts.ini', startedAt: 'S', finishedAt: 'F', hosts: [web, weird] }));
    expect(m).toContain('# Rampart fleet audit: hosts.ini');
    expect(m).toContain('| Host | Target | Status | Grade | Score | Critical | High | Medium | Low | Info |');
    expect(m).toContain('| web | `root@10.0.0.1:22` | complete | **B** | 85.3 | 0 | 1 | 0 | 1 | 0 |');
    expect(m).toContain('| a\\|b&lt;c> | `root@[fd00::9]:1` | failed | - | - | - | - | - | - | - |');
    expect(m).toContain('## Problems');
    expect(m).toContain('- a\\|b&lt;c>: failed: X: pipe \\| and &lt;b>');
  });
});
