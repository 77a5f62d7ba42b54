// Parsing of `rampart report` (pure, no I/O). Kept beside args.ts, which dispatches to it.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPORT_FORMATS, REPORT_KINDS, type ReportFormat, type ReportKind } from '../shared/report';
import { databaseOption, UsageError } from './args';

export interface ReportCommand {
  kind: 'report';
  /** The database the runs are read from; null (--no-db) has none, so there is nothing to report. */
  db: string | null;
  /** A host profile's name, or the name a run without a profile was stored under; null = the fleet (or --run). */
  host: string | null;
  /** A run id, 'latest' (of --host, or of the whole database), or null (host: its latest run; fleet: each target's latest). */
  run: string | null;
  reportKind: ReportKind;
  format: ReportFormat;
  out: string;
}

export const REPORT_HELP = `Usage: rampart report --format md|html|pdf|json|csv --out FILE [--kind KIND]
       [--host NAME] [--run ID|latest] [--db FILE]

Writes a report of stored audit runs (nothing is collected: it reads the database only).

Scope:
  (neither --host nor --run)  The fleet: the latest run of every host and mail domain
  --host NAME                 One host: its latest run, with the trend of its earlier runs. NAME is
                              a host profile's name, or the address a CLI audit without a profile
                              was stored under
  --run ID|latest             One run by id; "latest" is the newest run (of --host if given)

Options:
  --kind KIND                 executive  grade, score, trend, counts by severity and category,
                                         top risks, the priority matrix
                              full       (default) the audit plan's report set: one section per
                                         area (CVE, secrets, permissions, containers, network,
                                         access, backups, system, mail) with every finding, the
                                         remediation priority matrix (severity x effort) and the
                                         action plan
                              action-plan  ACTION_PLAN_TODO.md: a checkbox list of the open
                                         findings in the matrix's order, with the guided fix or
                                         the remediation of each
                              findings   every finding with its evidence and remediation
  --format FORMAT             md, html (one self-contained page), pdf (printed from the HTML by
                              Chromium headless: needs chromium, or RAMPART_CHROMIUM=PATH), json
                              (the report document; schema in src/shared/report.ts) or csv (the
                              findings, RFC 4180; a cell starting with = + - @ gets a leading ')
  --out FILE                  Where to write it (created owner-only; replaced if it exists)
  --db FILE                   The database to read (default: the desktop app's, as for audit)

Every report carries its provenance (Rampart version, a hash of the check catalog, the host OS,
run and generation times) and an appendix of accepted risks with their expiry. Findings hold no
secret value (evidence is recorded without them), so neither do reports.

Exit status: 0 written, 2 usage error, nothing to report (no such host or run, an empty
database) or the report could not be written (e.g. no Chromium for --format pdf).
`;

/** Parses `rampart report …` (argv after the command name). Throws UsageError. */
export function parseReport(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): ReportCommand | { kind: 'help'; topic: 'report' } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        db: { type: 'string' },
        'no-db': { type: 'boolean' },
        host: { type: 'string' },
        run: { type: 'string' },
        kind: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    const err = e as Error & { code?: string };
    if (typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS')) {
      const first = err.message.split('\n')[0]!;
      const missing = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(first);
      if (missing) throw new UsageError(`option ${missing[1]} needs a value`, 'report');
      const unknown = /^Unknown option '([^']*)'/.exec(first);
      if (unknown) throw new UsageError(`unknown option '${unknown[1]}'`, 'report');
      throw new UsageError(first.replace(/\. To specify a positional argument.*$/, '').replace(/\.$/, ''), 'report');
    }
    throw e;
  }
  if (values.help) return { kind: 'help', topic: 'report' };
  if (values.format === undefined) throw new UsageError(`--format is required (${REPORT_FORMATS.join(', ')})`, 'report');
  if (!(REPORT_FORMATS as readonly string[]).includes(values.format))
    throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')} (got "${values.format}")`, 'report');
  const reportKind = values.kind ?? 'full';
  if (!(REPORT_KINDS as readonly string[]).includes(reportKind)) throw new UsageError(`--kind must be one of ${REPORT_KINDS.join(', ')} (got "${reportKind}")`, 'report');
  if (values.out === undefined) throw new UsageError('--out FILE is required', 'report');
  if (values.out.trim() === '') throw new UsageError('--out needs a file name', 'report');
  if (values.out.includes('\0')) throw new UsageError('--out: the path contains a NUL byte', 'report');
  const host = values.host?.trim();
  if (values.host !== undefined && !host) throw new UsageError('--host needs a name', 'report');
  const run = values.run?.trim();
  if (values.run !== undefined && !run) throw new UsageError('--run needs a run id or "latest"', 'report');
  if (run && run !== 'latest' && !/^[A-Za-z0-9._-]{1,128}$/.test(run)) throw new UsageError(`--run: "${run}" is not a run id (letters, digits, ".", "_", "-") or "latest"`, 'report');
  return {
    kind: 'report',
    db: databaseOption(values, cwd, 'report', env),
    host: host ?? null,
    run: run ?? null,
    reportKind: reportKind as ReportKind,
    format: values.format as ReportFormat,
    out: path.resolve(cwd, values.out),
  };
}
