// The Mail screen's state: the mail domains, each domain's runs, the running mail audit (one at a
// time, with its progress events) and the comparison of two runs. Runs themselves are shown
// through the main store (loadRun/currentRun), so triage and re-scoring work as for host runs.
import { create } from 'zustand';
import type { RunDiff, RunSummary } from '../../shared/domain';
import type { MailDomain, MailDomainInput, MailProgressEvent } from '../../shared/ipc/mail';
import { ApiError, call, errorMessage, isApiError, newJobId } from './api';
import { useStore } from './store';

export interface MailJob {
  jobId: string;
  domainId: number;
  phase: MailProgressEvent['phase'] | 'starting';
  message: string;
  queries: number;
  progress: number;
  cancelling: boolean;
}

export interface MailOutcome {
  domainId: number;
  kind: 'cancelled' | 'failed';
  code: string;
  message: string;
}

export interface MailState {
  domains: MailDomain[];
  loaded: boolean;
  runs: Record<number, RunSummary[]>;
  job: MailJob | null;
  outcome: MailOutcome | null;
  /** The last comparison asked for on the run screen (run vs another run of the domain). */
  diff: RunDiff | null;
  diffError: string | null;

  loadDomains(): Promise<void>;
  /** Throws ApiError for the form (field errors stay in the form). */
  saveDomain(request: MailDomainInput): Promise<MailDomain>;
  deleteDomain(id: number): Promise<boolean>;
  loadRuns(domainId: number): Promise<void>;
  /** Runs the audit; resolves with the new run's id (null when it failed or was cancelled). */
  runAudit(domainId: number): Promise<string | null>;
  cancel(): Promise<void>;
  loadDiff(runId: string, againstRunId?: string): Promise<void>;
  handleEvent(event: MailProgressEvent): void;
}

// Answers can arrive late or out of order: only the newest domain list, run list (per domain) and
// comparison asked for is applied, and a domain list read before a save or a removal made here is
// read again rather than put over it.
let domainsSeq = 0;
let domainChanges = 0;
let diffSeq = 0;
const runsSeq = new Map<number, number>();

export const useMail = create<MailState>()((set, get) => ({
  domains: [],
  loaded: false,
  runs: {},
  job: null,
  outcome: null,
  diff: null,
  diffError: null,

  async loadDomains() {
    const mine = ++domainsSeq;
    const changesBefore = domainChanges;
    try {
      const domains = await call('mail', 'listDomains', {});
      if (mine !== domainsSeq) return;
      if (domainChanges !== changesBefore) return await get().loadDomains();
      set({ domains, loaded: true });
    } catch (e) {
      if (mine === domainsSeq) useStore.getState().showError(e);
    }
  },

  async saveDomain(request) {
    let d: MailDomain;
    try {
      d = await call('mail', 'saveDomain', request);
    } catch (e) {
      if (!(isApiError(e) && e.code === 'VALIDATION')) useStore.getState().showError(e);
      throw e;
    }
    domainChanges++;
    set((s) => ({ domains: [...s.domains.filter((x) => x.id !== d.id), d].sort((a, b) => a.domain.localeCompare(b.domain)) }));
    return d;
  },

  async deleteDomain(id) {
    try {
      const { removed } = await call('mail', 'deleteDomain', { id });
      domainChanges++;
      set((s) => ({ domains: s.domains.filter((d) => d.id !== id) }));
      return removed;
    } catch (e) {
      useStore.getState().showError(e);
      return false;
    }
  },

  async loadRuns(domainId) {
    const mine = (runsSeq.get(domainId) ?? 0) + 1;
    runsSeq.set(domainId, mine);
    try {
      const runs = await call('mail', 'runs', { domainId, limit: 50 });
      if (runsSeq.get(domainId) === mine) set((s) => ({ runs: { ...s.runs, [domainId]: runs } }));
    } catch (e) {
      if (runsSeq.get(domainId) === mine) useStore.getState().showError(e);
    }
  },

  async runAudit(domainId) {
    if (get().job) return null;
    const jobId = newJobId();
    set({ job: { jobId, domainId, phase: 'starting', message: 'Starting the mail audit…', queries: 0, progress: 0, cancelling: false }, outcome: null });
    try {
      const run = await call('mail', 'run', { domainId, jobId });
      set({ job: null });
      // The run opens only if the user still looks at this domain (MailScreen navigates then);
      // elsewhere the run on screen (another run's view) stays.
      const { route } = useStore.getState();
      if (route.screen === 'mail' && route.domainId === domainId) useStore.getState().showRun(run);
      void get().loadDomains();
      void get().loadRuns(domainId);
      return run.id;
    } catch (e) {
      const cancelled = e instanceof ApiError && e.code === 'CANCELLED';
      const code = e instanceof ApiError ? e.code : 'INTERNAL';
      set({ job: null, outcome: { domainId, kind: cancelled ? 'cancelled' : 'failed', code, message: cancelled ? 'Mail audit cancelled.' : errorMessage(e) } });
      return null;
    }
  },

  async cancel() {
    const { job } = get();
    if (!job || job.cancelling) return;
    set({ job: { ...job, cancelling: true } });
    try {
      await call('mail', 'cancel', { jobId: job.jobId });
    } catch (e) {
      useStore.getState().showError(e);
    }
  },

  async loadDiff(runId, againstRunId) {
    // Another run picked to compare with (or another run opened) before this answer: it is dropped.
    const mine = ++diffSeq;
    set({ diffError: null, diff: null });
    try {
      const diff = await call('mail', 'diff', againstRunId ? { runId, againstRunId } : { runId });
      if (mine === diffSeq) set({ diff });
    } catch (e) {
      if (mine === diffSeq) set({ diffError: errorMessage(e) });
    }
  },

  handleEvent(event) {
    const { job } = get();
    if (!job || job.jobId !== event.jobId) return;
    set({ job: { ...job, phase: event.phase, message: event.message, queries: event.queries, progress: event.progress } });
  },
}));
