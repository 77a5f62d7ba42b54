// A bounded worker pool: fleet audits (the CLI's --inventory, the bench) run through it.

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
