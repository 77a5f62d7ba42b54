import { describe, expect, it } from 'vitest';
import { RampartError } from '../shared/errors';
import { CliError, EndpointLocks } from './connect';
import { failureEntry, runPool } from './fleet';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('runPool', () => {
  it('never runs more than `concurrency` at once, starts in order, returns results in order', async () => {
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const delays = [30, 5, 20, 1, 10, 1, 15];
    const out = await runPool(delays, 2, async (ms, i) => {
      started.push(i);
      active++;
      peak = Math.max(peak, active);
      await tick(ms);
      active--;
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('concurrency above the item count, and an empty list', async () => {
    let peak = 0;
    let active = 0;
    await runPool([1, 2, 3], 64, async () => {
      active++;
      peak = Math.max(peak, active);
      await tick(5);
      active--;
    });
    expect(peak).toBe(3);
    expect(await runPool([], 4, async () => 1)).toEqual([]);
  });

  it('a throwing task rejects the pool after the running ones settle, and starts no more', async () => {
    const started: number[] = [];
    await expect(
      runPool([0, 1, 2, 3], 2, async (x) => {
        started.push(x);
        await tick(5);
        if (x === 0) throw new Error('boom');
        return x;
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
  });
});

describe('failureEntry', () => {
  const host = { name: 'web1', address: '10.0.0.1', port: 22, username: 'root' };
  it('keeps the code, one line of message, and details when there are any', () => {
    expect(failureEntry(host, new RampartError('CONNECTION_REFUSED', '10.0.0.1:22 refused\nthe connection.'))).toEqual({
      host,
      status: 'failed',
      error: { code: 'CONNECTION_REFUSED', message: '10.0.0.1:22 refused the connection.' },
    });
    expect(failureEntry(host, new RampartError('HOST_KEY_UNKNOWN', 'x', { presented: 'SHA256:a' })).error).toEqual({ code: 'HOST_KEY_UNKNOWN', message: 'x', details: { presented: 'SHA256:a' } });
    expect(failureEntry(host, new CliError('HOST_KEY_REVOKED', 'revoked')).error).toEqual({ code: 'HOST_KEY_REVOKED', message: 'revoked' });
    expect(failureEntry(host, new TypeError('oops')).error).toEqual({ code: 'INTERNAL', message: 'unexpected error: oops' });
  });
});

describe('EndpointLocks', () => {
  it('serializes work on the same endpoint, not on different ones', async () => {
    const locks = new EndpointLocks();
    const log: string[] = [];
    const job = (key: string, name: string, ms: number) =>
      locks.with(key, async () => {
        log.push(`${name}+`);
        await tick(ms);
        log.push(`${name}-`);
        return name;
      });
    const results = await Promise.all([job('a:22', 'a1', 20), job('a:22', 'a2', 1), job('b:22', 'b1', 5), job('a:22', 'a3', 1)]);
    expect(results).toEqual(['a1', 'a2', 'b1', 'a3']);
    const a = log.filter((l) => l.startsWith('a'));
    expect(a).toEqual(['a1+', 'a1-', 'a2+', 'a2-', 'a3+', 'a3-']);
    expect(log.indexOf('b1+')).toBeLessThan(log.indexOf('a1-'));
    // a failure releases the lock
    await expect(locks.with('a:22', async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await locks.with('a:22', async () => 'free')).toBe('free');
  });
});
