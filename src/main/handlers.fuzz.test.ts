// Malformed requests on every IPC channel (issue 15, item 6): whatever a compromised or buggy
// renderer sends, the handler table answers with a typed VALIDATION error envelope, never throws,
// never reaches a service and never changes the database. Channels are enumerated from the
// contract, so a new channel is fuzzed without an edit here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { startTestKeyring, type TestKeyring } from '../../test/support/keyring';
import { IpcError } from '../shared/errors';
import { channelEntries } from '../shared/ipc/contract';
import { createHandlers, type Handlers } from './handlers';
import { KeytarSecretStore } from './secrets/secretStore';
import { createServices, type Services } from './services';

const RUNS_PER_CHANNEL = Number(process.env.RAMPART_FUZZ_RUNS ?? 60);

let keyring: TestKeyring;
let dir: string;
let services: Services;
let h: Handlers;
const savedEnv = { ...process.env };

beforeAll(async () => {
  keyring = await startTestKeyring();
  Object.assign(process.env, keyring.env);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-ipc-fuzz-'));
  services = createServices({ dbFile: path.join(dir, 'rampart.db'), secrets: new KeytarSecretStore('rampart-test-ipc-fuzz') });
  h = createHandlers(services);
});

afterAll(() => {
  services?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  keyring?.stop();
  for (const k of Object.keys(keyring?.env ?? {})) process.env[k] = savedEnv[k];
});

/** The keys of an object schema (zod 4), so generated requests come close to valid ones. */
function shapeKeys(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : [];
}

const hostile = fc.oneof(
  fc.anything(),
  fc.constantFrom(-1, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '', ' ', '../../etc/passwd', '$(id)', 'a'.repeat(100_000), '\u0000', null, [], {}, true, '2026-13-45', 'SHA256:x'),
  fc.string({ unit: 'binary', maxLength: 64 }),
);

function malformed(schema: z.ZodType): fc.Arbitrary<unknown> {
  const keys = shapeKeys(schema);
  const nearValid = keys.length
    ? fc.dictionary(fc.constantFrom(...keys, '__proto__', 'constructor'), hostile, { maxKeys: keys.length + 1 })
    : fc.constant(undefined);
  return fc.oneof(fc.anything(), hostile, nearValid).filter((v) => !schema.safeParse(v ?? {}).success);
}

/** Rows in every table: a handler that ran a service (or wrote anything) changes this. */
function dbFingerprint(): string {
  const db = services.store.db;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
  return tables.map((t) => `${t.name}:${(db.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n}`).join(',');
}

describe('IPC fuzz: malformed requests on every channel', () => {
  it('the contract has channels and every one is fuzzed', () => {
    expect(channelEntries().length).toBeGreaterThan(30);
    expect([...h.channels].sort()).toEqual(channelEntries().map((e) => e.channel.name).sort());
  });

  for (const { channel } of channelEntries()) {
    it(`${channel.name}: VALIDATION, no throw, nothing written`, async () => {
      const before = dbFingerprint();
      await fc.assert(
        fc.asyncProperty(malformed(channel.request), async (req) => {
          let res;
          try {
            res = await h.invoke(channel.name, req);
          } catch (e) {
            throw new Error(`invoke threw: ${String(e)}`, { cause: e });
          }
          expect(res.ok).toBe(false);
          if (res.ok) return;
          expect(IpcError.safeParse(res.error).success).toBe(true);
          expect(res.error.code).toBe('VALIDATION');
          // The message names what is wrong without echoing a huge or binary payload back.
          expect(res.error.message.length).toBeLessThan(20_000);
        }),
        { numRuns: RUNS_PER_CHANNEL },
      );
      expect(dbFingerprint()).toBe(before);
    });
  }

  it('unknown channels, prototype names and junk names are refused as UNKNOWN_CHANNEL', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', 'hosts', 'hosts:', ':list', 'hosts:list ', 'HOSTS:LIST')), fc.anything(), async (name, req) => {
        fc.pre(!h.channels.includes(name));
        const res = await h.invoke(name, req);
        expect(res.ok).toBe(false);
        if (!res.ok) expect(res.error.code).toBe('UNKNOWN_CHANNEL');
      }),
      { numRuns: 200 },
    );
  });
});
