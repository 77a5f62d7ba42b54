// One audit of one host: connect (host key verified first), collect in a single exec, evaluate,
// grade, store. Plain Node; used by the IPC handlers and the CLI alike.
import { randomUUID } from 'node:crypto';
import type { RunDetail, RunError } from '../../shared/domain';
import { RampartError } from '../../shared/errors';
import type { AuditProgressEvent } from '../../shared/ipc/events';
import { connect, type HostKeyPolicy, type SshConnection } from '../ssh/connection';
import type { Store } from '../store/store';
import { buildCollectScript, parseCollectOutput } from './collector';
import { evaluate } from './engine';
import { computeScore } from './grading';

export interface AuditTarget {
  hostId: number | null;
  name: string;
  address: string;
  port: number;
  username: string;
  identityFile?: string | null;
  sshdConfigPath: string;
}

export interface AuditOptions {
  jobId?: string;
  signal?: AbortSignal;
  onProgress?: (e: Omit<AuditProgressEvent, 'type' | 'jobId' | 'hostId'>) => void;
  /** When no key is pinned: refuse (default) or accept and pin what the server presents. */
  acceptNewHostKey?: boolean;
  connectTimeoutMs?: number;
  collectTimeoutMs?: number;
  /**
   * Opens the authenticated connection instead of `connect()` with the target's key file (the
   * app passes openHostConnection: VPN preflight, jump chain, keychain/agent credentials, pinned
   * keys per hop). The host-key policy is then the opener's.
   */
  open?: () => Promise<SshConnection>;
}

export async function runAudit(store: Store, target: AuditTarget, opts: AuditOptions = {}): Promise<RunDetail> {
  const progress = opts.onProgress ?? (() => undefined);
  let policy: HostKeyPolicy | null = null;
  if (!opts.open) {
    const pin = store.getPin(target.address, target.port);
    if (pin) policy = { kind: 'pinned', pin };
    else if (opts.acceptNewHostKey)
      policy = { kind: 'accept-new', onAccept: (k) => store.pinKey(target.address, target.port, k.keyType, k.fingerprint, false) };
    else
      throw new RampartError(
        'HOST_KEY_UNKNOWN',
        `No host key is pinned for ${target.address}:${target.port}. Check the server's fingerprint and accept it first (in the app: Connect; on the command line: --accept-new-host-key).`,
      );
  }

  const startedAt = new Date();
  progress({ phase: 'connecting', message: `Connecting to ${target.username}@${target.address}:${target.port}`, progress: 0.05 });
  const conn: SshConnection = opts.open
    ? await opts.open()
    : await connect(
        { address: target.address, port: target.port, username: target.username, identityFile: target.identityFile ?? null },
        policy!,
        { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.connectTimeoutMs ? { readyTimeoutMs: opts.connectTimeoutMs } : {}) },
      );
  const errors: RunError[] = [];
  let status: RunDetail['status'] = 'complete';
  let facts;
  try {
    progress({ phase: 'collecting', message: 'Collecting facts (one read-only script)', progress: 0.3 });
    const { marker, script } = buildCollectScript({ sshdConfigPath: target.sshdConfigPath });
    let stdout = '';
    try {
      const res = await conn.exec('sh -s', { stdin: script, timeoutMs: opts.collectTimeoutMs ?? 120_000, ...(opts.signal ? { signal: opts.signal } : {}) });
      stdout = res.stdout;
      if (res.truncated) errors.push({ section: 'collector', message: 'output exceeded the size limit and was cut' });
    } catch (e) {
      if (e instanceof RampartError && e.code === 'CANCELLED') throw e;
      status = 'partial';
      errors.push({ section: 'collector', message: (e as Error).message });
    }
    facts = parseCollectOutput(stdout, marker, target.sshdConfigPath).facts;
  } finally {
    conn.close();
  }

  progress({ phase: 'evaluating', message: 'Evaluating checks', progress: 0.7 });
  const hostKey = `${target.address}:${target.port}`;
  const { checks, findings } = evaluate(facts, hostKey);
  for (const [name, s] of Object.entries(facts)) if (!s.ok && s.status === 'error') errors.push({ section: name, message: s.message });
  if (status === 'complete' && checks.some((c) => c.status === 'error')) status = 'partial';
  // A run in which no check could be graded (e.g. sshd -T failed) has no score: computeScore
  // would call "nothing evaluated" 100 / A+.
  const computed = computeScore(checks, findings);
  const score = Object.keys(computed.categories).length > 0 ? computed : null;
  const finishedAt = new Date();
  const os = facts.os.ok ? facts.os.value.prettyName : null;

  progress({ phase: 'saving', message: 'Saving the run', progress: 0.9 });
  const id = store.saveRun({
    id: randomUUID(),
    hostId: target.hostId,
    hostName: target.name,
    address: target.address,
    port: target.port,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    status,
    os,
    score,
    errors,
    execCount: conn.execCount,
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    checks,
    findings,
  });
  progress({ phase: 'done', message: score ? `Done: ${score.grade} (${score.overall})` : 'Done: no score (no check could be evaluated)', progress: 1 });
  return store.getRun(id);
}
