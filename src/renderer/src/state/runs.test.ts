// The runs slice against answers that arrive late or out of order: a quick click to another run,
// a list asked for before an audit's run landed, a re-fetch after a triage while the user moved on.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunDetail, RunDiff, RunSummary } from '../../../shared/domain';
import type * as Api from '../api';
import { flush, pending, take } from '../testing/deferredApi';

vi.mock('../api', async (importOriginal) => ({ ...(await importOriginal<typeof Api>()), call: (await import('../testing/deferredApi')).deferredCall }));

const { useStore } = await import('../store');

/** Lets the awaits after a resolved call run. */

const run = (id: string, overall = 50): RunDetail => ({ id, hostId: 1, score: { overall } }) as unknown as RunDetail;
const summary = (id: string): RunSummary => ({ id, hostId: 1 }) as unknown as RunSummary;
const diff = (runId: string, previousRunId: string | null): RunDiff => ({ runId, previousRunId, new: [], resolved: [], unchanged: [] }) as unknown as RunDiff;

describe('runs slice: late answers', () => {
  beforeEach(() => {
    pending.length = 0;
    useStore.setState({ currentRun: null, runLoading: false, currentDiff: null, diffLoading: false, diffCounts: {}, hostRuns: {}, allRuns: [], allRunsLoaded: false, banner: null });
  });
  afterEach(() => {
    expect(pending).toEqual([]);
    expect(useStore.getState().banner).toBeNull();
  });

  it('two runs opened quickly: the first one answering last does not replace the second', async () => {
    const a = useStore.getState().loadRun('A');
    const b = useStore.getState().loadRun('B');
    take('runs.get', { runId: 'B' }).resolve(run('B'));
    await b;
    take('runs.get', { runId: 'A' }).resolve(run('A'));
    await a;
    expect(useStore.getState().currentRun?.id).toBe('B');
    expect(useStore.getState().runLoading).toBe(false);
  });

  it('the loading flag stays on until the run asked for last has arrived', async () => {
    const a = useStore.getState().loadRun('A');
    const b = useStore.getState().loadRun('B');
    take('runs.get', { runId: 'A' }).resolve(run('A'));
    await a;
    expect(useStore.getState().runLoading).toBe(true);
    take('runs.get', { runId: 'B' }).resolve(run('B'));
    await b;
    expect(useStore.getState().currentRun?.id).toBe('B');
    expect(useStore.getState().runLoading).toBe(false);
  });

  it('back to the run on screen while another was loading: the other one does not land', async () => {
    useStore.setState({ currentRun: run('A') });
    const b = useStore.getState().loadRun('B');
    await useStore.getState().loadRun('A');
    expect(useStore.getState().runLoading).toBe(false);
    take('runs.get', { runId: 'B' }).resolve(run('B'));
    await b;
    expect(useStore.getState().currentRun?.id).toBe('A');
  });

  it("an audit's run put on screen is not replaced by a load started before it", async () => {
    const b = useStore.getState().loadRun('B');
    useStore.getState().showRun(run('C'));
    take('runs.get', { runId: 'B' }).resolve(run('B'));
    await b;
    expect(useStore.getState().currentRun?.id).toBe('C');
  });

  it('two reloads of the run on screen: the older answer arriving last is dropped', async () => {
    useStore.setState({ currentRun: run('A', 10) });
    const first = useStore.getState().reloadCurrentRun();
    const second = useStore.getState().reloadCurrentRun();
    const [p1, p2] = [take('runs.get', { runId: 'A' }), take('runs.get', { runId: 'A' })];
    p2.resolve(run('A', 80));
    await second;
    p1.resolve(run('A', 10));
    await first;
    expect(useStore.getState().currentRun?.score?.overall).toBe(80);
  });

  it("a triage's re-fetch of the run on screen does not land after the user opened another run", async () => {
    useStore.setState({ currentRun: run('A'), allRunsLoaded: false });
    const triage = useStore.getState().triage({ findingKey: 'k', status: 'accepted', reason: 'r' } as never);
    // The triage re-scored another run (B is the latest), so A is fetched again.
    take('findings.triage').resolve({ run: { ...run('B'), hostId: 1 } });
    await flush();
    const open = useStore.getState().loadRun('C');
    take('runs.get', { runId: 'C' }).resolve(run('C'));
    await open;
    take('runs.get', { runId: 'A' }).resolve(run('A'));
    await triage;
    expect(useStore.getState().currentRun?.id).toBe('C');
    take('hosts.list').resolve([]);
    take('runs.list', { hostId: 1 }).resolve([]);
    await flush();
  });

  it('diffs of two runs: the first one answering last does not replace the second; both counts are kept', async () => {
    const a = useStore.getState().loadDiff('A');
    const b = useStore.getState().loadDiff('B');
    take('runs.diff', { runId: 'B' }).resolve(diff('B', 'A'));
    await b;
    take('runs.diff', { runId: 'A' }).resolve(diff('A', null));
    await a;
    expect(useStore.getState().currentDiff?.runId).toBe('B');
    expect(useStore.getState().diffLoading).toBe(false);
    expect(Object.keys(useStore.getState().diffCounts).sort()).toEqual(['A', 'B']);
  });

  it("a host's run list asked for before an audit ended does not drop the audit's run", async () => {
    const mount = useStore.getState().loadHostRuns(1);
    const afterAudit = useStore.getState().loadHostRuns(1);
    const [p1, p2] = [take('runs.list', { hostId: 1 }), take('runs.list', { hostId: 1 })];
    p2.resolve([summary('new'), summary('old')]);
    await afterAudit;
    p1.resolve([summary('old')]);
    await mount;
    expect(useStore.getState().hostRuns[1]?.map((r) => r.id)).toEqual(['new', 'old']);
  });

  it('the list of all runs: the older answer arriving last is dropped', async () => {
    const first = useStore.getState().loadAllRuns();
    const second = useStore.getState().loadAllRuns();
    const [p1, p2] = [take('runs.list'), take('runs.list')];
    p2.resolve([summary('new'), summary('old')]);
    await second;
    p1.resolve([summary('old')]);
    await first;
    expect(useStore.getState().allRuns.map((r) => r.id)).toEqual(['new', 'old']);
  });
});
