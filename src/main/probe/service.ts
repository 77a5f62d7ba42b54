// The deliverability probe as the app and the CLI use it: profiles (fields in SQLite, passwords in
// the keychain), a run as a cancellable job with `probe-progress` events, its storage with the
// findings of the window's rate and the verdicts, the history and the rate series.
// Plain Node (no Electron): the handler table, the e2e bridge and the CLI all call it.
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { RampartError } from '../../shared/errors';
import type { ProbeProfile, ProbeProfileParsed, ProbeProgressEvent, ProbeRate, ProbeRun } from '../../shared/ipc/probe';
import type { SecretStore } from '../secrets/secretStore';
import {
  getProbeProfile,
  getProbeRun,
  listProbeRuns,
  probeRate,
  probeSecretAccount,
  removeProbeProfile,
  saveProbeProfile,
  saveProbeRun,
  setProbeSecretFlag,
} from '../store/probes';
import type { Store } from '../store/store';
import { probeFindings } from './findings';
import { runProbe, type ProbeRunOptions } from './run';

/** The window the run's findings judge the rate over. */
export const DEFAULT_RATE_WINDOW_DAYS = 30;

export interface ProbeServiceDeps {
  store: Store;
  secrets: SecretStore;
  emit: (event: ProbeProgressEvent) => void;
  /** Running jobs by id (shared with audits: one cancel map, aborted when the app closes). */
  jobs: Map<string, AbortController>;
  /** Tests only: a shorter poll interval or client timeouts. */
  runOptions?: Pick<ProbeRunOptions, 'pollIntervalMs' | 'connectTimeoutMs'>;
}

export class ProbeService {
  constructor(private readonly deps: ProbeServiceDeps) {}

  /** Saves a profile; given passwords go to the keychain (a new profile is not kept if that fails). */
  async saveProfile(input: ProbeProfileParsed): Promise<ProbeProfile> {
    const { store, secrets } = this.deps;
    const { smtpPassword, seeds, id, ...fields } = input;
    const isNew = id === undefined;
    if (isNew && smtpPassword === undefined) throw fieldError('smtpPassword', 'A new profile needs the submission password');
    seeds.forEach((s, i) => {
      if (isNew && s.imapPassword === undefined) throw fieldError(`seeds.${i}.imapPassword`, `Seed "${s.label}" needs its IMAP password`);
    });
    const { profile, removedSeedIds } = saveProbeProfile(store, id ?? null, { ...fields, seeds: seeds.map(({ imapPassword: _p, ...s }) => s) });
    try {
      if (smtpPassword !== undefined) {
        await secrets.set(probeSecretAccount(profile.id, 'smtp'), smtpPassword);
        setProbeSecretFlag(store, profile.id, 'smtp', true);
      }
      for (const s of seeds) {
        if (s.imapPassword === undefined) continue;
        const seed = profile.seeds.find((x) => x.label.toLowerCase() === s.label.toLowerCase());
        if (!seed) continue;
        await secrets.set(probeSecretAccount(profile.id, { seedId: seed.id }), s.imapPassword);
        setProbeSecretFlag(store, profile.id, { seedId: seed.id }, true);
      }
      for (const seedId of removedSeedIds) await secrets.delete(probeSecretAccount(profile.id, { seedId })).catch(() => false);
    } catch (e) {
      if (isNew) await this.deleteProfile(profile.id).catch(() => undefined);
      throw e;
    }
    return getProbeProfile(store, profile.id);
  }

  /** Removes the profile's keychain passwords, then the profile; its runs stay. */
  async deleteProfile(id: number): Promise<boolean> {
    const { store, secrets } = this.deps;
    const p = getProbeProfile(store, id);
    const accounts = [probeSecretAccount(id, 'smtp'), ...p.seeds.map((s) => probeSecretAccount(id, { seedId: s.id }))];
    const any = p.hasSmtpPassword || p.seeds.some((s) => s.hasImapPassword);
    try {
      for (const a of accounts) await secrets.delete(a);
    } catch (e) {
      // Without a keychain a profile that never stored a password can still go.
      if (any) throw e;
    }
    return removeProbeProfile(store, id);
  }

  history(profileId: number, limit = 50): ProbeRun[] {
    return listProbeRuns(this.deps.store, { id: getProbeProfile(this.deps.store, profileId).id }, limit);
  }

  rate(profileId: number, windowDays = DEFAULT_RATE_WINDOW_DAYS, now: Date = new Date()): ProbeRate {
    return probeRate(this.deps.store, getProbeProfile(this.deps.store, profileId), windowDays, now);
  }

  /**
   * Sends and polls; stores the run (also a failed or cancelled one) with its findings.
   * Throws CANCELLED when cancelled, and the submission server's error when nothing could be sent.
   */
  async run(profileId: number, jobId: string = randomUUID()): Promise<ProbeRun> {
    const { store, secrets, emit, jobs } = this.deps;
    const profile = getProbeProfile(store, profileId);
    if (jobs.has(jobId)) throw new RampartError('CONFLICT', `Job ${jobId} is already running.`);
    const total = profile.seeds.length;
    const send = (phase: ProbeProgressEvent['phase'], message: string, seedsDone: number, progress: number): void =>
      emit({ type: 'probe-progress', jobId, profileId, phase, message, seedsDone, seedsTotal: total, progress });
    const smtpPassword = profile.hasSmtpPassword ? await secrets.get(probeSecretAccount(profile.id, 'smtp')) : null;
    if (smtpPassword === null) throw new RampartError('VALIDATION', `smtpPassword: Profile "${profile.name}" has no submission password in the keychain; set it again.`, { issues: [{ path: ['smtpPassword'], message: 'Not in the keychain' }] });
    const imapPasswords = new Map<number, string>();
    for (const s of profile.seeds) {
      const pw = s.hasImapPassword ? await secrets.get(probeSecretAccount(profile.id, { seedId: s.id })) : null;
      if (pw !== null) imapPasswords.set(s.id, pw);
    }
    let caPem: string | null = null;
    if (profile.caFile) {
      try {
        caPem = fs.readFileSync(profile.caFile, 'utf8');
      } catch (e) {
        throw new RampartError('VALIDATION', `caFile: Cannot read ${profile.caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`, { issues: [{ path: ['caFile'], message: 'Cannot be read' }] });
      }
      if (!/-----BEGIN CERTIFICATE-----/.test(caPem)) throw new RampartError('VALIDATION', `caFile: ${profile.caFile} holds no PEM certificate.`, { issues: [{ path: ['caFile'], message: 'No PEM certificate in it' }] });
    }
    const controller = new AbortController();
    jobs.set(jobId, controller);
    const startedAt = new Date().toISOString();
    try {
      const outcome = await runProbe({
        profile,
        smtpPassword,
        imapPasswords,
        caPem,
        signal: controller.signal,
        onProgress: (p) => send(p.phase, p.message, p.seedsDone, Math.min(0.95, p.progress)),
        ...this.deps.runOptions,
      });
      send('saving', 'Saving the results', total, 0.97);
      const id = randomUUID();
      saveProbeRun(store, {
        id,
        profileId: profile.id,
        profileName: profile.name,
        domain: profile.domain,
        startedAt,
        finishedAt: new Date().toISOString(),
        status: outcome.status,
        error: outcome.error,
        results: outcome.results,
        findings: [],
      });
      if (outcome.status === 'complete') {
        const rate = probeRate(store, profile, DEFAULT_RATE_WINDOW_DAYS);
        const findings = store.applyTriage(probeFindings(profile.domain, profile.targetRate, outcome.results, rate));
        store.db.prepare('UPDATE probe_runs SET findings_json = ? WHERE id = ?').run(JSON.stringify(findings), id);
      }
      const run = getProbeRun(store, id);
      if (outcome.status === 'cancelled') {
        send('cancelled', outcome.error ?? 'Cancelled', total, 1);
        throw new RampartError('CANCELLED', outcome.error ?? 'Cancelled.', { runId: id });
      }
      if (outcome.status === 'failed') {
        send('failed', outcome.error ?? 'Failed', total, 1);
        throw new RampartError(outcome.errorCode ?? 'INTERNAL', outcome.error ?? 'The probe failed.', { runId: id });
      }
      const inbox = run.results.filter((r) => r.folder === 'inbox').length;
      send('done', `${inbox} of ${total} in the inbox${run.allPass ? ', spf/dkim/dmarc pass' : ''}`, total, 1);
      return run;
    } catch (e) {
      if (!(e instanceof RampartError)) send('failed', (e as Error).message, 0, 1);
      throw e;
    } finally {
      jobs.delete(jobId);
    }
  }
}

function fieldError(path: string, message: string): RampartError {
  return new RampartError('VALIDATION', `${path}: ${message}.`, { issues: [{ path: path.split('.'), message }] });
}
