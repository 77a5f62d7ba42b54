// "Export as Ansible" in the fix preview, end to end: the built renderer in Chromium over the real
// handler table and a real lab host with a planted world-readable secret. The host is added and
// trusted through the bridge (the connection flow has its own suite); then in the page: audit →
// Fix… → preview → Export as Ansible (the playbook shown, with the file's pre-check) → Save to a
// path → both files on disk → the preview is still confirmable and the file on the host untouched.
// Needs root for the lab and /usr/bin/chromium. Screenshots go to e2e/screenshots/remediation-ansible/.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { plantDir, plantFile, plantRootOf, plantOwnAccounts } from '../lab/plant';
import { findingKey } from '../src/main/audit/engine';
import type { Host } from '../src/shared/domain';
import { ensureBuilt, openApp, resetScreenshots, shot, type App } from './harness';
import { pageOf, stepper, text, unwrap, visible } from './steps';

const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';

describe.skipIf(!labAvailable)('Export as Ansible from the fix preview', () => {
  let tmp = '';
  let app: App | null = null;
  let lab: LabHost | null = null;
  let hostId = 0;
  let file = '';
  const page = (): Page => pageOf(app);
  const step = stepper(() => app);

  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('remediation-ansible');
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-ansible-'));
    lab = await createLabHost({
      scenario: 'hardened',
      network: {
        setup: async (ctx) => {
          plantOwnAccounts(ctx.name);
        },
      },
    });
    const root = plantRootOf(lab.name);
    plantDir(path.dirname(root), { mode: 0o755 });
    plantDir(root, { mode: 0o755 });
    const srv = plantDir(path.join(root, 'srv'), { mode: 0o755 });
    file = plantFile(path.join(srv, 'app', '.env'), 'API_TOKEN=rmp-e2e-ansible-not-a-secret\n', { mode: 0o644, uid: 1234, gid: 1234 });
    app = await openApp({ dbFile: join(tmp, 'rampart.sqlite3') });
    const added = unwrap(
      await app.call<Host>('hosts', 'add', { name: 'ansible-t', address: lab.address, port: lab.port, username: lab.user, auth: 'key-file', identityFile: lab.identityFile, sshdConfigPath: lab.sshdConfigPath, scanRoots: [srv] }),
    );
    hostId = added.id;
    const probe = unwrap(await app.call<{ keyType: string; fingerprint: string }>('hosts', 'probeKey', { hostId }));
    expect(probe.fingerprint).toBe(lab.hostKeyFingerprints[probe.keyType]);
    unwrap(await app.call('hosts', 'trustKey', { hostId, keyType: probe.keyType, fingerprint: probe.fingerprint, replace: false }));
    await app.reload();
  });

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      if (lab) await destroyLabHost(lab).catch(() => undefined);
      if (lab) rmSync(plantRootOf(lab.name), { recursive: true, force: true });
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  step('preview → Export as Ansible shows the playbook; Save writes it and the inventory; nothing on the host changes', async () => {
    const p = page();
    const before = statSync(file);
    await p.getByTestId('host-row').filter({ hasText: 'ansible-t' }).click();
    await p.getByTestId('run-audit').click();
    await visible(p.getByTestId('run-view'), 90_000);
    const key = findingKey(`${lab!.address}:${lab!.port}`, 'SECRET-FILE-READABLE', `file:${file}`);
    await p.locator(`[data-testid="finding"][data-finding-id="${key}"]`).getByTestId('fix-finding').click();
    const dialog = await visible(p.getByTestId('fix-dialog'));
    await expect.poll(() => dialog.getAttribute('data-phase'), { timeout: 60_000 }).toBe('preview');

    await dialog.getByTestId('fix-export-ansible').click();
    const panel = await visible(dialog.getByTestId('fix-ansible-export'));
    const playbook = await text(panel.getByTestId('fix-ansible-playbook'));
    expect(playbook).toContain(`path: !unsafe ${JSON.stringify(file)}`);
    expect(playbook).toContain("rampart_pre_0.stat.mode == '0644'");
    expect(playbook).toContain('ansible.builtin.file:');
    expect(playbook).not.toContain('rmp-e2e-ansible-not-a-secret');
    expect(await panel.getByTestId('fix-ansible-skipped').count()).toBe(0);
    await shot(p, 'export-shown');

    const book = join(tmp, 'rampart-fix.yml');
    await panel.getByTestId('fix-ansible-path').fill(book);
    await panel.getByTestId('fix-ansible-save').click();
    const saved = await visible(panel.getByTestId('fix-ansible-saved'));
    expect(await text(saved)).toContain(join(tmp, 'rampart-fix.inventory.yml'));
    expect(readFileSync(book, 'utf8')).toContain(`path: !unsafe ${JSON.stringify(file)}`);
    expect(readFileSync(join(tmp, 'rampart-fix.inventory.yml'), 'utf8')).toContain('rampart_fix:');
    await dialog.screenshot({ path: await shot(p, 'export-saved'), animations: 'disabled' });

    // A path that is not absolute is refused with a message; the preview is still confirmable.
    await panel.getByTestId('fix-ansible-path').fill('relative.yml');
    await panel.getByTestId('fix-ansible-save').click();
    await visible(panel.getByTestId('fix-ansible-error'));
    expect(await dialog.getByTestId('fix-confirm').isEnabled()).toBe(true);
    const after = statSync(file);
    expect([after.mode, after.uid, after.mtimeMs]).toEqual([before.mode, before.uid, before.mtimeMs]);
  });
});
