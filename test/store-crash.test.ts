// kill -9 during a burst of small write transactions: after reopening, the database must be
// intact, every commit the writer reported must be there, and no run may be half-written.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../src/main/store/store';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const writer = path.join(root, 'test', 'fixtures', 'crash-writer.ts');

let dir: string;
let dbFile: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-crash-test-'));
  dbFile = path.join(dir, 'rampart.db');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Burst {
  committed: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/** Runs the writer and SIGKILLs it once it has reported `killAfter` commits. */
function burst(prefix: string, killAfter: number): Promise<Burst> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dbFile, prefix], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const committed: string[] = [];
    let stderr = '';
    let buf = '';
    let killed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer did not reach ${killAfter} commits in time (got ${committed.length}); stderr: ${stderr}`));
    }, 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = /^committed (\S+) \d+$/.exec(line);
        if (m) committed.push(m[1]!);
      }
      if (!killed && committed.length >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ committed, signal, code, stderr });
    });
  });
}

function verify(store: Store, reported: readonly string[]): void {
  const db = store.db;
  expect(db.pragma('quick_check', { simple: true })).toBe('ok');
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);

  const runs = db.prepare('SELECT id, exec_count AS findings, duration_ms AS checks FROM audit_runs').all() as Array<{
    id: string;
    findings: number;
    checks: number;
  }>;
  const ids = new Set(runs.map((r) => r.id));
  expect(runs.length).toBeGreaterThanOrEqual(reported.length);
  const lost = reported.filter((id) => !ids.has(id));
  expect(lost, 'runs the writer reported as committed but that are missing').toEqual([]);

  // Atomicity: each run has exactly the findings and checks it was written with.
  const fCount = new Map(
    (db.prepare('SELECT run_id, COUNT(*) AS n FROM findings GROUP BY run_id').all() as Array<{ run_id: string; n: number }>).map((r) => [r.run_id, r.n]),
  );
  const cCount = new Map(
    (db.prepare('SELECT run_id, COUNT(*) AS n FROM check_results GROUP BY run_id').all() as Array<{ run_id: string; n: number }>).map((r) => [r.run_id, r.n]),
  );
  const partial = runs.filter((r) => (fCount.get(r.id) ?? 0) !== r.findings || (cCount.get(r.id) ?? 0) !== r.checks).map((r) => r.id);
  expect(partial, 'runs with missing findings or checks').toEqual([]);
  // No finding or check row without its run.
  expect(db.prepare('SELECT COUNT(*) AS n FROM findings WHERE run_id NOT IN (SELECT id FROM audit_runs)').get()).toEqual({ n: 0 });
  expect(db.prepare('SELECT COUNT(*) AS n FROM check_results WHERE run_id NOT IN (SELECT id FROM audit_runs)').get()).toEqual({ n: 0 });

  // The typed API reads every run back whole.
  const sample = reported.slice(-5);
  for (const id of sample) {
    const r = store.getRun(id);
    expect(r.findings.length).toBe(r.execCount);
    expect(r.checks.length).toBe(r.durationMs);
  }
}

describe('store: SIGKILL during a write burst', () => {
  it('keeps every reported commit, whole, across three kills', async () => {
    const allReported: string[] = [];
    const targets = [250, 400, 320];
    for (let round = 0; round < targets.length; round++) {
      const b = await burst(`r${round}`, targets[round]!);
      expect(b.stderr).toBe('');
      expect(b.signal).toBe('SIGKILL');
      expect(b.committed.length).toBeGreaterThanOrEqual(targets[round]!);
      allReported.push(...b.committed);

      const store = new Store(dbFile);
      try {
        verify(store, allReported);
      } finally {
        store.close();
      }
    }
    expect(allReported.length).toBeGreaterThanOrEqual(970);
  });
});
