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
  /** Puts a run just produced (an audit's) on screen: a load started before it no longer replaces it. */
  showRun(run: RunDetail): void;
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
  // Answers can arrive late or out of order (a slow main process, a quick click to another run):
  // each request notes the counter it was sent under and its answer is applied only if no newer
  // request (or a run put on screen directly) came after it.
  let runSeq = 0; // loadRun and showRun: which run is on screen
  let reloadSeq = 0; // fetches of the run already on screen (after a fix or a triage)
  let diffSeq = 0;
  let allRunsSeq = 0;
  const hostRunsSeq = new Map<number, number>();

  /** Fetches the run on screen again; applied only if no other run was chosen meanwhile. */
  const refetchCurrent = async (runId: string): Promise<void> => {
    const chosen = runSeq;
    const mine = ++reloadSeq;
    const run = await call('runs', 'get', { runId });
    if (chosen === runSeq && mine === reloadSeq && get().currentRun?.id === run.id) set({ currentRun: run });
  };

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
      const mine = (hostRunsSeq.get(hostId) ?? 0) + 1;
      hostRunsSeq.set(hostId, mine);
      try {
        const runs = await call('runs', 'list', { hostId });
        // A list asked for before (say, at the screen's mount) must not drop a run a later one has.
        if (hostRunsSeq.get(hostId) === mine) set((s) => ({ hostRuns: { ...s.hostRuns, [hostId]: runs } }));
      } catch (e) {
        if (hostRunsSeq.get(hostId) === mine) get().showError(e);
      }
    },

    async loadAllRuns() {
      const mine = ++allRunsSeq;
      try {
        const allRuns = await call('runs', 'list', {});
        if (mine === allRunsSeq) set({ allRuns, allRunsLoaded: true });
      } catch (e) {
        if (mine !== allRunsSeq) return;
        set({ allRunsLoaded: true });
        get().showError(e);
      }
    },

    async loadRun(runId) {
      if (get().currentRun?.id === runId) {
        // Back to the run on screen while another one was loading: that load must not land on it.
        if (get().runLoading) {
          runSeq++;
          set({ runLoading: false });
        }
        return;
      }
      const mine = ++runSeq;
      set({ runLoading: true });
      try {
        const run = await call('runs', 'get', { runId });
        if (mine === runSeq) set({ currentRun: run });
      } catch (e) {
        if (mine === runSeq) get().showError(e);
      } finally {
        if (mine === runSeq) set({ runLoading: false });
      }
    },

    showRun(run) {
      runSeq++;
      set({ currentRun: run, runLoading: false });
    },

    async reloadCurrentRun() {
      const { currentRun, currentDiff } = get();
      if (!currentRun) return;
      try {
        await refetchCurrent(currentRun.id);
      } catch (e) {
        get().showError(e);
      }
      if (currentDiff?.runId === currentRun.id && get().currentDiff?.runId === currentRun.id) void get().loadDiff(currentRun.id);
    },

    async loadDiff(runId) {
      const mine = ++diffSeq;
      set((s) => ({ diffLoading: true, currentDiff: s.currentDiff?.runId === runId ? s.currentDiff : null }));
      try {
        const diff = await call('runs', 'diff', { runId });
        // The counts are the run's own whenever they arrive; the diff on screen is the newest asked for.
        set((s) => ({
          ...(mine === diffSeq ? { currentDiff: diff } : {}),
          diffCounts: { ...s.diffCounts, [runId]: { previousRunId: diff.previousRunId, new: diff.new.length, resolved: diff.resolved.length, unchanged: diff.unchanged.length } },
        }));
      } catch (e) {
        if (mine === diffSeq) get().showError(e);
      } finally {
        if (mine === diffSeq) set({ diffLoading: false });
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
          await refetchCurrent(currentRun.id);
        } catch (e) {
          get().showError(e);
        }
      }
      // The diff on screen, unless the user has gone to another run meanwhile (its own load runs).
      if (currentDiff && get().currentDiff?.runId === currentDiff.runId) void get().loadDiff(currentDiff.runId);
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
