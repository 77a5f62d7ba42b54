// Triage and run history, end to end (issue 4: "findings grouped by category with grade per
// category, evidence, remediation; run history with diff"): the built renderer in Chromium over
// the real handler table, a real SQLite file and a real weak-ssh lab host.
//
// audit → findings grouped by category, each group with its grade and score → accept the critical
// finding (reason + expiry; a missing reason or a past expiry is refused on the field) → grade and
// score change on screen and the finding moves to "Not counted in the grade" → another finding is a
// false positive, a third is marked fixed / reopened / marked fixed again → the host's sshd_config
// changes (X11Forwarding off, keyboard-interactive on) and sshd reloads on SIGHUP → re-audit → the
// diff shows new / resolved / unchanged, triage carried over to the new run, the "fixed" one that
// is still there reopened → run history with changes and the score trend → older runs are read-only.
//
// Needs root for the lab and /usr/bin/chromium, like slice.e2e.test.ts. Screenshots go to
// e2e/screenshots/triage/.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createLabHost, destroyLabHost, labExec, labPrerequisites, type LabHost } from '../lab/lab';
import type { Host, RunDetail, RunDiff } from '../src/shared/domain';
import type { FindingHistory } from '../src/shared/ipc/findings';
import { ensureBuilt, openApp, resetScreenshots, shot, type App } from './harness';
import { card, checkGroups, pageOf, stepper, text, unwrap, visible, addLabHostInUi, trustKeyInUi } from './steps';

const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';
if (!pre.ok) console.warn(`[e2e] lab hosts unavailable (${pre.reason}); ${labAvailable ? 'RAMPART_LAB_REQUIRED=1, failing' : 'skipping the triage e2e suite'}.`);

const GRADES = ['A+', 'A', 'B', 'C', 'D', 'F'];
const CRITICAL = 'SSH-PERMIT-EMPTY-PASSWORDS';
const FALSE_POSITIVE = 'SSH-MAX-AUTH-TRIES';
const FIXED = 'SSH-LOGIN-GRACE-TIME';
const RESOLVES = 'SSH-X11-FORWARDING';
/** Off in the first run (an extra sshd_config line in front wins), on in the second: a new finding. */
const APPEARS = { checkId: 'SSH-PASSWORD-AUTH', resource: 'KbdInteractiveAuthentication', extraLine: 'KbdInteractiveAuthentication no' };

/** YYYY-MM-DD of a local date `days` from now, as a date input takes it. */
function dateIn(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

async function gradeAndScore(page: Page): Promise<{ grade: string; score: number; cap: string }> {
  const cap = (await page.getByTestId('grade-cap').count()) ? await text(page.getByTestId('grade-cap')) : '';
  return { grade: await text(page.getByTestId('grade')), score: Number(await text(page.getByTestId('score'))), cap };
}

describe.skipIf(!labAvailable)('triage and run history in a browser: accept / false positive / fixed → re-audit → diff', () => {
  let tmp = '';
  let app: App | null = null;
  let lab: LabHost | null = null;
  let hostId = 0;
  let run1!: RunDetail;
  let run2!: RunDetail;
  let before!: { grade: string; score: number; cap: string };
  let afterAccept!: { grade: string; score: number; cap: string };

  const page = (): Page => pageOf(app);

  const step = stepper(() => app);

  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('triage');
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-triage-'));
    lab = await createLabHost({ scenario: 'weak-ssh', sshdExtraConfig: APPEARS.extraLine });
    app = await openApp({ dbFile: join(tmp, 'rampart.sqlite3') });
  });

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      if (lab) await destroyLabHost(lab).catch(() => undefined);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  async function runAudit(p: Page, previousRunId: string | null): Promise<RunDetail> {
    await p.getByTestId('nav-hosts').click();
    await p.getByTestId('host-row').filter({ hasText: 'weak-t' }).click();
    await visible(p.getByTestId('host-detail'));
    await p.getByTestId('run-audit').click();
    const view = await visible(p.getByTestId('run-view'), 90_000);
    const runId = (await view.getAttribute('data-run-id'))!;
    expect(runId).not.toBe(previousRunId);
    // Triage actions appear once the app knows this is the host's latest run.
    await visible(p.getByTestId('finding').first());
    return unwrap(await app!.call<RunDetail>('runs', 'get', { runId }));
  }

  step('first audit: findings grouped by category with each category’s grade and score; no earlier run to compare', async () => {
    const p = page();
    const l = lab!;
    await addLabHostInUi(p, l, 'weak-t');
    hostId = unwrap(await app!.call<Host[]>('hosts', 'list')).find((h) => h.name === 'weak-t')!.id;
    await trustKeyInUi(p, l.hostKeyFingerprints);

    run1 = await runAudit(p, null);
    before = await gradeAndScore(p);
    expect(before.grade).toBe(run1.score!.grade);
    expect(before.score.toFixed(1)).toBe(run1.score!.overall.toFixed(1));
    // The open critical finding caps the grade at D (or it is an F by the number alone).
    expect(['D', 'F']).toContain(before.grade);
    expect(await text(p.getByTestId('grade-formula'))).toMatch(/Per category/);
    await checkGroups(p, run1);

    // Each finding: severity, title, resource, evidence, rationale, remediation, references, status, actions.
    const crit = card(p.getByTestId('findings'), CRITICAL);
    expect(await crit.count()).toBe(1);
    expect(await text(crit.getByTestId('finding-severity'))).toBe('critical');
    expect(await text(crit.getByTestId('finding-title'))).not.toBe('');
    expect(await text(crit.getByTestId('finding-resource'))).toContain('PermitEmptyPasswords');
    expect(await text(crit.getByTestId('finding-evidence'))).toContain('PermitEmptyPasswords yes');
    expect(await text(crit.getByTestId('finding-rationale'))).not.toBe('');
    expect(await text(crit.getByTestId('finding-remediation'))).toMatch(/PermitEmptyPasswords no/);
    expect(await crit.getByTestId('finding-references').locator('li').count()).toBeGreaterThan(0);
    expect(await crit.getByTestId('finding-status').getAttribute('data-status')).toBe('open');
    await visible(crit.getByTestId('accept-risk'));
    // The keyboard-interactive finding is not there yet (the extra line turns it off).
    expect(run1.findings.some((f) => f.checkId === APPEARS.checkId && f.resource.endsWith(APPEARS.resource))).toBe(false);
    expect(await p.getByTestId('not-counted').count()).toBe(0);

    const diff = await visible(p.getByTestId('run-diff'));
    await expect.poll(() => diff.getAttribute('data-state')).toBe('first');
    await shot(p, 'run1-grouped-by-category');
  });

  step('accept risk: reason and expiry are required, a past expiry is refused, then grade and score change', async () => {
    const p = page();
    const crit = card(p, CRITICAL);
    await crit.getByTestId('accept-risk').click();
    const form = await visible(crit.getByTestId('triage-form'));
    expect(await form.getAttribute('data-kind')).toBe('accepted');

    // Nothing filled in: both fields are named.
    await form.getByTestId('triage-submit').click();
    await visible(form.getByTestId('triage-error-reason'));
    expect(await text(form.getByTestId('triage-error-reason'))).toMatch(/reason is required/i);
    expect(await text(form.getByTestId('triage-error-expiresAt'))).toMatch(/expiry date is required/i);
    expect(await form.getByTestId('triage-reason').getAttribute('aria-invalid')).toBe('true');
    expect(await p.getByTestId('error-banner').count()).toBe(0);
    await shot(p, 'accept-risk-required-fields');

    // A reason, but an expiry in the past.
    await form.getByTestId('triage-reason').fill('Legacy kiosk: no account has an empty password; replaced in Q3');
    await form.getByTestId('triage-expires').fill('2020-01-01');
    await form.getByTestId('triage-submit').click();
    await expect.poll(() => form.getByTestId('triage-error-expiresAt').count()).toBe(1);
    expect(await text(form.getByTestId('triage-error-expiresAt'))).toMatch(/future/i);
    expect(await form.getByTestId('triage-error-reason').count()).toBe(0);
    expect(unwrap(await app!.call<RunDetail>('runs', 'get', { runId: run1.id })).findings.find((f) => f.checkId === CRITICAL)!.status).toBe('open');
    await shot(p, 'accept-risk-past-expiry');

    // A future expiry: the finding leaves the grade.
    const expiry = dateIn(120);
    await form.getByTestId('triage-expires').fill(expiry);
    await form.getByTestId('triage-submit').click();
    const moved = card(p.getByTestId('not-counted'), CRITICAL);
    await visible(moved);
    expect(await card(p.getByTestId('findings'), CRITICAL).count()).toBe(0);
    expect(await moved.getAttribute('data-status')).toBe('accepted');
    expect(await text(moved.getByTestId('finding-triage-reason'))).toBe('Legacy kiosk: no account has an empty password; replaced in Q3');
    expect(await text(moved.getByTestId('finding-triage-expires'))).toBe(expiry);
    await visible(moved.getByTestId('reopen'));

    await expect.poll(async () => (await gradeAndScore(p)).score).toBeGreaterThan(before.score);
    afterAccept = await gradeAndScore(p);
    expect(afterAccept.cap).not.toMatch(/critical/);
    expect(GRADES.indexOf(afterAccept.grade)).toBeLessThan(GRADES.indexOf(before.grade));
    const stored = unwrap(await app!.call<RunDetail>('runs', 'get', { runId: run1.id }));
    expect(stored.score!.grade).toBe(afterAccept.grade);
    expect(stored.score!.overall.toFixed(1)).toBe(afterAccept.score.toFixed(1));
    await checkGroups(p, stored);
    // The grade formula stays next to the grade.
    expect(await text(p.getByTestId('grade-formula'))).toMatch(/accepted risks and false positives do not count/);
    await shot(p, 'accepted-risk-not-counted');
  });

  step('false positive needs a reason; "fixed" and "reopen" move a finding out of the grade and back', async () => {
    const p = page();
    const fp = card(p.getByTestId('findings'), FALSE_POSITIVE);
    await fp.getByTestId('mark-false-positive').click();
    const form = await visible(fp.getByTestId('triage-form'));
    expect(await form.getByTestId('triage-expires').count()).toBe(0);
    await form.getByTestId('triage-submit').click();
    await visible(form.getByTestId('triage-error-reason'));
    await form.getByTestId('triage-reason').fill('PAM faillock locks the account after 3 attempts');
    await form.getByTestId('triage-submit').click();
    const fpMoved = await visible(card(p.getByTestId('not-counted'), FALSE_POSITIVE));
    expect(await fpMoved.getAttribute('data-status')).toBe('false-positive');
    expect(await text(fpMoved.getByTestId('finding-triage-reason'))).toBe('PAM faillock locks the account after 3 attempts');
    await expect.poll(async () => (await gradeAndScore(p)).score).toBeGreaterThan(afterAccept.score);
    const afterFp = await gradeAndScore(p);

    // Mark fixed → not counted; reopen → counted again, same score as before; fixed again.
    await card(p.getByTestId('findings'), FIXED).getByTestId('mark-fixed').click();
    const fixed = await visible(card(p.getByTestId('not-counted'), FIXED));
    expect(await fixed.getAttribute('data-status')).toBe('fixed');
    await expect.poll(async () => (await gradeAndScore(p)).score).toBeGreaterThan(afterFp.score);
    await shot(p, 'false-positive-and-fixed');
    await fixed.getByTestId('reopen').click();
    await visible(card(p.getByTestId('findings'), FIXED));
    await expect.poll(async () => (await gradeAndScore(p)).score).toBe(afterFp.score);
    await card(p.getByTestId('findings'), FIXED).getByTestId('mark-fixed').click();
    await visible(card(p.getByTestId('not-counted'), FIXED));

    expect(await text(p.getByTestId('not-counted-count'))).toBe('3');
    const statuses = Object.fromEntries(
      unwrap(await app!.call<RunDetail>('runs', 'get', { runId: run1.id }))
        .findings.filter((f) => f.status !== 'open')
        .map((f) => [f.checkId, f.status]),
    );
    expect(statuses).toEqual({ [CRITICAL]: 'accepted', [FALSE_POSITIVE]: 'false-positive', [FIXED]: 'fixed' });

    // The history of the fixed finding: fixed → open → fixed, seen in one run.
    const fixedCard = card(p.getByTestId('not-counted'), FIXED);
    await fixedCard.getByTestId('finding-history-toggle').click();
    const history = await visible(fixedCard.getByTestId('finding-history'));
    await expect.poll(() => history.getByTestId('history-entry').count()).toBe(3);
    expect(await Promise.all((await history.getByTestId('history-entry').all()).map((e) => e.getAttribute('data-status')))).toEqual(['fixed', 'open', 'fixed']);
    expect(await history.getByTestId('history-seen').count()).toBe(1);
    await shot(p, 'finding-history');
  });

  step('the host changes (X11Forwarding off, keyboard-interactive on) and sshd reloads on SIGHUP', async () => {
    const l = lab!;
    const file = join(l.etcDir, 'ssh', 'sshd_config');
    const config = readFileSync(file, 'utf8');
    expect(config).toMatch(/^X11Forwarding yes$/m);
    expect(config).toMatch(new RegExp(`^${APPEARS.extraLine}$`, 'm'));
    // In place (the namespace sees this directory through a bind mount of /etc/netns/<name>/ssh).
    writeFileSync(file, config.replace(/^X11Forwarding yes$/m, 'X11Forwarding no').replace(new RegExp(`^${APPEARS.extraLine}\\n`, 'm'), ''));
    const check = await labExec(l, ['/usr/sbin/sshd', '-t', '-f', l.sshdConfigPath]);
    expect(check.code, check.stderr).toBe(0);

    const listening = (): number => (readFileSync(l.logFile, 'utf8').match(/Server listening on/g) ?? []).length;
    const listeningBefore = listening();
    process.kill(l.pid, 'SIGHUP'); // sshd re-executes itself with the same arguments and reads the config again
    await expect.poll(listening, { timeout: 10_000, interval: 100 }).toBeGreaterThan(listeningBefore);
    const effective = await labExec(l, ['/usr/sbin/sshd', '-T', '-f', l.sshdConfigPath]);
    expect(effective.stdout).toMatch(/^x11forwarding no$/m);
    expect(effective.stdout).toMatch(/^kbdinteractiveauthentication yes$/m);
  });

  step('re-audit: the diff shows new, resolved and unchanged; triage carried over; the fixed one that is still there reopened', async () => {
    const p = page();
    run2 = await runAudit(p, run1.id);
    const diffApi = unwrap(await app!.call<RunDiff>('runs', 'diff', { runId: run2.id }));
    expect(diffApi.previousRunId).toBe(run1.id);
    expect(diffApi.resolved.map((f) => f.checkId)).toContain(RESOLVES);
    expect(diffApi.new.some((f) => f.checkId === APPEARS.checkId && f.resource.endsWith(APPEARS.resource))).toBe(true);
    expect(diffApi.unchanged.map((f) => f.checkId)).toEqual(expect.arrayContaining([CRITICAL, FALSE_POSITIVE, FIXED]));

    const diff = await visible(p.getByTestId('run-diff'));
    await expect.poll(() => diff.getAttribute('data-state')).toBe('ready');
    expect(await diff.getAttribute('data-previous-run-id')).toBe(run1.id);
    expect(Number(await text(diff.getByTestId('diff-new-count')))).toBe(diffApi.new.length);
    expect(Number(await text(diff.getByTestId('diff-resolved-count')))).toBe(diffApi.resolved.length);
    expect(Number(await text(diff.getByTestId('diff-unchanged-count')))).toBe(diffApi.unchanged.length);
    const newList = diff.getByTestId('diff-list-new');
    expect(await newList.locator(`[data-testid="diff-item"][data-check-id="${APPEARS.checkId}"]`).count()).toBe(1);
    expect(await text(newList.locator(`[data-testid="diff-item"][data-check-id="${APPEARS.checkId}"]`))).toContain(APPEARS.resource);
    expect(await diff.getByTestId('diff-list-resolved').locator(`[data-testid="diff-item"][data-check-id="${RESOLVES}"]`).count()).toBe(1);
    // Unchanged is folded until asked for; it lists the triaged findings with their status.
    expect(await diff.getByTestId('diff-list-unchanged').count()).toBe(0);
    await diff.getByTestId('diff-tile-unchanged').click();
    const unchanged = await visible(diff.getByTestId('diff-list-unchanged'));
    expect(await unchanged.getByTestId('diff-item').count()).toBe(diffApi.unchanged.length);
    expect(await unchanged.locator(`[data-testid="diff-item"][data-check-id="${CRITICAL}"]`).getAttribute('data-status')).toBe('accepted');
    await visible(diff.getByTestId('diff-score-change'));

    // Triage persists on the new run: accepted and false positive stay out of the grade.
    const notCounted = p.getByTestId('not-counted');
    expect(await card(notCounted, CRITICAL).getAttribute('data-status')).toBe('accepted');
    expect(await text(card(notCounted, CRITICAL).getByTestId('finding-triage-expires'))).toBe(dateIn(120));
    expect(await card(notCounted, FALSE_POSITIVE).getAttribute('data-status')).toBe('false-positive');
    // "Fixed" but found again: open, in its category group.
    expect(await card(notCounted, FIXED).count()).toBe(0);
    expect(await card(p.getByTestId('findings'), FIXED).getAttribute('data-status')).toBe('open');
    expect(await card(p.getByTestId('findings'), RESOLVES).count()).toBe(0);
    expect(run2.findings.filter((f) => f.status !== 'open').map((f) => f.checkId).sort()).toEqual([CRITICAL, FALSE_POSITIVE].sort());
    const g = await gradeAndScore(p);
    expect(g.cap).not.toMatch(/critical/);
    expect(g.grade).toBe(run2.score!.grade);
    await checkGroups(p, run2);
    const hist = unwrap(await app!.call<FindingHistory>('findings', 'history', { findingKey: run2.findings.find((f) => f.checkId === FIXED)!.id }));
    expect(hist.log.map((e) => e.status)).toEqual(['fixed', 'open', 'fixed', 'open']);
    expect(hist.seenIn.map((s) => [s.runId, s.status])).toEqual([
      [run2.id, 'open'],
      [run1.id, 'fixed'],
    ]);
    await shot(p, 'run2-diff-and-triage-carried-over');
    await diff.getByTestId('diff-tile-unchanged').click();
  });

  step('run history of the host: changes per run and the score trend; an older run is read-only', async () => {
    const p = page();
    await p.getByTestId('back-to-host').click();
    const history = await visible(p.getByTestId('run-history'));
    await expect.poll(() => history.getByTestId('run-row').count()).toBe(2);
    await visible(history.getByTestId('score-trend'));
    const row2 = history.locator(`[data-testid="run-row"][data-run-id="${run2.id}"]`);
    await expect.poll(() => row2.getByTestId('run-changes').count()).toBe(1);
    const changes = row2.getByTestId('run-changes');
    const diff = unwrap(await app!.call<RunDiff>('runs', 'diff', { runId: run2.id }));
    expect(await changes.getAttribute('data-new')).toBe(String(diff.new.length));
    expect(await changes.getAttribute('data-resolved')).toBe(String(diff.resolved.length));
    expect(await changes.getAttribute('data-unchanged')).toBe(String(diff.unchanged.length));
    const row1 = history.locator(`[data-testid="run-row"][data-run-id="${run1.id}"]`);
    await expect.poll(() => row1.getByTestId('run-changes').getAttribute('data-first')).toBe('true');
    await shot(p, 'host-run-history');

    // The first run: shown as it was scored, no triage actions, a way to the latest run.
    await row1.click();
    await visible(p.getByTestId('triage-readonly'));
    expect(await p.getByTestId('accept-risk').count()).toBe(0);
    expect(await p.getByTestId('reopen').count()).toBe(0);
    await visible(p.getByTestId('finding-triage').first());
    await shot(p, 'older-run-read-only');
    await p.getByTestId('open-latest-run').click();
    await expect.poll(() => p.getByTestId('run-view').getAttribute('data-run-id')).toBe(run2.id);
    await visible(p.getByTestId('accept-risk').first());
  });

  step('restart on the same database: statuses, reasons and the diff are still there; reopening counts the finding again', async () => {
    const a = app!;
    await a.restart();
    const p = page();
    await p.getByTestId('nav-runs').click();
    await p.locator(`[data-testid="run-row"][data-run-id="${run2.id}"]`).click();
    const crit = await visible(card(p.getByTestId('not-counted'), CRITICAL));
    expect(await text(crit.getByTestId('finding-triage-reason'))).toMatch(/Legacy kiosk/);
    await expect.poll(() => p.getByTestId('run-diff').getAttribute('data-state')).toBe('ready');
    const was = await gradeAndScore(p);
    await visible(crit.getByTestId('reopen'));
    await crit.getByTestId('reopen').click();
    await visible(card(p.getByTestId('findings'), CRITICAL));
    await expect.poll(async () => (await gradeAndScore(p)).grade).toMatch(/^[DF]$/);
    expect((await gradeAndScore(p)).score).toBeLessThan(was.score);
    expect(unwrap(await a.call<Host[]>('hosts', 'list')).find((h) => h.id === hostId)!.lastRun).toMatchObject({ id: run2.id, grade: (await gradeAndScore(p)).grade });
    await shot(p, 'reopened-after-restart');
  });
});
