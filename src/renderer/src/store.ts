// App state: where the user is, the banner, and the slices in state/ (hosts, runs, the audits
// running in the background). Every API call goes through the actions there; screens stay thin.
import { create } from 'zustand';
import type { AppInfo } from '../../shared/ipc/app';
import type { WorkbenchFilter } from '../../shared/ipc/workbench';
import type { AppEvent, AuditProgressEvent } from '../../shared/ipc/events';
import type { ConnectionTest, VpnState } from '../../shared/ipc/hosts';
import { call, errorMessage, isApiError, type RequestFor } from './api';
import { createAuditSlice, type AuditSlice } from './state/audit';
import { createDashboardSlice, type DashboardSlice } from './state/dashboard';
import { createHostsSlice, type HostsSlice } from './state/hosts';
import { createRunsSlice, type RunsSlice } from './state/runs';

export type Route =
  | { screen: 'hosts' }
  | { screen: 'dashboard' }
  | { screen: 'host'; hostId: number }
  | { screen: 'runs' }
  | { screen: 'run'; runId: string }
  | { screen: 'fixes'; hostId: number }
  | { screen: 'mail'; domainId?: number | undefined }
  | { screen: 'mail-run'; runId: string }
  | { screen: 'checklists' }
  | { screen: 'reports'; runId?: string | undefined; host?: string | undefined }
  | { screen: 'settings' }
  | { screen: 'workbench'; filter?: WorkbenchFilter | undefined };

export interface Banner {
  id: number;
  code: string;
  message: string;
}

/** `queued`: waiting in the renderer for a free slot, not yet sent to the main process. */
export type JobPhase = AuditProgressEvent['phase'] | 'starting' | 'queued';

export interface Job {
  jobId: string;
  hostId: number;
  phase: JobPhase;
  message: string;
  /** 0..1 */
  progress: number;
  cancelling: boolean;
  /** Started as part of a fleet audit: a failure is reported on the host, never as a banner. */
  fleet: boolean;
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

export interface CoreSlice {
  route: Route;
  appInfo: AppInfo | null;
  banner: Banner | null;
  navigate(route: Route): void;
  showError(e: unknown): void;
  dismissError(): void;
  handleEvent(event: AppEvent): void;
  init(): Promise<void>;
}

export type State = CoreSlice & HostsSlice & RunsSlice & AuditSlice & DashboardSlice;

let bannerSeq = 0;

export const useStore = create<State>()((set, get) => ({
  route: { screen: 'hosts' },
  appInfo: null,
  banner: null,

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
    if (!get().jobs.some((j) => j.jobId === event.jobId)) return;
    set((s) => ({ jobs: s.jobs.map((j) => (j.jobId === event.jobId ? { ...j, phase: event.phase, message: event.message, progress: event.progress } : j)) }));
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

  ...createHostsSlice(set, get),
  ...createRunsSlice(set, get),
  ...createAuditSlice(set, get),
  ...createDashboardSlice(set, get),
}));
