// The priority matrix of a host's latest run or of the fleet (every target's latest run, as the
// reports' fleet scope), for dashboard:priority. Statuses are evaluated now, as the reports do
// (an acceptance past its expiry is open again), and the order is the reports' order.
import type { Finding } from '../../shared/domain';
import type { PriorityItem, PriorityMatrix } from '../../shared/ipc/dashboard';
import { RampartError } from '../../shared/errors';
import { latestRunPerTarget } from '../reports/model';
import type { Store } from '../store/store';
import { effortFor, orderByPriority, priorityMatrix } from './matrix';
import { statusesNow } from './statuses';

export interface PriorityOptions {
  hostId?: number | undefined;
  /** List only this cell's findings (priorities stay their place in the whole order). */
  cell?: { severity: PriorityItem['severity']; effort: PriorityItem['effort'] } | undefined;
  /** At most this many findings listed (the counts always cover everything). */
  limit?: number | undefined;
}

export function priorityOf(store: Store, opts: PriorityOptions, now: Date = new Date()): PriorityMatrix {
  let runIds: string[];
  let label: string;
  if (opts.hostId !== undefined) {
    assertHost(store, opts.hostId);
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
  const efforts = new Map<string, ReturnType<typeof effortFor>>();
  for (const id of runIds) {
    const run = leanRun(store, id);
    const statuses = statusesNow(store, run.id, run.startedAt, now);
    for (const f of run.findings) {
      const status = statuses.get(f.id) ?? 'open';
      if (status !== 'open') continue;
      const eff = efforts.get(f.checkId) ?? efforts.set(f.checkId, effortFor(f.checkId)).get(f.checkId)!;
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

/**
 * The columns of a run and its findings the matrix uses, in getRun's finding order: read from the
 * covering index findings_workbench instead of every finding's full row (evidence, rationale,
 * references), which was a third of the fleet matrix's time (10 000 findings).
 */
function leanRun(store: Store, id: string): { id: string; hostName: string; hostId: number | null; startedAt: string; findings: Array<Pick<Finding, 'id' | 'checkId' | 'category' | 'severity' | 'title' | 'resource'>> } {
  const run = store.db.prepare('SELECT host_name, host_id, started_at FROM audit_runs WHERE id = ?').get(id) as { host_name: string; host_id: number | null; started_at: string } | undefined;
  if (!run) throw new RampartError('NOT_FOUND', `No audit run with id ${id}.`);
  const findings = store.db
    .prepare(
      `SELECT finding_key AS id, check_id AS checkId, category, severity, title, resource FROM findings WHERE run_id = ?
       ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, check_id, resource`,
    )
    .all(id) as Array<Pick<Finding, 'id' | 'checkId' | 'category' | 'severity' | 'title' | 'resource'>>;
  return { id, hostName: run.host_name, hostId: run.host_id, startedAt: run.started_at, findings };
}

function assertHost(store: Store, hostId: number): void {
  try {
    store.getHost(hostId);
  } catch (e) {
    if (e instanceof RampartError && e.code === 'NOT_FOUND') throw new RampartError('VALIDATION', `hostId: There is no host with id ${hostId}.`, { issues: [{ path: ['hostId'], message: 'No such host' }] });
    throw e;
  }
}
