// dashboard:fleet through the handler table on a real temporary SQLite file: the answer matches
// its schema and the stored runs, and a malformed request is a VALIDATION envelope.
import { describe, expect, it } from 'vitest';
import { finding, saveRun } from '../../test/support/reportStore';
import { useHandlerHarness } from '../../test/support/handlers';
import { Fleet } from '../shared/ipc/dashboard';

const harness = useHandlerHarness('rampart-handlers-dashboard-');
const { ok, fail } = harness;

describe('dashboard:fleet', () => {
  it('answers with every host, its latest run and its change since the run before', async () => {
    const store = harness.services.store;
    const web = store.addHost({ name: 'web-1', address: '10.9.0.2', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
    store.addHost({ name: 'new-1', address: '10.9.0.3', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
    const root = finding('SSH-PERMIT-ROOT-LOGIN', 'sshd:PermitRootLogin');
    const priv = finding('DOCKER-PRIVILEGED', 'container:app');
    const startedAt = new Date(Date.now() - 2 * 3600_000).toISOString();
    saveRun(store, { id: 'r1', hostId: web.id, name: 'web-1', address: '10.9.0.2', startedAt: new Date(Date.now() - 48 * 3600_000).toISOString(), findings: [root] });
    saveRun(store, { id: 'r2', hostId: web.id, name: 'web-1', address: '10.9.0.2', startedAt, findings: [priv] });

    const before = Date.now();
    const fleet = Fleet.parse(await ok('dashboard:fleet', {}));
    expect(Date.parse(fleet.generatedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(fleet.hosts.map((h) => h.name)).toEqual(['new-1', 'web-1']);
    const w = fleet.hosts[1]!;
    const run = store.getRun('r2');
    expect(w.latestRun).toMatchObject({ id: 'r2', grade: run.score!.grade, score: run.score!.overall });
    expect(w.ageMs).toBeGreaterThanOrEqual(2 * 3600_000);
    expect(w.ageMs).toBeLessThan(2 * 3600_000 + 60_000);
    expect(w.sinceLast).toEqual({ previousRunId: 'r1', new: 1, resolved: 1, unchanged: 0 });
    expect(w.findings.critical.open).toBe(1);
    expect(fleet.totals.critical.open).toBe(1);
    expect(fleet.totals.high.open).toBe(0);
    expect(fleet.hosts[0]).toMatchObject({ name: 'new-1', latestRun: null, sinceLast: null });
    expect(fleet.categories).toContain('containers');
  });

  it('refuses a request with fields it does not take', async () => {
    expect((await fail('dashboard:fleet', { hostId: 1 })).code).toBe('VALIDATION');
    expect((await fail('dashboard:fleet', 'all')).code).toBe('VALIDATION');
    // An empty store is an empty fleet, not an error.
    expect(Fleet.parse(await ok('dashboard:fleet', undefined))).toMatchObject({ hosts: [], categories: [] });
  });
});
