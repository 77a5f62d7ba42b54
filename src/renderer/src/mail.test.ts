// The Mail store against answers that arrive late or out of order: a domain list read before a
// save or a removal, two run lists, a comparison changed before the first one answered, a mail
// audit that ends while the user looks at another run.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunDetail, RunDiff, RunSummary } from '../../shared/domain';
import type { MailDomain } from '../../shared/ipc/mail';
import type * as Api from './api';
import { flush, pending, take } from './testing/deferredApi';

vi.mock('./api', async (importOriginal) => ({ ...(await importOriginal<typeof Api>()), call: (await import('./testing/deferredApi')).deferredCall }));

const { useMail } = await import('./mail');
const { useStore } = await import('./store');

const domain = (id: number, name: string): MailDomain => ({ id, domain: name }) as unknown as MailDomain;
const names = (): string[] => useMail.getState().domains.map((d) => d.domain);
const diff = (runId: string, previousRunId: string): RunDiff => ({ runId, previousRunId, new: [], resolved: [], unchanged: [] }) as unknown as RunDiff;
const run = (id: string): RunDetail => ({ id, hostId: null }) as unknown as RunDetail;

describe('mail store: late answers', () => {
  beforeEach(() => {
    pending.length = 0;
    useMail.setState({ domains: [domain(1, 'a.test'), domain(2, 'b.test')], loaded: true, runs: {}, job: null, outcome: null, diff: null, diffError: null });
    useStore.setState({ currentRun: null, route: { screen: 'mail' }, banner: null });
  });
  afterEach(() => {
    expect(pending).toEqual([]);
    expect(useStore.getState().banner).toBeNull();
  });

  it('a domain list read before a removal does not bring the removed domain back; it is read again', async () => {
    const load = useMail.getState().loadDomains();
    const remove = useMail.getState().deleteDomain(2);
    take('mail.deleteDomain').resolve({ removed: true });
    await remove;
    take('mail.listDomains').resolve([domain(1, 'a.test'), domain(2, 'b.test')]);
    await flush();
    expect(names()).toEqual(['a.test']);
    take('mail.listDomains').resolve([domain(1, 'a.test')]);
    await load;
    expect(names()).toEqual(['a.test']);
  });

  it('a domain list read before a save does not drop the saved domain', async () => {
    const load = useMail.getState().loadDomains();
    const save = useMail.getState().saveDomain({ domain: 'c.test' } as never);
    take('mail.saveDomain').resolve(domain(3, 'c.test'));
    await save;
    take('mail.listDomains').resolve([domain(1, 'a.test'), domain(2, 'b.test')]);
    await flush();
    expect(names()).toEqual(['a.test', 'b.test', 'c.test']);
    take('mail.listDomains').resolve([domain(1, 'a.test'), domain(2, 'b.test'), domain(3, 'c.test')]);
    await load;
    expect(names()).toEqual(['a.test', 'b.test', 'c.test']);
  });

  it("two run lists of a domain: the older answering last does not drop the new run", async () => {
    const first = useMail.getState().loadRuns(1);
    const second = useMail.getState().loadRuns(1);
    const [r1, r2] = [take('mail.runs'), take('mail.runs')];
    r2.resolve([{ id: 'new' }, { id: 'old' }] as RunSummary[]);
    await second;
    r1.resolve([{ id: 'old' }] as RunSummary[]);
    await first;
    expect(useMail.getState().runs[1]?.map((r) => r.id)).toEqual(['new', 'old']);
  });

  it('another run picked to compare with before the first comparison answered: the last pick is shown', async () => {
    const first = useMail.getState().loadDiff('R3', 'R2');
    const second = useMail.getState().loadDiff('R3', 'R1');
    take('mail.diff', { againstRunId: 'R1' }).resolve(diff('R3', 'R1'));
    await second;
    take('mail.diff', { againstRunId: 'R2' }).resolve(diff('R3', 'R2'));
    await first;
    expect(useMail.getState().diff?.previousRunId).toBe('R1');
  });

  it('a failed comparison answering after a newer one does not show its error', async () => {
    const first = useMail.getState().loadDiff('R3', 'R2');
    const second = useMail.getState().loadDiff('R3', 'R1');
    take('mail.diff', { againstRunId: 'R1' }).resolve(diff('R3', 'R1'));
    await second;
    take('mail.diff', { againstRunId: 'R2' }).reject(new Error('gone'));
    await first;
    expect(useMail.getState().diffError).toBeNull();
    expect(useMail.getState().diff?.previousRunId).toBe('R1');
  });

  it('a mail audit that ends while the user looks at another run does not replace that run', async () => {
    useStore.setState({ route: { screen: 'mail', domainId: 1 } });
    const audit = useMail.getState().runAudit(1);
    useStore.setState({ route: { screen: 'run', runId: 'H1' }, currentRun: run('H1') });
    take('mail.run').resolve(run('M1'));
    expect(await audit).toBe('M1');
    expect(useStore.getState().currentRun?.id).toBe('H1');
    take('mail.listDomains').resolve([domain(1, 'a.test'), domain(2, 'b.test')]);
    take('mail.runs').resolve([]);
    await flush();
  });

  it('a mail audit that ends while the user still looks at its domain puts its run on screen', async () => {
    useStore.setState({ route: { screen: 'mail', domainId: 1 } });
    const audit = useMail.getState().runAudit(1);
    take('mail.run').resolve(run('M1'));
    expect(await audit).toBe('M1');
    expect(useStore.getState().currentRun?.id).toBe('M1');
    take('mail.listDomains').resolve([domain(1, 'a.test'), domain(2, 'b.test')]);
    take('mail.runs').resolve([]);
    await flush();
  });
});
