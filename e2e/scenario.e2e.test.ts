// The whole-server `vulnerable` lab scenario (lab/scenario.ts: planted files and accounts, weak
// sshd, ufw with default allow, public database ports, Postfix open relay, WireGuard, a dockerd
// with the vulnerable container set) audited from the built renderer in Chromium, as an admin
// would: add the host with its scan root, trust its key, run the audit. The run view must group
// the findings of every category with each category's grade, show evidence and remediation for
// container, secret and mail findings, and hold none of the planted secret values.
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { labComposeAvailable, labDockerPrerequisites } from '../lab/docker';
import { labPrerequisites } from '../lab/lab';
import { createScenarioHost, destroyScenarioHost, type ScenarioHost } from '../lab/scenario';
import { missingServiceTools } from '../lab/services';
import type { RunDetail } from '../src/shared/domain';
import { ensureBuilt, openApp, resetScreenshots, shot, type App } from './harness';
import { card, checkGroups, pageOf, stepper, text, unwrap, visible, addLabHostInUi, trustKeyInUi } from './steps';

const ready = labPrerequisites().ok && labDockerPrerequisites().ok && labComposeAvailable() && missingServiceTools().length === 0;
const available = ready || process.env.RAMPART_LAB_REQUIRED === '1';

describe.skipIf(!available)('the whole-server vulnerable scenario, audited from the UI', () => {
  let tmp = '';
  let app: App | null = null;
  let lab: ScenarioHost | null = null;
  let run!: RunDetail;
  const step = stepper(() => app);
  const page = (): Page => pageOf(app);

  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('scenario');
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-scenario-'));
    chmodSync(tmp, 0o755); // the scenario's Postfix must reach its queue below
    lab = await createScenarioHost('vulnerable', tmp);
    app = await openApp({ dbFile: join(tmp, 'rampart.sqlite3') });
  });

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      if (lab) await destroyScenarioHost(lab).catch(() => undefined);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  step('add the host with its scan root, trust its key, audit: a complete run graded F', async () => {
    const p = page();
    const h = lab!.host;
    await addLabHostInUi(p, h, 'vuln-server', lab!.scanRoots);
    await trustKeyInUi(p);
    await p.getByTestId('run-audit').click();
    const view = await visible(p.getByTestId('run-view'), 110_000);
    await visible(p.getByTestId('finding').first());
    run = unwrap(await app!.call<RunDetail>('runs', 'get', { runId: (await view.getAttribute('data-run-id'))! }));
    expect(run.status).toBe('complete');
    expect(run.errors).toEqual([]);
    expect(await text(p.getByTestId('grade'))).toBe('F');
    expect(run.score!.grade).toBe('F');
    await shot(p, 'vulnerable-server-run');
  });

  step('every category has its group of findings with its grade; the formula is next to the grade', async () => {
    const p = page();
    await checkGroups(p, run);
    const shown = await Promise.all((await p.getByTestId('findings').getByTestId('finding-group').all()).map((g) => g.getAttribute('data-category')));
    expect(shown.sort()).toEqual(['access', 'backups', 'containers', 'cve', 'mail', 'network', 'permissions', 'secrets', 'ssh', 'system', 'vpn']);
    expect(await text(p.getByTestId('grade-formula'))).toMatch(/Per category/);
  });

  step('container, secret, mail and VPN findings show where, evidence and what to do', async () => {
    const p = page();
    const findings = p.getByTestId('findings');
    for (const [checkId, resource, evidence, remediation] of [
      ['DOCKER-PRIVILEGED', 'container:v-privileged', /privileged/i, /privileged/i],
      ['SECRETS-CONTAINER-ENV', 'container:v-secrets:DB_PASSWORD', /value not shown/, /secret/i],
      ['MAIL-OPEN-RELAY-MYNETWORKS', 'mynetworks', /0\.0\.0\.0\/0/, /mynetworks/],
      ['VPN-WG-CONFIG-READABLE', `/etc/wireguard/${lab!.wgInterface}.conf`, /world-readable/, /chmod 600|600/],
    ] as const) {
      const c = card(findings, checkId).filter({ hasText: resource }).first();
      await visible(c);
      expect(await text(c.getByTestId('finding-resource')), checkId).toContain(resource);
      expect(await text(c.getByTestId('finding-evidence')), checkId).toMatch(evidence);
      expect(await text(c.getByTestId('finding-remediation')), checkId).toMatch(remediation);
    }
  });

  step('no planted secret value is anywhere on the page', async () => {
    const html = await page().content();
    const planted = lab!.canaries.filter((s) => s.length >= 12);
    expect(planted.length).toBeGreaterThan(10);
    for (const s of [...planted, ...lab!.wgPrivateKeys]) expect(html.includes(s), `page holds ${s.slice(0, 16)}…`).toBe(false);
  });
});
