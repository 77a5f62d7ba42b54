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
  return {
    fleet: null,
    fleetLoading: false,
    async loadFleet() {
      set({ fleetLoading: true });
      try {
        set({ fleet: await call('dashboard', 'fleet', {}) });
      } catch (e) {
        get().showError(e);
      } finally {
        set({ fleetLoading: false });
      }
    },
  };
}
