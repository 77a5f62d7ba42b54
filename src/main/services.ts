// The main process's services, built from plain Node modules. Electron's ipcMain, the e2e
// bridge and the CLI all sit on top of these.
import os from 'node:os';
import path from 'node:path';
import type { AppEvent } from '../shared/ipc/events';
import type { DialogService } from './dialogs';
import { KeytarSecretStore, type SecretStore } from './secrets/secretStore';
import { Store } from './store/store';
import type { RemediationTestHooks } from './remediation/service';
import type { ProbeRunOptions } from './probe/run';

type ProbeRunOptionsForTests = Pick<ProbeRunOptions, 'pollIntervalMs' | 'connectTimeoutMs'>;
import { openHostConnection } from './ssh/hostConnect';
import { SessionPool } from './ssh/pool';
import { APP_VERSION } from '../shared/version';

export interface Services {
  store: Store;
  /** The OS keychain (private keys, passphrases, sudo passwords). Never SQLite. */
  secrets: SecretStore;
  /** Environment for credentials (SSH_AUTH_SOCK); the process's own by default. */
  env: NodeJS.ProcessEnv;
  emit: (event: AppEvent) => void;
  appVersion: string;
  platform: string;
  /** Running audits by job id, for cancellation. */
  jobs: Map<string, AbortController>;
  /**
   * One SSH connection per host (jump chain, VPN preflight and pinned keys as openHostConnection
   * does), shared by the jobs that work on it and kept open for a minute after the last one.
   * Dropped when the host's profile, secrets or pinned key change.
   */
  pool: SessionPool;
  /** Tests only: fault injection for the fix service (see RemediationTestHooks). */
  remediationTestHooks?: RemediationTestHooks;
  /** Tests only: the deliverability probe's poll interval and client timeouts. */
  probeRunOptions?: ProbeRunOptionsForTests;
  /** Where the app writes reports (beside the database by default). */
  reportsDir: string;
  /** HTML → PDF for reports: Electron's printToPDF in the app; absent: Chromium headless. */
  printPdf?: (html: string) => Promise<Buffer>;
  /** Native file dialogs (the app); absent in the browser bridge, where paths are typed. */
  dialogs?: DialogService;
  close(): void;
}

export interface ServicesOptions {
  dbFile: string;
  emit?: (event: AppEvent) => void;
  appVersion?: string;
  nativeBinding?: string;
  secrets?: SecretStore;
  env?: NodeJS.ProcessEnv;
  /** Tests only (the e2e harness, lab tests): never set by the app. */
  remediationTestHooks?: RemediationTestHooks;
  probeRunOptions?: ProbeRunOptionsForTests;
  reportsDir?: string;
  printPdf?: (html: string) => Promise<Buffer>;
  dialogs?: DialogService;
}

export { APP_VERSION };

export function createServices(opts: ServicesOptions): Services {
  const store = new Store(opts.dbFile, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  const jobs = new Map<string, AbortController>();
  const secrets = opts.secrets ?? new KeytarSecretStore();
  const env = opts.env ?? process.env;
  const pool = new SessionPool((hostId, signal) => openHostConnection({ store, secrets, env }, hostId, { signal }));
  return {
    store,
    secrets,
    env,
    emit: opts.emit ?? (() => undefined),
    appVersion: opts.appVersion ?? APP_VERSION,
    platform: process.platform,
    jobs,
    pool,
    ...(opts.remediationTestHooks ? { remediationTestHooks: opts.remediationTestHooks } : {}),
    ...(opts.probeRunOptions ? { probeRunOptions: opts.probeRunOptions } : {}),
    reportsDir: opts.reportsDir ?? (opts.dbFile === ':memory:' ? path.join(os.tmpdir(), 'rampart-reports') : path.join(path.dirname(path.resolve(opts.dbFile)), 'reports')),
    ...(opts.printPdf ? { printPdf: opts.printPdf } : {}),
    ...(opts.dialogs ? { dialogs: opts.dialogs } : {}),
    close() {
      for (const c of jobs.values()) c.abort();
      pool.close();
      store.close();
    },
  };
}
