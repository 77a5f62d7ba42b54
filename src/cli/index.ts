// `rampart` command line: the same audit core as the desktop app (runAudit + Store), driven from a
// terminal or CI. Parsing and formatting are pure (args.ts, report.ts, knownHosts.ts); this file
// does the I/O. Run through bin/rampart.mjs (npx rampart …) or `npm run rampart -- …`.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { runAudit } from '../main/audit/auditor';
import { APP_VERSION } from '../main/services';
import { probeHostKey, type PresentedKey } from '../main/ssh/connection';
import { Store } from '../main/store/store';
import { RampartError } from '../shared/errors';
import { AUDIT_HELP, DEFAULT_SSHD_CONFIG, MAIN_HELP, parseCommandLine, UsageError, wantsJson, type AuditCommand } from './args';
import { parseKnownHosts, verifyKnownHost, knownHostName } from './knownHosts';
import { EXIT, exitCodeFor, formatMarkdown, formatTable, toJsonError, toJsonReport, type HostKeySource, type ReportMeta } from './report';

export const VERSION = APP_VERSION;

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean | undefined };
  cwd: string;
  /** Aborting it cancels a running audit (SIGINT/SIGTERM in the real CLI). */
  signal?: AbortSignal;
}

/** Errors of the CLI itself that are not RampartErrors: `USAGE`, `HOST_KEY_REVOKED`. */
class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function describeKey(k: { keyType: string; fingerprint: string }): string {
  return `${k.fingerprint} (${k.keyType})`;
}

interface TrustDecision {
  source: HostKeySource | null;
}

/**
 * Settles which host key is trusted before runAudit connects: verifies it against --known-hosts,
 * or explains an unknown key with the fingerprint the server presents. runAudit then enforces the
 * pin (or accepts a new key) inside the SSH handshake, before any credential is sent.
 */
async function decideHostKey(store: Store, cmd: AuditCommand, progress: (m: string) => void): Promise<TrustDecision> {
  const { address, port } = cmd.host;
  const pinned = store.getPin(address, port);
  const where = `${address}:${port}`;

  if (cmd.knownHosts) {
    let text: string;
    try {
      text = fs.readFileSync(cmd.knownHosts, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError('USAGE', `cannot read --known-hosts ${cmd.knownHosts}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
    }
    const { entries } = parseKnownHosts(text);
    progress(`Reading the host key of ${where}`);
    const presented = await probeHostKey({ address, port });
    const verdict = verifyKnownHost(entries, address, port, presented);
    switch (verdict.kind) {
      case 'revoked':
        throw new CliError(
          'HOST_KEY_REVOKED',
          `The host key of ${where}, ${describeKey(presented)}, is marked @revoked in ${cmd.knownHosts} (line ${verdict.entry.line}). Rampart refused to connect and sent no credentials.`,
          { presented: presented.fingerprint, keyType: presented.keyType, line: verdict.entry.line },
        );
      case 'absent':
        throw new RampartError(
          'HOST_KEY_UNKNOWN',
          `${cmd.knownHosts} has no key for ${knownHostName(address, port)}; the server presents ${describeKey(presented)}. Rampart refused to connect and sent no credentials. Verify the key out of band and add it to the file (e.g. from ssh-keyscan), or use --accept-new-host-key.`,
          { presented: presented.fingerprint, keyType: presented.keyType },
        );
      case 'mismatch':
        throw new RampartError(
          'HOST_KEY_CHANGED',
          `The host key of ${where} does not match ${cmd.knownHosts}: the server presents ${describeKey(presented)}; the file lists ${verdict.known
            .map((k) => `${describeKey(k)} (line ${k.line})`)
            .join(', ')}. Rampart refused to connect and sent no credentials.`,
          { presented: presented.fingerprint, keyType: presented.keyType, known: verdict.known.map((k) => k.fingerprint) },
        );
      case 'other-types':
        throw new RampartError(
          'HOST_KEY_UNKNOWN',
          `${cmd.knownHosts} lists ${knownHostName(address, port)} only with ${[...new Set(verdict.known.map((k) => k.keyType))].join(', ')} keys, but the server presents its ${presented.keyType} key, ${presented.fingerprint}. Rampart refused to connect and sent no credentials. Add that key to the file after verifying it (e.g. ssh-keyscan -t ${presented.keyType.replace(/^ssh-/, '').replace(/^ecdsa-sha2-nistp\d+$/, 'ecdsa')}).`,
          { presented: presented.fingerprint, keyType: presented.keyType, knownTypes: verdict.known.map((k) => k.keyType) },
        );
      case 'match':
        if (pinned && pinned.fingerprint !== presented.fingerprint)
          throw new RampartError(
            'HOST_KEY_CHANGED',
            `The host key of ${where} has CHANGED. Pinned in ${store.file}: ${describeKey(pinned)}; presented now: ${describeKey(presented)} (listed in ${cmd.knownHosts}, line ${verdict.entry.line}). Rampart refused to connect and sent no credentials; re-pin the new key in the app after verifying it.`,
            { pinned: pinned.fingerprint, presented: presented.fingerprint, keyType: presented.keyType },
          );
        // The verified key becomes the pin; runAudit checks it again in the real handshake.
        if (!pinned) store.pinKey(address, port, presented.keyType, presented.fingerprint, false);
        return { source: 'known-hosts' };
    }
  }

  if (pinned) return { source: 'pinned' };
  if (cmd.acceptNewHostKey) return { source: 'accepted-new' };
  // Unknown key and no consent: show what the server presents (probing sends no credentials).
  progress(`Reading the host key of ${where}`);
  let presented: PresentedKey;
  try {
    presented = await probeHostKey({ address, port });
  } catch (e) {
    if (e instanceof RampartError) throw e;
    throw new RampartError('HOST_KEY_UNKNOWN', `The host key of ${where} is not known.`);
  }
  throw new RampartError(
    'HOST_KEY_UNKNOWN',
    `The host key of ${where} is not known${cmd.db ? ` in ${cmd.db}` : ''}: the server presents ${describeKey(presented)}. Rampart refused to log in. Verify the fingerprint out of band, then re-run with --accept-new-host-key, or pass --known-hosts FILE.`,
    { presented: presented.fingerprint, keyType: presented.keyType },
  );
}

async function auditCommand(cmd: AuditCommand, io: CliIo): Promise<number> {
  const progress = (m: string): void => {
    if (io.stderr.isTTY) io.stderr.write(`rampart: ${m}\n`);
  };
  const store = new Store(cmd.db ?? ':memory:');
  try {
    const { address, port, username } = cmd.host;
    // A host saved in the database (e.g. by the app) with this endpoint and user: the run is
    // filed under it, and its key file / sshd_config path are defaults.
    const saved = cmd.db ? (store.listHosts().find((h) => h.address === address && h.port === port && h.username === username) ?? null) : null;
    const trust = await decideHostKey(store, cmd, progress);
    const pinnedBefore = store.getPin(address, port);

    const run = await runAudit(
      store,
      {
        hostId: saved?.id ?? null,
        name: saved?.name ?? address,
        address,
        port,
        username,
        identityFile: cmd.identityFile ?? saved?.identityFile ?? null,
        sshdConfigPath: cmd.sshdConfigPath ?? saved?.sshdConfigPath ?? DEFAULT_SSHD_CONFIG,
      },
      {
        acceptNewHostKey: cmd.acceptNewHostKey,
        ...(io.signal ? { signal: io.signal } : {}),
        onProgress: (p) => progress(p.message),
      },
    );

    const pin = store.getPin(address, port);
    if (trust.source === 'accepted-new' && pin && !pinnedBefore)
      io.stderr.write(
        `rampart: warning: trusted the new host key of ${address}:${port} on first use: ${describeKey(pin)}${cmd.db ? ` (pinned in ${cmd.db})` : ''}\n`,
      );
    const meta: ReportMeta = {
      version: VERSION,
      username,
      hostKey: pin && trust.source ? { keyType: pin.keyType, fingerprint: pin.fingerprint, source: trust.source } : null,
    };
    if (cmd.format === 'json') io.stdout.write(JSON.stringify(toJsonReport(run, meta), null, 2) + '\n');
    else if (cmd.format === 'markdown') io.stdout.write(formatMarkdown(run, meta));
    else io.stdout.write(formatTable(run, meta));
    const exit = exitCodeFor(run, cmd.failOn);
    if (exit === EXIT.error) {
      const unevaluated = run.checks.filter((c) => c.status === 'error').length;
      io.stderr.write(`rampart: error: the audit is incomplete (${run.status}): ${unevaluated} check(s) could not be evaluated; see "errors" in the report\n`);
    }
    return exit;
  } finally {
    store.close();
  }
}

function reportError(io: CliIo, json: boolean, code: string, message: string, details?: Record<string, unknown>): void {
  io.stderr.write(`rampart: error: ${oneLine(message)}\n`);
  if (json) io.stdout.write(JSON.stringify(toJsonError(VERSION, code, oneLine(message), details), null, 2) + '\n');
}

/** Runs one command line; returns the exit status. Never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let json = wantsJson(argv);
  try {
    const cmd = parseCommandLine(argv, io.cwd);
    switch (cmd.kind) {
      case 'help':
        io.stdout.write(cmd.topic === 'audit' ? AUDIT_HELP : MAIN_HELP);
        return EXIT.ok;
      case 'version':
        io.stdout.write(`rampart ${VERSION}\n`);
        return EXIT.ok;
      case 'audit':
        json = cmd.format === 'json';
        return await auditCommand(cmd, io);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      reportError(io, json, 'USAGE', `${e.message} (see: rampart ${e.topic === 'audit' ? 'audit ' : ''}--help)`);
      return EXIT.error;
    }
    if (e instanceof RampartError) {
      reportError(io, json, e.code, e.message, e.details);
      return e.code === 'CANCELLED' ? EXIT.interrupted : EXIT.error;
    }
    if (e instanceof CliError) {
      reportError(io, json, e.code, e.message, e.details);
      return EXIT.error;
    }
    const err = e as Error;
    reportError(io, json, 'INTERNAL', `unexpected error: ${err?.message ?? String(e)}`);
    if (process.env.RAMPART_DEBUG) io.stderr.write(`${err?.stack ?? ''}\n`);
    return EXIT.error;
  }
}

/** The process entry: wires stdio and signals, sets the exit code. */
export async function run(argv: readonly string[]): Promise<void> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // `rampart … | head`: a closed pipe is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  try {
    process.exitCode = await main(argv, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), signal: controller.signal });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

// `tsx src/cli/index.ts …` (npm run rampart -- …) runs it directly; bin/rampart.mjs calls run().
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run(process.argv.slice(2));
