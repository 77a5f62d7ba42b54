// The handler table, built from the contract. Every request is validated with its channel's
// schema, every response checked against its schema, and every failure returned as a typed
// error envelope: a bad payload never crashes the main process.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { RampartError, type IpcError, type Result } from '../shared/errors';
import { channelEntries, type Contract } from '../shared/ipc/contract';
import type { Channel, ParsedRequestOf, ResponseOf } from '../shared/ipc/channel';
import type { Finding, HostInputParsed, HostUpdate, RunDetail } from '../shared/domain';
import { runAudit } from './audit/auditor';
import type { ImageScan } from './audit/cve/trivy';
import { readTrivyReportFile, TrivyReportFileError, trivyReportName } from './audit/cve/trivyFiles';
import { getSudoPassword } from './ssh/auth';
import { importKnownHostsFile } from './hostKeys/importKnownHosts';
import { importCandidates, previewInventory } from './inventory/importHosts';
import { MailService } from './mail/service';
import { ProbeService } from './probe/service';
import { listProbeProfiles } from './store/probes';
import { RemediationService } from './remediation/service';
import type { Services } from './services';
import { importKeyToKeychain, removeHostSecrets, setSudoPassword } from './ssh/auth';
import { probeHostKeyOf, testConnection, vpnState, type ConnectDeps } from './ssh/hostConnect';
import { fleetDashboard } from './store/dashboard';
import { hostTrend } from './store/scoreHistory';
import { priorityOf } from './priority/scope';
import * as checklists from './checklists/checklists';
import { saveChecklistMarkdown } from './checklists/export';
import { findingSightings, runTimings } from './store/findingHistory';
import { getMailDomain, listMailDomains, removeMailDomain, saveMailDomain } from './store/mailDomains';
import type { NewHost } from './store/store';
import { saveRunReport } from './reports/save';
import { reportScreenHandlers, settingsHandlers } from './settingsHandlers';
import { bulkTriageApply, bulkTriagePreview, deleteView, findingDetail, listViews, queryWorkbench, saveView } from './store/workbench';
import { localActor } from './store/actor';

type Impl = {
  [D in keyof Contract]: {
    [M in keyof Contract[D]]: (req: ParsedRequestOf<Contract[D][M]>) => Promise<ResponseOf<Contract[D][M]>> | ResponseOf<Contract[D][M]>;
  };
};

export interface Handlers {
  /** Channel names this table answers. */
  readonly channels: readonly string[];
  invoke(channel: string, request: unknown): Promise<Result<unknown>>;
}

/** A request's jumpHostId must name an existing host: a field error, not a bare NOT_FOUND. */
function checkJumpHost(s: Services, jumpHostId: number | null | undefined): void {
  if (jumpHostId == null) return;
  try {
    s.store.getHost(jumpHostId);
  } catch (e) {
    if (e instanceof RampartError && e.code === 'NOT_FOUND')
      throw new RampartError('VALIDATION', `jumpHostId: There is no host with id ${jumpHostId}.`, { issues: [{ path: ['jumpHostId'], message: 'No such host' }] });
    throw e;
  }
}

function newHostOf(req: HostInputParsed): NewHost {
  return {
    name: req.name,
    address: req.address,
    port: req.port,
    username: req.username,
    auth: req.auth,
    identityFile: req.identityFile ?? null,
    jumpHostId: req.jumpHostId ?? null,
    vpnOnly: req.vpnOnly,
    vpnInterface: req.vpnInterface ?? null,
    vpnSubnet: req.vpnSubnet ?? null,
    sudo: req.sudo,
    tags: req.tags,
    sshdConfigPath: req.sshdConfigPath,
    scanRoots: req.scanRoots,
  };
}

/** The fields of an update that were given (undefined = keep; null = clear). */
function patchOf(req: z.output<typeof HostUpdate>): Partial<NewHost> {
  const { id: _id, ...fields } = req;
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<NewHost>;
}

/** Findings with their current triage record (reason, expiry) for the UI; one lookup per identity. */
function withTriage(s: Services, findings: readonly Finding[]): Finding[] {
  const seen = new Map<string, Finding['triage']>();
  return findings.map((f) => {
    if (!seen.has(f.id)) {
      const t = s.store.getTriage(f.id);
      seen.set(f.id, t ? { status: t.status, reason: t.reason, expiresAt: t.expiresAt, updatedAt: t.updatedAt } : null);
    }
    return { ...f, triage: seen.get(f.id) ?? null };
  });
}

/** A stored run as the renderer gets it: findings with their triage, and the phase timings. */
/** The user's Trivy reports for an audit, all read and checked before anything connects. */
function readTrivyReports(files: readonly string[]): Array<{ name: string; scans: ImageScan[] }> {
  return [...new Set(files)].map((file) => {
    try {
      const r = readTrivyReportFile(file);
      return { name: trivyReportName(r.file), scans: r.scans };
    } catch (e) {
      if (e instanceof TrivyReportFileError) throw new RampartError('VALIDATION', e.message);
      throw e;
    }
  });
}

function runDetail(s: Services, run: RunDetail): RunDetail {
  return { ...run, findings: withTriage(s, run.findings), timings: runTimings(s.store, run.id) };
}

function implementations(s: Services): Impl {
  const deps: ConnectDeps = { store: s.store, secrets: s.secrets, env: s.env };
  const mail = new MailService({ store: s.store, jobs: s.jobs, emit: (e) => s.emit(e), connect: deps });
  const probes = new ProbeService({ store: s.store, secrets: s.secrets, jobs: s.jobs, emit: (e) => s.emit(e), ...(s.probeRunOptions ? { runOptions: s.probeRunOptions } : {}) });
  const fixes = new RemediationService({ store: s.store, secrets: s.secrets, env: s.env, emit: (e) => s.emit(e), ...(s.remediationTestHooks ? { testHooks: s.remediationTestHooks } : {}) });
  return {
    app: {
      info: () => ({ version: s.appVersion, dbPath: s.store.file, schemaVersion: s.store.schemaVersion, platform: s.platform, nativeDialogs: Boolean(s.dialogs) }),
    },
    hosts: {
      list: () => s.store.listHosts(),
      add: (req) => {
        checkJumpHost(s, req.jumpHostId);
        return s.store.addHost(newHostOf(req));
      },
      update: (req) => {
        s.store.getHost(req.id);
        checkJumpHost(s, req.jumpHostId);
        if (req.jumpHostId === req.id)
          throw new RampartError('VALIDATION', 'jumpHostId: A host cannot jump through itself.', { issues: [{ path: ['jumpHostId'], message: 'A host cannot jump through itself' }] });
        const updated = s.store.updateHost(req.id, patchOf(req));
        // Address, user, key, jump host or VPN settings may have changed, for this host and every
        // chain through it: pooled connections are reopened by the next job.
        s.pool.forgetAll();
        return updated;
      },
      remove: async (req) => {
        const host = s.store.getHost(req.hostId);
        // Refuse before touching the keychain: a refused removal keeps the host's secrets.
        const dependents = s.store.dependents(host.id);
        if (dependents.length)
          throw new RampartError('CONFLICT', `Other hosts jump through "${host.name}" (${dependents.map((d) => d.name).join(', ')}); change their jump host first.`, {
            dependents: dependents.map((d) => ({ id: d.id, name: d.name })),
          });
        const hasSecrets = host.secrets.privateKey || host.secrets.passphrase || host.secrets.sudoPassword;
        try {
          await removeHostSecrets(s.store, s.secrets, host.id);
        } catch (e) {
          // Without a keychain a host that never stored a secret can still go; one that did must
          // not leave its secrets behind unnoticed.
          if (hasSecrets || !(e instanceof RampartError && e.code === 'KEYCHAIN_UNAVAILABLE')) throw e;
        }
        s.pool.forget(host.id);
        return { removed: s.store.removeHost(host.id) };
      },
      importKey: async (req) => {
        const res = await importKeyToKeychain(s.store, s.secrets, req.hostId, { privateKeyPath: req.privateKeyPath, passphrase: req.passphrase ?? null });
        s.pool.forgetAll(); // the host's key, and the key of every chain through it
        return res;
      },
      setSudoPassword: (req) => setSudoPassword(s.store, s.secrets, req.hostId, req.password),
      testConnection: (req) => {
        s.store.getHost(req.hostId);
        // The test opens its own connections, hop by hop, to say where a path breaks (a pooled
        // connection would prove nothing new); the one it proved becomes the host's pooled
        // connection, so the next audit starts without a new login.
        s.pool.forget(req.hostId);
        return testConnection(deps, req.hostId, { keep: (conn) => s.pool.adopt(req.hostId, conn) });
      },
      vpnState: (req) => {
        s.store.getHost(req.hostId);
        return vpnState(deps, req.hostId);
      },
      probeKey: async (req) => {
        const host = s.store.getHost(req.hostId);
        const presented = await probeHostKeyOf(deps, host.id);
        const pinned = s.store.getPin(host.address, host.port);
        return {
          hostId: host.id,
          address: host.address,
          port: host.port,
          keyType: presented.keyType,
          fingerprint: presented.fingerprint,
          state: !pinned ? 'unknown' : pinned.fingerprint === presented.fingerprint ? 'match' : 'changed',
          pinned,
        } as const;
      },
      trustKey: (req) => {
        const host = s.store.getHost(req.hostId);
        s.store.pinKey(host.address, host.port, req.keyType, req.fingerprint, req.replace);
        s.pool.forgetAll();
        return s.store.getHost(host.id);
      },
    },
    hostKeys: {
      importKnownHosts: (req) => importKnownHostsFile(s.store, req.path, req.hostIds),
    },
    inventory: {
      preview: (req) => previewInventory(s.store, req.kind, req.path),
      import: (req) => importCandidates(s.store, req.candidates),
    },
    audit: {
      run: async (req) => {
        const host = s.store.getHost(req.hostId);
        const trivyReports = readTrivyReports(req.trivyReports ?? []);
        const jobId = req.jobId ?? randomUUID();
        if (s.jobs.has(jobId)) throw new RampartError('CONFLICT', `Job ${jobId} is already running.`);
        const controller = new AbortController();
        s.jobs.set(jobId, controller);
        const emit = (phase: 'failed' | 'cancelled', message: string): void =>
          s.emit({ type: 'audit-progress', jobId, hostId: host.id, phase, message, progress: 1 });
        try {
          const target = {
            hostId: host.id,
            name: host.name,
            address: host.address,
            port: host.port,
            username: host.username,
            identityFile: host.identityFile,
            sshdConfigPath: host.sshdConfigPath,
            scanRoots: host.scanRoots,
            vpn: { only: host.vpnOnly, interface: host.vpnInterface, subnet: host.vpnSubnet },
            sudo: host.sudo,
            sudoPassword: host.sudo === 'sudo-password' ? await getSudoPassword(host, s.secrets) : null,
          };
          // Through the session pool: the host's one connection, reused by the next job on it.
          const run = await s.pool.withHost(host.id, controller.signal, (session) =>
            runAudit(s.store, target, {
              jobId,
              signal: controller.signal,
              onProgress: (p) => s.emit({ type: 'audit-progress', jobId, hostId: host.id, ...p }),
              session,
              ...(trivyReports.length ? { trivyReports } : {}),
            }),
          );
          return runDetail(s, run);
        } catch (e) {
          const cancelled = e instanceof RampartError && e.code === 'CANCELLED';
          emit(cancelled ? 'cancelled' : 'failed', (e as Error).message);
          throw e;
        } finally {
          s.jobs.delete(jobId);
        }
      },
      chooseTrivyReport: async () => {
        if (!s.dialogs) throw new RampartError('VALIDATION', 'No native file dialog here: type the full path of the report.');
        return { path: await s.dialogs.openFile({ title: 'Attach a Trivy JSON report', filters: [{ name: 'Trivy JSON report', extensions: ['json'] }] }) };
      },
      cancel: (req) => {
        const c = s.jobs.get(req.jobId);
        c?.abort();
        return { cancelled: Boolean(c) };
      },
    },
    runs: {
      list: (req) => s.store.listRuns({ hostId: req.hostId, limit: req.limit }),
      get: (req) => runDetail(s, s.store.getRun(req.runId)),
      diff: (req) => {
        const diff = s.store.diffRun(req.runId);
        return {
          ...diff,
          new: withTriage(s, diff.new),
          resolved: withTriage(s, diff.resolved),
          unchanged: withTriage(s, diff.unchanged),
        };
      },
    },
    findings: {
      triage: (req) => {
        // The store checks the rest (an unknown finding is NOT_FOUND; an expiry in the past is a
        // VALIDATION error on expiresAt) and re-scores the latest run that has the finding.
        const triage = s.store.setTriage({ findingKey: req.findingKey, status: req.status, reason: req.reason ?? null, expiresAt: req.expiresAt ?? null, actor: localActor() });
        const latest = findingSightings(s.store, req.findingKey, 1)[0];
        if (!latest) throw new RampartError('NOT_FOUND', `No finding ${req.findingKey} in any run.`);
        return { triage, run: runDetail(s, s.store.getRun(latest.runId)) };
      },
      history: (req) => {
        const triage = s.store.getTriage(req.findingKey);
        const seenIn = findingSightings(s.store, req.findingKey);
        if (!triage && seenIn.length === 0) throw new RampartError('NOT_FOUND', `No finding ${req.findingKey} in any run.`);
        return { findingKey: req.findingKey, triage, log: s.store.triageLog(req.findingKey), seenIn };
      },
    },
    // Guided fixes: the request schemas validate ids and shapes; the service checks the rest (the
    // preview belongs to the host and has not expired, the typed host name of a high-risk plan,
    // no other job on the host, no unfinished job left) before anything reaches the host.
    remediation: {
      catalog: () => fixes.catalog(),
      plan: (req) => fixes.plan(req.hostId, req.findingKeys, { confirmWindowS: req.confirmWindowS }),
      apply: (req) => fixes.apply({ hostId: req.hostId, jobId: req.jobId, typedHostName: req.typedHostName, onFailure: req.onFailure }),
      rollback: (req) => fixes.rollback(req.hostId, req.jobId),
      resume: (req) => fixes.resume(req.hostId, req.jobId),
      history: (req) => fixes.history(req.hostId, req.limit),
      unfinished: () => fixes.unfinished(),
      job: (req) => fixes.job(req.jobId),
      exportAnsible: (req) => fixes.exportAnsible({ hostId: req.hostId, jobId: req.jobId, path: req.path }),
    },
    // Mail domains: the request schemas check names, selectors and the resolver; a linked host
    // must exist. Runs, triage and diffs are the host runs' machinery (target kind "domain").
    mail: {
      listDomains: () => listMailDomains(s.store),
      saveDomain: (req) => {
        if (req.hostId != null) {
          try {
            s.store.getHost(req.hostId);
          } catch {
            throw new RampartError('VALIDATION', `hostId: There is no host with id ${req.hostId}.`, { issues: [{ path: ['hostId'], message: 'No such host' }] });
          }
        }
        const fields = { domain: req.domain, dkimSelectors: req.dkimSelectors, expectedMx: req.expectedMx, resolver: req.resolver, hostId: req.hostId ?? null };
        return saveMailDomain(s.store, req.id ?? null, fields);
      },
      deleteDomain: (req) => ({ removed: removeMailDomain(s.store, req.id) }),
      run: async (req) => runDetail(s, await mail.run(req.domainId, req.jobId ?? randomUUID())),
      cancel: (req) => {
        const c = s.jobs.get(req.jobId);
        c?.abort();
        return { cancelled: Boolean(c) };
      },
      runs: (req) => {
        const d = getMailDomain(s.store, req.domainId);
        return s.store.listRuns({ domain: d.domain, limit: req.limit });
      },
      getRun: (req) => runDetail(s, mail.getRun(req.runId)),
      diff: (req) => {
        const diff = mail.diff(req.runId, req.againstRunId);
        return { ...diff, new: withTriage(s, diff.new), resolved: withTriage(s, diff.resolved), unchanged: withTriage(s, diff.unchanged) };
      },
    },
    // Deliverability probe: passwords go to the keychain in the service; runs are stored with
    // their findings whatever their outcome.
    probe: {
      listProfiles: (req) => listProbeProfiles(s.store, req.domain),
      saveProfile: (req) => probes.saveProfile(req),
      deleteProfile: async (req) => ({ removed: await probes.deleteProfile(req.id) }),
      run: (req) => probes.run(req.profileId, req.jobId ?? randomUUID()),
      cancel: (req) => {
        const c = s.jobs.get(req.jobId);
        c?.abort();
        return { cancelled: Boolean(c) };
      },
      history: (req) => probes.history(req.profileId, req.limit),
      rate: (req) => probes.rate(req.profileId, req.windowDays),
    },
    reports: {
      save: async (req) => {
        const saved = await saveRunReport(s.store, { runId: req.runId, kind: req.kind, format: req.format, dir: s.reportsDir, printPdf: s.printPdf });
        return { ...saved, kind: req.kind, format: req.format };
      },
      ...reportScreenHandlers(s),
    },
    settings: settingsHandlers(s),
    // The findings workbench: every filter, sort and page in SQL (store/workbench.ts). Triage
    // changes are logged with the local user as who made them.
    workbench: {
      query: (req) => queryWorkbench(s.store.db, req),
      finding: (req) => findingDetail(s.store.db, req.findingKey, req.runId),
      bulkPreview: (req) => bulkTriagePreview(s.store.db, { ...req, actor: localActor() }),
      bulkApply: (req) => bulkTriageApply(s.store.db, { ...req, actor: localActor() }),
      views: () => listViews(s.store.db),
      saveView: (req) => saveView(s.store.db, req),
      deleteView: (req) => ({ removed: deleteView(s.store.db, req.id) }),
    },
    dashboard: {
      fleet: () => fleetDashboard(s.store),
      trend: (req) => hostTrend(s.store, req.runId, req.limit),
      priority: (req) => priorityOf(s.store, { hostId: req.hostId, cell: req.cell, limit: req.limit }),
    },
    checklists: {
      templates: () => checklists.listTemplates(),
      list: () => checklists.listChecklists(s.store),
      get: (req) => checklists.getChecklist(s.store, req.id),
      create: (req) => checklists.createChecklist(s.store, req),
      remove: (req) => ({ removed: checklists.removeChecklist(s.store, req.id) }),
      addItem: (req) => checklists.addItem(s.store, req),
      updateItem: (req) => checklists.updateItem(s.store, req),
      removeItem: (req) => checklists.removeItem(s.store, req.id),
      exportMarkdown: (req) => saveChecklistMarkdown(checklists.getChecklist(s.store, req.id), s.reportsDir),
    },
  };
}

export function toIpcError(e: unknown): IpcError {
  if (e instanceof RampartError) return e.toJSON();
  if (e instanceof z.ZodError)
    return {
      code: 'VALIDATION',
      message: e.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '),
      details: { issues: e.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    };
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

export function createHandlers(services: Services): Handlers {
  const impl = implementations(services) as unknown as Record<string, Record<string, (req: unknown) => unknown>>;
  const table = new Map<string, { channel: Channel; fn: (req: unknown) => unknown }>();
  for (const { domain, method, channel } of channelEntries()) {
    const fn = impl[domain]?.[method];
    if (!fn) throw new Error(`no handler for ${channel.name}`);
    table.set(channel.name, { channel, fn });
  }
  return {
    channels: [...table.keys()],
    async invoke(name, request) {
      const entry = table.get(name);
      if (!entry) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown channel "${String(name).slice(0, 80)}".` } };
      const parsed = entry.channel.request.safeParse(request ?? {});
      if (!parsed.success) return { ok: false, error: toIpcError(parsed.error) };
      try {
        const data = await entry.fn(parsed.data);
        const checked = entry.channel.response.safeParse(data);
        if (!checked.success) return { ok: false, error: { code: 'INTERNAL', message: `Response for ${name} did not match its schema: ${toIpcError(checked.error).message}` } };
        return { ok: true, data: checked.data };
      } catch (e) {
        return { ok: false, error: toIpcError(e) };
      }
    },
  };
}
