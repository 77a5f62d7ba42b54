// The desktop app's mail audit: a saved domain's settings → runMailAudit (the same core as
// `rampart mail`), as a cancellable job with progress events; its runs; the diff of two of them.
// Plain Node (no Electron): the handler table and the e2e bridge both call it.
import type { RunDetail, RunDiff } from '../../shared/domain';
import { RampartError } from '../../shared/errors';
import type { MailProgressEvent } from '../../shared/ipc/mail';
import { getMailDomain } from '../store/mailDomains';
import type { Store } from '../store/store';
import type { ConnectDeps } from '../ssh/hostConnect';
import { DEFAULT_DNSBL_ZONES } from './checks/dnsbl';
import { readLinkedHostDkim } from './hostLink';
import { ResolverUnreachableError, runMailAudit } from './audit';
import { MailResolver, parseResolverSpec, type DnsResult, type QueryType } from './resolver';

/** At most one progress event per this many ms (a run asks dozens of questions in a burst). */
const PROGRESS_EVERY_MS = 150;

export interface MailServiceDeps {
  store: Store;
  emit: (event: MailProgressEvent) => void;
  /** Running jobs by id (shared with host audits: one cancel map, aborted when the app closes). */
  jobs: Map<string, AbortController>;
  /** Per-attempt DNS timeout (default: the resolver's 2000 ms). */
  dnsTimeoutMs?: number;
  /** How host profiles are connected to: a domain's linked host has its DKIM keys read over SSH. */
  connect?: ConnectDeps;
}

/** A resolver that reports each answered question (for the progress events); asks exactly as MailResolver. */
class CountingResolver extends MailResolver {
  answered = 0;
  onAnswer: () => void = () => undefined;
  override query(name: string, type: QueryType): Promise<DnsResult> {
    const known = this.cached(name, type) !== undefined;
    const p = super.query(name, type);
    if (!known)
      void p.then(() => {
        this.answered++;
        this.onAnswer();
      });
    return p;
  }
}

/** Findings of `cur` against `prev` by identity (target, check, resource), as the host run diff does. */
export function diffOf(cur: RunDetail, prev: RunDetail): Omit<RunDiff, 'previous'> {
  const before = new Set(prev.findings.map((f) => f.id));
  const now = new Set(cur.findings.map((f) => f.id));
  return {
    runId: cur.id,
    previousRunId: prev.id,
    new: cur.findings.filter((f) => !before.has(f.id)),
    resolved: prev.findings.filter((f) => !now.has(f.id)),
    unchanged: cur.findings.filter((f) => before.has(f.id)),
  };
}

export class MailService {
  constructor(private readonly deps: MailServiceDeps) {}

  /** A stored run that is a mail domain run; NOT_FOUND otherwise (a host run is not one). */
  getRun(runId: string): RunDetail {
    const run = this.deps.store.getRun(runId);
    if (run.targetKind !== 'domain') throw new RampartError('NOT_FOUND', `Run ${runId} is not a mail domain run.`);
    return run;
  }

  /** `runId` against `againstRunId`, or against the domain's run before it. */
  diff(runId: string, againstRunId?: string): RunDiff {
    const cur = this.getRun(runId);
    if (againstRunId === undefined) return this.deps.store.diffRun(runId);
    if (againstRunId === runId) throw new RampartError('VALIDATION', 'againstRunId: Pick a different run to compare with.', { issues: [{ path: ['againstRunId'], message: 'Pick a different run to compare with' }] });
    const prev = this.getRun(againstRunId);
    if (prev.address !== cur.address)
      throw new RampartError('VALIDATION', `againstRunId: Run ${againstRunId} is of ${prev.address}, not ${cur.address}.`, {
        issues: [{ path: ['againstRunId'], message: `That run is of ${prev.address}, not ${cur.address}` }],
      });
    const { findings: _f, checks: _c, errors: _e, details: _d, timings: _t, ...previous } = prev;
    return { ...diffOf(cur, prev), previous };
  }

  /** Audits the domain's DNS through its resolver (or the system's) and stores the run. */
  async run(domainId: number, jobId: string): Promise<RunDetail> {
    const { store, emit, jobs } = this.deps;
    const d = getMailDomain(store, domainId);
    if (jobs.has(jobId)) throw new RampartError('CONFLICT', `Job ${jobId} is already running.`);
    let resolver: CountingResolver;
    try {
      resolver = new CountingResolver({
        ...(d.resolver ? { server: parseResolverSpec(d.resolver) } : {}),
        ...(this.deps.dnsTimeoutMs ? { timeoutMs: this.deps.dnsTimeoutMs } : {}),
      });
    } catch (e) {
      throw new RampartError('VALIDATION', `resolver: ${(e as Error).message}`, { issues: [{ path: ['resolver'], message: (e as Error).message }] });
    }
    const controller = new AbortController();
    jobs.set(jobId, controller);
    const send = (phase: MailProgressEvent['phase'], message: string, progress: number): void =>
      emit({ type: 'mail-progress', jobId, domainId, phase, message, queries: resolver.answered, progress });
    let lastSent = 0;
    resolver.onAnswer = () => {
      const now = Date.now();
      if (now - lastSent < PROGRESS_EVERY_MS) return;
      lastSent = now;
      // The number of questions is not known in advance (each pass asks what the last one found).
      send('querying', `${resolver.answered} DNS answers from ${resolver.label}`, Math.min(0.9, 0.05 + resolver.answered / 200));
    };
    try {
      const linked = d.hostId != null && this.deps.connect ? await readLinkedHostDkim(this.deps.connect, d.hostId, d.domain, controller.signal) : null;
      send('querying', `Asking ${resolver.label} about ${d.domain}`, 0.02);
      const run = await runMailAudit(store, {
        ...(linked && 'hostDkim' in linked ? { hostDkim: linked.hostDkim } : {}),
        ...(linked && 'error' in linked ? { extraErrors: [linked.error] } : {}),
        domain: d.domain,
        selectors: d.dkimSelectors,
        dnsblZones: [...DEFAULT_DNSBL_ZONES],
        resolver,
        signal: controller.signal,
      });
      send('done', `${run.findings.length} finding${run.findings.length === 1 ? '' : 's'} from ${resolver.queryCount} DNS questions`, 1);
      return run;
    } catch (e) {
      const cancelled = e instanceof RampartError && e.code === 'CANCELLED';
      send(cancelled ? 'cancelled' : 'failed', (e as Error).message, 1);
      if (e instanceof ResolverUnreachableError) throw new RampartError('RESOLVER_UNREACHABLE', e.message, { resolver: resolver.label });
      throw e;
    } finally {
      jobs.delete(jobId);
    }
  }
}
