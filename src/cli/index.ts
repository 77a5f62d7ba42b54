// `rampart` command line: the same audit core as the desktop app (runAudit + Store), driven from a
// terminal or CI. Parsing, planning and formatting are pure (args.ts, plan.ts, report.ts,
// knownHosts.ts, fleet.ts); connect.ts settles host keys and opens jump chains; this file does
// the I/O. Run through bin/rampart.mjs (npx rampart …) or `npm run rampart -- …`.
import { createInterface } from 'node:readline/promises';
import { pathToFileURL } from 'node:url';
import { APP_VERSION } from '../shared/version';
import { RampartError } from '../shared/errors';
import { AUDIT_HELP, FIX_HELP, MAIN_HELP, parseCommandLine, UsageError, wantsJson } from './args';
import { CliError } from './errors';
import type { FixIo } from './fix';
import { MAIL_HELP } from './mailArgs';
import { PROBE_HELP, PROBE_PROFILE_HELP } from './probeArgs';
import { REPORT_HELP } from './reportArgs';
import { EXPORT_HELP, IMPORT_HELP } from './dataArgs';
import { EXIT, oneLine, toJsonError } from './report';

export const VERSION = APP_VERSION;

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean | undefined };
  cwd: string;
  /** Aborting it cancels a running audit (SIGINT/SIGTERM in the real CLI). */
  signal?: AbortSignal;
  /** `rampart fix` on a terminal: asks for the "y" (absent without a terminal: fixes are refused). */
  confirm?: FixIo['confirm'];
  /** `rampart fix`: runs before each step (fault injection in tests). */
  beforeStep?: FixIo['beforeStep'];
  /** `rampart probe-profile add --passwords-stdin`: the whole of stdin. */
  readStdin?: () => Promise<string>;
}

function reportError(io: CliIo, json: boolean, code: string, message: string, details?: Record<string, unknown>): void {
  io.stderr.write(`rampart: error: ${oneLine(message)}\n`);
  if (json) io.stdout.write(JSON.stringify(toJsonError(VERSION, code, oneLine(message), details), null, 2) + '\n');
}

/** Runs one command line; returns the exit status. Never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  // A report's --format json is the file's format; its errors stay plain text on stderr.
  let json = wantsJson(argv) && argv[0] !== 'report';
  try {
    const cmd = parseCommandLine(argv, io.cwd);
    switch (cmd.kind) {
      case 'help':
        io.stdout.write(cmd.topic === 'audit' ? AUDIT_HELP : cmd.topic === 'fix' ? FIX_HELP : cmd.topic === 'mail' ? MAIL_HELP : cmd.topic === 'report' ? REPORT_HELP : cmd.topic === 'probe' ? PROBE_HELP : cmd.topic === 'probe-profile' ? PROBE_PROFILE_HELP : cmd.topic === 'export' ? EXPORT_HELP : cmd.topic === 'import' ? IMPORT_HELP : MAIN_HELP);
        return EXIT.ok;
      case 'version':
        io.stdout.write(`rampart ${VERSION}\n`);
        return EXIT.ok;
      case 'audit':
        json = cmd.format === 'json';
        // Each command's own modules are loaded when it runs (start-up of the others stays short).
        return await (await import('./auditCommand')).auditCommand(cmd, io);
      case 'audit-fleet':
        json = cmd.format === 'json';
        return await (await import('./auditCommand')).fleetCommand(cmd, io);
      case 'fix':
        json = cmd.format === 'json';
        return await (await import('./fix')).fixCommand(cmd, io, VERSION);
      case 'mail':
        json = cmd.format === 'json';
        return await (await import('./mail')).mailCommand(cmd, io, VERSION);
      case 'report':
        return await (await import('./reportCommand')).reportCommand(cmd, io);
      case 'export':
        return (await import('./dataCommand')).exportCommand(cmd, io);
      case 'import':
        return (await import('./dataCommand')).importCommand(cmd, io);
      case 'probe':
      case 'probe-history':
      case 'probe-profile-add':
      case 'probe-profile-list':
      case 'probe-profile-remove':
        json = cmd.format === 'json';
        // Loaded on demand: the SMTP and IMAP clients are not needed by the other commands' start-up.
        return await (await import('./probe')).probeCommand(cmd, io, VERSION);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      reportError(io, json, 'USAGE', `${e.message} (see: rampart ${e.topic === 'main' ? '' : `${e.topic} `}--help)`);
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

/** All of stdin as text (passwords for `probe-profile add --passwords-stdin`). */
async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A "y"/"yes" typed on the terminal confirms; anything else refuses. */
async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^\s*y(es)?\s*$/i.test(await rl.question(question));
  } finally {
    rl.close();
  }
}

/**
 * For the crash tests only (RAMPART_TEST_HOLD_BEFORE_STEP=KIND[:PHASE][@SEQ], e.g. chmod, chmod@2, chmod:undo, chmod:record
 * = after the chmod ran on the host, before the journal records it):
 * once the journal holds the job, stop before the first such step and wait to be killed, so a test
 * can SIGKILL a real `rampart fix` at a known point of a job.
 */
function holdBeforeStep(spec: string): FixIo['beforeStep'] {
  const m = /^([\w-]+)(?::(apply|undo|record))?(?:@(\d+))?$/.exec(spec);
  const [kind, phase, seq] = [m?.[1], m?.[2] ?? 'apply', m?.[3]];
  return async (step, p) => {
    if (step.kind !== kind || p !== phase || (seq !== undefined && step.seq !== Number(seq))) return;
    process.stderr.write(`rampart: test hold before step ${step.seq} (${step.kind}, ${p})\n`);
    await new Promise<never>(() => setInterval(() => undefined, 60_000));
  };
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
    process.exitCode = await main(argv, {
      stdout: process.stdout,
      stderr: process.stderr,
      cwd: process.cwd(),
      signal: controller.signal,
      ...(process.stdin.isTTY && process.stderr.isTTY ? { confirm: askOnTerminal } : {}),
      readStdin: readAllStdin,
      ...(process.env.RAMPART_TEST_HOLD_BEFORE_STEP ? { beforeStep: holdBeforeStep(process.env.RAMPART_TEST_HOLD_BEFORE_STEP) } : {}),
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

// `tsx src/cli/index.ts …` (npm run rampart -- …) runs it directly; bin/rampart.mjs calls run().
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run(process.argv.slice(2));
