// Guided fixes, end to end (issue 10, "Desktop UI"): the built renderer in Chromium over the real
// handler table, a real SQLite file and a real lab host (its own sshd in a network namespace) with
// planted world-readable secret files.
//
// audit → "Fix…" on one finding → preview (the exact chmod command with its compare-and-swap, the
// target mode, risk, re-checks) → Confirm → live progress per step → applied and verified (the file
// is 0600 on disk) → the finding is marked fixed → the host's fix history lists the job (who, what,
// outcome) → roll it back from the history (the file is 0644 again, same content) → select two
// findings, preview one plan, change the second file on the host before confirming → the first fix
// is applied and verified, the second refused by compare-and-swap, the whole job rolled back
// automatically (first file back to 0644) → a real `rampart fix` SIGKILLed mid-job on the app's
// database leaves an unfinished job → on restart the app offers it: "Roll back" restores the file.
//
// Needs root for the lab and /usr/bin/chromium. Screenshots go to e2e/screenshots/remediation/.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { composeUp, docker, labComposeAvailable, labDockerPrerequisites, startLabDocker, stopLabDocker, type LabDocker } from '../lab/docker';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { canary, plantDir, plantFile, plantRootOf, plantOwnAccounts } from '../lab/plant';
import { findingKey } from '../src/main/audit/engine';
import { backupCommand, setCommand } from '../src/main/remediation/remote';
import type { Host, RunDetail } from '../src/shared/domain';
import type { FixJobSummary } from '../src/shared/ipc/remediation';
import { BIN, ROOT } from '../test/support/cliContract';
import { BACKUP_ROOT, removeJobBackups } from '../test/support/remediation';
import { ensureBuilt, openApp, resetScreenshots, shot, type App } from './harness';
import { pageOf, stepper, text, unwrap, visible, addLabHostInUi, trustKeyInUi } from './steps';

const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';
if (!pre.ok) console.warn(`[e2e] lab hosts unavailable (${pre.reason}); ${labAvailable ? 'RAMPART_LAB_REQUIRED=1, failing' : 'skipping the remediation e2e suite'}.`);

const CHECK = 'SECRET-FILE-READABLE';
const OWNER = 1234;
const HOST_NAME = 'fix-t';

interface Snap {
  mode: number;
  uid: number;
  gid: number;
  sha256: string;
}
function snap(p: string): Snap {
  const s = statSync(p);
  return { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, sha256: createHash('sha256').update(readFileSync(p)).digest('hex') };
}

/** A numbered screenshot of just the dialog (the page behind it is dimmed and would shrink it to nothing). */
async function shotOf(page: Page, what: Locator, name: string): Promise<void> {
  const file = await shot(page, name);
  await what.screenshot({ path: file, animations: 'disabled' });
}

describe.skipIf(!labAvailable)('guided fixes in a browser: preview → confirm → progress → verified → history → rollback; CAS refusal rolled back; unfinished job at start', () => {
  let tmp = '';
  let dbFile = '';
  let app: App | null = null;
  let lab: LabHost | null = null;
  let hostId = 0;
  let run!: RunDetail;
  const jobs = new Set<string>();
  /** Two planted secrets: world-readable .env files owned by uid 1234. */
  let fileA = '';
  let fileB = '';
  let beforeA!: Snap;
  let jobA = '';

  const page = (): Page => pageOf(app);
  const step = stepper(() => app);
  const keyOf = (file: string): string => findingKey(`${lab!.address}:${lab!.port}`, CHECK, `file:${file}`);
  const cardOf = (p: Page, file: string) => p.locator(`[data-testid="finding"][data-finding-id="${keyOf(file)}"]`);

  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('remediation');
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-fix-'));
    dbFile = join(tmp, 'rampart.sqlite3');
    lab = await createLabHost({
      scenario: 'hardened',
      network: {
        // The host's own group and shadow files (entries are bound for sshd's sessions only if present when it starts).
        setup: async (ctx) => {
          plantOwnAccounts(ctx.name);
        },
      },
    });
    const root = plantRootOf(lab.name);
    plantDir(path.dirname(root), { mode: 0o755 });
    plantDir(root, { mode: 0o755 });
    const srv = plantDir(path.join(root, 'srv'), { mode: 0o755 });
    fileA = plantFile(path.join(srv, 'app', '.env'), 'API_TOKEN=rmp-e2e-not-a-secret-a\n', { mode: 0o644, uid: OWNER, gid: OWNER });
    fileB = plantFile(path.join(srv, 'worker', '.env'), 'DB_PASSWORD=rmp-e2e-not-a-secret-b\n', { mode: 0o644, uid: OWNER, gid: OWNER });
    beforeA = snap(fileA);
    app = await openApp({ dbFile });
  });

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      if (lab) await destroyLabHost(lab).catch(() => undefined);
      if (lab) rmSync(plantRootOf(lab.name), { recursive: true, force: true });
      removeJobBackups(jobs);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  step('audit a lab host with planted world-readable secret files: each finding offers a Fix', async () => {
    const p = page();
    const l = lab!;
    await addLabHostInUi(p, l, HOST_NAME, [path.join(plantRootOf(l.name), 'srv')]);
    hostId = unwrap(await app!.call<Host[]>('hosts', 'list')).find((h) => h.name === HOST_NAME)!.id;
    await trustKeyInUi(p, l.hostKeyFingerprints);
    // No fix job yet: the history is empty.
    await p.getByTestId('host-fix-history').click();
    await visible(p.getByTestId('fix-history-empty'));
    await p.getByTestId('back-to-host').click();

    await p.getByTestId('run-audit').click();
    const view = await visible(p.getByTestId('run-view'), 90_000);
    run = unwrap(await app!.call<RunDetail>('runs', 'get', { runId: (await view.getAttribute('data-run-id'))! }));
    for (const f of [fileA, fileB]) {
      expect(run.findings.some((x) => x.id === keyOf(f) && x.status === 'open'), `${CHECK} on ${f}`).toBe(true);
      const c = cardOf(p, f);
      await visible(c);
      expect(await c.getAttribute('data-fixable')).toBe('true');
      await visible(c.getByTestId('fix-finding'));
      await visible(c.getByTestId('fix-select'));
    }
    await visible(p.getByTestId('fix-bar'));
    await shotOf(p, p.getByTestId('findings').locator('[data-testid="finding-group"][data-category="secrets"]'), 'findings-with-fix');
    // A finding without a fix in the catalog gets no Fix action.
    const catalog = unwrap(await app!.call<Array<{ checkIds: string[] }>>('remediation', 'catalog', {}));
    const fixable = new Set(catalog.flatMap((f) => f.checkIds));
    const unfixable = run.findings.find((f) => f.status === 'open' && !fixable.has(f.checkId));
    if (unfixable) expect(await p.locator(`[data-testid="finding"][data-finding-id="${unfixable.id}"] [data-testid="fix-finding"]`).count()).toBe(0);
  });

  step('preview: the exact commands (backup, compare-and-swap chmod), the target mode, risk and what is re-checked; nothing changed yet', async () => {
    const p = page();
    await cardOf(p, fileA).getByTestId('fix-finding').click();
    const dialog = await visible(p.getByTestId('fix-dialog'));
    await expect.poll(() => dialog.getAttribute('data-phase'), { timeout: 60_000 }).toBe('preview');
    jobA = await text(dialog.getByTestId('fix-job-id'));
    jobs.add(jobA);
    expect(await dialog.getAttribute('data-job-id')).toBe(jobA);
    const items = dialog.getByTestId('fix-item');
    expect(await items.count()).toBe(1);
    expect(await items.first().getAttribute('data-finding-id')).toBe(keyOf(fileA));
    expect(await text(items.first().getByTestId('fix-risk'))).toBe('low risk');
    const target = items.first().locator(`[data-testid="fix-target"][data-path="${fileA}"]`);
    expect(await text(target.getByTestId('fix-target-from'))).toBe(`0644 uid ${OWNER} gid ${OWNER}`);
    expect(await text(target.getByTestId('fix-target-to'))).toBe(`0600 uid ${OWNER} gid ${OWNER}`);
    expect(await text(items.first().getByTestId('fix-recheck'))).toContain(CHECK);
    expect(await items.first().getByTestId('fix-diff').count()).toBe(0); // a chmod edits no content

    // The commands, exactly as they will run: what the engine derives from the plan.
    const backupDir = `${BACKUP_ROOT}/${jobA}`;
    expect(await text(dialog.getByTestId('fix-backup-dir'))).toBe(backupDir);
    const commands = await dialog.getByTestId('fix-command').allTextContents();
    expect(commands).toHaveLength(3);
    expect(commands[0]).toBe(backupCommand(backupDir));
    const expected = setCommand(fileA, { kind: 'present', type: 'f', ...beforeA }, { mode: 0o600, uid: OWNER, gid: OWNER });
    expect(commands[1]).toBe(expected);
    expect(commands[1]).toContain(`chown ${OWNER}:${OWNER} -- "$p" && chmod 0600 -- "$p"`);
    expect(commands[1]).toContain(beforeA.sha256);
    expect(commands[2]).toMatch(/read-only collector/);
    // What a failure does: three choices, roll back everything by default.
    const policy = dialog.getByTestId('fix-failure-policy');
    expect(await policy.getAttribute('data-value')).toBe('rollback-all');
    expect(await policy.getByTestId('fix-policy-option').evaluateAll((els) => els.map((e) => e.getAttribute('data-value')))).toEqual(['rollback-all', 'stop', 'continue']);
    expect(await dialog.getByTestId('fix-policy-rollback-all').isChecked()).toBe(true);
    expect(await text(policy)).toMatch(/every fix of this job is undone/);
    // A low-risk plan needs no typed host name; Confirm is enabled.
    expect(await dialog.getByTestId('fix-typed-host').count()).toBe(0);
    expect(await dialog.getByTestId('fix-confirm').isEnabled()).toBe(true);
    expect(snap(fileA)).toEqual(beforeA);
    await shotOf(p, p.getByTestId('fix-dialog'), 'preview');
  });

  step('confirm: live progress per step, then applied and verified; 0600 on disk; the finding is marked fixed', async () => {
    const p = page();
    const dialog = p.getByTestId('fix-dialog');
    // Hold the events right after the chmod step is done, to look at the job in progress.
    app!.events.pauseAfter((e) => e.type === 'fix-progress' && e.jobId === jobA && e.kind === 'step' && e.seq === 1 && e.status === 'done');
    await dialog.getByTestId('fix-confirm').click();
    await app!.events.whenPaused(60_000);
    await expect.poll(() => dialog.getAttribute('data-phase')).toBe('running');
    const steps = dialog.getByTestId('fix-step');
    await expect.poll(() => steps.nth(1).getAttribute('data-status')).toBe('done');
    expect(await steps.nth(0).getAttribute('data-status')).toBe('done');
    expect(await steps.nth(2).getAttribute('data-status')).toBe('pending');
    expect(await text(steps.nth(1).getByTestId('fix-step-name'))).toBe(`chmod-chown ${JSON.stringify(fileA)}`);
    expect(await text(steps.nth(1).getByTestId('fix-step-detail'))).toContain(`0644 uid ${OWNER} gid ${OWNER} → 0600 uid ${OWNER} gid ${OWNER}`);
    await shotOf(p, p.getByTestId('fix-dialog'), 'progress');
    app!.events.resume();

    const result = await visible(dialog.getByTestId('fix-result'), 90_000);
    expect(await result.getAttribute('data-status')).toBe('applied');
    expect(await text(dialog.getByTestId('fix-result-title'))).toBe('Applied and verified');
    expect(await text(dialog.getByTestId('fix-verified'))).toContain(CHECK);
    expect(await dialog.getByTestId('fix-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['done', 'done', 'done']);
    expect(snap(fileA)).toEqual({ ...beforeA, mode: 0o600 });
    await shotOf(p, p.getByTestId('fix-dialog'), 'success');

    await dialog.getByTestId('fix-close').click();
    await expect.poll(() => p.getByTestId('fix-dialog').count()).toBe(0);
    // Triage follows verification: the finding leaves the open list and shows as fixed.
    const fixed = p.getByTestId('not-counted').locator(`[data-testid="finding"][data-finding-id="${keyOf(fileA)}"]`);
    await visible(fixed);
    expect(await fixed.getAttribute('data-status')).toBe('fixed');
    await shotOf(p, fixed, 'finding-marked-fixed');
    expect(await p.getByTestId('findings').locator(`[data-testid="finding"][data-finding-id="${keyOf(fileA)}"]`).count()).toBe(0);
    const latest = unwrap(await app!.call<RunDetail>('runs', 'get', { runId: run.id }));
    expect(latest.findings.find((f) => f.id === keyOf(fileA))!.triage?.reason).toContain(jobA);
  });

  step('fix history: the job with when, who (the OS user), what and the outcome; its journaled steps', async () => {
    const p = page();
    await p.getByTestId('open-fix-history').click();
    await visible(p.getByTestId('fix-history'));
    const row = p.locator(`[data-testid="fix-job-row"][data-job-id="${jobA}"]`);
    await visible(row);
    expect(await row.getAttribute('data-status')).toBe('applied');
    expect(await text(row.getByTestId('fix-job-who'))).toBe(`${os.userInfo().username} (desktop app)`);
    expect(await text(row.getByTestId('fix-job-what'))).toContain(`${fileA}: 0644 uid ${OWNER} gid ${OWNER} → 0600 uid ${OWNER} gid ${OWNER}`);
    expect(await text(row.getByTestId('fix-job-outcome'))).toBe('applied and verified');
    expect(await text(row.getByTestId('fix-job-id'))).toBe(jobA);
    await row.getByTestId('fix-job-toggle').click();
    const detail = await visible(p.locator(`[data-testid="fix-job-detail"][data-job-id="${jobA}"]`));
    await expect.poll(() => detail.getByTestId('fix-journal-step').count()).toBe(3);
    expect(await detail.getByTestId('fix-journal-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['done', 'done', 'done']);
    const hist = unwrap(await app!.call<FixJobSummary[]>('remediation', 'history', { hostId }));
    expect(hist.map((j) => j.jobId)).toEqual([jobA]);
    expect(hist[0]!.confirmedAt).not.toBeNull();
    await shot(p, 'history');
  });

  step('roll back from the history: confirmed, then the file is 0644 again with the same content', async () => {
    const p = page();
    const row = p.locator(`[data-testid="fix-job-row"][data-job-id="${jobA}"]`);
    await row.getByTestId('fix-job-rollback').click();
    await visible(row.getByTestId('fix-rollback-confirm-box'));
    expect(snap(fileA).mode).toBe(0o600); // nothing before the confirmation
    await row.getByTestId('fix-rollback-confirm').click();
    const dialog = await visible(p.getByTestId('fix-dialog'));
    expect(await dialog.getAttribute('data-kind')).toBe('rollback');
    const result = await visible(dialog.getByTestId('fix-result'), 90_000);
    expect(await result.getAttribute('data-status')).toBe('rolled-back');
    expect(await dialog.locator('[data-testid="fix-step"][data-seq="1"]').getAttribute('data-status')).toBe('undone');
    expect(snap(fileA)).toEqual(beforeA);
    await shotOf(p, p.getByTestId('fix-dialog'), 'rollback');
    await dialog.getByTestId('fix-close').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('rolled-back');
    expect(await text(row.getByTestId('fix-job-outcome'))).toBe('rolled back');
    // The rollback reopens the finding.
    const latest = unwrap(await app!.call<RunDetail>('runs', 'get', { runId: run.id }));
    expect(latest.findings.find((f) => f.id === keyOf(fileA))!.status).toBe('open');
  });

  step('two findings in one plan; the second file changes on the host before Confirm: compare-and-swap refuses it and the whole job is rolled back', async () => {
    const p = page();
    await p.getByTestId('back-to-host').click();
    await p.getByTestId('run-row').first().click();
    await visible(p.getByTestId('run-view'));
    await cardOf(p, fileA).getByTestId('fix-select').check();
    await cardOf(p, fileB).getByTestId('fix-select').check();
    expect(await text(p.getByTestId('fix-selected'))).toBe('Fix selected (2)');
    await p.getByTestId('fix-selected').click();
    const dialog = await visible(p.getByTestId('fix-dialog'));
    await expect.poll(() => dialog.getAttribute('data-phase'), { timeout: 60_000 }).toBe('preview');
    const jobId = await text(dialog.getByTestId('fix-job-id'));
    jobs.add(jobId);
    // One plan, in the order selected: backup, A's chmod, A's verify, B's chmod, B's verify.
    expect(await dialog.getByTestId('fix-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-finding-id')))).toEqual([keyOf(fileA), keyOf(fileB)]);
    expect(await dialog.getByTestId('fix-command-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual(['backup', 'chmod', 'verify', 'chmod', 'verify']);

    // Someone edits B on the host after the preview.
    appendFileSync(fileB, 'EXTRA=1\n');
    const editedB = snap(fileB);
    await dialog.getByTestId('fix-confirm').click();
    const result = await visible(dialog.getByTestId('fix-result'), 90_000);
    expect(await result.getAttribute('data-status')).toBe('rolled-back');
    const message = await text(dialog.getByTestId('fix-result-message'));
    expect(message).toContain(`${JSON.stringify(fileB)} changed since the plan`);
    expect(message).toContain('with other content');
    expect(message).toContain('nothing was written');
    const outcomes = await dialog.getByTestId('fix-outcome').evaluateAll((els) => els.map((e) => [e.getAttribute('data-check-id'), e.getAttribute('data-status')]));
    expect(outcomes).toEqual([
      [CHECK, 'rolled-back'],
      [CHECK, 'refused'],
    ]);
    // A was changed and verified, then undone; B was never written.
    expect(await dialog.locator('[data-testid="fix-step"][data-seq="1"]').getAttribute('data-status')).toBe('undone');
    expect(await dialog.locator('[data-testid="fix-step"][data-seq="3"]').getAttribute('data-status')).toBe('skipped');
    expect(snap(fileA)).toEqual(beforeA);
    expect(snap(fileB)).toEqual(editedB);
    await shotOf(p, p.getByTestId('fix-dialog'), 'cas-refused-rolled-back');
    await dialog.getByTestId('fix-close').click();
    // Neither finding is marked fixed.
    for (const f of [fileA, fileB]) expect(await cardOf(p, f).getAttribute('data-status')).toBe('open');
  });

  step('rollback incomplete: the file was edited after the fix, so the rollback leaves it alone and says what is left and where the backups are; rolled back again once it is put right', async () => {
    const p = page();
    await cardOf(p, fileA).getByTestId('fix-finding').click();
    const dialog = await visible(p.getByTestId('fix-dialog'));
    await expect.poll(() => dialog.getAttribute('data-phase'), { timeout: 60_000 }).toBe('preview');
    const jobId = await text(dialog.getByTestId('fix-job-id'));
    jobs.add(jobId);
    await dialog.getByTestId('fix-confirm').click();
    expect(await (await visible(dialog.getByTestId('fix-result'), 90_000)).getAttribute('data-status')).toBe('applied');
    await dialog.getByTestId('fix-close').click();
    // Someone edits the fixed file on the host.
    const original = readFileSync(fileA);
    appendFileSync(fileA, 'EDITED=1\n');
    await p.getByTestId('open-fix-history').click();
    const row = p.locator(`[data-testid="fix-job-row"][data-job-id="${jobId}"]`);
    await row.getByTestId('fix-job-rollback').click();
    await row.getByTestId('fix-rollback-confirm').click();
    const result = await visible(p.getByTestId('fix-dialog').getByTestId('fix-result'), 90_000);
    expect(await result.getAttribute('data-status')).toBe('rollback-incomplete');
    const left = p.getByTestId('fix-dialog').getByTestId('fix-leftover');
    expect(await left.count()).toBe(1);
    expect(await text(left)).toContain(fileA);
    expect(await text(left)).toContain('its content changed since the plan');
    expect(await text(p.getByTestId('fix-backups'))).toContain(`${BACKUP_ROOT}/${jobId}/restore.sh`);
    expect(snap(fileA).mode).toBe(0o600); // left as it is: not Rampart's content any more
    await shotOf(p, p.getByTestId('fix-dialog'), 'rollback-incomplete');
    await p.getByTestId('fix-dialog').getByTestId('fix-close').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('rollback-incomplete');
    const findingA = async (): Promise<string | undefined> => unwrap(await app!.call<RunDetail>('runs', 'get', { runId: run.id })).findings.find((f) => f.id === keyOf(fileA))?.status;
    expect(await findingA()).toBe('fixed'); // the fix is still in place

    // The admin puts the content back; rolling back again now completes.
    writeFileSync(fileA, original);
    await row.getByTestId('fix-job-rollback').click();
    await row.getByTestId('fix-rollback-confirm').click();
    expect(await (await visible(p.getByTestId('fix-dialog').getByTestId('fix-result'), 90_000)).getAttribute('data-status')).toBe('rolled-back');
    expect(snap(fileA)).toEqual(beforeA);
    await p.getByTestId('fix-dialog').getByTestId('fix-close').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('rolled-back');
    expect(await findingA()).toBe('open'); // reopened: the fix is gone
    await p.getByTestId('back-to-host').click();
    await p.getByTestId('run-row').first().click();
    await visible(p.getByTestId('run-view'));
  });

  /**
   * A real `rampart fix` of finding A on the app's database (the host key pinned there, the saved
   * host's scan roots), held before the verify step (the chmod ran and was journaled), SIGKILLed.
   */
  async function killFixMidJob(): Promise<void> {
    const l = lab!;
    const env: NodeJS.ProcessEnv = { ...process.env, RAMPART_TEST_HOLD_BEFORE_STEP: 'verify' };
    delete env.SSH_AUTH_SOCK;
    const child = spawn(process.execPath, [BIN, 'fix', '--host', `${l.user}@${l.address}:${l.port}`, '--identity', l.identityFile, '--db', dbFile, '--finding', keyOf(fileA), '--yes', '--format', 'json'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no hold: ${err}`)), 110_000);
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('test hold before step')) {
          clearTimeout(t);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`rampart fix exited before the hold: ${err}`)));
    });
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  step('a `rampart fix` killed mid-job leaves an unfinished job: at start the app offers it, and "Roll back" restores the file', async () => {
    await killFixMidJob();
    expect(snap(fileA).mode).toBe(0o600); // changed on the host, job not finished

    await app!.restart();
    const p = page();
    const panel = await visible(p.getByTestId('unfinished-jobs'));
    const row = panel.getByTestId('unfinished-job');
    expect(await row.count()).toBe(1);
    const jobId = (await row.getAttribute('data-job-id'))!;
    jobs.add(jobId);
    expect(await row.getAttribute('data-status')).toBe('applying');
    expect(await text(row)).toContain(HOST_NAME);
    await shot(p, 'unfinished-at-start');
    // A new fix on that host is refused while the job is unfinished.
    const refused = await app!.call('remediation', 'plan', { hostId, findingKeys: [keyOf(fileB)] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('CONFLICT');

    await row.getByTestId('unfinished-rollback').click();
    const dialog = await visible(p.getByTestId('fix-dialog'));
    const result = await visible(dialog.getByTestId('fix-result'), 90_000);
    expect(await result.getAttribute('data-status')).toBe('rolled-back');
    expect(snap(fileA)).toEqual(beforeA);
    await dialog.getByTestId('fix-close').click();
    await expect.poll(() => p.getByTestId('unfinished-jobs').count()).toBe(0);
    expect(unwrap(await app!.call<FixJobSummary[]>('remediation', 'unfinished', {}))).toEqual([]);
  });

  step('another killed job, at start again: "Finish" reads the unsure step on the host, verifies and completes it', async () => {
    await killFixMidJob();
    expect(snap(fileA).mode).toBe(0o600);
    await app!.restart();
    const p = page();
    const row = (await visible(p.getByTestId('unfinished-jobs'))).getByTestId('unfinished-job');
    expect(await row.count()).toBe(1);
    const jobId = (await row.getAttribute('data-job-id'))!;
    jobs.add(jobId);
    await row.getByTestId('unfinished-finish').click();
    const dialog = await visible(p.getByTestId('fix-dialog'));
    expect(await dialog.getAttribute('data-kind')).toBe('resume');
    const result = await visible(dialog.getByTestId('fix-result'), 90_000);
    expect(await result.getAttribute('data-status')).toBe('applied');
    expect(await dialog.getByTestId('fix-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['done', 'done', 'done']);
    expect(snap(fileA)).toEqual({ ...beforeA, mode: 0o600 });
    await shotOf(p, dialog, 'finished-from-start');
    await dialog.getByTestId('fix-close').click();
    await expect.poll(() => p.getByTestId('unfinished-jobs').count()).toBe(0);
    const hist = unwrap(await app!.call<FixJobSummary[]>('remediation', 'history', { hostId }));
    expect(hist.find((j) => j.jobId === jobId)).toMatchObject({ status: 'applied', confirmedBy: `${os.userInfo().username} (--yes)` });
  });

  step('a finding already fixed outside Rampart since the audit: the preview says it is skipped and why, and offers no Confirm', async () => {
    const p = page();
    chmodSync(fileB, 0o600);
    await p.getByTestId('nav-hosts').click();
    await p.getByTestId('host-row').filter({ hasText: HOST_NAME }).click();
    await p.getByTestId('run-row').first().click();
    await visible(p.getByTestId('run-view'));
    await cardOf(p, fileB).getByTestId('fix-finding').click();
    const dialog = await visible(p.getByTestId('fix-dialog'));
    await expect.poll(() => dialog.getAttribute('data-phase'), { timeout: 60_000 }).toBe('preview');
    expect(await dialog.getByTestId('fix-item').count()).toBe(0);
    const skipped = dialog.getByTestId('fix-skipped-item');
    expect(await skipped.count()).toBe(1);
    expect(await skipped.getAttribute('data-check-id')).toBe(CHECK);
    expect(await text(skipped)).toContain('the host no longer has this finding');
    expect(await dialog.getByTestId('fix-confirm').count()).toBe(0);
    expect(await text(dialog.getByTestId('fix-nothing'))).toContain('no job is created');
    await shotOf(p, dialog, 'nothing-to-fix');
    await dialog.getByTestId('fix-cancel').click();
    await expect.poll(() => p.getByTestId('fix-dialog').count()).toBe(0);
    expect(snap(fileB).mode).toBe(0o600);
  });
});

// A compose hardening (high risk: cap_drop ALL) on a lab host whose commands reach a real
// throw-away dockerd and the real docker-compose: the preview shows the compose file's unified
// diff, the high-risk plan needs the host name typed (checked in main: a wrong name is refused on
// `typedHostName`), the service is re-created and passes its health gate, then the history rolls
// it back byte-identical.
const dockerAvailable = (pre.ok && labDockerPrerequisites().ok && labComposeAvailable()) || process.env.RAMPART_LAB_REQUIRED === '1';

describe.skipIf(!dockerAvailable)('a compose fix in a browser: unified diff, typed host name for a high-risk fix, health gate, rollback byte-identical', () => {
  let tmp = '';
  let app: App | null = null;
  let lab: LabHost | null = null;
  let d: LabDocker | null = null;
  let hostId = 0;
  let composeFile = '';
  let before: Buffer = Buffer.alloc(0);
  let container = '';
  let jobId = '';
  const jobs = new Set<string>();
  const NAME = 'stack-t';
  const CAP = 'DOCKER-NO-CAP-DROP-ALL';

  const page = (): Page => pageOf(app);
  const step = stepper(() => app);
  const capKey = (): string => findingKey(`${lab!.address}:${lab!.port}`, CAP, `container:${container}`);

  async function inspect(): Promise<{ capDrop: string[] | null; running: boolean; health: string | null }> {
    const id = (await docker(d!, ['ps', '-q', '--filter', 'label=com.docker.compose.project=fixe2e', '--filter', 'label=com.docker.compose.service=app'])).trim();
    const o = JSON.parse(await docker(d!, ['inspect', '--format', '{{json .}}', id])) as { Name: string; State: { Running: boolean; Health?: { Status: string } }; HostConfig: { CapDrop: string[] | null } };
    container = o.Name.replace(/^\//, '');
    return { capDrop: o.HostConfig.CapDrop, running: o.State.Running, health: o.State.Health?.Status ?? null };
  }

  beforeAll(async () => {
    ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-fix-compose-'));
    d = await startLabDocker();
    lab = await createLabHost({ scenario: 'hardened', sshdExtraConfig: `SetEnv DOCKER_HOST=${d.dockerHost}` });
    const text = `# Lab stack: the comments stay
version: "2.4"
services:
  app:
    image: lab/busybox:1.35
    network_mode: none
    restart: "no"
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
    healthcheck:
      test: ["CMD-SHELL", "test -d /proc/1"]
      interval: 1s
      timeout: 3s
      retries: 3
`;
    composeFile = (await composeUp(d, { project: 'fixe2e', files: { 'docker-compose.yml': text } })).composeFile;
    before = readFileSync(composeFile);
    for (let i = 0; i < 60 && (await inspect()).health !== 'healthy'; i++) await new Promise((r) => setTimeout(r, 500));
    expect((await inspect()).health).toBe('healthy');
    app = await openApp({ dbFile: join(tmp, 'rampart.sqlite3') });
  }, 240_000);

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      if (lab) await destroyLabHost(lab).catch(() => undefined);
      if (d) await stopLabDocker(d).catch(() => undefined);
      removeJobBackups(jobs);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  step('audit: the service without cap_drop ALL offers a high-risk fix; the preview shows the compose diff and asks for the host name', async () => {
    const p = page();
    const l = lab!;
    const host = unwrap(
      await app!.call<Host>('hosts', 'add', { name: NAME, address: l.address, port: l.port, username: l.user, auth: 'key-file', identityFile: l.identityFile, sshdConfigPath: l.sshdConfigPath }),
    );
    hostId = host.id;
    await p.reload();
    await p.getByTestId('host-row').filter({ hasText: NAME }).click();
    await trustKeyInUi(p);
    await p.getByTestId('run-audit').click();
    await visible(p.getByTestId('run-view'), 90_000);
    const c = p.locator(`[data-testid="finding"][data-finding-id="${capKey()}"]`);
    await visible(c);
    expect(await text(c.getByTestId('fix-offer'))).toMatch(/high risk/);
    await c.getByTestId('fix-finding').click();
    const dialog = await visible(p.getByTestId('fix-dialog'));
    await expect.poll(() => dialog.getAttribute('data-phase'), { timeout: 90_000 }).toBe('preview');
    jobId = await text(dialog.getByTestId('fix-job-id'));
    jobs.add(jobId);
    expect(await text(dialog.getByTestId('fix-risk'))).toBe('high risk');
    const diff = await text(dialog.getByTestId('fix-diff'));
    expect(diff).toContain(`--- ${composeFile}`);
    expect(diff).toMatch(/^\+ {4}cap_drop: \[ALL\]$/m);
    expect(await dialog.getByTestId('fix-diff').locator('.diff-add').count()).toBeGreaterThan(0);
    // Nothing changed by the preview.
    expect(readFileSync(composeFile).equals(before)).toBe(true);
    // Confirm waits for the host name.
    await visible(dialog.getByTestId('fix-typed-host'));
    expect(await dialog.getByTestId('fix-confirm').isEnabled()).toBe(false);
    await dialog.getByTestId('fix-typed-host').fill('stack');
    expect(await dialog.getByTestId('fix-confirm').isEnabled()).toBe(false);
    await dialog.getByTestId('fix-typed-host').fill(NAME);
    expect(await dialog.getByTestId('fix-confirm').isEnabled()).toBe(true);
    await shotOf(p, dialog, 'compose-preview-diff-typed-name');
  });

  step('main checks the typed host name itself: a wrong or missing name is refused on typedHostName and the preview stays usable', async () => {
    for (const typed of [undefined, 'stack', `${NAME}x`]) {
      const r = await app!.call('remediation', 'apply', { hostId, jobId, ...(typed === undefined ? {} : { typedHostName: typed }) });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('VALIDATION');
        expect(JSON.stringify(r.error.details)).toContain('typedHostName');
      }
    }
    expect(readFileSync(composeFile).equals(before)).toBe(true);
  });

  step('confirm with the host name: the service is re-created with cap_drop ALL and healthy; verified', async () => {
    const p = page();
    const dialog = p.getByTestId('fix-dialog');
    await dialog.getByTestId('fix-confirm').click();
    const result = await visible(dialog.getByTestId('fix-result'), 180_000);
    expect(await result.getAttribute('data-status')).toBe('applied');
    expect(await dialog.getByTestId('fix-result-diff').count()).toBe(1);
    const now = await inspect();
    expect(now.capDrop).toEqual(['ALL']);
    expect(now.running).toBe(true);
    expect(readFileSync(composeFile, 'utf8')).toContain('cap_drop: [ALL]');
    expect(readFileSync(composeFile, 'utf8')).toContain('# Lab stack: the comments stay');
    await shotOf(p, dialog, 'compose-applied');
    await dialog.getByTestId('fix-close').click();
    const hist = unwrap(await app!.call<FixJobSummary[]>('remediation', 'history', { hostId }));
    expect(hist[0]).toMatchObject({ jobId, status: 'applied', confirmedBy: `${os.userInfo().username} (desktop app, typed the host name)` });
    expect(hist[0]!.fixes[0]!.diff).toMatch(/cap_drop: \[ALL\]/);
  });

  step('roll back from the history: the compose file is byte-identical again and the service re-created without cap_drop', async () => {
    const p = page();
    await p.getByTestId('open-fix-history').click();
    const row = p.locator(`[data-testid="fix-job-row"][data-job-id="${jobId}"]`);
    await row.getByTestId('fix-job-toggle').click();
    await visible(p.locator(`[data-testid="fix-job-detail"][data-job-id="${jobId}"]`).getByTestId('fix-job-diff'));
    await row.getByTestId('fix-job-rollback').click();
    await row.getByTestId('fix-rollback-confirm').click();
    const result = await visible(p.getByTestId('fix-dialog').getByTestId('fix-result'), 180_000);
    expect(await result.getAttribute('data-status')).toBe('rolled-back');
    expect(readFileSync(composeFile).equals(before)).toBe(true);
    const now = await inspect();
    expect(now.capDrop).toBeNull();
    expect(now.running).toBe(true);
    await p.getByTestId('fix-dialog').getByTestId('fix-close').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('rolled-back');
    await shot(p, 'compose-history-rolled-back');
  });
});

// A multi-fix plan with "Stop" chosen in the preview: three fixes (a secret, a backup folder with
// a dump in it, another secret), the second failing for real on the host (its folder is immutable,
// chattr +i: the dump's chmod succeeds, the folder's is refused by the kernel). The first stays
// applied, verified and marked fixed; the second is undone (the dump back to 0644); the third is
// not run; the job is partial, and the result and the history say so fix by fix.
describe.skipIf(!labAvailable)('a multi-fix plan with "Stop" on failure: partial, fix by fix', () => {
  let tmp = '';
  let app: App | null = null;
  let lab: LabHost | null = null;
  let hostId = 0;
  let a = '';
  let bk = '';
  let dump = '';
  let c = '';
  let before = new Map<string, Snap>();
  let immutable = false;
  const jobs = new Set<string>();
  const NAME = 'partial-t';

  const page = (): Page => pageOf(app);
  const step = stepper(() => app);
  const keys = (): [string, string, string] => {
    const k = `${lab!.address}:${lab!.port}`;
    return [findingKey(k, CHECK, `file:${a}`), findingKey(k, 'BACKUP-READABLE', `backup:${bk}`), findingKey(k, CHECK, `file:${c}`)];
  };
  const card = (p: Page, key: string) => p.locator(`[data-testid="finding"][data-finding-id="${key}"]`);
  /** Mode, owner and content hash; a folder has no hash. */
  const snapAny = (f: string): Snap => {
    const s = statSync(f);
    return s.isDirectory() ? { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, sha256: '-' } : snap(f);
  };

  beforeAll(async () => {
    ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-fix-partial-'));
    lab = await createLabHost({ scenario: 'hardened' });
    const root = plantRootOf(lab.name);
    plantDir(path.dirname(root), { mode: 0o755 });
    plantDir(root, { mode: 0o755 });
    const srv = plantDir(path.join(root, 'srv'), { mode: 0o755 });
    a = plantFile(path.join(srv, 'web', '.env'), `API_TOKEN=${canary('e2e-partial')}\n`, { mode: 0o644, uid: OWNER, gid: OWNER });
    bk = plantDir(path.join(srv, 'db-backups'), { mode: 0o755 });
    dump = plantFile(path.join(bk, 'db.sql.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 4, 2]), { mode: 0o644 });
    c = plantFile(path.join(srv, 'mail', '.env'), `SMTP_PASSWORD=${canary('e2e-partial')}\n`, { mode: 0o644, uid: OWNER, gid: OWNER });
    before = new Map([a, dump, bk, c].map((f) => [f, snapAny(f)]));
    execFileSync('chattr', ['+i', bk]);
    immutable = true;
    app = await openApp({ dbFile: join(tmp, 'rampart.sqlite3') });
  }, 240_000);

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      if (immutable) execFileSync('chattr', ['-i', bk]);
      if (lab) await destroyLabHost(lab).catch(() => undefined);
      if (lab) rmSync(plantRootOf(lab.name), { recursive: true, force: true });
      removeJobBackups(jobs);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  step('select three findings, choose "Stop" in the preview, confirm: fix 1 applied and verified, fix 2 rolled back, fix 3 not run; partial', async () => {
    const p = page();
    const l = lab!;
    const host = unwrap(
      await app!.call<Host>('hosts', 'add', {
        name: NAME,
        address: l.address,
        port: l.port,
        username: l.user,
        auth: 'key-file',
        identityFile: l.identityFile,
        sshdConfigPath: l.sshdConfigPath,
        scanRoots: [path.join(plantRootOf(l.name), 'srv')],
      }),
    );
    hostId = host.id;
    await p.reload();
    await p.getByTestId('host-row').filter({ hasText: NAME }).click();
    await trustKeyInUi(p);
    await p.getByTestId('run-audit').click();
    await visible(p.getByTestId('run-view'), 90_000);
    const [ka, kb, kc] = keys();
    for (const k of [ka, kb, kc]) await card(p, k).getByTestId('fix-select').check();
    await p.getByTestId('fix-selected').click();
    const dialog = await visible(p.getByTestId('fix-dialog'));
    await expect.poll(() => dialog.getAttribute('data-phase'), { timeout: 60_000 }).toBe('preview');
    const jobId = await text(dialog.getByTestId('fix-job-id'));
    jobs.add(jobId);
    expect(await dialog.getByTestId('fix-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-finding-id')))).toEqual([ka, kb, kc]);
    // Roll back everything is the default; the user picks Stop.
    expect(await dialog.getByTestId('fix-policy-rollback-all').isChecked()).toBe(true);
    await dialog.getByTestId('fix-policy-stop').check();
    expect(await dialog.getByTestId('fix-failure-policy').getAttribute('data-value')).toBe('stop');
    expect(await text(dialog.locator('[data-testid="fix-policy-option"][data-value="stop"]'))).toContain('the fixes verified before it stay applied and the ones after it are not run');
    for (const [f, s] of before) expect(snapAny(f), f).toEqual(s);

    await dialog.getByTestId('fix-confirm').click();
    const result = await visible(dialog.getByTestId('fix-result'), 120_000);
    expect(await result.getAttribute('data-status')).toBe('partial');
    expect(await text(dialog.getByTestId('fix-result-title'))).toMatch(/^Partly applied/);
    expect(await text(dialog.getByTestId('fix-result-message'))).toMatch(/fix 2 \(BACKUP-READABLE .*\): chmod\/chown of .* failed: .*Operation not permitted/);
    expect(await dialog.getByTestId('fix-result-policy').getAttribute('data-value')).toBe('stop');
    const outcomes = await dialog.getByTestId('fix-outcome').evaluateAll((els) => els.map((e) => [e.getAttribute('data-finding-id'), e.getAttribute('data-status'), e.querySelector('[data-testid="fix-outcome-text"]')?.textContent]));
    expect(outcomes).toEqual([
      [ka, 'applied', 'applied and verified'],
      [kb, 'rolled-back', 'rolled back: as before'],
      [kc, 'not-run', 'not run: nothing changed'],
    ]);
    // On disk: fix 1 applied; fix 2's dump chmod undone; the folder and fix 3 untouched.
    expect(snapAny(a)).toEqual({ ...before.get(a)!, mode: 0o600 });
    for (const f of [dump, bk, c]) expect(snapAny(f), f).toEqual(before.get(f));
    const dumpStep = dialog.locator('[data-testid="fix-step"]').filter({ hasText: `chmod-chown ${JSON.stringify(dump)}` });
    expect(await dumpStep.getAttribute('data-status')).toBe('undone');
    await shotOf(p, dialog, 'partial-stop');
    await dialog.getByTestId('fix-close').click();

    // Triage: only fix 1's finding is marked fixed.
    const fixedCard = p.getByTestId('not-counted').locator(`[data-testid="finding"][data-finding-id="${ka}"]`);
    await visible(fixedCard);
    expect(await fixedCard.getAttribute('data-status')).toBe('fixed');
    for (const k of [kb, kc]) expect(await card(p, k).getAttribute('data-status')).toBe('open');

    // The history: the job is partial, and each fix says where it stands.
    await p.getByTestId('open-fix-history').click();
    const row = p.locator(`[data-testid="fix-job-row"][data-job-id="${jobId}"]`);
    await visible(row);
    expect(await row.getAttribute('data-status')).toBe('partial');
    expect(await text(row.getByTestId('fix-job-outcome'))).toBe('partly applied');
    expect(await row.getByTestId('fix-job-policy').getAttribute('data-value')).toBe('stop');
    expect(await row.getByTestId('fix-job-fix').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')))).toEqual(['applied', 'rolled-back', 'not-run']);
    expect(await row.getByTestId('fix-job-fix-outcome').allTextContents()).toEqual(['applied and verified', 'rolled back: as before', 'not run: nothing changed']);
    expect(await text(row.getByTestId('fix-job-fix-detail').first())).toMatch(/Operation not permitted/);
    const hist = unwrap(await app!.call<FixJobSummary[]>('remediation', 'history', { hostId }));
    expect(hist[0]).toMatchObject({ jobId, status: 'partial', onFailure: 'stop' });
    expect(hist[0]!.fixes.map((f) => f.outcome)).toEqual(['applied', 'rolled-back', 'not-run']);
    await shot(p, 'history-partial');
  });
});
