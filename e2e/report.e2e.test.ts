// The run screen's "Report" action (issue 14 item 5) in the built renderer over the real handler
// table: a database filled through the Store API (test/support/reportStore.ts: a host with three
// runs, an accepted risk, hostile finding text), the latest run opened from the Runs list, a full
// HTML report and an action plan in Markdown written by the main process into the reports folder
// beside the database; the file is read back. Screenshots in e2e/screenshots/report/.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { fillStore } from '../test/support/reportStore';
import { ensureBuilt, openApp, resetScreenshots, shot, type App } from './harness';
import { pageOf, stepper, text, visible } from './steps';

describe('Report from the run screen', () => {
  let tmp = '';
  let app: App | null = null;
  let dbFile = '';
  const page = (): Page => pageOf(app);
  const step = stepper(() => app);

  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('report');
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-report-'));
    dbFile = join(tmp, 'rampart.sqlite3');
    fillStore(dbFile).store.close();
    app = await openApp({ dbFile });
  });

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  step('the latest run of web-1 shows the Report action', async () => {
    await page().getByTestId('nav-runs').click();
    await (await visible(page().locator('[data-testid="run-row"][data-run-id="run-latest"]'))).click();
    await visible(page().getByTestId('run-view'));
    await visible(page().getByTestId('report-action'));
    expect(await page().getByTestId('report-save').textContent()).toBe('Report');
  });

  step('a full HTML report is written beside the database, escaped, and named on screen', async () => {
    await page().getByTestId('report-kind').selectOption('full');
    await page().getByTestId('report-format').selectOption('html');
    await page().getByTestId('report-save').click();
    const saved = await visible(page().getByTestId('report-saved'));
    const line = await text(saved);
    const file = /Saved (\S+\.html)/.exec(line)?.[1];
    expect(file, line).toBeTruthy();
    expect(dirname(file!)).toBe(join(tmp, 'reports'));
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const html = readFileSync(file!, 'utf8');
    expect(html).toContain('Security audit report: web-1');
    expect(html).toContain('container:&lt;script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(line).toMatch(/grade [A-F+]+, 6 open findings/);
    await shot(page(), 'run-report-saved');
  });

  step('the action plan as Markdown: ACTION_PLAN_TODO with a checkbox per open finding', async () => {
    await page().getByTestId('report-kind').selectOption('action-plan');
    await page().getByTestId('report-format').selectOption('md');
    await page().getByTestId('report-save').click();
    const saved = await visible(page().getByTestId('report-saved').filter({ hasText: /ACTION_PLAN_TODO-\S+\.md/ }));
    const file = /Saved (\S+\.md)/.exec(await text(saved))![1]!;
    const md = readFileSync(file, 'utf8');
    expect(md.split('\n').filter((l) => l.startsWith('- [ ] '))).toHaveLength(6);
    await shot(page(), 'run-report-action-plan');
  });
});
