// The one walk of a jump chain, shared by the app (hostConnect.ts) and the CLI (cli/connect.ts):
// log in to each hop in order (jump hosts first, the target last), each through the previous
// hop's forwarded TCP channel; on failure close what was opened and name the hop that failed;
// on success tie the hops' lifetimes together.
import { RampartError } from '../../shared/errors';
import type { SshConnection } from './connection';

export interface ChainWalk<H> {
  signal?: AbortSignal | undefined;
  /** Opens hop `i`; `via` is the previous hop's connection (null for the first). */
  openHop: (hop: H, i: number, via: SshConnection | null) => Promise<SshConnection>;
  /** The error to throw for a failure at hop `i` (e.g. the same error, its message naming the hop). */
  withHop: (e: unknown, i: number) => unknown;
}

/** Returns the target's connection: closing it closes the whole chain, and a dropped hop drops it. */
export async function walkChain<H>(hops: readonly H[], w: ChainWalk<H>): Promise<SshConnection> {
  if (!hops.length) throw new Error('walkChain: no hops');
  const opened: SshConnection[] = [];
  const closeAll = (): void => {
    for (const c of [...opened].reverse()) c.close();
  };
  try {
    for (let i = 0; i < hops.length; i++) {
      if (w.signal?.aborted) throw new RampartError('CANCELLED', 'Connection cancelled.');
      try {
        opened.push(await w.openHop(hops[i]!, i, i > 0 ? opened[i - 1]! : null));
      } catch (e) {
        throw w.withHop(e, i);
      }
    }
  } catch (e) {
    closeAll();
    throw e;
  }
  const target = opened[opened.length - 1]!;
  target.onClose(closeAll);
  for (const hop of opened.slice(0, -1)) hop.onClose(() => target.close());
  return target;
}
