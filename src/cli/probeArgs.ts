// Parsing of `rampart probe` and `rampart probe-profile` (pure, no I/O). Passwords are never
// taken from the command line (argv is visible to every user of the machine in `ps`): they come
// from environment variables named on the command line, or from stdin, one per line.
import { parseArgs } from 'node:util';
import { databaseOption, UsageError } from './args';

export type ProbeFormat = 'json' | 'table';

export interface ProbeRunCommand {
  kind: 'probe';
  profile: string;
  db: string;
  format: ProbeFormat;
}

export interface ProbeHistoryCommand {
  kind: 'probe-history';
  /** null: every profile's runs. */
  profile: string | null;
  limit: number;
  db: string;
  format: ProbeFormat;
}

/** Where a password comes from: an environment variable, or the Nth line of stdin. */
export type PasswordSource = { env: string } | { stdinLine: number };

export interface SeedSpec {
  label: string;
  toAddress: string;
  imapHost: string;
  imapPort: number | undefined;
  imapTls: boolean;
  imapUsername: string;
  inboxFolders: string[] | undefined;
  junkFolders: string[] | undefined;
  authservIds: string[] | undefined;
  password: PasswordSource;
}

export interface ProbeProfileAddCommand {
  kind: 'probe-profile-add';
  /** true: replace the profile of that name (passwords given again). */
  replace: boolean;
  name: string;
  smtpHost: string;
  smtpPort: number | undefined;
  smtpSecurity: 'starttls' | 'tls' | undefined;
  smtpUsername: string;
  smtpPassword: PasswordSource;
  fromAddress: string;
  caFile: string | null;
  timeoutMs: number | undefined;
  targetRate: number | undefined;
  seeds: SeedSpec[];
  db: string;
  format: ProbeFormat;
}

export interface ProbeProfileListCommand {
  kind: 'probe-profile-list';
  db: string;
  format: ProbeFormat;
}

export interface ProbeProfileRemoveCommand {
  kind: 'probe-profile-remove';
  name: string;
  db: string;
  format: ProbeFormat;
}

export type ProbeCommand = ProbeRunCommand | ProbeHistoryCommand | ProbeProfileAddCommand | ProbeProfileListCommand | ProbeProfileRemoveCommand;

export const PROBE_HELP = `Usage: rampart probe --profile NAME [--db FILE] [--format json|table]
       rampart probe --history [--profile NAME] [--limit N] [--db FILE] [--format json|table]

Deliverability probe: sends one uniquely tagged message per seed mailbox of the profile through
its SMTP submission server, polls each seed over IMAP until the message arrives (in an inbox
folder, a junk folder or another folder) or the profile's timeout passes, reads the receiver's
Authentication-Results (spf, dkim, dmarc with header.d / header.s / smtp.mailfrom), the Received
hops and TLS use and spam score headers, then deletes the message from the seed. The run is kept
in the database with the deliverability rate over 30 days (inbox ÷ probes) and findings.
What is sent: a short text body naming the tag; the tag in the subject and an X-Rampart-Probe header.
Profiles: rampart probe-profile --help.

Options:
  --profile NAME         The probe profile (rampart probe-profile add)
  --history              List stored runs (of --profile, or of every profile), newest first
  --limit N              Runs listed by --history (1-500, default 20)
  --db FILE              The database with the profiles and runs (default: the desktop app's)
  --format json|table    Output format (default table)
  -h, --help             Show this help

Exit status:
  0  every seed got the message in an inbox folder with spf, dkim and dmarc pass (--history: listed)
  1  a seed got it in junk or elsewhere, not within the timeout, or a verdict was not pass
  2  usage error, unknown profile, the submission server or a seed's IMAP server could not be
     used (connection, TLS, login), a password missing from the keychain
  130 interrupted
`;

export const PROBE_PROFILE_HELP = `Usage: rampart probe-profile add --name NAME --smtp HOST[:PORT] [--security starttls|tls]
         --smtp-user USER (--smtp-password-env VAR | --passwords-stdin) --from ADDRESS
         --seed SPEC [--seed SPEC]... [--ca-file FILE] [--timeout SECONDS] [--target-rate PERCENT]
         [--replace] [--db FILE]
       rampart probe-profile list [--db FILE] [--format json|table]
       rampart probe-profile remove --name NAME [--db FILE]

Saves a deliverability probe profile: the submission server the probe sends through and the seed
mailboxes (that you own) it is sent to. Passwords go to the OS keychain only, never to the
database; they are never read from the command line: name an environment variable, or give
them on stdin with --passwords-stdin (first line the submission password, then one line per
--seed, in order).

Options of add:
  --name NAME               Profile name (letters, digits, spaces, ".", "_", "-")
  --smtp HOST[:PORT]        The submission server (port default 587)
  --security starttls|tls   STARTTLS (default) or implicit TLS (465); never plain text
  --smtp-user USER          The submission login
  --smtp-password-env VAR   The environment variable holding the submission password
  --passwords-stdin         Read every password from stdin, one per line (see above)
  --from ADDRESS            The From address; its domain is the domain measured
  --seed SPEC               A seed mailbox (repeatable, 1-20), comma-separated key=value:
                              label=NAME,to=ADDRESS,imap=HOST[:PORT],user=USER[,password-env=VAR]
                              [,starttls][,inbox=FOLDER]...[,junk=FOLDER]...[,authserv=ID]...
                            IMAP is implicit TLS on 993 unless starttls (143); folders default
                            to inbox=INBOX and junk=Junk; password-env is required unless
                            --passwords-stdin; authserv= names the receiver's authserv-id(s)
                            whose Authentication-Results count (default: the topmost header's)
  --ca-file FILE            PEM file of extra trusted CAs (a lab or self-hosted CA)
  --timeout SECONDS         How long each seed is polled (5-3600, default 180)
  --target-rate PERCENT     Deliverability target (0-100, default 95)
  --replace                 Replace the profile of that name (passwords given again)
`;

const FORMATS = ['json', 'table'] as const;

function parse(argv: readonly string[], options: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>, topic: 'probe' | 'probe-profile') {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true });
  } catch (e) {
    const first = (e as Error).message.split('\n')[0]!;
    const missing = /^Option '(-\w, )?(--[\w-]+)(?: <value>)?' argument (missing|is ambiguous)/.exec(first);
    if (missing) throw new UsageError(`option ${missing[2]} needs a value`, topic);
    const unknown = /^Unknown option '([^']*)'/.exec(first);
    throw new UsageError(unknown ? `unknown option '${unknown[1]}'` : first.replace(/\.$/, ''), topic);
  }
}

function formatOf(v: unknown, topic: 'probe' | 'probe-profile'): ProbeFormat {
  const f = (v as string | undefined) ?? 'table';
  if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be json or table, got "${f}"`, topic);
  return f as ProbeFormat;
}

function dbOf(values: Record<string, unknown>, cwd: string, topic: 'probe' | 'probe-profile', env: NodeJS.ProcessEnv): string {
  // Probe profiles live in a database: --no-db has nothing to read them from.
  const db = databaseOption(values as { db?: string }, cwd, topic as never, env);
  if (db === null) throw new UsageError('the probe needs a database with its profiles (the app\'s by default, or --db FILE)', topic);
  return db;
}

function onceOnly(tokens: ReadonlyArray<{ kind: string; name?: string }>, repeatable: ReadonlySet<string>, topic: 'probe' | 'probe-profile'): void {
  const seen = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'option' || !t.name) continue;
    if (seen.has(t.name) && !repeatable.has(t.name)) throw new UsageError(`option --${t.name} given more than once`, topic);
    seen.add(t.name);
  }
}

export function parseProbe(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): ProbeRunCommand | ProbeHistoryCommand | { kind: 'help'; topic: 'probe' } {
  const { values, positionals, tokens } = parse(
    argv,
    { profile: { type: 'string' }, history: { type: 'boolean' }, limit: { type: 'string' }, db: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    'probe',
  );
  if (values.help) return { kind: 'help', topic: 'probe' };
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (did you mean --profile ${positionals[0]}?)`, 'probe');
  onceOnly(tokens, new Set(), 'probe');
  const format = formatOf(values.format, 'probe');
  const db = dbOf(values, cwd, 'probe', env);
  const profile = typeof values.profile === 'string' ? values.profile.trim() : undefined;
  if (profile === '') throw new UsageError('--profile needs a profile name', 'probe');
  if (values.history) {
    let limit = 20;
    if (values.limit !== undefined) {
      limit = Number(values.limit);
      if (!/^\d+$/.test(String(values.limit)) || limit < 1 || limit > 500) throw new UsageError(`--limit must be a number from 1 to 500, got "${String(values.limit)}"`, 'probe');
    }
    return { kind: 'probe-history', profile: profile ?? null, limit, db, format };
  }
  if (values.limit !== undefined) throw new UsageError('--limit goes with --history', 'probe');
  if (profile === undefined) throw new UsageError('--profile NAME is required (or --history)', 'probe');
  return { kind: 'probe', profile, db, format };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function hostPort(raw: string, option: string): { host: string; port: number | undefined } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw.trim()) ?? /^([^:\s]+)(?::(\d+))?$/.exec(raw.trim());
  if (!m) throw new UsageError(`${option} must be HOST[:PORT], got "${raw}"`, 'probe-profile');
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new UsageError(`${option} "${raw}": the port must be 1-65535`, 'probe-profile');
  return { host: m[1]!, port };
}

/** One --seed SPEC: label=…,to=…,imap=HOST[:PORT],user=…[,password-env=VAR][,starttls][,inbox=F]…[,junk=F]… */
export function parseSeedSpec(raw: string, index: number, passwordsStdin: boolean): SeedSpec {
  const fields = new Map<string, string[]>();
  let starttls = false;
  for (const part of raw.split(',')) {
    const p = part.trim();
    if (!p) continue;
    if (p === 'starttls') {
      starttls = true;
      continue;
    }
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--seed "${raw}": "${p}" is not key=value`, 'probe-profile');
    const k = p.slice(0, eq).trim();
    if (k === 'password') throw new UsageError('--seed: passwords are not taken from the command line (other users see it in ps); use password-env=VAR or --passwords-stdin', 'probe-profile');
    if (!['label', 'to', 'imap', 'user', 'password-env', 'inbox', 'junk', 'authserv'].includes(k)) throw new UsageError(`--seed: unknown key "${k}" (label, to, imap, user, password-env, starttls, inbox, junk, authserv)`, 'probe-profile');
    fields.set(k, [...(fields.get(k) ?? []), p.slice(eq + 1).trim()]);
  }
  const one = (k: string): string => {
    const v = fields.get(k);
    if (!v?.length || !v[0]) throw new UsageError(`--seed "${raw}": ${k}= is required`, 'probe-profile');
    if (v.length > 1) throw new UsageError(`--seed "${raw}": ${k}= given twice`, 'probe-profile');
    return v[0];
  };
  const { host, port } = hostPort(one('imap'), '--seed imap=');
  const envName = fields.get('password-env')?.[0];
  if (envName !== undefined && !ENV_NAME.test(envName)) throw new UsageError(`--seed password-env= must name an environment variable, got "${envName}"`, 'probe-profile');
  if (envName === undefined && !passwordsStdin) throw new UsageError(`--seed "${raw}": password-env=VAR is required (or --passwords-stdin)`, 'probe-profile');
  return {
    label: one('label'),
    toAddress: one('to'),
    imapHost: host,
    imapPort: port,
    imapTls: !starttls,
    imapUsername: one('user'),
    inboxFolders: fields.get('inbox'),
    junkFolders: fields.get('junk'),
    authservIds: fields.get('authserv'),
    password: envName !== undefined && !passwordsStdin ? { env: envName } : { stdinLine: index + 1 },
  };
}

export function parseProbeProfile(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): ProbeProfileAddCommand | ProbeProfileListCommand | ProbeProfileRemoveCommand | { kind: 'help'; topic: 'probe-profile' } {
  const [action, ...rest] = argv;
  if (action === undefined || action === '-h' || action === '--help') return { kind: 'help', topic: 'probe-profile' };
  const { values, positionals, tokens } = parse(
    rest,
    {
      name: { type: 'string' },
      smtp: { type: 'string' },
      security: { type: 'string' },
      'smtp-user': { type: 'string' },
      'smtp-password-env': { type: 'string' },
      'smtp-password': { type: 'string' },
      'passwords-stdin': { type: 'boolean' },
      from: { type: 'string' },
      seed: { type: 'string', multiple: true },
      'ca-file': { type: 'string' },
      timeout: { type: 'string' },
      'target-rate': { type: 'string' },
      replace: { type: 'boolean' },
      db: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'probe-profile',
  );
  if (values.help) return { kind: 'help', topic: 'probe-profile' };
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`, 'probe-profile');
  onceOnly(tokens, new Set(['seed']), 'probe-profile');
  const format = formatOf(values.format, 'probe-profile');
  const db = dbOf(values, cwd, 'probe-profile', env);
  const name = typeof values.name === 'string' ? values.name.trim() : undefined;
  if (action === 'list') return { kind: 'probe-profile-list', db, format };
  if (action === 'remove') {
    if (!name) throw new UsageError('--name NAME is required', 'probe-profile');
    return { kind: 'probe-profile-remove', name, db, format };
  }
  if (action !== 'add') throw new UsageError(`unknown action "${action}" (add, list, remove)`, 'probe-profile');
  if (values['smtp-password'] !== undefined) throw new UsageError('--smtp-password: passwords are not taken from the command line (other users see it in ps); use --smtp-password-env VAR or --passwords-stdin', 'probe-profile');
  const need = (k: string): string => {
    const v = values[k];
    if (typeof v !== 'string' || !v.trim()) throw new UsageError(`--${k} is required`, 'probe-profile');
    return v.trim();
  };
  const stdin = values['passwords-stdin'] === true;
  const smtpEnv = values['smtp-password-env'];
  if (stdin && smtpEnv !== undefined) throw new UsageError('--smtp-password-env and --passwords-stdin cannot be combined', 'probe-profile');
  if (!stdin && smtpEnv === undefined) throw new UsageError('--smtp-password-env VAR or --passwords-stdin is required', 'probe-profile');
  if (typeof smtpEnv === 'string' && !ENV_NAME.test(smtpEnv)) throw new UsageError(`--smtp-password-env must name an environment variable, got "${smtpEnv}"`, 'probe-profile');
  const security = values.security;
  if (security !== undefined && security !== 'starttls' && security !== 'tls') throw new UsageError(`--security must be starttls or tls, got "${String(security)}"`, 'probe-profile');
  const seedsRaw = (values.seed as string[] | undefined) ?? [];
  if (!seedsRaw.length) throw new UsageError('at least one --seed is required', 'probe-profile');
  const { host, port } = hostPort(need('smtp'), '--smtp');
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const s = Number(values.timeout);
    if (!Number.isFinite(s) || s < 5 || s > 3600) throw new UsageError(`--timeout must be 5-3600 seconds, got "${String(values.timeout)}"`, 'probe-profile');
    timeoutMs = Math.round(s * 1000);
  }
  let targetRate: number | undefined;
  if (values['target-rate'] !== undefined) {
    const r = Number(String(values['target-rate']).replace(/%$/, ''));
    if (!Number.isFinite(r) || r < 0 || r > 100) throw new UsageError(`--target-rate must be a percentage 0-100, got "${String(values['target-rate'])}"`, 'probe-profile');
    targetRate = r / 100;
  }
  const caFile = typeof values['ca-file'] === 'string' ? values['ca-file'] : null;
  if (caFile !== null && (!caFile.trim() || caFile.includes('\0'))) throw new UsageError('--ca-file needs a file name', 'probe-profile');
  return {
    kind: 'probe-profile-add',
    replace: values.replace === true,
    name: need('name'),
    smtpHost: host,
    smtpPort: port,
    smtpSecurity: security as 'starttls' | 'tls' | undefined,
    smtpUsername: need('smtp-user'),
    smtpPassword: stdin ? { stdinLine: 0 } : { env: smtpEnv as string },
    fromAddress: need('from'),
    caFile: caFile === null ? null : caFile.startsWith('/') ? caFile : `${cwd.replace(/\/$/, '')}/${caFile}`,
    timeoutMs,
    targetRate,
    seeds: seedsRaw.map((s, i) => parseSeedSpec(s, i, stdin)),
    db,
    format,
  };
}
