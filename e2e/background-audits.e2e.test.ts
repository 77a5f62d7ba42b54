// Several audits at once from the UI (issue 14, item 7): a fleet audit by tag runs in the
// background, a few at a time with the rest queued; each audit has its progress and its Cancel in
// the top bar's audits panel; hosts that hang are reported on their own, not as a banner; a Trivy
// report attached to a host feeds its audit's CVE checks, and a wrong file is refused before any
// connection. Real lab hosts; a "hanging" host is one whose sshd is stopped (SIGSTOP): the kernel
// still accepts the TCP connection, but no SSH banner ever comes.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import type { Host, RunDetail, RunSummary } from '../src/shared/domain';
import type { HostKeyProbe } from '../src/shared/ipc/hosts';
import { ensureBuilt, openApp, REPO_ROOT, resetScreenshots, shot, type App } from './harness';
import { pageOf, stepper, text, unwrap, visible } from './steps';

const pre = labPrerequisites();
const available = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';

const TRIVY_FIXTURE = resolve(REPO_ROOT, 'src/main/audit/__fixtures__/cve/trivy-app.json');
const NOT_TRIVY_FIXTURE = resolve(REPO_ROOT, 'src/main/audit/__fixtures__/cve/trivy-not-trivy.json');

describe.skipIf(!available)('background audits: a fleet audit by tag, queue, cancel, Trivy reports', () => {
  let tmp = '';
  let app: App | null = null;
  const labs: LabHost[] = [];
  const ids: Record<string, number> = {};
  const stopped = new Set<number>();
  const step = stepper(() => app);
  const page = (): Page => pageOf(app);

  const stop = (h: LabHost): void => {
    process.kill(h.pid, 'SIGSTOP');
    stopped.add(h.pid);
  };
  const cont = (h: LabHost): void => {
    process.kill(h.pid, 'SIGCONT');
    stopped.delete(h.pid);
  };
  const runsOf = async (name: string): Promise<RunSummary[]> => unwrap(await app!.call<RunSummary[]>('runs', 'list', { hostId: ids[name], limit: 50 }));

  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('background-audits');
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-bg-'));
    for (let i = 0; i < 4; i++) labs.push(await createLabHost({ scenario: 'hardened' }));
    app = await openApp({ dbFile: join(tmp, 'rampart.sqlite3') });
    // Hosts and their pinned keys through the API: adding hosts in the UI is covered elsewhere.
    for (const [i, h] of labs.entries()) {
      const name = `web-${i + 1}`;
      const host = unwrap(
        await app.call<Host>('hosts', 'add', {
          name,
          address: h.address,
          port: h.port,
          username: h.user,
          identityFile: h.identityFile,
          sshdConfigPath: h.sshdConfigPath,
          tags: ['web'],
        }),
      );
      ids[name] = host.id;
      const probe = unwrap(await app.call<HostKeyProbe>('hosts', 'probeKey', { hostId: host.id }));
      expect(h.hostKeyFingerprints[probe.keyType]).toBe(probe.fingerprint);
      unwrap(await app.call('hosts', 'trustKey', { hostId: host.id, keyType: probe.keyType, fingerprint: probe.fingerprint }));
    }
    // One host the fleet must leave out: no trusted key (another port: keys are pinned per endpoint).
    const spare = unwrap(await app.call<Host>('hosts', 'add', { name: 'web-untrusted', address: labs[0]!.address, port: 2222, username: labs[0]!.user, identityFile: labs[0]!.identityFile, tags: ['web'] }));
    ids['web-untrusted'] = spare.id;
    await app.reload();
  });

  afterAll(async () => {
    for (const h of labs) if (stopped.has(h.pid)) cont(h);
    try {
      await app?.close();
    } finally {
      for (const h of labs) await destroyLabHost(h).catch(() => undefined);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  step('the fleet dialog previews the tagged hosts: four audited, the untrusted one left out with why', async () => {
    const p = page();
    await p.getByTestId('nav-hosts').click();
    await p.getByTestId('fleet-audit').click();
    const dialog = await visible(p.getByTestId('fleet-audit-dialog'));
    await dialog.getByTestId('fleet-scope-tag').check();
    await dialog.getByTestId('fleet-tag').selectOption('web');
    const rows = dialog.getByTestId('fleet-preview-row');
    await expect.poll(() => rows.count()).toBe(5);
    expect(await dialog.locator('[data-testid="fleet-preview-row"][data-runs="yes"]').count()).toBe(4);
    const left = dialog.locator('[data-testid="fleet-preview-row"][data-host="web-untrusted"]');
    expect(await left.getAttribute('data-runs')).toBe('no');
    expect(await text(left)).toMatch(/left out: no trusted host key/);
    expect(await text(dialog.getByTestId('fleet-start'))).toBe('Audit 4 hosts');
    await shot(p, 'fleet-dialog-preview');
  });

  step('three audits run at once and the fourth waits; cancelling one lets the queued one run and finish', async () => {
    const p = page();
    // web-1..3 hang at the SSH banner; web-4 answers.
    for (const h of labs.slice(0, 3)) stop(h);
    await p.getByTestId('fleet-start').click();
    expect(await text(p.getByTestId('fleet-started'))).toMatch(/^4 audits started in the background/);
    await p.getByTestId('fleet-close').click();

    const pill = p.getByTestId('job-indicator');
    await expect.poll(() => text(pill)).toBe('Auditing 3 hosts · 1 queued');
    await pill.click();
    const panel = await visible(p.getByTestId('jobs-panel'));
    await expect.poll(() => panel.getByTestId('job-row').count()).toBe(4);
    expect(await panel.locator('[data-testid="job-row"][data-host="web-4"]').getAttribute('data-phase')).toBe('queued');
    for (const n of ['web-1', 'web-2', 'web-3']) expect(await panel.locator(`[data-testid="job-row"][data-host="${n}"]`).getAttribute('data-phase')).not.toBe('queued');
    await shot(p, 'jobs-panel-three-running-one-queued');

    await panel.locator('[data-testid="job-row"][data-host="web-1"]').getByTestId('job-cancel').click();
    // web-1's slot goes to web-4, which completes: a run stored, no banner.
    await expect.poll(async () => (await runsOf('web-4')).length, { timeout: 60_000 }).toBe(1);
    expect((await runsOf('web-4'))[0]!.status).toBe('complete');
    await expect.poll(() => panel.locator('[data-testid="job-row"][data-host="web-1"]').count()).toBe(0);
    expect(await runsOf('web-1')).toHaveLength(0);
    // The user stayed on the hosts screen: a background audit does not pull them to its run.
    expect(await p.getByTestId('hosts-screen').count()).toBe(1);
  });

  step('hosts that never answer fail on their own rows (timeout), without a banner over the screen', async () => {
    const p = page();
    await expect.poll(() => p.getByTestId('job-indicator').count(), { timeout: 60_000 }).toBe(0);
    for (const h of labs.slice(0, 3)) cont(h);
    expect(await p.getByTestId('error-banner').count()).toBe(0);
    for (const [name, kind] of [
      ['web-1', 'cancelled'],
      ['web-2', 'failed'],
    ] as const) {
      await p.getByTestId('nav-hosts').click();
      await p.getByTestId('host-row').filter({ hasText: name }).first().click();
      const outcome = await visible(p.getByTestId('audit-outcome'));
      expect(await outcome.getAttribute('data-kind')).toBe(kind);
      if (kind === 'failed') expect(await text(outcome)).toMatch(/Audit failed: .*(time|banner|handshake)/i);
    }
    await shot(p, 'host-audit-timed-out');
  });

  step('a fleet audit of every trusted host completes: one new run each', async () => {
    const p = page();
    await p.getByTestId('nav-hosts').click();
    await p.getByTestId('fleet-audit').click();
    await p.getByTestId('fleet-scope-all').check();
    await p.getByTestId('fleet-start').click();
    await p.getByTestId('fleet-close').click();
    await expect.poll(() => p.getByTestId('job-indicator').count(), { timeout: 90_000 }).toBe(0);
    for (const n of ['web-1', 'web-2', 'web-3']) expect((await runsOf(n)).map((r) => r.status), n).toEqual(['complete']);
    expect(await runsOf('web-4')).toHaveLength(2);
    expect(await p.getByTestId('error-banner').count()).toBe(0);
  });

  step('a file that is not a Trivy report fails the audit at once, naming the file; nothing is stored', async () => {
    const p = page();
    const bad = join(tmp, 'not-a-report.json');
    copyFileSync(NOT_TRIVY_FIXTURE, bad);
    await p.getByTestId('nav-hosts').click();
    await p.getByTestId('host-row').filter({ hasText: 'web-3' }).first().click();
    await p.getByTestId('trivy-toggle').click();
    await p.getByTestId('trivy-path').fill('relative/report.json');
    await p.getByTestId('trivy-attach').click();
    expect(await text(p.getByTestId('trivy-error'))).toMatch(/full path/);
    await p.getByTestId('trivy-path').fill(bad);
    await p.getByTestId('trivy-attach').click();
    await expect.poll(() => p.getByTestId('trivy-item').count()).toBe(1);
    await p.getByTestId('run-audit').click();
    const outcome = await visible(p.getByTestId('audit-outcome'));
    expect(await outcome.getAttribute('data-kind')).toBe('failed');
    expect(await text(outcome)).toContain(`${bad} is not a Trivy JSON report`);
    expect(await runsOf('web-3')).toHaveLength(1);
  });

  step('an attached Trivy report feeds the CVE checks of the host audit', async () => {
    const p = page();
    const good = join(tmp, 'app-image.json');
    copyFileSync(TRIVY_FIXTURE, good);
    await p.getByTestId('trivy-item').getByRole('button').click(); // detach the bad one
    await p.getByTestId('trivy-path').fill(good);
    await p.getByTestId('trivy-attach').click();
    expect(await text(p.getByTestId('trivy-toggle'))).toBe('Trivy reports (1)…');
    await shot(p, 'trivy-report-attached');
    await p.getByTestId('run-audit').click();
    const view = await visible(p.getByTestId('run-view'), 60_000);
    const run = unwrap(await app!.call<RunDetail>('runs', 'get', { runId: (await view.getAttribute('data-run-id'))! }));
    const cve = run.findings.filter((f) => f.category === 'cve');
    expect(cve.some((f) => f.resource.includes('lab/app:1.4.2')), JSON.stringify(cve.map((f) => [f.checkId, f.resource]))).toBe(true);
    expect(cve.some((f) => f.checkId === 'CVE-SCAN-UNAVAILABLE')).toBe(false);
    await shot(p, 'run-with-trivy-report');
  });
});
