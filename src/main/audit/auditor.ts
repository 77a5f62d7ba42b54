// One audit of one host: connect (host key verified first), collect in a single exec, evaluate,
// grade, store. Plain Node; used by the IPC handlers and the CLI alike.
import { randomUUID } from 'node:crypto';
import type { RunDetail, RunError, SudoMode } from '../../shared/domain';
import { RampartError } from '../../shared/errors';
import type { AuditProgressEvent } from '../../shared/ipc/events';
import { connect, partialStdoutOf, type HostKeyPolicy, type SshConnection } from '../ssh/connection';
import type { Store } from '../store/store';
import { buildCollectScript, parseCollectOutput } from './collector';
import { evaluate } from './engine';
import { computeScore } from './grading';
import { execPrivileged, type SudoSpec } from '../ssh/sudo';
import type { HostSession } from '../ssh/pool';
import type { ImageScan } from './cve/trivy';
import { applyTrivyReport } from './sections/cve';

export interface AuditTarget {
  hostId: number | null;
  name: string;
  address: string;
  port: number;
  username: string;
  identityFile?: string | null;
  sshdConfigPath: string;
  /** Folders where compose projects and secrets live (host profile). */
  scanRoots?: readonly string[];
  /** Collect as root through sudo when the profile allows it. */
  sudo?: SudoMode;
  /** For sudo-password: from the keychain, only in memory. */
  sudoPassword?: string | null;
  /** VPN-only host profile settings. */
  vpn?: { only: boolean; interface?: string | null; subnet?: string | null };
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
  /**
   * A pooled session (SessionPool.withHost) to run the collector on instead of a connection of
   * its own: the pool opens (or reuses) the host's one connection, bounds its channels, and keeps
   * it for the next job; the audit does not close it.
   */
  session?: HostSession;
  /** Trivy JSON reports (already parsed), used for the CVE checks when the host has no trivy. */
  trivyReports?: ReadonlyArray<{ name: string; scans: readonly ImageScan[] }>;
}

export async function runAudit(store: Store, target: AuditTarget, opts: AuditOptions = {}): Promise<RunDetail> {
  const progress = opts.onProgress ?? (() => undefined);
  let policy: HostKeyPolicy | null = null;
  if (!opts.open && !opts.session) {
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
  const timings: Record<string, number> = {};
  progress({ phase: 'connecting', message: `Connecting to ${target.username}@${target.address}:${target.port}`, progress: 0.05 });
  // A pooled session connects (or reuses the host's connection) here too, so a host that cannot
  // be reached fails the audit instead of every collector lane.
  if (opts.session) await opts.session.connection();
  const conn: HostSession | SshConnection = opts.session
    ? opts.session
    : opts.open
    ? await opts.open()
    : await connect(
        { address: target.address, port: target.port, username: target.username, identityFile: target.identityFile ?? null },
        policy!,
        { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.connectTimeoutMs ? { readyTimeoutMs: opts.connectTimeoutMs } : {}) },
      );
  timings.connectMs = Date.now() - startedAt.getTime();
  const errors: RunError[] = [];
  let status: RunDetail['status'] = 'complete';
  let facts;
  try {
    progress({ phase: 'collecting', message: 'Collecting facts (read-only scripts)', progress: 0.3 });
    const collectOpts = { sshdConfigPath: target.sshdConfigPath, scanRoots: target.scanRoots ?? [], ...(target.vpn ? { vpn: target.vpn } : {}) };
    const { marker, scripts } = buildCollectScript(collectOpts);
    const collectStart = Date.now();
    let stdout = '';
    const execOpts = { timeoutMs: opts.collectTimeoutMs ?? 120_000, ...(opts.signal ? { signal: opts.signal } : {}) };
    const sudo: SudoSpec = { mode: target.sudo ?? 'none', password: target.sudoPassword ?? null, host: target.name };
    // With sudo the lanes run as root. The first lane asks sudo; the others wait for its verdict,
    // so a wrong password costs one attempt, not one per lane (pam_faillock counts them). If sudo
    // refuses, every lane runs without it, so the run still has every fact an unprivileged user
    // can read (sections needing root then say needs-sudo).
    let sudoVerdict: Promise<boolean> = Promise.resolve(false);
    let settleVerdict: (ok: boolean) => void = () => undefined;
    if (sudo.mode !== 'none') sudoVerdict = new Promise((resolve) => (settleVerdict = resolve));
    const keep = (res: { stdout: string; truncated: boolean }): string => {
      if (res.truncated) errors.push({ section: 'collector', message: 'output exceeded the size limit and was cut' });
      return res.stdout;
    };
    const runScript = async (text: string, lane: number): Promise<string> => {
      if (sudo.mode !== 'none' && (lane === 0 || (await sudoVerdict))) {
        try {
          return keep(await execPrivileged(conn, sudo, 'sh -s', { ...execOpts, stdin: text, onStarted: () => settleVerdict(true) }));
        } catch (e) {
          const refused = e instanceof RampartError && (e.code === 'SUDO_DENIED' || e.code === 'SUDO_PASSWORD_REQUIRED');
          if (lane === 0) settleVerdict(!refused); // a drop is no verdict: the other lanes try too
          if (!refused) throw e;
          if (!errors.some((x) => x.section === 'sudo')) errors.push({ section: 'sudo', message: `${e.message} Collected without root.` });
        }
      }
      // exec: the login shell becomes the collector's sh (same pid, so the same process group to
      // kill on a timeout) instead of forking it: one process fewer per lane.
      return keep(await conn.exec('exec sh -s', { ...execOpts, stdin: text }));
    };
    try {
      // The collector's lanes run side by side, one channel each, on the one connection.
      const outputs = await Promise.allSettled(scripts.map((s, lane) => runScript(s, lane)));
      for (const o of outputs) {
        if (o.status === 'fulfilled') stdout += o.value + '\n';
        else {
          const e = o.reason as Error;
          if (e instanceof RampartError && e.code === 'CANCELLED') throw e;
          status = 'partial';
          errors.push({ section: 'collector', message: e.message });
          // The sections this lane finished before the drop still count; a cut one is an error.
          stdout += partialStdoutOf(e) + '\n';
        }
      }
    } catch (e) {
      if (e instanceof RampartError && e.code === 'CANCELLED') throw e;
      status = 'partial';
      errors.push({ section: 'collector', message: (e as Error).message });
    }
    timings.collectMs = Date.now() - collectStart;
    facts = parseCollectOutput(stdout, marker, target.sshdConfigPath, collectOpts).facts;
    for (const r of opts.trivyReports ?? []) facts = applyTrivyReport(facts, r.scans, r.name);
  } finally {
    if (!opts.session) (conn as SshConnection).close();
  }

  progress({ phase: 'evaluating', message: 'Evaluating checks', progress: 0.7 });
  const hostKey = `${target.address}:${target.port}`;
  const evalStart = Date.now();
  const evaluated = evaluate(facts, hostKey);
  const checks = evaluated.checks;
  // Triage carries across runs by finding identity: accepted risks and false positives keep
  // their status while valid (and do not count in the grade); "fixed" ones seen again reopen.
  const findings = store.applyTriage(evaluated.findings, startedAt);
  timings.evaluateMs = Date.now() - evalStart;
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
    timings,
  });
  progress({ phase: 'done', message: score ? `Done: ${score.grade} (${score.overall})` : 'Done: no score (no check could be evaluated)', progress: 1 });
  return store.getRun(id);
}
