// Checklists, the priority matrix and the annotated score trend (issue 14 items 1, 3, 4) in the
// built renderer over the real handler table, a real SQLite file and a real weak-ssh lab host:
//
// add and trust the host → start the hardening task tracker for it (nothing audited: no linked
// item ticked) and add a linked item (X11 forwarding off) and a manual one with owner and due
// date, ticked by hand → audit → every linked item's state is what the run says (the X11 item
// fails) → a guided fix turns X11Forwarding off (lockout guard, verified) and a finding is
// accepted → audit again → the X11 item ticked itself → the original sshd_config comes back →
// audit → the item unticked: regressed → Fleet: the trend has the three runs with the fix and the
// acceptance marked, the last change is "−N: 1 new SSH finding", and the priority matrix's cells
// and list follow dashboard:priority's order.
//
// Needs root for the lab and /usr/bin/chromium. Screenshots in e2e/screenshots/checklists/ and
// e2e/screenshots/matrix/.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createLabHost, destroyLabHost, labExec, labPrerequisites, type LabHost } from '../lab/lab';
import type { Host, RunDetail, RunSummary } from '../src/shared/domain';
import type { Checklist } from '../src/shared/ipc/checklists';
import type { HostTrend, PriorityMatrix } from '../src/shared/ipc/dashboard';
import type { DesktopFixPreview, FixJobReport } from '../src/shared/ipc/remediation';
import { removeJobBackups } from '../test/support/remediation';
import { ensureBuilt, openApp, resetScreenshots, shot, type App } from './harness';
import { addLabHostInUi, pageOf, stepper, text, trustKeyInUi, unwrap, visible } from './steps';

const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';
if (!pre.ok) console.warn(`[e2e] lab hosts unavailable (${pre.reason}); ${labAvailable ? 'RAMPART_LAB_REQUIRED=1, failing' : 'skipping the checklists e2e suite'}.`);

const HOST = 'weak-cl';
const X11 = 'SSH-X11-FORWARDING';
const X11_ITEM = 'X11 forwarding off';
const MANUAL_ITEM = 'Emergency access procedure reviewed';
const ACCEPTED = 'SSH-MAX-AUTH-TRIES';

/** What a linked item should say for this run (the rule of src/main/checklists/checklists.ts, restated). */
function expectedState(run: RunDetail, checkIds: readonly string[]): string {
  const rank = { fail: 0, unknown: 1, accepted: 2, pass: 3, 'not-applicable': 4 } as const;
  let state: keyof typeof rank = 'not-applicable';
  for (const id of checkIds) {
    const c = run.checks.find((x) => x.checkId === id);
    const s: keyof typeof rank =
      c?.status === 'pass'
        ? 'pass'
        : c?.status === 'not-applicable'
          ? 'not-applicable'
          : c?.status === 'fail'
            ? run.findings.some((f) => f.checkId === id && f.status === 'open')
              ? 'fail'
              : 'accepted'
            : 'unknown';
    if (rank[s] < rank[state]) state = s;
  }
  return state;
}

describe.skipIf(!labAvailable)('checklists tick themselves from audits; trend, attribution and priority matrix', () => {
  let tmp = '';
  let app: App | null = null;
  let lab: LabHost | null = null;
  let hostId = 0;
  let checklistId = 0;
  let originalConfig = '';
  const jobs = new Set<string>();
  const runs: RunDetail[] = [];
  const page = (): Page => pageOf(app);
  const step = stepper(() => app);
  const configFile = (): string => join(lab!.etcDir, 'ssh', 'sshd_config');
  const item = (t: string) => page().locator(`[data-testid="checklist-item"][data-text="${t}"]`);

  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('checklists');
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-checklists-'));
    lab = await createLabHost({ scenario: 'weak-ssh' });
    // The file as the host's namespace sees it (a bind mount of /etc/netns/<name>/ssh), never this machine's /etc/ssh.
    originalConfig = readFileSync(configFile(), 'utf8');
    expect(originalConfig).toMatch(/^X11Forwarding yes$/m);
    app = await openApp({ dbFile: join(tmp, 'rampart.sqlite3') });
  });

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      removeJobBackups(jobs);
      if (lab) await destroyLabHost(lab).catch(() => undefined);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  /** Audits from the host screen and returns the new run once it is stored. */
  async function audit(): Promise<RunDetail> {
    const p = page();
    const before = unwrap(await app!.call<RunSummary[]>('runs', 'list', { hostId })).length;
    await p.getByTestId('nav-hosts').click();
    await p.getByTestId('host-row').filter({ hasText: HOST }).click();
    await visible(p.getByTestId('host-detail'));
    await p.getByTestId('run-audit').click();
    let list: RunSummary[] = [];
    await expect
      .poll(
        async () => {
          list = unwrap(await app!.call<RunSummary[]>('runs', 'list', { hostId }));
          return list.length;
        },
        { timeout: 90_000, interval: 250 },
      )
      .toBe(before + 1);
    expect(list[0]!.status).toBe('complete');
    const run = unwrap(await app!.call<RunDetail>('runs', 'get', { runId: list[0]!.id }));
    runs.push(run);
    return run;
  }

  async function openChecklist(): Promise<void> {
    const p = page();
    await p.getByTestId('nav-checklists').click();
    await visible(p.getByTestId('checklists-screen'));
    await p.locator(`[data-testid="checklist-row"][data-checklist-id="${checklistId}"]`).click();
    await visible(p.locator(`[data-testid="checklist-view"][data-checklist-id="${checklistId}"]`));
  }

  /** Every linked item on screen has the state the run gives; returns the states by item text. */
  async function checkAgainst(run: RunDetail): Promise<Record<string, string>> {
    const c = unwrap(await app!.call<Checklist>('checklists', 'get', { id: checklistId }));
    const onScreen = await page()
      .getByTestId('checklist-item')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-text') ?? '', e.getAttribute('data-state') ?? '', e.getAttribute('data-done') ?? ''] as const));
    const states: Record<string, string> = {};
    for (const i of c.items.filter((x) => x.checkIds.length > 0)) {
      const want = expectedState(run, i.checkIds);
      expect(i.auto?.state, i.text).toBe(want);
      expect(i.auto?.runId, i.text).toBe(run.id);
      const shown = onScreen.find(([t]) => t === i.text);
      expect(shown?.[1], i.text).toBe(want);
      expect(shown?.[2], i.text).toBe(String(want === 'pass' || want === 'not-applicable'));
      states[i.text] = want;
    }
    return states;
  }

  step('add the lab host and trust its key', async () => {
    const p = page();
    await addLabHostInUi(p, lab!, HOST);
    hostId = unwrap(await app!.call<Host[]>('hosts', 'list')).find((h) => h.name === HOST)!.id;
    await trustKeyInUi(p, lab!.hostKeyFingerprints);
  });

  step('start the hardening task tracker for the host: before any audit no linked item is ticked; add a linked and a manual item', async () => {
    const p = page();
    await p.getByTestId('nav-checklists').click();
    await visible(p.getByTestId('checklists-screen'));
    await p.getByTestId('checklist-template').selectOption('hardening-tracker');
    await p.getByTestId('checklist-host-select').selectOption(String(hostId));
    await p.getByTestId('checklist-create').click();
    const view = await visible(p.getByTestId('checklist-view'));
    checklistId = Number(await view.getAttribute('data-checklist-id'));
    expect(await text(view.locator('h2'))).toBe('Server hardening task tracker');
    const states = await p.locator('[data-testid="checklist-item"][data-linked="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    expect(states.length).toBeGreaterThan(10);
    expect(new Set(states)).toEqual(new Set(['not-audited']));

    await p.getByTestId('item-add-text').fill(X11_ITEM);
    await p.getByTestId('item-add-section').fill('2. SSH and VPN');
    await p.getByTestId('item-add-checks').fill(X11);
    await p.getByTestId('item-add-submit').click();
    await visible(item(X11_ITEM));
    await p.getByTestId('item-add-text').fill(MANUAL_ITEM);
    await p.getByTestId('item-add-owner').fill('ops on call');
    await p.getByTestId('item-add-due').fill('2027-01-15');
    await p.getByTestId('item-add-checks').fill('');
    await p.getByTestId('item-add-submit').click();
    await visible(item(MANUAL_ITEM));
    expect(await text(item(MANUAL_ITEM).getByTestId('item-owner'))).toBe('Owner: ops on call');
    expect(await text(item(MANUAL_ITEM).getByTestId('item-due'))).toBe('Due 2027-01-15');
    // An unknown check id is refused with a clear message.
    await p.getByTestId('item-add-text').fill('bogus');
    await p.getByTestId('item-add-checks').fill('SSH-NOPE');
    await p.getByTestId('item-add-submit').click();
    expect(await text(await visible(p.getByTestId('error-banner')))).toContain('Unknown check: SSH-NOPE');
    await p.getByTestId('item-add-checks').fill('');
    await p.getByTestId('item-add-text').fill('');

    // The manual item is ticked by hand, with evidence.
    // click, not check(): the box follows the answer of checklists:updateItem, a moment later.
    await item(MANUAL_ITEM).getByTestId('item-manual-toggle').click();
    await expect.poll(() => item(MANUAL_ITEM).getAttribute('data-done')).toBe('true');
    await item(MANUAL_ITEM).getByTestId('item-edit').click();
    await item(MANUAL_ITEM).getByTestId('item-field-evidence').fill('wiki page OPS/emergency-access, rev 14');
    await item(MANUAL_ITEM).getByTestId('item-save').click();
    expect(await text(await visible(item(MANUAL_ITEM).getByTestId('item-evidence')))).toBe('Evidence: wiki page OPS/emergency-access, rev 14');
    expect(await item(X11_ITEM).getAttribute('data-state')).toBe('not-audited');
    await shot(p, 'tracker-before-any-audit');
  });

  step('audit: every linked item takes the state its checks have in the run; X11 forwarding fails', async () => {
    const run = await audit();
    await openChecklist();
    const states = await checkAgainst(run);
    expect(states[X11_ITEM]).toBe('fail');
    expect(Object.values(states)).toContain('pass');
    expect(await text(item(X11_ITEM).getByTestId('item-auto-detail'))).toContain(`${X11} (1) on ${HOST}`);
    // The manual tick is untouched by the audit.
    expect(await item(MANUAL_ITEM).getAttribute('data-done')).toBe('true');
    await shot(page(), 'after-first-audit');
  });

  step('a guided fix turns X11Forwarding off (lockout guard, verified) and a finding is accepted; the next audit ticks the item by itself', async () => {
    const x11 = runs[0]!.findings.find((f) => f.checkId === X11)!;
    const preview = unwrap(await app!.call<DesktopFixPreview>('remediation', 'plan', { hostId, findingKeys: [x11.id], confirmWindowS: 60 }));
    jobs.add(preview.jobId);
    const report = unwrap(await app!.call<FixJobReport>('remediation', 'apply', { hostId, jobId: preview.jobId, typedHostName: HOST }));
    expect(report.status).toBe('applied');
    const maxAuth = runs[0]!.findings.find((f) => f.checkId === ACCEPTED)!;
    unwrap(await app!.call('findings', 'triage', { findingKey: maxAuth.id, status: 'accepted', reason: 'bastion limits attempts', expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString() }));

    const run = await audit();
    expect(run.findings.some((f) => f.checkId === X11)).toBe(false);
    await openChecklist();
    const states = await checkAgainst(run);
    expect(states[X11_ITEM]).toBe('pass');
    const x11Item = item(X11_ITEM);
    expect(await x11Item.getAttribute('data-done')).toBe('true');
    expect(await text(x11Item.getByTestId('item-auto-detail'))).toMatch(/passes since .*The check passes in the run of/);
    await shot(page(), 'x11-item-ticked-itself-after-audit');
  });

  step('the old sshd_config comes back: the next audit unticks the item and calls it a regression', async () => {
    expect(readFileSync(configFile(), 'utf8')).toMatch(/^X11Forwarding no$/m);
    writeFileSync(configFile(), originalConfig);
    const check = await labExec(lab!, ['/usr/sbin/sshd', '-t', '-f', lab!.sshdConfigPath]);
    expect(check.code, check.stderr).toBe(0);
    const listening = (): number => (readFileSync(lab!.logFile, 'utf8').match(/Server listening on/g) ?? []).length;
    const listeningBefore = listening();
    process.kill(lab!.pid, 'SIGHUP'); // sshd re-executes itself with the same arguments and reads the config again
    await expect.poll(listening, { timeout: 10_000, interval: 100 }).toBeGreaterThan(listeningBefore);
    expect((await labExec(lab!, ['/usr/sbin/sshd', '-T', '-f', lab!.sshdConfigPath])).stdout).toMatch(/^x11forwarding yes$/m);
    const run = await audit();
    expect(run.findings.some((f) => f.checkId === X11 && f.status === 'open')).toBe(true);
    await openChecklist();
    const states = await checkAgainst(run);
    expect(states[X11_ITEM]).toBe('fail');
    const c = unwrap(await app!.call<Checklist>('checklists', 'get', { id: checklistId }));
    expect(c.items.find((i) => i.text === X11_ITEM)!.auto).toMatchObject({ state: 'fail', previousState: 'pass', regressed: true });
    expect(await item(X11_ITEM).getAttribute('class')).toContain('regressed');
    expect(await text(item(X11_ITEM).getByTestId('item-auto-detail'))).toContain('regressed (was ticked)');
    expect(await text(page().locator(`[data-testid="checklist-row"][data-checklist-id="${checklistId}"]`))).toContain('1 regressed');
    const hostRow = page().locator(`[data-testid="checklist-host"][data-host="${HOST}"] [role="progressbar"]`);
    expect(await hostRow.getAttribute('data-done')).toBe(String(c.done));
    expect(await hostRow.getAttribute('data-total')).toBe(String(c.total));
    await shot(page(), 'x11-item-regressed');
    // The same, as a Markdown task list in the reports folder beside the database.
    await page().getByTestId('checklist-save-md').click();
    const file = (await (await visible(page().getByTestId('checklist-saved'))).getAttribute('data-file'))!;
    expect(file.startsWith(join(tmp, 'reports'))).toBe(true);
    const md = readFileSync(file, 'utf8');
    expect(md).toMatch(/^# Server hardening task tracker\n/);
    expect(md).toContain(`- [ ] ${X11_ITEM} — checks \`${X11}\`: fails in the run of`);
    expect(md).toContain('**regressed** (was ticked)');
    expect(md).toContain(`- [x] ${MANUAL_ITEM} — owner: ops on call · due 2027-01-15 · done `);
    expect(md.match(/^- \[x\] /gm)?.length).toBe(c.done);
  });

  step('Fleet: the score trend has the three runs with the fix and the acceptance marked; the last change is attributed to SSH', async () => {
    const p = page();
    resetScreenshots('matrix');
    await p.getByTestId('nav-dashboard').click();
    const panel = await visible(p.getByTestId('host-trend'));
    expect(await panel.getAttribute('data-host')).toBe(HOST);
    const trend = unwrap(await app!.call<HostTrend>('dashboard', 'trend', { runId: runs[2]!.id }));
    expect(trend.points.map((x) => x.runId)).toEqual(runs.map((r) => r.id));
    // Scores as stored now: triage re-scores the host's latest run at the time (the fix marked the first run's X11 finding fixed).
    const stored = await Promise.all(runs.map(async (r) => unwrap(await app!.call<RunDetail>('runs', 'get', { runId: r.id })).score!.overall));
    expect(trend.points.map((x) => x.score)).toEqual(stored);
    await expect.poll(() => panel.getByTestId('trend-event').count()).toBe(trend.events.length);
    const kinds = await panel.getByTestId('trend-event').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toEqual(expect.arrayContaining(['fix', 'accepted']));
    expect(await text(panel.locator('[data-testid="trend-event"][data-kind="fix"]'))).toContain(`1 fix verified: ${X11}`);
    expect(await text(panel.locator('[data-testid="trend-event"][data-kind="accepted"]'))).toContain('bastion limits attempts');
    // The chart draws one marker line per event, in its kind's colour (components/HostTrendPanel.tsx EVENT_MARK).
    const marks = (colour: string) => panel.locator(`.recharts-reference-line line[stroke="${colour}"]`).count();
    expect(await marks('#15803d')).toBe(trend.events.filter((e) => e.kind === 'fix').length);
    expect(await marks('#b45309')).toBe(trend.events.filter((e) => e.kind === 'accepted').length);
    const ssh = panel.locator('[data-testid="attribution-part"][data-category="ssh"]');
    expect(await text(ssh)).toMatch(/^−\d+\.\d: 1 new SSH finding$/);
    expect(Number(await panel.getByTestId('score-attribution').getAttribute('data-delta'))).toBeCloseTo(Math.round((stored[2]! - stored[1]!) * 10) / 10, 5);
    // The hosts table says the same in its score-change column.
    const row = p.locator(`[data-testid="fleet-host"][data-host="${HOST}"]`);
    expect(await text(row.getByTestId('fleet-score-reason'))).toBe('1 new SSH finding');
    await panel.scrollIntoViewIfNeeded();
    await shot(p, 'fleet-trend-annotated-and-attribution');
  });

  step('the priority matrix: severity × effort counts of the latest run; a cell lists its findings in the action-plan order', async () => {
    const p = page();
    const m = p.getByTestId('priority-matrix');
    await p.getByTestId('priority-scope').selectOption(String(hostId));
    const want = unwrap(await app!.call<PriorityMatrix>('dashboard', 'priority', { hostId }));
    expect(want.scope.runIds).toEqual([runs[2]!.id]);
    // Every open finding of the latest run, and only those.
    expect(want.items.map((i) => i.findingId).sort()).toEqual(runs[2]!.findings.filter((f) => f.status === 'open').map((f) => f.id).sort());
    for (const c of want.cells)
      await expect.poll(() => m.locator(`[data-testid="prio-cell"][data-severity="${c.severity}"][data-effort="${c.effort}"]`).getAttribute('data-count')).toBe(String(c.count));
    const busiest = [...want.cells].sort((a, b) => b.count - a.count)[0]!;
    await m.locator(`[data-testid="prio-cell"][data-severity="${busiest.severity}"][data-effort="${busiest.effort}"] button`).click();
    const listed = await visible(m.getByTestId('priority-list'));
    const order = await listed.getByTestId('priority-item').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-priority'))));
    expect(order).toEqual(want.items.filter((i) => i.severity === busiest.severity && i.effort === busiest.effort).map((i) => i.priority));
    await shot(p, 'priority-matrix-cell');
    // The same findings in the workbench: its filter has no effort, so the cell's checks stand for it.
    await m.getByTestId('priority-open-workbench').click();
    await expect.poll(async () => (await p.getByTestId('workbench-table').getAttribute('data-state')) ?? '', { timeout: 15_000 }).toBe('ready');
    expect(await p.getByTestId('workbench-table').getAttribute('data-total')).toBe(String(busiest.count));
    await p.getByTestId('nav-dashboard').click();
    await p.getByTestId('priority-scope').selectOption(String(hostId));
    await expect.poll(() => m.locator(`[data-testid="prio-cell"][data-severity="${busiest.severity}"][data-effort="${busiest.effort}"]`).getAttribute('data-count')).toBe(String(busiest.count));
    await m.getByTestId('priority-all').click();
    const all = await m.getByTestId('priority-item').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-priority')}:${e.getAttribute('data-check')}`));
    expect(all).toEqual(want.items.map((i) => `${i.priority}:${i.checkId}`));
    // The accepted finding is not in the plan; the X11 one that came back is.
    expect(all.some((x) => x.endsWith(`:${ACCEPTED}`))).toBe(false);
    expect(all.some((x) => x.endsWith(`:${X11}`))).toBe(true);
    // A finding opens its run.
    await m.getByTestId('priority-item').first().locator('button').click();
    expect(await (await visible(p.getByTestId('run-view'))).getAttribute('data-run-id')).toBe(runs[2]!.id);
    await p.getByTestId('nav-dashboard').click();
    await visible(p.getByTestId('priority-matrix'));
    await shot(p, 'fleet-dashboard-with-matrix');
  });
});
