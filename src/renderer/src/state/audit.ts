// The audit slice of the app state: audits running in the background (several hosts at once,
// a fleet audit queued behind a small concurrency limit), each with progress and cancel, and how
// the last audit of a host ended when it produced no run.
import { ApiError, call, errorMessage, newJobId } from '../api';
import type { Job, JobOutcome } from '../store';
import type { StoreApi } from 'zustand';
import type { State } from '../store';

type Set = StoreApi<State>['setState'];
type Get = StoreApi<State>['getState'];

/**
 * Audits that run at once; the rest wait in the queue. Each audit is one SSH connection and a
 * few seconds of work on its host; the limit keeps the laptop's CPU and the event stream calm
 * for a fleet of dozens while still overlapping the network waits.
 */
export const MAX_PARALLEL_AUDITS = 3;

export interface AuditOptions {
  /** Trivy JSON reports on this computer (absolute paths), for hosts without Trivy. */
  trivyReports?: string[];
}

export interface FleetAuditResult {
  queued: number[];
  /** Hosts left out, with why (already auditing, no trusted host key). */
  skipped: Array<{ hostId: number; reason: string }>;
}

export interface AuditSlice {
  /** Running and queued audits, in the order they were asked for. */
  jobs: Job[];
  /** Per host: how its last audit ended when it produced no run (cleared by the next one). */
  jobOutcomes: Record<number, JobOutcome>;
  /** Per host: Trivy reports attached for its next audits (this session only; paths, not contents). */
  trivyReports: Record<number, string[]>;
  setTrivyReports(hostId: number, paths: string[]): void;
  /** Starts (or queues) an audit of one host; resolves when it has ended. No-op if one is running or queued for it. */
  runAudit(hostId: number, options?: AuditOptions): Promise<void>;
  /** Queues audits of several hosts; hosts already auditing or without a pinned key are skipped. */
  runFleetAudit(hostIds: readonly number[]): FleetAuditResult;
  /** Cancels one audit (a queued one is simply dropped), or the host's audit when given a hostId. */
  cancelAudit(jobId: string): Promise<void>;
  cancelAllAudits(): Promise<void>;
}

/** The audit of a host that is running or queued, if any. */
export function jobOfHost(s: Pick<State, 'jobs'>, hostId: number): Job | undefined {
  return s.jobs.find((j) => j.hostId === hostId);
}

export function createAuditSlice(set: Set, get: Get): AuditSlice {
  // Resolvers of runAudit promises whose jobs wait in the queue, by job id.
  const waiting = new Map<string, { options: AuditOptions; done: () => void }>();

  const patchJob = (jobId: string, patch: Partial<Job>): void =>
    set((s) => ({ jobs: s.jobs.map((j) => (j.jobId === jobId ? { ...j, ...patch } : j)) }));
  const dropJob = (jobId: string): void => set((s) => ({ jobs: s.jobs.filter((j) => j.jobId !== jobId) }));

  /** Starts queued jobs while fewer than the limit run. */
  const pump = (): void => {
    for (;;) {
      const { jobs } = get();
      const running = jobs.filter((j) => j.phase !== 'queued').length;
      const next = jobs.find((j) => j.phase === 'queued' && !j.cancelling);
      if (!next || running >= MAX_PARALLEL_AUDITS) return;
      patchJob(next.jobId, { phase: 'starting', message: 'Starting audit…' });
      const w = waiting.get(next.jobId);
      waiting.delete(next.jobId);
      void execute(next, w?.options ?? {}).finally(() => {
        w?.done();
        pump();
      });
    }
  };

  const execute = async ({ jobId, hostId, fleet }: Job, options: AuditOptions): Promise<void> => {
    try {
      const run = await call('audit', 'run', { hostId, jobId, ...(options.trivyReports?.length ? { trivyReports: options.trivyReports } : {}) });
      dropJob(jobId);
      // The run opens only for the audit the user is looking at; fleet audits stay in the background.
      const { route } = get();
      if (route.screen === 'host' && route.hostId === hostId) {
        get().showRun(run);
        set({ route: { screen: 'run', runId: run.id } });
      }
      void get().loadHosts();
      void get().loadHostRuns(hostId);
      if (get().allRunsLoaded) void get().loadAllRuns();
    } catch (e) {
      const cancelled = e instanceof ApiError && e.code === 'CANCELLED';
      dropJob(jobId);
      set((s) => ({
        jobOutcomes: { ...s.jobOutcomes, [hostId]: { hostId, kind: cancelled ? 'cancelled' : 'failed', message: cancelled ? 'Audit cancelled.' : errorMessage(e) } },
      }));
      // One failing host of a fleet is reported on its host (and the fleet goes on), not as a
      // banner over the screen; a single audit the user started still raises the banner.
      if (!cancelled && !fleet) get().showError(e);
    }
  };

  const enqueue = (hostId: number, given: AuditOptions, fleet: boolean): Promise<void> => {
    const jobId = newJobId();
    const attached = get().trivyReports[hostId] ?? [];
    const options: AuditOptions = given.trivyReports ? given : attached.length ? { trivyReports: attached } : {};
    const done = new Promise<void>((resolve) => waiting.set(jobId, { options, done: resolve }));
    set((s) => {
      const { [hostId]: _cleared, ...jobOutcomes } = s.jobOutcomes;
      return {
        jobs: [...s.jobs, { jobId, hostId, phase: 'queued', message: 'Waiting for a free slot…', progress: 0, cancelling: false, fleet }],
        jobOutcomes,
        banner: null,
      };
    });
    pump();
    return done;
  };

  return {
    jobs: [],
    jobOutcomes: {},
    trivyReports: {},

    setTrivyReports(hostId, paths) {
      set((s) => ({ trivyReports: { ...s.trivyReports, [hostId]: [...new Set(paths)] } }));
    },

    runAudit(hostId, options = {}) {
      if (jobOfHost(get(), hostId)) return Promise.resolve();
      return enqueue(hostId, options, false);
    },

    runFleetAudit(hostIds) {
      const result: FleetAuditResult = { queued: [], skipped: [] };
      const { hosts } = get();
      for (const hostId of new Set(hostIds)) {
        const host = hosts.find((h) => h.id === hostId);
        if (!host) result.skipped.push({ hostId, reason: 'removed' });
        else if (host.hostKey === null) result.skipped.push({ hostId, reason: 'no trusted host key yet (connect first)' });
        else if (jobOfHost(get(), hostId)) result.skipped.push({ hostId, reason: 'already auditing' });
        else {
          result.queued.push(hostId);
          void enqueue(hostId, {}, true);
        }
      }
      return result;
    },

    async cancelAudit(jobId) {
      const job = get().jobs.find((j) => j.jobId === jobId);
      if (!job || job.cancelling) return;
      if (job.phase === 'queued') {
        // Never sent to the main process: dropping it is the whole cancellation.
        dropJob(jobId);
        const w = waiting.get(jobId);
        waiting.delete(jobId);
        set((s) => ({ jobOutcomes: { ...s.jobOutcomes, [job.hostId]: { hostId: job.hostId, kind: 'cancelled', message: 'Audit cancelled.' } } }));
        w?.done();
        return;
      }
      patchJob(jobId, { cancelling: true });
      try {
        await call('audit', 'cancel', { jobId });
      } catch (e) {
        if (get().jobs.some((j) => j.jobId === jobId)) patchJob(jobId, { cancelling: false });
        get().showError(e);
      }
    },

    async cancelAllAudits() {
      // Queued ones first, so none of them starts while the running ones are being stopped.
      const jobs = [...get().jobs].sort((a, b) => Number(b.phase === 'queued') - Number(a.phase === 'queued'));
      await Promise.all(jobs.map((j) => get().cancelAudit(j.jobId)));
    },
  };
}
