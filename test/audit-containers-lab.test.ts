// The containers part of the audit end to end: a real dockerd (lab/docker.ts) with real containers
// and compose projects, reached from real lab hosts (sshd in a network namespace, DOCKER_HOST set
// by sshd_config SetEnv), audited by runAudit (and the `rampart audit` CLI) over SSH with the real
// collector in one exec.
//   1. hardened containers only: every container check passes, no container or compose secret finding;
//   2. plus the vulnerable set: each misconfiguration is found on the container that has it, the
//      hardened containers stay clean, and the planted secret values appear nowhere: not in the
//      runs, not in the CLI's JSON and markdown reports, not in the SQLite files.
// Needs root, the lab prerequisites, docker.io, busybox-static and docker-compose; skipped without
// them unless RAMPART_LAB_REQUIRED=1 (then it fails).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHardenedSet, createVulnerableSet, VULNERABLE_CONTAINERS } from '../lab/containerSets';
import { labComposeAvailable, labDockerPrerequisites, startLabDocker, stopLabDocker, type LabDocker } from '../lab/docker';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { runAudit, type AuditTarget } from '../src/main/audit/auditor';
import { checks as containerChecks } from '../src/main/audit/checks/containers';
import { checks as containerSecretChecks } from '../src/main/audit/checks/secrets/containerSecrets';
import { Store } from '../src/main/store/store';
import type { Finding, RunDetail } from '../src/shared/domain';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'rampart.mjs');
const available = (labPrerequisites().ok && labDockerPrerequisites().ok && labComposeAvailable()) || process.env.RAMPART_LAB_REQUIRED === '1';

const CONTAINER_CHECKS = containerChecks.map((c) => c.id);
const SECRET_CHECKS = containerSecretChecks.map((c) => c.id);
const OUR_SECTIONS = ['docker', 'compose', 'dockerGroup'];

/** Distinctive values planted in the vulnerable set: none may leave the host. */
const PLANTED = {
  env: 'Qz7-PLANTED-ENV-4f1c9a',
  url: 'Qz7-PLANTED-URL-8b2e61',
  compose: 'Qz7-PLANTED-COMPOSE-c3d507',
  envFile: 'Qz7-PLANTED-ENVFILE-9a0b44',
  dotenv: 'Qz7-PLANTED-DOTENV-51e7aa',
  scan: 'Qz7-PLANTED-SCANROOT-0d93f2',
};
const PLANTED_RE = /Qz7-PLANTED/;

function target(host: LabHost, scanRoots: string[] = []): AuditTarget {
  return { hostId: null, name: host.name, address: host.address, port: host.port, username: host.user, identityFile: host.identityFile, sshdConfigPath: host.sshdConfigPath, scanRoots };
}

function only(run: RunDetail, checkId: string): Finding[] {
  return run.findings.filter((f) => f.checkId === checkId);
}

function resources(run: RunDetail, checkId: string): string[] {
  return only(run, checkId)
    .map((f) => `${f.resource} ${f.severity}`)
    .sort();
}

function statusOf(run: RunDetail, checkId: string): string {
  return run.checks.find((c) => c.checkId === checkId)?.status ?? 'missing';
}

/** `rampart audit … --format FORMAT` (the real CLI, as scripts use it): its exit code and stdout. */
function cli(host: LabHost, dbFile: string, format: string, scanRoots: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [BIN, 'audit', '--host', `${host.user}@${host.address}:${host.port}`, '--identity', host.identityFile, '--db', dbFile, '--accept-new-host-key', '--format', format];
  for (const r of scanRoots) args.push('--scan-root', r);
  const env = { ...process.env };
  delete env.SSH_AUTH_SOCK;
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: 120_000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function listTree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

describe.skipIf(!available)('audit of containers on a real dockerd through lab hosts', () => {
  const hosts: LabHost[] = [];
  let d: LabDocker | undefined;
  let hardenedHost: LabHost;
  let vulnHost: LabHost;
  let dir: string;
  let dbFile: string;
  let store: Store;
  let hardenedRun: RunDetail;
  let vulnRun: RunDetail;
  let cliReports: Promise<Array<{ code: number; stdout: string; stderr: string }>> | undefined;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-audit-containers-'));
    dbFile = path.join(dir, 'rampart.db');
    store = new Store(dbFile);
    d = await startLabDocker();
    const extra = `SetEnv DOCKER_HOST=${d.dockerHost}`;
    const results = await Promise.allSettled([
      createLabHost({ scenario: 'hardened', sshdExtraConfig: extra }),
      createLabHost({
        scenario: 'hardened',
        sshdExtraConfig: extra,
        network: {
          // A per-host /etc/group (bound over /etc/group by `ip netns exec`): docker has members here.
          setup: async (ctx) => {
            const group = fs
              .readFileSync('/etc/group', 'utf8')
              .split('\n')
              .filter((l) => !l.startsWith('docker:'))
              .concat('docker:x:4242:rampart-alice,rampart-ci')
              .filter(Boolean)
              .join('\n');
            fs.writeFileSync(path.join('/etc/netns', ctx.name, 'group'), `${group}\n`, { mode: 0o644 });
          },
        },
      }),
    ]);
    for (const r of results) if (r.status === 'fulfilled') hosts.push(r.value);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    [hardenedHost, vulnHost] = hosts as [LabHost, LabHost];

    await createHardenedSet(d);
  });

  afterAll(async () => {
    store?.close();
    await Promise.allSettled(hosts.map((h) => destroyLabHost(h)));
    if (d) await stopLabDocker(d);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hardened containers: every container check passes, no container secret found, ≤ 3 execs', async () => {
    hardenedRun = await runAudit(store, target(hardenedHost), { acceptNewHostKey: true });
    expect(hardenedRun.execCount).toBeLessThanOrEqual(3); // one script (plus the collector's slow lane): no exec per container
    expect(hardenedRun.errors.filter((e) => OUR_SECTIONS.includes(e.section))).toEqual([]);
    for (const id of CONTAINER_CHECKS) expect(statusOf(hardenedRun, id), id).toBe('pass');
    for (const id of SECRET_CHECKS) expect(statusOf(hardenedRun, id), id).toBe('pass');
    expect(hardenedRun.findings.filter((f) => f.category === 'containers' || SECRET_CHECKS.includes(f.checkId))).toEqual([]);
    expect(hardenedRun.score?.categories.containers).toMatchObject({ score: 100, grade: 'A+' });
    // The docker CLI on the host wrote nothing into root's home.
    expect(fs.existsSync(path.join(hardenedHost.stateDir, 'root-home', '.docker'))).toBe(false);
  });

  it('vulnerable set: each misconfiguration detected, check by check; the hardened containers stay clean', async () => {
    const lab = d!;
    const P = PLANTED;
    await createVulnerableSet(lab, P);
    // A compose project on disk only (no containers): found under the scan root, named as in real stacks.
    const scanRoot = path.join(lab.dir, 'scan');
    const scanFile = path.join(scanRoot, 'stack', 'services', 'postgres.yml');
    fs.mkdirSync(path.dirname(scanFile), { recursive: true });
    fs.writeFileSync(scanFile, `services:\n  db:\n    image: postgres:17.2\n    environment:\n      POSTGRES_PASSWORD: ${P.scan}\n      PGADMIN_DEFAULT_PASSWORD: changeme\n`);
    const composeDir = path.join(lab.dir, 'compose');
    const before = [...listTree(composeDir), ...listTree(scanRoot)];

    // The CLI's reports of the same state (checked in the next test), audited meanwhile, each into a
    // database of its own (two processes creating one new database race on its schema).
    cliReports = Promise.all(['json', 'markdown'].map((format) => cli(vulnHost, path.join(dir, `rampart-cli-${format}.db`), format, [scanRoot])));
    cliReports.catch(() => {});
    vulnRun = await runAudit(store, target(vulnHost, [scanRoot]), { acceptNewHostKey: true });
    expect(vulnRun.execCount).toBeLessThanOrEqual(3);
    expect(vulnRun.errors.filter((e) => OUR_SECTIONS.includes(e.section))).toEqual([]);
    expect([...listTree(composeDir), ...listTree(scanRoot)]).toEqual(before); // read-only

    for (const id of [...CONTAINER_CHECKS, ...SECRET_CHECKS]) expect(statusOf(vulnRun, id), id).toBe('fail');
    const v = (name: string, sev: string): string => `container:${name} ${sev}`;
    expect(resources(vulnRun, 'DOCKER-PRIVILEGED')).toEqual([v('v-privileged', 'critical')]);
    expect(resources(vulnRun, 'DOCKER-SOCKET-MOUNT')).toEqual([v('v-socket', 'critical')]);
    expect(resources(vulnRun, 'DOCKER-DANGEROUS-CAPS')).toEqual([v('v-caps', 'critical')]);
    expect(resources(vulnRun, 'DOCKER-HOST-NETWORK')).toEqual([v('v-hostnet', 'high')]);
    expect(resources(vulnRun, 'DOCKER-HOST-PID')).toEqual([v('v-hostns', 'high')]);
    expect(resources(vulnRun, 'DOCKER-HOST-IPC')).toEqual([v('v-hostns', 'medium')]);
    expect(resources(vulnRun, 'DOCKER-HOST-UTS')).toEqual([v('v-hostns', 'medium')]);
    expect(resources(vulnRun, 'DOCKER-SENSITIVE-MOUNT')).toEqual([v('v-mounts', 'critical')]);
    expect(resources(vulnRun, 'DOCKER-APPARMOR-UNCONFINED')).toEqual([v('v-unconfined', 'high')]);
    expect(resources(vulnRun, 'DOCKER-SECCOMP-UNCONFINED')).toEqual([v('v-unconfined', 'high')]);
    expect(resources(vulnRun, 'DOCKER-PORTS-ALL-INTERFACES')).toEqual([v('v-ports', 'medium')]);
    expect(resources(vulnRun, 'DOCKER-UNHEALTHY')).toEqual([v('v-restarting', 'medium'), v('v-unhealthy', 'medium')]);
    expect(resources(vulnRun, 'DOCKER-IMAGE-LATEST')).toEqual([v('v-caps', 'medium'), v('v-ports', 'medium'), v('v-unconfined', 'medium')]);
    expect(resources(vulnRun, 'DOCKER-GROUP-MEMBERS')).toEqual(['group:docker:rampart-alice medium', 'group:docker:rampart-ci medium']);

    // Docker's defaults fail on every vulnerable container and on none of the hardened ones.
    const vulnerable: readonly string[] = VULNERABLE_CONTAINERS;
    for (const id of ['DOCKER-NO-CAP-DROP-ALL', 'DOCKER-NO-NEW-PRIVILEGES', 'DOCKER-ROOT-USER', 'DOCKER-NO-MEMORY-LIMIT', 'DOCKER-NO-CPU-LIMIT', 'DOCKER-NO-PIDS-LIMIT', 'DOCKER-ROOTFS-WRITABLE'])
      expect(only(vulnRun, id).map((f) => f.resource.replace(/^container:/, '')).sort(), id).toEqual([...vulnerable].sort());
    expect(only(vulnRun, 'DOCKER-NO-HEALTHCHECK').map((f) => f.resource.replace(/^container:/, '')).sort()).toEqual(vulnerable.filter((n) => n !== 'v-unhealthy').sort());
    for (const clean of ['container:h-app', 'container:hardproj_api_1'])
      expect(vulnRun.findings.filter((f) => f.resource === clean || f.resource.startsWith(`${clean}:`)), clean).toEqual([]);

    // Secrets: compose environment (found through the compose labels), env_file, .env, container Env.
    const composeFile = path.join(lab.dir, 'compose', 'vulnproj', 'docker-compose.yml');
    expect(resources(vulnRun, 'SECRETS-COMPOSE-LITERAL')).toEqual(
      [
        `compose:${composeFile}:web:ADMIN_PASSWORD high`,
        `compose:${composeFile}:web:DB_PASSWORD high`,
        `compose:${scanFile}:db:PGADMIN_DEFAULT_PASSWORD high`,
        `compose:${scanFile}:db:POSTGRES_PASSWORD high`,
      ].sort(),
    );
    expect(resources(vulnRun, 'SECRETS-DEFAULT-COMPOSE')).toEqual(
      [
        `compose:${composeFile}:web:ADMIN_PASSWORD critical`,
        `compose:${scanFile}:db:PGADMIN_DEFAULT_PASSWORD critical`,
        `envfile:${path.join(lab.dir, 'compose', 'vulnproj', 'app.env')}:API_KEY critical`,
      ].sort(),
    );
    expect(resources(vulnRun, 'SECRETS-DEFAULT-CONTAINER')).toEqual([
      'container:v-secrets:API_TOKEN critical',
      'container:vulnproj_web_1:ADMIN_PASSWORD critical',
      'container:vulnproj_web_1:API_KEY critical',
    ]);
    expect(resources(vulnRun, 'SECRETS-CONTAINER-ENV')).toEqual([
      'container:v-secrets:API_TOKEN medium',
      'container:v-secrets:DATABASE_URL medium',
      'container:v-secrets:DB_PASSWORD medium',
      'container:vulnproj_web_1:ADMIN_PASSWORD medium',
      'container:vulnproj_web_1:API_KEY medium',
      'container:vulnproj_web_1:DB_PASSWORD medium',
      'container:vulnproj_web_1:SESSION_TOKEN medium',
      'container:vulnproj_web_1:SMTP_PASSWORD medium',
    ]);
    expect(vulnRun.score?.categories.containers?.grade).toBe('F');
  });

  it('the planted secrets appear nowhere: runs, the CLI reports (json, markdown), the SQLite files', async () => {
    expect(vulnRun, 'the vulnerable audit ran').toBeDefined();
    // The evidence locates each secret (file or container and key) without its value.
    expect(only(vulnRun, 'SECRETS-CONTAINER-ENV').find((f) => f.resource === 'container:v-secrets:DB_PASSWORD')?.evidence).toBe(
      'container v-secrets has DB_PASSWORD in its environment (value not shown)',
    );
    const texts = [JSON.stringify(vulnRun), JSON.stringify(hardenedRun), JSON.stringify(store.getRun(vulnRun.id))];
    // The reports as scripts get them (rampart audit --format json / markdown), audited beside vulnRun.
    const reports = await cliReports!;
    for (const r of reports) {
      expect(r.code, r.stderr).toBe(1); // findings at or above --fail-on high
      texts.push(r.stdout, r.stderr);
    }
    const json = JSON.parse(reports[0]!.stdout) as { findings: Array<{ checkId: string; resource: string }> };
    expect(json.findings.filter((f) => f.checkId === 'SECRETS-COMPOSE-LITERAL').map((f) => f.resource.replace(/^.*:/, '')).sort()).toEqual([
      'ADMIN_PASSWORD',
      'DB_PASSWORD',
      'PGADMIN_DEFAULT_PASSWORD',
      'POSTGRES_PASSWORD',
    ]);
    expect(reports[1]!.stdout).toContain('SECRETS-DEFAULT-CONTAINER');
    for (const t of texts) expect(t).not.toMatch(PLANTED_RE);

    store.close();
    const files = fs.readdirSync(dir).filter((f) => f.startsWith('rampart'));
    expect(files).toEqual(expect.arrayContaining(['rampart.db', 'rampart-cli-json.db', 'rampart-cli-markdown.db']));
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(dir, f));
      for (const value of Object.values(PLANTED)) {
        expect(bytes.includes(Buffer.from(value)), `${f} holds ${value}`).toBe(false);
        expect(bytes.includes(Buffer.from(value, 'utf16le')), `${f} holds ${value} (UTF-16)`).toBe(false);
      }
    }
    store = new Store(dbFile);
    expect(store.listRuns({ limit: 100 }).length).toBe(2);
  });
});
