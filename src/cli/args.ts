// Command-line parsing for `rampart`: pure functions (no I/O), so every rule is unit-tested.
import path from 'node:path';
import { defaultDbFile } from '../main/store/location';
import { parseArgs } from 'node:util';
import { HostAddress, Port, SEVERITIES, UserName, type Severity } from '../shared/domain';
import { parseMail, type MailCommand } from './mailArgs';
import { parseReport, type ReportCommand } from './reportArgs';
import { parseExport, parseImport, type ExportCommand, type ImportCommand } from './dataArgs';
import { parseProbe, parseProbeProfile, type ProbeCommand } from './probeArgs';

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

/** Jump hosts at most in one chain (as the store's jump chains). */
export const MAX_JUMP_HOSTS = 16;
/** Scan roots at most (as a host profile's). */
export const MAX_SCAN_ROOTS = 20;
export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 64;

/** What single-host and fleet audits share. */
export interface AuditSettings {
  /** Absolute local path, or null to use ssh-agent. For a fleet: the key of hosts the inventory gives none. */
  identityFile: string | null;
  /** Absolute local path of an OpenSSH known_hosts file. */
  knownHosts: string | null;
  acceptNewHostKey: boolean;
  /** Remote path; null = the default (/etc/ssh/sshd_config, or the host's setting in --db). */
  sshdConfigPath: string | null;
  /** Collect as root with `sudo -n` (falls back to unprivileged when sudo refuses). */
  sudo: boolean;
  /** Absolute remote folders where compose projects and secrets live. */
  scanRoots: string[];
  /** Absolute local path, or null for an in-memory store. */
  db: string | null;
  format: Format;
  failOn: FailOn;
  /** --fail-on was not given: the database's "default fail-on" setting applies (the app's Settings), else failOn ('high'). */
  failOnFromSettings: boolean;
}

export interface AuditCommand extends AuditSettings {
  kind: 'audit';
  host: HostSpec;
  /** Jump hosts, first hop first (`--jump`, repeatable or comma-separated). */
  jump: HostSpec[];
  /** Absolute local paths of Trivy JSON reports. */
  trivyReports: string[];
}

export interface FleetCommand extends AuditSettings {
  kind: 'audit-fleet';
  /** Absolute local path of an Ansible inventory (INI or YAML). */
  inventory: string;
  /** Hosts audited at the same time. */
  concurrency: number;
}

/** `rampart fix`: apply fixes to findings, or resume / roll back a journaled job. */
export interface FixCommand extends Omit<AuditSettings, 'format' | 'failOn' | 'failOnFromSettings'> {
  kind: 'fix';
  host: HostSpec;
  jump: HostSpec[];
  format: 'json' | 'table';
  /** --confirm-window: the lockout guard's dead-man window in seconds (sshd, firewall, sudoers fixes); absent: 120. */
  confirmWindowS?: number;
  /** What to do: fix the selected findings, or resume / roll back a job of the journal. */
  action:
    | {
        kind: 'apply';
        findingIds: string[];
        checkIds: string[];
        dryRun: boolean;
        yes: boolean;
        onFailure: 'rollback-all' | 'stop' | 'continue';
        /** --export-ansible: write the plan as an Ansible playbook (+ inventory) here; nothing is applied. */
        exportAnsible?: string;
      }
    | { kind: 'resume'; jobId: string }
    | { kind: 'rollback'; jobId: string };
}

export type HelpTopic = 'main' | 'audit' | 'fix' | 'mail' | 'report' | 'probe' | 'probe-profile' | 'export' | 'import';

export type Command = { kind: 'help'; topic: HelpTopic } | { kind: 'version' } | AuditCommand | FleetCommand | FixCommand | MailCommand | ReportCommand | ProbeCommand | ExportCommand | ImportCommand;

export class UsageError extends Error {
  /** The topic whose --help explains the right usage. */
  readonly topic: HelpTopic;
  constructor(message: string, topic: HelpTopic = 'main') {
    super(message);
    this.name = 'UsageError';
    this.topic = topic;
  }
}

export const MAIN_HELP = `Usage: rampart <command> [options]

Audits servers over SSH (read-only: one login, one script, nothing written on the server),
fixes findings under confirmation and rollback, audits mail domains, and reports on stored runs.

Commands:
  audit         Audit one host, or the hosts of an inventory, and print a report
                (see: rampart audit --help)
  mail          Audit a mail domain: SPF, DKIM, DMARC, MTA-STS, TLS-RPT, MX, DNSBL, DNSSEC,
                TLS on the mail ports, DANE, the SMTP banner, an opt-in open-relay test
                (see: rampart mail --help)
  fix           Fix findings with a preview, confirmation, verification and automatic
                rollback (see: rampart fix --help)
  report        Write a report of stored runs: executive, full, action plan or findings, as
                Markdown, HTML, PDF, JSON or CSV (see: rampart report --help)
  export        Write stored runs and triage decisions as a JSON bundle (see: rampart export --help)
  import        Merge such a bundle into the database (see: rampart import --help)
  probe         Deliverability probe: send to seed mailboxes you own, read where it landed and
                its Authentication-Results (see: rampart probe --help)
  probe-profile Add, list or remove probe profiles (see: rampart probe-profile --help)
  help [cmd]    Show help

Options:
  -h, --help     Show this help
  -V, --version  Print the version
`;

export const AUDIT_HELP = `Usage: rampart audit --host USER@ADDRESS[:PORT] [--jump USER@ADDRESS[:PORT]]... [options]
       rampart audit --inventory FILE [--concurrency N] [options]

Connects with SSH (every server's host key is verified before any credential is sent), runs one
read-only collection script, evaluates the checks and prints the report on stdout.

Target:
  --host USER@ADDRESS[:PORT]  One host; IPv6 as USER@[ADDRESS]:PORT. Port defaults to 22
  --jump USER@ADDRESS[:PORT]  Reach --host through this jump host (SSH TCP forwarding, as ssh -J).
                              Repeat it, or separate hops with commas, for a chain: first hop
                              first. Every hop logs in with --identity (or the ssh-agent), and its
                              host key is trusted the same way as the target's
  --inventory FILE            Audit every host of an Ansible inventory (INI or YAML), each with its
                              own ansible_host, ansible_port, ansible_user,
                              ansible_ssh_private_key_file and ProxyJump (-J in
                              ansible_ssh_common_args). Instead of --host
  --concurrency N             Hosts audited at the same time with --inventory, 1-${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY})

Options:
  --identity FILE             Private key file (unencrypted). Default: ssh-agent (SSH_AUTH_SOCK).
                              With --inventory: for hosts (and jump hosts) the inventory gives no key
  --known-hosts FILE          Trust a host key only if it is listed in this OpenSSH known_hosts
                              file (plain, hashed and [address]:port entries)
  --accept-new-host-key       Trust and pin the key a server presents when none is pinned yet
                              (check the fingerprint printed on stderr out of band)
  --sudo                      Collect as root with sudo -n (never prompts). If sudo refuses, the
                              report says so in "errors" and the audit runs unprivileged
  --scan-root DIR             Absolute folder on the server where compose projects and secrets
                              live; repeatable (at most ${MAX_SCAN_ROOTS})
  --trivy-report FILE         Trivy JSON report (trivy image --format json) of the host's images;
                              repeatable; read and checked before connecting. Not with --inventory
  --sshd-config PATH          sshd_config path on the server (default ${DEFAULT_SSHD_CONFIG})
  --db FILE                   SQLite database: keeps the runs and the pinned host keys; a pinned key
                              is reused and a changed key refused. Default: the desktop app's
                              database (~/.config/rampart/rampart.sqlite3 on Linux; RAMPART_DB
                              overrides it), so the app shows CLI runs and shares pinned keys
  --no-db                     Keep nothing and read no pinned key
  --format json|table|markdown  Report format (default table)
  --fail-on SEVERITY          Exit 1 when a finding is at or above SEVERITY: critical, high,
                              medium, low, info, or none (default: the database's "default
                              fail-on" set in the app's Settings, else high)
  -h, --help                  Show this help

A host whose key is not pinned in the database needs --known-hosts or --accept-new-host-key.

Exit status:
  0  audit complete, no finding at or above --fail-on
  1  at least one finding at or above --fail-on
  2  usage error, the audit could not run (connection, authentication, host key, database),
     or it is incomplete (some checks could not be evaluated) with no finding at or above --fail-on
  130 interrupted
With --inventory: 1 if any host has a finding at or above --fail-on; otherwise 2 if any host
failed or is incomplete (with --format json, it is in the report as a failed entry); otherwise 0.

With --format json, errors are also printed on stdout as
  {"tool":"rampart","version":…,"status":"failed","error":{"code":…,"message":…}}
`;

/** Parses `USER@ADDRESS[:PORT]`, `USER@[IPV6]:PORT`, or `USER@IPV6` (no port). */
export function parseHostSpec(spec: string, option = '--host'): HostSpec {
  const s = spec.trim();
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) throw new UsageError(`${option} must be USER@ADDRESS[:PORT], got "${spec}"`, 'audit');
  const userRaw = s.slice(0, at);
  const rest = s.slice(at + 1);
  let addrRaw: string;
  let portRaw: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracket) {
    addrRaw = bracket[1]!;
    portRaw = bracket[2];
    if (portRaw === '') throw new UsageError(`${option} "${spec}": the port after ":" is missing`, 'audit');
  } else if ((rest.match(/:/g) ?? []).length >= 2) {
    addrRaw = rest; // bare IPv6, no port
  } else {
    const colon = rest.indexOf(':');
    addrRaw = colon < 0 ? rest : rest.slice(0, colon);
    portRaw = colon < 0 ? undefined : rest.slice(colon + 1);
    if (portRaw === '') throw new UsageError(`${option} "${spec}": the port after ":" is missing`, 'audit');
  }
  const user = UserName.safeParse(userRaw);
  if (!user.success) throw new UsageError(`${option} "${spec}": ${user.error.issues[0]?.message ?? 'invalid user'}`, 'audit');
  const addr = HostAddress.safeParse(addrRaw);
  if (!addr.success) throw new UsageError(`${option} "${spec}": ${addr.error.issues[0]?.message ?? 'invalid address'}`, 'audit');
  let port = 22;
  if (portRaw !== undefined) {
    const p = Port.safeParse(portRaw);
    if (!p.success) throw new UsageError(`${option} "${spec}": ${p.error.issues[0]?.message ?? 'invalid port'}`, 'audit');
    port = p.data;
  }
  return { username: user.data, address: addr.data, port };
}

const AUDIT_OPTIONS = {
  host: { type: 'string' },
  jump: { type: 'string', multiple: true },
  inventory: { type: 'string' },
  concurrency: { type: 'string' },
  identity: { type: 'string' },
  sudo: { type: 'boolean' },
  'scan-root': { type: 'string', multiple: true },
  'trivy-report': { type: 'string', multiple: true },
  'known-hosts': { type: 'string' },
  'accept-new-host-key': { type: 'boolean' },
  'sshd-config': { type: 'string' },
  db: { type: 'string' },
  'no-db': { type: 'boolean' },
  format: { type: 'string' },
  'fail-on': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Turns node:util parseArgs errors into one-line usage messages. */
function parseOrUsage<T>(fn: () => T, topic: HelpTopic): T {
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

/**
 * The database a command uses: --db FILE, or with --no-db none (in memory: nothing kept), or by
 * default the desktop app's own (store/location.ts; RAMPART_DB overrides it), so CLI runs and
 * pinned host keys are shared with the app. Null = in memory.
 */
export function databaseOption(values: { db?: string | undefined; 'no-db'?: boolean | undefined }, cwd: string, topic: HelpTopic, env: NodeJS.ProcessEnv = process.env): string | null {
  if (values['no-db'] && values.db !== undefined) throw new UsageError('--db and --no-db cannot be combined', topic);
  if (values['no-db']) return null;
  if (values.db !== undefined) {
    if (values.db.trim() === '') throw new UsageError('--db needs a file name', topic);
    if (values.db.includes('\0')) throw new UsageError('--db: the path contains a NUL byte', topic);
    return path.resolve(cwd, values.db);
  }
  const file = defaultDbFile({ env });
  return file === ':memory:' ? null : file;
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
    if (rest.length === 1 && rest[0] === 'fix') return { kind: 'help', topic: 'fix' };
    if (rest.length === 1 && rest[0] === 'mail') return { kind: 'help', topic: 'mail' };
    if (rest.length === 1 && rest[0] === 'report') return { kind: 'help', topic: 'report' };
    if (rest.length === 1 && (rest[0] === 'probe' || rest[0] === 'probe-profile')) return { kind: 'help', topic: rest[0] };
    if (rest.length === 1 && (rest[0] === 'export' || rest[0] === 'import')) return { kind: 'help', topic: rest[0] };
    throw new UsageError(`no help for "${rest.join(' ')}" (commands: audit, mail, fix, report)`);
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option '${first}' (options go after the command, e.g. rampart audit --host …)`);
  if (first === 'fix') return parseFix(rest, cwd);
  if (first === 'mail') return parseMail(rest, cwd);
  if (first === 'report') return parseReport(rest, cwd);
  if (first === 'probe') return parseProbe(rest, cwd);
  if (first === 'probe-profile') return parseProbeProfile(rest, cwd);
  if (first === 'export') return parseExport(rest, cwd);
  if (first === 'import') return parseImport(rest, cwd);
  if (first !== 'audit') throw new UsageError(`unknown command "${first}" (commands: audit, mail, fix, report)`);
  return parseAudit(rest, cwd);
}

/** Options that may be given several times; every other one only once. */
const REPEATABLE = new Set(['jump', 'scan-root', 'trivy-report']);

const sameHost = (a: HostSpec, b: HostSpec): boolean => a.address.toLowerCase() === b.address.toLowerCase() && a.port === b.port;
const specText = (h: HostSpec): string => `${h.username}@${h.address.includes(':') ? `[${h.address}]` : h.address}:${h.port}`;

/** `--jump` values (each possibly `a,b,c`) → the chain, first hop first. */
export function parseJumpChain(values: readonly string[], target: HostSpec | null): HostSpec[] {
  const hops: HostSpec[] = [];
  for (const v of values) {
    const parts = v.split(',');
    if (parts.some((p) => p.trim() === '')) throw new UsageError(`--jump "${v}": an empty hop (hops are USER@ADDRESS[:PORT], separated by commas)`, 'audit');
    for (const p of parts) hops.push(parseHostSpec(p, '--jump'));
  }
  if (hops.length > MAX_JUMP_HOSTS) throw new UsageError(`--jump: at most ${MAX_JUMP_HOSTS} jump hosts, got ${hops.length}`, 'audit');
  hops.forEach((h, i) => {
    if (hops.findIndex((o) => sameHost(o, h)) !== i) throw new UsageError(`--jump: ${specText(h)} appears twice in the chain (a loop)`, 'audit');
    if (target && sameHost(h, target)) throw new UsageError(`--jump: ${specText(h)} is the --host itself`, 'audit');
  });
  return hops;
}

/** `--scan-root` values: absolute server paths, no control characters, no duplicates. */
export function parseScanRoots(values: readonly string[]): string[] {
  const roots: string[] = [];
  for (const raw of values) {
    if (!raw.startsWith('/') || raw.includes('\0') || /[\r\n]/.test(raw))
      throw new UsageError(`--scan-root must be an absolute path on the server, got ${JSON.stringify(raw)}`, 'audit');
    const p = raw.length > 1 ? raw.replace(/\/+$/, '') || '/' : raw;
    if (roots.includes(p)) throw new UsageError(`--scan-root ${p} given twice`, 'audit');
    roots.push(p);
  }
  if (roots.length > MAX_SCAN_ROOTS) throw new UsageError(`--scan-root: at most ${MAX_SCAN_ROOTS} folders, got ${roots.length}`, 'audit');
  return roots;
}

function parseConcurrency(raw: string): number {
  const n = /^\d{1,3}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(n >= 1 && n <= MAX_CONCURRENCY)) throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got "${raw}"`, 'audit');
  return n;
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
    if (seen.has(t.name) && !REPEATABLE.has(t.name)) throw new UsageError(`option --${t.name} given more than once`, 'audit');
    seen.add(t.name);
  }

  const fleet = values.inventory !== undefined;
  if (fleet && values.host !== undefined)
    throw new UsageError('--host and --inventory cannot be combined: audit one host, or the hosts of an inventory', 'audit');
  if (!fleet && values.host === undefined) throw new UsageError('--host USER@ADDRESS[:PORT] or --inventory FILE is required', 'audit');
  if (fleet && values.jump !== undefined)
    throw new UsageError("--jump cannot be used with --inventory: give each host's jump hosts in the inventory (ansible_ssh_common_args='-J USER@HOST')", 'audit');
  if (fleet && values['trivy-report'] !== undefined)
    throw new UsageError('--trivy-report cannot be used with --inventory: a Trivy report describes the images of one host', 'audit');
  if (!fleet && values.concurrency !== undefined) throw new UsageError('--concurrency only applies to --inventory', 'audit');

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

  const settings: AuditSettings = {
    identityFile: values.identity !== undefined ? localPath(cwd, values.identity, '--identity') : null,
    knownHosts: values['known-hosts'] !== undefined ? localPath(cwd, values['known-hosts'], '--known-hosts') : null,
    acceptNewHostKey: values['accept-new-host-key'] === true,
    sshdConfigPath,
    sudo: values.sudo === true,
    scanRoots: parseScanRoots(values['scan-root'] ?? []),
    db: databaseOption(values, cwd, 'audit'),
    format: format as Format,
    failOn: failOn as FailOn,
    failOnFromSettings: values['fail-on'] === undefined,
  };

  if (fleet) {
    return {
      kind: 'audit-fleet',
      inventory: localPath(cwd, values.inventory!, '--inventory'),
      concurrency: values.concurrency !== undefined ? parseConcurrency(values.concurrency) : DEFAULT_CONCURRENCY,
      ...settings,
    };
  }
  const host = parseHostSpec(values.host!);
  const trivy = (values['trivy-report'] ?? []).map((f) => localPath(cwd, f, '--trivy-report'));
  return {
    kind: 'audit',
    host,
    jump: parseJumpChain(values.jump ?? [], host),
    trivyReports: trivy.filter((f, i) => trivy.indexOf(f) === i),
    ...settings,
  };
}

/** Whether argv asks for JSON output, even when the rest of it does not parse. */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '--format=json' || (a === '--format' && argv[i + 1] === 'json'));
}

export const FIX_HELP = `Usage: rampart fix --host USER@ADDRESS[:PORT] (--finding ID | --check CHECKID)... [options]
       rampart fix --host USER@ADDRESS[:PORT] --resume JOB | --rollback JOB [--db FILE] [options]

Fixes findings on one host: reads the host's current state (read-only), plans small steps
(backup, chmod/chown or an atomic compose file edit as a compare-and-swap, compose config -q,
up -d SERVICE, wait for health, container restart, verify), shows them with the exact shell
commands and the diff (secret values redacted), asks for confirmation, applies them, re-runs the
checks involved, and undoes every step when anything fails (an edited file is restored
byte-identical from its backup on the host and the service re-created). Every job is journaled before the host is changed: in the database
(the app's, or --db), or with --no-db in $XDG_STATE_HOME/rampart/fix-journal.sqlite3 (default
~/.local/state/rampart/).

Selection:
  --finding ID                The id of a finding as \`rampart audit --format json\` prints it
                              (repeatable). Looked up in --db, or found by a fresh read of the host
  --check CHECKID             Every finding of this check on the host now (repeatable)
  --resume JOB                Finish a job that did not finish
  --rollback JOB              Undo a job: an unfinished, failed or applied one

Options:
  --dry-run                   Show the plan and the commands; change nothing
  --export-ansible FILE       Plan (read-only), then write the plan as an Ansible playbook to FILE
                              and its inventory to FILE's sibling NAME.inventory.yml; change nothing
  --on-failure rollback-all|stop|continue
                              What a failing fix does to the others (each fix has its own steps
                              and its own rollback). rollback-all (default): every fix of the job
                              is undone, the host is as before. stop: the failing fix is undone,
                              the fixes verified before it stay applied, the rest are not run.
                              continue: the failing fix is undone, the rest still run. With stop
                              or continue a job with fixes applied and others not is "partial".
                              --resume goes on under the job's own policy; --rollback undoes
                              everything the job applied, whatever its policy
  --confirm-window SECONDS    The lockout guard of the sshd, firewall and sudoers fixes (default
                              120): a dead-man switch on the host puts the old config back (and
                              reloads sshd / disables or reloads ufw) after this long unless a NEW
                              SSH connection proved that logging in (and root) still works
  --yes                       Apply without asking (otherwise: a "y" on a terminal; without a
                              terminal the fix is refused)
  --db FILE                   SQLite database: the journal of fix jobs, the audit runs whose
                              findings --finding names, pinned host keys (default: the desktop
                              app's database, as for audit)
  --no-db                     Keep no host key; jobs go to the fix journal named above
  --format json|table         Output format (default table)
  --jump, --identity, --known-hosts, --accept-new-host-key, --sudo, --scan-root DIR,
  --sshd-config PATH          As for rampart audit (--sudo: run the fix as root with sudo -n)
  -h, --help                  Show this help

Exit status:
  0  applied and verified (or --dry-run, or --export-ansible written); --rollback: rolled back
  1  the fix failed or was refused (the file changed since the plan), and the host is as before;
     or partial (--on-failure stop|continue): some fixes applied and verified, the others rolled
     back or not run (the output names each)
  2  usage, connection, authentication, host key or database error; no confirmation
  3  rollback incomplete: the output says exactly what is left and where the backups are
`;

const FIX_OPTIONS = {
  host: { type: 'string' },
  jump: { type: 'string', multiple: true },
  identity: { type: 'string' },
  sudo: { type: 'boolean' },
  'scan-root': { type: 'string', multiple: true },
  'known-hosts': { type: 'string' },
  'accept-new-host-key': { type: 'boolean' },
  'sshd-config': { type: 'string' },
  db: { type: 'string' },
  'no-db': { type: 'boolean' },
  format: { type: 'string' },
  finding: { type: 'string', multiple: true },
  check: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  'export-ansible': { type: 'string' },
  yes: { type: 'boolean' },
  'on-failure': { type: 'string' },
  'confirm-window': { type: 'string' },
  resume: { type: 'string' },
  rollback: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FIX_REPEATABLE = new Set(['jump', 'scan-root', 'finding', 'check']);
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FINDING_ID = /^[0-9a-f]{32}$/;
const CHECK_ID = /^[A-Z0-9][A-Z0-9-]{1,63}$/;

function parseFix(argv: readonly string[], cwd: string): Command {
  const { values, positionals, tokens } = parseOrUsage(() => parseArgs({ args: [...argv], options: FIX_OPTIONS, strict: true, allowPositionals: true, tokens: true }), 'fix');
  if (values.help) return { kind: 'help', topic: 'fix' };
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`, 'fix');
  const seen = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name) && !FIX_REPEATABLE.has(t.name)) throw new UsageError(`option --${t.name} given more than once`, 'fix');
    seen.add(t.name);
  }
  try {
    if (values.host === undefined) throw new UsageError('--host USER@ADDRESS[:PORT] is required', 'fix');
    const format = values.format ?? 'table';
    if (format !== 'json' && format !== 'table') throw new UsageError(`--format must be json or table, got "${format}"`, 'fix');
    if (values['known-hosts'] !== undefined && values['accept-new-host-key'])
      throw new UsageError('--known-hosts and --accept-new-host-key cannot be combined: choose how the host key is trusted', 'fix');
    const findingIds = values.finding ?? [];
    const checkIds = values.check ?? [];
    for (const f of findingIds) if (!FINDING_ID.test(f)) throw new UsageError(`--finding takes a finding id (32 hex characters, as rampart audit --format json prints), got "${f}"`, 'fix');
    for (const c of checkIds) if (!CHECK_ID.test(c)) throw new UsageError(`--check takes a check id such as SECRET-FILE-READABLE, got "${c}"`, 'fix');
    const modes = [findingIds.length + checkIds.length > 0, values.resume !== undefined, values.rollback !== undefined].filter(Boolean).length;
    if (modes === 0) throw new UsageError('say what to fix: --finding ID or --check CHECKID (or --resume JOB / --rollback JOB)', 'fix');
    if (modes > 1) throw new UsageError('--finding/--check, --resume and --rollback cannot be combined', 'fix');
    const job = values.resume ?? values.rollback;
    if (job !== undefined && !JOB_ID.test(job)) throw new UsageError(`--${values.resume !== undefined ? 'resume' : 'rollback'} takes a job id (a UUID), got "${job}"`, 'fix');
    if (job !== undefined && (values['dry-run'] || values.yes)) throw new UsageError('--dry-run and --yes apply to new fixes, not to --resume/--rollback', 'fix');
    const exportAnsible = values['export-ansible'];
    if (exportAnsible !== undefined && (job !== undefined || values.yes || values['dry-run']))
      throw new UsageError('--export-ansible writes the plan of new fixes and applies nothing: not with --yes, --dry-run, --resume or --rollback', 'fix');
    const onFailure = values['on-failure'] ?? 'rollback-all';
    if (onFailure !== 'rollback-all' && onFailure !== 'stop' && onFailure !== 'continue') throw new UsageError(`--on-failure must be rollback-all, stop or continue, got "${onFailure}"`, 'fix');
    if (job !== undefined && values['on-failure'] !== undefined)
      throw new UsageError("--on-failure applies to new fixes: --resume goes on under the job's own policy, --rollback undoes everything the job applied", 'fix');
    let sshdConfigPath: string | null = null;
    if (values['sshd-config'] !== undefined) {
      const p = values['sshd-config'];
      if (!p.startsWith('/') || p.includes('\0') || /[\r\n]/.test(p)) throw new UsageError(`--sshd-config must be an absolute path on the server, got "${p}"`, 'fix');
      sshdConfigPath = p;
    }
    let confirmWindowS: number | undefined;
    if (values['confirm-window'] !== undefined) {
      const w = values['confirm-window'];
      if (!/^\d{1,5}$/.test(w) || Number(w) < 1 || Number(w) > 3600) throw new UsageError(`--confirm-window takes seconds from 1 to 3600, got "${w}"`, 'fix');
      confirmWindowS = Number(w);
    }
    const host = parseHostSpec(values.host);
    return {
      kind: 'fix',
      ...(confirmWindowS !== undefined ? { confirmWindowS } : {}),
      host,
      jump: parseJumpChain(values.jump ?? [], host),
      identityFile: values.identity !== undefined ? localPath(cwd, values.identity, '--identity') : null,
      knownHosts: values['known-hosts'] !== undefined ? localPath(cwd, values['known-hosts'], '--known-hosts') : null,
      acceptNewHostKey: values['accept-new-host-key'] === true,
      sshdConfigPath,
      sudo: values.sudo === true,
      scanRoots: parseScanRoots(values['scan-root'] ?? []),
      db: databaseOption(values, cwd, 'fix'),
      format,
      action:
        values.resume !== undefined
          ? { kind: 'resume', jobId: values.resume }
          : values.rollback !== undefined
            ? { kind: 'rollback', jobId: values.rollback }
            : {
                kind: 'apply',
                findingIds: [...new Set(findingIds)],
                checkIds: [...new Set(checkIds)],
                dryRun: values['dry-run'] === true,
                yes: values.yes === true,
                onFailure,
                ...(exportAnsible !== undefined ? { exportAnsible: localPath(cwd, exportAnsible, '--export-ansible') } : {}),
              },
    };
  } catch (e) {
    // The shared host/jump/scan-root parsers point at the audit help; these are fix options.
    if (e instanceof UsageError && e.topic !== 'fix') throw new UsageError(e.message, 'fix');
    throw e;
  }
}
