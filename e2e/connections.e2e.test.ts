// Connections in the UI (issue 3, items 1, 2, 4, 9, 10), end to end: the built renderer in
// Debian's Chromium, `window.rampart` bridged to createHandlers in this process, a real SQLite
// file, a real gnome-keyring on a private D-Bus (keys and sudo passwords go there) and a real lab
// host (sshd in a network namespace).
//
//   add a host with the full form (key imported into the keychain, sudo password) → trust its key
//   → "Test connection": every step ok → edit: an invalid subnet is a field error; port and tags
//   change → the test now fails at TCP → import hosts from an Ansible INI file (preview, problems,
//   duplicates, select, import; a jump host resolved) → pin keys from a known_hosts file (a
//   conflicting pin left alone) → VPN state on the hosts screen → remove: refused while another
//   host jumps through it, then with confirmation (its keychain secrets go with it).
//
// Only lab addresses (10.213.x) and documentation ranges (192.0.2.0/24, 198.51.100.0/24,
// 203.0.113.0/24) appear; nothing outside the lab is ever contacted (the imported hosts are only
// stored, and the VPN check only asks the kernel for a route).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { KeytarSecretStore } from '../src/main/secrets/secretStore';
import type { Host } from '../src/shared/domain';
import { startTestKeyring, type TestKeyring } from '../test/support/keyring';
import { ensureBuilt, openApp, resetScreenshots, shot, type App } from './harness';
import { pageOf, stepper, text, unwrap, visible, trustKeyInUi } from './steps';

const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';
if (!pre.ok) console.warn(`[e2e] lab hosts unavailable (${pre.reason}); ${labAvailable ? 'RAMPART_LAB_REQUIRED=1, failing' : 'skipping the connections e2e suite'}.`);

const SUDO_PASSWORD = 'e2e-sudo-password-not-needed-by-root';

/** A row of the hosts table by exact host name (another row may mention it: "via bastion"). */
function hostRow(page: Page, name: string): Locator {
  return page.locator(`[data-testid="host-row"][data-host-name="${name}"]`);
}

async function openHost(page: Page, name: string): Promise<void> {
  await page.getByTestId('nav-hosts').click();
  await hostRow(page, name).click();
  await expect.poll(() => text(page.getByTestId('host-title'))).toBe(name);
}

/** The step rows of the connection test panel, as [step, status]. */
async function steps(page: Page): Promise<Array<[string, string]>> {
  const rows = await page.getByTestId('test-step').all();
  const out: Array<[string, string]> = [];
  for (const r of rows) out.push([(await r.getAttribute('data-step')) ?? '', (await r.getAttribute('data-status')) ?? '']);
  return out;
}

async function runTest(page: Page): Promise<Locator> {
  await page.getByTestId('test-connection').click();
  const panel = await visible(page.getByTestId('connection-test'));
  await expect.poll(() => panel.getAttribute('data-state'), { timeout: 30_000 }).not.toBe('running');
  return panel;
}

describe.skipIf(!labAvailable)('connections in a browser: profile form, keychain, test connection, import, known_hosts, remove', () => {
  let tmp = '';
  let app: App | null = null;
  let keyring: TestKeyring | null = null;
  const savedEnv = { ...process.env };
  let lab!: LabHost;
  let secrets!: KeytarSecretStore;

  const page = (): Page => pageOf(app);
  const hosts = async (): Promise<Host[]> => unwrap(await app!.call<Host[]>('hosts', 'list'));
  const hostNamed = async (name: string): Promise<Host> => {
    const h = (await hosts()).find((x) => x.name === name);
    if (!h) throw new Error(`no host ${name}`);
    return h;
  };

  const step = stepper(() => app);

  beforeAll(async () => {
    ensureBuilt();
    resetScreenshots('connections');
    // The services run in this process: give them a private keyring before keytar is first used.
    keyring = await startTestKeyring();
    Object.assign(process.env, keyring.env);
    secrets = new KeytarSecretStore();
    tmp = mkdtempSync(join(tmpdir(), 'rampart-e2e-conn-'));
    lab = await createLabHost({ scenario: 'hardened' });
    app = await openApp({ dbFile: join(tmp, 'rampart.sqlite3') });
  });

  afterAll(async () => {
    try {
      await app?.close();
    } finally {
      if (lab) await destroyLabHost(lab).catch(() => undefined);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
      keyring?.stop();
      for (const k of Object.keys(keyring?.env ?? {})) process.env[k] = savedEnv[k];
    }
  });

  step('adds a host with the full form: key copied into the keychain, sudo password stored there', async () => {
    const p = page();
    await p.getByTestId('nav-hosts').click();
    await p.getByTestId('add-host').click();
    const form = await visible(p.getByTestId('host-form'));
    expect(await form.getAttribute('data-mode')).toBe('add');
    await p.getByTestId('host-name').fill('lab-1');
    await p.getByTestId('host-address').fill(lab.address);
    await p.getByTestId('host-port').fill(String(lab.port));
    await p.getByTestId('host-user').fill(lab.user);
    await p.getByTestId('host-auth').selectOption('keychain');
    expect(await p.getByTestId('host-identity').count()).toBe(0);
    await p.getByTestId('host-key-import-path').fill(lab.identityFile);
    expect(await p.getByTestId('host-key-passphrase').getAttribute('type')).toBe('password');
    await p.getByTestId('host-sudo').selectOption('sudo-password');
    expect(await p.getByTestId('host-sudo-password').getAttribute('type')).toBe('password');
    await p.getByTestId('host-sudo-password').fill(SUDO_PASSWORD);
    await p.getByTestId('host-tags').fill('lab, ssh');
    await p.getByTestId('host-sshd-config').fill(lab.sshdConfigPath);
    await p.getByTestId('host-scan-roots').fill('/srv\n/opt/stacks');
    await shot(p, 'conn-add-host-full-form');
    await p.getByTestId('host-save').click();
    await visible(hostRow(p, 'lab-1'));
    await expect.poll(() => p.getByTestId('host-form').count()).toBe(0);

    const h = await hostNamed('lab-1');
    expect(h).toMatchObject({
      auth: 'keychain',
      sudo: 'sudo-password',
      tags: ['lab', 'ssh'],
      scanRoots: ['/srv', '/opt/stacks'],
      secrets: { privateKey: true, passphrase: false, sudoPassword: true },
      identityFile: null,
    });
    // The key and the password are in the keychain, not in the database.
    expect(await secrets.get(`host:${h.id}:private-key`)).toBe(readFileSync(lab.identityFile, 'utf8'));
    expect(await secrets.get(`host:${h.id}:sudo-password`)).toBe(SUDO_PASSWORD);
    expect(readFileSync(join(tmp, 'rampart.sqlite3')).includes(SUDO_PASSWORD)).toBe(false);
  });

  step('test connection before the key is trusted: the host-key step fails, nothing is pinned', async () => {
    const p = page();
    await openHost(p, 'lab-1');
    await visible(p.getByTestId('host-auth-fact'));
    expect(await p.getByTestId('host-auth-fact').getAttribute('data-auth')).toBe('keychain');
    const panel = await runTest(p);
    expect(await panel.getAttribute('data-state')).toBe('failed');
    expect(await steps(p)).toEqual([
      ['route', 'ok'],
      ['tcp', 'ok'],
      ['host-key', 'failed'],
      ['auth', 'not-run'],
      ['sudo', 'not-run'],
    ]);
    expect(await text(p.getByTestId('test-step').nth(2).getByTestId('test-step-message'))).toMatch(/not pinned yet/);
    expect((await hostNamed('lab-1')).hostKey).toBeNull();
    await shot(p, 'conn-test-key-unknown');
  });

  step('after trusting the key, "Test connection" shows every step ok: route → TCP → host key → auth → sudo', async () => {
    const p = page();
    await trustKeyInUi(p, lab.hostKeyFingerprints);
    const panel = await runTest(p);
    expect(await panel.getAttribute('data-state')).toBe('ok');
    expect(await steps(p)).toEqual([
      ['route', 'ok'],
      ['tcp', 'ok'],
      ['host-key', 'ok'],
      ['auth', 'ok'],
      ['sudo', 'ok'],
    ]);
    const messages = await p.getByTestId('test-step-message').allTextContents();
    expect(messages[3]).toMatch(/keychain/);
    expect(messages.join('\n')).not.toContain(SUDO_PASSWORD);
    await shot(p, 'conn-test-all-ok');

    // The hosts screen shows it as reachable.
    await p.getByTestId('nav-hosts').click();
    const row = hostRow(p, 'lab-1');
    expect(await row.getByTestId('host-reachability').getAttribute('data-state')).toBe('ok');
  });

  step('edit: an invalid subnet is a field error and changes nothing; then port and tags change', async () => {
    const p = page();
    const before = await hostNamed('lab-1');
    await openHost(p, 'lab-1');
    await p.getByTestId('edit-host').click();
    const form = await visible(p.getByTestId('host-form'));
    expect(await form.getAttribute('data-mode')).toBe('edit');
    expect(await p.getByTestId('host-name').inputValue()).toBe('lab-1');
    expect(await p.getByTestId('host-port').inputValue()).toBe(String(lab.port));
    expect(await p.getByTestId('host-tags').inputValue()).toBe('lab, ssh');
    await visible(p.getByTestId('keychain-key-stored'));
    await visible(p.getByTestId('sudo-password-stored'));
    expect(await p.getByTestId('host-sudo-password').inputValue()).toBe(''); // never shown again

    const wrongPort = lab.port === 2222 ? 2223 : 2222;
    await p.getByTestId('host-port').fill(String(wrongPort));
    await p.getByTestId('host-tags').fill('lab, ssh, edited');
    await p.getByTestId('host-vpn-only').check();
    await p.getByTestId('host-vpn-interface').fill('wg0');
    await p.getByTestId('host-vpn-subnet').fill('10.213.0.0/33');
    await p.getByTestId('host-save').click();
    await visible(p.getByTestId('field-error-vpnSubnet'));
    expect(await text(p.getByTestId('field-error-vpnSubnet'))).toMatch(/IPv4 CIDR/);
    expect(await p.getByTestId('host-vpn-subnet').getAttribute('aria-invalid')).toBe('true');
    expect(await p.getByTestId('host-port').getAttribute('aria-invalid')).toBeNull();
    expect(await text(p.getByTestId('form-error'))).toBe('Check the highlighted fields.');
    expect(await hostNamed('lab-1')).toEqual(before);
    await shot(p, 'conn-edit-invalid-subnet');

    // Not VPN-only after all: port and tags are saved.
    await p.getByTestId('host-vpn-only').uncheck();
    await p.getByTestId('host-save').click();
    await expect.poll(() => p.getByTestId('host-form').count()).toBe(0);
    const after = await hostNamed('lab-1');
    expect(after).toMatchObject({ port: wrongPort, tags: ['lab', 'ssh', 'edited'], vpnOnly: false, vpnSubnet: null, auth: 'keychain', sudo: 'sudo-password' });
    expect(after.secrets).toEqual(before.secrets);
    expect(await text(p.getByTestId('host-tags-fact'))).toBe('lab, ssh, edited');
    expect(await text(p.getByTestId('host-detail').getByTestId('host-target'))).toContain(`:${wrongPort}`);
    await shot(p, 'conn-edit-saved');
  });

  step('on the wrong port the connection test stops at TCP (refused)', async () => {
    const p = page();
    const panel = await runTest(p);
    expect(await panel.getAttribute('data-state')).toBe('failed');
    expect(await steps(p)).toEqual([
      ['route', 'ok'],
      ['tcp', 'failed'],
      ['host-key', 'not-run'],
      ['auth', 'not-run'],
      ['sudo', 'not-run'],
    ]);
    const tcp = p.getByTestId('test-step').nth(1);
    expect(await text(tcp.getByTestId('test-step-message'))).toMatch(/refused/);
    expect(await text(p.getByTestId('connection-test-summary'))).toContain('CONNECTION_REFUSED');
    await shot(p, 'conn-test-tcp-failed');

    // Back to the right port for the rest.
    await p.getByTestId('edit-host').click();
    await p.getByTestId('host-port').fill(String(lab.port));
    await p.getByTestId('host-save').click();
    await expect.poll(() => p.getByTestId('host-form').count()).toBe(0);
    expect((await hostNamed('lab-1')).port).toBe(lab.port);
  });

  step('imports hosts from an Ansible INI file: preview with problems and duplicates, select, import', async () => {
    const p = page();
    const inventory = join(tmp, 'inventory.ini');
    writeFileSync(
      inventory,
      [
        '# documentation and lab addresses only',
        '[web]',
        'web1 ansible_host=192.0.2.21 ansible_user=deploy',
        'web2 ansible_host=192.0.2.22 ansible_port=2222',
        '',
        '[edge]',
        'bastion ansible_host=203.0.113.7 ansible_user=jump',
        '',
        '[internal]',
        "app1 ansible_host=198.51.100.5 ansible_ssh_common_args='-J bastion'",
        'broken ansible_host=192.0.2.99 ansible_port=notaport',
        `lab-dup ansible_host=${lab.address} ansible_port=${lab.port}`,
        '',
        '[web:vars]',
        'ansible_ssh_private_key_file=/home/ops/.ssh/web_ed25519',
        '',
      ].join('\n'),
    );
    await p.getByTestId('nav-hosts').click();
    await p.getByTestId('import-hosts').click();
    await visible(p.getByTestId('import-dialog'));
    await p.getByTestId('import-kind-ansible').check();

    // A path that does not exist is a clear error.
    await p.getByTestId('import-path').fill(join(tmp, 'missing.ini'));
    await p.getByTestId('import-preview').click();
    await visible(p.getByTestId('import-error'));
    expect(await text(p.getByTestId('import-error'))).toMatch(/There is no file .*missing\.ini/);

    await p.getByTestId('import-path').fill(inventory);
    await p.getByTestId('import-preview').click();
    await visible(p.getByTestId('import-preview-table'));
    const rows = p.getByTestId('import-candidate');
    await expect.poll(() => rows.count()).toBe(6);
    const row = (name: string): Locator => p.locator(`[data-testid="import-candidate"][data-name="${name}"]`);
    for (const n of ['web1', 'web2', 'bastion', 'app1']) expect(await row(n).getAttribute('data-importable'), n).toBe('true');
    expect(await row('broken').getAttribute('data-importable')).toBe('false');
    expect(await text(row('broken').getByTestId('import-problems'))).toMatch(/not a port number/);
    expect(await row('lab-dup').getAttribute('data-importable')).toBe('false');
    expect(await text(row('lab-dup').getByTestId('import-problems'))).toMatch(/already in Rampart as "lab-1"/);
    expect(await row('lab-dup').getByTestId('import-select').isDisabled()).toBe(true);
    expect(await row('app1').getByTestId('import-select').isChecked()).toBe(true);
    // Leave web2 out.
    await row('web2').getByTestId('import-select').uncheck();
    expect(await text(p.getByTestId('import-confirm'))).toBe('Import 3 hosts');
    await shot(p, 'conn-import-preview');

    await p.getByTestId('import-confirm').click();
    await visible(p.getByTestId('import-result'));
    expect(await text(p.getByTestId('import-added-count'))).toBe('3');
    await expect.poll(() => p.getByTestId('host-row').count()).toBe(4);
    const all = await hosts();
    const bastion = all.find((h) => h.name === 'bastion')!;
    expect(all.find((h) => h.name === 'app1')).toMatchObject({ address: '198.51.100.5', jumpHostId: bastion.id, tags: ['internal'] });
    expect(all.find((h) => h.name === 'web1')).toMatchObject({ username: 'deploy', auth: 'key-file', identityFile: '/home/ops/.ssh/web_ed25519', tags: ['web'] });
    expect(all.some((h) => h.name === 'web2')).toBe(false);
    // After the import the preview marks them as duplicates.
    expect(await row('web1').getAttribute('data-importable')).toBe('false');
    expect(await row('web2').getAttribute('data-importable')).toBe('true');
    await shot(p, 'conn-import-result');
    await p.getByTestId('import-close').click();
    expect(await text(hostRow(p, 'app1').getByTestId('host-jump-via'))).toBe('via bastion');
  });

  step('pins keys from a known_hosts file (hashed entry too); a different pinned key is left alone', async () => {
    const p = page();
    const keyA = join(tmp, 'hk_web1');
    const keyB = join(tmp, 'hk_other');
    for (const k of [keyA, keyB]) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', k], { stdio: 'ignore' });
    const pub = (k: string): string => readFileSync(`${k}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    const hashedSrc = join(tmp, 'kh_hashed');
    writeFileSync(hashedSrc, `192.0.2.21 ${pub(keyA)}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', hashedSrc], { stdio: 'ignore' });
    const knownHosts = join(tmp, 'known_hosts');
    writeFileSync(
      knownHosts,
      [readFileSync(hashedSrc, 'utf8').trim(), `${lab.port === 22 ? lab.address : `[${lab.address}]:${lab.port}`} ${pub(keyB)}`, ''].join('\n'),
    );
    const labPinBefore = (await hostNamed('lab-1')).hostKey!.fingerprint;

    await p.getByTestId('import-known-hosts').click();
    await visible(p.getByTestId('known-hosts-dialog'));
    expect(await p.getByTestId('known-hosts-path').inputValue()).toBe('~/.ssh/known_hosts');
    await p.getByTestId('known-hosts-path').fill(knownHosts);
    await p.getByTestId('known-hosts-import').click();
    await visible(p.getByTestId('known-hosts-result'));
    expect(await text(p.getByTestId('known-hosts-pinned-count'))).toBe('1');
    expect(await text(p.getByTestId('known-hosts-pinned'))).toContain('web1');
    const conflict = p.getByTestId('known-hosts-conflict');
    expect(await text(conflict)).toContain('lab-1');
    expect(await text(conflict)).toContain(labPinBefore);
    await shot(p, 'conn-known-hosts-import');
    expect((await hostNamed('lab-1')).hostKey!.fingerprint).toBe(labPinBefore);
    expect((await hostNamed('web1')).hostKey).toMatchObject({ keyType: 'ssh-ed25519' });
    await p.getByTestId('known-hosts-close').click();
  });

  step('a VPN-only host shows its WireGuard state on the hosts screen (down: the route does not use wg0)', async () => {
    const p = page();
    await openHost(p, 'web1');
    await p.getByTestId('edit-host').click();
    await p.getByTestId('host-vpn-only').check();
    await p.getByTestId('host-vpn-interface').fill('wg0');
    await p.getByTestId('host-vpn-subnet').fill('192.0.2.0/24');
    await p.getByTestId('host-save').click();
    await expect.poll(() => p.getByTestId('host-form').count()).toBe(0);
    await expect.poll(() => p.getByTestId('host-detail').getByTestId('host-vpn').getAttribute('data-state')).toBe('down');
    // Reachability of the lab host (tested again: its edit made the last result stale). Only the
    // lab host is tested; the imported ones have documentation addresses and are never contacted.
    await openHost(p, 'lab-1');
    expect(await (await runTest(p)).getAttribute('data-state')).toBe('ok');
    await p.getByTestId('nav-hosts').click();
    expect(await hostRow(p, 'lab-1').getByTestId('host-reachability').getAttribute('data-state')).toBe('ok');
    expect(await hostRow(p, 'web1').getByTestId('host-reachability').getAttribute('data-state')).toBe('unknown');
    const badge = hostRow(p, 'web1').getByTestId('host-vpn');
    await expect.poll(() => badge.getAttribute('data-state')).toBe('down');
    expect(await hostRow(p, 'lab-1').getByTestId('host-vpn').count()).toBe(0);
    await shot(p, 'conn-hosts-reachability-vpn');
  });

  step('remove: refused while another host jumps through it; with confirmation it goes, keychain secrets too', async () => {
    const p = page();
    await openHost(p, 'bastion');
    await p.getByTestId('remove-host').click();
    await visible(p.getByTestId('remove-blocked'));
    expect(await text(p.getByTestId('remove-blocked'))).toMatch(/app1 jumps through it/);
    expect(await p.getByTestId('confirm-remove').count()).toBe(0);
    await shot(p, 'conn-remove-blocked');
    await p.getByTestId('cancel-remove').click();

    const lab1 = await hostNamed('lab-1');
    expect((await secrets.accounts(`host:${lab1.id}:`)).length).toBe(2);
    await openHost(p, 'lab-1');
    await p.getByTestId('remove-host').click();
    const confirm = await visible(p.getByTestId('remove-confirm'));
    expect(await text(confirm)).toMatch(/with its secrets in the keychain/);
    await shot(p, 'conn-remove-confirm');
    await p.getByTestId('confirm-remove').click();
    await visible(p.getByTestId('hosts-screen'));
    await expect.poll(async () => (await hosts()).map((h) => h.name).sort()).toEqual(['app1', 'bastion', 'web1']);
    expect(await secrets.accounts(`host:${lab1.id}:`)).toEqual([]);
    expect(await p.getByTestId('error-banner').count()).toBe(0);
    await shot(p, 'conn-after-remove');
  });
});
