// The Mail screen's channels: the mail domains the app audits (domain, DKIM selectors, expected
// MX hosts, resolver, linked host), a mail audit of one domain as a long job (progress as
// `mail-progress` events, cancellation by job id), its runs, one run, and the diff of two runs.
// Runs are ordinary audit runs (target kind "domain"): findings, triage and grading are shared.
import { z } from 'zod';
import { isIpv4, isIpv6, LastRun, RunDetail, RunDiff, RunSummary } from '../domain';
import { channel } from './channel';

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** The domain as the mail audit accepts it (same rules as `rampart mail --domain`). */
export function domainProblem(raw: string): string | null {
  const d = raw.trim().replace(/\.$/, '').toLowerCase();
  if (!d) return 'A domain is required';
  if (d.length > 253) return `"${raw}" is too long for a domain name (at most 253 characters)`;
  if (!d.includes('.')) return `"${raw}" is not a domain name (it needs a dot, e.g. example.org)`;
  if (/^[0-9.]+$/.test(d)) return `"${raw}" is an address, not a domain name`;
  if (!d.split('.').every((l) => LABEL.test(l))) return `"${raw}" is not a domain name (letters, digits, hyphens and dots only; no empty label)`;
  return null;
}

/** A DKIM selector is one or more DNS labels (RFC 6376 §3.1): `s1`, `2024._mail`, `rsa-2048`. */
export function selectorProblem(raw: string): string | null {
  const s = raw.trim().toLowerCase();
  if (!s) return 'A DKIM selector cannot be empty';
  if (s.length > 200 || !s.split('.').every((l) => LABEL.test(l)))
    return `"${raw}" is not a DKIM selector (letters, digits, hyphens, underscores and dots; no spaces)`;
  return null;
}


/** `IP`, `IP:PORT`, `[IPv6]:PORT` or a bare IPv6 address, as `rampart mail --resolver` takes it. */
export function resolverProblem(raw: string): string | null {
  const s = raw.trim();
  let address = s;
  let port = '53';
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracket) {
    address = bracket[1]!;
    port = bracket[2] ?? '53';
  } else if ((s.match(/:/g) ?? []).length === 1) [address, port] = s.split(':') as [string, string];
  if (!isIpv4(address) && !isIpv6(address)) return `"${raw}" is not IP[:PORT]: a resolver is given by address (e.g. 10.0.0.53 or 10.0.0.53:5353), not by name`;
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return `The port of "${raw}" must be a number between 1 and 65535`;
  return null;
}

const hostProblem = (raw: string): string | null => {
  const h = raw.trim().replace(/\.$/, '').toLowerCase();
  if (!h || h.length > 253 || !h.split('.').every((l) => LABEL.test(l))) return `"${raw}" is not a host name (expected MX hosts are names like mx1.example.org)`;
  return null;
};

/** A string checked by `problem`, normalised (trimmed, lower case, no trailing dot). */
const checked = (problem: (raw: string) => string | null) =>
  z
    .string()
    .max(300, 'Too long')
    .superRefine((v, ctx) => {
      // Too long is said once (max above); the value is not echoed back in a second message.
      const p = v.length <= 300 ? problem(v) : null;
      if (p) ctx.addIssue({ code: 'custom', message: p });
    })
    .transform((v) => v.trim().replace(/\.$/, '').toLowerCase());

const uniqueList = (item: z.ZodType<string, string>, what: string) =>
  z
    .array(item)
    .max(20, `At most 20 ${what}`)
    .default([])
    .transform((xs) => [...new Set(xs)]);

export const MailDomainInput = z
  .object({
    /** Present: update that domain; absent: add a new one. */
    id: z.number().int().positive().optional(),
    domain: checked(domainProblem),
    dkimSelectors: uniqueList(checked(selectorProblem), 'DKIM selectors'),
    expectedMx: uniqueList(checked(hostProblem), 'expected MX hosts'),
    /** IP[:PORT]; empty or null = the system's resolver. */
    resolver: z
      .string()
      .max(60, 'Too long')
      .nullish()
      .superRefine((v, ctx) => {
        const p = v && v.trim() && v.length <= 60 ? resolverProblem(v) : null;
        if (p) ctx.addIssue({ code: 'custom', message: p });
      })
      .transform((v) => (v && v.trim() ? v.trim() : null)),
    /** The host that sends this domain's mail (one of the app's hosts), if any. */
    hostId: z.number().int().positive().nullish(),
  })
  .strict();
export type MailDomainInput = z.input<typeof MailDomainInput>;

export const MailDomain = z.object({
  id: z.number().int(),
  domain: z.string(),
  dkimSelectors: z.array(z.string()),
  expectedMx: z.array(z.string()),
  resolver: z.string().nullable(),
  hostId: z.number().int().nullable(),
  /** The linked host's name (null when none is linked). */
  hostName: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastRun: LastRun.nullable(),
});
export type MailDomain = z.infer<typeof MailDomain>;

export const MailProgressEvent = z.object({
  type: z.literal('mail-progress'),
  jobId: z.string(),
  domainId: z.number().int(),
  phase: z.enum(['querying', 'saving', 'done', 'failed', 'cancelled']),
  message: z.string(),
  /** DNS questions answered so far in this run. */
  queries: z.number().int().min(0),
  /** 0..1 (the number of lookups is not known in advance: querying stays below 0.9). */
  progress: z.number().min(0).max(1),
});
export type MailProgressEvent = z.infer<typeof MailProgressEvent>;

const RunId = z.string().min(1).max(64);
const DomainId = z.number().int().positive();

export const mailChannels = {
  /** Every mail domain, by name, with its latest run. */
  listDomains: channel('mail:listDomains', z.object({}).strict(), z.array(MailDomain)),
  /** Adds (no id) or updates (id) a domain; VALIDATION names the field (domain, dkimSelectors, expectedMx, resolver, hostId). */
  saveDomain: channel('mail:saveDomain', MailDomainInput, MailDomain),
  /** Removes a domain's settings; its runs stay in the history (shown again if it is added back). */
  deleteDomain: channel('mail:deleteDomain', z.object({ id: DomainId }).strict(), z.object({ removed: z.boolean() })),
  /** Audits the domain's DNS now; progress arrives as `mail-progress` events carrying the jobId. */
  run: channel('mail:run', z.object({ domainId: DomainId, jobId: z.string().min(1).max(64).optional() }).strict(), RunDetail),
  cancel: channel('mail:cancel', z.object({ jobId: z.string().min(1).max(64) }).strict(), z.object({ cancelled: z.boolean() })),
  /** The domain's runs, newest first. */
  runs: channel('mail:runs', z.object({ domainId: DomainId, limit: z.number().int().min(1).max(500).default(50) }).strict(), z.array(RunSummary)),
  /** One mail run with its findings (and their triage) and the parsed records (`details`); NOT_FOUND for a host run. */
  getRun: channel('mail:getRun', z.object({ runId: RunId }).strict(), RunDetail),
  /**
   * New, resolved and unchanged findings of `runId` against `againstRunId` (default: the domain's
   * run before it). Both must be runs of the same domain.
   */
  diff: channel('mail:diff', z.object({ runId: RunId, againstRunId: RunId.optional() }).strict(), RunDiff),
};
