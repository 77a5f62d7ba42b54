// Command-line parsing for `rampart`: pure functions (no I/O), so every rule is unit-tested.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HostAddress, Port, SEVERITIES, UserName, type Severity } from '../shared/domain';

export const FORMATS = ['json', 'table', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** `none` never fails on findings (exit 0 unless the audit is incomplete: then 2). */
export const FAIL_ON = [...SEVERITIES, 'none'] as const;
export type FailOn = Severity | 'none';

export const DEFAULT_SSHD_CONFIG = '/etc/ssh/sshd_config';

export interface HostSpec {
  username: string;
  address: string;
  port: number;
}

export interface AuditCommand {
  kind: 'audit';
  host: HostSpec;
  /** Absolute local path, or null to use ssh-agent. */
  identityFile: string | null;
  /** Absolute local path of an OpenSSH known_hosts file. */
  knownHosts: string | null;
  acceptNewHostKey: boolean;
  /** Remote path; null = the default (/etc/ssh/sshd_config, or the host's setting in --db). */
  sshdConfigPath: string | null;
  /** Absolute local path, or null for an in-memory store. */
  db: string | null;
  format: Format;
  failOn: FailOn;
}

export type Command = { kind: 'help'; topic: 'main' | 'audit' } | { kind: 'version' } | AuditCommand;

export class UsageError extends Error {
  /** The topic whose --help explains the right usage. */
  readonly topic: 'main' | 'audit';
  constructor(message: string, topic: 'main' | 'audit' = 'main') {
    super(message);
    this.name = 'UsageError';
    this.topic = topic;
  }
}

export const MAIN_HELP = `Usage: rampart <command> [options]

Audits servers over SSH (read-only: one login, one script, nothing written on the server).

Commands:
  audit         Audit one host and print a report (see: rampart audit --help)
  help [cmd]    Show help

Options:
  -h, --help     Show this help
  -V, --version  Print the version
`;

export const AUDIT_HELP = `Usage: rampart audit --host USER@ADDRESS[:PORT] [options]

Connects with SSH (the server's host key is verified before any credential is sent), runs one
read-only collection script, evaluates the checks and prints the report on stdout.

Options:
  --host USER@ADDRESS[:PORT]  Target; IPv6 as USER@[ADDRESS]:PORT. Port defaults to 22
  --identity FILE             Private key file (unencrypted). Default: ssh-agent (SSH_AUTH_SOCK)
  --known-hosts FILE          Trust the host key only if it is listed in this OpenSSH known_hosts
                              file (plain, hashed and [address]:port entries)
  --accept-new-host-key       Trust and pin the key the server presents when none is pinned yet
                              (check the fingerprint printed on stderr out of band)
  --sshd-config PATH          sshd_config path on the server (default ${DEFAULT_SSHD_CONFIG})
  --db FILE                   SQLite database: keeps the run and the pinned host key; a pinned key
                              is reused and a changed key refused. Default: nothing is kept
  --format json|table|markdown  Report format (default table)
  --fail-on SEVERITY          Exit 1 when a finding is at or above SEVERITY: critical, high,
                              medium, low, info, or none (default high)
  -h, --help                  Show this help

Without --db, a new host needs --known-hosts or --accept-new-host-key.

Exit status:
  0  audit complete, no finding at or above --fail-on
  1  at least one finding at or above --fail-on
  2  usage error, the audit could not run (connection, authentication, host key, database),
     or it is incomplete (some checks could not be evaluated) with no finding at or above --fail-on
  130 interrupted

With --format json, errors are also printed on stdout as
  {"tool":"rampart","version":…,"status":"failed","error":{"code":…,"message":…}}
`;

/** Parses `USER@ADDRESS[:PORT]`, `USER@[IPV6]:PORT`, or `USER@IPV6` (no port). */
export function parseHostSpec(spec: string): HostSpec {
  const s = spec.trim();
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) throw new UsageError(`--host must be USER@ADDRESS[:PORT], got "${spec}"`, 'audit');
  const userRaw = s.slice(0, at);
  const rest = s.slice(at + 1);
  let addrRaw: string;
  let portRaw: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracket) {
    addrRaw = bracket[1]!;
    portRaw = bracket[2];
    if (portRaw === '') throw new UsageError(`--host "${spec}": the port after ":" is missing`, 'audit');
  } else if ((rest.match(/:/g) ?? []).length >= 2) {
    addrRaw = rest; // bare IPv6, no port
  } else {
    const colon = rest.indexOf(':');
    addrRaw = colon < 0 ? rest : rest.slice(0, colon);
    portRaw = colon < 0 ? undefined : rest.slice(colon + 1);
    if (portRaw === '') throw new UsageError(`--host "${spec}": the port after ":" is missing`, 'audit');
  }
  const user = UserName.safeParse(userRaw);
  if (!user.success) throw new UsageError(`--host "${spec}": ${user.error.issues[0]?.message ?? 'invalid user'}`, 'audit');
  const addr = HostAddress.safeParse(addrRaw);
  if (!addr.success) throw new UsageError(`--host "${spec}": ${addr.error.issues[0]?.message ?? 'invalid address'}`, 'audit');
  let port = 22;
  if (portRaw !== undefined) {
    const p = Port.safeParse(portRaw);
    if (!p.success) throw new UsageError(`--host "${spec}": ${p.error.issues[0]?.message ?? 'invalid port'}`, 'audit');
    port = p.data;
  }
  return { username: user.data, address: addr.data, port };
}

const AUDIT_OPTIONS = {
  host: { type: 'string' },
  identity: { type: 'string' },
  'known-hosts': { type: 'string' },
  'accept-new-host-key': { type: 'boolean' },
  'sshd-config': { type: 'string' },
  db: { type: 'string' },
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Turns node:util parseArgs errors into one-line usage messages. */
function parseOrUsage<T>(fn: () => T, topic: 'main' | 'audit'): T {
  try {
    return fn();
  } catch (e) {
    const err = e as Error & { code?: string };
    if (typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS')) {
      // parseArgs messages span lines and sentences; keep one clear line.
      const first = err.message.split('\n')[0]!;
      const missing = /^Option '(-\w, )?(--[\w-]+)(?: <value>)?' argument (missing|is ambiguous)/.exec(first);
      if (missing) throw new UsageError(`option ${missing[2]} needs a value`, topic);
      const unknown = /^Unknown option '([^']*)'/.exec(first);
      if (unknown) throw new UsageError(`unknown option '${unknown[1]}'`, topic);
      const msg = first.replace(/\. To specify a positional argument.*$/, '').replace(/\.$/, '');
      throw new UsageError(msg.charAt(0).toLowerCase() + msg.slice(1), topic);
    }
    throw e;
  }
}

function localPath(cwd: string, p: string, option: string): string {
  if (p.trim() === '') throw new UsageError(`${option} needs a file name`, 'audit');
  if (p.includes('\0')) throw new UsageError(`${option}: the path contains a NUL byte`, 'audit');
  return path.resolve(cwd, p);
}

/** Parses the full argv (without `node` and the script). Throws UsageError. */
export function parseCommandLine(argv: readonly string[], cwd: string = process.cwd()): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given');
  if (first === '-h' || first === '--help') return { kind: 'help', topic: 'main' };
  if (first === '-V' || first === '--version') {
    if (rest.length) throw new UsageError(`unexpected argument after ${first}: "${rest[0]}"`);
    return { kind: 'version' };
  }
  if (first === 'help') {
    if (rest.length === 0) return { kind: 'help', topic: 'main' };
    if (rest.length === 1 && rest[0] === 'audit') return { kind: 'help', topic: 'audit' };
    throw new UsageError(`no help for "${rest.join(' ')}" (commands: audit)`);
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option '${first}' (options go after the command, e.g. rampart audit --host …)`);
  if (first !== 'audit') throw new UsageError(`unknown command "${first}" (commands: audit)`);
  return parseAudit(rest, cwd);
}

function parseAudit(argv: readonly string[], cwd: string): Command {
  const { values, positionals, tokens } = parseOrUsage(
    () => parseArgs({ args: [...argv], options: AUDIT_OPTIONS, strict: true, allowPositionals: true, tokens: true }),
    'audit',
  );
  if (values.help) return { kind: 'help', topic: 'audit' };
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (did you mean --host ${positionals[0]}?)`, 'audit');
  const seen = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name)) throw new UsageError(`option --${t.name} given more than once`, 'audit');
    seen.add(t.name);
  }

  if (values.host === undefined) throw new UsageError('--host USER@ADDRESS[:PORT] is required', 'audit');
  const host = parseHostSpec(values.host);

  const format = values.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`, 'audit');
  const failOn = values['fail-on'] ?? 'high';
  if (!(FAIL_ON as readonly string[]).includes(failOn))
    throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, got "${failOn}"`, 'audit');

  if (values['known-hosts'] !== undefined && values['accept-new-host-key'])
    throw new UsageError('--known-hosts and --accept-new-host-key cannot be combined: choose how the host key is trusted', 'audit');

  let sshdConfigPath: string | null = null;
  if (values['sshd-config'] !== undefined) {
    const p = values['sshd-config'];
    if (!p.startsWith('/') || p.includes('\0') || /[\r\n]/.test(p))
      throw new UsageError(`--sshd-config must be an absolute path on the server, got "${p}"`, 'audit');
    sshdConfigPath = p;
  }

  return {
    kind: 'audit',
    host,
    identityFile: values.identity !== undefined ? localPath(cwd, values.identity, '--identity') : null,
    knownHosts: values['known-hosts'] !== undefined ? localPath(cwd, values['known-hosts'], '--known-hosts') : null,
    acceptNewHostKey: values['accept-new-host-key'] === true,
    sshdConfigPath,
    db: values.db !== undefined ? localPath(cwd, values.db, '--db') : null,
    format: format as Format,
    failOn: failOn as FailOn,
  };
}

/** Whether argv asks for JSON output, even when the rest of it does not parse. */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '--format=json' || (a === '--format' && argv[i + 1] === 'json'));
}
