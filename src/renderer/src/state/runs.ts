// The runs slice of the app state: run lists, the run on screen and its diff, diff counts for the
// history, triage and a finding's history.
import type { RunDetail, RunDiff, RunSummary } from '../../../shared/domain';
import type { FindingHistory, TriageResult } from '../../../shared/ipc/findings';
import { call, isApiError } from '../api';
import type { DiffCounts, TriageRequest } from '../store';
import type { StoreApi } from 'zustand';
import type { State } from '../store';

type Set = StoreApi<State>['setState'];
type Get = StoreApi<State>['getState'];

export interface RunsSlice {
  allRuns: RunSummary[];
  allRunsLoaded: boolean;
  hostRuns: Record<number, RunSummary[]>;
  currentRun: RunDetail | null;
  runLoading: boolean;
  /** The diff of `currentRun` against the previous run of its host. */
  currentDiff: RunDiff | null;
  diffLoading: boolean;
  /** Diff counts per run id, for the run history (a run's finding set never changes, so they stay valid). */
  diffCounts: Record<string, DiffCounts>;
  loadHostRuns(hostId: number): Promise<void>;
  loadAllRuns(): Promise<void>;
  loadRun(runId: string): Promise<void>;
  /** Fetches the run on screen again (a fix job changed its findings' statuses and its score). */
  reloadCurrentRun(): Promise<void>;
  loadDiff(runId: string): Promise<void>;
  /** Fetches the diff counts of the given runs that are not cached yet (a few at a time). */
  loadDiffCounts(runIds: string[]): Promise<void>;
  /**
   * Sets a finding's triage. Throws ApiError so the form can show field errors (reason, expiresAt);
   * only non-validation failures also raise the banner. Refreshes the run, its diff, the host's
   * grade and the run lists.
   */
  triage(request: TriageRequest): Promise<TriageResult>;
  /** Throws ApiError; the caller shows it next to the finding. */
  findingHistory(findingKey: string): Promise<FindingHistory>;
}

export function createRunsSlice(set: Set, get: Get): RunsSlice {
  return {
    allRuns: [],
    allRunsLoaded: false,
    hostRuns: {},
    currentRun: null,
    runLoading: false,
    currentDiff: null,
    diffLoading: false,
    diffCounts: {},

    async loadHostRuns(hostId) {
      try {
        const runs = await call('runs', 'list', { hostId });
        set((s) => ({ hostRuns: { ...s.hostRuns, [hostId]: runs } }));
      } catch (e) {
        get().showError(e);
      }
    },

    async loadAllRuns() {
      try {
        const allRuns = await call('runs', 'list', {});
        set({ allRuns, allRunsLoaded: true });
      } catch (e) {
        set({ allRunsLoaded: true });
        get().showError(e);
      }
    },

    async loadRun(runId) {
      if (get().currentRun?.id === runId) return;
      set({ runLoading: true });
      try {
        const run = await call('runs', 'get', { runId });
        set({ currentRun: run });
      } catch (e) {
        get().showError(e);
      } finally {
        set({ runLoading: false });
      }
    },

    async reloadCurrentRun() {
      const { currentRun, currentDiff } = get();
      if (!currentRun) return;
      try {
        const run = await call('runs', 'get', { runId: currentRun.id });
        if (get().currentRun?.id === run.id) set({ currentRun: run });
      } catch (e) {
        get().showError(e);
      }
      if (currentDiff?.runId === currentRun.id) void get().loadDiff(currentRun.id);
    },

    async loadDiff(runId) {
      set((s) => ({ diffLoading: true, currentDiff: s.currentDiff?.runId === runId ? s.currentDiff : null }));
      try {
        const diff = await call('runs', 'diff', { runId });
        set((s) => ({
          currentDiff: diff,
          diffCounts: { ...s.diffCounts, [runId]: { previousRunId: diff.previousRunId, new: diff.new.length, resolved: diff.resolved.length, unchanged: diff.unchanged.length } },
        }));
      } catch (e) {
        get().showError(e);
      } finally {
        set({ diffLoading: false });
      }
    },

    async loadDiffCounts(runIds) {
      const queue = runIds.filter((id) => !(id in get().diffCounts));
      const worker = async (): Promise<void> => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          try {
            const d = await call('runs', 'diff', { runId: id });
            set((s) => ({ diffCounts: { ...s.diffCounts, [id]: { previousRunId: d.previousRunId, new: d.new.length, resolved: d.resolved.length, unchanged: d.unchanged.length } } }));
          } catch {
            // A run removed meanwhile: the history shows no counts for it.
          }
        }
      };
      await Promise.all([worker(), worker(), worker()]);
    },

    async triage(request) {
      set({ banner: null });
      let result: TriageResult;
      try {
        result = await call('findings', 'triage', request);
      } catch (e) {
        if (!(isApiError(e) && e.code === 'VALIDATION')) get().showError(e);
        throw e;
      }
      const { currentRun, currentDiff } = get();
      if (currentRun?.id === result.run.id) set({ currentRun: result.run });
      else if (currentRun) {
        // The change re-scored another run; statuses of the one on screen may still have changed.
        try {
          set({ currentRun: await call('runs', 'get', { runId: currentRun.id }) });
        } catch (e) {
          get().showError(e);
        }
      }
      if (currentDiff) void get().loadDiff(currentDiff.runId);
      void get().loadHosts();
      const hostId = result.run.hostId;
      if (hostId !== null) void get().loadHostRuns(hostId);
      if (get().allRunsLoaded) void get().loadAllRuns();
      return result;
    },

    findingHistory(findingKey) {
      return call('findings', 'history', { findingKey });
    },
  };
}
