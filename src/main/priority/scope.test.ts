// dashboard:priority's answers (counts by one grouped query, a cell's findings sorted alone) must
// equal the implementation before them, kept here as the reference: every open finding of the
// scope read run by run (getRun's order), its status from statusesNow, the whole list sorted by
// the priority order and the cells counted from it. Compared on a fixture with every triage case
// (valid and expired acceptance, false positive, fixed before and after a run, reopened), a
// target without a profile, a mail domain, a failed latest run and a host never audited, and on
// a seeded fleet of the bench's shape.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { finding, saveRun } from '../../../test/support/reportStore';
import { CHECKS } from '../audit/checks';
import { Store } from '../store/store';
import { bulkTriageApply } from '../store/workbench';
import { SEVERITIES, type Finding, type RunSummary } from '../../shared/domain';
import { EFFORTS } from '../../shared/report';
import type { PriorityItem, PriorityMatrix } from '../../shared/ipc/dashboard';
import { effortFor, orderByPriority, priorityMatrix } from './matrix';
import { latestRunsPerTarget, priorityOf, type PriorityOptions } from './scope';
import { statusesNow } from './statuses';

/** Every target's latest run as reports/model.ts found it before (every run's summary read), the reference for latestRunsPerTarget. */
function latestRunPerTarget(store: Store): RunSummary[] {
  const targetKey = (r: RunSummary): string => (r.hostId !== null ? `host:${r.hostId}` : `${r.targetKind ?? 'host'}:${r.address.toLowerCase()}:${r.port}`);
  const seen = new Set<string>();
  const out: RunSummary[] = [];
  for (const r of store.listRuns({ limit: Number.MAX_SAFE_INTEGER })) {
    const k = targetKey(r);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(r);
  }
  return out;
}

/** The implementation before the grouped counts (commit fa80d61), unchanged but for its name. */
function priorityByOrderingAll(store: Store, opts: PriorityOptions, now: Date): PriorityMatrix {
  let runIds: string[];
  let label: string;
  if (opts.hostId !== undefined) {
    const host = store.getHost(opts.hostId);
    const latest = store.listRuns({ hostId: host.id, limit: 1 })[0];
    runIds = latest ? [latest.id] : [];
    label = host.name;
  } else {
    runIds = latestRunPerTarget(store).map((r) => r.id);
    label = 'fleet';
  }
  type Draft = Omit<PriorityItem, 'priority'> & { status: string };
  const drafts: Draft[] = [];
  for (const id of runIds) {
    const run = store.getRun(id);
    const statuses = statusesNow(store, run.id, run.startedAt, now);
    for (const f of run.findings) {
      const status = statuses.get(f.id) ?? 'open';
      if (status !== 'open') continue;
      const eff = effortFor(f.checkId);
      drafts.push({
        status,
        findingId: f.id,
        runId: run.id,
        target: run.hostName,
        hostId: run.hostId,
        checkId: f.checkId,
        category: f.category,
        severity: f.severity,
        title: f.title,
        resource: f.resource,
        effort: eff.effort,
        effortSource: eff.source,
        fix: eff.fix,
      });
    }
  }
  const ordered: PriorityItem[] = orderByPriority(drafts).map(({ status: _status, ...d }, i) => ({ ...d, priority: i + 1 }));
  const cells = priorityMatrix(drafts).map((c) => ({ severity: c.severity, effort: c.effort, count: c.items.length }));
  const { cell } = opts;
  const chosen = cell ? ordered.filter((i) => i.severity === cell.severity && i.effort === cell.effort) : ordered;
  const items = opts.limit === undefined ? chosen : chosen.slice(0, opts.limit);
  return {
    generatedAt: now.toISOString(),
    scope: { hostId: opts.hostId ?? null, label, runIds },
    cells,
    items,
    itemsTotal: chosen.length,
    itemChecks: [...new Set(chosen.map((i) => i.checkId))],
  };
}

/** Every request the screen makes and then some: counts only, the whole list, limits, each of the 15 cells; for the fleet and each host. */
function requests(hostIds: readonly number[]): PriorityOptions[] {
  const out: PriorityOptions[] = [];
  for (const hostId of [undefined, ...hostIds]) {
    for (const limit of [0, 1, 7, 500, undefined]) out.push({ hostId, limit });
    for (const severity of SEVERITIES) for (const effort of EFFORTS) for (const limit of [0, 3, 500]) out.push({ hostId, cell: { severity, effort }, limit });
  }
  return out;
}

function expectSameAnswers(store: Store, now: Date, hostIds: readonly number[]): number {
  let nonEmpty = 0;
  for (const req of requests(hostIds)) {
    const want = priorityByOrderingAll(store, req, now);
    const got = priorityOf(store, req, now);
    // toEqual on 10 000 items is slow to diff; compare first, diff only a mismatch.
    if (!isDeepStrictEqual(got, want)) expect(got, JSON.stringify(req)).toEqual(want);
    if (got.items.length > 0) nonEmpty += 1;
  }
  return nonEmpty;
}

const host = (store: Store, name: string, address: string) => store.addHost({ name, address, port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' }).id;

describe('dashboard:priority against ordering every open finding', () => {
  it('gives the same cells, items, priorities, totals and checks on a fixture with every triage case', () => {
    const store = new Store(':memory:');
    try {
      const web = host(store, 'web-1', '10.9.0.2');
      const db = host(store, 'db-1', '10.9.0.4');
      const mx = host(store, 'mx-1', '10.9.0.5');
      host(store, 'never-1', '10.9.0.6');
      const ids = ['SSH-X11-FORWARDING', 'SSH-MAX-AUTH-TRIES', 'SSH-PASSWORD-AUTH', 'BACKUP-STALE', 'DOCKER-PRIVILEGED', 'SYS-REBOOT-REQUIRED', 'CVE-IMAGE-FIXABLE', 'PERM-WORLD-WRITABLE', 'NET-FAIL2BAN-MISSING', 'SSH-PERMIT-ROOT-LOGIN'];
      const many = (target: string, n: number): Finding[] => Array.from({ length: n }, (_, i) => finding(ids[i % ids.length]!, `/srv/r-${i % 7}/${i}`, {}, target));
      const webF = many('web-1', 40);
      // Two findings the order cannot tell apart by check, host and resource (one resource, two keys).
      const twin = [finding('SSH-X11-FORWARDING', 'sshd:X11Forwarding', { id: 'web-1|twin-a' }), finding('SSH-X11-FORWARDING', 'sshd:X11Forwarding', { id: 'web-1|twin-b' })];
      saveRun(store, { id: 'web-old', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-01T08:00:00.000Z', findings: webF.slice(0, 30) });
      // Said fixed after web-old and before web-new: it holds for web-old only.
      store.setTriage({ findingKey: webF[1]!.id, status: 'fixed', reason: 'job' }, new Date('2026-03-01T09:00:00.000Z'));
      store.setTriage({ findingKey: webF[2]!.id, status: 'accepted', reason: 'short', expiresAt: '2026-03-03T00:00:00.000Z' }, new Date('2026-03-01T09:00:00.000Z'));
      store.setTriage({ findingKey: webF[3]!.id, status: 'accepted', reason: 'long', expiresAt: '2099-01-01T00:00:00.000Z' }, new Date('2026-03-01T09:00:00.000Z'));
      store.setTriage({ findingKey: webF[4]!.id, status: 'false-positive', reason: 'no' }, new Date('2026-03-01T09:00:00.000Z'));
      store.setTriage({ findingKey: webF[5]!.id, status: 'open', reason: 'reopened' }, new Date('2026-03-01T09:00:00.000Z'));
      saveRun(store, { id: 'web-new', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-02T08:00:00.000Z', findings: [...webF, ...twin] });
      // Fixed after web-new: holds for it. Fixed as of a moment before web-new started (saving a
      // run that finds it again resets such a decision, so it is written after): open in web-new.
      store.setTriage({ findingKey: webF[6]!.id, status: 'fixed', reason: 'job' }, new Date('2026-03-02T10:00:00.000Z'));
      store.setTriage({ findingKey: webF[7]!.id, status: 'fixed', reason: 'job' }, new Date('2026-03-02T07:00:00.000Z'));
      const dbF = many('db-1', 25);
      saveRun(store, { id: 'db-new', hostId: db, name: 'db-1', address: '10.9.0.4', startedAt: '2026-03-02T07:00:00.000Z', findings: dbF });
      store.setTriage({ findingKey: dbF[0]!.id, status: 'accepted', reason: 'later', expiresAt: '2026-03-10T00:00:00.000Z' }, new Date('2026-03-02T09:00:00.000Z'));
      // mx-1's latest run failed: no findings (its older run is not the scope).
      saveRun(store, { id: 'mx-old', hostId: mx, name: 'mx-1', address: '10.9.0.5', startedAt: '2026-03-01T07:00:00.000Z', findings: many('mx-1', 12) });
      store.saveRun({ id: 'mx-failed', hostId: mx, hostName: 'mx-1', address: '10.9.0.5', port: 22, startedAt: '2026-03-02T06:00:00.000Z', finishedAt: null, status: 'failed', os: null, score: null, errors: [], execCount: 0, durationMs: 1, checks: [], findings: [] });
      // Targets without a profile (one address in two cases: one target) and a mail domain.
      saveRun(store, { id: 'loose-1', hostId: null, name: '10.9.0.9', address: '10.9.0.9', startedAt: '2026-03-01T05:00:00.000Z', findings: many('10.9.0.9', 9) });
      saveRun(store, { id: 'loose-2', hostId: null, name: 'Box', address: 'BOX.example', startedAt: '2026-03-01T06:00:00.000Z', findings: many('BOX.example', 11) });
      saveRun(store, { id: 'loose-3', hostId: null, name: 'box', address: 'box.example', startedAt: '2026-03-01T06:30:00.000Z', findings: many('box.example', 5) });
      const mail = CHECKS.filter((c) => c.category === 'mail')
        .slice(0, 3)
        .map((c) => c.id);
      expect(mail).toHaveLength(3);
      store.saveRun({
        targetKind: 'domain', id: 'dom-1', hostId: null, hostName: 'example.test', address: 'example.test', port: 0, startedAt: '2026-03-02T05:00:00.000Z', finishedAt: null,
        status: 'complete', os: null, score: null, errors: [], execCount: 0, durationMs: 1, checks: [], findings: mail.map((id) => finding(id, 'example.test', {}, 'example.test')),
      });

      expect(latestRunsPerTarget(store).map((r) => r.id)).toEqual(latestRunPerTarget(store).map((r) => r.id));
      expect(latestRunsPerTarget(store).map((r) => r.id)).toEqual(['web-new', 'db-new', 'mx-failed', 'dom-1', 'loose-3', 'loose-1']);
      for (const now of [new Date('2026-03-02T12:00:00.000Z'), new Date('2026-03-05T00:00:00.000Z'), new Date('2026-03-20T00:00:00.000Z')]) {
        const nonEmpty = expectSameAnswers(store, now, [web, db, mx]);
        expect(nonEmpty).toBeGreaterThan(30);
      }
      // The cases are there: statuses differ from open (so the counts exclude some), and the
      // expiry moves a finding between the two times.
      const soon = priorityOf(store, { limit: 0 }, new Date('2026-03-02T12:00:00.000Z'));
      const late = priorityOf(store, { limit: 0 }, new Date('2026-03-20T00:00:00.000Z'));
      const open = (m: PriorityMatrix) => m.cells.reduce((n, c) => n + c.count, 0);
      expect(open(late) - open(soon)).toBe(2);
      expect(open(soon)).toBe(webF.length + twin.length - 4 + dbF.length - 1 + 5 + 9 + mail.length);
    } finally {
      store.close();
    }
  });

  it('gives the same answers on a seeded fleet of the bench\'s shape (two runs per host, accepted findings)', () => {
    const store = new Store(':memory:');
    try {
      const checks = CHECKS.filter((c) => c.category !== 'mail');
      const hostIds: number[] = [];
      let accept: string[] = [];
      for (let h = 0; h < 6; h++) {
        const name = `host-${String(h).padStart(2, '0')}`;
        const id = host(store, name, `10.9.0.${h + 10}`);
        hostIds.push(id);
        const make = (i: number) => finding(checks[(i * 7 + h) % checks.length]!.id, `/srv/app-${i}/x`, {}, name);
        const latest = Array.from({ length: 200 }, (_, i) => make(i));
        const before = [...latest.filter((_, i) => i % 10 !== 3), ...Array.from({ length: 10 }, (_, i) => make(200 + i))];
        saveRun(store, { id: `r-${name}-1`, hostId: id, name, address: `10.9.0.${h + 10}`, startedAt: new Date(Date.UTC(2026, 10, 1, 8, h)).toISOString(), findings: before });
        saveRun(store, { id: `r-${name}-2`, hostId: id, name, address: `10.9.0.${h + 10}`, startedAt: new Date(Date.UTC(2026, 11, 1, 8, h)).toISOString(), findings: latest });
        accept = accept.concat(latest.filter((_, i) => i % 40 === 5).map((f) => f.id));
      }
      expect(bulkTriageApply(store.db, { findingKeys: accept, status: 'accepted', reason: 'bench', expiresAt: '2099-01-01', actor: 'test' }).applies.length).toBe(accept.length);
      const now = new Date('2026-12-06T00:00:00.000Z');
      expectSameAnswers(store, now, hostIds.slice(0, 2));
      const all = priorityOf(store, {}, now);
      expect(all.itemsTotal).toBe(6 * 200 - accept.length);
      // Every cell with findings is listed somewhere in the whole order, numbered 1..n.
      expect(all.items.map((i) => i.priority)).toEqual(Array.from({ length: all.itemsTotal }, (_, i) => i + 1));
    } finally {
      store.close();
    }
  });
});
