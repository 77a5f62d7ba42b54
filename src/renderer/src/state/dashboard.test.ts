// The Fleet screen's slice against answers that arrive out of order: two visits close together.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Fleet } from '../../../shared/ipc/dashboard';
import type * as Api from '../api';
import { pending, take } from '../testing/deferredApi';

vi.mock('../api', async (importOriginal) => ({ ...(await importOriginal<typeof Api>()), call: (await import('../testing/deferredApi')).deferredCall }));

const { useStore } = await import('../store');

const fleet = (hosts: number): Fleet => ({ hosts: Array.from({ length: hosts }, (_, i) => ({ id: i })) }) as unknown as Fleet;

describe('dashboard slice: late answers', () => {
  beforeEach(() => {
    pending.length = 0;
    useStore.setState({ fleet: null, fleetLoading: false, banner: null });
  });

  it('the newer visit’s answer stays when the older one lands last; loading lasts until the newer one', async () => {
    const first = useStore.getState().loadFleet();
    const second = useStore.getState().loadFleet();
    const [a, b] = [take('dashboard.fleet'), take('dashboard.fleet')];
    b.resolve(fleet(2));
    await second;
    expect(useStore.getState().fleet?.hosts).toHaveLength(2);
    expect(useStore.getState().fleetLoading).toBe(false);
    a.resolve(fleet(1));
    await first;
    expect(useStore.getState().fleet?.hosts).toHaveLength(2);
    expect(useStore.getState().fleetLoading).toBe(false);
  });

  it('an older request that fails after the newer one answered shows no error; the newer one’s error shows', async () => {
    const first = useStore.getState().loadFleet();
    const second = useStore.getState().loadFleet();
    const [a, b] = [take('dashboard.fleet'), take('dashboard.fleet')];
    expect(useStore.getState().fleetLoading).toBe(true);
    a.reject(new Error('gone'));
    await first;
    expect(useStore.getState().banner).toBeNull();
    expect(useStore.getState().fleetLoading).toBe(true); // the newer one is still in flight
    b.reject(new Error('database is locked'));
    await second;
    expect(JSON.stringify(useStore.getState().banner)).toContain('database is locked');
    expect(useStore.getState().fleetLoading).toBe(false);
  });
});
