// Export and import of runs and triage decisions as a JSON bundle (src/shared/bundle.ts).
// Import merges: a run already present (same id) is skipped; a triage decision for a finding
// identity the database has no decision for is added; the same decision is unchanged; a
// different decision is a conflict and the newer one (updatedAt) is kept, both reported. A bad
// bundle changes nothing: it is parsed and checked whole before the one transaction that writes.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Bundle, BUNDLE_SCHEMA_ID, type BundleRun, type BundleTriage } from '../../shared/bundle';
import { RampartError } from '../../shared/errors';
import type { ImportConflict, ImportReport } from '../../shared/ipc/settings';
import { computeScore } from '../audit/grading';
import { runTimings } from '../store/findingHistory';
import type { Store } from '../store/store';
import { effectiveStatus } from '../store/triage';

/** Bundles above this size are refused before reading (a run of 1 000 findings is ≈ 1 MB). */
export const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;

interface RunRef {
  id: string;
}

function runIdsFor(store: Store, host: string | null): string[] {
  if (host === null) return (store.db.prepare('SELECT id FROM audit_runs ORDER BY started_at, id').all() as RunRef[]).map((r) => r.id);
  const profile = store.findHostByName(host);
  const rows = profile
    ? (store.db.prepare('SELECT id FROM audit_runs WHERE host_id = ? ORDER BY started_at, id').all(profile.id) as RunRef[])
    : (store.db.prepare('SELECT id FROM audit_runs WHERE lower(host_name) = lower(?) OR lower(address) = lower(?) ORDER BY started_at, id').all(host, host) as RunRef[]);
  if (rows.length === 0) throw new RampartError('NOT_FOUND', `No host or run target named ${host} has runs in this database.`);
  return rows.map((r) => r.id);
}

export function buildBundle(store: Store, opts: { host?: string | undefined; version: string; now?: Date }): Bundle {
  const host = opts.host ?? null;
  const runs: BundleRun[] = runIdsFor(store, host).map((id) => {
    const r = store.getRun(id);
    return {
      id: r.id,
      targetKind: r.targetKind === 'domain' ? 'domain' : 'host',
      hostName: r.hostName,
      address: r.address,
      port: r.port,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      status: r.status,
      os: r.os,
      score: r.score,
      errors: r.errors,
      execCount: r.execCount,
      durationMs: r.durationMs,
      timings: runTimings(store, r.id),
      ...(r.details ? { details: r.details } : {}),
      checks: r.checks,
      findings: r.findings.map(({ triage: _t, ...f }) => f),
    };
  });
  const keys = host === null ? null : new Set(runs.flatMap((r) => r.findings.map((f) => f.id)));
  const rows = store.db.prepare('SELECT finding_key, status, reason, expires_at, updated_at FROM finding_triage ORDER BY finding_key').all() as Array<{
    finding_key: string;
    status: BundleTriage['status'];
    reason: string | null;
    expires_at: string | null;
    updated_at: string;
  }>;
  const triage: BundleTriage[] = rows
    .filter((t) => keys === null || keys.has(t.finding_key))
    .map((t) => ({ findingKey: t.finding_key, status: t.status, reason: t.reason, expiresAt: t.expires_at, updatedAt: t.updated_at, log: store.triageLog(t.finding_key) }));
  return Bundle.parse({
    schema: BUNDLE_SCHEMA_ID,
    tool: 'rampart',
    version: opts.version,
    exportedAt: (opts.now ?? new Date()).toISOString(),
    sourceSchemaVersion: store.schemaVersion,
    host,
    runs,
    triage,
  });
}

/** Writes the bundle to `file` (owner-only: it names hosts and their weaknesses), atomically. */
export function writeBundle(store: Store, file: string, opts: { host?: string | undefined; version: string; now?: Date }): { file: string; bytes: number; runs: number; triage: number } {
  const bundle = buildBundle(store, opts);
  const target = path.resolve(file);
  const tmp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(bundle, null, 1) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new RampartError('VALIDATION', `path: Cannot write ${target}: ${(e as Error).message}`);
  }
  return { file: target, bytes: fs.statSync(target).size, runs: bundle.runs.length, triage: bundle.triage.length };
}

/** Reads and checks a bundle file; BUNDLE_INVALID says what is wrong (first problems, with their place). */
export function readBundle(file: string): Bundle {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new Error('it is not a regular file');
    if (st.size > MAX_BUNDLE_BYTES) throw new Error(`it is larger than ${MAX_BUNDLE_BYTES / 1024 / 1024} MB`);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RampartError('BUNDLE_INVALID', `Cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}. Nothing was imported.`);
  }
  return parseBundle(text, file);
}

export function parseBundle(text: string, name = 'the bundle'): Bundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new RampartError('BUNDLE_INVALID', `${name} is not JSON (${(e as Error).message}). Nothing was imported.`);
  }
  const parsed = Bundle.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`);
    const more = parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : '';
    throw new RampartError('BUNDLE_INVALID', `${name} is not a valid Rampart bundle: ${issues.join('; ')}${more}. Nothing was imported.`, { issues: issues });
  }
  return parsed.data;
}

function sameDecision(a: { status: string; reason: string | null; expiresAt: string | null }, b: { status: string; reason: string | null; expiresAt: string | null }): boolean {
  return a.status === b.status && (a.reason ?? null) === (b.reason ?? null) && (a.expiresAt ?? null) === (b.expiresAt ?? null);
}

/** Merges a checked bundle into the store in one transaction (see the header). */
export function importBundle(store: Store, bundle: Bundle, now: Date = new Date()): ImportReport {
  const db = store.db;
  const report: ImportReport = { runsAdded: 0, runsSkipped: 0, triageAdded: 0, triageUnchanged: 0, conflicts: [] };
  const profileFor = db.prepare("SELECT id FROM hosts WHERE address = ? AND port = ? ORDER BY id LIMIT 1");
  const runExists = db.prepare('SELECT 1 FROM audit_runs WHERE id = ?');
  const ownerOf = db.prepare('SELECT r.host_id AS host_id, r.id AS run_id, r.host_name AS target, f.check_id AS check_id, f.title AS title FROM findings f JOIN audit_runs r ON r.id = f.run_id WHERE f.finding_key = ? ORDER BY r.started_at DESC LIMIT 1');
  const upsert = db.prepare(
    `INSERT INTO finding_triage (finding_key, host_id, status, reason, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(finding_key) DO UPDATE SET status = excluded.status, reason = excluded.reason, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
  );
  const logHas = db.prepare('SELECT 1 FROM triage_log WHERE finding_key = ? AND at = ? AND status = ?');
  const logAdd = db.prepare('INSERT INTO triage_log (finding_key, status, reason, expires_at, at) VALUES (?, ?, ?, ?, ?)');
  const touchedRuns = new Set<string>();

  db.transaction(() => {
    for (const run of bundle.runs) {
      if (runExists.get(run.id)) {
        report.runsSkipped++;
        continue;
      }
      const hostId = run.targetKind === 'host' ? ((profileFor.get(run.address, run.port) as { id: number } | undefined)?.id ?? null) : null;
      store.saveRun({
        id: run.id,
        targetKind: run.targetKind,
        hostId,
        hostName: run.hostName,
        address: run.address,
        port: run.port,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        status: run.status,
        os: run.os,
        score: run.score,
        errors: run.errors,
        execCount: run.execCount,
        durationMs: run.durationMs,
        checks: run.checks,
        findings: run.findings,
        timings: run.timings,
        ...(run.details ? { details: run.details } : {}),
      });
      report.runsAdded++;
    }
    for (const t of bundle.triage) {
      const local = store.getTriage(t.findingKey);
      const owner = ownerOf.get(t.findingKey) as { host_id: number | null; run_id: string; target: string; check_id: string; title: string } | undefined;
      let write = false;
      if (!local) {
        report.triageAdded++;
        write = true;
      } else if (sameDecision(local, t)) {
        report.triageUnchanged++;
      } else {
        const bundleNewer = t.updatedAt > local.updatedAt;
        const c: ImportConflict = {
          findingKey: t.findingKey,
          target: owner?.target ?? null,
          checkId: owner?.check_id ?? null,
          title: owner?.title ?? null,
          local: { status: local.status, updatedAt: local.updatedAt },
          bundle: { status: t.status, updatedAt: t.updatedAt },
          kept: bundleNewer ? 'bundle' : 'local',
        };
        report.conflicts.push(c);
        write = bundleNewer;
      }
      // The history of both sides is kept either way: entries the database lacks are added.
      for (const e of t.log) if (!logHas.get(t.findingKey, e.at, e.status)) logAdd.run(t.findingKey, e.status, e.reason, e.expiresAt, e.at);
      if (write) {
        upsert.run(t.findingKey, owner?.host_id ?? null, t.status, t.reason, t.expiresAt, t.updatedAt);
        if (owner) touchedRuns.add(owner.run_id);
      }
    }
    // The latest run holding a finding whose decision changed is re-derived and re-scored, as
    // setting the triage in the app does.
    const update = db.prepare('UPDATE findings SET status = ? WHERE run_id = ? AND finding_key = ?');
    for (const runId of touchedRuns) {
      const run = store.getRun(runId);
      const findings = run.findings.map((f) => ({ ...f, status: effectiveStatus(db, f.id, now, run.startedAt) }));
      for (const f of findings) update.run(f.status, runId, f.id);
      if (run.score) db.prepare('UPDATE audit_runs SET score_json = ? WHERE id = ?').run(JSON.stringify(computeScore(run.checks, findings)), runId);
    }
  })();
  return report;
}
