// Access fixes under the lockout guard, end to end (issue 11): the built renderer in Chromium over
// the real handler table, a real SQLite file and a real `weak-ssh` lab host (its own sshd in a
// network namespace, reloaded by SIGHUP: its dead-man switch takes the `setsid nohup` path).
//
// audit → "Fix…" on X11Forwarding → the preview: the lockout-guard panel (dead-man window 120 s,
// editable and bounded: 10 s is refused, 90 s re-plans and the arm command says 90), the diff, the
// exact commands, and a typed host name before Apply is enabled → Apply: held at "proving access
// with a new SSH connection" (the event pipe pauses right after that progress line) → applied,
// access proven, switch disarmed, verified; the history shows the guard → a change that breaks
// login (the service's test-only fault hook plans an `AllowUsers` excluding the login user into
// the edit) is rolled back through the session automatically: sshd_config byte-identical, the
// host reachable → the first job rolled back from the history: the config as at the start.
//
// Needs root for the lab and /usr/bin/chromium. Screenshots go to e2e/screenshots/remediation-access/.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import type { RemediationTestHooks } from '../src/main/remediation/service';
import type { Host, RunDetail } from '../src/shared/domain';
import type { FixJobSummary } from '../src/shared/ipc/remediation';
import { deadmanTimerPids, dropConnections, removeJobBackups } from '../test/support/remediation';
import { ELECTRON_MODE, ensureBuilt, openApp, resetScreenshots, shot, type App } from './harness';
import { card, pageOf, stepper, text, unwrap, visible, addLabHostInUi, trustKeyInUi } from './steps';

const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';
if (!pre.ok) console.warn(`[e2e] lab hosts unavailable (${pre.reason}); ${labAvailable ? 'RAMPART_LAB_REQUIRED=1, failing' : 'skipping the access-fix e2e suite'}.`);

const HOST_NAME = 'guard-t';
const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

/** A numbered screenshot of just the dialog (the page behind it is dimmed and would shrink it to nothing). */
async function shotOf(page: Page, what: Locator, name: string): Promise<void> {
  const file = await shot(page, name);
  await what.screenshot({ path: file, animations: 'disabled' });
}

// The fault hook lives in the services of the test process: browser mode only.
describe.skipIf(!labAvailable || ELECTRON_MODE)('access fixes in a browser: guarded preview with typed host name → proving access → verified; a login-breaking change rolled back automatically', () => {
  let tmp = '';
  let app: App | null = null;
  let lab: LabHost | null = null;
  let hostId = 0;
  let original = '';
  let jobFix = '';
  const jobs = new Set<string>();
  const hooks: RemediationTestHooks = {};

  const page = (): Page => pageOf(app);
  const step = stepper(() => app);
  const config = (): string => join(lab!.etcDir, 'ssh', 'sshd_config');


  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('remediation-access');
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-guard-'));
    lab = await createLabHost({ scenario: 'weak-ssh' });
    original = sha(config());
    app = await openApp({ dbFile: join(tmp, 'rampart.sqlite3'), remediationTestHooks: hooks });
  });

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      for (const j of jobs) for (const p of deadmanTimerPids(j)) process.kill(p, 'SIGKILL');
      if (lab) await destroyLabHost(lab).catch(() => undefined);
      removeJobBackups(jobs);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  step('audit a weak-ssh lab host: its sshd findings offer a Fix', async () => {
    const p = page();
    const l = lab!;
    await addLabHostInUi(p, l, HOST_NAME);
    hostId = unwrap(await app!.call<Host[]>('hosts', 'list')).find((h) => h.name === HOST_NAME)!.id;
    await trustKeyInUi(p, l.hostKeyFingerprints);
    await p.getByTestId('run-audit').click();
    const view = await visible(p.getByTestId('run-view'), 90_000);
    const run = unwrap(await app!.call<RunDetail>('runs', 'get', { runId: (await view.getAttribute('data-run-id'))! }));
    for (const c of ['SSH-X11-FORWARDING', 'SSH-MAX-AUTH-TRIES']) {
      expect(run.findings.some((f) => f.checkId === c && f.status === 'open'), c).toBe(true);
      await visible(card(p, c).getByTestId('fix-finding'));
    }
  });

  step('preview: lockout guard with a bounded, editable dead-man window, the diff and exact commands; Apply stays disabled until the host name is typed', async () => {
    const p = page();
    await card(p, 'SSH-X11-FORWARDING').getByTestId('fix-finding').click();
    const dialog = await visible(p.getByTestId('fix-dialog'));
    await expect.poll(() => dialog.getAttribute('data-phase'), { timeout: 60_000 }).toBe('preview');
    jobs.add(await text(dialog.getByTestId('fix-job-id')));
    const guard = await visible(dialog.getByTestId('fix-guard'));
    expect(await guard.getAttribute('data-window')).toBe('120');
    expect(await dialog.getByTestId('fix-window-input').inputValue()).toBe('120');
    expect(await text(dialog.getByTestId('fix-risk'))).toBe('high risk');
    expect(await text(dialog.getByTestId('fix-diff'))).toMatch(/\+X11Forwarding no/);
    const kinds = await dialog.getByTestId('fix-command-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toEqual(['backup', 'sshd-backup', 'deadman-arm', 'sshd-write', 'sshd-validate', 'sshd-reload', 'access-proof', 'deadman-disarm', 'verify']);
    const arm = dialog.locator('[data-testid="fix-command-step"][data-kind="deadman-arm"]');
    expect(await text(arm)).toMatch(/arm dead-man switch \(120 s\)/);
    expect(await text(dialog.locator('[data-testid="fix-command-step"][data-kind="sshd-validate"] [data-testid="fix-command"]'))).toMatch(/"\$SSHD" -t -f '\/etc\/ssh\/sshd_config'/);

    // The window is bounded; a changed window is a new plan (it is in the arm command).
    const confirm = dialog.getByTestId('fix-confirm');
    await dialog.getByTestId('fix-window-input').fill('10');
    await visible(dialog.getByTestId('fix-window-error'));
    expect(await dialog.getByTestId('fix-window-apply').isDisabled()).toBe(true);
    await dialog.getByTestId('fix-window-input').fill('90');
    await visible(dialog.getByTestId('fix-window-pending'));
    const firstJob = await text(dialog.getByTestId('fix-job-id'));
    await dialog.getByTestId('fix-window-apply').click();
    await expect.poll(() => dialog.getByTestId('fix-guard').getAttribute('data-window'), { timeout: 60_000 }).toBe('90');
    jobFix = await text(dialog.getByTestId('fix-job-id'));
    jobs.add(jobFix);
    expect(jobFix).not.toBe(firstJob);
    expect(await text(dialog.locator('[data-testid="fix-command-step"][data-kind="deadman-arm"]'))).toMatch(/arm dead-man switch \(90 s\)[\s\S]*--on-active=90s[\s\S]*sleep 90;/);

    // Typed confirmation: a wrong name keeps Apply disabled.
    expect(await confirm.isDisabled()).toBe(true);
    await visible(dialog.getByTestId('fix-typed-hint'));
    await dialog.getByTestId('fix-typed-host').fill('guard');
    expect(await confirm.isDisabled()).toBe(true);
    expect(sha(config())).toBe(original);
    await shotOf(p, dialog, 'preview-typed-confirmation-required');
    await dialog.getByTestId('fix-typed-host').fill(HOST_NAME);
    expect(await confirm.isEnabled()).toBe(true);
  });

  step('apply: the guard steps live — armed, reloaded, proving access with a new SSH connection — then disarmed and verified', async () => {
    const p = page();
    const dialog = p.getByTestId('fix-dialog');
    // Hold the events right after the proof's progress line to look at that moment.
    app!.events.pauseAfter((e) => e.type === 'fix-progress' && e.jobId === jobFix && e.kind === 'message' && e.detail.startsWith('Proving access'));
    await dialog.getByTestId('fix-confirm').click();
    await app!.events.whenPaused(60_000);
    await expect.poll(() => dialog.getAttribute('data-phase')).toBe('running');
    const live = dialog.getByTestId('fix-guard-live');
    const phase = (k: string): Locator => live.locator(`[data-testid="fix-guard-phase"][data-phase="${k}"]`);
    await expect.poll(() => live.getByTestId('fix-guard-fix').getAttribute('data-phase')).toBe('proof');
    expect(await phase('armed').getAttribute('data-state')).toBe('done');
    expect(await text(phase('armed'))).toMatch(/Dead-man switch armed.*reverts by itself at/);
    expect(await phase('change').getAttribute('data-state')).toBe('done');
    expect(await text(phase('change'))).toMatch(/reload sshd/);
    expect(await phase('proof').getAttribute('data-state')).toBe('running');
    expect(await text(phase('proof').getByTestId('fix-guard-phase-label'))).toBe('Proving access with a new SSH connection…');
    expect(await phase('disarmed').getAttribute('data-state')).toBe('pending');
    expect(await text(dialog.getByTestId('fix-progress-message'))).toMatch(/^Proving access: logging in with a NEW SSH connection/);
    await shotOf(p, dialog, 'proving-access');
    app!.events.resume();

    const result = await visible(dialog.getByTestId('fix-result'), 90_000);
    expect(await result.getAttribute('data-status')).toBe('applied');
    const g = dialog.getByTestId('fix-guard-result');
    expect([await g.getAttribute('data-armed'), await g.getAttribute('data-new-session-ok'), await g.getAttribute('data-restored-by')]).toEqual(['true', 'true', 'none']);
    const done = dialog.getByTestId('fix-guard-live');
    for (const k of ['armed', 'change', 'proof', 'disarmed', 'verified']) expect(await done.locator(`[data-testid="fix-guard-phase"][data-phase="${k}"]`).getAttribute('data-state'), k).toBe('done');
    expect(await text(done.locator('[data-testid="fix-guard-phase"][data-phase="proof"]'))).toMatch(/a new connection logged in after [\d.]+ s/);
    expect(await text(dialog.getByTestId('fix-verified'))).toContain('SSH-X11-FORWARDING');
    expect(readFileSync(config(), 'utf8')).toMatch(/^X11Forwarding no$/m);
    expect(deadmanTimerPids(jobFix)).toEqual([]);
    await shotOf(p, dialog, 'applied-verified');

    await dialog.getByTestId('fix-open-history').click();
    const row = await visible(p.locator(`[data-testid="fix-job-row"][data-job-id="${jobFix}"]`));
    expect(await row.getByTestId('fix-job-guard').getAttribute('data-restored-by')).toBe('none');
    expect(await text(row.getByTestId('fix-job-guard'))).toBe('lockout guard: armed; new SSH connection logged in; nothing restored');
  });

  step('a change that breaks login: the new connection is refused, the change is rolled back through the session automatically; sshd_config byte-identical, the host reachable', async () => {
    const p = page();
    const before = sha(config());
    await p.getByTestId('back-to-host').click();
    await p.getByTestId('run-audit').click();
    const view = await visible(p.getByTestId('run-view'), 90_000);
    const runBefore = await view.getAttribute('data-run-id');
    await visible(card(p, 'SSH-MAX-AUTH-TRIES').getByTestId('fix-finding'));
    hooks.accessFaultSettings = [['AllowUsers', 'nobody-rampart-test']];
    let job: string;
    try {
      await card(p, 'SSH-MAX-AUTH-TRIES').getByTestId('fix-finding').click();
      const dialog = await visible(p.getByTestId('fix-dialog'));
      await expect.poll(() => dialog.getAttribute('data-phase'), { timeout: 60_000 }).toBe('preview');
      job = await text(dialog.getByTestId('fix-job-id'));
      jobs.add(job);
      // The fault is in the plan, so the preview shows it (what would be applied).
      expect(await text(dialog.getByTestId('fix-diff'))).toMatch(/\+AllowUsers nobody-rampart-test/);
      await dialog.getByTestId('fix-typed-host').fill(HOST_NAME);
      await dialog.getByTestId('fix-confirm').click();
      const result = await visible(dialog.getByTestId('fix-result'), 120_000);
      expect(await result.getAttribute('data-status')).toBe('rolled-back');
      const g = dialog.getByTestId('fix-guard-result');
      expect([await g.getAttribute('data-armed'), await g.getAttribute('data-new-session-ok'), await g.getAttribute('data-restored-by')]).toEqual(['true', 'false', 'session']);
      expect(await text(g.getByTestId('fix-guard-restored'))).toMatch(/^Rolled back through the session/);
      const live = dialog.getByTestId('fix-guard-live');
      expect(await live.locator('[data-testid="fix-guard-phase"][data-phase="proof"]').getAttribute('data-state')).toBe('failed');
      expect(await text(live.locator('[data-testid="fix-guard-phase"][data-phase="proof"]'))).toMatch(/could not log in/);
      const states = await live.getByTestId('fix-guard-phase').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-phase')}:${e.getAttribute('data-state')}`));
      expect(states).toEqual(['armed:undone', 'change:undone', 'proof:failed', 'disarmed:skipped', 'verified:skipped']);
      await shotOf(p, dialog, 'login-broken-rolled-back');
      await dialog.getByTestId('fix-close').click();
    } finally {
      delete hooks.accessFaultSettings;
    }
    expect(sha(config())).toBe(before);
    expect(deadmanTimerPids(job)).toEqual([]);
    // Reachable as before: a new audit connects and still finds the setting.
    await p.getByTestId('back-to-host').click();
    await p.getByTestId('run-audit').click();
    await expect.poll(async () => (await p.getByTestId('run-view').getAttribute('data-run-id').catch(() => null)) ?? runBefore, { timeout: 90_000 }).not.toBe(runBefore);
    await visible(card(p, 'SSH-MAX-AUTH-TRIES'), 30_000);
  });

  step('the session drops too and no new connection logs in: the dead-man timer on the host restores it by itself; Rampart waits out the window, reconnects and checks', async () => {
    const p = page();
    const before = sha(config());
    hooks.accessFaultSettings = [['AllowUsers', 'nobody-rampart-test']];
    // Right before the proof every SSH session to the host dies (the admin's link drops).
    hooks.beforeStep = (s, phase) => {
      if (phase === 'apply' && s.kind === 'access-proof') dropConnections(lab!);
    };
    let job: string;
    const started = Date.now();
    try {
      await card(p, 'SSH-MAX-AUTH-TRIES').getByTestId('fix-finding').click();
      const dialog = await visible(p.getByTestId('fix-dialog'));
      await expect.poll(() => dialog.getAttribute('data-phase'), { timeout: 60_000 }).toBe('preview');
      // The shortest window the app allows, to keep the wait short.
      await dialog.getByTestId('fix-window-input').fill('30');
      await dialog.getByTestId('fix-window-apply').click();
      await expect.poll(() => dialog.getByTestId('fix-guard').getAttribute('data-window'), { timeout: 60_000 }).toBe('30');
      job = await text(dialog.getByTestId('fix-job-id'));
      jobs.add(job);
      await dialog.getByTestId('fix-typed-host').fill(HOST_NAME);
      app!.events.pauseAfter((e) => e.type === 'fix-progress' && e.jobId === job && e.kind === 'message' && e.detail.startsWith('The current session is gone'));
      await dialog.getByTestId('fix-confirm').click();
      await app!.events.whenPaused(60_000);
      const live = dialog.getByTestId('fix-guard-live');
      await expect.poll(() => live.locator('[data-testid="fix-guard-phase"][data-phase="proof"]').getAttribute('data-state')).toBe('failed');
      expect(await text(live.locator('[data-testid="fix-guard-phase"][data-phase="armed"]'))).toMatch(/the dead-man switch reverts the host at the end of its 30 s window \(at /);
      expect(await text(dialog.getByTestId('fix-progress-message'))).toMatch(/waiting 30 s for the dead-man switch/);
      await shotOf(p, dialog, 'session-gone-waiting-for-dead-man');
      app!.events.resume();

      const result = await visible(dialog.getByTestId('fix-result'), 120_000);
      expect(await result.getAttribute('data-status')).toBe('rolled-back');
      const g = dialog.getByTestId('fix-guard-result');
      expect([await g.getAttribute('data-armed'), await g.getAttribute('data-new-session-ok'), await g.getAttribute('data-restored-by')]).toEqual(['true', 'false', 'timer']);
      expect(await text(g.getByTestId('fix-guard-restored'))).toMatch(/^Restored by the dead-man timer/);
      expect(await text(dialog.locator('[data-testid="fix-guard-phase"][data-phase="change"]'))).toMatch(/Change put back.*restored by the dead-man switch/);
      await shotOf(p, dialog, 'restored-by-dead-man-timer');
      await dialog.getByTestId('fix-close').click();
    } finally {
      delete hooks.accessFaultSettings;
      delete hooks.beforeStep;
    }
    // It waited for the window, and not much longer.
    expect(Date.now() - started).toBeGreaterThan(30_000);
    expect(Date.now() - started).toBeLessThan(90_000);
    expect(sha(config())).toBe(before);
    expect(deadmanTimerPids(job)).toEqual([]);
  });

  step('roll back the applied fix from the history: sshd_config as at the start', async () => {
    const p = page();
    await p.getByTestId('back-to-host').click();
    await p.getByTestId('host-fix-history').click();
    const row = await visible(p.locator(`[data-testid="fix-job-row"][data-job-id="${jobFix}"]`));
    await row.getByTestId('fix-job-rollback').click();
    await row.getByTestId('fix-rollback-confirm').click();
    const dialog = await visible(p.getByTestId('fix-dialog'));
    const result = await visible(dialog.getByTestId('fix-result'), 90_000);
    expect(await result.getAttribute('data-status')).toBe('rolled-back');
    expect(await dialog.getByTestId('fix-guard-result').getAttribute('data-restored-by')).toBe('session');
    expect(await text(dialog.getByTestId('fix-guard-restored'))).toMatch(/^Rolled back through the session, as asked/);
    expect(sha(config())).toBe(original);
    await shotOf(p, dialog, 'rolled-back-from-history');
    await dialog.getByTestId('fix-close').click();
    const history = unwrap(await app!.call<FixJobSummary[]>('remediation', 'history', { hostId }));
    expect(history.find((j) => j.jobId === jobFix)?.status).toBe('rolled-back');
  });
});
