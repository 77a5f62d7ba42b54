// What the handler-table tests share: a fresh temporary SQLite file and services for each test,
// the handler table over them, and helpers to invoke a channel that must succeed or must fail.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { createHandlers, type Handlers } from '../../src/main/handlers';
import type { SecretStore } from '../../src/main/secrets/secretStore';
import { createServices, type Services } from '../../src/main/services';
import { IpcError, type Result } from '../../src/shared/errors';

// No channel used by these tests touches the keychain; anything that tried would fail loudly.
export const noSecrets: SecretStore = {
  get: () => Promise.reject(new Error('keychain not expected')),
  set: () => Promise.reject(new Error('keychain not expected')),
  delete: () => Promise.reject(new Error('keychain not expected')),
  accounts: () => Promise.reject(new Error('keychain not expected')),
};

export interface HandlerHarness {
  /** The services of the running test (a new temporary database each test). */
  readonly services: Services;
  /** The handler table over them. */
  readonly h: Handlers;
  ok<T = unknown>(channel: string, request: unknown): Promise<T>;
  fail(channel: string, request: unknown): Promise<IpcError>;
}

/** Registers beforeEach/afterEach that create and remove a temporary database (its folder named from tmpPrefix). */
export function useHandlerHarness(tmpPrefix: string): HandlerHarness {
  let dir: string;
  let services: Services;
  let h: Handlers;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
    services = createServices({ dbFile: path.join(dir, 'rampart.db'), secrets: noSecrets });
    h = createHandlers(services);
  });

  afterEach(() => {
    services.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function ok<T = unknown>(channel: string, request: unknown): Promise<T> {
    const res = await h.invoke(channel, request);
    if (!res.ok) throw new Error(`${channel} failed: ${res.error.code} ${res.error.message}`);
    return res.data as T;
  }

  async function fail(channel: string, request: unknown): Promise<IpcError> {
    const res: Result<unknown> = await h.invoke(channel, request);
    expect(res.ok, `${channel} should fail`).toBe(false);
    if (res.ok) throw new Error('unreachable');
    expect(IpcError.safeParse(res.error).success).toBe(true);
    return res.error;
  }

  return {
    get services() {
      return services;
    },
    get h() {
      return h;
    },
    ok,
    fail,
  };
}

export function issuePaths(e: IpcError): string[] {
  return ((e.details?.issues ?? []) as Array<{ path: string[] }>).map((i) => i.path.join('.'));
}
