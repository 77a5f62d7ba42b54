// App state: where the user is, what we have loaded, the banner, and the running audit.
// Every API call goes through the actions here; screens stay thin.
import { create } from 'zustand';
import type { Host, RunDetail, RunDiff, RunSummary } from '../../shared/domain';
import type { AppInfo } from '../../shared/ipc/app';
import type { AppEvent, AuditProgressEvent } from '../../shared/ipc/events';
import type { FindingHistory, TriageResult } from '../../shared/ipc/findings';
import type { KnownHostsImportResult } from '../../shared/ipc/hostKeys';
import type { ConnectionTest, HostKeyProbe, VpnState } from '../../shared/ipc/hosts';
import type { ImportCandidate, ImportPreview, ImportResult, InventoryKind } from '../../shared/ipc/inventory';
import { ApiError, call, errorMessage, isApiError, newJobId, type RequestFor } from './api';

export type Route =
  | { screen: 'hosts' }
  | { screen: 'host'; hostId: number }
  | { screen: 'runs' }
  | { screen: 'run'; runId: string }
  | { screen: 'fixes'; hostId: number }
  | { screen: 'mail'; domainId?: number | undefined }
  | { screen: 'mail-run'; runId: string };

export interface Banner {
  id: number;
  code: string;
  message: string;
}

export type JobPhase = AuditProgressEvent['phase'] | 'starting';

export interface Job {
  jobId: string;
  hostId: number;
  phase: JobPhase;
  message: string;
  /** 0..1 */
  progress: number;
  cancelling: boolean;
}

/** How the last audit of a host ended when it did not produce a run. */
export interface JobOutcome {
  hostId: number;
  kind: 'cancelled' | 'failed';
  message: string;
}

export type AddHostRequest = RequestFor<'hosts', 'add'>;
export type TriageRequest = RequestFor<'findings', 'triage'>;

/** New / resolved / unchanged counts of a run against the previous run of its host. */
export interface DiffCounts {
  previousRunId: string | null;
  new: number;
  resolved: number;
  unchanged: number;
}
export type UpdateHostRequest = RequestFor<'hosts', 'update'>;

/** The last connection test of a host in this session (reachability on the hosts screen). */
export interface HostTest {
  running: boolean;
  result: ConnectionTest | null;
  /** The call itself failed (not the connection): e.g. the host was removed meanwhile. */
  error: string | null;
  at: string | null;
}

/** WireGuard state of a VPN-only host, as last checked. */
export interface HostVpn {
  loading: boolean;
  state: VpnState | null;
  /** The check could not run (no route at all, unsupported platform): shown as "down". */
  error: { code: string; message: string } | null;
}

export interface State {
  route: Route;
  appInfo: AppInfo | null;
  hosts: Host[];
  hostsLoaded: boolean;
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
  probe: HostKeyProbe | null;
  probing: boolean;
  trusting: boolean;
  job: Job | null;
  jobOutcome: JobOutcome | null;
  banner: Banner | null;
  tests: Record<number, HostTest>;
  vpn: Record<number, HostVpn>;

  navigate(route: Route): void;
  showError(e: unknown): void;
  dismissError(): void;
  handleEvent(event: AppEvent): void;

  init(): Promise<void>;
  loadHosts(): Promise<void>;
  /**
   * Throws ApiError so the form can show field errors. Validation errors stay in the form (it shows
   * them next to the fields); anything else also raises the banner.
   */
  addHost(request: AddHostRequest): Promise<Host>;
  /** Like addHost: throws ApiError for the form. */
  updateHost(request: UpdateHostRequest): Promise<Host>;
  /** Throws ApiError for the form; the passphrase is passed through, never kept. */
  importKey(hostId: number, privateKeyPath: string, passphrase: string | null): Promise<Host>;
  /** Throws ApiError for the form. null removes the stored password. */
  setSudoPassword(hostId: number, password: string | null): Promise<Host>;
  /**
   * Removes the host. A CONFLICT (other hosts jump through it) is thrown for the confirmation to
   * show; other failures raise the banner and return false.
   */
  removeHost(hostId: number): Promise<boolean>;
  testConnection(hostId: number): Promise<void>;
  /** Tests every host, a few at a time (reachability column). */
  testAll(): Promise<void>;
  loadVpnState(hostId: number): Promise<void>;
  loadVpnStates(): Promise<void>;
  /** Throws ApiError for the dialog. */
  previewInventory(kind: InventoryKind, path: string): Promise<ImportPreview>;
  /** Throws ApiError for the dialog. */
  importInventory(candidates: ImportCandidate[]): Promise<ImportResult>;
  /** Throws ApiError for the dialog. */
  importKnownHosts(path: string): Promise<KnownHostsImportResult>;
  probeKey(hostId: number): Promise<void>;
  clearProbe(): void;
  trustKey(replace: boolean): Promise<void>;
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
  runAudit(hostId: number): Promise<void>;
  cancelAudit(): Promise<void>;
}

let bannerSeq = 0;

function without<T>(record: Record<number, T>, id: number): Record<number, T> {
  if (!(id in record)) return record;
  const copy = { ...record };
  delete copy[id];
  return copy;
}

export const useStore = create<State>()((set, get) => {
  const replaceHost = (host: Host): void =>
    set((s) => ({ hosts: s.hosts.some((h) => h.id === host.id) ? s.hosts.map((h) => (h.id === host.id ? host : h)) : [...s.hosts, host] }));

  return {
    route: { screen: 'hosts' },
    appInfo: null,
    hosts: [],
    hostsLoaded: false,
    allRuns: [],
    allRunsLoaded: false,
    hostRuns: {},
    currentRun: null,
    runLoading: false,
    currentDiff: null,
    diffLoading: false,
    diffCounts: {},
    probe: null,
    probing: false,
    trusting: false,
    job: null,
    jobOutcome: null,
    banner: null,
    tests: {},
    vpn: {},

    navigate(route) {
      const { probe } = get();
      const keepProbe = probe !== null && route.screen === 'host' && route.hostId === probe.hostId;
      set({ route, ...(keepProbe ? {} : { probe: null }) });
    },

    showError(e) {
      const code = isApiError(e) ? e.code : 'INTERNAL';
      set({ banner: { id: ++bannerSeq, code, message: errorMessage(e) } });
    },

    dismissError() {
      set({ banner: null });
    },

    handleEvent(event) {
      if (event.type !== 'audit-progress') return;
      const { job } = get();
      if (!job || job.jobId !== event.jobId) return;
      set({ job: { ...job, phase: event.phase, message: event.message, progress: event.progress } });
    },

    async init() {
      await Promise.all([
        get().loadHosts(),
        call('app', 'info', {}).then(
          (appInfo) => set({ appInfo }),
          (e: unknown) => get().showError(e),
        ),
      ]);
    },

    async loadHosts() {
      try {
        const hosts = await call('hosts', 'list', {});
        set({ hosts, hostsLoaded: true });
      } catch (e) {
        set({ hostsLoaded: true });
        get().showError(e);
      }
    },

    async addHost(request) {
      // A banner left by an earlier attempt would contradict the outcome of this one.
      set({ banner: null });
      try {
        const host = await call('hosts', 'add', request);
        replaceHost(host);
        void get().loadHosts();
        return host;
      } catch (e) {
        if (!(isApiError(e) && e.code === 'VALIDATION')) get().showError(e);
        throw e;
      }
    },

    async updateHost(request) {
      set({ banner: null });
      try {
        const host = await call('hosts', 'update', request);
        replaceHost(host);
        // A changed address, port or VPN setting makes the last test and VPN state stale.
        set((s) => ({ tests: without(s.tests, host.id), vpn: without(s.vpn, host.id) }));
        if (host.vpnOnly) void get().loadVpnState(host.id);
        return host;
      } catch (e) {
        if (!(isApiError(e) && e.code === 'VALIDATION')) get().showError(e);
        throw e;
      }
    },

    async importKey(hostId, privateKeyPath, passphrase) {
      const host = await call('hosts', 'importKey', { hostId, privateKeyPath, ...(passphrase ? { passphrase } : {}) });
      replaceHost(host);
      return host;
    },

    async setSudoPassword(hostId, password) {
      const host = await call('hosts', 'setSudoPassword', { hostId, password });
      replaceHost(host);
      return host;
    },

    async removeHost(hostId) {
      try {
        const { removed } = await call('hosts', 'remove', { hostId });
        set((s) => {
          const hostRuns = { ...s.hostRuns };
          delete hostRuns[hostId];
          return {
            hosts: s.hosts.filter((h) => h.id !== hostId),
            hostRuns,
            probe: s.probe?.hostId === hostId ? null : s.probe,
            tests: without(s.tests, hostId),
            vpn: without(s.vpn, hostId),
          };
        });
        if (get().allRunsLoaded) void get().loadAllRuns();
        return removed;
      } catch (e) {
        if (isApiError(e) && e.code === 'CONFLICT') throw e;
        get().showError(e);
        return false;
      }
    },

    async testConnection(hostId) {
      if (get().tests[hostId]?.running) return;
      set((s) => ({ tests: { ...s.tests, [hostId]: { running: true, result: s.tests[hostId]?.result ?? null, error: null, at: s.tests[hostId]?.at ?? null } } }));
      try {
        const result = await call('hosts', 'testConnection', { hostId });
        set((s) => ({ tests: { ...s.tests, [hostId]: { running: false, result, error: null, at: new Date().toISOString() } } }));
      } catch (e) {
        set((s) => ({ tests: { ...s.tests, [hostId]: { running: false, result: null, error: errorMessage(e), at: new Date().toISOString() } } }));
      }
      if (get().hosts.find((h) => h.id === hostId)?.vpnOnly) void get().loadVpnState(hostId);
    },

    async testAll() {
      const queue = get().hosts.map((h) => h.id);
      const worker = async (): Promise<void> => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) await get().testConnection(id);
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
    },

    async loadVpnState(hostId) {
      set((s) => ({ vpn: { ...s.vpn, [hostId]: { loading: true, state: s.vpn[hostId]?.state ?? null, error: null } } }));
      try {
        const state = await call('hosts', 'vpnState', { hostId });
        set((s) => ({ vpn: { ...s.vpn, [hostId]: { loading: false, state, error: null } } }));
      } catch (e) {
        const code = isApiError(e) ? e.code : 'INTERNAL';
        set((s) => ({ vpn: { ...s.vpn, [hostId]: { loading: false, state: null, error: { code, message: errorMessage(e) } } } }));
      }
    },

    async loadVpnStates() {
      await Promise.all(get().hosts.filter((h) => h.vpnOnly).map((h) => get().loadVpnState(h.id)));
    },

    previewInventory(kind, path) {
      return call('inventory', 'preview', { kind, path });
    },

    async importInventory(candidates) {
      const result = await call('inventory', 'import', { candidates });
      await get().loadHosts();
      return result;
    },

    async importKnownHosts(path) {
      const result = await call('hostKeys', 'importKnownHosts', { path });
      await get().loadHosts();
      return result;
    },

    async probeKey(hostId) {
      set({ probing: true, probe: null, banner: null });
      try {
        const probe = await call('hosts', 'probeKey', { hostId });
        set({ probe });
      } catch (e) {
        get().showError(e);
      } finally {
        set({ probing: false });
      }
    },

    clearProbe() {
      set({ probe: null });
    },

    async trustKey(replace) {
      const { probe } = get();
      if (!probe) return;
      set({ trusting: true, banner: null });
      try {
        const host = await call('hosts', 'trustKey', { hostId: probe.hostId, keyType: probe.keyType, fingerprint: probe.fingerprint, replace });
        replaceHost(host);
        // The key the server presented is now the pinned one; a failed audit of this host (e.g.
        // refused because the key had changed) is no longer the current state of affairs.
        set((s) => ({
          probe: { ...probe, state: 'match', pinned: host.hostKey },
          jobOutcome: s.jobOutcome?.hostId === probe.hostId ? null : s.jobOutcome,
        }));
      } catch (e) {
        get().showError(e);
      } finally {
        set({ trusting: false });
      }
    },

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
});
