// The Checklists screen's data against answers that arrive late or out of order: a checklist read
// before an item was ticked, a checklist the user has left, a change answered after the user
// picked another checklist, two lists.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Checklist, ChecklistList } from '../../shared/ipc/checklists';
import type * as Api from './api';
import { flush, pending, take } from './testing/deferredApi';

vi.mock('./api', async (importOriginal) => ({ ...(await importOriginal<typeof Api>()), call: (await import('./testing/deferredApi')).deferredCall }));

const { useChecklists } = await import('./checklists');
const { useStore } = await import('./store');

const checklist = (id: number, done: number): Checklist => ({ id, name: `c${id}`, done, items: [] }) as unknown as Checklist;
const list = (...ids: number[]): ChecklistList => ({ checklists: ids.map((id) => ({ id, name: `c${id}` })), hosts: [] }) as unknown as ChecklistList;
/** The checklist the screen shows: the one read last, while it is the selected one. */
const shown = (): Checklist | null => {
  const s = useChecklists.getState();
  return s.current !== null && s.current.id === s.selectedId ? s.current : null;
};

describe('checklists store: late answers', () => {
  beforeEach(async () => {
    pending.length = 0;
    useStore.setState({ banner: null });
    useChecklists.getState().reset();
    const start = useChecklists.getState().refresh();
    take('checklists.list').resolve(list(1, 2));
    await flush();
    take('checklists.get', { id: 1 }).resolve(checklist(1, 0));
    await start;
    expect(shown()?.done).toBe(0);
  });
  afterEach(() => {
    expect(pending).toEqual([]);
    expect(useStore.getState().banner).toBeNull();
  });

  it('a checklist read before an item was ticked does not untick it', async () => {
    const read = useChecklists.getState().refresh(); // the Refresh button
    take('checklists.list').resolve(list(1, 2));
    await flush();
    const stale = take('checklists.get', { id: 1 });
    const change = useChecklists.getState().changed(checklist(1, 1)); // checklists:updateItem answered
    expect(shown()?.done).toBe(1);
    stale.resolve(checklist(1, 0));
    await read;
    expect(shown()?.done).toBe(1);
    take('checklists.list').resolve(list(1, 2)); // the change's own re-read
    await flush();
    take('checklists.get', { id: 1 }).resolve(checklist(1, 1));
    await change;
    expect(shown()?.done).toBe(1);
  });

  it('two checklists picked quickly: the first one answering last does not show', async () => {
    const a = useChecklists.getState().select(2);
    const b = useChecklists.getState().select(1);
    take('checklists.get', { id: 1 }).resolve(checklist(1, 5));
    await b;
    take('checklists.get', { id: 2 }).resolve(checklist(2, 9));
    await a;
    expect(useChecklists.getState().selectedId).toBe(1);
    expect(shown()).toMatchObject({ id: 1, done: 5 });
  });

  it('a checklist just picked is not shown as the one the user left while it loads', async () => {
    const pick = useChecklists.getState().select(2);
    expect(shown()).toBeNull();
    take('checklists.get', { id: 2 }).resolve(checklist(2, 3));
    await pick;
    expect(shown()).toMatchObject({ id: 2, done: 3 });
  });

  it('a change answered after the user picked another checklist does not replace it', async () => {
    const pick = useChecklists.getState().select(2);
    take('checklists.get', { id: 2 }).resolve(checklist(2, 3));
    await pick;
    const change = useChecklists.getState().changed(checklist(1, 1)); // an item of checklist 1, answered late
    expect(shown()).toMatchObject({ id: 2, done: 3 });
    take('checklists.list').resolve(list(1, 2));
    await flush();
    take('checklists.get', { id: 2 }).resolve(checklist(2, 3));
    await change;
    expect(shown()).toMatchObject({ id: 2, done: 3 });
  });

  it('two lists: the older answering last is dropped', async () => {
    const first = useChecklists.getState().refresh();
    const second = useChecklists.getState().refresh();
    const [l1, l2] = [take('checklists.list'), take('checklists.list')];
    l2.resolve(list(1, 2, 3));
    await flush();
    take('checklists.get', { id: 1 }).resolve(checklist(1, 0));
    await second;
    l1.resolve(list(1, 2));
    await first;
    expect(useChecklists.getState().list?.checklists.map((c) => c.id)).toEqual([1, 2, 3]);
  });
});
