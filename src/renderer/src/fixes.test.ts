// The fixes store against answers that arrive late or out of order: a plan for a dialog the user
// closed (and another fix opened), two history or job-detail loads.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DesktopFixPreview, FixJobDetail, FixJobSummary } from '../../shared/ipc/remediation';
import type * as Api from './api';
import { pending, take } from './testing/deferredApi';

vi.mock('./api', async (importOriginal) => ({ ...(await importOriginal<typeof Api>()), call: (await import('./testing/deferredApi')).deferredCall }));

const { useFixes } = await import('./fixes');
const { useStore } = await import('./store');

const forKeys = (key: string) => (r: Record<string, unknown>) => (r['findingKeys'] as string[])[0] === key;
const plan = (jobId: string): DesktopFixPreview => ({ jobId, fixes: [{}], steps: [], onFailure: 'rollback-all', confirmWindowS: null }) as unknown as DesktopFixPreview;

describe('fixes store: late answers', () => {
  beforeEach(() => {
    pending.length = 0;
    useFixes.setState({ dialog: null, history: {}, details: {}, unfinished: [], unfinishedLoaded: false });
    useStore.setState({ hosts: [], banner: null });
  });
  afterEach(() => {
    expect(pending).toEqual([]);
    expect(useStore.getState().banner).toBeNull();
  });

  it("the plan of a dialog the user closed does not show in the fix opened next", async () => {
    const first = useFixes.getState().startFix(1, ['K1']);
    useFixes.getState().closeDialog();
    const second = useFixes.getState().startFix(1, ['K2']);
    take('remediation.plan', forKeys('K1')).resolve(plan('job-1'));
    await first;
    expect(useFixes.getState().dialog?.phase).toBe('planning');
    take('remediation.plan', forKeys('K2')).resolve(plan('job-2'));
    await second;
    const d = useFixes.getState().dialog;
    expect(d?.phase).toBe('preview');
    expect(d?.findingKeys).toEqual(['K2']);
    expect(d?.preview?.jobId).toBe('job-2');
  });

  it('a refused plan of a closed dialog does not show its error in the next one', async () => {
    const first = useFixes.getState().startFix(1, ['K1']);
    useFixes.getState().closeDialog();
    const second = useFixes.getState().startFix(1, ['K2']);
    take('remediation.plan', forKeys('K1')).reject(new Error('refused'));
    await first;
    expect(useFixes.getState().dialog?.phase).toBe('planning');
    take('remediation.plan', forKeys('K2')).resolve(plan('job-2'));
    await second;
    expect(useFixes.getState().dialog?.phase).toBe('preview');
  });

  it("two loads of a host's fix history: the older answering last is dropped", async () => {
    const first = useFixes.getState().loadHistory(1);
    const second = useFixes.getState().loadHistory(1);
    const [h1, h2] = [take('remediation.history'), take('remediation.history')];
    h2.resolve([{ jobId: 'new' }, { jobId: 'old' }] as FixJobSummary[]);
    await second;
    h1.resolve([{ jobId: 'old' }] as FixJobSummary[]);
    await first;
    expect(useFixes.getState().history[1]?.map((j) => j.jobId)).toEqual(['new', 'old']);
  });

  it("two loads of a job's detail: the older (still applying) answering last is dropped", async () => {
    const first = useFixes.getState().loadJob('j');
    const second = useFixes.getState().loadJob('j');
    const [d1, d2] = [take('remediation.job'), take('remediation.job')];
    d2.resolve({ summary: { jobId: 'j', status: 'applied' }, steps: [] } as unknown as FixJobDetail);
    await second;
    d1.resolve({ summary: { jobId: 'j', status: 'applying' }, steps: [] } as unknown as FixJobDetail);
    await first;
    expect(useFixes.getState().details['j']?.summary.status).toBe('applied');
  });

  it('two loads of the unfinished jobs: the older answering last is dropped', async () => {
    const first = useFixes.getState().loadUnfinished();
    const second = useFixes.getState().loadUnfinished();
    const [u1, u2] = [take('remediation.unfinished'), take('remediation.unfinished')];
    u2.resolve([]);
    await second;
    u1.resolve([{ jobId: 'done-meanwhile' }]);
    await first;
    expect(useFixes.getState().unfinished).toEqual([]);
  });
});
