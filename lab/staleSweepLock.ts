// A cross-process mutex for the lab tests that make a host stale on purpose or call
// destroyAllLabHosts({ staleOnly }): with two such test files running at once, one file's stale
// sweep would otherwise remove the other's deliberately orphaned host before it is inspected.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { procAlive } from './proc';

const LOCK_DIR = '/run/rampart-lab';
const LOCK = `${LOCK_DIR}/test-stale-sweep.lock`;

export async function withStaleSweepLock<T>(fn: () => Promise<T>, waitMs = 30_000): Promise<T> {
  mkdirSync(LOCK_DIR, { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(LOCK, { encoding: 'utf8', flag: 'r' }) || 0);
      if (holder > 0 && !procAlive(holder)) rmSync(LOCK, { force: true }); // the holder died
      else if (Date.now() > deadline) throw new Error(`stale-sweep lock ${LOCK} held by pid ${holder}`, { cause: err });
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}
