// Typed access to the SQLite store. Plain Node: no Electron import.
import { randomUUID } from 'node:crypto';
import { RampartError } from '../../shared/errors';
import type {
  CheckResult,
  Finding,
  Host,
  HostKeyPin,
  RunDetail,
  RunError,
  RunStatus,
  RunSummary,
  Score,
  Severity,
} from '../../shared/domain';
import { SEVERITIES } from '../../shared/domain';
import { type Db, openDatabase, schemaVersion, type OpenOptions } from './db';

export interface NewHost {
  name: string;
  address: string;
  port: number;
  username: string;
  identityFile?: string | undefined;
  sshdConfigPath: string;
}

export interface RunRecord {
  id?: string;
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
  key_type: string | null;
  fingerprint: string | null;
  pinned_at: string | null;
}

interface RunRow {
  id: string;
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
    const info = this.db
      .prepare(
        `INSERT INTO hosts (name, address, port, username, identity_file, sshd_config_path, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(h.name, h.address, h.port, h.username, h.identityFile ?? null, h.sshdConfigPath, new Date().toISOString());
    return this.getHost(Number(info.lastInsertRowid));
  }

  removeHost(id: number): boolean {
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
      `INSERT INTO audit_runs (id, host_id, host_name, address, port, started_at, finished_at, status, os, score_json, errors_json, exec_count, duration_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      );
      for (const c of run.checks) insertCheck.run(id, c.checkId, c.category, c.severity, c.status, c.message ?? null);
      for (const f of run.findings)
        insertFinding.run(id, f.id, f.checkId, f.category, f.severity, f.title, f.resource, f.evidence, f.rationale, f.remediation, JSON.stringify(f.references), f.status);
    })();
    return id;
  }

  listRuns(opts: { hostId?: number | undefined; limit?: number } = {}): RunSummary[] {
    const limit = opts.limit ?? 50;
    const rows = (
      opts.hostId === undefined
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
    return { ...this.toSummary(row), findings, checks, errors: JSON.parse(row.errors_json) as RunError[] };
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
      identityFile: r.identity_file,
      sshdConfigPath: r.sshd_config_path,
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
