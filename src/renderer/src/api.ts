// The renderer's only door to the rest of the app: `window.rampart`, exposed by the preload
// script and typed by the shared IPC contract. Everything goes through `call()`, which unwraps
// the Result envelope and throws an ApiError on failure.
import type { ErrorCode, IpcError, Result } from '../../shared/errors';
import type { AppEvent } from '../../shared/ipc/events';
import type { RampartApi } from '../../shared/ipc/contract';

declare global {
  interface Window {
    rampart: RampartApi;
  }
}

type Domain = Exclude<keyof RampartApi, 'onEvent'>;
type Method<D extends Domain> = keyof RampartApi[D] & string;
type Fn<D extends Domain, M extends Method<D>> = RampartApi[D][M];

export type RequestFor<D extends Domain, M extends Method<D>> = Fn<D, M> extends (request: infer Req) => unknown ? Req : never;
export type ResponseFor<D extends Domain, M extends Method<D>> =
  Fn<D, M> extends (request: never) => Promise<Result<infer Res>> ? Res : never;

export interface FieldIssue {
  path: string[];
  message: string;
}

/** An error envelope from the main process (or a failure to reach it), as a throwable. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(error: IpcError) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.details = error.details;
  }

  /** Validation issues (`details.issues`), if the main process sent any. */
  get issues(): FieldIssue[] {
    const raw = this.details?.['issues'];
    if (!Array.isArray(raw)) return [];
    const out: FieldIssue[] = [];
    for (const item of raw as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const { path, message } = item as { path?: unknown; message?: unknown };
      if (typeof message !== 'string') continue;
      out.push({ path: Array.isArray(path) ? path.map(String) : [], message });
    }
    return out;
  }

  /** First message per top-level field, e.g. `{ port: 'Port must be between 1 and 65535' }`. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const issue of this.issues) {
      const key = issue.path[0];
      if (key !== undefined && !(key in out)) out[key] = issue.message;
    }
    return out;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Human message for anything thrown. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  return 'Something went wrong.';
}

function bridge(): RampartApi {
  const api = (window as Partial<Window>).rampart;
  if (!api) {
    throw new ApiError({ code: 'INTERNAL', message: 'The Rampart bridge (window.rampart) is not available. Restart the app.' });
  }
  return api;
}

function isResult(value: unknown): value is Result<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** Calls `window.rampart[domain][method](request)`, returns `data` or throws an ApiError. */
export async function call<D extends Domain, M extends Method<D>>(domain: D, method: M, request: RequestFor<D, M>): Promise<ResponseFor<D, M>> {
  let result: unknown;
  try {
    const group = bridge()[domain] as unknown as Record<string, ((req: unknown) => Promise<unknown>) | undefined>;
    const fn = group[method];
    if (typeof fn !== 'function') throw new ApiError({ code: 'UNKNOWN_CHANNEL', message: `The bridge has no ${domain}.${method}.` });
    result = await fn(request);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError({ code: 'INTERNAL', message: errorMessage(e) });
  }
  if (!isResult(result)) throw new ApiError({ code: 'INTERNAL', message: `Malformed reply from ${domain}.${method}.` });
  if (!result.ok) throw new ApiError(result.error);
  return result.data as ResponseFor<D, M>;
}

/** Subscribes to main → renderer events. Returns the unsubscribe function. */
export function subscribe(listener: (event: AppEvent) => void): () => void {
  const api = (window as Partial<Window>).rampart;
  if (!api || typeof api.onEvent !== 'function') return () => undefined;
  return api.onEvent(listener);
}

/** A job id for `audit.run`; randomUUID where available (secure contexts), else from getRandomValues. */
export function newJobId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
