// Triage, finding history and run diff through the handler table, on a real temporary SQLite file.
// Runs are saved the way the auditor saves them (triage applied, then scored), without SSH.
import { describe, expect, it } from 'vitest';
import { issuePaths, useHandlerHarness } from '../../test/support/handlers';
import { type CheckResult, type Finding, type Host, type RunDetail, RunDiff } from '../shared/domain';
import { FindingHistory, TriageResult } from '../shared/ipc/findings';
import { computeScore } from './audit/grading';
import { findingKey } from './audit/engine';

const harness = useHandlerHarness('rampart-handlers-triage-');
const { ok, fail } = harness;

const HOST_KEY = '10.213.0.2:22';

/** One check per entry; a failing check raises one finding of its severity on `resource`. */
interface Spec {
  checkId: string;
  severity: Finding['severity'];
  category?: Finding['category'];
  fails: boolean;
}

function checksOf(specs: Spec[]): CheckResult[] {
  return specs.map((c) => ({ checkId: c.checkId, category: c.category ?? 'ssh', severity: c.severity, status: c.fails ? 'fail' : 'pass' }));
}

function findingsOf(specs: Spec[]): Finding[] {
  return specs
    .filter((c) => c.fails)
    .map((c) => ({
      id: findingKey(HOST_KEY, c.checkId, `sshd:/etc/ssh/sshd_config:${c.checkId}`),
      checkId: c.checkId,
      category: c.category ?? 'ssh',
      severity: c.severity,
      title: `${c.checkId} is weak`,
      resource: `sshd:/etc/ssh/sshd_config:${c.checkId}`,
      evidence: `${c.checkId} yes`,
      rationale: 'because',
      remediation: `set ${c.checkId} no`,
      references: ['CIS 5.2'],
      status: 'open',
    }));
}

/** Saves a run as the auditor does: triage applied to fresh findings, then scored. */
function saveRun(host: Host, startedAt: string, specs: Spec[]): string {
  const checks = checksOf(specs);
  const findings = harness.services.store.applyTriage(findingsOf(specs), new Date(startedAt));
  return harness.services.store.saveRun({
    hostId: host.id,
    hostName: host.name,
    address: host.address,
    port: host.port,
    startedAt,
    finishedAt: startedAt,
    status: 'complete',
    os: 'Debian GNU/Linux 12 (bookworm)',
    score: computeScore(checks, findings),
    errors: [],
    execCount: 1,
    durationMs: 900,
    checks,
    findings,
    timings: { connectMs: 120, collectMs: 700, evaluateMs: 3 },
  });
}

async function addHost(name = 'web-1', address = '10.213.0.2'): Promise<Host> {
  return ok<Host>('hosts:add', { name, address, port: 22, username: 'root' });
}

const WEAK: Spec[] = [
  { checkId: 'SSH-PERMIT-EMPTY-PASSWORDS', severity: 'critical', fails: true },
  { checkId: 'SSH-MAX-AUTH-TRIES', severity: 'medium', fails: true },
  { checkId: 'SSH-X11-FORWARDING', severity: 'low', fails: true },
  { checkId: 'SSH-LOGIN-GRACE-TIME', severity: 'low', fails: false },
  { checkId: 'FW-INACTIVE', severity: 'high', category: 'network', fails: false },
  // Enough passing checks elsewhere that the number alone is above a D: the critical cap shows.
  ...['SYS-A', 'SYS-B', 'SYS-C', 'SYS-D'].map((checkId): Spec => ({ checkId, severity: 'critical', category: 'system', fails: false })),
];

function keyOf(checkId: string): string {
  return findingKey(HOST_KEY, checkId, `sshd:/etc/ssh/sshd_config:${checkId}`);
}

const CRIT = keyOf('SSH-PERMIT-EMPTY-PASSWORDS');
const X11 = keyOf('SSH-X11-FORWARDING');
const TRIES = keyOf('SSH-MAX-AUTH-TRIES');

function inAYear(): string {
  return new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
}

describe('findings:triage', () => {
  it('round-trips: accepted risk with reason and expiry, shown on the run and in the history; reopen', async () => {
    const host = await addHost();
    const runId = saveRun(host, '2026-01-10T10:00:00.000Z', WEAK);
    const expiresAt = inAYear();

    const res = await ok<TriageResult>('findings:triage', { findingKey: CRIT, status: 'accepted', reason: '  legacy box, replaced in Q3  ', expiresAt });
    expect(TriageResult.safeParse(res).success).toBe(true);
    expect(res.triage).toMatchObject({ findingKey: CRIT, hostId: host.id, status: 'accepted', reason: 'legacy box, replaced in Q3', expiresAt });
    expect(res.run.id).toBe(runId);
    const f = res.run.findings.find((x) => x.id === CRIT)!;
    expect(f.status).toBe('accepted');
    expect(f.triage).toEqual({ status: 'accepted', reason: 'legacy box, replaced in Q3', expiresAt, updatedAt: res.triage.updatedAt });
    // Untriaged findings say so explicitly.
    expect(res.run.findings.find((x) => x.id === X11)!.triage).toBeNull();

    // runs:get shows the same, plus the run's phase timings.
    const got = await ok<RunDetail>('runs:get', { runId });
    expect(got.findings.find((x) => x.id === CRIT)).toMatchObject({ status: 'accepted', triage: { reason: 'legacy box, replaced in Q3', expiresAt } });
    expect(got.timings).toEqual({ connectMs: 120, collectMs: 700, evaluateMs: 3 });
    expect(got.score).toEqual(res.run.score);

    // Reopen: counts again; the log keeps both changes.
    const reopened = await ok<TriageResult>('findings:triage', { findingKey: CRIT, status: 'open' });
    expect(reopened.triage).toMatchObject({ status: 'open', reason: null, expiresAt: null });
    expect(reopened.run.findings.find((x) => x.id === CRIT)!.status).toBe('open');

    const hist = await ok<FindingHistory>('findings:history', { findingKey: CRIT });
    expect(FindingHistory.safeParse(hist).success).toBe(true);
    expect(hist.triage?.status).toBe('open');
    expect(hist.log.map((e) => [e.status, e.reason, e.expiresAt])).toEqual([
      ['accepted', 'legacy box, replaced in Q3', expiresAt],
      ['open', null, null],
    ]);
    expect(hist.seenIn).toEqual([{ runId, startedAt: '2026-01-10T10:00:00.000Z', status: 'open', severity: 'critical' }]);
  });

  it('accepting the open critical finding lifts the D cap and raises the score; the host list follows', async () => {
    const host = await addHost();
    const runId = saveRun(host, '2026-01-10T10:00:00.000Z', WEAK);
    const before = await ok<RunDetail>('runs:get', { runId });
    expect(before.score!.grade).toBe('D');
    expect(before.score!.overall).toBeGreaterThanOrEqual(70); // a C by the number alone
    expect(before.score!.cap).toMatch(/critical/);
    const ssh = before.score!.categories['ssh']!;

    const res = await ok<TriageResult>('findings:triage', { findingKey: CRIT, status: 'accepted', reason: 'no passwords are set on this box', expiresAt: inAYear() });
    const after = res.run.score!;
    expect(after.overall).toBeGreaterThan(before.score!.overall);
    expect(after.cap ?? '').not.toMatch(/critical/);
    expect(after.grade).toMatch(/^A\+?$/);
    expect('A+ A B C D F'.split(' ').indexOf(after.grade)).toBeLessThan('A+ A B C D F'.split(' ').indexOf(before.score!.grade));
    expect(after.categories['ssh']!.score).toBeGreaterThan(ssh.score);
    // Other categories are untouched.
    expect(after.categories['network']).toEqual(before.score!.categories['network']);

    // The stored run, the run list and the host's last run all carry the new score.
    expect((await ok<RunDetail>('runs:get', { runId })).score).toEqual(after);
    const hosts = await ok<Host[]>('hosts:list', {});
    expect(hosts[0]!.lastRun).toMatchObject({ id: runId, score: after.overall, grade: after.grade });

    // A false positive on the medium finding raises it further; reopening both restores the first score.
    const fp = await ok<TriageResult>('findings:triage', { findingKey: TRIES, status: 'false-positive', reason: 'PAM limits attempts to 3' });
    expect(fp.run.score!.overall).toBeGreaterThan(after.overall);
    await ok('findings:triage', { findingKey: TRIES, status: 'open' });
    const back = await ok<TriageResult>('findings:triage', { findingKey: CRIT, status: 'open' });
    expect(back.run.score).toEqual(before.score);
  });

  it('"fixed" takes the finding out of the current run; found again in a later run, it is open again', async () => {
    const host = await addHost();
    saveRun(host, '2026-01-10T10:00:00.000Z', WEAK);
    const fixed = await ok<TriageResult>('findings:triage', { findingKey: X11, status: 'fixed' });
    expect(fixed.run.findings.find((x) => x.id === X11)!.status).toBe('fixed');
    const run2 = saveRun(host, new Date(Date.now() + 60_000).toISOString(), WEAK);
    const got = await ok<RunDetail>('runs:get', { runId: run2 });
    expect(got.findings.find((x) => x.id === X11)).toMatchObject({ status: 'open', triage: { status: 'open' } });
    const hist = await ok<FindingHistory>('findings:history', { findingKey: X11 });
    expect(hist.log.map((e) => e.status)).toEqual(['fixed', 'open']);
    expect(hist.seenIn.map((x) => x.runId)).toEqual([run2, fixed.run.id]);
  });

  it('validation errors name the field; nothing is stored', async () => {
    const host = await addHost();
    const runId = saveRun(host, '2026-01-10T10:00:00.000Z', WEAK);
    const cases: Array<[string, unknown, string[]]> = [
      ['accepted without a reason', { findingKey: CRIT, status: 'accepted', expiresAt: inAYear() }, ['reason']],
      ['accepted with a blank reason', { findingKey: CRIT, status: 'accepted', reason: '   ', expiresAt: inAYear() }, ['reason']],
      ['accepted without an expiry', { findingKey: CRIT, status: 'accepted', reason: 'x' }, ['expiresAt']],
      ['accepted with neither', { findingKey: CRIT, status: 'accepted' }, ['reason', 'expiresAt']],
      ['an expiry that is not a date', { findingKey: CRIT, status: 'accepted', reason: 'x', expiresAt: 'next year' }, ['expiresAt']],
      ['an expiry like "1"', { findingKey: CRIT, status: 'accepted', reason: 'x', expiresAt: '1' }, ['expiresAt']],
      ['an impossible date', { findingKey: CRIT, status: 'accepted', reason: 'x', expiresAt: '2030-02-31T25:00' }, ['expiresAt']],
      ['false positive without a reason', { findingKey: CRIT, status: 'false-positive' }, ['reason']],
      ['false positive with an expiry', { findingKey: CRIT, status: 'false-positive', reason: 'x', expiresAt: inAYear() }, ['expiresAt']],
      ['an unknown status', { findingKey: CRIT, status: 'ignored', reason: 'x' }, ['status']],
      ['a reason too long', { findingKey: CRIT, status: 'false-positive', reason: 'x'.repeat(1001) }, ['reason']],
      ['no finding key', { status: 'fixed' }, ['findingKey']],
      ['an extra key', { findingKey: CRIT, status: 'fixed', runId }, ['']],
    ];
    for (const [what, payload, fields] of cases) {
      const e = await fail('findings:triage', payload);
      expect(e.code, what).toBe('VALIDATION');
      for (const field of fields) expect(issuePaths(e), what).toContain(field);
    }
    // An expiry in the past (or now) is refused on expiresAt, by date and by timestamp.
    for (const expiresAt of ['2020-01-01', new Date(Date.now() - 1000).toISOString()]) {
      const e = await fail('findings:triage', { findingKey: CRIT, status: 'accepted', reason: 'legacy', expiresAt });
      expect(e.code).toBe('VALIDATION');
      expect(issuePaths(e)).toEqual(['expiresAt']);
      expect(e.message).toMatch(/future/);
    }
    expect(harness.services.store.getTriage(CRIT)).toBeNull();
    expect(harness.services.store.triageLog(CRIT)).toEqual([]);
    expect((await ok<RunDetail>('runs:get', { runId })).findings.every((f) => f.status === 'open')).toBe(true);
  });

  it('unknown findings and runs are NOT_FOUND', async () => {
    const host = await addHost();
    saveRun(host, '2026-01-10T10:00:00.000Z', WEAK);
    const unknown = 'f'.repeat(32);
    expect((await fail('findings:triage', { findingKey: unknown, status: 'false-positive', reason: 'x' })).code).toBe('NOT_FOUND');
    expect((await fail('findings:triage', { findingKey: unknown, status: 'accepted', reason: 'x', expiresAt: inAYear() })).code).toBe('NOT_FOUND');
    expect((await fail('findings:history', { findingKey: unknown })).code).toBe('NOT_FOUND');
    expect((await fail('runs:diff', { runId: 'no-such-run' })).code).toBe('NOT_FOUND');
    expect((await fail('runs:get', { runId: 'no-such-run' })).code).toBe('NOT_FOUND');
    expect(issuePaths(await fail('findings:history', {}))).toContain('findingKey');
    expect(issuePaths(await fail('runs:diff', {}))).toContain('runId');
  });
});

describe('runs:diff', () => {
  it('new, resolved and unchanged against the previous run of the same host; triage carries over', async () => {
    const host = await addHost();
    const other = await addHost('db-1', '10.213.0.6');
    const run1 = saveRun(host, '2026-01-10T10:00:00.000Z', WEAK);
    // Another host's run in between must not be taken as the previous run.
    saveRun(other, '2026-01-10T11:00:00.000Z', [{ checkId: 'SSH-ROOT', severity: 'high', fails: true }]);

    const first = await ok<RunDiff>('runs:diff', { runId: run1 });
    expect(RunDiff.safeParse(first).success).toBe(true);
    expect(first).toMatchObject({ runId: run1, previousRunId: null, previous: null, resolved: [], unchanged: [] });
    expect(first.new.map((f) => f.id).sort()).toEqual([CRIT, TRIES, X11].sort());

    await ok('findings:triage', { findingKey: CRIT, status: 'accepted', reason: 'legacy box', expiresAt: inAYear() });
    await ok('findings:triage', { findingKey: TRIES, status: 'false-positive', reason: 'PAM limits attempts' });

    // X11 fixed on the host, LoginGraceTime now too long.
    const run2 = saveRun(host, '2026-01-11T10:00:00.000Z', [
      { checkId: 'SSH-PERMIT-EMPTY-PASSWORDS', severity: 'critical', fails: true },
      { checkId: 'SSH-MAX-AUTH-TRIES', severity: 'medium', fails: true },
      { checkId: 'SSH-X11-FORWARDING', severity: 'low', fails: false },
      { checkId: 'SSH-LOGIN-GRACE-TIME', severity: 'low', fails: true },
      { checkId: 'FW-INACTIVE', severity: 'high', category: 'network', fails: false },
      ...WEAK.filter((c) => c.category === 'system'),
    ]);
    const d = await ok<RunDiff>('runs:diff', { runId: run2 });
    expect(d.runId).toBe(run2);
    expect(d.previousRunId).toBe(run1);
    expect(d.previous).toMatchObject({ id: run1, hostId: host.id, startedAt: '2026-01-10T10:00:00.000Z' });
    expect(d.new.map((f) => f.checkId)).toEqual(['SSH-LOGIN-GRACE-TIME']);
    expect(d.resolved.map((f) => f.checkId)).toEqual(['SSH-X11-FORWARDING']);
    expect(d.unchanged.map((f) => f.checkId).sort()).toEqual(['SSH-MAX-AUTH-TRIES', 'SSH-PERMIT-EMPTY-PASSWORDS']);
    // Statuses in the new run come from the triage, with its reason and expiry.
    const byId = new Map(d.unchanged.map((f) => [f.id, f]));
    expect(byId.get(CRIT)).toMatchObject({ status: 'accepted', triage: { status: 'accepted', reason: 'legacy box' } });
    expect(byId.get(TRIES)).toMatchObject({ status: 'false-positive', triage: { status: 'false-positive', reason: 'PAM limits attempts', expiresAt: null } });
    expect(d.new[0]!.triage).toBeNull();

    // The new run's grade leaves the triaged findings out from the start.
    const got = await ok<RunDetail>('runs:get', { runId: run2 });
    expect(got.score!.cap ?? '').not.toMatch(/critical/);
    const hist = await ok<FindingHistory>('findings:history', { findingKey: CRIT });
    expect(hist.seenIn.map((x) => [x.runId, x.status])).toEqual([
      [run2, 'accepted'],
      [run1, 'accepted'],
    ]);
    // The X11 finding's history ends with the first run.
    expect((await ok<FindingHistory>('findings:history', { findingKey: X11 })).seenIn.map((x) => x.runId)).toEqual([run1]);

    // Triage from the latest run re-scores that run (not the older one).
    const res = await ok<TriageResult>('findings:triage', { findingKey: keyOf('SSH-LOGIN-GRACE-TIME'), status: 'fixed' });
    expect(res.run.id).toBe(run2);
  });
});
