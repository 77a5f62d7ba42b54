// The handler table, built from the contract. Every request is validated with its channel's
// schema, every response checked against its schema, and every failure returned as a typed
// error envelope: a bad payload never crashes the main process.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { RampartError, type IpcError, type Result } from '../shared/errors';
import { channelEntries, type Contract } from '../shared/ipc/contract';
import type { Channel, ParsedRequestOf, ResponseOf } from '../shared/ipc/channel';
import { runAudit } from './audit/auditor';
import type { Services } from './services';
import { probeHostKey } from './ssh/connection';

type Impl = {
  [D in keyof Contract]: {
    [M in keyof Contract[D]]: (req: ParsedRequestOf<Contract[D][M]>) => Promise<ResponseOf<Contract[D][M]>> | ResponseOf<Contract[D][M]>;
  };
};

export interface Handlers {
  /** Channel names this table answers. */
  readonly channels: readonly string[];
  invoke(channel: string, request: unknown): Promise<Result<unknown>>;
}

function implementations(s: Services): Impl {
  return {
    app: {
      info: () => ({ version: s.appVersion, dbPath: s.store.file, schemaVersion: s.store.schemaVersion, platform: s.platform }),
    },
    hosts: {
      list: () => s.store.listHosts(),
      add: (req) =>
        s.store.addHost({
          name: req.name,
          address: req.address,
          port: req.port,
          username: req.username,
          identityFile: req.identityFile,
          sshdConfigPath: req.sshdConfigPath,
        }),
      remove: (req) => {
        s.store.getHost(req.hostId);
        return { removed: s.store.removeHost(req.hostId) };
      },
      probeKey: async (req) => {
        const host = s.store.getHost(req.hostId);
        const presented = await probeHostKey({ address: host.address, port: host.port });
        const pinned = s.store.getPin(host.address, host.port);
        return {
          hostId: host.id,
          address: host.address,
          port: host.port,
          keyType: presented.keyType,
          fingerprint: presented.fingerprint,
          state: !pinned ? 'unknown' : pinned.fingerprint === presented.fingerprint ? 'match' : 'changed',
          pinned,
        } as const;
      },
      trustKey: (req) => {
        const host = s.store.getHost(req.hostId);
        s.store.pinKey(host.address, host.port, req.keyType, req.fingerprint, req.replace);
        return s.store.getHost(host.id);
      },
    },
    audit: {
      run: async (req) => {
        const host = s.store.getHost(req.hostId);
        const jobId = req.jobId ?? randomUUID();
        if (s.jobs.has(jobId)) throw new RampartError('CONFLICT', `Job ${jobId} is already running.`);
        const controller = new AbortController();
        s.jobs.set(jobId, controller);
        const emit = (phase: 'failed' | 'cancelled', message: string): void =>
          s.emit({ type: 'audit-progress', jobId, hostId: host.id, phase, message, progress: 1 });
        try {
          return await runAudit(
            s.store,
            {
              hostId: host.id,
              name: host.name,
              address: host.address,
              port: host.port,
              username: host.username,
              identityFile: host.identityFile,
              sshdConfigPath: host.sshdConfigPath,
            },
            { jobId, signal: controller.signal, onProgress: (p) => s.emit({ type: 'audit-progress', jobId, hostId: host.id, ...p }) },
          );
        } catch (e) {
          const cancelled = e instanceof RampartError && e.code === 'CANCELLED';
          emit(cancelled ? 'cancelled' : 'failed', (e as Error).message);
          throw e;
        } finally {
          s.jobs.delete(jobId);
        }
      },
      cancel: (req) => {
        const c = s.jobs.get(req.jobId);
        c?.abort();
        return { cancelled: Boolean(c) };
      },
    },
    runs: {
      list: (req) => s.store.listRuns({ hostId: req.hostId, limit: req.limit }),
      get: (req) => s.store.getRun(req.runId),
    },
  };
}

export function toIpcError(e: unknown): IpcError {
  if (e instanceof RampartError) return e.toJSON();
  if (e instanceof z.ZodError)
    return {
      code: 'VALIDATION',
      message: e.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '),
      details: { issues: e.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    };
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

export function createHandlers(services: Services): Handlers {
  const impl = implementations(services) as unknown as Record<string, Record<string, (req: unknown) => unknown>>;
  const table = new Map<string, { channel: Channel; fn: (req: unknown) => unknown }>();
  for (const { domain, method, channel } of channelEntries()) {
    const fn = impl[domain]?.[method];
    if (!fn) throw new Error(`no handler for ${channel.name}`);
    table.set(channel.name, { channel, fn });
  }
  return {
    channels: [...table.keys()],
    async invoke(name, request) {
      const entry = table.get(name);
      if (!entry) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown channel "${String(name).slice(0, 80)}".` } };
      const parsed = entry.channel.request.safeParse(request ?? {});
      if (!parsed.success) return { ok: false, error: toIpcError(parsed.error) };
      try {
        const data = await entry.fn(parsed.data);
        const checked = entry.channel.response.safeParse(data);
        if (!checked.success) return { ok: false, error: { code: 'INTERNAL', message: `Response for ${name} did not match its schema: ${toIpcError(checked.error).message}` } };
        return { ok: true, data: checked.data };
      } catch (e) {
        return { ok: false, error: toIpcError(e) };
      }
    },
  };
}
