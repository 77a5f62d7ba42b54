// Helpers every e2e suite uses: result unwrapping, locator text and waits, finding cards, the
// category groups check, and test steps that screenshot a failure and fail on any page problem.
import type { LabHost } from '../lab/lab';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { RunDetail } from '../src/shared/domain';
import type { Result } from '../src/shared/errors';
import { shot, type App } from './harness';

export function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
}

export async function text(l: Locator): Promise<string> {
  return ((await l.textContent()) ?? '').trim();
}

export async function visible(l: Locator, timeout = 15_000): Promise<Locator> {
  await l.waitFor({ state: 'visible', timeout });
  return l;
}

export function card(scope: Page | Locator, checkId: string): Locator {
  return scope.locator(`[data-testid="finding"][data-check-id="${checkId}"]`);
}

/** The app's page, or a clear error when the app did not start (so a step fails, not crashes). */
export function pageOf(app: App | null): Page {
  if (!app) throw new Error('the app did not start');
  return app.page;
}

/**
 * `step(name, fn)`: a test that screenshots the page when it fails, and fails if the page logged
 * a console error, a page error, a CSP violation or a failed request meanwhile.
 */
export function stepper(app: () => App | null): (name: string, fn: () => Promise<void>) => void {
  return (name, fn) => {
    it(name, async () => {
      try {
        await fn();
      } catch (e) {
        const a = app();
        if (a) await shot(a.page, `FAILED-${name.slice(0, 40)}`).catch(() => undefined);
        throw e;
      }
      expect(app()?.problems.splice(0) ?? [], 'console errors, page errors, CSP violations or failed requests').toEqual([]);
    });
  };
}

/** Every open finding sits in the group of its category, whose grade and score match the category table. */
export async function checkGroups(page: Page, run: RunDetail): Promise<void> {
  const groups = await page.getByTestId('findings').getByTestId('finding-group').all();
  const open = run.findings.filter((f) => f.status === 'open');
  expect(new Set(await Promise.all(groups.map((g) => g.getAttribute('data-category'))))).toEqual(new Set(open.map((f) => f.category)));
  for (const g of groups) {
    const cat = (await g.getAttribute('data-category'))!;
    const expected = run.score!.categories[cat];
    if (expected) {
      expect(await text(g.getByTestId('group-grade')), `grade of ${cat}`).toBe(expected.grade);
      expect(await text(g.getByTestId('group-score')), `score of ${cat}`).toBe(expected.score.toFixed(1));
      const row = page.locator(`[data-testid="category-row"][data-category="${cat}"]`);
      expect(await text(row.getByTestId('category-grade'))).toBe(expected.grade);
    }
    const cards = await g.getByTestId('finding').all();
    expect(cards.length).toBe(open.filter((f) => f.category === cat).length);
    for (const c of cards) expect(await c.getAttribute('data-status')).toBe('open');
  }
}

/** Adds a lab host through the host form (name, address, port, user, key file, sshd_config, scan roots) and opens it. */
export async function addLabHostInUi(page: Page, host: Pick<LabHost, 'address' | 'port' | 'user' | 'identityFile' | 'sshdConfigPath'>, name: string, scanRoots: readonly string[] = []): Promise<void> {
  await page.getByTestId('add-host').click();
  await page.getByTestId('host-name').fill(name);
  await page.getByTestId('host-address').fill(host.address);
  await page.getByTestId('host-port').fill(String(host.port));
  await page.getByTestId('host-user').fill(host.user);
  await page.getByTestId('host-identity').fill(host.identityFile);
  await page.getByTestId('host-sshd-config').fill(host.sshdConfigPath);
  if (scanRoots.length) await page.getByTestId('host-scan-roots').fill(scanRoots.join('\n'));
  await page.getByTestId('host-save').click();
  await page.getByTestId('host-row').filter({ hasText: name }).click();
}

/**
 * Connect → the fingerprint prompt → Trust, until the key shows as pinned. With `fingerprints`
 * (the lab host's, by key type) the shown fingerprint must be the one the host presents.
 */
export async function trustKeyInUi(page: Page, fingerprints?: Record<string, string>): Promise<void> {
  await page.getByTestId('connect').click();
  await visible(page.getByTestId('fingerprint-prompt'));
  if (fingerprints) expect(await text(page.getByTestId('fingerprint'))).toBe(fingerprints[await text(page.getByTestId('key-type'))]);
  await page.getByTestId('trust-key').click();
  await visible(page.getByTestId('key-match'));
}

