// Domain vocabulary shared by main, preload, renderer and CLI. Pure data: zod schemas and the
// types inferred from them. Nothing here may import from src/main, src/preload or src/renderer.
import { z } from 'zod';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export const CATEGORIES = [
  'secrets',
  'permissions',
  'containers',
  'network',
  'ssh',
  'access',
  'system',
  'backups',
  'vpn',
  'mail',
  'cve',
] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

export const CheckStatus = z.enum(['pass', 'fail', 'error', 'not-applicable', 'needs-sudo']);
export type CheckStatus = z.infer<typeof CheckStatus>;

export const RunStatus = z.enum(['complete', 'partial', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

export const FindingStatus = z.enum(['open', 'accepted', 'false-positive', 'fixed']);
export type FindingStatus = z.infer<typeof FindingStatus>;

export const Grade = z.enum(['A+', 'A', 'B', 'C', 'D', 'F']);
export type Grade = z.infer<typeof Grade>;

/** A host name users type: letters, digits, dot, dash, underscore. */
const hostName = z
  .string()
  .trim()
  .min(1, 'Name is required')
  .max(64, 'Name is at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Name may contain letters, digits, ".", "_" and "-"');

// One home for address syntax: the IPC schemas, the mail settings and the host-side parsers
// (src/main/audit/parsers/addresses.ts) all use these.
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Dotted-quad IPv4, no leading zeros (01.2.3.4 is ambiguous: octal to some resolvers). */
export function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

/** An IPv6 address (zod's parser: compressed forms and embedded IPv4 included). */
export function isIpv6(s: string): boolean {
  return z.ipv6().safeParse(s).success;
}

function isDnsNameOrIpv4(s: string): boolean {
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(s)) return false;
  // All-numeric dotted names must be a valid IPv4 address (no 999.1.1.1).
  if (/^[0-9.]+$/.test(s)) return isIpv4(s);
  return s.split('.').every((label) => label.length > 0 && label.length <= 63 && !label.startsWith('-') && !label.endsWith('-'));
}


/** IPv4, IPv6 or a DNS name. No spaces, no shell metacharacters, no leading dash. */
export const HostAddress = z
  .string()
  .trim()
  .min(1, 'Address is required')
  .max(253, 'Address is too long')
  .refine(
    (s) => isDnsNameOrIpv4(s) || isIpv6(s),
    'Address must be an IP address or a DNS name',
  );

// Only real numbers or plain decimal strings ("22"); no booleans, arrays, hex or exponents.
export const Port = z
  .union([z.number(), z.string().trim().regex(/^\d{1,5}$/, 'Port must be a number').transform(Number)], {
    message: 'Port must be a number',
  })
  .pipe(z.number({ message: 'Port must be a number' })
  .int('Port must be a whole number')
  .min(1, 'Port must be between 1 and 65535')
  .max(65535, 'Port must be between 1 and 65535'));

export const UserName = z
  .string()
  .trim()
  .min(1, 'User is required')
  .max(32, 'User is at most 32 characters')
  .regex(/^[a-z_][a-z0-9_.-]*\$?$/i, 'User must be a valid POSIX login name');

export const AbsolutePath = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .refine((s) => s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('~'), 'Must be an absolute path')
  .refine((s) => !s.includes('\0'), 'Path contains a NUL byte');

/**
 * A path on the audited server: absolute POSIX only. `~` is not expanded on the host (a `~` root
 * used to be silently ignored there) and a drive letter is a laptop path, not a server's.
 */
export const RemotePath = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .refine((s) => s.startsWith('/'), 'Must be an absolute path on the server (starting with /; ~ is not expanded there)')
  .refine((s) => !/[\0\n\r]/.test(s), 'Path contains a NUL byte or a line break');

export const AuthMethod = z.enum(['key-file', 'keychain', 'agent']);
export type AuthMethod = z.infer<typeof AuthMethod>;

/** none: never sudo; sudo-n: `sudo -n` (passwordless rules); sudo-password: password from the keychain. */
export const SudoMode = z.enum(['none', 'sudo-n', 'sudo-password']);
export type SudoMode = z.infer<typeof SudoMode>;

/** A Linux/macOS interface name: wg0, utun4 (IFNAMSIZ is 16 with the NUL). */
export const InterfaceName = z.string().trim().regex(/^[A-Za-z0-9_.-]{1,15}$/, 'Interface must be a name like wg0 (at most 15 letters, digits, ".", "_", "-")');

export const Ipv4Cidr = z
  .string()
  .trim()
  .regex(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/, 'Subnet must be an IPv4 CIDR such as 10.77.0.0/24');

export const Tag = z.string().trim().min(1).max(32).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Tags may contain letters, digits, ".", "_" and "-"');

const HostFields = z.object({
  name: hostName,
  address: HostAddress,
  port: Port.default(22),
  username: UserName,
  /** key-file: identityFile; keychain: a key imported into the OS keychain; agent: SSH_AUTH_SOCK. */
  auth: AuthMethod.optional(),
  identityFile: AbsolutePath.nullish(),
  /** Another host to jump through (recursive: it may have its own jump host). */
  jumpHostId: z.number().int().positive().nullish(),
  vpnOnly: z.boolean().default(false),
  vpnInterface: InterfaceName.nullish(),
  vpnSubnet: Ipv4Cidr.nullish(),
  sudo: SudoMode.default('none'),
  tags: z.array(Tag).max(20, 'At most 20 tags').default([]),
  sshdConfigPath: RemotePath.default('/etc/ssh/sshd_config'),
  /** Folders where compose projects and secrets live, searched by the audit. */
  scanRoots: z.array(RemotePath).max(20, 'At most 20 scan roots').default([]),
});

function checkAuth(h: { auth?: AuthMethod | undefined; identityFile?: string | null | undefined }, ctx: z.RefinementCtx): void {
  if (h.auth === 'key-file' && !h.identityFile)
    ctx.addIssue({ code: 'custom', path: ['identityFile'], message: 'A private-key file is required for key-file authentication' });
}

/** Without an explicit method: the key file when one is given, otherwise ssh-agent. */
export const HostInput = HostFields.strict()
  .superRefine(checkAuth)
  .transform((h) => ({ ...h, auth: h.auth ?? (h.identityFile ? ('key-file' as const) : ('agent' as const)) }));
export type HostInput = z.input<typeof HostInput>;
export type HostInputParsed = z.output<typeof HostInput>;

/**
 * Edit: the host id plus any subset of the fields (validated again as a whole by the store). No
 * defaults here: a field left out keeps its stored value (HostFields' defaults would reset it).
 * `null` clears an optional field.
 */
export const HostUpdate = z
  .object({
    name: hostName,
    address: HostAddress,
    port: Port,
    username: UserName,
    auth: AuthMethod,
    identityFile: AbsolutePath.nullable(),
    jumpHostId: z.number().int().positive().nullable(),
    vpnOnly: z.boolean(),
    vpnInterface: InterfaceName.nullable(),
    vpnSubnet: Ipv4Cidr.nullable(),
    sudo: SudoMode,
    tags: z.array(Tag).max(20, 'At most 20 tags'),
    sshdConfigPath: AbsolutePath,
    scanRoots: z.array(AbsolutePath).max(20, 'At most 20 scan roots'),
  })
  .partial()
  .extend({ id: z.number({ message: 'Host id is required' }).int().positive() })
  .strict();
export type HostUpdate = z.input<typeof HostUpdate>;

export const HostKeyPin = z.object({
  address: z.string(),
  port: z.number().int(),
  keyType: z.string(),
  fingerprint: z.string(),
  pinnedAt: z.string(),
});
export type HostKeyPin = z.infer<typeof HostKeyPin>;

/** The latest run of an audit target (a host, a mail domain), as lists show it. */
export const LastRun = z.object({ id: z.string(), startedAt: z.string(), status: RunStatus, score: z.number().nullable(), grade: Grade.nullable() });
export type LastRun = z.infer<typeof LastRun>;

export const Host = z.object({
  id: z.number().int(),
  name: z.string(),
  address: z.string(),
  port: z.number().int(),
  username: z.string(),
  auth: AuthMethod,
  identityFile: z.string().nullable(),
  jumpHostId: z.number().int().nullable(),
  vpnOnly: z.boolean(),
  vpnInterface: z.string().nullable(),
  vpnSubnet: z.string().nullable(),
  sudo: SudoMode,
  tags: z.array(z.string()),
  sshdConfigPath: z.string(),
  scanRoots: z.array(z.string()),
  /** Which secrets this host has in the keychain (flags only; the secrets never leave it). */
  secrets: z.object({ privateKey: z.boolean(), passphrase: z.boolean(), sudoPassword: z.boolean() }),
  createdAt: z.string(),
  hostKey: HostKeyPin.nullable(),
  lastRun: LastRun.nullable(),
});
export type Host = z.infer<typeof Host>;

/** A finding's current triage as the UI shows it next to the finding (status as triaged now). */
export const FindingTriage = z.object({
  status: FindingStatus,
  reason: z.string().nullable(),
  expiresAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type FindingTriage = z.infer<typeof FindingTriage>;

export const Finding = z.object({
  /** Stable identity of the finding across runs: host + checkId + resource. */
  id: z.string(),
  checkId: z.string(),
  category: Category,
  severity: Severity,
  title: z.string(),
  resource: z.string(),
  evidence: z.string(),
  rationale: z.string(),
  remediation: z.string(),
  references: z.array(z.string()),
  status: FindingStatus,
  /**
   * The finding's triage record (current, not as of the run), when the main process filled it in
   * (runs:get, audit:run, runs:diff, findings:triage). `status` above is the status in this run.
   */
  triage: FindingTriage.nullable().optional(),
});
export type Finding = z.infer<typeof Finding>;

export const CheckResult = z.object({
  checkId: z.string(),
  category: Category,
  status: CheckStatus,
  /** Highest severity the check can raise; used for weighting. */
  severity: Severity,
  message: z.string().optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const CategoryScore = z.object({ score: z.number(), grade: Grade, applicableWeight: z.number() });
export const Score = z.object({
  overall: z.number(),
  grade: Grade,
  /** Why the grade is lower than the number alone would give, e.g. "open critical finding caps at D". */
  cap: z.string().nullable(),
  categories: z.record(z.string(), CategoryScore),
});
export type Score = z.infer<typeof Score>;

export const RunError = z.object({ section: z.string(), message: z.string() });
export type RunError = z.infer<typeof RunError>;

export const RunSummary = z.object({
  id: z.string(),
  /** Present for a mail domain audit (hostName and address are the domain); absent for a host run. */
  targetKind: z.literal('domain').optional(),
  hostId: z.number().int().nullable(),
  hostName: z.string(),
  address: z.string(),
  port: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  status: RunStatus,
  os: z.string().nullable(),
  score: Score.nullable(),
  findingCounts: z.record(Severity, z.number().int()),
  execCount: z.number().int(),
  durationMs: z.number().int().nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const RunDetail = RunSummary.extend({
  findings: z.array(Finding),
  checks: z.array(CheckResult),
  errors: z.array(RunError),
  /** Phase durations in ms (connectMs, collectMs, evaluateMs), when the run recorded them. */
  timings: z.record(z.string(), z.number()).optional(),
  /** Mail domain runs: the records as parsed (SPF lookup tree, DKIM keys, DMARC tags, MX hosts, DNSBL answers). */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type RunDetail = z.infer<typeof RunDetail>;

/** Triage of one finding identity (applies to every run of the host that has it). */
export const TriageRecord = z.object({
  findingKey: z.string(),
  hostId: z.number().int().nullable(),
  status: FindingStatus,
  reason: z.string().nullable(),
  expiresAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type TriageRecord = z.infer<typeof TriageRecord>;

export const TriageLogEntry = z.object({
  status: FindingStatus,
  reason: z.string().nullable(),
  expiresAt: z.string().nullable(),
  at: z.string(),
  /** Who made the change (the local user, a fix job, the audit); null for changes logged before schema v13. */
  actor: z.string().nullable().optional(),
});
export type TriageLogEntry = z.infer<typeof TriageLogEntry>;

/** A run in which a finding identity was found, with its status in that run. */
export const FindingSighting = z.object({
  runId: z.string(),
  startedAt: z.string(),
  status: FindingStatus,
  severity: Severity,
});
export type FindingSighting = z.infer<typeof FindingSighting>;

/** A run against the previous run of the same host. `resolved` holds the previous run's findings. */
export const RunDiff = z.object({
  runId: z.string(),
  previousRunId: z.string().nullable(),
  previous: RunSummary.nullable(),
  new: z.array(Finding),
  resolved: z.array(Finding),
  unchanged: z.array(Finding),
  /**
   * Identities of this run's findings that came back in it (regressed): not found by the target's
   * run before although an earlier run found them, or found again after they were marked fixed.
   */
  regressed: z.array(z.string()).optional(),
});
export type RunDiff = z.infer<typeof RunDiff>;
