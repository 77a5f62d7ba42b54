// Typed access to the SQLite store. Plain Node: no Electron import. One class over the open
// database; each concern lives in its own module (hosts.ts: hosts and pinned keys; runs.ts: runs
// and their diff; triage.ts: finding statuses), and the methods here delegate to it.
import type { FindingStatus, Host, HostKeyPin, RunDetail, RunDiff, RunSummary, TriageLogEntry, TriageRecord } from '../../shared/domain';
import { type Db, openDatabase, schemaVersion, type OpenOptions } from './db';
import * as hosts from './hosts';
import type { HostSecretFlag, NewHost } from './hosts';
import * as runs from './runs';
import type { RunRecord } from './runs';
import * as triage from './triage';

export type { HostSecretFlag, NewHost } from './hosts';
export type { RunRecord, RunTargetKind } from './runs';
// One home per concept: the shapes the IPC contract declares (src/shared/domain.ts).
export type { RunDiff, TriageLogEntry, TriageRecord };

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

  // ---- hosts and pinned keys (hosts.ts) ---------------------------------------------------
  listHosts(): Host[] {
    return hosts.listHosts(this.db);
  }
  getHost(id: number): Host {
    return hosts.getHost(this.db, id);
  }
  findHostByName(name: string): Host | null {
    return hosts.findHostByName(this.db, name);
  }
  addHost(h: NewHost): Host {
    return hosts.addHost(this.db, h);
  }
  /** Changes some fields of a host. A jump host may not lead back to the host itself. */
  updateHost(id: number, patch: Partial<NewHost>): Host {
    return hosts.updateHost(this.db, id, patch);
  }
  /** The hops to reach a host, first hop first, ending with the host itself. */
  jumpChain(id: number): Host[] {
    return hosts.jumpChain(this.db, id);
  }
  /** Hosts that jump through this one. */
  dependents(id: number): Host[] {
    return hosts.dependents(this.db, id);
  }
  /** Records whether a secret of this host is in the keychain (the secret itself never is here). */
  setSecretFlag(id: number, flag: HostSecretFlag, present: boolean): Host {
    return hosts.setSecretFlag(this.db, id, flag, present);
  }
  removeHost(id: number): boolean {
    return hosts.removeHost(this.db, id);
  }
  getPin(address: string, port: number): HostKeyPin | null {
    return hosts.getPin(this.db, address, port);
  }
  /** Pins a key. With replace=false an existing different pin is a conflict, never silently overwritten. */
  pinKey(address: string, port: number, keyType: string, fingerprint: string, replace: boolean): HostKeyPin {
    return hosts.pinKey(this.db, address, port, keyType, fingerprint, replace);
  }

  // ---- runs (runs.ts) ---------------------------------------------------------------------
  saveRun(run: RunRecord): string {
    return runs.saveRun(this.db, run);
  }
  listRuns(opts: { hostId?: number | undefined; domain?: string | undefined; limit?: number } = {}): RunSummary[] {
    return runs.listRuns(this.db, opts);
  }
  getRun(id: string): RunDetail {
    return runs.getRun(this.db, id);
  }
  /** The run of the same host (or mail domain) just before this one, if any. */
  previousRun(runId: string): RunSummary | null {
    return runs.previousRun(this.db, runId);
  }
  /** New, resolved and unchanged findings of a run against the host's previous run. */
  diffRun(runId: string): RunDiff {
    return runs.diffRun(this.db, runId);
  }

  // ---- triage (triage.ts) -----------------------------------------------------------------
  getTriage(findingKey: string): TriageRecord | null {
    return triage.getTriage(this.db, findingKey);
  }
  triageLog(findingKey: string): TriageLogEntry[] {
    return triage.triageLog(this.db, findingKey);
  }
  /** Sets a finding's triage (rules in triage.ts); every change is logged and the run re-scored. */
  setTriage(input: { findingKey: string; status: FindingStatus; reason?: string | null; expiresAt?: string | null; actor?: string | null }, now: Date = new Date()): TriageRecord {
    return triage.setTriage(this.db, input, now);
  }
  /** The status a finding has in a run observed at `now` (expiry, regression). */
  effectiveStatus(findingKey: string, now: Date = new Date(), runStartedAt?: string): FindingStatus {
    return triage.effectiveStatus(this.db, findingKey, now, runStartedAt);
  }
  /** Statuses for freshly evaluated findings, before the run is scored and saved. */
  applyTriage<F extends { id: string; status: FindingStatus }>(findings: readonly F[], now: Date = new Date()): F[] {
    return triage.applyTriage(this.db, findings, now);
  }
}
