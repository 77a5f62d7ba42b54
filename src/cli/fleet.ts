// Helpers of `rampart audit --inventory`: a bounded worker pool and failed-host entries. Pure.
import { RampartError } from '../shared/errors';
import { CliError } from './connect';
import type { HostRef } from './plan';
import type { JsonFleetFailure } from './report';

/**
 * Runs `fn` over `items` with at most `concurrency` calls in flight, starting them in order;
 * resolves with the results in the items' order. `fn` should not throw (a throw rejects the whole
 * pool after the running calls settle).
 */
export async function runPool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const n = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** The fleet entry of a host whose audit threw. */
export function failureEntry(host: HostRef, e: unknown): JsonFleetFailure {
  if (e instanceof RampartError || e instanceof CliError) {
    const details = e.details && Object.keys(e.details).length ? { details: e.details } : {};
    return { host, status: 'failed', error: { code: e.code, message: oneLine(e.message), ...details } };
  }
  const err = e as Error | undefined;
  return { host, status: 'failed', error: { code: 'INTERNAL', message: oneLine(`unexpected error: ${err?.message ?? String(e)}`) } };
}
