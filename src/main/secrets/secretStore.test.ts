// Against a real gnome-keyring on a private session bus (test/support/keyring.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RampartError } from '../../shared/errors';
import { startTestKeyring, type TestKeyring } from '../../../test/support/keyring';
import { KeytarSecretStore, hostSecretAccount, keychainError } from './secretStore';

let keyring: TestKeyring;
const saved = { ...process.env };

beforeAll(async () => {
  keyring = await startTestKeyring();
  Object.assign(process.env, keyring.env);
});
afterAll(() => {
  keyring?.stop();
  for (const k of Object.keys(keyring?.env ?? {})) process.env[k] = saved[k];
});

describe('KeytarSecretStore with a real gnome-keyring', () => {
  it('stores, reads, lists and deletes secrets per host account', async () => {
    const store = new KeytarSecretStore('rampart-test');
    const secret = '-----BEGIN OPENSSH PRIVATE KEY-----\nZZ-distinctive-7f3a\n-----END OPENSSH PRIVATE KEY-----\n';
    await store.set(hostSecretAccount(7, 'private-key'), secret);
    await store.set(hostSecretAccount(7, 'passphrase'), 'pässwörd with spaces');
    await store.set(hostSecretAccount(8, 'sudo-password'), 'x');
    expect(await store.get(hostSecretAccount(7, 'private-key'))).toBe(secret);
    expect(await store.get(hostSecretAccount(7, 'passphrase'))).toBe('pässwörd with spaces');
    expect(await store.accounts('host:7:')).toEqual(['host:7:passphrase', 'host:7:private-key']);
    expect(await store.delete(hostSecretAccount(7, 'private-key'))).toBe(true);
    expect(await store.delete(hostSecretAccount(7, 'private-key'))).toBe(false);
    expect(await store.get(hostSecretAccount(7, 'private-key'))).toBeNull();
    // Another service name does not see them.
    expect(await new KeytarSecretStore('rampart-other').accounts()).toEqual([]);
  });

  it('refuses oversized secrets without touching the keychain', async () => {
    await expect(new KeytarSecretStore('rampart-test').set('host:1:passphrase', 'x'.repeat(70_000))).rejects.toThrow(/64 KiB/);
  });

  it('rejects invalid host ids in account names', () => {
    expect(() => hostSecretAccount(0, 'passphrase')).toThrow();
    expect(() => hostSecretAccount(1.5, 'passphrase')).toThrow();
  });
});

/** Runs one keytar call in a child process with the given environment. */
function keytarInChild(env: Record<string, string>): { ok: boolean; message: string } {
  const script = `
    import { KeytarSecretStore } from ${JSON.stringify(new URL('./secretStore.ts', import.meta.url).pathname)};
    try { await new KeytarSecretStore('rampart-test').set('host:1:passphrase', 'p'); console.log(JSON.stringify({ ok: true, message: '' })); }
    catch (e) { console.log(JSON.stringify({ ok: false, code: e.code, message: e.message })); }
  `;
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 30_000,
  });
  const line = res.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as { ok: boolean; message: string };
  } catch {
    throw new Error(`child failed: ${res.stdout}\n${res.stderr}`);
  }
}

describe('no usable keychain: a clear error, never a plaintext fallback', () => {
  it('no session bus at all', () => {
    const r = keytarInChild({ HOME: '/tmp' });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/could not store a secret in the system keychain/);
    expect(r.message).toMatch(/D-Bus|gnome-keyring/);
  });

  it('a session bus without a Secret Service provider', () => {
    // A bus with no service files at all, so nothing can be auto-started on it.
    const dir = mkdtempSync(join(tmpdir(), 'rampart-bus-'));
    const config = join(dir, 'session.conf');
    writeFileSync(
      config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=${dir}/bus</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`,
    );
    const bus = spawnSync('dbus-daemon', [`--config-file=${config}`, '--fork', '--print-address=1', '--print-pid=1'], { encoding: 'utf8' });
    const [address, pid] = bus.stdout.trim().split('\n');
    try {
      const r = keytarInChild({ HOME: '/tmp', DBUS_SESSION_BUS_ADDRESS: address!.trim() });
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(/keychain/);
      expect(r.message).toMatch(/gnome-keyring|Secret Service|unlock/i);
    } finally {
      process.kill(Number(pid), 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keychainError maps the known libsecret messages to advice and keeps the code', () => {
    const e = keychainError('read a secret from', new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'));
    expect(e).toBeInstanceOf(RampartError);
    expect(e.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(e.message).toMatch(/dbus-run-session/);
    expect(keychainError('read a secret from', new Error('Object does not exist at path “/org/freedesktop/secrets/collection/login”')).message).toMatch(/locked/);
    expect(keychainError('x', new Error('weird')).message).toMatch(/never stores secrets in plain text/);
  });
});
