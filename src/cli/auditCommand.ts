// `rampart audit` (one host) and `rampart audit --inventory` (a fleet): loaded by the CLI only
// when one of them runs, so the other commands start without ssh2 and the audit engine.
import fs from 'node:fs';
import path from 'node:path';
import { runAudit } from '../main/audit/auditor';
import type { SshConnection } from '../main/ssh/connection';
import { SessionPool, type HostSession } from '../main/ssh/pool';
import type { ImageScan } from '../main/audit/cve/trivy';
import { readTrivyReportFile, TrivyReportFileError } from '../main/audit/cve/trivyFiles';
import { importAnsibleInventory } from '../main/inventory/ansible';
import { localUserName } from '../main/inventory/importHosts';
import { APP_VERSION as VERSION } from '../shared/version';
import type { Store } from '../main/store/store';
import { openDatabase } from './db';
import type { RunDetail } from '../shared/domain';
import { RampartError } from '../shared/errors';
import type { AuditCommand, FleetCommand } from './args';
import { CliError, EndpointLocks, hopLabel, openChain, type OpenedChain, type TrustSettings } from './connect';
import { failOnFor } from './dataCommand';
import { failureEntry, runPool } from './fleet';
import type { CliIo } from './index';
import { parseKnownHosts } from './knownHosts';
import { buildAuditTarget, hostRef, planFleet, planFromCommand, type HopPlan, type HostPlan } from './plan';
import {
  EXIT,
  exitCodeFor,
  fleetExitCode,
  fleetProgressLine,
  formatFleetMarkdown,
  formatFleetTable,
  formatMarkdown,
  formatTable,
  isFleetFailure,
  oneLine,
  toJsonFleetReport,
  toJsonReport,
  type JsonFleetEntry,
  type ReportMeta,
} from './report';

function readError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
}

function readKnownHosts(file: string | null): TrustSettings['knownHosts'] {
  if (!file) return null;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError('USAGE', `cannot read --known-hosts ${file}: ${readError(e)}`);
  }
  return { file, entries: parseKnownHosts(text).entries };
}

// ---- Trivy reports -----------------------------------------------------------------------

export interface TrivyInput {
  file: string;
  scans: ImageScan[];
}

/** Reads and checks every --trivy-report before anything connects. */
export function loadTrivyReports(files: readonly string[]): TrivyInput[] {
  return files.map((file) => {
    try {
      return readTrivyReportFile(file);
    } catch (e) {
      if (!(e instanceof TrivyReportFileError)) throw e;
      if (e.reason === 'unreadable') throw new CliError('USAGE', `cannot read --trivy-report ${file}: ${e.detail}`);
      throw new CliError('TRIVY_REPORT_INVALID', `--trivy-report ${file} is not a Trivy JSON report: ${e.detail}`);
    }
  });
}


// ---- one host ----------------------------------------------------------------------------

interface HostContext {
  store: Store;
  /** --db given: a host saved there with the same endpoint files the run. */
  db: string | null;
  trust: TrustSettings;
  locks: EndpointLocks;
  signal?: AbortSignal | undefined;
  /** Phase messages (shown on a terminal for a single host). */
  progress: (m: string) => void;
  /** Parsed --trivy-report files, applied to the facts before the CVE checks run. */
  trivy?: readonly TrivyInput[];
  /** The session pool the audits run through, and this host's key in it. */
  sessions: CliSessions;
  key: number;
}

/**
 * The CLI's session pool: one connection per target (its jump chain opened by openChain), its
 * channels bounded under sshd's MaxSessions, connects to a transiently unreachable host retried
 * with backoff, and at most `concurrency` hosts worked on at once. Targets are keyed by their
 * index in the run; each registers how its chain is opened before its first command.
 */
class CliSessions {
  private readonly openers = new Map<number, (signal?: AbortSignal) => Promise<SshConnection>>();
  readonly pool: SessionPool;
  constructor(concurrency: number) {
    this.pool = new SessionPool(
      (key, signal) => {
        const open = this.openers.get(key);
        if (!open) throw new Error(`no opener for target ${key}`);
        return open(signal);
      },
      { maxConcurrentHosts: Math.max(1, concurrency), idleCloseMs: 1_000 },
    );
  }
  run<T>(key: number, open: (signal?: AbortSignal) => Promise<SshConnection>, signal: AbortSignal | undefined, fn: (s: HostSession) => Promise<T>): Promise<T> {
    this.openers.set(key, open);
    return this.pool.withHost(key, signal, fn).finally(() => this.pool.forget(key));
  }
  close(): void {
    this.pool.close();
  }
}

interface HostAudit {
  run: RunDetail;
  meta: ReportMeta;
  /** Trust-on-first-use notices, one line each (without the `rampart: ` prefix). */
  warnings: string[];
}

/** Audits one host through its jump chain (if any). Throws RampartError/CliError when it cannot run. */
async function auditHost(plan: HostPlan, ctx: HostContext): Promise<HostAudit> {
  const { store } = ctx;
  const { address, port, username } = plan.target;
  // A host saved in the database (e.g. by the app) with this endpoint and user: the run is
  // filed under it, and its key file / sshd_config path / scan roots are defaults.
  const saved = ctx.db ? (store.listHosts().find((h) => h.address === address && h.port === port && h.username === username) ?? null) : null;
  const target = buildAuditTarget(plan, saved);
  const hops: HopPlan[] = [...plan.jump, { username, address, port, identityFile: target.identityFile ?? null }];
  let chain: OpenedChain | null = null;
  const open = async (signal?: AbortSignal): Promise<SshConnection> => {
    chain = await openChain(store, hops, ctx.trust, { signal: signal ?? ctx.signal, progress: ctx.progress, locks: ctx.locks });
    return chain.conn;
  };
  const run = await ctx.sessions.run(ctx.key, open, ctx.signal, (session) =>
    runAudit(store, target, {
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.trivy?.length ? { trivyReports: ctx.trivy.map((r) => ({ name: path.basename(r.file), scans: r.scans })) } : {}),
      onProgress: (p) => ctx.progress(p.message),
      session,
    }),
  );
  const trusted = (chain as OpenedChain | null)?.trust ?? [];
  const last = trusted[trusted.length - 1];
  const warnings = trusted
    .map((t, i) =>
      t.source === 'accepted-new' && t.newlyPinned
        ? `warning: trusted the new host key of ${t.hop.address}:${t.hop.port}${hopLabel(hops, i)} on first use: ${t.key.fingerprint} (${t.key.keyType})${ctx.db ? ` (pinned in ${ctx.db})` : ''}`
        : null,
    )
    .filter((w): w is string => w !== null);
  const meta: ReportMeta = {
    version: VERSION,
    username,
    hostKey: last ? { keyType: last.key.keyType, fingerprint: last.key.fingerprint, source: last.source } : null,
  };
  return { run, meta, warnings };
}

export async function auditCommand(cmd: AuditCommand, io: CliIo): Promise<number> {
  const progress = (m: string): void => {
    if (io.stderr.isTTY) io.stderr.write(`rampart: ${m}\n`);
  };
  const trust: TrustSettings = { knownHosts: readKnownHosts(cmd.knownHosts), acceptNewHostKey: cmd.acceptNewHostKey, db: cmd.db };
  const trivy = loadTrivyReports(cmd.trivyReports);
  const store = openDatabase(cmd.db);
  const sessions = new CliSessions(1);
  try {
    const { run: stored, meta, warnings } = await auditHost(planFromCommand(cmd), {
      sessions,
      key: 0,
      store,
      db: cmd.db,
      trust,
      locks: new EndpointLocks(),
      signal: io.signal,
      progress,
      trivy,
    });
    for (const w of warnings) io.stderr.write(`rampart: ${w}\n`);
    const run: RunDetail = stored;
    if (cmd.format === 'json') io.stdout.write(JSON.stringify(toJsonReport(run, meta), null, 2) + '\n');
    else if (cmd.format === 'markdown') io.stdout.write(formatMarkdown(run, meta));
    else io.stdout.write(formatTable(run, meta));
    const exit = exitCodeFor(run, failOnFor(cmd, store));
    if (exit === EXIT.error) {
      const unevaluated = run.checks.filter((c) => c.status === 'error').length;
      io.stderr.write(`rampart: error: the audit is incomplete (${run.status}): ${unevaluated} check(s) could not be evaluated; see "errors" in the report\n`);
    }
    return exit;
  } finally {
    sessions.close();
    store.close();
  }
}

// ---- a fleet -----------------------------------------------------------------------------

export async function fleetCommand(cmd: FleetCommand, io: CliIo): Promise<number> {
  let text: string;
  try {
    text = fs.readFileSync(cmd.inventory, 'utf8');
  } catch (e) {
    throw new CliError('USAGE', `cannot read --inventory ${cmd.inventory}: ${readError(e)}`);
  }
  let preview;
  try {
    preview = importAnsibleInventory(text, path.basename(cmd.inventory));
  } catch (e) {
    throw new CliError('USAGE', `--inventory ${cmd.inventory}: ${(e as Error).message}`);
  }
  if (!preview.candidates.length) throw new CliError('USAGE', `--inventory ${cmd.inventory} lists no hosts`);
  const trust: TrustSettings = { knownHosts: readKnownHosts(cmd.knownHosts), acceptNewHostKey: cmd.acceptNewHostKey, db: cmd.db };
  for (const w of preview.warnings) io.stderr.write(`rampart: warning: ${oneLine(w)}\n`);
  const items = planFleet(preview.candidates, {
    identityFile: cmd.identityFile,
    sshdConfigPath: cmd.sshdConfigPath,
    scanRoots: cmd.scanRoots,
    sudo: cmd.sudo,
    cwd: io.cwd,
    localUser: localUserName(),
  });

  const store = openDatabase(cmd.db);
  const sessions = new CliSessions(cmd.concurrency);
  try {
    const locks = new EndpointLocks();
    const startedAt = new Date().toISOString();
    let done = 0;
    const hosts = await runPool(items, cmd.concurrency, async (item, key): Promise<JsonFleetEntry> => {
      let entry: JsonFleetEntry;
      if (item.kind === 'invalid') entry = { host: item.host, status: 'failed', error: item.error };
      else if (io.signal?.aborted) entry = failureEntry(hostRef(item.plan), new RampartError('CANCELLED', 'Not audited: interrupted.'));
      else {
        try {
          const r = await auditHost(item.plan, { sessions, key, store, db: cmd.db, trust, locks, signal: io.signal, progress: () => undefined });
          for (const w of r.warnings) io.stderr.write(`rampart: ${w}\n`);
          entry = toJsonReport(r.run, r.meta);
        } catch (e) {
          entry = failureEntry(hostRef(item.plan), e);
        }
      }
      done++;
      if (io.stderr.isTTY) io.stderr.write(`rampart: ${fleetProgressLine(done, items.length, entry)}\n`);
      return entry;
    });
    const report = toJsonFleetReport({ version: VERSION, inventory: cmd.inventory, startedAt, finishedAt: new Date().toISOString(), hosts });
    if (cmd.format === 'json') io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else if (cmd.format === 'markdown') io.stdout.write(formatFleetMarkdown(report));
    else io.stdout.write(formatFleetTable(report));
    if (io.signal?.aborted) return EXIT.interrupted;
    const exit = fleetExitCode(hosts, failOnFor(cmd, store));
    if (exit === EXIT.error) {
      const { failed, partial, total } = report.summary;
      const failedNames = hosts.filter(isFleetFailure).map((h) => h.host.name);
      io.stderr.write(
        `rampart: error: ${failed} of ${total} host(s) could not be audited${failedNames.length ? ` (${failedNames.slice(0, 5).join(', ')}${failedNames.length > 5 ? ', …' : ''})` : ''} and ${partial} audit(s) are incomplete; see the report\n`,
      );
    }
    return exit;
  } finally {
    sessions.close();
    store.close();
  }
}

