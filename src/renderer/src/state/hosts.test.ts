// The hosts slice against answers that arrive late or out of order: a host list read before an
// edit or a removal, a connection test or VPN state of the address before an edit, two probes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Host } from '../../../shared/domain';
import type * as Api from '../api';
import { flush, pending, take } from '../testing/deferredApi';

vi.mock('../api', async (importOriginal) => ({ ...(await importOriginal<typeof Api>()), call: (await import('../testing/deferredApi')).deferredCall }));

const { useStore } = await import('../store');

const host = (id: number, port = 22, vpnOnly = false): Host => ({ id, name: `h${id}`, port, vpnOnly, hostKey: null }) as unknown as Host;
const ports = (): Array<[number, number]> => useStore.getState().hosts.map((h) => [h.id, h.port]);

describe('hosts slice: late answers', () => {
  beforeEach(() => {
    pending.length = 0;
    useStore.setState({ hosts: [host(1), host(2)], hostsLoaded: true, tests: {}, vpn: {}, probe: null, probing: false, banner: null, hostRuns: {}, allRunsLoaded: false });
  });
  afterEach(() => {
    expect(pending).toEqual([]);
    expect(useStore.getState().banner).toBeNull();
  });

  it('a host list read before an edit does not put the old port back; it is read again', async () => {
    const load = useStore.getState().loadHosts();
    const edit = useStore.getState().updateHost({ id: 1, port: 2222 } as never);
    take('hosts.update').resolve(host(1, 2222));
    await edit;
    take('hosts.list').resolve([host(1, 22), host(2)]);
    await flush();
    expect(ports()).toEqual([
      [1, 2222],
      [2, 22],
    ]);
    take('hosts.list').resolve([host(1, 2222), host(2)]); // the second read, after the edit
    await load;
    expect(ports()).toEqual([
      [1, 2222],
      [2, 22],
    ]);
  });

  it('a host list read before a removal does not bring the removed host back', async () => {
    const load = useStore.getState().loadHosts();
    const remove = useStore.getState().removeHost(2);
    take('hosts.remove').resolve({ removed: true });
    await remove;
    take('hosts.list').resolve([host(1), host(2)]);
    await flush();
    expect(ports().map(([id]) => id)).toEqual([1]);
    take('hosts.list').resolve([host(1)]);
    await load;
    expect(ports().map(([id]) => id)).toEqual([1]);
  });

  it('two loads: the older list answering last is dropped', async () => {
    const first = useStore.getState().loadHosts();
    const second = useStore.getState().loadHosts();
    const [p1, p2] = [take('hosts.list'), take('hosts.list')];
    p2.resolve([host(1), host(2), host(3)]);
    await second;
    p1.resolve([host(1)]);
    await first;
    expect(ports().map(([id]) => id)).toEqual([1, 2, 3]);
  });

  it('awaiting a load that a newer one replaced waits for the newer list (an import shows the imported hosts)', async () => {
    const first = useStore.getState().loadHosts();
    const second = useStore.getState().loadHosts();
    const [p1, p2] = [take('hosts.list'), take('hosts.list')];
    let firstDone = false;
    void first.then(() => (firstDone = true));
    p1.resolve([host(1)]);
    await flush();
    expect(firstDone).toBe(false);
    p2.resolve([host(1), host(2), host(3)]);
    await Promise.all([first, second]);
    expect(ports().map(([id]) => id)).toEqual([1, 2, 3]);
  });

  it('a connection test of the address before an edit does not land on the edited host', async () => {
    const oldTest = useStore.getState().testConnection(1);
    const edit = useStore.getState().updateHost({ id: 1, port: 2222 } as never);
    take('hosts.update').resolve(host(1, 2222));
    await edit;
    const newTest = useStore.getState().testConnection(1);
    const [t1, t2] = [take('hosts.testConnection', { hostId: 1 }), take('hosts.testConnection', { hostId: 1 })];
    t2.resolve({ ok: true, port: 2222 });
    await newTest;
    t1.resolve({ ok: false, port: 22 });
    await oldTest;
    expect(useStore.getState().tests[1]?.result).toEqual({ ok: true, port: 2222 });
    expect(useStore.getState().tests[1]?.running).toBe(false);
  });

  it('a test still running when its host is removed leaves no result behind', async () => {
    const test = useStore.getState().testConnection(2);
    const remove = useStore.getState().removeHost(2);
    take('hosts.remove').resolve({ removed: true });
    await remove;
    take('hosts.testConnection', { hostId: 2 }).resolve({ ok: true });
    await test;
    expect(useStore.getState().tests[2]).toBeUndefined();
  });

  it('two VPN state checks of a host: the older answering last is dropped', async () => {
    const first = useStore.getState().loadVpnState(1);
    const second = useStore.getState().loadVpnState(1);
    const [v1, v2] = [take('hosts.vpnState'), take('hosts.vpnState')];
    v2.resolve({ up: true });
    await second;
    v1.resolve({ up: false });
    await first;
    expect(useStore.getState().vpn[1]).toEqual({ loading: false, state: { up: true }, error: null });
  });

  it("a probe of one host answering after another host's probe neither shows its key nor ends probing", async () => {
    const a = useStore.getState().probeKey(1);
    const b = useStore.getState().probeKey(2);
    take('hosts.probeKey', { hostId: 1 }).resolve({ hostId: 1, state: 'unknown' });
    await a;
    expect(useStore.getState().probe).toBeNull();
    expect(useStore.getState().probing).toBe(true);
    take('hosts.probeKey', { hostId: 2 }).resolve({ hostId: 2, state: 'unknown' });
    await b;
    expect(useStore.getState().probe?.hostId).toBe(2);
    expect(useStore.getState().probing).toBe(false);
  });
});
