// The mail domain audit: fetch what the checks ask for, evaluate them, grade, store the run.
// Plain Node (no Electron); shared by the CLI and (later) the desktop app.
import type { CheckResult, Finding, RunDetail, RunError } from '../../shared/domain';
import { RampartError } from '../../shared/errors';
import { toFinding } from '../audit/engine';
import { computeScore } from '../audit/grading';
import type { Store } from '../store/store';
import { MAIL_CHECKS } from './checks';
import { wantsMtaStsPolicy } from './checks/mtaStsShared';
import type { MailCheckDef, MailContext, MailOutcome } from './checks/types';
import type { HostDkim } from './hostDkim';
import { fetchMtaStsPolicy, policyUrl, type PolicyFetchOptions } from './mtaSts';
import { DnsView } from './dnsView';
import { describeMailDomain, type MailRecords } from './records';
import { planSmtpTargets, type NamedSmtpHost } from './smtpFacts';
import { probeSmtp, type SmtpProbeOptions } from './smtpProbe';
import type { MailResolver, QueryType } from './resolver';

/** Evaluation passes at most (each fetches what the previous one found missing, in parallel). */
const MAX_PASSES = 40;

export interface MailAuditOptions {
  domain: string;
  selectors?: readonly string[];
  dnsblZones?: readonly string[];
  resolver: MailResolver;
  signal?: AbortSignal;
  catalog?: readonly MailCheckDef[];
  /** Problems found before the run (options not implemented…), kept in the run's errors. */
  extraErrors?: readonly RunError[];
  /** The SMTP/TLS probes of the MX hosts and named hosts (timeouts, extra CA); false: no probe. */
  smtp?: SmtpProbeOptions | false;
  /** --smtp-host: hosts probed besides the MX hosts (port null = every mail port). */
  smtpHosts?: readonly NamedSmtpHost[];
  /** --open-relay-test against the smtpHosts. */
  openRelayTest?: boolean;
  /** How the MTA-STS policy is fetched over HTTPS (extra CA, limits); false: not fetched. */
  mtaSts?: PolicyFetchOptions | false;
  /** DKIM keys read over SSH from the linked mail host; their selectors are audited too. */
  hostDkim?: HostDkim;
}

export interface MailEvaluation {
  checks: CheckResult[];
  findings: Finding[];
  errors: RunError[];
  passes: number;
  /** The records as parsed (SPF tree, DKIM keys, DMARC tags, MX hosts…), for the report and the UI. */
  records: MailRecords;
}

/** A domain name as the mail audit accepts it: letters, digits, hyphens, dots; no address. */
export function normaliseDomain(raw: string): string {
  const d = raw.trim().replace(/\.$/, '').toLowerCase();
  const ok =
    d.length > 0 &&
    d.length <= 253 &&
    d.includes('.') &&
    !/^[0-9.]+$/.test(d) &&
    d.split('.').every((l) => /^[a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
  if (!ok) throw new RampartError('VALIDATION', `"${raw}" is not a domain name`);
  return d;
}

/** The resolver gave no answer at all (timeout, network error): nothing can be audited. */
export class ResolverUnreachableError extends Error {
  readonly code = 'RESOLVER_UNREACHABLE';
  constructor(message: string) {
    super(message);
    this.name = 'ResolverUnreachableError';
  }
}

export const domainKey = (domain: string): string => `mail:${domain}`;

function runChecks(catalog: readonly MailCheckDef[], view: DnsView, ctx: MailContext): MailOutcome[] {
  return catalog.map((c) => {
    try {
      return c.evaluate(view, ctx);
    } catch (e) {
      return { status: 'error', message: `check failed: ${(e as Error).message}` };
    }
  });
}

/**
 * Evaluates every check, fetching the DNS answers they ask for until none is missing. Throws
 * RESOLVER_UNREACHABLE when the first question (the domain's TXT) gets no answer at all.
 */
export async function evaluateMailDomain(opts: MailAuditOptions): Promise<MailEvaluation> {
  const catalog = opts.catalog ?? MAIL_CHECKS;
  const { resolver } = opts;
  const ctx: MailContext = {
    domain: opts.domain,
    selectors: [...new Set([...(opts.selectors ?? []), ...(opts.hostDkim?.keys.map((k) => k.selector) ?? [])])],
    dnsblZones: [...new Set((opts.dnsblZones ?? []).map((z) => z.toLowerCase().replace(/\.$/, '')))],
    resolverLabel: resolver.label,
    smtp: opts.smtp === false ? undefined : { named: opts.smtpHosts ?? [], relayTest: opts.openRelayTest ?? false, facts: null },
    hostDkim: opts.hostDkim,
  };
  const first = await resolver.query(ctx.domain, 'TXT');
  if (first.kind === 'error' && (first.code === 'TIMEOUT' || first.code === 'NETWORK'))
    throw new ResolverUnreachableError(`the resolver ${resolver.label} did not answer: ${first.message}`);

  let outcomes: MailOutcome[] = [];
  let records: MailRecords | null = null;
  let passes = 0;
  let missing = new Set<string>();
  for (; passes < MAX_PASSES; ) {
    if (opts.signal?.aborted) throw new RampartError('CANCELLED', 'The mail audit was interrupted.');
    const view = new DnsView(resolver);
    outcomes = runChecks(catalog, view, ctx);
    records = describeMailDomain(view, ctx);
    passes++;
    missing = view.missing;
    if (!missing.size) {
      // DNS is complete: probe the MX and named hosts' mail ports, then evaluate again.
      if (ctx.smtp && !ctx.smtp.facts) {
        const plan = planSmtpTargets(view, ctx);
        ctx.smtp.facts = await probeSmtp('plan' in plan ? plan.plan : { targets: [], skipped: [], unresolved: [] }, ctx.smtp.relayTest, opts.smtp || {}, opts.signal);
        continue;
      }
      // DNS is complete: fetch the MTA-STS policy the record announces, then evaluate again.
      if (ctx.mtaStsPolicy || !wantsMtaStsPolicy(view, ctx.domain)) break;
      ctx.mtaStsPolicy = opts.mtaSts === false ? { kind: 'disabled', url: policyUrl(ctx.domain) } : await fetchMtaStsPolicy(ctx.domain, resolver, opts.mtaSts);
      continue;
    }
    await Promise.all([...missing].map((k) => {
      const [name, type] = k.split('|') as [string, QueryType];
      return resolver.query(name, type);
    }));
  }

  const checks: CheckResult[] = [];
  const findings: Finding[] = [];
  const errors: RunError[] = [...(opts.extraErrors ?? [])];
  catalog.forEach((check, i) => {
    let outcome = outcomes[i]!;
    if (missing.size && outcome.status === 'error') outcome = { status: 'error', message: `gave up after ${MAX_PASSES} rounds of lookups` };
    const base = { checkId: check.id, category: check.category, severity: check.severity };
    if (outcome.status === 'fail') {
      checks.push({ ...base, status: 'fail' });
      for (const d of outcome.findings) findings.push(toFinding(domainKey(ctx.domain), check, d));
      return;
    }
    if (outcome.status === 'error') {
      checks.push({ ...base, status: 'error', message: outcome.message });
      errors.push({ section: check.id, message: outcome.message });
      return;
    }
    checks.push({ ...base, status: outcome.status, ...(outcome.status === 'not-applicable' ? { message: outcome.message } : {}) });
  });
  return { checks, findings, errors, passes, records: records! };
}

/** Runs the audit of one domain and stores it as a run (target kind "domain"). */
export async function runMailAudit(store: Store, opts: MailAuditOptions): Promise<RunDetail> {
  const startedAt = new Date();
  const t0 = performance.now();
  const ev = await evaluateMailDomain(opts);
  const findings = store.applyTriage(ev.findings, startedAt);
  const evaluated = ev.checks.some((c) => c.status === 'pass' || c.status === 'fail');
  const score = evaluated ? computeScore(ev.checks, findings) : null;
  const incomplete = ev.checks.some((c) => c.status === 'error') || (opts.extraErrors?.length ?? 0) > 0;
  const durationMs = Math.round(performance.now() - t0);
  const id = store.saveRun({
    targetKind: 'domain',
    hostId: null,
    hostName: opts.domain,
    address: opts.domain,
    port: 0,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    status: !evaluated ? 'failed' : incomplete ? 'partial' : 'complete',
    os: null,
    score,
    errors: ev.errors,
    execCount: opts.resolver.queryCount,
    durationMs,
    checks: ev.checks,
    findings,
    details: ev.records as unknown as Record<string, unknown>,
    timings: { totalMs: durationMs, dnsQueries: opts.resolver.queryCount, dnsPackets: opts.resolver.packetsSent, evaluationPasses: ev.passes },
  });
  return store.getRun(id);
}
