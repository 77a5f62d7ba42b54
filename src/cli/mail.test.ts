// `rampart mail` report shapes over a stored run (no DNS: the lab test runs the real command).
import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../shared/domain';
import { formatMailMarkdown, formatMailTable, toJsonMailReport } from './mail';

const run: RunDetail = {
  id: 'run-1',
  targetKind: 'domain',
  hostId: null,
  hostName: 'example.test',
  address: 'example.test',
  port: 0,
  startedAt: '2026-12-06T00:00:00.000Z',
  finishedAt: '2026-12-06T00:00:01.000Z',
  status: 'complete',
  os: null,
  score: { overall: 80, grade: 'B', cap: 'an open high finding limits the grade to B', categories: { mail: { score: 80, grade: 'B', applicableWeight: 50 } } },
  findingCounts: { critical: 0, high: 1, medium: 0, low: 0, info: 0 },
  execCount: 12,
  durationMs: 30,
  checks: [{ checkId: 'MAIL-SPF-ALL', category: 'mail', severity: 'high', status: 'fail' }],
  findings: [
    {
      id: 'f'.repeat(32),
      checkId: 'MAIL-SPF-ALL',
      category: 'mail',
      severity: 'high',
      title: 'SPF "+all" authorises every server',
      resource: 'spf:example.test',
      evidence: 'v=spf1 +all',
      rationale: 'r',
      remediation: 'End the record with "-all" | carefully',
      references: ['https://www.rfc-editor.org/rfc/rfc7208#section-5.1'],
      status: 'open',
    },
  ],
  errors: [],
};

describe('rampart mail report', () => {
  it('JSON: the contract fields, the domain instead of a host', () => {
    const j = toJsonMailReport(run, '9.9.9', '10.213.0.2:53 (--resolver)');
    expect(j).toMatchObject({ tool: 'rampart', version: '9.9.9', runId: 'run-1', status: 'complete', domain: 'example.test', resolver: '10.213.0.2:53 (--resolver)', records: null });
    expect(j.score).toEqual({ overall: 80, grade: 'B', cap: 'an open high finding limits the grade to B', categories: { mail: { score: 80, grade: 'B' } } });
    expect(Object.keys(j.findings[0]!)).toEqual(['id', 'checkId', 'category', 'severity', 'title', 'resource', 'evidence', 'rationale', 'remediation', 'references', 'status']);
    expect('host' in j).toBe(false);
  });

  it('table and markdown name the domain, the resolver and the findings; markdown escapes pipes', () => {
    const j = toJsonMailReport(run, '9.9.9', '10.213.0.2:53 (--resolver)');
    expect(formatMailTable(j)).toContain('mail audit of example.test (DNS through 10.213.0.2:53 (--resolver), 12 queries)');
    expect(formatMailTable(j)).toMatch(/HIGH\s+MAIL-SPF-ALL\s+SPF "\+all" authorises every server/);
    expect(formatMailMarkdown(j)).toContain('| high | MAIL-SPF-ALL | SPF "+all" authorises every server | v=spf1 +all | End the record with "-all" \\| carefully |');
  });
});
