// The fleet dashboard (issue 14 item 1) in the built renderer over the real handler table: a
// database filled through the Store API (test/support/reportStore.ts: web-1 with three runs and
// triage, a target without a profile) plus a host audited recently (two runs: one new, one
// resolved) and a host never audited. Every number on screen is checked against the stored runs,
// and each click target opens the run behind it. Screenshots in e2e/screenshots/dashboard/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { fillStore, finding, saveRun } from '../test/support/reportStore';
import { Store } from '../src/main/store/store';
import type { RunDetail } from '../src/shared/domain';
import type { HostTrend } from '../src/shared/ipc/dashboard';
import { ensureBuilt, openApp, resetScreenshots, shot, type App } from './harness';
import { pageOf, stepper, text, visible } from './steps';

describe('Fleet dashboard', () => {
  let tmp = '';
  let app: App | null = null;
  let dbFile = '';
  let web: RunDetail;
  let mx: RunDetail;
  const page = (): Page => pageOf(app);
  const step = stepper(() => app);
  const row = (host: string) => page().locator(`[data-testid="fleet-host"][data-host="${host}"]`);

  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('dashboard');
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-dashboard-'));
    dbFile = join(tmp, 'rampart.sqlite3');
    const { store } = fillStore(dbFile);
    store.addHost({ name: 'db-1', address: '10.9.0.4', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
    const h = store.addHost({ name: 'mx-1', address: '10.9.0.5', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
    const pw = finding('SSH-PASSWORD-AUTH', 'sshd:PasswordAuthentication', {}, 'mx-1');
    const fw = finding('NET-FIREWALL-INACTIVE', 'ufw', {}, 'mx-1');
    const reboot = finding('SYS-REBOOT-REQUIRED', '/var/run/reboot-required', {}, 'mx-1');
    const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();
    saveRun(store, { id: 'mx-run-1', hostId: h.id, name: 'mx-1', address: '10.9.0.5', startedAt: ago(3 * 86_400_000), findings: [pw, fw], passing: ['SSH-WEAK-KEX', 'BACKUP-NONE'] });
    saveRun(store, { id: 'mx-run-2', hostId: h.id, name: 'mx-1', address: '10.9.0.5', startedAt: ago(2 * 3_600_000), findings: [fw, reboot], passing: ['SSH-WEAK-KEX', 'SSH-PASSWORD-AUTH', 'BACKUP-NONE'] });
    store.close();
    const read = new Store(dbFile);
    web = read.getRun('run-latest');
    mx = read.getRun('mx-run-2');
    read.close();
    app = await openApp({ dbFile });
  });

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  step('Fleet lists every host with its latest grade, score, age and change since the run before', async () => {
    await page().getByTestId('nav-dashboard').click();
    await visible(page().getByTestId('dashboard-screen'));
    await visible(row('web-1'));
    const names = await page().getByTestId('fleet-host').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-host')));
    expect(names).toEqual(['db-1', 'mx-1', 'web-1', '10.9.0.3']);
    expect(await text(page().getByTestId('dashboard-summary'))).toMatch(/^4 hosts · 3 audited · 2 stale · 9 open findings · as of /);

    expect(await text(row('web-1').getByTestId('fleet-grade'))).toBe(web.score!.grade);
    expect(await text(row('web-1').getByTestId('fleet-score'))).toBe(web.score!.overall.toFixed(1));
    expect(await text(row('web-1').getByTestId('fleet-freshness'))).toBe('stale');
    expect(await row('web-1').locator('[data-testid="fleet-since"] .changes').getAttribute('data-new')).toBe('6');
    expect(await text(row('web-1').getByTestId('fleet-new'))).toBe('+6 new');
    expect(await text(row('web-1').getByTestId('fleet-resolved'))).toBe('−0 resolved');
    // No click target behind a zero.
    expect(await row('web-1').locator('button[data-testid="fleet-resolved"]').count()).toBe(0);
    const webOpen = await row('web-1').getByTestId('fleet-open-count').evaluateAll((b) => b.map((x) => `${x.getAttribute('data-severity')}:${x.textContent}`));
    expect(webOpen).toEqual(['critical:◆ 2 critical', 'high:▲ 4 high']);

    expect(await text(row('mx-1').getByTestId('fleet-grade'))).toBe(mx.score!.grade);
    expect(await text(row('mx-1').getByTestId('fleet-freshness'))).toBe('fresh');
    expect(await text(row('mx-1').getByTestId('fleet-age'))).toContain('2 h ago');
    expect(await text(row('mx-1').getByTestId('fleet-new'))).toBe('+1 new');
    expect(await text(row('mx-1').getByTestId('fleet-resolved'))).toBe('−1 resolved');

    expect(await text(row('db-1'))).toContain('never audited');
    expect(await row('db-1').locator('button[data-testid="fleet-grade"]').count()).toBe(0);
    expect(await text(row('10.9.0.3'))).toContain('no profile');
    expect(await text(row('10.9.0.3').getByTestId('fleet-since'))).toBe('first audit');

    // Score change: the largest share in the row; every category once the disclosure opens
    // (fetched then: dashboard:trend's breakdown for the same run).
    const trend = await app!.call<HostTrend>('dashboard', 'trend', { runId: 'mx-run-2' });
    if (!trend.ok) throw new Error(trend.error.message);
    const parts = trend.data.scoreChange!.parts;
    expect(parts.map((p) => p.category)).toEqual(expect.arrayContaining(['ssh', 'system']));
    const change = row('mx-1').getByTestId('fleet-score-change');
    expect(await text(change.getByTestId('fleet-score-reason'))).toBe(parts[0]!.text.replace(/^[^:]*: /, ''));
    expect(await text(change.locator('summary'))).toContain(`+${parts.length - 1} more`);
    expect(await change.getByTestId('attribution-part').count()).toBe(0);
    await change.locator('summary').click();
    await expect.poll(() => change.getByTestId('attribution-part').count()).toBe(parts.length);
    expect(await change.getByTestId('attribution-part').evaluateAll((els) => els.map((e) => e.textContent))).toEqual(parts.map((p) => p.text));
    await shot(page(), 'fleet');
  });

  step('the chart, trend and priority matrix are drawn from the visit\'s answer; a host\'s bar is its open findings by severity and opens its run', async () => {
    const screen = page().getByTestId('dashboard-screen');
    const chart = await visible(page().getByTestId('fleet-chart'));
    const bars = chart.getByTestId('fleet-bar');
    // Hosts with a run, in the table's order (db-1 was never audited).
    await expect.poll(() => bars.evaluateAll((els) => els.map((e) => e.getAttribute('data-host')))).toEqual(['mx-1', 'web-1', '10.9.0.3']);
    const segments = (host: string) =>
      chart.locator(`[data-testid="fleet-bar"][data-host="${host}"] rect`).evaluateAll((els) => els.map((e) => `${e.getAttribute('data-severity')}:${e.getAttribute('data-count')}`));
    const openOf = (r: RunDetail) => ['critical', 'high', 'medium', 'low', 'info'].flatMap((s) => {
      const n = r.findings.filter((f) => f.severity === s && f.status === 'open').length;
      return n > 0 ? [`${s}:${n}`] : [];
    });
    expect(await segments('web-1')).toEqual(openOf(web));
    expect(await segments('mx-1')).toEqual(openOf(mx));
    expect(await segments('10.9.0.3')).toEqual(['high:1']);
    // Segments split the bar by their counts: web-1's critical segment is half its high one.
    const widths = await chart.locator('[data-testid="fleet-bar"][data-host="web-1"] rect').evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))));
    expect(widths[0]! * 2).toBeCloseTo(widths[1]!, 3);
    // Every panel names the fleet answer it shows: this visit's.
    const generatedAt = await screen.getAttribute('data-generated-at');
    for (const panel of ['chart', 'trend', 'priority']) await expect.poll(() => page().getByTestId(`drawn-${panel}`).getAttribute('data-from')).toBe(generatedAt);
    // The matrix's fleet counts (from the fleet answer) are dashboard:priority's.
    const prio = await app!.call<{ cells: Array<{ severity: string; effort: string; count: number }> }>('dashboard', 'priority', { limit: 0 });
    if (!prio.ok) throw new Error(prio.error.message);
    for (const c of prio.data.cells)
      expect(await page().locator(`[data-testid="prio-cell"][data-severity="${c.severity}"][data-effort="${c.effort}"]`).getAttribute('data-count'), `${c.severity} ${c.effort}`).toBe(String(c.count));
    await chart.locator('[data-testid="fleet-bar"][data-host="mx-1"] rect').first().click();
    expect(await (await visible(page().getByTestId('run-view'))).getAttribute('data-run-id')).toBe(mx.id);
    await page().getByTestId('nav-dashboard').click();
    await visible(row('web-1'));
  });

  step('findings by severity × status add up over the latest runs; a count lists its hosts and opens the run', async () => {
    const cell = (sev: string, st: string) => page().locator(`[data-testid="matrix-row"][data-severity="${sev}"] [data-testid="matrix-cell"][data-status="${st}"]`);
    // web-1: 2 critical + 4 high open, one medium accepted, one false positive; mx-1: high (firewall) and medium (reboot) open; 10.9.0.3: one high.
    const expected = (sev: string, st: string): number =>
      [web, mx].flatMap((r) => r.findings).filter((f) => f.severity === sev && f.status === st).length + (sev === 'high' && st === 'open' ? 1 : 0);
    for (const sev of ['critical', 'high', 'medium', 'low', 'info'])
      for (const st of ['open', 'accepted', 'false-positive', 'fixed']) expect(await cell(sev, st).getAttribute('data-count'), `${sev} ${st}`).toBe(String(expected(sev, st)));
    expect(await cell('high', 'open').getAttribute('data-count')).toBe('6');
    expect(await cell('low', 'open').locator('button').count()).toBe(0);
    // Severity reads as shape and word, not colour alone.
    expect(await text(page().locator('[data-testid="matrix-row"][data-severity="critical"] th'))).toBe('◆critical');

    await cell('high', 'open').locator('button').click();
    const list = await visible(page().getByTestId('matrix-hosts'));
    expect(await list.getByTestId('matrix-host').evaluateAll((b) => b.map((x) => x.textContent))).toEqual([
      'mx-1: 1 in its latest run',
      'web-1: 4 in its latest run',
      '10.9.0.3: 1 in its latest run',
    ]);
    await shot(page(), 'matrix-high-open');
    await list.locator('[data-host="web-1"]').click();
    await visible(page().getByTestId('run-view'));
    expect(await page().locator('[data-testid="run-diff"]').getAttribute('data-state', { timeout: 10_000 })).toBeTruthy();
  });

  step('the heat map shows each host’s category grades from its latest run; a cell lists its findings in the workbench', async () => {
    await page().getByTestId('nav-dashboard').click();
    const heat = await visible(page().getByTestId('fleet-heatmap'));
    for (const run of [web, mx]) {
      const host = run.hostName;
      for (const [cat, c] of Object.entries(run.score!.categories))
        expect(await heat.locator(`[data-testid="heat-row"][data-host="${host}"] [data-testid="heat-cell"][data-category="${cat}"]`).getAttribute('data-grade'), `${host} ${cat}`).toBe(c.grade);
    }
    // A category mx-1's run did not grade is "n/a", not a button.
    const notGraded = Object.keys(web.score!.categories).find((c) => !(c in mx.score!.categories));
    expect(notGraded).toBeTruthy();
    const naCell = heat.locator(`[data-testid="heat-row"][data-host="mx-1"] [data-testid="heat-cell"][data-category="${notGraded}"]`);
    expect(await text(naCell)).toBe('n/a');
    expect(await naCell.locator('button').count()).toBe(0);
    await heat.locator('[data-testid="heat-row"][data-host="mx-1"] [data-testid="heat-cell"][data-category="ssh"] button').scrollIntoViewIfNeeded();
    await shot(page(), 'heatmap');
    // The findings behind a grade: the workbench filtered to that host and category.
    const cat = mx.findings.find((f) => f.checkId === 'NET-FIREWALL-INACTIVE')!.category;
    await heat.locator(`[data-testid="heat-row"][data-host="mx-1"] [data-testid="heat-cell"][data-category="${cat}"] button`).click();
    const table = await visible(page().locator('[data-testid="workbench-table"][data-state="ready"]'));
    expect(Number(await table.getAttribute('data-total'))).toBe(mx.findings.filter((f) => f.category === cat).length);
    expect(new Set(await page().getByTestId('workbench-row').evaluateAll((r) => r.map((x) => x.getAttribute('data-host'))))).toEqual(new Set(['mx-1']));
  });

  step('a host’s grade opens its latest run; "+1 new" opens the run whose diff lists it', async () => {
    await page().getByTestId('nav-dashboard').click();
    await row('web-1').getByTestId('fleet-grade').click();
    await visible(page().getByTestId('run-view'));
    expect(await page().getByTestId('run-view').getAttribute('data-run-id')).toBe('run-latest');

    await page().getByTestId('nav-dashboard').click();
    await row('mx-1').getByTestId('fleet-new').click();
    await visible(page().locator('[data-testid="run-diff"][data-state="ready"]'));
    expect(await page().locator('[data-testid="diff-item"][data-kind="new"]').evaluateAll((r) => r.map((x) => x.getAttribute('data-check-id')))).toEqual(['SYS-REBOOT-REQUIRED']);
    expect(await page().locator('[data-testid="diff-item"][data-kind="resolved"]').evaluateAll((r) => r.map((x) => x.getAttribute('data-check-id')))).toEqual(['SSH-PASSWORD-AUTH']);
    await shot(page(), 'mx-1-run-from-dashboard');
  });
});
