// The workbench store against answers that arrive late or out of order: the detail of a finding
// the cursor has left, "select all matching" answered after the filter changed, saved views and
// facets older than ones already shown, a bulk apply while the cursor moved on.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FindingDetail, SavedView, WorkbenchPage } from '../../shared/ipc/workbench';
import type * as Api from './api';
import { flush, pending, take } from './testing/deferredApi';

vi.mock('./api', async (importOriginal) => ({ ...(await importOriginal<typeof Api>()), call: (await import('./testing/deferredApi')).deferredCall }));

const { useWorkbench } = await import('./workbench');
const { useStore } = await import('./store');

const detail = (findingKey: string): FindingDetail => ({ row: { findingKey } }) as unknown as FindingDetail;
const page = (extra: Partial<WorkbenchPage> = {}): WorkbenchPage => ({ rows: [], groups: [], total: 0, queryMs: 1, ...extra }) as unknown as WorkbenchPage;
const view = (id: number): SavedView => ({ id, name: `v${id}` }) as unknown as SavedView;
const isFacets = (r: Record<string, unknown>): boolean => r['facets'] === true && r['limit'] === 1;

describe('workbench store: late answers', () => {
  beforeEach(() => {
    pending.length = 0;
    useWorkbench.setState({ filter: { scope: { kind: 'latest' } }, detail: null, detailError: null, selected: new Set(), views: [], facets: null });
    useStore.setState({ banner: null });
  });
  afterEach(() => {
    expect(pending).toEqual([]);
    expect(useStore.getState().banner).toBeNull();
  });

  it('the detail of a finding the cursor has left does not replace the one it is on', async () => {
    const a = useWorkbench.getState().openDetail('A');
    const b = useWorkbench.getState().openDetail('B');
    take('workbench.finding', (r) => r['findingKey'] === 'B').resolve(detail('B'));
    await b;
    take('workbench.finding', (r) => r['findingKey'] === 'A').resolve(detail('A'));
    await a;
    expect(useWorkbench.getState().detail?.row.findingKey).toBe('B');
  });

  it('a failed detail of a finding the cursor has left does not hide the one it is on', async () => {
    const a = useWorkbench.getState().openDetail('A');
    const b = useWorkbench.getState().openDetail('B');
    take('workbench.finding', (r) => r['findingKey'] === 'B').resolve(detail('B'));
    await b;
    take('workbench.finding', (r) => r['findingKey'] === 'A').reject(new Error('gone'));
    await a;
    expect(useWorkbench.getState().detail?.row.findingKey).toBe('B');
    expect(useWorkbench.getState().detailError).toBeNull();
  });

  it('"select all matching" answered after the filter changed selects nothing', async () => {
    const all = useWorkbench.getState().selectAllMatching();
    const filter = useWorkbench.getState().setFilter({ text: 'ssh' });
    take('workbench.query', (r) => (r['filter'] as { text?: string }).text === 'ssh').resolve(page());
    await filter;
    take('workbench.query', (r) => r['keys'] === true).resolve(page({ keys: ['k1', 'k2'] }));
    await all;
    expect(useWorkbench.getState().selected.size).toBe(0);
  });

  it('"select all matching" with the filter unchanged selects every key', async () => {
    const all = useWorkbench.getState().selectAllMatching();
    take('workbench.query', (r) => r['keys'] === true).resolve(page({ keys: ['k1', 'k2'] }));
    await all;
    expect([...useWorkbench.getState().selected]).toEqual(['k1', 'k2']);
  });

  it('saved views read before a save do not hide the saved view', async () => {
    const first = useWorkbench.getState().loadViews();
    const save = useWorkbench.getState().saveView('mine');
    take('workbench.saveView').resolve(view(2));
    await flush();
    const [v1, v2] = [take('workbench.views'), take('workbench.views')];
    v2.resolve([view(1), view(2)]);
    await save;
    v1.resolve([view(1)]);
    await first;
    expect(useWorkbench.getState().views.map((v) => v.id)).toEqual([1, 2]);
  });

  it('facets: the older answer arriving last is dropped', async () => {
    const first = useWorkbench.getState().refresh();
    take('workbench.query', (r) => !isFacets(r)).resolve(page());
    await flush();
    const second = useWorkbench.getState().refresh();
    take('workbench.query', (r) => !isFacets(r)).resolve(page());
    await flush();
    const [f1, f2] = [take('workbench.query', isFacets), take('workbench.query', isFacets)];
    f2.resolve(page({ facets: { hosts: ['new'] } as never }));
    await second;
    f1.resolve(page({ facets: { hosts: ['old'] } as never }));
    await first;
    expect(useWorkbench.getState().facets).toEqual({ hosts: ['new'] });
  });

  it('a bulk apply does not reopen the finding it started on when the cursor opened another meanwhile', async () => {
    useWorkbench.setState({ detail: detail('A') });
    const apply = useWorkbench.getState().apply({ findingKeys: ['A'], status: 'accepted', reason: 'r' } as never);
    take('workbench.bulkApply').resolve({ applies: [{}], skipped: [] });
    await flush();
    const b = useWorkbench.getState().openDetail('B');
    take('workbench.finding', (r) => r['findingKey'] === 'B').resolve(detail('B'));
    await b;
    take('workbench.query').resolve(page());
    await flush();
    expect(pending.map((p) => p.channel)).toEqual([]); // A is not fetched again
    await apply;
    expect(useWorkbench.getState().detail?.row.findingKey).toBe('B');
  });

  it('a bulk apply reopens the finding on screen (its timeline has the change)', async () => {
    useWorkbench.setState({ detail: detail('A') });
    const apply = useWorkbench.getState().apply({ findingKeys: ['A'], status: 'accepted', reason: 'r' } as never);
    take('workbench.bulkApply').resolve({ applies: [{}], skipped: [] });
    await flush();
    take('workbench.query').resolve(page());
    await flush();
    take('workbench.finding', (r) => r['findingKey'] === 'A').resolve({ ...detail('A'), timeline: ['accepted'] });
    await apply;
    expect(useWorkbench.getState().detail).toMatchObject({ row: { findingKey: 'A' }, timeline: ['accepted'] });
  });
});
