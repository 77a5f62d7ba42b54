// The audit slice of the app state: the running audit (progress, cancel) and how the last one
// ended when it produced no run.
import { ApiError, call, errorMessage, newJobId } from '../api';
import type { Job, JobOutcome } from '../store';
import type { StoreApi } from 'zustand';
import type { State } from '../store';

type Set = StoreApi<State>['setState'];
type Get = StoreApi<State>['getState'];

export interface AuditSlice {
  job: Job | null;
  jobOutcome: JobOutcome | null;
  runAudit(hostId: number): Promise<void>;
  cancelAudit(): Promise<void>;
}

export function createAuditSlice(set: Set, get: Get): AuditSlice {
  return {
    job: null,
    jobOutcome: null,

    async runAudit(hostId) {
      if (get().job) return;
      const jobId = newJobId();
      set({
        job: { jobId, hostId, phase: 'starting', message: 'Starting audit…', progress: 0, cancelling: false },
        jobOutcome: null,
        banner: null,
      });
      try {
        const run = await call('audit', 'run', { hostId, jobId });
        set({ job: null, currentRun: run });
        const { route } = get();
        if (route.screen === 'host' && route.hostId === hostId) set({ route: { screen: 'run', runId: run.id } });
        void get().loadHosts();
        void get().loadHostRuns(hostId);
        if (get().allRunsLoaded) void get().loadAllRuns();
      } catch (e) {
        const cancelled = e instanceof ApiError && e.code === 'CANCELLED';
        set({ job: null, jobOutcome: { hostId, kind: cancelled ? 'cancelled' : 'failed', message: cancelled ? 'Audit cancelled.' : errorMessage(e) } });
        if (!cancelled) get().showError(e);
      }
    },

    async cancelAudit() {
      const { job } = get();
      if (!job || job.cancelling) return;
      set({ job: { ...job, cancelling: true } });
      try {
        await call('audit', 'cancel', { jobId: job.jobId });
      } catch (e) {
        const current = get().job;
        if (current?.jobId === job.jobId) set({ job: { ...current, cancelling: false } });
        get().showError(e);
      }
    },
  };
}
