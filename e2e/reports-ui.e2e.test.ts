// The Reports screen (issue 14 item 5, the app side) in the built renderer over the real handler
// table, on a database filled through the Store API (test/support/reportStore.ts: hostile finding
// text, an accepted risk, two targets). The preview is the HTML report in a sandboxed srcdoc
// iframe under the app's CSP (any CSP violation fails a step); Save writes where the path is
// typed (no native dialog in the browser bridge). The PDF is printed by Chromium headless and its
// first page rendered with pdftoppm into the screenshots. Screenshots in e2e/screenshots/reports/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { fillStore } from '../test/support/reportStore';
import { ensureBuilt, openApp, resetScreenshots, SCREENSHOT_DIR, shot, type App } from './harness';
import { pageOf, stepper, text, visible } from './steps';

describe('Reports screen', () => {
  let tmp = '';
  let app: App | null = null;
  const page = (): Page => pageOf(app);
  const step = stepper(() => app);
  const frame = (): FrameLocator => page().frameLocator('[data-testid="report-preview-frame"]');

  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('reports');
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-reports-'));
    const dbFile = join(tmp, 'rampart.sqlite3');
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

  step('the fleet executive summary is previewed in a sandboxed iframe, styled, without a script', async () => {
    await page().getByTestId('nav-reports').click();
    await visible(page().getByTestId('reports-screen'));
    const iframe = await visible(page().getByTestId('report-preview-frame'));
    expect(await iframe.getAttribute('sandbox')).toBe('');
    expect(await text(page().getByTestId('report-preview-title'))).toMatch(/^Executive summary: fleet/);
    expect(await text(page().getByTestId('report-preview-open'))).toMatch(/open findings? · 2 targets$/);
    await visible(frame().locator('h1'));
    expect(await text(frame().locator('h1'))).toMatch(/^Executive summary: fleet/);
    // The report's one style sheet applies (allowed by its hash): severity colours are set.
    const colour = await frame().locator('.sev-critical').first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color);
    expect(colour).toBe('rgb(160, 0, 60)');
    expect(await frame().locator('script').count()).toBe(0);
    await shot(page(), 'fleet-executive-preview');
  });

  step('a host, full report: hostile finding text is shown as text in the preview', async () => {
    await page().getByTestId('report-scope-host').check();
    await page().getByTestId('report-host').selectOption('web-1');
    await page().getByTestId('report-preview-kind').selectOption('full');
    await expect.poll(async () => text(page().getByTestId('report-preview-title'))).toMatch(/^Security audit report: web-1/);
    await visible(frame().getByText('container:<script>alert("x")</script>').first());
    expect(await frame().locator('script, img').count()).toBe(0);
    expect(await page().evaluate('typeof window.x')).toBe('undefined');
    await shot(page(), 'host-full-preview');
  });

  step('the run screen opens the preview of its run', async () => {
    await page().getByTestId('nav-runs').click();
    await (await visible(page().locator('[data-testid="run-row"][data-run-id="run-other"]'))).click();
    await visible(page().getByTestId('run-view'));
    await page().getByTestId('report-open-preview').click();
    await visible(page().getByTestId('reports-screen'));
    expect(await page().getByTestId('report-scope-run').isChecked()).toBe(true);
    expect(await page().getByTestId('report-run').inputValue()).toBe('run-other');
    await expect.poll(async () => text(frame().locator('h1'))).toMatch(/10\.9\.0\.3/);
  });

  step('save as Markdown (action plan), JSON and CSV to typed paths; a relative path is refused', async () => {
    await page().getByTestId('report-scope-host').check();
    await page().getByTestId('report-host').selectOption('web-1');
    await page().getByTestId('report-preview-kind').selectOption('action-plan');
    await expect.poll(async () => text(page().getByTestId('report-preview-title'))).toMatch(/^ACTION_PLAN_TODO: web-1/);
    await page().getByTestId('report-save-format').selectOption('md');
    await page().getByTestId('report-save-path').fill('ACTION_PLAN_TODO.md');
    await page().getByTestId('report-save-as').click();
    expect(await text(await visible(page().getByTestId('report-save-error')))).toMatch(/not an absolute path/);
    const md = join(tmp, 'ACTION_PLAN_TODO.md');
    await page().getByTestId('report-save-path').fill(md);
    await page().getByTestId('report-save-as').click();
    expect(await text(await visible(page().getByTestId('report-save-result')))).toContain(`Saved ${md}`);
    expect(readFileSync(md, 'utf8').split('\n').filter((l) => l.startsWith('- [ ] '))).toHaveLength(6);
    expect(statSync(md).mode & 0o777).toBe(0o600);
    await page().getByTestId('report-scope-fleet').check();
    await page().getByTestId('report-preview-kind').selectOption('findings');
    await expect.poll(async () => text(page().getByTestId('report-preview-title'))).toMatch(/fleet/);
    for (const format of ['json', 'csv'] as const) {
      const file = join(tmp, `fleet-findings.${format}`);
      await page().getByTestId('report-save-format').selectOption(format);
      await page().getByTestId('report-save-path').fill(file);
      await page().getByTestId('report-save-as').click();
      await visible(page().getByTestId('report-save-result').filter({ hasText: file }));
    }
    expect(JSON.parse(readFileSync(join(tmp, 'fleet-findings.json'), 'utf8'))).toMatchObject({ schema: 'rampart.report/v1', kind: 'findings' });
    expect(readFileSync(join(tmp, 'fleet-findings.csv'), 'utf8').split('\r\n')[0]).toMatch(/severity/i);
    await shot(page(), 'saved');
  });

  step('save the full host report as PDF; its first page is rendered and shows the grade and a finding', async () => {
    await page().getByTestId('report-scope-host').check();
    await page().getByTestId('report-host').selectOption('web-1');
    await page().getByTestId('report-preview-kind').selectOption('full');
    await expect.poll(async () => text(page().getByTestId('report-preview-title'))).toMatch(/^Security audit report: web-1/);
    const pdf = join(tmp, 'web-1-full.pdf');
    await page().getByTestId('report-save-format').selectOption('pdf');
    await page().getByTestId('report-save-path').fill(pdf);
    await page().getByTestId('report-save-as').click();
    await visible(page().getByTestId('report-save-result').filter({ hasText: pdf }), 60_000);
    expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(Number(/Pages:\s+(\d+)/.exec(info.stdout)?.[1])).toBeGreaterThan(1);
    const txt = spawnSync('pdftotext', ['-f', '1', '-l', '1', pdf, '-'], { encoding: 'utf8' }).stdout;
    expect(txt).toMatch(/Security audit report: web-1/);
    expect(txt).toMatch(/Grade [A-F]\+? \(\d+(\.\d)?\/100\)/);
    expect(txt).toContain('Root can log in over SSH');
    const out = join(SCREENSHOT_DIR, 'reports', 'pdf-page1');
    const r = spawnSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, out]);
    expect(r.status).toBe(0);
    expect(statSync(`${out}.png`).size).toBeGreaterThan(10_000);
  });

  step('the preview in the dark theme (the report itself stays a light document)', async () => {
    await page().getByTestId('nav-settings').click();
    await page().getByTestId('theme-dark').check();
    await page().getByTestId('nav-reports').click();
    await visible(frame().locator('h1'));
    expect(await page().evaluate("document.documentElement.getAttribute('data-color-scheme')")).toBe('dark');
    await shot(page(), 'preview-dark');
  });
});
