// Typed access to the SQLite store. Plain Node: no Electron import.
import { randomUUID } from 'node:crypto';
import { RampartError } from '../../shared/errors';
import { computeScore } from '../audit/grading';
import type {
  FindingStatus,
  AuthMethod,
  SudoMode,
  CheckResult,
  Finding,
  Host,
  HostKeyPin,
  RunDetail,
  RunError,
  RunStatus,
  RunDiff,
  RunSummary,
  Score,
  Severity,
  TriageLogEntry,
  TriageRecord,
} from '../../shared/domain';
import { SEVERITIES } from '../../shared/domain';
import { type Db, openDatabase, schemaVersion, type OpenOptions } from './db';

export interface NewHost {
  name: string;
  address: string;
  port: number;
  username: string;
  auth?: AuthMethod | undefined;
  identityFile?: string | null | undefined;
  jumpHostId?: number | null | undefined;
  vpnOnly?: boolean | undefined;
  vpnInterface?: string | null | undefined;
  vpnSubnet?: string | null | undefined;
  sudo?: SudoMode | undefined;
  tags?: string[] | undefined;
  sshdConfigPath: string;
  scanRoots?: string[] | undefined;
}

// One home per concept: the shapes the IPC contract declares (src/shared/domain.ts).
export type { RunDiff, TriageLogEntry, TriageRecord };
interface TriageRow {
  finding_key: string;
  host_id: number | null;
  status: FindingStatus;
  reason: string | null;
  expires_at: string | null;
  updated_at: string;
}
function toTriage(r: TriageRow): TriageRecord {
  return { findingKey: r.finding_key, hostId: r.host_id, status: r.status, reason: r.reason, expiresAt: r.expires_at, updatedAt: r.updated_at };
}

export type HostSecretFlag = 'privateKey' | 'passphrase' | 'sudoPassword';
const SECRET_COLUMN: Record<HostSecretFlag, string> = { privateKey: 'has_keychain_key', passphrase: 'has_passphrase', sudoPassword: 'has_sudo_password' };

export interface RunRecord {
  id?: string;
  /** What was audited: a host over SSH (default) or a mail domain over DNS (hostName = address = the domain, port 0). */
  targetKind?: RunTargetKind;
  hostId: number | null;
  hostName: string;
  address: string;
  port: number;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  os: string | null;
  score: Score | null;
  errors: RunError[];
  execCount: number;
  durationMs: number | null;
  checks: CheckResult[];
  findings: Finding[];
  /** Phase durations (connectMs, collectMs, evaluateMs). */
  timings?: Record<string, number>;
  /** Mail domain runs: the records as parsed (src/main/mail/records.ts MailRecords). */
  details?: Record<string, unknown>;
}

interface HostRow {
  id: number;
  name: string;
  address: string;
  port: number;
  username: string;
  identity_file: string | null;
  sshd_config_path: string;
  created_at: string;
  auth: AuthMethod;
  jump_host_id: number | null;
  vpn_only: number;
  vpn_interface: string | null;
  vpn_subnet: string | null;
  sudo: SudoMode;
  tags_json: string;
  scan_roots_json: string;
  has_keychain_key: number;
  has_passphrase: number;
  has_sudo_password: number;
  key_type: string | null;
  fingerprint: string | null;
  pinned_at: string | null;
}

export type RunTargetKind = 'host' | 'domain';

interface RunRow {
  id: string;
  target_kind: RunTargetKind;
  host_id: number | null;
  host_name: string;
  address: string;
  port: number;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  os: string | null;
  score_json: string | null;
  errors_json: string;
  exec_count: number;
  duration_ms: number | null;
  details_json: string | null;
}

const HOST_SELECT = `
  SELECT h.*, k.key_type, k.fingerprint, k.pinned_at
  FROM hosts h LEFT JOIN host_keys k ON k.address = h.address AND k.port = h.port`;

export class Store {
  readonly db: Db;
  readonly file: string;

  constructor(file: string, opts?: OpenOptions) {
    this.file = file;
    this.db = openDatabase(file, opts);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  // ---- hosts ----------------------------------------------------------------------------

  listHosts(): Host[] {
    const rows = this.db.prepare(`${HOST_SELECT} ORDER BY h.name`).all() as HostRow[];
    return rows.map((r) => this.toHost(r));
  }

  getHost(id: number): Host {
    const row = this.db.prepare(`${HOST_SELECT} WHERE h.id = ?`).get(id) as HostRow | undefined;
    if (!row) throw new RampartError('NOT_FOUND', `No host with id ${id}.`);
    return this.toHost(row);
  }

  findHostByName(name: string): Host | null {
    const row = this.db.prepare(`${HOST_SELECT} WHERE h.name = ?`).get(name) as HostRow | undefined;
    return row ? this.toHost(row) : null;
  }

  addHost(h: NewHost): Host {
    if (this.findHostByName(h.name)) throw new RampartError('CONFLICT', `A host named "${h.name}" already exists.`);
    if (h.jumpHostId != null) this.getHost(h.jumpHostId); // must exist
    const info = this.db
      .prepare(
        `INSERT INTO hosts (name, address, port, username, auth, identity_file, jump_host_id, vpn_only, vpn_interface, vpn_subnet,
                            sudo, tags_json, sshd_config_path, scan_roots_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        h.name,
        h.address,
        h.port,
        h.username,
        h.auth ?? (h.identityFile ? 'key-file' : 'agent'),
        h.identityFile ?? null,
        h.jumpHostId ?? null,
        h.vpnOnly ? 1 : 0,
        h.vpnInterface ?? null,
        h.vpnSubnet ?? null,
        h.sudo ?? 'none',
        JSON.stringify(h.tags ?? []),
        h.sshdConfigPath,
        JSON.stringify(h.scanRoots ?? []),
        new Date().toISOString(),
      );
    return this.getHost(Number(info.lastInsertRowid));
  }

  /** Changes some fields of a host. A jump host may not lead back to the host itself. */
  updateHost(id: number, patch: Partial<NewHost>): Host {
    const cur = this.getHost(id);
    if (patch.name !== undefined && patch.name !== cur.name) {
      const other = this.findHostByName(patch.name);
      if (other && other.id !== id) throw new RampartError('CONFLICT', `A host named "${patch.name}" already exists.`);
    }
    const next = {
      name: patch.name ?? cur.name,
      address: patch.address ?? cur.address,
      port: patch.port ?? cur.port,
      username: patch.username ?? cur.username,
      auth: patch.auth ?? cur.auth,
      identityFile: patch.identityFile !== undefined ? patch.identityFile : cur.identityFile,
      jumpHostId: patch.jumpHostId !== undefined ? patch.jumpHostId : cur.jumpHostId,
      vpnOnly: patch.vpnOnly ?? cur.vpnOnly,
      vpnInterface: patch.vpnInterface !== undefined ? patch.vpnInterface : cur.vpnInterface,
      vpnSubnet: patch.vpnSubnet !== undefined ? patch.vpnSubnet : cur.vpnSubnet,
      sudo: patch.sudo ?? cur.sudo,
      tags: patch.tags ?? cur.tags,
      sshdConfigPath: patch.sshdConfigPath ?? cur.sshdConfigPath,
      scanRoots: patch.scanRoots ?? cur.scanRoots,
    };
    if (next.auth === 'key-file' && !next.identityFile)
      throw new RampartError('VALIDATION', 'A private-key file is required for key-file authentication.', { issues: [{ path: ['identityFile'], message: 'Required for key-file authentication' }] });
    if (next.jumpHostId != null) {
      const chain = this.jumpChain(next.jumpHostId);
      if (chain.some((h) => h.id === id))
        throw new RampartError('VALIDATION', `Jumping through "${chain[chain.length - 1]!.name}" would loop back to "${cur.name}".`, {
          issues: [{ path: ['jumpHostId'], message: 'This jump host leads back to the host itself' }],
        });
    }
    this.db
      .prepare(
        `UPDATE hosts SET name = ?, address = ?, port = ?, username = ?, auth = ?, identity_file = ?, jump_host_id = ?, vpn_only = ?,
                vpn_interface = ?, vpn_subnet = ?, sudo = ?, tags_json = ?, sshd_config_path = ?, scan_roots_json = ? WHERE id = ?`,
      )
      .run(
        next.name,
        next.address,
        next.port,
        next.username,
        next.auth,
        next.identityFile ?? null,
        next.jumpHostId ?? null,
        next.vpnOnly ? 1 : 0,
        next.vpnInterface ?? null,
        next.vpnSubnet ?? null,
        next.sudo,
        JSON.stringify(next.tags),
        next.sshdConfigPath,
        JSON.stringify(next.scanRoots),
        id,
      );
    return this.getHost(id);
  }

  /**
   * The hops to reach a host, first hop first, ending with the host itself. Refuses loops and
   * absurd depths (a corrupted or hand-edited database).
   */
  jumpChain(id: number): Host[] {
    const chain: Host[] = [];
    const seen = new Set<number>();
    let cur: Host | null = this.getHost(id);
    while (cur) {
      if (seen.has(cur.id)) throw new RampartError('VALIDATION', `The jump hosts of "${chain[0]?.name ?? cur.name}" form a loop through "${cur.name}".`);
      if (chain.length >= 16) throw new RampartError('VALIDATION', `More than 16 jump hosts lead to "${chain[0]!.name}".`);
      seen.add(cur.id);
      chain.unshift(cur);
      cur = cur.jumpHostId != null ? this.getHost(cur.jumpHostId) : null;
    }
    return chain;
  }

  /** Hosts that jump through this one. */
  dependents(id: number): Host[] {
    return (this.db.prepare(`${HOST_SELECT} WHERE h.jump_host_id = ? ORDER BY h.name`).all(id) as HostRow[]).map((r) => this.toHost(r));
  }

  /** Records whether a secret of this host is in the keychain (the secret itself never is here). */
  setSecretFlag(id: number, flag: HostSecretFlag, present: boolean): Host {
    this.getHost(id);
    this.db.prepare(`UPDATE hosts SET ${SECRET_COLUMN[flag]} = ? WHERE id = ?`).run(present ? 1 : 0, id);
    return this.getHost(id);
  }

  removeHost(id: number): boolean {
    const deps = this.dependents(id);
    if (deps.length)
      throw new RampartError('CONFLICT', `Other hosts jump through this one (${deps.map((d) => d.name).join(', ')}); change them first.`, {
        dependents: deps.map((d) => d.id),
      });
    return this.db.prepare('DELETE FROM hosts WHERE id = ?').run(id).changes > 0;
  }

  // ---- host keys ------------------------------------------------------------------------

  getPin(address: string, port: number): HostKeyPin | null {
    const r = this.db.prepare('SELECT * FROM host_keys WHERE address = ? AND port = ?').get(address, port) as
      | { address: string; port: number; key_type: string; fingerprint: string; pinned_at: string }
      | undefined;
    return r ? { address: r.address, port: r.port, keyType: r.key_type, fingerprint: r.fingerprint, pinnedAt: r.pinned_at } : null;
  }

  /** Pins a key. With replace=false an existing different pin is a conflict, never silently overwritten. */
  pinKey(address: string, port: number, keyType: string, fingerprint: string, replace: boolean): HostKeyPin {
    const existing = this.getPin(address, port);
    if (existing && existing.fingerprint !== fingerprint && !replace) {
      throw new RampartError(
        'HOST_KEY_CHANGED',
        `${address}:${port} already has a different pinned key (${existing.fingerprint}). Re-pinning must be confirmed explicitly.`,
        { pinned: existing.fingerprint, presented: fingerprint },
      );
    }
    this.db
      .prepare(
        `INSERT INTO host_keys (address, port, key_type, fingerprint, pinned_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(address, port) DO UPDATE SET key_type = excluded.key_type, fingerprint = excluded.fingerprint, pinned_at = excluded.pinned_at`,
      )
      .run(address, port, keyType, fingerprint, new Date().toISOString());
    return this.getPin(address, port)!;
  }

  // ---- runs -----------------------------------------------------------------------------

  saveRun(run: RunRecord): string {
    const id = run.id ?? randomUUID();
    const insertRun = this.db.prepare(
      `INSERT INTO audit_runs (id, host_id, host_name, address, port, started_at, finished_at, status, os, score_json, errors_json, exec_count, duration_ms, timings_json, target_kind, details_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertCheck = this.db.prepare(
      'INSERT INTO check_results (run_id, check_id, category, severity, status, message) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const insertFinding = this.db.prepare(
      `INSERT INTO findings (run_id, finding_key, check_id, category, severity, title, resource, evidence, rationale, remediation, references_json, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      insertRun.run(
        id,
        run.hostId,
        run.hostName,
        run.address,
        run.port,
        run.startedAt,
        run.finishedAt,
        run.status,
        run.os,
        run.score ? JSON.stringify(run.score) : null,
        JSON.stringify(run.errors),
        run.execCount,
        run.durationMs,
        JSON.stringify(run.timings ?? {}),
        run.targetKind ?? 'host',
        run.details ? JSON.stringify(run.details) : null,
      );
      for (const c of run.checks) insertCheck.run(id, c.checkId, c.category, c.severity, c.status, c.message ?? null);
      for (const f of run.findings)
        insertFinding.run(id, f.id, f.checkId, f.category, f.severity, f.title, f.resource, f.evidence, f.rationale, f.remediation, JSON.stringify(f.references), f.status);
    })();
    return id;
  }

  listRuns(opts: { hostId?: number | undefined; domain?: string | undefined; limit?: number } = {}): RunSummary[] {
    const limit = opts.limit ?? 50;
    const rows = (
      opts.domain !== undefined
        ? this.db.prepare("SELECT * FROM audit_runs WHERE target_kind = 'domain' AND address = ? ORDER BY started_at DESC LIMIT ?").all(opts.domain, limit)
        : opts.hostId === undefined
          ? this.db.prepare('SELECT * FROM audit_runs ORDER BY started_at DESC LIMIT ?').all(limit)
          : this.db.prepare('SELECT * FROM audit_runs WHERE host_id = ? ORDER BY started_at DESC LIMIT ?').all(opts.hostId, limit)
    ) as RunRow[];
    return rows.map((r) => this.toSummary(r));
  }

  getRun(id: string): RunDetail {
    const row = this.db.prepare('SELECT * FROM audit_runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) throw new RampartError('NOT_FOUND', `No audit run with id ${id}.`);
    const checks = (
      this.db.prepare('SELECT * FROM check_results WHERE run_id = ? ORDER BY check_id').all(id) as Array<{
        check_id: string;
        category: CheckResult['category'];
        severity: Severity;
        status: CheckResult['status'];
        message: string | null;
      }>
    ).map((c) => ({ checkId: c.check_id, category: c.category, severity: c.severity, status: c.status, ...(c.message ? { message: c.message } : {}) }));
    const findings = (
      this.db
        .prepare(
          `SELECT * FROM findings WHERE run_id = ?
           ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, check_id, resource`,
        )
        .all(id) as Array<Record<string, string>>
    ).map(
      (f): Finding => ({
        id: f.finding_key!,
        checkId: f.check_id!,
        category: f.category as Finding['category'],
        severity: f.severity as Severity,
        title: f.title!,
        resource: f.resource!,
        evidence: f.evidence!,
        rationale: f.rationale!,
        remediation: f.remediation!,
        references: JSON.parse(f.references_json!) as string[],
        status: f.status as Finding['status'],
      }),
    );
    return {
      ...this.toSummary(row),
      findings,
      checks,
      errors: JSON.parse(row.errors_json) as RunError[],
      ...(row.details_json ? { details: JSON.parse(row.details_json) as Record<string, unknown> } : {}),
    };
  }

  // ---- triage ---------------------------------------------------------------------------

  getTriage(findingKey: string): TriageRecord | null {
    const r = this.db.prepare('SELECT * FROM finding_triage WHERE finding_key = ?').get(findingKey) as TriageRow | undefined;
    return r ? toTriage(r) : null;
  }

  triageLog(findingKey: string): TriageLogEntry[] {
    return (this.db.prepare('SELECT status, reason, expires_at, at FROM triage_log WHERE finding_key = ? ORDER BY id').all(findingKey) as Array<{
      status: FindingStatus;
      reason: string | null;
      expires_at: string | null;
      at: string;
    }>).map((r) => ({ status: r.status, reason: r.reason, expiresAt: r.expires_at, at: r.at }));
  }

  /**
   * Sets a finding's triage. Accepted risk needs a reason and a future expiry; a false positive
   * needs a reason. Every change is logged. The latest run of the host is re-scored, since
   * accepted risks and false positives do not count while valid.
   */
  setTriage(input: { findingKey: string; status: FindingStatus; reason?: string | null; expiresAt?: string | null }, now: Date = new Date()): TriageRecord {
    const owner = this.db
      .prepare('SELECT r.host_id AS host_id, r.id AS run_id FROM findings f JOIN audit_runs r ON r.id = f.run_id WHERE f.finding_key = ? ORDER BY r.started_at DESC LIMIT 1')
      .get(input.findingKey) as { host_id: number | null; run_id: string } | undefined;
    if (!owner) throw new RampartError('NOT_FOUND', `No finding ${input.findingKey} in any run.`);
    const reason = input.reason?.trim() || null;
    let expiresAt: string | null = null;
    if (input.status === 'accepted') {
      if (!reason) throw new RampartError('VALIDATION', 'Accepting a risk needs a reason.', { issues: [{ path: ['reason'], message: 'Required' }] });
      const exp = input.expiresAt ? new Date(input.expiresAt) : null;
      if (!exp || Number.isNaN(exp.getTime()))
        throw new RampartError('VALIDATION', 'Accepting a risk needs an expiry date.', { issues: [{ path: ['expiresAt'], message: 'Required' }] });
      if (exp.getTime() <= now.getTime())
        throw new RampartError('VALIDATION', 'The expiry of an accepted risk must be in the future.', { issues: [{ path: ['expiresAt'], message: 'Must be in the future' }] });
      expiresAt = exp.toISOString();
    }
    if (input.status === 'false-positive' && !reason)
      throw new RampartError('VALIDATION', 'Marking a false positive needs a reason.', { issues: [{ path: ['reason'], message: 'Required' }] });
    const at = now.toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO finding_triage (finding_key, host_id, status, reason, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(finding_key) DO UPDATE SET status = excluded.status, reason = excluded.reason, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
        )
        .run(input.findingKey, owner.host_id, input.status, reason, expiresAt, at);
      this.db.prepare('INSERT INTO triage_log (finding_key, status, reason, expires_at, at) VALUES (?, ?, ?, ?, ?)').run(input.findingKey, input.status, reason, expiresAt, at);
      this.refreshRun(owner.run_id, now);
    })();
    return this.getTriage(input.findingKey)!;
  }

  /**
   * The status a finding has in a run observed at `now`: valid triage applies; an expired
   * acceptance is open again; a finding marked fixed that is seen again is open (a regression).
   */
  effectiveStatus(findingKey: string, now: Date = new Date(), runStartedAt?: string): FindingStatus {
    const t = this.getTriage(findingKey);
    if (!t) return 'open';
    if (t.status === 'accepted') return t.expiresAt && new Date(t.expiresAt).getTime() > now.getTime() ? 'accepted' : 'open';
    if (t.status === 'false-positive') return 'false-positive';
    // "Fixed" holds for runs up to the moment it was said; a later run that still finds it reopens it.
    if (t.status === 'fixed') return runStartedAt !== undefined && runStartedAt <= t.updatedAt ? 'fixed' : 'open';
    return 'open';
  }

  /**
   * Statuses for freshly evaluated findings, before the run is scored and saved. A finding that
   * was marked fixed but is found again is reopened, and that is logged.
   */
  applyTriage<F extends { id: string; status: FindingStatus }>(findings: readonly F[], now: Date = new Date()): F[] {
    const at = now.toISOString();
    return findings.map((f) => {
      const t = this.getTriage(f.id);
      if (t?.status === 'fixed') {
        this.db.transaction(() => {
          this.db.prepare("UPDATE finding_triage SET status = 'open', reason = NULL, expires_at = NULL, updated_at = ? WHERE finding_key = ?").run(at, f.id);
          this.db.prepare("INSERT INTO triage_log (finding_key, status, reason, expires_at, at) VALUES (?, 'open', 'found again after it was marked fixed', NULL, ?)").run(f.id, at);
        })();
        return { ...f, status: 'open' as const };
      }
      return { ...f, status: this.effectiveStatus(f.id, now) };
    });
  }

  /** Re-derives finding statuses and the score of a stored run (after triage changed). */
  private refreshRun(runId: string, now: Date): void {
    const run = this.getRun(runId);
    const update = this.db.prepare('UPDATE findings SET status = ? WHERE run_id = ? AND finding_key = ?');
    const findings = run.findings.map((f) => ({ ...f, status: this.effectiveStatus(f.id, now, run.startedAt) }));
    for (const f of findings) update.run(f.status, runId, f.id);
    if (run.score) {
      const score = computeScore(run.checks, findings);
      this.db.prepare('UPDATE audit_runs SET score_json = ? WHERE id = ?').run(JSON.stringify(score), runId);
    }
  }

  // ---- diff -----------------------------------------------------------------------------

  /** The run of the same host (or mail domain) just before this one, if any. */
  previousRun(runId: string): RunSummary | null {
    const cur = this.db.prepare('SELECT host_id, address, port, started_at, target_kind FROM audit_runs WHERE id = ?').get(runId) as
      | { host_id: number | null; address: string; port: number; started_at: string; target_kind: RunTargetKind }
      | undefined;
    if (!cur) throw new RampartError('NOT_FOUND', `No audit run with id ${runId}.`);
    const row = (
      cur.host_id !== null
        ? this.db.prepare('SELECT * FROM audit_runs WHERE host_id = ? AND started_at < ? AND id <> ? ORDER BY started_at DESC LIMIT 1').get(cur.host_id, cur.started_at, runId)
        : this.db
            .prepare('SELECT * FROM audit_runs WHERE host_id IS NULL AND target_kind = ? AND address = ? AND port = ? AND started_at < ? AND id <> ? ORDER BY started_at DESC LIMIT 1')
            .get(cur.target_kind, cur.address, cur.port, cur.started_at, runId)
    ) as RunRow | undefined;
    return row ? this.toSummary(row) : null;
  }

  /** New, resolved and unchanged findings of a run against the host's previous run. */
  diffRun(runId: string): RunDiff {
    const cur = this.getRun(runId);
    const prevSummary = this.previousRun(runId);
    if (!prevSummary) return { runId, previousRunId: null, previous: null, new: cur.findings, resolved: [], unchanged: [] };
    const prev = this.getRun(prevSummary.id);
    const before = new Map(prev.findings.map((f) => [f.id, f]));
    const now = new Set(cur.findings.map((f) => f.id));
    return {
      runId,
      previousRunId: prev.id,
      previous: prevSummary,
      new: cur.findings.filter((f) => !before.has(f.id)),
      resolved: prev.findings.filter((f) => !now.has(f.id)),
      unchanged: cur.findings.filter((f) => before.has(f.id)),
    };
  }

  // ---- mapping --------------------------------------------------------------------------

  private toHost(r: HostRow): Host {
    const last = this.db
      .prepare('SELECT id, started_at, status, score_json FROM audit_runs WHERE host_id = ? ORDER BY started_at DESC LIMIT 1')
      .get(r.id) as { id: string; started_at: string; status: RunStatus; score_json: string | null } | undefined;
    const score = last?.score_json ? (JSON.parse(last.score_json) as Score) : null;
    return {
      id: r.id,
      name: r.name,
      address: r.address,
      port: r.port,
      username: r.username,
      auth: r.auth,
      identityFile: r.identity_file,
      jumpHostId: r.jump_host_id,
      vpnOnly: r.vpn_only === 1,
      vpnInterface: r.vpn_interface,
      vpnSubnet: r.vpn_subnet,
      sudo: r.sudo,
      tags: JSON.parse(r.tags_json) as string[],
      sshdConfigPath: r.sshd_config_path,
      scanRoots: JSON.parse(r.scan_roots_json) as string[],
      secrets: { privateKey: r.has_keychain_key === 1, passphrase: r.has_passphrase === 1, sudoPassword: r.has_sudo_password === 1 },
      createdAt: r.created_at,
      hostKey:
        r.fingerprint && r.key_type && r.pinned_at
          ? { address: r.address, port: r.port, keyType: r.key_type, fingerprint: r.fingerprint, pinnedAt: r.pinned_at }
          : null,
      lastRun: last
        ? { id: last.id, startedAt: last.started_at, status: last.status, score: score?.overall ?? null, grade: score?.grade ?? null }
        : null,
    };
  }

  private toSummary(r: RunRow): RunSummary {
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    const rows = this.db.prepare('SELECT severity, COUNT(*) AS n FROM findings WHERE run_id = ? GROUP BY severity').all(r.id) as Array<{
      severity: Severity;
      n: number;
    }>;
    for (const c of rows) counts[c.severity] = c.n;
    return {
      id: r.id,
      ...(r.target_kind === 'domain' ? { targetKind: 'domain' as const } : {}),
      hostId: r.host_id,
      hostName: r.host_name,
      address: r.address,
      port: r.port,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      status: r.status,
      os: r.os,
      score: r.score_json ? (JSON.parse(r.score_json) as Score) : null,
      findingCounts: counts,
      execCount: r.exec_count,
      durationMs: r.duration_ms,
    };
  }
}
