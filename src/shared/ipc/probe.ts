// The deliverability probe's channels (issue 13): probe profiles (a sending path and the seed
// mailboxes the admin owns; passwords are write-only here and go straight to the keychain), a
// probe run as a long job (`probe-progress` events, cancellation by job id), the run history and
// the deliverability rate (inbox deliveries ÷ probes) over a window, per seed and overall.
import { z } from 'zod';
import { Finding, HostAddress, Port } from '../domain';
import { channel } from './channel';

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}$/;
/** A mailbox address as a probe sends to it: local@domain, no spaces, no angle brackets. */
const EMAIL = /^[^\s@<>()",;:\\[\]]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;

export function emailProblem(raw: string): string | null {
  const v = raw.trim();
  if (!v) return 'An address is required';
  if (v.length > 254 || !EMAIL.test(v)) return `"${v.slice(0, 80)}" is not a mail address (local@example.org)`;
  return null;
}

const Email = z
  .string()
  .max(254, 'Too long')
  .superRefine((v, ctx) => {
    const p = v.length <= 254 ? emailProblem(v) : null;
    if (p) ctx.addIssue({ code: 'custom', message: p });
  })
  .transform((v) => v.trim());

/** An IMAP folder name as the server spells it (INBOX, Junk, "[Gmail]/Spam"). */
const Folder = z
  .string()
  .trim()
  .min(1, 'A folder name cannot be empty')
  .max(200, 'Too long')
  .refine((s) => !/[\0\r\n]/.test(s), 'A folder name cannot contain control characters');
const Folders = (fallback: string[]) =>
  z
    .array(Folder)
    .max(10, 'At most 10 folders')
    .default(fallback)
    .transform((xs) => [...new Set(xs)])
    .refine((xs) => xs.length > 0, 'At least one folder');

/** A password as typed: write-only (never returned); absent keeps the stored one. */
const Password = z.string().min(1, 'The password cannot be empty').max(4096, 'Too long');

const Username = z.string().trim().min(1, 'A user name is required').max(254, 'Too long').refine((s) => !/[\0\r\n]/.test(s), 'No control characters');

export const SeedLabel = z
  .string()
  .trim()
  .min(1, 'A seed needs a label')
  .max(80, 'Too long')
  .regex(NAME, 'Letters, digits, spaces, ".", "_" and "-"');

export const ProbeSeedInput = z
  .object({
    label: SeedLabel,
    /** Where the probe is sent: the seed mailbox's address. */
    toAddress: Email,
    imapHost: HostAddress,
    imapPort: Port.default(993),
    /** true: implicit TLS (993); false: STARTTLS (143). Never plain text. */
    imapTls: z.boolean().default(true),
    imapUsername: Username,
    imapPassword: Password.optional(),
    /** The folders that mean "inbox" and "junk" on this mailbox. */
    inboxFolders: Folders(['INBOX']),
    junkFolders: Folders(['Junk']),
    /**
     * The authserv-ids whose Authentication-Results count (the receiver's own, e.g. mx.google.com);
     * empty: the topmost header's id.
     */
    authservIds: z
      .array(
        z
          .string()
          .trim()
          .toLowerCase()
          .min(1, 'An authserv-id cannot be empty')
          .max(253, 'Too long')
          .regex(/^[a-z0-9._-]+$/, 'An authserv-id is a host name such as mx.example.org'),
      )
      .max(10, 'At most 10 authserv-ids')
      .default([])
      .transform((xs) => [...new Set(xs)]),
  })
  .strict();
export type ProbeSeedInput = z.input<typeof ProbeSeedInput>;

export const ProbeProfileInput = z
  .object({
    /** Present: update that profile; absent: add a new one. */
    id: z.number().int().positive().optional(),
    name: z.string().trim().regex(NAME, 'A name of letters, digits, spaces, ".", "_" and "-" (at most 80)'),
    smtpHost: HostAddress,
    smtpPort: Port.default(587),
    smtpSecurity: z.enum(['starttls', 'tls']).default('starttls'),
    smtpUsername: Username,
    smtpPassword: Password.optional(),
    /** The From address; its domain is the domain the probe measures. */
    fromAddress: Email,
    /** A PEM file of extra trusted CAs (a lab or self-hosted CA), read when a run starts. */
    caFile: z
      .string()
      .trim()
      .max(4096)
      .refine((s) => s === '' || s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s), 'Must be an absolute path')
      .refine((s) => !s.includes('\0'), 'Path contains a NUL byte')
      .nullish()
      .transform((s) => (s ? s : null)),
    /** How long each seed is polled for its message. */
    timeoutMs: z.number().int().min(5_000, 'At least 5 s').max(3_600_000, 'At most an hour').default(180_000),
    /** The deliverability rate below which a finding is raised (0..1). */
    targetRate: z.number().min(0).max(1).default(0.95),
    seeds: z
      .array(ProbeSeedInput)
      .min(1, 'At least one seed mailbox')
      .max(20, 'At most 20 seed mailboxes')
      .superRefine((seeds, ctx) => {
        const seen = new Set<string>();
        seeds.forEach((s, i) => {
          const k = s.label.trim().toLowerCase();
          if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i, 'label'], message: `Two seeds are labelled "${s.label.trim()}"` });
          seen.add(k);
        });
      }),
  })
  .strict();
export type ProbeProfileInput = z.input<typeof ProbeProfileInput>;
export type ProbeProfileParsed = z.output<typeof ProbeProfileInput>;

export const ProbeSeed = z.object({
  id: z.number().int(),
  label: z.string(),
  toAddress: z.string(),
  imapHost: z.string(),
  imapPort: z.number().int(),
  imapTls: z.boolean(),
  imapUsername: z.string(),
  /** Whether the keychain holds this seed's IMAP password (the password never leaves it). */
  hasImapPassword: z.boolean(),
  inboxFolders: z.array(z.string()),
  junkFolders: z.array(z.string()),
  authservIds: z.array(z.string()),
});
export type ProbeSeed = z.infer<typeof ProbeSeed>;

export const ProbeRunStatus = z.enum(['complete', 'failed', 'cancelled']);
export type ProbeRunStatus = z.infer<typeof ProbeRunStatus>;

export const ProbeProfile = z.object({
  id: z.number().int(),
  name: z.string(),
  /** The From address's domain. */
  domain: z.string(),
  smtpHost: z.string(),
  smtpPort: z.number().int(),
  smtpSecurity: z.enum(['starttls', 'tls']),
  smtpUsername: z.string(),
  hasSmtpPassword: z.boolean(),
  fromAddress: z.string(),
  caFile: z.string().nullable(),
  timeoutMs: z.number().int(),
  targetRate: z.number(),
  seeds: z.array(ProbeSeed),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastRun: z.object({ id: z.string(), startedAt: z.string(), status: ProbeRunStatus, inbox: z.number().int(), probes: z.number().int() }).nullable(),
});
export type ProbeProfile = z.infer<typeof ProbeProfile>;

/** One result of one Authentication-Results method (RFC 8601 resinfo). */
export const AuthEntry = z.object({
  authservId: z.string(),
  method: z.string(),
  result: z.string(),
  reason: z.string().nullable(),
  /** ptype.property → value, e.g. "header.d": "example.org", "smtp.mailfrom": "a@example.org". */
  props: z.record(z.string(), z.string()),
});
export type AuthEntry = z.infer<typeof AuthEntry>;

export const AuthSummary = z.object({
  /** The verdict per method (pass if any result of it passed; null: the receiver said nothing). */
  spf: z.string().nullable(),
  dkim: z.string().nullable(),
  dmarc: z.string().nullable(),
  /** DKIM signing domains (header.d), selectors (header.s) and SPF identities (smtp.mailfrom) seen. */
  dkimDomains: z.array(z.string()),
  dkimSelectors: z.array(z.string()),
  spfMailFrom: z.array(z.string()),
  entries: z.array(AuthEntry),
  /** Authentication-Results headers that could not be parsed (cut to 200 characters). */
  unparsed: z.array(z.string()),
});
export type AuthSummary = z.infer<typeof AuthSummary>;

export const ReceivedHop = z.object({
  from: z.string().nullable(),
  by: z.string().nullable(),
  with: z.string().nullable(),
  /** TLS seen on this hop (ESMTPS/ESMTPSA/LMTPS, a "using TLS…" clause, a tls= or version=TLS… token). */
  tls: z.boolean(),
  /** The TLS version named, if any (TLSv1.3). */
  tlsVersion: z.string().nullable(),
});
export type ReceivedHop = z.infer<typeof ReceivedHop>;

export const SpamHeader = z.object({
  header: z.string(),
  /** The value, cut to 300 characters. */
  value: z.string(),
  /** The score it states, if any. */
  score: z.number().nullable(),
});
export type SpamHeader = z.infer<typeof SpamHeader>;

export const ProbeFolder = z.enum(['inbox', 'junk', 'other']);
export type ProbeFolder = z.infer<typeof ProbeFolder>;

export const ProbeSeedResult = z.object({
  seed: z.string(),
  toAddress: z.string(),
  /** The unique tag in the message's X-Rampart-Probe header and subject. */
  tag: z.string(),
  sent: z.boolean(),
  delivered: z.boolean(),
  folder: ProbeFolder.nullable(),
  folderName: z.string().nullable(),
  /** From the submission server's acceptance to the message seen in the seed (poll granularity included). */
  latencyMs: z.number().int().nullable(),
  auth: AuthSummary.nullable(),
  receivedHops: z.number().int().nullable(),
  tlsHops: z.number().int().nullable(),
  hops: z.array(ReceivedHop),
  spam: z.array(SpamHeader),
  /** The probe message was deleted from the seed and a search after the deletion no longer found it. */
  deleted: z.boolean(),
  error: z.string().nullable(),
});
export type ProbeSeedResult = z.infer<typeof ProbeSeedResult>;

export const ProbeRun = z.object({
  id: z.string(),
  profileId: z.number().int().nullable(),
  profileName: z.string(),
  domain: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  status: ProbeRunStatus,
  error: z.string().nullable(),
  results: z.array(ProbeSeedResult),
  findings: z.array(Finding),
  /** Every seed got the message in an inbox folder with spf, dkim and dmarc pass. */
  allPass: z.boolean(),
});
export type ProbeRun = z.infer<typeof ProbeRun>;

export const RateCell = z.object({ inbox: z.number().int(), probes: z.number().int(), rate: z.number().nullable() });
export type RateCell = z.infer<typeof RateCell>;

export const ProbeRate = z.object({
  profileId: z.number().int(),
  windowDays: z.number().int(),
  since: z.string(),
  targetRate: z.number(),
  overall: RateCell,
  seeds: z.array(RateCell.extend({ seed: z.string() })),
  /** One point per run in the window, oldest first: that run's counts and the window's rate up to it. */
  series: z.array(z.object({ runId: z.string(), startedAt: z.string(), inbox: z.number().int(), probes: z.number().int(), rate: z.number().nullable() })),
});
export type ProbeRate = z.infer<typeof ProbeRate>;

export const ProbeProgressEvent = z.object({
  type: z.literal('probe-progress'),
  jobId: z.string(),
  profileId: z.number().int(),
  phase: z.enum(['sending', 'polling', 'cleaning', 'saving', 'done', 'failed', 'cancelled']),
  message: z.string(),
  /** Seeds whose message was found (or given up on) so far. */
  seedsDone: z.number().int().min(0),
  seedsTotal: z.number().int().min(0),
  /** 0..1 */
  progress: z.number().min(0).max(1),
});
export type ProbeProgressEvent = z.infer<typeof ProbeProgressEvent>;

const ProfileId = z.number().int().positive();
const JobId = z.string().min(1).max(64);

export const probeChannels = {
  /** Every probe profile, by name, with its last run. */
  listProfiles: channel('probe:listProfiles', z.object({ domain: z.string().max(253).optional() }).strict(), z.array(ProbeProfile)),
  /** Adds (no id) or updates (id) a profile; given passwords go to the keychain, never to the database. */
  saveProfile: channel('probe:saveProfile', ProbeProfileInput, ProbeProfile),
  /** Removes a profile and its keychain passwords; its runs stay in the history. */
  deleteProfile: channel('probe:deleteProfile', z.object({ id: ProfileId }).strict(), z.object({ removed: z.boolean() })),
  /** Sends one probe per seed now and polls the seeds; progress as `probe-progress` events carrying the jobId. */
  run: channel('probe:run', z.object({ profileId: ProfileId, jobId: JobId.optional() }).strict(), ProbeRun),
  cancel: channel('probe:cancel', z.object({ jobId: JobId }).strict(), z.object({ cancelled: z.boolean() })),
  /** The profile's runs, newest first. */
  history: channel('probe:history', z.object({ profileId: ProfileId, limit: z.number().int().min(1).max(500).default(50) }).strict(), z.array(ProbeRun)),
  /** The deliverability rate over the last `windowDays` days, per seed and overall, with one point per run. */
  rate: channel('probe:rate', z.object({ profileId: ProfileId, windowDays: z.number().int().min(1).max(3650).default(30) }).strict(), ProbeRate),
};
