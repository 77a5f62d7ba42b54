// dashboard:fleet through the handler table on a real temporary SQLite file: the answer matches
// its schema and the stored runs, and a malformed request is a VALIDATION envelope.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { finding, saveRun } from '../../test/support/reportStore';
import { useHandlerHarness } from '../../test/support/handlers';
import { Fleet, HostTrend, PriorityMatrix } from '../shared/ipc/dashboard';
import { Checklist, ChecklistList } from '../shared/ipc/checklists';

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
    expect(w.sinceLast).toEqual({ previousRunId: 'r1', new: 1, resolved: 1, unchanged: 0, regressed: 0 });
    // The largest share and the count; every category from dashboard:trend for the same run.
    const trendOfR2 = HostTrend.parse(await ok('dashboard:trend', { runId: 'r2' }));
    expect(trendOfR2.scoreChange!.parts.map((p) => p.text.replace(/^[−+±][\d.]+/, 'N'))).toEqual(expect.arrayContaining(['N: 1 new Containers finding', 'N: 1 SSH finding resolved']));
    expect(w.scoreChange).toMatchObject({ runId: 'r2', previousRunId: 'r1', delta: trendOfR2.scoreChange!.delta, top: trendOfR2.scoreChange!.parts[0], partCount: trendOfR2.scoreChange!.parts.length });
    expect(w.findings.critical.open).toBe(1);
    expect(fleet.totals.critical.open).toBe(1);
    expect(fleet.totals.high.open).toBe(0);
    expect(fleet.hosts[0]).toMatchObject({ name: 'new-1', latestRun: null, sinceLast: null });
    expect(fleet.categories).toContain('containers');
    // The priority matrix's fleet counts come with the fleet: dashboard:priority's, one open critical.
    const prio = PriorityMatrix.parse(await ok('dashboard:priority', { limit: 0 }));
    expect(fleet.priority).toEqual({ runIds: prio.scope.runIds, cells: prio.cells });
    expect(fleet.priority.cells.reduce((n, c) => n + c.count, 0)).toBe(1);
    expect(fleet.priority.cells.find((c) => c.count === 1)).toMatchObject({ severity: 'critical' });
  });

  it('refuses a request with fields it does not take', async () => {
    expect((await fail('dashboard:fleet', { hostId: 1 })).code).toBe('VALIDATION');
    expect((await fail('dashboard:fleet', 'all')).code).toBe('VALIDATION');
    // An empty store is an empty fleet, not an error.
    const empty = Fleet.parse(await ok('dashboard:fleet', undefined));
    expect(empty).toMatchObject({ hosts: [], categories: [], priority: { runIds: [] } });
    expect(empty.priority.cells.every((c) => c.count === 0)).toBe(true);
  });
});

describe('dashboard:trend and dashboard:priority', () => {
  it('answer for a host run and the fleet; bad requests are VALIDATION or NOT_FOUND', async () => {
    const store = harness.services.store;
    const web = store.addHost({ name: 'web-1', address: '10.9.0.2', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
    saveRun(store, { id: 'r1', hostId: web.id, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-01T09:00:00.000Z', findings: [finding('SSH-PERMIT-ROOT-LOGIN', 'sshd:PermitRootLogin')] });
    saveRun(store, { id: 'r2', hostId: web.id, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-02T09:00:00.000Z', findings: [finding('DOCKER-PRIVILEGED', 'container:app')] });
    const trend = HostTrend.parse(await ok('dashboard:trend', { runId: 'r2' }));
    expect(trend.points.map((p) => p.runId)).toEqual(['r1', 'r2']);
    expect(trend.scoreChange?.previousRunId).toBe('r1');
    expect((await fail('dashboard:trend', { runId: 'nope' })).code).toBe('NOT_FOUND');
    expect((await fail('dashboard:trend', {})).code).toBe('VALIDATION');
    const m = PriorityMatrix.parse(await ok('dashboard:priority', { hostId: web.id }));
    expect(m.items.map((i) => [i.priority, i.checkId])).toEqual([[1, 'DOCKER-PRIVILEGED']]);
    expect(PriorityMatrix.parse(await ok('dashboard:priority', {})).scope.runIds).toEqual(['r2']);
    expect((await fail('dashboard:priority', { hostId: 999 })).code).toBe('VALIDATION');
    expect((await fail('dashboard:priority', { hostId: 'web-1' })).code).toBe('VALIDATION');
  });

  it('lists one cell on demand and at most `limit` findings; the counts always cover everything', async () => {
    const store = harness.services.store;
    const web = store.addHost({ name: 'web-2', address: '10.9.0.3', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
    const findings = [
      ...Array.from({ length: 5 }, (_, i) => finding('DOCKER-PRIVILEGED', `container:app-${i}`)),
      finding('SSH-PERMIT-ROOT-LOGIN', 'sshd:PermitRootLogin'),
    ];
    saveRun(store, { id: 'r3', hostId: web.id, name: 'web-2', address: '10.9.0.3', startedAt: '2026-03-03T09:00:00.000Z', findings });
    const all = PriorityMatrix.parse(await ok('dashboard:priority', { hostId: web.id }));
    expect([all.items.length, all.itemsTotal, all.cells.reduce((n, c) => n + c.count, 0)]).toEqual([6, 6, 6]);
    const counts = PriorityMatrix.parse(await ok('dashboard:priority', { hostId: web.id, limit: 0 }));
    expect([counts.items.length, counts.itemsTotal, counts.cells]).toEqual([0, 6, all.cells]);
    const priv = all.items.find((i) => i.checkId === 'DOCKER-PRIVILEGED')!;
    const cell = PriorityMatrix.parse(await ok('dashboard:priority', { hostId: web.id, cell: { severity: priv.severity, effort: priv.effort }, limit: 2 }));
    expect(cell.items.map((i) => i.priority)).toEqual(all.items.filter((i) => i.checkId === 'DOCKER-PRIVILEGED').slice(0, 2).map((i) => i.priority));
    expect([cell.itemsTotal, cell.itemChecks]).toEqual([5, ['DOCKER-PRIVILEGED']]);
    expect((await fail('dashboard:priority', { cell: { severity: 'high' } })).code).toBe('VALIDATION');
    expect((await fail('dashboard:priority', { limit: 5001 })).code).toBe('VALIDATION');
  });
});

describe('checklists:*', () => {
  it('creates from a template, adds and updates items, lists progress; bad input is VALIDATION', async () => {
    const store = harness.services.store;
    const web = store.addHost({ name: 'web-1', address: '10.9.0.2', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' });
    const templates = (await ok('checklists:templates', {})) as Array<{ id: string }>;
    expect(templates.map((t) => t.id)).toContain('pre-production');
    const c = Checklist.parse(await ok('checklists:create', { templateId: 'hardening-tracker', hostId: web.id }));
    expect(c.items.length).toBeGreaterThan(10);
    const added = Checklist.parse(await ok('checklists:addItem', { checklistId: c.id, text: 'Rotate the deploy key', owner: 'ops', dueDate: '2026-04-01' }));
    const item = added.items[added.items.length - 1]!;
    expect(item).toMatchObject({ text: 'Rotate the deploy key', owner: 'ops', dueDate: '2026-04-01', checkIds: [] });
    const ticked = Checklist.parse(await ok('checklists:updateItem', { id: item.id, manualDone: true, evidence: 'ticket OPS-12' }));
    expect(ticked.items.find((i) => i.id === item.id)).toMatchObject({ done: true, evidence: 'ticket OPS-12' });
    const list = ChecklistList.parse(await ok('checklists:list', {}));
    expect(list.hosts).toEqual([{ hostId: web.id, hostName: 'web-1', checklists: 1, total: added.items.length, done: 1 }]);
    expect((await fail('checklists:addItem', { checklistId: c.id, text: 'x', dueDate: '1 April' })).code).toBe('VALIDATION');
    expect((await fail('checklists:addItem', { checklistId: c.id, text: '   ' })).code).toBe('VALIDATION');
    expect((await fail('checklists:create', { hostId: web.id })).code).toBe('VALIDATION');
    expect((await fail('checklists:get', { id: 999 })).code).toBe('NOT_FOUND');
    expect(Checklist.parse(await ok('checklists:removeItem', { id: item.id })).items.length).toBe(added.items.length - 1);
    const md = (await ok('checklists:exportMarkdown', { id: c.id })) as { file: string; bytes: number; markdown: string };
    expect(md.file.startsWith(harness.services.reportsDir)).toBe(true);
    expect(readFileSync(md.file, 'utf8')).toBe(md.markdown);
    expect(md.markdown).toMatch(/^# Server hardening task tracker\n/);
    expect((await fail('checklists:exportMarkdown', { id: c.id, path: '/tmp/x.md' })).code).toBe('VALIDATION');
    expect(await ok('checklists:remove', { id: c.id })).toEqual({ removed: true });
  });
});
