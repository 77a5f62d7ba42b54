// The Checklists screen's data: the list with progress, the selected checklist and its items.
// Answers can arrive late or out of order, so each is applied only if it is still the newest:
// the newest list wins; a checklist read for a selection the user has left, or read before a
// change the user made to it (an item ticked, added, removed), is dropped — the change's own
// answer and the re-read after it are newer.
import { create } from 'zustand';
import type { Checklist, ChecklistList } from '../../shared/ipc/checklists';
import { call } from './api';
import { useStore } from './store';

export interface ChecklistsState {
  list: ChecklistList | null;
  selectedId: number | null;
  /** The selected checklist as last read (its id can lag behind selectedId while it loads). */
  current: Checklist | null;
  /** Forgets what an earlier visit showed (answers still in flight are dropped). */
  reset(): void;
  /** Reads the list (keeping the selection if it still exists, else the first), then the selected checklist. */
  refresh(): Promise<void>;
  select(id: number | null): Promise<void>;
  /** A change answered with the checklist: shown if it is still the selected one; the list and progress are read again. */
  changed(c: Checklist): Promise<void>;
}

let listSeq = 0;
let getSeq = 0;
let changes = 0;

export const useChecklists = create<ChecklistsState>()((set, get) => {
  const showError = (e: unknown): void => useStore.getState().showError(e);

  /** Reads the selected checklist again (linked items are evaluated against the runs stored now). */
  const loadCurrent = async (): Promise<void> => {
    const id = get().selectedId;
    const mine = ++getSeq;
    if (id === null) {
      set({ current: null });
      return;
    }
    const changesBefore = changes;
    try {
      const c = await call('checklists', 'get', { id });
      if (mine === getSeq && changes === changesBefore && get().selectedId === id) set({ current: c });
    } catch (e) {
      if (mine === getSeq && get().selectedId === id) showError(e);
    }
  };

  return {
    list: null,
    selectedId: null,
    current: null,

    reset() {
      listSeq++;
      getSeq++;
      set({ list: null, selectedId: null, current: null });
    },

    async refresh() {
      const mine = ++listSeq;
      try {
        const l = await call('checklists', 'list', {});
        if (mine !== listSeq) return;
        const id = get().selectedId;
        set({ list: l, selectedId: id !== null && l.checklists.some((c) => c.id === id) ? id : (l.checklists[0]?.id ?? null) });
      } catch (e) {
        if (mine === listSeq) showError(e);
        return;
      }
      await loadCurrent();
    },

    async select(id) {
      set({ selectedId: id });
      await loadCurrent();
    },

    async changed(c) {
      changes++;
      if (c.id === get().selectedId) set({ current: c });
      await get().refresh();
    },
  };
});
