// The mail domains the app audits (migration 009). Plain SQL on the store's connection, like
// findingHistory.ts: the Store class stays about hosts and runs. A domain's runs are audit runs
// with target_kind 'domain' and address = the domain, so they outlive the domain's settings.
import { RampartError } from '../../shared/errors';
import type { MailDomain } from '../../shared/ipc/mail';
import type { Score, RunStatus } from '../../shared/domain';
import type { Store } from './store';

interface Row {
  id: number;
  domain: string;
  dkim_selectors_json: string;
  expected_mx_json: string;
  resolver: string | null;
  host_id: number | null;
  host_name: string | null;
  created_at: string;
  updated_at: string;
}

export interface MailDomainFields {
  domain: string;
  dkimSelectors: readonly string[];
  expectedMx: readonly string[];
  resolver: string | null;
  hostId: number | null;
}

const SELECT = 'SELECT d.*, h.name AS host_name FROM mail_domains d LEFT JOIN hosts h ON h.id = d.host_id';

function toDomain(store: Store, r: Row): MailDomain {
  const last = store.db
    .prepare("SELECT id, started_at, status, score_json FROM audit_runs WHERE target_kind = 'domain' AND address = ? ORDER BY started_at DESC LIMIT 1")
    .get(r.domain) as { id: string; started_at: string; status: RunStatus; score_json: string | null } | undefined;
  const score = last?.score_json ? (JSON.parse(last.score_json) as Score) : null;
  return {
    id: r.id,
    domain: r.domain,
    dkimSelectors: JSON.parse(r.dkim_selectors_json) as string[],
    expectedMx: JSON.parse(r.expected_mx_json) as string[],
    resolver: r.resolver,
    hostId: r.host_id,
    hostName: r.host_name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastRun: last ? { id: last.id, startedAt: last.started_at, status: last.status, score: score?.overall ?? null, grade: score?.grade ?? null } : null,
  };
}

export function listMailDomains(store: Store): MailDomain[] {
  return (store.db.prepare(`${SELECT} ORDER BY d.domain`).all() as Row[]).map((r) => toDomain(store, r));
}

export function getMailDomain(store: Store, id: number): MailDomain {
  const r = store.db.prepare(`${SELECT} WHERE d.id = ?`).get(id) as Row | undefined;
  if (!r) throw new RampartError('NOT_FOUND', `No mail domain with id ${id}.`);
  return toDomain(store, r);
}

const duplicate = (domain: string): RampartError =>
  new RampartError('VALIDATION', `domain: ${domain} is already in the list.`, { issues: [{ path: ['domain'], message: `${domain} is already in the list` }] });

/** Adds a domain (id null) or replaces the fields of an existing one. VALIDATION on a duplicate name. */
export function saveMailDomain(store: Store, id: number | null, f: MailDomainFields, now: Date = new Date()): MailDomain {
  const clash = store.db.prepare('SELECT id FROM mail_domains WHERE domain = ?').get(f.domain) as { id: number } | undefined;
  if (clash && clash.id !== id) throw duplicate(f.domain);
  const at = now.toISOString();
  const values = [f.domain, JSON.stringify(f.dkimSelectors), JSON.stringify(f.expectedMx), f.resolver, f.hostId] as const;
  if (id === null) {
    const r = store.db
      .prepare('INSERT INTO mail_domains (domain, dkim_selectors_json, expected_mx_json, resolver, host_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(...values, at, at);
    return getMailDomain(store, Number(r.lastInsertRowid));
  }
  getMailDomain(store, id);
  store.db
    .prepare('UPDATE mail_domains SET domain = ?, dkim_selectors_json = ?, expected_mx_json = ?, resolver = ?, host_id = ?, updated_at = ? WHERE id = ?')
    .run(...values, at, id);
  return getMailDomain(store, id);
}

export function removeMailDomain(store: Store, id: number): boolean {
  return store.db.prepare('DELETE FROM mail_domains WHERE id = ?').run(id).changes > 0;
}
