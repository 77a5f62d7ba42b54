// Helpers of `rampart audit --inventory`: a bounded worker pool and failed-host entries. Pure.
import { RampartError } from '../shared/errors';
import { CliError } from './connect';
import type { HostRef } from './plan';
import { oneLine, type JsonFleetFailure } from './report';

// The pool lives with the audit domain (the bench uses it too).
export { runPool } from '../main/audit/pool';


/** The fleet entry of a host whose audit threw. */
export function failureEntry(host: HostRef, e: unknown): JsonFleetFailure {
  if (e instanceof RampartError || e instanceof CliError) {
    const details = e.details && Object.keys(e.details).length ? { details: e.details } : {};
    return { host, status: 'failed', error: { code: e.code, message: oneLine(e.message), ...details } };
  }
  const err = e as Error | undefined;
  return { host, status: 'failed', error: { code: 'INTERNAL', message: oneLine(`unexpected error: ${err?.message ?? String(e)}`) } };
}
