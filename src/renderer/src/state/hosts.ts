// The hosts slice of the app state: the host list, connection tests, VPN states, host-key probe
// and trust, and the imports (inventory, known_hosts).
import type { Host } from '../../../shared/domain';
import type { KnownHostsImportResult } from '../../../shared/ipc/hostKeys';
import type { HostKeyProbe } from '../../../shared/ipc/hosts';
import type { ImportCandidate, ImportPreview, ImportResult, InventoryKind } from '../../../shared/ipc/inventory';
import { call, errorMessage, isApiError } from '../api';
import type { AddHostRequest, HostTest, HostVpn, UpdateHostRequest } from '../store';
import type { StoreApi } from 'zustand';
import type { State } from '../store';

type Set = StoreApi<State>['setState'];
type Get = StoreApi<State>['getState'];

export interface HostsSlice {
  hosts: Host[];
  hostsLoaded: boolean;
  probe: HostKeyProbe | null;
  probing: boolean;
  trusting: boolean;
  tests: Record<number, HostTest>;
  vpn: Record<number, HostVpn>;
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
}

function without<T>(record: Record<number, T>, id: number): Record<number, T> {
  if (!(id in record)) return record;
  const copy = { ...record };
  delete copy[id];
  return copy;
}

export function createHostsSlice(set: Set, get: Get): HostsSlice {
  // Answers can arrive late or out of order. The host list: only the newest load is applied, and
  // one read before a change made here (add, edit, key, trust, remove) is read again rather than
  // put over it. Per host: a test or VPN state asked for before the host was edited or removed
  // is dropped (it was for the old address), and the newest VPN state wins.
  let listSeq = 0;
  let listChanges = 0;
  let latestList: Promise<void> = Promise.resolve();
  const hostEpoch = new Map<number, number>();
  const vpnSeq = new Map<number, number>();
  let probeSeq = 0;
  const bump = (m: Map<number, number>, id: number): number => {
    const n = (m.get(id) ?? 0) + 1;
    m.set(id, n);
    return n;
  };

  const replaceHost = (host: Host): void => {
    listChanges++;
    set((s) => ({ hosts: s.hosts.some((h) => h.id === host.id) ? s.hosts.map((h) => (h.id === host.id ? host : h)) : [...s.hosts, host] }));
  };

  const fetchHosts = async (): Promise<void> => {
    const mine = ++listSeq;
    const changesBefore = listChanges;
    try {
      const hosts = await call('hosts', 'list', {});
      if (mine !== listSeq) return await latestList;
      if (listChanges !== changesBefore) return await get().loadHosts();
      set({ hosts, hostsLoaded: true });
    } catch (e) {
      if (mine !== listSeq) return await latestList;
      set({ hostsLoaded: true });
      get().showError(e);
    }
  };

  return {
    hosts: [],
    hostsLoaded: false,
    probe: null,
    probing: false,
    trusting: false,
    tests: {},
    vpn: {},

    loadHosts() {
      latestList = fetchHosts();
      return latestList;
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
        bump(hostEpoch, host.id);
        bump(vpnSeq, host.id);
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
        listChanges++;
        bump(hostEpoch, hostId);
        bump(vpnSeq, hostId);
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
      const epoch = hostEpoch.get(hostId) ?? 0;
      set((s) => ({ tests: { ...s.tests, [hostId]: { running: true, result: s.tests[hostId]?.result ?? null, error: null, at: s.tests[hostId]?.at ?? null } } }));
      let test: HostTest;
      try {
        const result = await call('hosts', 'testConnection', { hostId });
        test = { running: false, result, error: null, at: new Date().toISOString() };
      } catch (e) {
        test = { running: false, result: null, error: errorMessage(e), at: new Date().toISOString() };
      }
      // The host was edited (another address or port) or removed while this test ran.
      if ((hostEpoch.get(hostId) ?? 0) !== epoch) return;
      set((s) => ({ tests: { ...s.tests, [hostId]: test } }));
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
      const mine = bump(vpnSeq, hostId);
      set((s) => ({ vpn: { ...s.vpn, [hostId]: { loading: true, state: s.vpn[hostId]?.state ?? null, error: null } } }));
      try {
        const state = await call('hosts', 'vpnState', { hostId });
        if (vpnSeq.get(hostId) !== mine) return;
        set((s) => ({ vpn: { ...s.vpn, [hostId]: { loading: false, state, error: null } } }));
      } catch (e) {
        if (vpnSeq.get(hostId) !== mine) return;
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
      // A probe of another host still in flight must neither show its key nor end "probing".
      const mine = ++probeSeq;
      set({ probing: true, probe: null, banner: null });
      try {
        const probe = await call('hosts', 'probeKey', { hostId });
        if (mine === probeSeq) set({ probe });
      } catch (e) {
        if (mine === probeSeq) get().showError(e);
      } finally {
        if (mine === probeSeq) set({ probing: false });
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
          jobOutcomes: Object.fromEntries(Object.entries(s.jobOutcomes).filter(([id]) => Number(id) !== probe.hostId)),
        }));
      } catch (e) {
        get().showError(e);
      } finally {
        set({ trusting: false });
      }
    },
  };
}
