// The findings workbench's state: the filter, sort and grouping the main process runs in SQLite,
// the rows fetched so far (pages of PAGE_SIZE, fetched as the virtualized table scrolls to them),
// the cursor and the selection, the open finding's detail and the saved views. A query sequence
// number drops answers that arrive after a newer query was sent.
import { create } from 'zustand';
import type {
  BulkTriagePreview,
  BulkTriageRequest,
  BulkTriageResult,
  FindingDetail,
  SavedView,
  WorkbenchFacets,
  WorkbenchFilter,
  WorkbenchGroup,
  WorkbenchRow,
} from '../../shared/ipc/workbench';
import { call } from './api';
import { useStore } from './store';

/**
 * Rows per query: about three screens of the virtualized table. A page is what every filter or
 * sort sends back, so its size is most of a round trip's cost (200 rows are ≈ 85 KB of JSON);
 * further pages come as the table scrolls to them.
 */
export const PAGE_SIZE = 80;

export type SortState = { column: string; dir: 'asc' | 'desc' };
export type GroupBy = 'none' | 'check';

export interface WorkbenchState {
  filter: WorkbenchFilter;
  sort: SortState;
  groupBy: GroupBy;
  /** Increments with every new query (filter, sort, grouping, refresh). */
  seq: number;
  /** The seq whose first page has arrived ("ready" when equal to seq). */
  readySeq: number;
  total: number;
  rows: Map<number, WorkbenchRow>;
  groups: WorkbenchGroup[];
  facets: WorkbenchFacets | null;
  /** Store time of the last answer (ms), as the main process measured it. */
  queryMs: number | null;
  cursor: number;
  selected: Set<string>;
  detail: FindingDetail | null;
  detailError: string | null;
  views: SavedView[];
  /** Last thing that happened, for the live region ("3 accepted, 1 skipped"). */
  announcement: string;

  init(filter?: WorkbenchFilter): Promise<void>;
  setFilter(patch: Partial<WorkbenchFilter>): Promise<void>;
  replaceFilter(filter: WorkbenchFilter, sort?: SortState | null, groupBy?: GroupBy): Promise<void>;
  toggleSort(column: string): Promise<void>;
  setGroupBy(groupBy: GroupBy): Promise<void>;
  refresh(): Promise<void>;
  loadRange(start: number, end: number): Promise<void>;
  moveCursor(to: number): void;
  toggleSelect(key: string): void;
  selectKeys(keys: readonly string[], on: boolean): void;
  clearSelection(): void;
  /** Selects every finding that matches the filter (not only the loaded rows). */
  selectAllMatching(): Promise<void>;
  openDetail(key: string | null, runId?: string): Promise<void>;
  preview(req: BulkTriageRequest): Promise<BulkTriagePreview>;
  apply(req: BulkTriageRequest): Promise<BulkTriageResult>;
  loadViews(): Promise<void>;
  saveView(name: string): Promise<SavedView>;
  deleteView(id: number): Promise<void>;
}

const inFlight = new Set<string>();
// Answers that arrive late: the detail of a finding the cursor has left, facets or saved views
// older than ones already shown. Each keeps the newest request's number.
let detailSeq = 0;
let facetsSeq = 0;
let viewsSeq = 0;

export const useWorkbench = create<WorkbenchState>()((set, get) => {
  const showError = (e: unknown): void => useStore.getState().showError(e);

  /** Sends the query for one page; the first page of a new seq replaces everything. */
  const fetchPage = async (seq: number, offset: number, facets: boolean, count = true): Promise<void> => {
    const s = get();
    const id = `${seq}:${offset}`;
    if (inFlight.has(id)) return;
    inFlight.add(id);
    try {
      const page = await call('workbench', 'query', {
        filter: s.filter,
        sort: s.sort as never,
        groupBy: s.groupBy,
        offset,
        limit: s.groupBy === 'check' ? 1000 : PAGE_SIZE,
        facets,
        count,
      });
      if (get().seq !== seq) return;
      set((cur) => {
        const total = page.total ?? cur.total;
        const rows = offset === 0 ? new Map<number, WorkbenchRow>() : new Map(cur.rows);
        page.rows.forEach((r, i) => rows.set(offset + i, r));
        return {
          rows,
          groups: cur.groupBy === 'check' ? page.groups : [],
          total,
          queryMs: page.queryMs,
          readySeq: seq,
          ...(page.facets ? { facets: page.facets } : {}),
          ...(offset === 0 ? { cursor: Math.min(cur.cursor, Math.max(0, total - 1)) } : {}),
        };
      });
    } catch (e) {
      if (get().seq === seq) {
        set({ readySeq: seq });
        showError(e);
      }
    } finally {
      inFlight.delete(id);
    }
  };

  /** count false: the matches are the same as before (only the order changed), so they are not counted again. */
  const requery = async (facets = false, count = true): Promise<void> => {
    const seq = get().seq + 1;
    set({ seq });
    await fetchPage(seq, 0, facets, count);
  };

  const loadFacets = async (): Promise<void> => {
    const mine = ++facetsSeq;
    try {
      const page = await call('workbench', 'query', { filter: { scope: get().filter.scope ?? { kind: 'latest' } }, limit: 1, facets: true });
      if (page.facets && mine === facetsSeq) set({ facets: page.facets });
    } catch (e) {
      if (mine === facetsSeq) showError(e);
    }
  };

  return {
    filter: { scope: { kind: 'latest' } },
    sort: { column: 'severity', dir: 'asc' },
    groupBy: 'none',
    seq: 0,
    readySeq: -1,
    total: 0,
    rows: new Map(),
    groups: [],
    facets: null,
    queryMs: null,
    cursor: 0,
    selected: new Set(),
    detail: null,
    detailError: null,
    views: [],
    announcement: '',

    async init(filter) {
      set({ filter: filter ?? { scope: { kind: 'latest' } }, cursor: 0, selected: new Set(), detail: null, groupBy: 'none' });
      // The rows first; the filter menus' choices (hosts, checks) right after, off the first render's path.
      await Promise.all([requery(false), get().loadViews()]);
      await loadFacets();
    },
    async setFilter(patch) {
      set((s) => ({ filter: { ...s.filter, ...patch }, cursor: 0 }));
      await requery();
    },
    async replaceFilter(filter, sort, groupBy) {
      set((s) => ({ filter, cursor: 0, sort: sort ?? s.sort, groupBy: groupBy ?? s.groupBy }));
      await requery();
    },
    async toggleSort(column) {
      set((s) => ({ sort: { column, dir: s.sort.column === column && s.sort.dir === 'asc' ? 'desc' : 'asc' }, cursor: 0 }));
      // Grouped rows carry their count in the same statement; only the row list skips it.
      await requery(false, get().groupBy === 'check');
    },
    async setGroupBy(groupBy) {
      const validGroupSort = ['severity', 'check', 'category', 'title', 'instances', 'hosts'];
      const validRowSort = ['severity', 'host', 'category', 'check', 'title', 'resource', 'status', 'firstSeen', 'lastSeen'];
      set((s) => ({
        groupBy,
        cursor: 0,
        sort: (groupBy === 'check' ? validGroupSort : validRowSort).includes(s.sort.column) ? s.sort : { column: 'severity', dir: 'asc' },
      }));
      await requery();
    },
    async refresh() {
      await requery(false);
      await loadFacets();
    },
    async loadRange(start, end) {
      const s = get();
      if (s.groupBy === 'check' || s.readySeq !== s.seq) return;
      const first = Math.floor(Math.max(0, start) / PAGE_SIZE);
      const last = Math.floor(Math.min(Math.max(0, s.total - 1), end) / PAGE_SIZE);
      const jobs: Array<Promise<void>> = [];
      for (let p = first; p <= last; p++) if (!s.rows.has(p * PAGE_SIZE)) jobs.push(fetchPage(s.seq, p * PAGE_SIZE, false, false));
      await Promise.all(jobs);
    },
    moveCursor(to) {
      const s = get();
      const count = s.groupBy === 'check' ? s.groups.length : s.total;
      if (count === 0) return;
      set({ cursor: Math.max(0, Math.min(count - 1, to)) });
    },
    toggleSelect(key) {
      set((s) => {
        const selected = new Set(s.selected);
        if (selected.has(key)) selected.delete(key);
        else selected.add(key);
        return { selected };
      });
    },
    selectKeys(keys, on) {
      set((s) => {
        const selected = new Set(s.selected);
        for (const k of keys) if (on) selected.add(k);
        else selected.delete(k);
        return { selected };
      });
    },
    clearSelection() {
      set({ selected: new Set() });
    },
    async selectAllMatching() {
      const s = get();
      try {
        const page = await call('workbench', 'query', { filter: s.filter, sort: s.sort as never, limit: 1, count: false, keys: true });
        // The filter changed meanwhile: these keys match the old one, not what is on screen.
        if (get().filter !== s.filter) return;
        get().selectKeys(page.keys ?? [], true);
        set({ announcement: `${page.keys?.length ?? 0} selected.` });
      } catch (e) {
        showError(e);
      }
    },
    async openDetail(key, runId) {
      const mine = ++detailSeq;
      if (key === null) {
        set({ detail: null, detailError: null });
        return;
      }
      try {
        const detail = await call('workbench', 'finding', { findingKey: key, ...(runId ? { runId } : {}) });
        if (mine === detailSeq) set({ detail, detailError: null });
      } catch (e) {
        if (mine === detailSeq) set({ detail: null, detailError: e instanceof Error ? e.message : String(e) });
      }
    },
    async preview(req) {
      return call('workbench', 'bulkPreview', req);
    },
    async apply(req) {
      const result = await call('workbench', 'bulkApply', req);
      const label = req.status === 'accepted' ? 'accepted' : req.status === 'false-positive' ? 'marked false positive' : 'reopened';
      set({
        announcement: `${result.applies.length} ${label}${result.skipped.length ? `, ${result.skipped.length} skipped` : ''}.`,
        selected: new Set(),
      });
      const open = get().detail?.row.findingKey;
      const openSeq = detailSeq;
      await requery();
      // Refreshed (its timeline has the change) unless the cursor opened another finding meanwhile.
      if (open && detailSeq === openSeq) await get().openDetail(open);
      return result;
    },
    async loadViews() {
      const mine = ++viewsSeq;
      try {
        const views = await call('workbench', 'views', {});
        if (mine === viewsSeq) set({ views });
      } catch (e) {
        if (mine === viewsSeq) showError(e);
      }
    },
    async saveView(name) {
      const s = get();
      const view = await call('workbench', 'saveView', { name, filter: s.filter, sort: s.sort as never, groupBy: s.groupBy });
      await get().loadViews();
      set({ announcement: `View “${view.name}” saved.` });
      return view;
    },
    async deleteView(id) {
      await call('workbench', 'deleteView', { id });
      await get().loadViews();
    },
  };
});
