// The connection channels of the handler table (issue 3) over real services: a real SQLite file,
// a real gnome-keyring on a private D-Bus (test/support/keyring.ts), real key files made by
// ssh-keygen, real inventory and known_hosts files. Nothing here needs the lab.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestKeyring, type TestKeyring } from '../../test/support/keyring';
import { Host } from '../shared/domain';
import { IpcError, type Result } from '../shared/errors';
import { ConnectionTest } from '../shared/ipc/hosts';
import type { KnownHostsImportResult } from '../shared/ipc/hostKeys';
import type { ImportCandidate, ImportPreview, ImportResult } from '../shared/ipc/inventory';
import { createHandlers, type Handlers } from './handlers';
import { KeytarSecretStore, hostSecretAccount } from './secrets/secretStore';
import { createServices, type Services } from './services';
import { keyTypeOf, sha256Fingerprint } from './ssh/fingerprint';

function fingerprintOfPublicKeyLine(line: string): { keyType: string; fingerprint: string } {
  const blob = Buffer.from(line.split(' ')[1]!, 'base64');
  return { keyType: keyTypeOf(blob), fingerprint: sha256Fingerprint(blob) };
}

const SERVICE = 'rampart-test-connections';
let keyring: TestKeyring;
const savedEnv = { ...process.env };
let dir: string;
let services: Services;
let secrets: KeytarSecretStore;
let h: Handlers;

beforeAll(async () => {
  keyring = await startTestKeyring();
  Object.assign(process.env, keyring.env);
});
afterAll(() => {
  keyring?.stop();
  for (const k of Object.keys(keyring?.env ?? {})) process.env[k] = savedEnv[k];
});

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-conn-handlers-'));
  secrets = new KeytarSecretStore(SERVICE);
  for (const a of await secrets.accounts()) await secrets.delete(a);
  services = createServices({ dbFile: path.join(dir, 'rampart.db'), secrets });
  h = createHandlers(services);
});
afterEach(() => {
  services.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const BASE = { name: 'web-1', address: '192.0.2.10', port: 22, username: 'admin' };

async function fail(channel: string, request: unknown): Promise<IpcError> {
  const res: Result<unknown> = await h.invoke(channel, request);
  if (res.ok) throw new Error(`${channel} succeeded: ${JSON.stringify(res.data).slice(0, 300)}`);
  expect(IpcError.safeParse(res.error).success).toBe(true);
  return res.error;
}

async function ok<T = unknown>(channel: string, request: unknown): Promise<T> {
  const res = await h.invoke(channel, request);
  if (!res.ok) throw new Error(`${channel} failed: ${res.error.code} ${res.error.message}`);
  return res.data as T;
}

function issuePaths(e: IpcError): string[] {
  return ((e.details?.issues ?? []) as Array<{ path: string[] }>).map((i) => i.path.join('.'));
}

function write(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text, { mode: 0o600 });
  return p;
}

/** A fresh ed25519 key pair; with `passphrase` the private key is encrypted. */
function keygen(name: string, opts: { passphrase?: string; comment?: string; type?: string } = {}): { privateKey: string; publicKey: string } {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', opts.type ?? 'ed25519', '-N', opts.passphrase ?? '', '-C', opts.comment ?? name, '-f', file], { stdio: 'ignore' });
  return { privateKey: file, publicKey: fs.readFileSync(`${file}.pub`, 'utf8').trim() };
}

/** A TCP port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('hosts:add with the full profile', () => {
  it('stores every field; auth defaults from the key file', async () => {
    const bastion = await ok<Host>('hosts:add', { ...BASE, name: 'bastion', address: '192.0.2.1' });
    expect(bastion.auth).toBe('agent');
    const added = await ok<Host>('hosts:add', {
      ...BASE,
      identityFile: '/root/.ssh/id_ed25519',
      jumpHostId: bastion.id,
      vpnOnly: true,
      vpnInterface: 'wg0',
      vpnSubnet: '10.77.0.0/24',
      sudo: 'sudo-password',
      tags: ['prod', 'web'],
      sshdConfigPath: '/etc/ssh/sshd_config',
      scanRoots: ['/srv', '/opt/stacks'],
    });
    expect(Host.parse(added)).toEqual(added);
    expect(added).toMatchObject({
      auth: 'key-file',
      jumpHostId: bastion.id,
      vpnOnly: true,
      vpnInterface: 'wg0',
      vpnSubnet: '10.77.0.0/24',
      sudo: 'sudo-password',
      tags: ['prod', 'web'],
      scanRoots: ['/srv', '/opt/stacks'],
    });
  });

  it.each([
    ['vpnSubnet "10.0.0.0"', { vpnSubnet: '10.0.0.0' }, 'vpnSubnet', /IPv4 CIDR/],
    ['vpnSubnet "10.0.0.0/33"', { vpnSubnet: '10.0.0.0/33' }, 'vpnSubnet', /IPv4 CIDR/],
    ['vpnInterface with a space', { vpnInterface: 'wg 0' }, 'vpnInterface', /Interface/],
    ['vpnInterface too long', { vpnInterface: 'w'.repeat(16) }, 'vpnInterface', /Interface/],
    ['a tag with a space', { tags: ['pro d'] }, 'tags.0', /Tags may contain/],
    ['21 tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags', /At most 20 tags/],
    ['a relative scan root', { scanRoots: ['srv'] }, 'scanRoots.0', /absolute path/],
    // Remote paths: ~ is not expanded on the server, a drive letter is a laptop path.
    ['a ~ scan root', { scanRoots: ['/srv', '~/apps'] }, 'scanRoots.1', /absolute path on the server.*~ is not expanded/],
    ['a Windows sshd_config path', { sshdConfigPath: 'C:\\ssh\\sshd_config' }, 'sshdConfigPath', /absolute path on the server/],
    ['a scan root with a line break', { scanRoots: ['/srv\n/opt'] }, 'scanRoots.0', /line break/],
    ['sudo "always"', { sudo: 'always' }, 'sudo', /./],
    ['auth "password"', { auth: 'password' }, 'auth', /./],
    ['key-file auth without a key file', { auth: 'key-file' }, 'identityFile', /private-key file is required/],
    ['jumpHostId 0', { jumpHostId: 0 }, 'jumpHostId', /./],
  ])('%s → VALIDATION on %s', async (_what, extra, field, message) => {
    const e = await fail('hosts:add', { ...BASE, ...extra });
    expect(e.code).toBe('VALIDATION');
    expect(issuePaths(e)).toContain(field);
    const issue = (e.details!.issues as Array<{ path: string[]; message: string }>).find((i) => i.path.join('.') === field)!;
    expect(issue.message).toMatch(message);
    expect(services.store.listHosts()).toEqual([]);
  });

  it('a jump host that does not exist → VALIDATION on jumpHostId', async () => {
    const e = await fail('hosts:add', { ...BASE, jumpHostId: 4242 });
    expect(e.code).toBe('VALIDATION');
    expect(issuePaths(e)).toEqual(['jumpHostId']);
    expect(services.store.listHosts()).toEqual([]);
  });
});

describe('hosts:update', () => {
  it('changes only the given fields; null clears; the rest keeps its value', async () => {
    const a = await ok<Host>('hosts:add', { ...BASE, identityFile: '/k/id', tags: ['a'], vpnOnly: true, vpnInterface: 'wg0', sudo: 'sudo-n', scanRoots: ['/srv'] });
    const u = await ok<Host>('hosts:update', { id: a.id, port: '2222', tags: ['b', 'c'] });
    expect(u).toMatchObject({ port: 2222, tags: ['b', 'c'], vpnOnly: true, vpnInterface: 'wg0', sudo: 'sudo-n', scanRoots: ['/srv'], identityFile: '/k/id', auth: 'key-file' });
    const c = await ok<Host>('hosts:update', { id: a.id, vpnOnly: false, vpnInterface: null, auth: 'agent', identityFile: null });
    expect(c).toMatchObject({ vpnOnly: false, vpnInterface: null, auth: 'agent', identityFile: null, port: 2222, tags: ['b', 'c'] });
    expect(await ok<Host[]>('hosts:list', {})).toEqual([c]);
  });

  it.each([
    ['port 0', { port: 0 }, 'port'],
    ['port "x"', { port: 'x' }, 'port'],
    ['address with a space', { address: 'a b' }, 'address'],
    ['vpnSubnet "nonsense"', { vpnSubnet: 'nonsense' }, 'vpnSubnet'],
    ['tags not an array', { tags: 'prod' }, 'tags'],
    ['a relative sshd_config path', { sshdConfigPath: 'sshd_config' }, 'sshdConfigPath'],
    ['name with $()', { name: 'a$(id)' }, 'name'],
  ])('%s → VALIDATION on that field, nothing changed', async (_what, extra, field) => {
    const a = await ok<Host>('hosts:add', BASE);
    const e = await fail('hosts:update', { id: a.id, ...extra });
    expect(e.code).toBe('VALIDATION');
    expect(issuePaths(e)).toContain(field);
    expect(services.store.getHost(a.id)).toEqual(a);
  });

  it('a missing id, an unknown key or an unknown host are refused', async () => {
    expect(issuePaths(await fail('hosts:update', { port: 22 }))).toContain('id');
    expect((await fail('hosts:update', { id: 1, password: 'hunter2' })).message).not.toContain('hunter2');
    expect((await fail('hosts:update', { id: 999, port: 22 })).code).toBe('NOT_FOUND');
  });

  it('renaming onto another host → CONFLICT', async () => {
    await ok('hosts:add', BASE);
    const b = await ok<Host>('hosts:add', { ...BASE, name: 'web-2', address: '192.0.2.11' });
    expect((await fail('hosts:update', { id: b.id, name: 'web-1' })).code).toBe('CONFLICT');
  });

  it('switching to key-file auth without a key file → VALIDATION on identityFile', async () => {
    const a = await ok<Host>('hosts:add', BASE);
    const e = await fail('hosts:update', { id: a.id, auth: 'key-file' });
    expect(e.code).toBe('VALIDATION');
    expect(issuePaths(e)).toEqual(['identityFile']);
  });

  it('jump host: unknown → VALIDATION, itself → VALIDATION, a loop → VALIDATION', async () => {
    const a = await ok<Host>('hosts:add', { ...BASE, name: 'a', address: '192.0.2.1' });
    const b = await ok<Host>('hosts:add', { ...BASE, name: 'b', address: '192.0.2.2', jumpHostId: a.id });
    for (const jumpHostId of [999, a.id]) {
      const e = await fail('hosts:update', { id: a.id, jumpHostId });
      expect(e.code).toBe('VALIDATION');
      expect(issuePaths(e)).toEqual(['jumpHostId']);
    }
    const loop = await fail('hosts:update', { id: a.id, jumpHostId: b.id });
    expect(loop.code).toBe('VALIDATION');
    expect(issuePaths(loop)).toEqual(['jumpHostId']);
    expect(services.store.getHost(a.id).jumpHostId).toBeNull();
  });
});

describe('hosts:remove', () => {
  it('refuses with CONFLICT while other hosts jump through it, keeping its secrets', async () => {
    const bastion = await ok<Host>('hosts:add', { ...BASE, name: 'bastion', address: '192.0.2.1' });
    await ok('hosts:add', { ...BASE, name: 'inner', address: '192.0.2.2', jumpHostId: bastion.id });
    await ok('hosts:setSudoPassword', { hostId: bastion.id, password: 'bastion-sudo' });
    const e = await fail('hosts:remove', { hostId: bastion.id });
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('inner');
    expect(e.details).toMatchObject({ dependents: [{ name: 'inner' }] });
    expect(await secrets.get(hostSecretAccount(bastion.id, 'sudo-password'))).toBe('bastion-sudo');
    expect(services.store.getHost(bastion.id).secrets.sudoPassword).toBe(true);
  });

  it("removes the host's keychain secrets with it", async () => {
    const a = await ok<Host>('hosts:add', BASE);
    const other = await ok<Host>('hosts:add', { ...BASE, name: 'web-2', address: '192.0.2.11' });
    const key = keygen('id_remove', { passphrase: 'remove-pass' });
    await ok('hosts:importKey', { hostId: a.id, privateKeyPath: key.privateKey, passphrase: 'remove-pass' });
    await ok('hosts:setSudoPassword', { hostId: a.id, password: 'sudo-a' });
    await ok('hosts:setSudoPassword', { hostId: other.id, password: 'sudo-other' });
    expect(await secrets.accounts(`host:${a.id}:`)).toHaveLength(3);
    expect(await ok('hosts:remove', { hostId: a.id })).toEqual({ removed: true });
    expect(await secrets.accounts(`host:${a.id}:`)).toEqual([]);
    expect(await secrets.get(hostSecretAccount(other.id, 'sudo-password'))).toBe('sudo-other');
  });
});

describe('hosts:importKey', () => {
  it('copies an encrypted key and its passphrase into the keychain and switches to keychain auth', async () => {
    const a = await ok<Host>('hosts:add', { ...BASE, identityFile: '/k/old' });
    const key = keygen('id_enc', { passphrase: 'correct horse' });
    const updated = await ok<Host>('hosts:importKey', { hostId: a.id, privateKeyPath: key.privateKey, passphrase: 'correct horse' });
    expect(updated).toMatchObject({ auth: 'keychain', secrets: { privateKey: true, passphrase: true, sudoPassword: false } });
    expect(JSON.stringify(updated)).not.toContain('correct horse');
    expect(await secrets.get(hostSecretAccount(a.id, 'private-key'))).toBe(fs.readFileSync(key.privateKey, 'utf8'));
    expect(await secrets.get(hostSecretAccount(a.id, 'passphrase'))).toBe('correct horse');
  });

  it('an unencrypted key needs no passphrase (and leaves none stored)', async () => {
    const a = await ok<Host>('hosts:add', BASE);
    const key = keygen('id_plain');
    const updated = await ok<Host>('hosts:importKey', { hostId: a.id, privateKeyPath: key.privateKey });
    expect(updated.secrets).toEqual({ privateKey: true, passphrase: false, sudoPassword: false });
    expect(await secrets.get(hostSecretAccount(a.id, 'passphrase'))).toBeNull();
  });

  it('a wrong or missing passphrase is refused before anything is stored, and never echoed', async () => {
    const a = await ok<Host>('hosts:add', BASE);
    const key = keygen('id_enc2', { passphrase: 'right-one' });
    const wrong = await fail('hosts:importKey', { hostId: a.id, privateKeyPath: key.privateKey, passphrase: 'WRONG-Passphrase-9x' });
    expect(wrong.code).toBe('IDENTITY_ENCRYPTED');
    expect(JSON.stringify(wrong)).not.toContain('WRONG-Passphrase-9x');
    const missing = await fail('hosts:importKey', { hostId: a.id, privateKeyPath: key.privateKey });
    expect(missing.code).toBe('IDENTITY_ENCRYPTED');
    expect(await secrets.accounts(`host:${a.id}:`)).toEqual([]);
    expect(services.store.getHost(a.id)).toEqual(a);
  });

  it('a public key, a missing file and bad requests are refused', async () => {
    const a = await ok<Host>('hosts:add', BASE);
    const key = keygen('id_pub');
    expect((await fail('hosts:importKey', { hostId: a.id, privateKeyPath: `${key.privateKey}.pub` })).code).toBe('IDENTITY_UNREADABLE');
    expect((await fail('hosts:importKey', { hostId: a.id, privateKeyPath: path.join(dir, 'nope') })).code).toBe('IDENTITY_UNREADABLE');
    expect((await fail('hosts:importKey', { hostId: 999, privateKeyPath: key.privateKey })).code).toBe('NOT_FOUND');
    expect(issuePaths(await fail('hosts:importKey', { hostId: a.id, privateKeyPath: 'id_ed25519' }))).toContain('privateKeyPath');
    expect(issuePaths(await fail('hosts:importKey', { hostId: a.id }))).toContain('privateKeyPath');
    const tooLong = await fail('hosts:importKey', { hostId: a.id, privateKeyPath: key.privateKey, passphrase: 'p'.repeat(1025) });
    expect(issuePaths(tooLong)).toContain('passphrase');
    expect(JSON.stringify(tooLong)).not.toContain('p'.repeat(50));
    expect(await secrets.accounts(`host:${a.id}:`)).toEqual([]);
  });
});

describe('hosts:setSudoPassword', () => {
  it('stores, replaces and removes the password; only a flag reaches the host record', async () => {
    const a = await ok<Host>('hosts:add', { ...BASE, sudo: 'sudo-password' });
    const set = await ok<Host>('hosts:setSudoPassword', { hostId: a.id, password: 's3cret sudo' });
    expect(set.secrets.sudoPassword).toBe(true);
    expect(JSON.stringify(set)).not.toContain('s3cret');
    expect(await secrets.get(hostSecretAccount(a.id, 'sudo-password'))).toBe('s3cret sudo');
    await ok('hosts:setSudoPassword', { hostId: a.id, password: 'other' });
    expect(await secrets.get(hostSecretAccount(a.id, 'sudo-password'))).toBe('other');
    const cleared = await ok<Host>('hosts:setSudoPassword', { hostId: a.id, password: null });
    expect(cleared.secrets.sudoPassword).toBe(false);
    expect(await secrets.get(hostSecretAccount(a.id, 'sudo-password'))).toBeNull();
  });

  it.each([
    ['an empty password', ''],
    ['a line break', 'pass\nword'],
    ['1025 characters', 'x'.repeat(1025)],
    ['a number', 1234],
  ])('%s → VALIDATION on password, nothing stored, not echoed', async (_what, password) => {
    const a = await ok<Host>('hosts:add', BASE);
    const e = await fail('hosts:setSudoPassword', { hostId: a.id, password });
    expect(e.code).toBe('VALIDATION');
    expect(issuePaths(e)).toContain('password');
    if (typeof password === 'string' && password.length > 3) expect(JSON.stringify(e)).not.toContain(password.slice(0, 20));
    expect(await secrets.accounts(`host:${a.id}:`)).toEqual([]);
  });

  it('an unknown host → NOT_FOUND', async () => {
    expect((await fail('hosts:setSudoPassword', { hostId: 999, password: 'x' })).code).toBe('NOT_FOUND');
  });
});

describe('hosts:testConnection and hosts:vpnState (no lab: loopback only)', () => {
  it('a closed port: route ok, tcp failed with CONNECTION_REFUSED, nothing after it', async () => {
    const port = await closedPort();
    const a = await ok<Host>('hosts:add', { ...BASE, address: '127.0.0.1', port });
    const t = await ok<ConnectionTest>('hosts:testConnection', { hostId: a.id });
    expect(ConnectionTest.parse(t)).toEqual(t);
    expect(t.ok).toBe(false);
    expect(t.steps.map((s) => [s.step, s.status])).toEqual([
      ['route', 'ok'],
      ['tcp', 'failed'],
    ]);
    expect(t.steps[1]!.hop).toBe('web-1');
    expect(t.error?.code).toBe('CONNECTION_REFUSED');
    expect(t.steps[1]!.message).toContain(`127.0.0.1:${port}`);
  });

  it('unknown host → NOT_FOUND; bad id → VALIDATION', async () => {
    expect((await fail('hosts:testConnection', { hostId: 999 })).code).toBe('NOT_FOUND');
    expect(issuePaths(await fail('hosts:testConnection', { hostId: 'x' }))).toContain('hostId');
    expect((await fail('hosts:vpnState', { hostId: 999 })).code).toBe('NOT_FOUND');
  });

  it('vpnState: null for a host that is not VPN-only; not ok when the route is not the WireGuard interface', async () => {
    const plain = await ok<Host>('hosts:add', { ...BASE, address: '127.0.0.1' });
    expect(await ok('hosts:vpnState', { hostId: plain.id })).toBeNull();
    const vpn = await ok<Host>('hosts:add', { ...BASE, name: 'vpn-only', address: '127.0.0.1', port: 2200, vpnOnly: true, vpnInterface: 'wg0' });
    const state = await ok<{ ok: boolean; route: { dev: string }; message: string }>('hosts:vpnState', { hostId: vpn.id });
    expect(state.ok).toBe(false);
    expect(state.route.dev).toBe('lo');
    expect(state.message).toContain('wg0');
    // And the connection test stops at the route step, naming the interface it would have used.
    const t = await ok<ConnectionTest>('hosts:testConnection', { hostId: vpn.id });
    expect(t.steps.map((s) => [s.step, s.status])).toEqual([['route', 'failed']]);
    expect(t.error?.code).toBe('VPN_DOWN');
    expect(t.steps[0]!.message).toContain('lo');
  });
});

const INI = `# lab inventory: documentation addresses only
[web]
web1 ansible_host=192.0.2.21 ansible_user=deploy ansible_port=2222
web2 ansible_host=192.0.2.22

[db]
db1 ansible_host=198.51.100.5 ansible_ssh_private_key_file=/home/ops/.ssh/db_key

[internal]
app1 ansible_host=10.213.77.5 ansible_ssh_common_args='-J bastion'
broken ansible_host=192.0.2.99 ansible_port=notaport

[edge]
bastion ansible_host=203.0.113.7 ansible_user=jump

[web:vars]
ansible_user=www
`;

describe('inventory:preview and inventory:import', () => {
  it('previews an Ansible INI file: candidates, duplicates and problems; imports the selection with jump hosts resolved', async () => {
    await ok('hosts:add', { ...BASE, name: 'existing-db', address: '198.51.100.5' });
    const file = write('hosts.ini', INI);
    const preview = await ok<ImportPreview>('inventory:preview', { kind: 'ansible', path: file });
    expect(preview.path).toBe(file);
    const byName = new Map(preview.candidates.map((c) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(['app1', 'bastion', 'broken', 'db1', 'web1', 'web2']);
    expect(byName.get('web1')).toMatchObject({ address: '192.0.2.21', port: 2222, username: 'deploy', groups: ['web'], problems: [] });
    expect(byName.get('web2')).toMatchObject({ username: 'www', problems: [] });
    expect(byName.get('app1')).toMatchObject({ jump: ['bastion'], problems: [] });
    expect(byName.get('db1')!.problems.join(' ')).toMatch(/already in Rampart as "existing-db"/);
    expect(byName.get('broken')!.problems.join(' ')).toMatch(/not a port number/);
    // Nothing was imported by the preview.
    expect(services.store.listHosts().map((x) => x.name)).toEqual(['existing-db']);

    // app1 before bastion in the request: the importer adds bastion first.
    const selected = ['app1', 'web1', 'bastion', 'db1'].map((n) => byName.get(n)!);
    const result = await ok<ImportResult>('inventory:import', { candidates: selected });
    expect(result.added.map((x) => x.name).sort()).toEqual(['app1', 'bastion', 'web1']);
    expect(result.skipped).toEqual([{ name: 'db1', reason: expect.stringMatching(/already in Rampart/) }]);
    const app1 = result.added.find((x) => x.name === 'app1')!;
    const bastion = result.added.find((x) => x.name === 'bastion')!;
    expect(app1.jumpHostId).toBe(bastion.id);
    expect(bastion).toMatchObject({ address: '203.0.113.7', username: 'jump', auth: 'agent', tags: ['edge'] });
    expect(result.added.find((x) => x.name === 'web1')).toMatchObject({ port: 2222, username: 'deploy', tags: ['web'] });

    // A second import of the same hosts finds them already there.
    const again = await ok<ImportResult>('inventory:import', { candidates: selected });
    expect(again.added).toEqual([]);
    expect(again.skipped.map((s) => s.name).sort()).toEqual(['app1', 'bastion', 'db1', 'web1']);
  });

  it('a jump host that is neither in Rampart nor in the import is skipped with the reason', async () => {
    const file = write('hosts.ini', INI);
    const preview = await ok<ImportPreview>('inventory:preview', { kind: 'ansible', path: file });
    const app1 = preview.candidates.find((c) => c.name === 'app1')!;
    const result = await ok<ImportResult>('inventory:import', { candidates: [app1] });
    expect(result.added).toEqual([]);
    expect(result.skipped).toEqual([{ name: 'app1', reason: 'jump host "bastion" is neither in Rampart nor in this import' }]);
  });

  it('jump specs resolve to existing hosts by address, and multi-hop chains must match', async () => {
    const outer = await ok<Host>('hosts:add', { ...BASE, name: 'outer', address: '203.0.113.1', username: 'jump' });
    const inner = await ok<Host>('hosts:add', { ...BASE, name: 'inner', address: '10.213.1.1', jumpHostId: outer.id });
    const cfg = write(
      'ssh_config',
      [
        'Host deep',
        '  HostName 10.213.2.2',
        '  User root',
        '  ProxyJump jump@203.0.113.1,inner',
        'Host wrong-order',
        '  HostName 10.213.2.3',
        '  ProxyJump inner,outer',
        'Host via-addr',
        '  HostName 10.213.2.4',
        '  Port 2200',
        '  ProxyJump jump@203.0.113.1:22',
        '',
      ].join('\n'),
    );
    const preview = await ok<ImportPreview>('inventory:preview', { kind: 'ssh-config', path: cfg });
    expect(preview.candidates.map((c) => c.name)).toEqual(['deep', 'wrong-order', 'via-addr']);
    const result = await ok<ImportResult>('inventory:import', { candidates: preview.candidates });
    const deep = result.added.find((x) => x.name === 'deep')!;
    expect(deep.jumpHostId).toBe(inner.id);
    expect(services.store.jumpChain(deep.id).map((x) => x.name)).toEqual(['outer', 'inner', 'deep']);
    expect(result.added.find((x) => x.name === 'via-addr')).toMatchObject({ port: 2200, jumpHostId: outer.id, username: preview.defaultUsername });
    expect(result.skipped).toEqual([{ name: 'wrong-order', reason: expect.stringMatching(/"outer" does not jump through "inner"/) }]);
  });

  it('candidates that still carry problems, or fail validation, are skipped with the reason', async () => {
    const c: ImportCandidate = { name: 'x', address: '192.0.2.50', port: 22, username: 'root', identityFile: null, jump: [], groups: [], source: 't', problems: [] };
    const result = await ok<ImportResult>('inventory:import', {
      candidates: [
        { ...c, name: 'has-problem', problems: ['uses ProxyCommand, which Rampart does not run; use ProxyJump'] },
        { ...c, name: 'bad addr', address: 'a b' },
        { ...c, name: 'relative-key', address: '192.0.2.51', identityFile: 'keys/id' },
        { ...c, name: 'fine', address: '192.0.2.52' },
        { ...c, name: 'fine-dup', address: '192.0.2.52' },
      ],
    });
    expect(result.added.map((x) => x.name)).toEqual(['fine']);
    expect(Object.fromEntries(result.skipped.map((s) => [s.name, s.reason]))).toEqual({
      'has-problem': 'uses ProxyCommand, which Rampart does not run; use ProxyJump',
      'bad addr': expect.stringMatching(/name: .*address: Address must be an IP address or a DNS name/s),
      'relative-key': expect.stringMatching(/identityFile: Must be an absolute path/),
      'fine-dup': 'same address and port as "fine" in this import',
    });
  });

  it('file errors: missing → NOT_FOUND, folder / too big / binary / unparsable → VALIDATION on path', async () => {
    const missing = await fail('inventory:preview', { kind: 'ansible', path: path.join(dir, 'nope.ini') });
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('nope.ini');
    const folder = await fail('inventory:preview', { kind: 'ansible', path: dir });
    expect(folder.code).toBe('VALIDATION');
    expect(folder.message).toMatch(/is a folder/);
    const big = write('big.ini', '[all]\n' + '#'.repeat(5 * 1024 * 1024 + 10));
    const tooBig = await fail('inventory:preview', { kind: 'ansible', path: big });
    expect(tooBig.code).toBe('VALIDATION');
    expect(tooBig.message).toMatch(/larger than 5 MiB/);
    expect(issuePaths(tooBig)).toEqual(['path']);
    const bin = write('bin.ini', 'web1\0\x01\x02');
    expect((await fail('inventory:preview', { kind: 'ansible', path: bin })).message).toMatch(/binary/);
    const yaml = write('bad.yml', 'all:\n  hosts: [unclosed\n');
    const bad = await fail('inventory:preview', { kind: 'ansible', path: yaml });
    expect(bad.code).toBe('VALIDATION');
    expect(bad.message).toMatch(/not valid YAML/);
  });

  it('request validation: relative path, unknown kind, empty selection', async () => {
    expect(issuePaths(await fail('inventory:preview', { kind: 'ansible', path: 'hosts.ini' }))).toContain('path');
    expect(issuePaths(await fail('inventory:preview', { kind: 'puppet', path: '/x' }))).toContain('kind');
    expect(issuePaths(await fail('inventory:import', { candidates: [] }))).toContain('candidates');
    expect(issuePaths(await fail('inventory:import', { candidates: [{ name: 'x' }] })).some((p) => p.startsWith('candidates.0'))).toBe(true);
  });
});

describe('hostKeys:importKnownHosts', () => {
  it('pins keys from plain and hashed entries, never overwrites a different pin, reports the rest', async () => {
    const k1 = keygen('hk1');
    const k2 = keygen('hk2');
    const k3 = keygen('hk3', { type: 'rsa' });
    const k4 = keygen('hk4');
    const k5 = keygen('hk5');
    const plain = await ok<Host>('hosts:add', { ...BASE, name: 'plain', address: '192.0.2.31' });
    const hashed = await ok<Host>('hosts:add', { ...BASE, name: 'hashed', address: '192.0.2.32', port: 2222 });
    const multi = await ok<Host>('hosts:add', { ...BASE, name: 'multi', address: '192.0.2.33' });
    const conflict = await ok<Host>('hosts:add', { ...BASE, name: 'conflict', address: '192.0.2.34' });
    const same = await ok<Host>('hosts:add', { ...BASE, name: 'same', address: '192.0.2.35' });
    const absent = await ok<Host>('hosts:add', { ...BASE, name: 'absent', address: '192.0.2.36' });
    const revoked = await ok<Host>('hosts:add', { ...BASE, name: 'revoked', address: '192.0.2.37' });
    const fp = (pub: string): { keyType: string; fingerprint: string } => fingerprintOfPublicKeyLine(pub);
    const otherFp = 'SHA256:' + 'Z'.repeat(43);
    services.store.pinKey(conflict.address, conflict.port, 'ssh-ed25519', otherFp, false);
    services.store.pinKey(same.address, same.port, fp(k5.publicKey).keyType, fp(k5.publicKey).fingerprint, false);

    const body = (pub: string): string => pub.split(' ').slice(0, 2).join(' ');
    const hashedFile = write('hashed_src', `[192.0.2.32]:2222 ${body(k2.publicKey)}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', hashedFile], { stdio: 'ignore' });
    const hashedLine = fs.readFileSync(hashedFile, 'utf8').trim();
    expect(hashedLine.startsWith('|1|')).toBe(true);
    const file = write(
      'known_hosts',
      [
        '# comment',
        `192.0.2.31 ${body(k1.publicKey)}`,
        hashedLine,
        `192.0.2.33 ${body(k3.publicKey)}`,
        `192.0.2.33 ${body(k4.publicKey)}`,
        `192.0.2.34 ${body(k1.publicKey)}`,
        `192.0.2.35 ${body(k5.publicKey)}`,
        `192.0.2.37 ${body(k2.publicKey)}`,
        `@revoked * ${body(k2.publicKey)}`,
        'this line is garbage',
        '',
      ].join('\n'),
    );
    const res = await ok<KnownHostsImportResult>('hostKeys:importKnownHosts', { path: file });
    // The hashed host's key k2 is @revoked anywhere in the file: revoked for both.
    expect(res.pinned.map((p) => [p.hostName, p.fingerprint])).toEqual([
      ['multi', fp(k4.publicKey).fingerprint], // ed25519 is preferred over rsa, as ssh2 negotiates it first
      ['plain', fp(k1.publicKey).fingerprint],
    ]);
    const skipped = Object.fromEntries(res.skipped.map((s) => [s.hostName, s]));
    expect(skipped.conflict).toMatchObject({ reason: 'conflict', pinnedFingerprint: otherFp, fileFingerprint: fp(k1.publicKey).fingerprint });
    expect(skipped.conflict!.message).toContain(otherFp);
    expect(skipped.same).toMatchObject({ reason: 'already-pinned' });
    expect(skipped.absent).toMatchObject({ reason: 'not-in-file' });
    expect(skipped.revoked).toMatchObject({ reason: 'revoked' });
    expect(skipped.hashed).toMatchObject({ reason: 'revoked' });
    expect(res.invalidLines).toEqual([10]);
    expect(services.store.getPin(conflict.address, conflict.port)?.fingerprint).toBe(otherFp); // untouched
    expect(services.store.getHost(plain.id).hostKey).toMatchObject({ keyType: 'ssh-ed25519', fingerprint: fp(k1.publicKey).fingerprint });
    expect(services.store.getHost(absent.id).hostKey).toBeNull();
    expect(services.store.getHost(revoked.id).hostKey).toBeNull();
    void hashed;
    void multi;
  });

  it('a hashed [addr]:port entry pins the key of that host', async () => {
    const k = keygen('hk-hash');
    const host = await ok<Host>('hosts:add', { ...BASE, name: 'hashed', address: '192.0.2.32', port: 2222 });
    const src = write('kh', `[192.0.2.32]:2222 ${k.publicKey.split(' ').slice(0, 2).join(' ')}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', src], { stdio: 'ignore' });
    const res = await ok<KnownHostsImportResult>('hostKeys:importKnownHosts', { path: src, hostIds: [host.id] });
    expect(res.pinned).toEqual([
      { hostId: host.id, hostName: 'hashed', address: '192.0.2.32', port: 2222, keyType: 'ssh-ed25519', fingerprint: fingerprintOfPublicKeyLine(k.publicKey).fingerprint, line: 1 },
    ]);
    expect(res.skipped).toEqual([]);
  });

  it('file and request errors', async () => {
    expect((await fail('hostKeys:importKnownHosts', { path: path.join(dir, 'none') })).code).toBe('NOT_FOUND');
    expect(issuePaths(await fail('hostKeys:importKnownHosts', { path: 'known_hosts' }))).toContain('path');
    expect(issuePaths(await fail('hostKeys:importKnownHosts', { path: '/x', hostIds: [0] }))).toContain('hostIds.0');
  });
});
