// Checklists on a real SQLite file: templates, items linked to checks ticking themselves from the
// host's latest complete run and unticking when a later run fails again (a regression), accepted
// risks, checks not evaluated, fleet checklists, manual items, and the validation errors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finding, saveRun } from '../../../test/support/reportStore';
import { CHECKS } from '../audit/checks';
import { Checklist, ChecklistList } from '../../shared/ipc/checklists';
import { RampartError } from '../../shared/errors';
import { Store } from '../store/store';
import { addItem, createChecklist, getChecklist, listChecklists, listTemplates, removeChecklist, removeItem, updateItem } from './checklists';
import { TEMPLATES } from './templates';

let dir: string;
let store: Store;
let web: number;
let db: number;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-checklists-'));
  store = new Store(path.join(dir, 'rampart.db'));
  web = store.addHost({ name: 'web-1', address: '10.9.0.2', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' }).id;
  db = store.addHost({ name: 'db-1', address: '10.9.0.4', port: 22, username: 'admin', sshdConfigPath: '/etc/ssh/sshd_config' }).id;
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const T = (iso: string): Date => new Date(iso);
const pw = (host = 'web-1') => finding('SSH-PASSWORD-AUTH', 'sshd:/etc/ssh/sshd_config:PasswordAuthentication', {}, host);
const itemOf = (c: Checklist, text: string) => {
  const i = c.items.find((x) => x.text === text);
  if (!i) throw new Error(`no item ${text}`);
  return i;
};

describe('templates', () => {
  it('ship three templates whose linked checks all exist', () => {
    const t = listTemplates();
    expect(t.map((x) => x.id)).toEqual(['pre-production', 'audit-phase', 'hardening-tracker']);
    const known = new Set(CHECKS.map((c) => c.id));
    for (const def of TEMPLATES) for (const s of def.sections) for (const i of s.items) for (const id of i.checkIds ?? []) expect(known.has(id), id).toBe(true);
    for (const x of t) {
      expect(x.linkedItems).toBeGreaterThan(0);
      expect(x.items).toBeGreaterThan(x.linkedItems - 1);
    }
    // The audit phase has manual deliverables and linked success criteria.
    expect(t.find((x) => x.id === 'audit-phase')!.sections).toEqual(['Deliverables', 'Success criteria']);
  });
});

describe('linked items', () => {
  it('tick themselves from the latest run, untick on regression, and say so', () => {
    const c0 = Checklist.parse(createChecklist(store, { templateId: 'pre-production', hostId: web }, T('2026-03-01T00:00:00Z')));
    const ssh = 'SSH with keys only, no password or empty-password login, no root password login';
    expect(c0.name).toBe('Pre-production security checklist');
    expect(itemOf(c0, ssh).auto).toMatchObject({ state: 'not-audited', runId: null });
    expect(itemOf(c0, ssh).done).toBe(false);
    expect(c0.done).toBe(0);

    // Run 1: password auth fails.
    saveRun(store, { id: 'r1', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-02T09:00:00.000Z', findings: [pw()], passing: ['SSH-PERMIT-EMPTY-PASSWORDS', 'SSH-PERMIT-ROOT-LOGIN'] });
    const c1 = getChecklist(store, c0.id, T('2026-03-02T10:00:00Z'));
    expect(itemOf(c1, ssh).auto).toMatchObject({ state: 'fail', runId: 'r1', regressed: false, failing: [{ checkId: 'SSH-PASSWORD-AUTH', hostName: 'web-1', runId: 'r1', open: 1 }] });
    expect(itemOf(c1, ssh).auto!.detail).toContain('SSH-PASSWORD-AUTH (1) on web-1');

    // Run 2: all three pass → ticked, since that run.
    saveRun(store, { id: 'r2', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-03T09:00:00.000Z', findings: [], passing: ['SSH-PASSWORD-AUTH', 'SSH-PERMIT-EMPTY-PASSWORDS', 'SSH-PERMIT-ROOT-LOGIN'] });
    const c2 = getChecklist(store, c0.id, T('2026-03-03T10:00:00Z'));
    expect(itemOf(c2, ssh)).toMatchObject({ done: true, auto: { state: 'pass', runId: 'r2', previousState: 'fail', since: '2026-03-03T09:00:00.000Z', regressed: false } });
    expect(c2.linkedDone).toBe(1);
    // Reading again changes nothing.
    expect(itemOf(getChecklist(store, c0.id, T('2026-03-03T11:00:00Z')), ssh).auto!.since).toBe('2026-03-03T09:00:00.000Z');

    // A failed run (no checks) is not the latest complete run: the tick stays.
    store.saveRun({ id: 'r-failed', hostId: web, hostName: 'web-1', address: '10.9.0.2', port: 22, startedAt: '2026-03-04T09:00:00.000Z', finishedAt: null, status: 'failed', os: null, score: null, errors: [], execCount: 0, durationMs: 1, checks: [], findings: [] });
    expect(itemOf(getChecklist(store, c0.id, T('2026-03-04T10:00:00Z')), ssh).done).toBe(true);

    // Run 3: it fails again → unticked, a regression.
    saveRun(store, { id: 'r3', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-05T09:00:00.000Z', findings: [pw()], passing: ['SSH-PERMIT-EMPTY-PASSWORDS', 'SSH-PERMIT-ROOT-LOGIN'] });
    const c3 = getChecklist(store, c0.id, T('2026-03-05T10:00:00Z'));
    expect(itemOf(c3, ssh)).toMatchObject({ done: false, auto: { state: 'fail', runId: 'r3', previousState: 'pass', regressed: true } });
    expect(c3.regressed).toBe(1);

    // Accepting the risk: not a pass, not a failure either.
    store.setTriage({ findingKey: pw().id, status: 'accepted', reason: 'bastion only', expiresAt: '2099-01-01T00:00:00.000Z' }, T('2026-03-05T11:00:00Z'));
    const c4 = getChecklist(store, c0.id, T('2026-03-05T12:00:00Z'));
    expect(itemOf(c4, ssh)).toMatchObject({ done: false, auto: { state: 'accepted', regressed: false } });
  });

  it('a check the run could not evaluate is unknown, one that does not apply counts as done', () => {
    const c = createChecklist(store, { name: 'custom', hostId: web });
    addItem(store, { checklistId: c.id, text: 'backups', checkIds: ['BACKUP-NONE'] });
    addItem(store, { checklistId: c.id, text: 'fail2ban', checkIds: ['NET-FAIL2BAN-MISSING'] });
    store.saveRun({
      id: 'r1', hostId: web, hostName: 'web-1', address: '10.9.0.2', port: 22, startedAt: '2026-03-02T09:00:00.000Z', finishedAt: null, status: 'partial', os: null, score: null, errors: [], execCount: 3, durationMs: 1,
      checks: [
        { checkId: 'BACKUP-NONE', category: 'backups', severity: 'medium', status: 'needs-sudo' },
        { checkId: 'NET-FAIL2BAN-MISSING', category: 'network', severity: 'medium', status: 'not-applicable', message: 'no sshd' },
      ],
      findings: [],
    });
    const got = getChecklist(store, c.id);
    expect(itemOf(got, 'backups')).toMatchObject({ done: false, auto: { state: 'unknown' } });
    expect(itemOf(got, 'backups').auto!.detail).toContain('BACKUP-NONE on web-1');
    expect(itemOf(got, 'fail2ban')).toMatchObject({ done: true, auto: { state: 'not-applicable' } });
  });

  it('a fleet checklist needs every audited host to pass', () => {
    const c = createChecklist(store, { name: 'fleet ssh', hostId: null });
    addItem(store, { checklistId: c.id, text: 'keys only', checkIds: ['SSH-PASSWORD-AUTH'] });
    saveRun(store, { id: 'w1', hostId: web, name: 'web-1', address: '10.9.0.2', startedAt: '2026-03-02T09:00:00.000Z', findings: [], passing: ['SSH-PASSWORD-AUTH'] });
    expect(getChecklist(store, c.id).items[0]!.auto).toMatchObject({ state: 'pass' });
    saveRun(store, { id: 'd1', hostId: db, name: 'db-1', address: '10.9.0.4', startedAt: '2026-03-02T10:00:00.000Z', findings: [pw('db-1')] });
    const got = getChecklist(store, c.id);
    expect(got.items[0]!.auto).toMatchObject({ state: 'fail', regressed: true, failing: [{ hostName: 'db-1', runId: 'd1' }] });
    expect(got.hostName).toBeNull();
  });
});

describe('manual items and lists', () => {
  it('owner, due date, note, evidence and a manual tick; progress per checklist and per host', () => {
    const now = T('2026-03-10T12:00:00Z');
    const c = createChecklist(store, { templateId: 'audit-phase', hostId: db }, now);
    const deliverable = itemOf(c, 'CVE and vulnerability report');
    expect(deliverable.checkIds).toEqual([]);
    let after = updateItem(store, { id: deliverable.id, owner: 'ops team', dueDate: '2026-03-09', note: 'from the full report', evidence: 'reports/db-1-full.html' }, now);
    expect(itemOf(after, 'CVE and vulnerability report')).toMatchObject({ owner: 'ops team', dueDate: '2026-03-09', evidence: 'reports/db-1-full.html', overdue: true, done: false });
    expect(after.overdue).toBe(1);
    after = updateItem(store, { id: deliverable.id, manualDone: true }, now);
    expect(itemOf(after, 'CVE and vulnerability report')).toMatchObject({ manualDone: true, manualDoneAt: now.toISOString(), done: true, overdue: false });
    // Blank clears.
    after = updateItem(store, { id: deliverable.id, owner: '  ' }, now);
    expect(itemOf(after, 'CVE and vulnerability report').owner).toBeNull();

    // A linked item cannot be ticked by hand.
    const linked = itemOf(after, 'No critical finding open');
    expect(() => updateItem(store, { id: linked.id, manualDone: true })).toThrow(/ticks itself/);

    const custom = createChecklist(store, { name: 'Go-live', hostId: web }, now);
    const withItem = addItem(store, { checklistId: custom.id, section: 'People', text: 'On-call rota agreed', owner: 'sam' }, now);
    expect(withItem.items).toHaveLength(1);
    updateItem(store, { id: withItem.items[0]!.id, manualDone: true }, now);

    const list = ChecklistList.parse(listChecklists(store, now));
    expect(list.checklists.map((x) => [x.name, x.hostName, x.done])).toEqual([
      ['Security audit phase: deliverables and success criteria', 'db-1', 1],
      ['Go-live', 'web-1', 1],
    ]);
    expect(list.hosts).toEqual([
      { hostId: db, hostName: 'db-1', checklists: 1, total: after.total, done: 1 },
      { hostId: web, hostName: 'web-1', checklists: 1, total: 1, done: 1 },
    ]);

    expect(removeItem(store, withItem.items[0]!.id).items).toHaveLength(0);
    expect(removeChecklist(store, custom.id)).toBe(true);
    expect(removeChecklist(store, custom.id)).toBe(false);
    // Removing the host removes its checklists.
    store.removeHost(db);
    expect(listChecklists(store).checklists).toEqual([]);
  });

  it('clear errors for bad input', () => {
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        return e instanceof RampartError ? `${e.code}: ${e.message}` : String(e);
      }
      return 'no error';
    };
    expect(code(() => createChecklist(store, { templateId: 'nope', hostId: web }))).toBe('VALIDATION: templateId: No checklist template nope.');
    expect(code(() => createChecklist(store, { hostId: web }))).toBe('VALIDATION: name: A custom checklist needs a name.');
    expect(code(() => createChecklist(store, { name: 'x', hostId: 999 }))).toBe('VALIDATION: hostId: There is no host with id 999.');
    const c = createChecklist(store, { name: 'x', hostId: web });
    expect(code(() => addItem(store, { checklistId: c.id, text: 't', checkIds: ['SSH-NOPE'] }))).toBe('VALIDATION: checkIds: Unknown check: SSH-NOPE.');
    expect(code(() => getChecklist(store, 12345))).toBe('NOT_FOUND: No checklist with id 12345.');
    // Secrets stay out of the database: keys, tokens and URLs with a password are refused, references are fine.
    for (const evidence of ['token ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'db at postgres://app:hunter2@10.9.0.4/app', 'key qJ8sL2mN5pR7tV9xZ1bC3dF6gH0jK4wY+/=', '-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjE='])
      expect(code(() => addItem(store, { checklistId: c.id, text: 't', evidence }))).toMatch(/^VALIDATION: evidence: This looks like a secret value/);
    const item = addItem(store, { checklistId: c.id, text: 'proof', evidence: 'reports/web-1-2026-03-01-full.html, ticket OPS-1234' });
    expect(code(() => updateItem(store, { id: item.items[0]!.id, note: 'password is s3cr3t at https://admin:s3cr3t@web-1/' }))).toMatch(/^VALIDATION: note: /);
    expect(code(() => updateItem(store, { id: item.items[0]!.id, note: 'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 of the report' }))).toBe('no error');
    expect(code(() => updateItem(store, { id: 999, owner: 'x' }))).toBe('NOT_FOUND: No checklist item with id 999.');
  });
});
