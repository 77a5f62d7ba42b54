// The dashboard slice of the app state: the fleet as last fetched (dashboard:fleet).
import type { StoreApi } from 'zustand';
import type { Fleet } from '../../../shared/ipc/dashboard';
import { call } from '../api';
import type { State } from '../store';

type Set = StoreApi<State>['setState'];
type Get = StoreApi<State>['getState'];

export interface DashboardSlice {
  fleet: Fleet | null;
  fleetLoading: boolean;
  /** Fetches the fleet again (every visit: audits and triage change it). */
  loadFleet(): Promise<void>;
}

export function createDashboardSlice(set: Set, get: Get): DashboardSlice {
  // Two visits close together: only the newest request's answer (or error) is applied, and
  // "loading" lasts until that one is in (an older answer landing last would show stale counts).
  let fleetSeq = 0;
  return {
    fleet: null,
    fleetLoading: false,
    async loadFleet() {
      const mine = ++fleetSeq;
      set({ fleetLoading: true });
      try {
        const fleet = await call('dashboard', 'fleet', {});
        if (mine === fleetSeq) set({ fleet });
      } catch (e) {
        if (mine === fleetSeq) get().showError(e);
      } finally {
        if (mine === fleetSeq) set({ fleetLoading: false });
      }
    },
  };
}
