// For the renderer's store tests: `call` (./api) answered by the test, one call at a time and in
// the order the test chooses, to show what a store does with answers that arrive late or out of
// order. A test mocks ./api with `deferredCall` and takes each call by its channel:
//   vi.mock('./api', async (orig) => ({ ...(await orig<typeof Api>()), call: (await import('./testing/deferredApi')).deferredCall }));
export interface Pending {
  /** "domain.channel", e.g. "runs.get". */
  channel: string;
  request: Record<string, unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export const pending: Pending[] = [];

export function deferredCall(domain: string, channel: string, request: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => pending.push({ channel: `${domain}.${channel}`, request, resolve, reject }));
}

/** The oldest pending call on that channel whose request has these fields (or passes the test). */
export function take(channel: string, match: Record<string, unknown> | ((request: Record<string, unknown>) => boolean) = {}): Pending {
  const ok = typeof match === 'function' ? match : (r: Record<string, unknown>) => Object.entries(match).every(([k, v]) => r[k] === v);
  const i = pending.findIndex((p) => p.channel === channel && ok(p.request));
  if (i < 0) throw new Error(`no pending ${channel}${typeof match === 'function' ? '' : ` ${JSON.stringify(match)}`}`);
  return pending.splice(i, 1)[0]!;
}

/** Lets the promise callbacks of answers given so far run. */
export const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
