// The handler table over real services (real SQLite file): validation, typed errors, round trips.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestKeyring, type TestKeyring } from '../../test/support/keyring';
import { Host, RunDetail } from '../shared/domain';
import { IpcError, type Result } from '../shared/errors';
import { CHANNEL_NAMES } from '../shared/ipc/contract';
import { allChannelNames } from '../shared/ipc/names';
import { createHandlers, toIpcError, type Handlers } from './handlers';
import { KeytarSecretStore } from './secrets/secretStore';
import { createServices, type Services } from './services';
import { SCHEMA_VERSION } from './store/migrations';

let dir: string;
let dbFile: string;
let services: Services;
let h: Handlers;

// hosts:remove deletes the host's keychain entries: a private gnome-keyring and a test service
// name, so no test ever touches a real keychain.
let keyring: TestKeyring;
const savedEnv = { ...process.env };
beforeAll(async () => {
  keyring = await startTestKeyring();
  Object.assign(process.env, keyring.env);
});
afterAll(() => {
  keyring?.stop();
  for (const k of Object.keys(keyring?.env ?? {})) process.env[k] = savedEnv[k];
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-handlers-test-'));
  dbFile = path.join(dir, 'rampart.db');
  services = createServices({ dbFile, secrets: new KeytarSecretStore('rampart-test-handlers') });
  h = createHandlers(services);
});

afterEach(() => {
  services.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const VALID = { name: 'web-1', address: '192.0.2.10', port: 22, username: 'admin' };
const FP = 'SHA256:' + 'Q'.repeat(43);

async function fail(channel: string, request: unknown): Promise<IpcError> {
  let res: Result<unknown>;
  try {
    res = await h.invoke(channel, request);
  } catch (e) {
    throw new Error(`invoke(${channel}) threw instead of returning an error envelope: ${String(e)}`, { cause: e });
  }
  expect(res.ok).toBe(false);
  if (res.ok) throw new Error('unreachable');
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

describe('handler table', () => {
  it('answers every channel of the contract, and only those', () => {
    expect(CHANNEL_NAMES.length).toBeGreaterThan(0);
    expect([...h.channels].sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(new Set(CHANNEL_NAMES).size).toBe(CHANNEL_NAMES.length);
    for (const name of CHANNEL_NAMES) expect(h.channels).toContain(name);
    // The zod-free name table the preload uses lists the same channels.
    expect(allChannelNames().sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('every channel answers with an envelope, never a throw, whatever the payload', async () => {
    const payloads: unknown[] = [undefined, null, 42, 'x', [], { hostId: -1 }, { __proto__: { hostId: 1 } }, { constructor: 'x' }];
    for (const name of CHANNEL_NAMES) {
      // these go to the network when valid
      if (name === 'hosts:probeKey' || name === 'audit:run' || name === 'hosts:testConnection' || name === 'hosts:vpnState') continue;
      for (const p of payloads) {
        const res = await h.invoke(name, p);
        expect(typeof res.ok).toBe('boolean');
        if (!res.ok) expect(IpcError.safeParse(res.error).success).toBe(true);
      }
    }
  });

  it('unknown channel → UNKNOWN_CHANNEL', async () => {
    const e = await fail('hosts:nuke', {});
    expect(e.code).toBe('UNKNOWN_CHANNEL');
    expect(e.message).toContain('hosts:nuke');
    expect((await fail('', {})).code).toBe('UNKNOWN_CHANNEL');
    expect((await fail('__proto__', {})).code).toBe('UNKNOWN_CHANNEL');
    expect((await fail('constructor', {})).code).toBe('UNKNOWN_CHANNEL');
    const long = await fail('x'.repeat(10_000), {});
    expect(long.code).toBe('UNKNOWN_CHANNEL');
    expect(long.message.length).toBeLessThan(200);
  });
});

describe('hosts:add validation', () => {
  const cases: Array<[string, unknown, string]> = [
    ['missing name', { address: '10.0.0.1', username: 'admin' }, 'name'],
    ['empty name', { ...VALID, name: '   ' }, 'name'],
    ['name with $()', { ...VALID, name: 'web$(reboot)' }, 'name'],
    ['name with a backtick', { ...VALID, name: 'web`id`' }, 'name'],
    ['name starting with a dash', { ...VALID, name: '-oProxyCommand=x' }, 'name'],
    ['port "abc"', { ...VALID, port: 'abc' }, 'port'],
    ['port 70000', { ...VALID, port: 70000 }, 'port'],
    ['port 0', { ...VALID, port: 0 }, 'port'],
    ['port 22.5', { ...VALID, port: 22.5 }, 'port'],
    ['port -22', { ...VALID, port: -22 }, 'port'],
    ['address with spaces', { ...VALID, address: 'my server' }, 'address'],
    ['address ;rm -rf /', { ...VALID, address: ';rm -rf /' }, 'address'],
    ['address 10.0.0.1;rm -rf /', { ...VALID, address: '10.0.0.1;rm -rf /' }, 'address'],
    ['address $(id)', { ...VALID, address: '$(id)' }, 'address'],
    ['address with a leading dash', { ...VALID, address: '-oProxyCommand=touch' }, 'address'],
    ['address with a newline', { ...VALID, address: 'a.example\nb.example' }, 'address'],
    ['empty address', { ...VALID, address: '' }, 'address'],
    ['user with a space', { ...VALID, username: 'ad min' }, 'username'],
    ['user $(id)', { ...VALID, username: '$(id)' }, 'username'],
    ['relative identity file', { ...VALID, identityFile: 'id_ed25519' }, 'identityFile'],
    ['identity file with NUL', { ...VALID, identityFile: '/home/a/\0id' }, 'identityFile'],
    ['relative sshd config path', { ...VALID, sshdConfigPath: 'sshd_config' }, 'sshdConfigPath'],
    ['name not a string', { ...VALID, name: 42 }, 'name'],
  ];

  for (const [what, payload, field] of cases) {
    it(`${what} → VALIDATION naming "${field}"`, async () => {
      const e = await fail('hosts:add', payload);
      expect(e.code).toBe('VALIDATION');
      expect(issuePaths(e)).toContain(field);
      expect(e.message).toContain(`${field}:`);
      expect(services.store.listHosts()).toEqual([]);
    });
  }

  it('port messages are readable', async () => {
    expect((await fail('hosts:add', { ...VALID, port: 'abc' })).message).toMatch(/port: Port must be a number/);
    expect((await fail('hosts:add', { ...VALID, port: 70000 })).message).toMatch(/port: Port must be between 1 and 65535/);
  });

  it('extra unknown keys → VALIDATION naming the key', async () => {
    const e = await fail('hosts:add', { ...VALID, password: 'hunter2' });
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toContain('password');
    expect(e.message).not.toContain('hunter2');
    expect(services.store.listHosts()).toEqual([]);
  });

  it('reports every bad field at once', async () => {
    const e = await fail('hosts:add', { name: 'a b', address: 'x y', port: 0, username: '' });
    expect(new Set(issuePaths(e))).toEqual(new Set(['name', 'address', 'port', 'username']));
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'web-1 192.0.2.10'],
    ['a number', 7],
    ['an array', [VALID]],
  ])('%s instead of an object → VALIDATION', async (_what, payload) => {
    const e = await fail('hosts:add', payload);
    expect(e.code).toBe('VALIDATION');
    expect(e.message.length).toBeGreaterThan(0);
  });

  it('null → VALIDATION naming the required fields', async () => {
    const e = await fail('hosts:add', null);
    expect(issuePaths(e)).toEqual(expect.arrayContaining(['name', 'address', 'username']));
  });
});

describe('hosts:add validation: lenient coercions that should be refused', () => {
  // z.coerce.number() turns true into 1 and [22] into 22; the IPv6 branch of HostAddress accepts
  // any run of hex digits, colons and dots, so "." and ":" pass as addresses.
  it.each([
    ['port true (coerced to 1)', { ...VALID, port: true }, 'port'],
    ['port [22] (coerced to 22)', { ...VALID, port: [22] }, 'port'],
    ['address "."', { ...VALID, address: '.' }, 'address'],
    ['address ":"', { ...VALID, address: ':' }, 'address'],
  ])('%s → VALIDATION', async (_what, payload, field) => {
    const e = await fail('hosts:add', payload);
    expect(e.code).toBe('VALIDATION');
    expect(issuePaths(e)).toContain(field);
  });
});

describe('hosts round trip', () => {
  it('hosts:add → hosts:list', async () => {
    const added = await ok<Host>('hosts:add', { ...VALID, name: '  web-1  ', port: '2222', identityFile: '/root/.ssh/id_ed25519' });
    expect(Host.parse(added)).toEqual(added);
    expect(added).toMatchObject({ name: 'web-1', port: 2222, sshdConfigPath: '/etc/ssh/sshd_config', hostKey: null, lastRun: null });
    const listed = await ok<Host[]>('hosts:list', {});
    expect(listed).toEqual([added]);
    // A missing request for a no-argument channel is fine.
    expect(await ok<Host[]>('hosts:list', undefined)).toEqual([added]);
  });

  it('IPv6 and DNS addresses are accepted', async () => {
    await ok('hosts:add', { ...VALID, name: 'v6', address: '2001:db8::1' });
    await ok('hosts:add', { ...VALID, name: 'dns', address: 'srv-1.example.org' });
    expect((await ok<Host[]>('hosts:list', {})).map((x) => x.address)).toEqual(['srv-1.example.org', '2001:db8::1']);
  });

  it('a duplicate name → CONFLICT', async () => {
    await ok('hosts:add', VALID);
    expect((await fail('hosts:add', { ...VALID, address: '10.0.0.9' })).code).toBe('CONFLICT');
  });

  it('hosts:list with unknown keys → VALIDATION', async () => {
    expect((await fail('hosts:list', { all: true })).code).toBe('VALIDATION');
  });

  it('hosts:remove of an unknown host → NOT_FOUND; of a known one → removed', async () => {
    const e = await fail('hosts:remove', { hostId: 999 });
    expect(e.code).toBe('NOT_FOUND');
    const added = await ok<Host>('hosts:add', VALID);
    expect(await ok('hosts:remove', { hostId: added.id })).toEqual({ removed: true });
    expect(await ok('hosts:list', {})).toEqual([]);
    expect((await fail('hosts:remove', { hostId: added.id })).code).toBe('NOT_FOUND');
  });

  it('hosts:remove with a bad id → VALIDATION naming hostId', async () => {
    for (const hostId of ['1', 0, -1, 1.5, null]) {
      const e = await fail('hosts:remove', { hostId });
      expect(e.code).toBe('VALIDATION');
      expect(issuePaths(e)).toContain('hostId');
    }
  });
});

describe('hosts:trustKey', () => {
  it.each([
    ['no prefix', 'Q'.repeat(43)],
    ['MD5 style', 'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48'],
    ['too short', 'SHA256:' + 'Q'.repeat(42)],
    ['too long', 'SHA256:' + 'Q'.repeat(44)],
    ['padding', 'SHA256:' + 'Q'.repeat(42) + '='],
    ['shell metacharacters', 'SHA256:' + 'Q'.repeat(40) + '$()'],
    ['trailing newline', 'SHA256:' + 'Q'.repeat(43) + '\n'],
  ])('malformed fingerprint (%s) → VALIDATION naming fingerprint', async (_what, fingerprint) => {
    const added = await ok<Host>('hosts:add', VALID);
    const e = await fail('hosts:trustKey', { hostId: added.id, keyType: 'ssh-ed25519', fingerprint });
    expect(e.code).toBe('VALIDATION');
    expect(issuePaths(e)).toContain('fingerprint');
    expect(e.message).toMatch(/fingerprint: Fingerprint must look like SHA256/);
    expect(services.store.getPin(VALID.address, VALID.port)).toBeNull();
  });

  it('pins, refuses a different key without replace, replaces with replace', async () => {
    const added = await ok<Host>('hosts:add', VALID);
    const pinned = await ok<Host>('hosts:trustKey', { hostId: added.id, keyType: 'ssh-ed25519', fingerprint: FP });
    expect(pinned.hostKey).toMatchObject({ keyType: 'ssh-ed25519', fingerprint: FP, address: VALID.address, port: 22 });
    const other = 'SHA256:' + 'z'.repeat(43);
    const e = await fail('hosts:trustKey', { hostId: added.id, keyType: 'ssh-ed25519', fingerprint: other });
    expect(e.code).toBe('HOST_KEY_CHANGED');
    expect(e.details).toEqual({ pinned: FP, presented: other });
    const replaced = await ok<Host>('hosts:trustKey', { hostId: added.id, keyType: 'ssh-rsa', fingerprint: other, replace: true });
    expect(replaced.hostKey).toMatchObject({ keyType: 'ssh-rsa', fingerprint: other });
  });

  it('unknown host → NOT_FOUND', async () => {
    expect((await fail('hosts:trustKey', { hostId: 77, keyType: 'ssh-ed25519', fingerprint: FP })).code).toBe('NOT_FOUND');
  });
});

describe('app and runs', () => {
  it('app:info returns the schema version and database path', async () => {
    const info = await ok<{ version: string; dbPath: string; schemaVersion: number; platform: string }>('app:info', {});
    expect(info).toEqual({ version: services.appVersion, dbPath: dbFile, schemaVersion: SCHEMA_VERSION, platform: process.platform, nativeDialogs: false });
    expect(info.schemaVersion).toBe(SCHEMA_VERSION);
  });

  it('runs:get of an unknown run → NOT_FOUND', async () => {
    const e = await fail('runs:get', { runId: 'no-such-run' });
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('no-such-run');
  });

  it('runs:get with a bad runId → VALIDATION', async () => {
    expect(issuePaths(await fail('runs:get', { runId: '' }))).toContain('runId');
    expect(issuePaths(await fail('runs:get', { runId: 'x'.repeat(65) }))).toContain('runId');
    expect(issuePaths(await fail('runs:get', {}))).toContain('runId');
  });

  it('runs:list and runs:get return stored runs', async () => {
    const host = services.store.addHost({ ...VALID, sshdConfigPath: '/etc/ssh/sshd_config' });
    const id = services.store.saveRun({
      hostId: host.id,
      hostName: host.name,
      address: host.address,
      port: host.port,
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:00:01.000Z',
      status: 'complete',
      os: 'Debian GNU/Linux 12 (bookworm)',
      score: { overall: 100, grade: 'A+', cap: null, categories: { ssh: { score: 100, grade: 'A+', applicableWeight: 5 } } },
      errors: [],
      execCount: 1,
      durationMs: 1000,
      checks: [{ checkId: 'SSH-PERMIT-ROOT-LOGIN', category: 'ssh', severity: 'high', status: 'pass' }],
      findings: [],
    });
    const list = await ok<Array<{ id: string }>>('runs:list', {});
    expect(list.map((r) => r.id)).toEqual([id]);
    expect((await ok<unknown[]>('runs:list', { hostId: host.id + 1 })).length).toBe(0);
    const detail = await ok<RunDetail>('runs:get', { runId: id });
    expect(RunDetail.parse(detail).checks).toHaveLength(1);
    expect((await fail('runs:list', { limit: 0 })).code).toBe('VALIDATION');
    expect((await fail('runs:list', { limit: 501 })).code).toBe('VALIDATION');
  });

  it('audit:run of an unknown host → NOT_FOUND without connecting', async () => {
    expect((await fail('audit:run', { hostId: 31337 })).code).toBe('NOT_FOUND');
  });

  it('audit:run of a host with no pinned key → HOST_KEY_UNKNOWN without connecting', async () => {
    const added = await ok<Host>('hosts:add', { ...VALID, address: '192.0.2.1' });
    const e = await fail('audit:run', { hostId: added.id });
    expect(e.code).toBe('HOST_KEY_UNKNOWN');
    expect(services.store.listRuns()).toEqual([]);
  });

  it('audit:cancel of an unknown job reports cancelled: false', async () => {
    expect(await ok('audit:cancel', { jobId: 'nope' })).toEqual({ cancelled: false });
  });
});

describe('toIpcError', () => {
  it('maps unknown throwables to INTERNAL', () => {
    expect(toIpcError(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(toIpcError('plain')).toEqual({ code: 'INTERNAL', message: 'plain' });
  });
});

describe('audit:run Trivy reports and audit:chooseTrivyReport', () => {
  const fixtures = path.resolve(__dirname, 'audit/__fixtures__/cve');

  async function addHost(): Promise<number> {
    const res = await h.invoke('hosts:add', VALID);
    if (!res.ok) throw new Error(res.error.message);
    return Host.parse(res.data).id;
  }

  it('a relative path is refused by the schema; an unreadable or foreign file fails before any connection, naming the file', async () => {
    const hostId = await addHost();
    const rel = await fail('audit:run', { hostId, trivyReports: ['scans/app.json'] });
    expect(rel.code).toBe('VALIDATION');
    expect(rel.message).toMatch(/full path/);
    const missing = path.join(dir, 'nope.json');
    const gone = await fail('audit:run', { hostId, trivyReports: [missing] });
    expect(gone).toMatchObject({ code: 'VALIDATION', message: `cannot read ${missing}: no such file` });
    const foreign = path.join(fixtures, 'trivy-not-trivy.json');
    const bad = await fail('audit:run', { hostId, trivyReports: [path.join(fixtures, 'trivy-app.json'), foreign] });
    expect(bad.code).toBe('VALIDATION');
    expect(bad.message).toContain(`${foreign} is not a Trivy JSON report`);
    // Refused before connecting: 192.0.2.10 (TEST-NET) was never dialled, so no run and no job.
    expect(services.store.listRuns({ hostId, limit: 10 })).toEqual([]);
    expect(services.jobs.size).toBe(0);
  });

  it('without native dialogs the chooser refuses (the UI types the path); with them it returns the choice or null', async () => {
    const none = await fail('audit:chooseTrivyReport', {});
    expect(none).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/type the full path/) });
    const asked: string[] = [];
    let answer: string | null = '/home/op/scans/app.json';
    services.dialogs = {
      saveFile: () => Promise.reject(new Error('not used')),
      openFile: (o) => {
        asked.push(`${o.title} [${o.filters.flatMap((f) => f.extensions).join(',')}]`);
        return Promise.resolve(answer);
      },
    };
    expect(await h.invoke('audit:chooseTrivyReport', {})).toEqual({ ok: true, data: { path: '/home/op/scans/app.json' } });
    answer = null;
    expect(await h.invoke('audit:chooseTrivyReport', {})).toEqual({ ok: true, data: { path: null } });
    expect(asked).toEqual(['Attach a Trivy JSON report [json]', 'Attach a Trivy JSON report [json]']);
  });
});
