// Deliverability probe profiles, runs and results (migration 010). Plain SQL on the store's
// connection, like mailDomains.ts. Passwords are never here: the has_*_password columns only
// record that the keychain holds one (accounts named by probeSecretAccount).
import { RampartError } from '../../shared/errors';
import type { Finding } from '../../shared/domain';
import type { ProbeProfile, ProbeProfileParsed, ProbeRate, ProbeRun, ProbeSeed, ProbeSeedResult } from '../../shared/ipc/probe';
import type { Store } from './store';

/** Keychain account of a probe password: the submission login, or one seed's IMAP login. */
export function probeSecretAccount(profileId: number, which: 'smtp' | { seedId: number }): string {
  if (!Number.isInteger(profileId) || profileId <= 0) throw new RangeError(`invalid profile id ${profileId}`);
  return which === 'smtp' ? `probe:${profileId}:smtp` : `probe:${profileId}:seed:${which.seedId}:imap`;
}

interface ProfileRow {
  id: number;
  name: string;
  domain: string;
  smtp_host: string;
  smtp_port: number;
  smtp_security: 'starttls' | 'tls';
  smtp_username: string;
  has_smtp_password: number;
  from_address: string;
  ca_file: string | null;
  timeout_ms: number;
  target_rate: number;
  created_at: string;
  updated_at: string;
}

interface SeedRow {
  id: number;
  profile_id: number;
  position: number;
  label: string;
  to_address: string;
  imap_host: string;
  imap_port: number;
  imap_tls: number;
  imap_username: string;
  has_imap_password: number;
  inbox_folders_json: string;
  junk_folders_json: string;
  authserv_ids_json: string;
}

const toSeed = (r: SeedRow): ProbeSeed => ({
  id: r.id,
  label: r.label,
  toAddress: r.to_address,
  imapHost: r.imap_host,
  imapPort: r.imap_port,
  imapTls: r.imap_tls === 1,
  imapUsername: r.imap_username,
  hasImapPassword: r.has_imap_password === 1,
  inboxFolders: JSON.parse(r.inbox_folders_json) as string[],
  junkFolders: JSON.parse(r.junk_folders_json) as string[],
  authservIds: JSON.parse(r.authserv_ids_json) as string[],
});

function toProfile(store: Store, r: ProfileRow): ProbeProfile {
  const seeds = (store.db.prepare('SELECT * FROM probe_seeds WHERE profile_id = ? ORDER BY position').all(r.id) as SeedRow[]).map(toSeed);
  const last = store.db.prepare('SELECT id, started_at, status FROM probe_runs WHERE profile_id = ? ORDER BY started_at DESC LIMIT 1').get(r.id) as
    | { id: string; started_at: string; status: ProbeRun['status'] }
    | undefined;
  const counts = last
    ? (store.db.prepare("SELECT COUNT(*) AS probes, COALESCE(SUM(folder = 'inbox'), 0) AS inbox FROM probe_results WHERE run_id = ? AND sent = 1").get(last.id) as { probes: number; inbox: number })
    : null;
  return {
    id: r.id,
    name: r.name,
    domain: r.domain,
    smtpHost: r.smtp_host,
    smtpPort: r.smtp_port,
    smtpSecurity: r.smtp_security,
    smtpUsername: r.smtp_username,
    hasSmtpPassword: r.has_smtp_password === 1,
    fromAddress: r.from_address,
    caFile: r.ca_file,
    timeoutMs: r.timeout_ms,
    targetRate: r.target_rate,
    seeds,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastRun: last && counts ? { id: last.id, startedAt: last.started_at, status: last.status, inbox: counts.inbox, probes: counts.probes } : null,
  };
}

/** Probe profiles by name; with `domain`, those whose From address is in that domain. */
export function listProbeProfiles(store: Store, domain?: string): ProbeProfile[] {
  const rows = (domain
    ? store.db.prepare('SELECT * FROM probe_profiles WHERE domain = ? ORDER BY name').all(domain.toLowerCase())
    : store.db.prepare('SELECT * FROM probe_profiles ORDER BY name').all()) as ProfileRow[];
  return rows.map((r) => toProfile(store, r));
}

export function getProbeProfile(store: Store, id: number): ProbeProfile {
  const r = store.db.prepare('SELECT * FROM probe_profiles WHERE id = ?').get(id) as ProfileRow | undefined;
  if (!r) throw new RampartError('NOT_FOUND', `No probe profile with id ${id}.`);
  return toProfile(store, r);
}

export function findProbeProfileByName(store: Store, name: string): ProbeProfile | null {
  const r = store.db.prepare('SELECT * FROM probe_profiles WHERE name = ?').get(name.trim()) as ProfileRow | undefined;
  return r ? toProfile(store, r) : null;
}

export const domainOfAddress = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

export type ProbeProfileFields = Omit<ProbeProfileParsed, 'id' | 'smtpPassword' | 'seeds'> & { seeds: Array<Omit<ProbeProfileParsed['seeds'][number], 'imapPassword'>> };

/**
 * Adds (id null) or replaces a profile. Seeds are matched by label: a kept label keeps its id (and
 * so its keychain password); the ids of seeds no longer listed are returned so their passwords can
 * be deleted from the keychain.
 */
export function saveProbeProfile(store: Store, id: number | null, f: ProbeProfileFields, now: Date = new Date()): { profile: ProbeProfile; removedSeedIds: number[] } {
  const clash = store.db.prepare('SELECT id FROM probe_profiles WHERE name = ?').get(f.name) as { id: number } | undefined;
  if (clash && clash.id !== id) throw new RampartError('VALIDATION', `name: A probe profile named "${f.name}" exists already.`, { issues: [{ path: ['name'], message: 'A profile with this name exists already' }] });
  const at = now.toISOString();
  return store.db.transaction(() => {
    const values = [f.name, domainOfAddress(f.fromAddress), f.smtpHost, f.smtpPort, f.smtpSecurity, f.smtpUsername, f.fromAddress, f.caFile, f.timeoutMs, f.targetRate] as const;
    let pid: number;
    if (id === null) {
      pid = Number(
        store.db
          .prepare(
            'INSERT INTO probe_profiles (name, domain, smtp_host, smtp_port, smtp_security, smtp_username, from_address, ca_file, timeout_ms, target_rate, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(...values, at, at).lastInsertRowid,
      );
    } else {
      getProbeProfile(store, id);
      pid = id;
      store.db
        .prepare('UPDATE probe_profiles SET name = ?, domain = ?, smtp_host = ?, smtp_port = ?, smtp_security = ?, smtp_username = ?, from_address = ?, ca_file = ?, timeout_ms = ?, target_rate = ?, updated_at = ? WHERE id = ?')
        .run(...values, at, pid);
    }
    const existing = store.db.prepare('SELECT id, label FROM probe_seeds WHERE profile_id = ?').all(pid) as Array<{ id: number; label: string }>;
    const byLabel = new Map(existing.map((s) => [s.label.toLowerCase(), s.id]));
    const kept = new Set<number>();
    f.seeds.forEach((s, position) => {
      const vals = [position, s.label, s.toAddress, s.imapHost, s.imapPort, s.imapTls ? 1 : 0, s.imapUsername, JSON.stringify(s.inboxFolders), JSON.stringify(s.junkFolders), JSON.stringify(s.authservIds)] as const;
      const sid = byLabel.get(s.label.toLowerCase());
      if (sid !== undefined) {
        kept.add(sid);
        store.db
          .prepare('UPDATE probe_seeds SET position = ?, label = ?, to_address = ?, imap_host = ?, imap_port = ?, imap_tls = ?, imap_username = ?, inbox_folders_json = ?, junk_folders_json = ?, authserv_ids_json = ? WHERE id = ?')
          .run(...vals, sid);
      } else {
        store.db
          .prepare('INSERT INTO probe_seeds (profile_id, position, label, to_address, imap_host, imap_port, imap_tls, imap_username, inbox_folders_json, junk_folders_json, authserv_ids_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(pid, ...vals);
      }
    });
    const removedSeedIds = existing.map((s) => s.id).filter((sid) => !kept.has(sid));
    for (const sid of removedSeedIds) store.db.prepare('DELETE FROM probe_seeds WHERE id = ?').run(sid);
    return { profile: getProbeProfile(store, pid), removedSeedIds };
  })();
}

/** Records whether the keychain holds a password (the password itself never comes here). */
export function setProbeSecretFlag(store: Store, profileId: number, which: 'smtp' | { seedId: number }, present: boolean): void {
  if (which === 'smtp') store.db.prepare('UPDATE probe_profiles SET has_smtp_password = ? WHERE id = ?').run(present ? 1 : 0, profileId);
  else store.db.prepare('UPDATE probe_seeds SET has_imap_password = ? WHERE id = ? AND profile_id = ?').run(present ? 1 : 0, which.seedId, profileId);
}

export function removeProbeProfile(store: Store, id: number): boolean {
  return store.db.prepare('DELETE FROM probe_profiles WHERE id = ?').run(id).changes > 0;
}

// ---- runs --------------------------------------------------------------------------------

interface RunRow {
  id: string;
  profile_id: number | null;
  profile_name: string;
  domain: string;
  started_at: string;
  finished_at: string;
  status: ProbeRun['status'];
  error: string | null;
  findings_json: string;
}

interface ResultRow {
  run_id: string;
  seed_label: string;
  to_address: string;
  tag: string;
  sent: number;
  delivered: number;
  folder: ProbeSeedResult['folder'];
  folder_name: string | null;
  latency_ms: number | null;
  auth_json: string;
  received_hops: number | null;
  tls_hops: number | null;
  spam_json: string;
  deleted: number;
  error: string | null;
}

/** Every seed got its message in an inbox folder with spf, dkim and dmarc pass. */
export function allPass(results: readonly ProbeSeedResult[]): boolean {
  return results.length > 0 && results.every((r) => r.delivered && r.folder === 'inbox' && r.auth?.spf === 'pass' && r.auth.dkim === 'pass' && r.auth.dmarc === 'pass');
}

function toResult(r: ResultRow): ProbeSeedResult {
  const stored = JSON.parse(r.auth_json) as { auth: ProbeSeedResult['auth']; hops: ProbeSeedResult['hops'] };
  return {
    seed: r.seed_label,
    toAddress: r.to_address,
    tag: r.tag,
    sent: r.sent === 1,
    delivered: r.delivered === 1,
    folder: r.folder,
    folderName: r.folder_name,
    latencyMs: r.latency_ms,
    auth: stored.auth ?? null,
    receivedHops: r.received_hops,
    tlsHops: r.tls_hops,
    hops: stored.hops ?? [],
    spam: JSON.parse(r.spam_json) as ProbeSeedResult['spam'],
    deleted: r.deleted === 1,
    error: r.error,
  };
}

function toRun(store: Store, r: RunRow): ProbeRun {
  const results = (store.db.prepare('SELECT * FROM probe_results WHERE run_id = ? ORDER BY rowid').all(r.id) as ResultRow[]).map(toResult);
  return {
    id: r.id,
    profileId: r.profile_id,
    profileName: r.profile_name,
    domain: r.domain,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    error: r.error,
    results,
    findings: JSON.parse(r.findings_json) as Finding[],
    allPass: r.status === 'complete' && allPass(results),
  };
}

/** Stores a finished run with its results, in one transaction. */
export function saveProbeRun(store: Store, run: Omit<ProbeRun, 'allPass'>): ProbeRun {
  store.db.transaction(() => {
    store.db
      .prepare('INSERT INTO probe_runs (id, profile_id, profile_name, domain, started_at, finished_at, status, error, findings_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(run.id, run.profileId, run.profileName, run.domain, run.startedAt, run.finishedAt, run.status, run.error, JSON.stringify(run.findings));
    const ins = store.db.prepare(
      'INSERT INTO probe_results (run_id, seed_label, to_address, tag, sent, delivered, folder, folder_name, latency_ms, spf, dkim, dmarc, auth_json, received_hops, tls_hops, spam_json, deleted, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const x of run.results)
      ins.run(
        run.id,
        x.seed,
        x.toAddress,
        x.tag,
        x.sent ? 1 : 0,
        x.delivered ? 1 : 0,
        x.folder,
        x.folderName,
        x.latencyMs,
        x.auth?.spf ?? null,
        x.auth?.dkim ?? null,
        x.auth?.dmarc ?? null,
        JSON.stringify({ auth: x.auth, hops: x.hops }),
        x.receivedHops,
        x.tlsHops,
        JSON.stringify(x.spam),
        x.deleted ? 1 : 0,
        x.error,
      );
  })();
  return getProbeRun(store, run.id);
}

export function getProbeRun(store: Store, id: string): ProbeRun {
  const r = store.db.prepare('SELECT * FROM probe_runs WHERE id = ?').get(id) as RunRow | undefined;
  if (!r) throw new RampartError('NOT_FOUND', `No probe run ${id}.`);
  return toRun(store, r);
}

/** A profile's runs, newest first (by id, or by name for runs of a profile since removed). */
export function listProbeRuns(store: Store, profile: { id: number } | { name: string }, limit = 50): ProbeRun[] {
  const rows = ('id' in profile
    ? store.db.prepare('SELECT * FROM probe_runs WHERE profile_id = ? ORDER BY started_at DESC LIMIT ?').all(profile.id, limit)
    : store.db.prepare('SELECT * FROM probe_runs WHERE profile_name = ? ORDER BY started_at DESC LIMIT ?').all(profile.name, limit)) as RunRow[];
  return rows.map((r) => toRun(store, r));
}

const rateOf = (inbox: number, probes: number): number | null => (probes > 0 ? inbox / probes : null);

/**
 * Inbox deliveries ÷ probes sent, over the complete runs of the last `windowDays` days (ending
 * `now`), overall and per seed, and one point per run (the window's rate up to that run).
 * Failed and cancelled runs do not count: they measured nothing about the receivers.
 */
export function probeRate(store: Store, profile: ProbeProfile, windowDays: number, now: Date = new Date()): ProbeRate {
  const since = new Date(now.getTime() - windowDays * 86_400_000).toISOString();
  const rows = store.db
    .prepare(
      `SELECT r.id AS run_id, r.started_at, x.seed_label, x.folder
         FROM probe_runs r JOIN probe_results x ON x.run_id = r.id
        WHERE r.profile_id = ? AND r.status = 'complete' AND r.started_at >= ? AND x.sent = 1
        ORDER BY r.started_at, x.rowid`,
    )
    .all(profile.id, since) as Array<{ run_id: string; started_at: string; seed_label: string; folder: string | null }>;
  const seeds = new Map<string, { inbox: number; probes: number }>();
  const series: ProbeRate['series'] = [];
  let inbox = 0;
  let probes = 0;
  for (const row of rows) {
    const s = seeds.get(row.seed_label) ?? { inbox: 0, probes: 0 };
    const hit = row.folder === 'inbox' ? 1 : 0;
    s.probes++;
    s.inbox += hit;
    seeds.set(row.seed_label, s);
    probes++;
    inbox += hit;
    let point = series[series.length - 1];
    if (!point || point.runId !== row.run_id) {
      point = { runId: row.run_id, startedAt: row.started_at, inbox: 0, probes: 0, rate: null };
      series.push(point);
    }
    point.probes++;
    point.inbox += hit;
    point.rate = rateOf(inbox, probes);
  }
  return {
    profileId: profile.id,
    windowDays,
    since,
    targetRate: profile.targetRate,
    overall: { inbox, probes, rate: rateOf(inbox, probes) },
    seeds: [...seeds].map(([seed, c]) => ({ seed, ...c, rate: rateOf(c.inbox, c.probes) })),
    series,
  };
}
