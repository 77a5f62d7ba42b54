// Checklists in the store (issue 14 item 4; tables of migration 11). Linked items are evaluated
// against the latest complete or partial run of the checklist's host (every host profile's for a
// fleet checklist) each time a checklist is read: ticked when every linked check passes or does
// not apply, unticked when one fails again. The state last seen is kept with the time it began,
// so a tick that went away shows as a regression. Manual items keep owner, due date, note,
// evidence and a manual tick. Plain Node on the open database.
import { CHECKS } from '../audit/checks';
import { TOKEN_PREFIX, urlPassword } from '../audit/parsers/dockerSecrets';
import { RampartError } from '../../shared/errors';
import type { AutoState, Checklist, ChecklistItem, ChecklistList, ChecklistSummary, ChecklistTemplate } from '../../shared/ipc/checklists';
import { statusesNow } from '../priority/statuses';
import type { Store } from '../store/store';
import { TEMPLATES, templateById } from './templates';

export function listTemplates(): ChecklistTemplate[] {
  return TEMPLATES.map((t) => {
    const items = t.sections.flatMap((s) => s.items);
    return { id: t.id, name: t.name, description: t.description, sections: t.sections.map((s) => s.title), items: items.length, linkedItems: items.filter((i) => i.checkIds?.length).length };
  });
}

interface ListRow {
  id: number;
  name: string;
  template_id: string | null;
  host_id: number | null;
  host_name: string | null;
  created_at: string;
  updated_at: string;
}

interface ItemRow {
  id: number;
  checklist_id: number;
  position: number;
  section: string;
  text: string;
  check_ids_json: string;
  owner: string | null;
  due_date: string | null;
  note: string | null;
  evidence: string | null;
  manual_done: number;
  manual_done_at: string | null;
  auto_state: AutoState | null;
  auto_prev_state: AutoState | null;
  auto_run_id: string | null;
  auto_changed_at: string | null;
}

function validation(path: string, message: string): RampartError {
  return new RampartError('VALIDATION', `${path}: ${message}`, { issues: [{ path: [path], message }] });
}

function checkHost(store: Store, hostId: number | null): void {
  if (hostId === null) return;
  if (!store.db.prepare('SELECT 1 FROM hosts WHERE id = ?').get(hostId)) throw validation('hostId', `There is no host with id ${hostId}.`);
}

/** Long, blank-free, mixed case and digits, no dot: the shape of a base64 key or API token (paths and hashes do not have it). */
const KEY_SHAPED = /^[A-Za-z0-9+/=_-]{32,}$/;

/**
 * Secrets stay out of SQLite: a note or evidence that holds a key, a token or a URL with a password
 * is refused (a reference to where the proof is, such as a ticket or a report path, is the point).
 */
function refuseSecrets(fields: Record<string, string | null | undefined>): void {
  for (const [path, value] of Object.entries(fields)) {
    if (!value) continue;
    for (const word of value.split(/\s+/)) {
      const w = word.replace(/^["'(<[]+|["')>\],;]+$/g, '');
      const keyShaped = KEY_SHAPED.test(w) && /[0-9]/.test(w) && /[a-z]/.test(w) && /[A-Z]/.test(w);
      if (TOKEN_PREFIX.test(w) || urlPassword(w) !== null || keyShaped || /-----BEGIN [A-Z ]*PRIVATE KEY/.test(value))
        throw validation(path, 'This looks like a secret value (a key, a token or a URL with a password). Rampart does not store secrets: give a reference to where it is kept instead.');
    }
  }
}

const KNOWN_CHECKS = new Set(CHECKS.map((c) => c.id));
function checkCheckIds(ids: readonly string[]): string[] {
  const unknown = ids.filter((id) => !KNOWN_CHECKS.has(id));
  if (unknown.length) throw validation('checkIds', `Unknown check${unknown.length === 1 ? '' : 's'}: ${unknown.slice(0, 5).join(', ')}.`);
  return [...new Set(ids)];
}

function listRow(store: Store, id: number): ListRow {
  const r = store.db.prepare('SELECT c.*, h.name AS host_name FROM checklists c LEFT JOIN hosts h ON h.id = c.host_id WHERE c.id = ?').get(id) as ListRow | undefined;
  if (!r) throw new RampartError('NOT_FOUND', `No checklist with id ${id}.`);
  return r;
}

// ---- evaluation ------------------------------------------------------------------------------

export interface RunFacts {
  runId: string;
  startedAt: string;
  hostName: string;
  results: Map<string, string>;
  /** checkId → open findings now (triage applied as of now). */
  open: Map<string, number>;
}

/** The runs a checklist is evaluated against: the host's latest complete/partial run, or every host profile's. */
function runsFor(store: Store, hostId: number | null, now: Date, cache: Map<string, RunFacts>): RunFacts[] {
  const hostIds = hostId !== null ? [hostId] : (store.db.prepare('SELECT id FROM hosts ORDER BY name').all() as Array<{ id: number }>).map((h) => h.id);
  const latest = store.db.prepare("SELECT id, started_at, host_name FROM audit_runs WHERE host_id = ? AND status IN ('complete', 'partial') ORDER BY started_at DESC, id DESC LIMIT 1");
  const out: RunFacts[] = [];
  for (const h of hostIds) {
    const r = latest.get(h) as { id: string; started_at: string; host_name: string } | undefined;
    if (!r) continue;
    let facts = cache.get(r.id);
    if (!facts) {
      const results = new Map((store.db.prepare('SELECT check_id, status FROM check_results WHERE run_id = ?').all(r.id) as Array<{ check_id: string; status: string }>).map((x) => [x.check_id, x.status]));
      const open = new Map<string, number>();
      const statuses = statusesNow(store, r.id, r.started_at, now);
      for (const f of store.db.prepare('SELECT finding_key, check_id FROM findings WHERE run_id = ?').all(r.id) as Array<{ finding_key: string; check_id: string }>)
        if (statuses.get(f.finding_key) === 'open') open.set(f.check_id, (open.get(f.check_id) ?? 0) + 1);
      facts = { runId: r.id, startedAt: r.started_at, hostName: r.host_name, results, open };
      cache.set(r.id, facts);
    }
    out.push(facts);
  }
  return out;
}

const RANK: Record<Exclude<AutoState, 'not-audited'>, number> = { fail: 0, unknown: 1, accepted: 2, pass: 3, 'not-applicable': 4 };

/** One check in one run. */
function checkState(run: RunFacts, checkId: string): Exclude<AutoState, 'not-audited'> {
  const r = run.results.get(checkId);
  if (r === 'pass') return 'pass';
  if (r === 'not-applicable') return 'not-applicable';
  if (r === 'fail') return (run.open.get(checkId) ?? 0) > 0 ? 'fail' : 'accepted';
  // error, needs-sudo, or a check the run did not have (an older catalog): not known.
  return 'unknown';
}

export interface Evaluation {
  state: AutoState;
  runId: string | null;
  runStartedAt: string | null;
  detail: string;
  failing: Array<{ checkId: string; hostName: string; runId: string; open: number }>;
}

/** A linked item against runs: fail if any check fails anywhere; else unknown; else accepted; pass unless every check does not apply. */
export function evaluateItem(checkIds: readonly string[], runs: readonly RunFacts[]): Evaluation {
  if (runs.length === 0) return { state: 'not-audited', runId: null, runStartedAt: null, detail: 'Not audited yet: no complete run.', failing: [] };
  let state: Exclude<AutoState, 'not-audited'> = 'not-applicable';
  const failing: Evaluation['failing'] = [];
  const unknown: string[] = [];
  const accepted: string[] = [];
  for (const run of runs)
    for (const id of checkIds) {
      const s = checkState(run, id);
      if (s === 'fail') failing.push({ checkId: id, hostName: run.hostName, runId: run.runId, open: run.open.get(id) ?? 0 });
      if (s === 'unknown') unknown.push(`${id} on ${run.hostName}`);
      if (s === 'accepted') accepted.push(`${id} on ${run.hostName}`);
      if (RANK[s] < RANK[state]) state = s;
    }
  const newest = [...runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0]!;
  const more = (list: string[]): string => (list.length > 3 ? `${list.slice(0, 3).join(', ')} and ${list.length - 3} more` : list.join(', '));
  const where = runs.length === 1 ? `the run of ${newest.startedAt.slice(0, 16).replace('T', ' ')}` : `the latest runs of ${runs.length} hosts`;
  const detail =
    state === 'fail'
      ? `Open findings: ${more(failing.map((f) => `${f.checkId} (${f.open}) on ${f.hostName}`))}.`
      : state === 'unknown'
        ? `Not evaluated: ${more(unknown)}.`
        : state === 'accepted'
          ? `Fails with accepted risks or false positives only: ${more(accepted)}.`
          : state === 'pass'
            ? `${checkIds.length === 1 ? 'The check passes' : `All ${checkIds.length} checks pass or do not apply`} in ${where}.`
            : `Does not apply in ${where}.`;
  return { state, runId: newest.runId, runStartedAt: newest.startedAt, detail, failing };
}

const isDone = (s: AutoState | null): boolean => s === 'pass' || s === 'not-applicable';

function toItems(store: Store, list: ListRow, now: Date, cache: Map<string, RunFacts>): ChecklistItem[] {
  const rows = store.db.prepare('SELECT * FROM checklist_items WHERE checklist_id = ? ORDER BY position, id').all(list.id) as ItemRow[];
  const runs = runsFor(store, list.host_id, now, cache);
  const today = now.toISOString().slice(0, 10);
  const save = store.db.prepare('UPDATE checklist_items SET auto_prev_state = auto_state, auto_state = ?, auto_run_id = ?, auto_changed_at = ? WHERE id = ?');
  return rows.map((r): ChecklistItem => {
    const checkIds = JSON.parse(r.check_ids_json) as string[];
    let auto: ChecklistItem['auto'] = null;
    let done = r.manual_done === 1;
    if (checkIds.length > 0) {
      const e = evaluateItem(checkIds, runs);
      let prev = r.auto_prev_state;
      let since = r.auto_changed_at;
      if (e.state !== r.auto_state) {
        // A new state: remember the one before it and when this one began (the run that showed it).
        since = e.runStartedAt ?? now.toISOString();
        save.run(e.state, e.runId, since, r.id);
        prev = r.auto_state;
      }
      done = isDone(e.state);
      auto = { state: e.state, runId: e.runId, runStartedAt: e.runStartedAt, since, previousState: prev, regressed: e.state === 'fail' && isDone(prev), detail: e.detail, failing: e.failing };
    }
    return {
      id: r.id,
      position: r.position,
      section: r.section,
      text: r.text,
      checkIds,
      owner: r.owner,
      dueDate: r.due_date,
      note: r.note,
      evidence: r.evidence,
      manualDone: r.manual_done === 1,
      manualDoneAt: r.manual_done_at,
      auto,
      done,
      overdue: !done && r.due_date !== null && r.due_date < today,
    };
  });
}

function summarize(list: ListRow, items: readonly ChecklistItem[]): ChecklistSummary {
  const linked = items.filter((i) => i.checkIds.length > 0);
  return {
    id: list.id,
    name: list.name,
    templateId: list.template_id,
    hostId: list.host_id,
    hostName: list.host_name,
    createdAt: list.created_at,
    updatedAt: list.updated_at,
    total: items.length,
    done: items.filter((i) => i.done).length,
    linked: linked.length,
    linkedDone: linked.filter((i) => i.done).length,
    overdue: items.filter((i) => i.overdue).length,
    regressed: items.filter((i) => i.auto?.regressed).length,
  };
}

export function getChecklist(store: Store, id: number, now: Date = new Date()): Checklist {
  const list = listRow(store, id);
  const items = store.db.transaction(() => toItems(store, list, now, new Map()))();
  return { ...summarize(list, items), items };
}

export function listChecklists(store: Store, now: Date = new Date()): ChecklistList {
  const rows = store.db.prepare('SELECT c.*, h.name AS host_name FROM checklists c LEFT JOIN hosts h ON h.id = c.host_id ORDER BY h.name IS NOT NULL, h.name, c.name, c.id').all() as ListRow[];
  const cache = new Map<string, RunFacts>();
  const checklists = store.db.transaction(() => rows.map((r) => summarize(r, toItems(store, r, now, cache))))();
  const byHost = new Map<string, ChecklistList['hosts'][number]>();
  for (const c of checklists) {
    const key = c.hostId === null ? 'fleet' : String(c.hostId);
    const h = byHost.get(key) ?? { hostId: c.hostId, hostName: c.hostName ?? 'Fleet', checklists: 0, total: 0, done: 0 };
    h.checklists += 1;
    h.total += c.total;
    h.done += c.done;
    byHost.set(key, h);
  }
  return { checklists, hosts: [...byHost.values()] };
}

// ---- changes ---------------------------------------------------------------------------------

export function createChecklist(store: Store, req: { templateId?: string | undefined; name?: string | undefined; hostId: number | null }, now: Date = new Date()): Checklist {
  checkHost(store, req.hostId);
  const template = req.templateId !== undefined ? templateById(req.templateId) : null;
  if (req.templateId !== undefined && !template) throw validation('templateId', `No checklist template ${req.templateId}.`);
  const name = req.name ?? template?.name;
  if (!name) throw validation('name', 'A custom checklist needs a name.');
  refuseSecrets({ name });
  const at = now.toISOString();
  const id = store.db.transaction(() => {
    const { lastInsertRowid } = store.db.prepare('INSERT INTO checklists (name, template_id, host_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(name, template?.id ?? null, req.hostId, at, at);
    const insert = store.db.prepare('INSERT INTO checklist_items (checklist_id, position, section, text, check_ids_json, note) VALUES (?, ?, ?, ?, ?, ?)');
    let position = 0;
    for (const s of template?.sections ?? []) for (const i of s.items) insert.run(lastInsertRowid, ++position, s.title, i.text, JSON.stringify(i.checkIds ?? []), i.note ?? null);
    return Number(lastInsertRowid);
  })();
  return getChecklist(store, id, now);
}

export function removeChecklist(store: Store, id: number): boolean {
  return store.db.prepare('DELETE FROM checklists WHERE id = ?').run(id).changes > 0;
}

const touch = (store: Store, checklistId: number, at: string): void => void store.db.prepare('UPDATE checklists SET updated_at = ? WHERE id = ?').run(at, checklistId);

export interface ItemFields {
  section?: string | undefined;
  text?: string | undefined;
  checkIds?: string[] | undefined;
  owner?: string | null | undefined;
  dueDate?: string | null | undefined;
  note?: string | null | undefined;
  evidence?: string | null | undefined;
}

const blankToNull = (v: string | null | undefined): string | null | undefined => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim());

export function addItem(store: Store, req: ItemFields & { checklistId: number; text: string }, now: Date = new Date()): Checklist {
  listRow(store, req.checklistId);
  refuseSecrets({ text: req.text, owner: req.owner, note: req.note, evidence: req.evidence, section: req.section });
  const checkIds = checkCheckIds(req.checkIds ?? []);
  const { p } = store.db.prepare('SELECT COALESCE(MAX(position), 0) AS p FROM checklist_items WHERE checklist_id = ?').get(req.checklistId) as { p: number };
  store.db
    .prepare('INSERT INTO checklist_items (checklist_id, position, section, text, check_ids_json, owner, due_date, note, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(req.checklistId, p + 1, req.section?.trim() ?? '', req.text.trim(), JSON.stringify(checkIds), blankToNull(req.owner) ?? null, req.dueDate ?? null, blankToNull(req.note) ?? null, blankToNull(req.evidence) ?? null);
  touch(store, req.checklistId, now.toISOString());
  return getChecklist(store, req.checklistId, now);
}

function itemRow(store: Store, id: number): ItemRow {
  const r = store.db.prepare('SELECT * FROM checklist_items WHERE id = ?').get(id) as ItemRow | undefined;
  if (!r) throw new RampartError('NOT_FOUND', `No checklist item with id ${id}.`);
  return r;
}

export function updateItem(store: Store, req: ItemFields & { id: number; manualDone?: boolean | undefined }, now: Date = new Date()): Checklist {
  const row = itemRow(store, req.id);
  refuseSecrets({ text: req.text, owner: req.owner, note: req.note, evidence: req.evidence, section: req.section });
  const checkIds = req.checkIds !== undefined ? checkCheckIds(req.checkIds) : (JSON.parse(row.check_ids_json) as string[]);
  if (req.manualDone !== undefined && checkIds.length > 0)
    throw validation('manualDone', 'This item is linked to checks: it ticks itself from the latest run. Unlink its checks to tick it by hand.');
  const sets: string[] = [];
  const vals: unknown[] = [];
  const set = (col: string, v: unknown): void => {
    sets.push(`${col} = ?`);
    vals.push(v);
  };
  if (req.section !== undefined) set('section', req.section.trim());
  if (req.text !== undefined) set('text', req.text.trim());
  if (req.checkIds !== undefined) {
    set('check_ids_json', JSON.stringify(checkIds));
    // Different checks: what was seen before says nothing about them.
    set('auto_state', null);
    set('auto_prev_state', null);
    set('auto_run_id', null);
    set('auto_changed_at', null);
  }
  for (const [key, col] of [['owner', 'owner'], ['note', 'note'], ['evidence', 'evidence']] as const) {
    const v = blankToNull(req[key]);
    if (v !== undefined) set(col, v);
  }
  if (req.dueDate !== undefined) set('due_date', req.dueDate);
  if (req.manualDone !== undefined && req.manualDone !== (row.manual_done === 1)) {
    set('manual_done', req.manualDone ? 1 : 0);
    set('manual_done_at', req.manualDone ? now.toISOString() : null);
  }
  if (sets.length) store.db.prepare(`UPDATE checklist_items SET ${sets.join(', ')} WHERE id = ?`).run(...vals, req.id);
  touch(store, row.checklist_id, now.toISOString());
  return getChecklist(store, row.checklist_id, now);
}

export function removeItem(store: Store, id: number, now: Date = new Date()): Checklist {
  const row = itemRow(store, id);
  store.db.prepare('DELETE FROM checklist_items WHERE id = ?').run(id);
  touch(store, row.checklist_id, now.toISOString());
  return getChecklist(store, row.checklist_id, now);
}
