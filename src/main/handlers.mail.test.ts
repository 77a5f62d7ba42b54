// The Mail screen's channels through the handler table on a real temporary SQLite file: domains
// (validation with field names, duplicates, a linked host that must exist, update, removal that
// keeps the runs), runs of a domain, a host run refused as a mail run, the diff of two runs by
// finding identity, and a run whose resolver does not answer (RESOLVER_UNREACHABLE, a "failed"
// progress event, nothing stored). Audits against a real DNS server are in e2e/mail.e2e.test.ts.
import { describe, expect, it } from 'vitest';
import { issuePaths, useHandlerHarness } from '../../test/support/handlers';
import type { CheckResult, Finding, RunDetail, RunDiff, RunSummary } from '../shared/domain';
import type { MailDomain } from '../shared/ipc/mail';
import type { AppEvent } from '../shared/ipc/events';
import { findingKey } from './audit/engine';
import { computeScore } from './audit/grading';

const harness = useHandlerHarness('rampart-handlers-mail-');
const { ok, fail } = harness;

function saveDomainRun(domain: string, startedAt: string, failing: string[]): string {
  const checks: CheckResult[] = ['MAIL-SPF-ALL', 'MAIL-DMARC-POLICY', 'MAIL-DKIM-KEY'].map((checkId) => ({
    checkId,
    category: 'mail',
    severity: 'high',
    status: failing.includes(checkId) ? 'fail' : 'pass',
  }));
  const findings: Finding[] = failing.map((checkId) => ({
    id: findingKey(`mail:${domain}`, checkId, domain),
    checkId,
    category: 'mail',
    severity: 'high',
    title: `${checkId} fails`,
    resource: domain,
    evidence: 'seen',
    rationale: 'because',
    remediation: 'fix it',
    references: [],
    status: 'open',
  }));
  return harness.services.store.saveRun({
    targetKind: 'domain',
    hostId: null,
    hostName: domain,
    address: domain,
    port: 0,
    startedAt,
    finishedAt: startedAt,
    status: 'complete',
    os: null,
    score: computeScore(checks, findings),
    errors: [],
    execCount: 3,
    durationMs: 5,
    checks,
    findings,
    details: { domain, spf: { records: [] } },
  });
}

describe('mail domains', () => {
  it('adds a domain normalised (lower case, no trailing dot, selectors deduplicated); lists and updates it', async () => {
    const d = await ok<MailDomain>('mail:saveDomain', { domain: ' Example.ORG. ', dkimSelectors: ['S1', 's1', '2024._rsa'], expectedMx: ['MX1.example.org.'], resolver: '10.213.0.5:5353' });
    expect(d).toMatchObject({ domain: 'example.org', dkimSelectors: ['s1', '2024._rsa'], expectedMx: ['mx1.example.org'], resolver: '10.213.0.5:5353', hostId: null, lastRun: null });
    const upd = await ok<MailDomain>('mail:saveDomain', { id: d.id, domain: 'example.org', dkimSelectors: [], resolver: '' });
    expect(upd).toMatchObject({ id: d.id, dkimSelectors: [], expectedMx: [], resolver: null });
    expect(await ok<MailDomain[]>('mail:listDomains', {})).toEqual([upd]);
  });

  it('bad input is a VALIDATION error naming the field, with a message that says what is wrong', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ domain: 'localhost' }, 'domain', /needs a dot/],
      [{ domain: '10.0.0.1' }, 'domain', /address, not a domain/],
      [{ domain: 'exa mple.org' }, 'domain', /not a domain name/],
      [{ domain: '' }, 'domain', /required/],
      [{ domain: 'example.org', dkimSelectors: ['bad selector'] }, 'dkimSelectors.0', /"bad selector" is not a DKIM selector/],
      [{ domain: 'example.org', resolver: 'dns.example.org' }, 'resolver', /not IP\[:PORT\]/],
      [{ domain: 'example.org', resolver: '10.0.0.1:99999' }, 'resolver', /between 1 and 65535/],
      [{ domain: 'example.org', expectedMx: ['mx one'] }, 'expectedMx.0', /not a host name/],
      [{ domain: 'example.org', hostId: 4242 }, 'hostId', /no host with id 4242/],
    ];
    for (const [req, path, message] of cases) {
      const e = await fail('mail:saveDomain', req);
      expect(e.code, JSON.stringify(req)).toBe('VALIDATION');
      expect(issuePaths(e), JSON.stringify(req)).toContain(path);
      expect(e.message, JSON.stringify(req)).toMatch(message);
    }
    expect(await ok<MailDomain[]>('mail:listDomains', {})).toEqual([]);
  });

  it('a second domain of the same name is refused on the domain field; an unknown id is NOT_FOUND', async () => {
    await ok('mail:saveDomain', { domain: 'example.org' });
    const dup = await fail('mail:saveDomain', { domain: 'EXAMPLE.org' });
    expect(dup.code).toBe('VALIDATION');
    expect(issuePaths(dup)).toEqual(['domain']);
    expect((await fail('mail:saveDomain', { id: 999, domain: 'other.org' })).code).toBe('NOT_FOUND');
    expect((await fail('mail:runs', { domainId: 999 })).code).toBe('NOT_FOUND');
  });

  it('removing a domain keeps its runs: added back, its history and latest grade are there again', async () => {
    const d = await ok<MailDomain>('mail:saveDomain', { domain: 'example.org' });
    const runId = saveDomainRun('example.org', '2026-01-01T00:00:00.000Z', ['MAIL-SPF-ALL']);
    expect((await ok<MailDomain[]>('mail:listDomains', {}))[0]!.lastRun?.id).toBe(runId);
    expect(await ok('mail:deleteDomain', { id: d.id })).toEqual({ removed: true });
    expect(await ok('mail:deleteDomain', { id: d.id })).toEqual({ removed: false });
    const again = await ok<MailDomain>('mail:saveDomain', { domain: 'example.org' });
    expect(again.lastRun?.id).toBe(runId);
    expect((await ok<RunSummary[]>('mail:runs', { domainId: again.id })).map((r) => r.id)).toEqual([runId]);
  });
});

describe('mail runs and diffs', () => {
  it('lists a domain’s runs only; a host run is not a mail run', async () => {
    const d = await ok<MailDomain>('mail:saveDomain', { domain: 'example.org' });
    const r1 = saveDomainRun('example.org', '2026-01-01T00:00:00.000Z', ['MAIL-SPF-ALL']);
    saveDomainRun('other.org', '2026-01-02T00:00:00.000Z', []);
    expect((await ok<RunSummary[]>('mail:runs', { domainId: d.id })).map((r) => r.id)).toEqual([r1]);
    const run = await ok<RunDetail>('mail:getRun', { runId: r1 });
    expect(run.details).toEqual({ domain: 'example.org', spf: { records: [] } });
    expect(run.findings[0]!.triage).toBeNull();
    const hostRun = harness.services.store.saveRun({
      hostId: null, hostName: 'h', address: '10.0.0.1', port: 22, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:00.000Z',
      status: 'complete', os: null, score: null, errors: [], execCount: 0, durationMs: 0, checks: [], findings: [],
    });
    expect((await fail('mail:getRun', { runId: hostRun })).code).toBe('NOT_FOUND');
    expect((await fail('mail:diff', { runId: hostRun })).code).toBe('NOT_FOUND');
  });

  it('diffs against the run before by default, or against any run of the same domain', async () => {
    const r1 = saveDomainRun('example.org', '2026-01-01T00:00:00.000Z', ['MAIL-SPF-ALL', 'MAIL-DMARC-POLICY']);
    const r2 = saveDomainRun('example.org', '2026-01-02T00:00:00.000Z', ['MAIL-DMARC-POLICY']);
    const r3 = saveDomainRun('example.org', '2026-01-03T00:00:00.000Z', ['MAIL-DMARC-POLICY', 'MAIL-DKIM-KEY']);
    const other = saveDomainRun('other.org', '2026-01-03T00:00:00.000Z', []);
    const ids = (fs: Finding[]) => fs.map((f) => f.checkId).sort();

    const byDefault = await ok<RunDiff>('mail:diff', { runId: r3 });
    expect(byDefault.previousRunId).toBe(r2);
    expect([ids(byDefault.new), ids(byDefault.resolved), ids(byDefault.unchanged)]).toEqual([['MAIL-DKIM-KEY'], [], ['MAIL-DMARC-POLICY']]);

    const against1 = await ok<RunDiff>('mail:diff', { runId: r3, againstRunId: r1 });
    expect(against1.previousRunId).toBe(r1);
    expect(against1.previous?.id).toBe(r1);
    expect([ids(against1.new), ids(against1.resolved), ids(against1.unchanged)]).toEqual([['MAIL-DKIM-KEY'], ['MAIL-SPF-ALL'], ['MAIL-DMARC-POLICY']]);

    const first = await ok<RunDiff>('mail:diff', { runId: r1 });
    expect(first.previousRunId).toBeNull();

    const cross = await fail('mail:diff', { runId: r3, againstRunId: other });
    expect([cross.code, issuePaths(cross)]).toEqual(['VALIDATION', ['againstRunId']]);
    expect((await fail('mail:diff', { runId: r3, againstRunId: r3 })).code).toBe('VALIDATION');
  });

  it('a resolver that does not answer: RESOLVER_UNREACHABLE, a "failed" event with the job id, no run stored', async () => {
    const events: AppEvent[] = [];
    // The handler table emits through services.emit at call time.
    harness.services.emit = (e) => events.push(e);
    const h = harness.h;
    // Nothing listens on loopback port 9: the datagram is refused at once (ECONNREFUSED).
    const d = await ok<MailDomain>('mail:saveDomain', { domain: 'example.org', resolver: '127.0.0.1:9' });
    const res = await h.invoke('mail:run', { domainId: d.id, jobId: 'job-1' });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('RESOLVER_UNREACHABLE');
    expect(res.error.message).toMatch(/127\.0\.0\.1:9/);
    const mine = events.filter((e) => e.type === 'mail-progress' && e.jobId === 'job-1');
    expect(mine.at(-1)).toMatchObject({ phase: 'failed', domainId: d.id, progress: 1 });
    expect(await ok<RunSummary[]>('mail:runs', { domainId: d.id })).toEqual([]);
    expect(harness.services.jobs.size).toBe(0);
  });

  it('cancel of an unknown job says so', async () => {
    expect(await ok('mail:cancel', { jobId: 'nope' })).toEqual({ cancelled: false });
  });
});
