// `rampart fix` for the container fixes, end to end against a real lab host (sshd in a network
// namespace) whose commands reach a real throw-away dockerd (lab/docker.ts, DOCKER_HOST set by
// sshd_config SetEnv) and the real docker-compose: every compose hardening of COMPOSE_EDITS
// applied (one job, each fix re-creating the service and passing its health gate and re-check)
// and reverted by --rollback; a hardening that breaks the service (cap_drop ALL against a
// healthcheck that needs CAP_CHOWN) rolled back automatically; faults at each step (connection
// dropped after the backup, after the write, during the health wait; compose rejecting the edited
// file; the file changed between plan and apply; SIGKILL mid-job then --resume/--rollback); a
// hostile project folder and a service named '-x'; the container restart fix.
// After each: the compose file (hash, mode, owner) and the service's compose config-hash equal the
// pre-state, or the job says rollback-incomplete. No secret value in any output or in the journal.
// Needs root, the lab prerequisites, docker.io, busybox-static and docker-compose; skipped without
// them unless RAMPART_LAB_REQUIRED=1 (then it fails). Every service runs with network_mode: none.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabContainer, docker, labComposeAvailable, labDockerPrerequisites, startLabDocker, stopLabDocker, type LabDocker } from '../lab/docker';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { findingKey } from '../src/main/audit/engine';
import { composeUpAndWait, detectCompose, parseContainerIds, serviceContainersCommand, type ComposeProject, type ComposeTool, type Run, type WaitOptions } from '../src/main/remediation/compose/remote';
import { setNoNewPrivileges } from '../src/main/remediation/compose/edit';
import { FixEngine, type EngineOptions, type JobReport } from '../src/main/remediation/engine';
import { BACKUP_ROOT } from '../src/main/remediation/remote';
import { connect, type SshConnection } from '../src/main/ssh/connection';
import { Store } from '../src/main/store/store';
import { RampartError } from '../src/shared/errors';
import { FixJobReport, FixPreview } from '../src/shared/ipc/remediation';
import { BIN, exec, ROOT, type Result } from './support/cliContract';
import { dropConnections as dropHostConnections, killMidJob as killMidJobIn, removeJobBackups, labDockerShell, FIX_REPORT as REPORT, type FixReport as Report } from './support/remediation';

const available = (labPrerequisites().ok && labDockerPrerequisites().ok && labComposeAvailable()) || process.env.RAMPART_LAB_REQUIRED === '1';

/** Healthchecks here run every second: a health gate answers in a few seconds. */
const WAIT: WaitOptions = { timeoutMs: 60_000, stableForMs: 2_000, pollIntervalMs: 500 };
const IDLE = `["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]`;
const SECRET_RE = /Qz7-fixlab-secret/;

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface FileSnap {
  mode: number;
  uid: number;
  gid: number;
  sha256: string;
}
function snap(p: string): FileSnap | null {
  if (!fs.existsSync(p)) return null;
  const s = fs.lstatSync(p);
  return { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, sha256: sha256(fs.readFileSync(p)) };
}

/** A service with a healthcheck that passes under every hardening of COMPOSE_EDITS. */
function healthyService(name: string, extra = ''): string {
  return `  ${name}:
    image: lab/busybox:1.35
    network_mode: none
    restart: "no"
    command: ${IDLE}
    healthcheck:
      test: ["CMD-SHELL", "test -d /proc/1"]
      interval: 1s
      timeout: 3s
      retries: 3
${extra}`;
}

describe.skipIf(!available)('rampart fix: compose hardening and container restart on a lab host with a real dockerd', { timeout: 300_000 }, () => {
  let d: LabDocker;
  let host: LabHost;
  let dir: string;
  let db: string;
  let local: Run;
  let tool: ComposeTool;
  const jobs = new Set<string>();
  const hostKey = (): string => `${host.address}:${host.port}`;
  const conn = (): string[] => ['--host', `${host.user}@${host.address}:${host.port}`, '--identity', host.identityFile, '--accept-new-host-key', '--db', db];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-compose-fix-'));
    db = path.join(dir, 'rampart.db');
    d = await startLabDocker();
    host = await createLabHost({ scenario: 'hardened', sshdExtraConfig: `SetEnv DOCKER_HOST=${d.dockerHost}` });
    // The test's own hands on the lab dockerd (to set projects up and look at them): a local sh.
    local = labDockerShell(d, dir);
    tool = await detectCompose(local);
  }, 180_000);

  afterAll(async () => {
    if (host) await destroyLabHost(host).catch(() => undefined);
    if (d) await stopLabDocker(d).catch(() => undefined);
    removeJobBackups(jobs);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  interface Project {
    p: ComposeProject;
    file: string;
    dir: string;
  }

  /** Writes a compose project under the lab dockerd's compose/ folder and brings its services up, healthy. */
  async function startProject(dirName: string, name: string, text: string, services: string[], fileName = 'docker-compose.yml', envPrefix = ''): Promise<Project> {
    const pdir = path.join(d.dir, 'compose', dirName);
    fs.mkdirSync(pdir, { recursive: true });
    const file = path.join(pdir, fileName);
    for (const line of text.split('\n')) if (/^\s+image:/.test(line)) expect(line).toMatch(/image: lab\//);
    expect(text.match(/network_mode: none/g)?.length).toBe(services.length);
    fs.writeFileSync(file, text, { mode: 0o644 });
    const p: ComposeProject = { tool, files: [file], projectName: name, projectDir: pdir };
    for (const s of services) {
      const r = await composeUpAndWait((c) => local(envPrefix ? `${envPrefix} ${c}` : c), p, s, WAIT);
      expect(r.ok, `${s}: ${r.up.stderr} ${r.wait?.detail ?? ''}`).toBe(true);
    }
    return { p, file, dir: pdir };
  }

  async function containerId(p: ComposeProject, service: string): Promise<string> {
    const ids = parseContainerIds((await local(serviceContainersCommand(p.projectName, service))).stdout);
    expect(ids, `${p.projectName}/${service}`).toHaveLength(1);
    return ids[0]!;
  }

  interface ServiceSnap {
    configHash: string;
    running: boolean;
    health: string | null;
    capDrop: string[] | null;
    securityOpt: string[] | null;
    readonly: boolean;
    memory: number;
  }
  /** The service's container as compose and docker see it: the config-hash compose re-creates by, and its state. */
  async function service(p: ComposeProject, name: string): Promise<ServiceSnap> {
    const id = await containerId(p, name);
    const o = JSON.parse(await docker(d, ['inspect', '--format', '{{json .}}', id])) as {
      Config: { Labels: Record<string, string> };
      State: { Running: boolean; Health?: { Status: string } };
      HostConfig: { CapDrop: string[] | null; SecurityOpt: string[] | null; ReadonlyRootfs: boolean; Memory: number };
    };
    return {
      configHash: o.Config.Labels['com.docker.compose.config-hash']!,
      running: o.State.Running,
      health: o.State.Health?.Status ?? null,
      capDrop: o.HostConfig.CapDrop,
      securityOpt: o.HostConfig.SecurityOpt,
      readonly: o.HostConfig.ReadonlyRootfs,
      memory: o.HostConfig.Memory,
    };
  }

  async function containerName(p: ComposeProject, svc: string): Promise<string> {
    return (await docker(d, ['inspect', '--format', '{{.Name}}', await containerId(p, svc)])).trim().replace(/^\//, '');
  }

  async function findingOf(checkId: string, p: ComposeProject, svc: string): Promise<string> {
    return findingKey(hostKey(), checkId, `container:${await containerName(p, svc)}`);
  }

  async function cli(args: readonly string[], timeoutMs = 240_000): Promise<Result & { report: Report | null }> {
    const r = await exec(process.execPath, [BIN, ...args], timeoutMs);
    let report: Report | null = null;
    if (args.includes('json') && r.stdout.trim().startsWith('{')) {
      const parsed = JSON.parse(r.stdout) as { status?: string };
      if (parsed.status !== 'failed') report = REPORT.parse(parsed);
    }
    if (report?.jobId) jobs.add(report.jobId);
    return { ...r, report };
  }

  /** The engine in this process (as `rampart fix --yes` drives it), for fault injection at a step. */
  async function fixHere(
    findingIds: string[],
    beforeStep?: (step: Parameters<NonNullable<EngineOptions['beforeStep']>>[0], phase: Parameters<NonNullable<EngineOptions['beforeStep']>>[1], net: { failReconnects: number }) => void,
    rollbackAfter = false,
  ): Promise<{ report: JobReport; rolledBack: JobReport | null }> {
    const opened: SshConnection[] = [];
    // A network blip: the next reconnects fail as a dropped connection would.
    const net = { failReconnects: 0 };
    const open = async (): Promise<SshConnection> => {
      if (net.failReconnects > 0) {
        net.failReconnects--;
        throw new RampartError('CONNECTION_DROPPED', 'lab: the host is unreachable for a moment');
      }
      const c = await connect({ address: host.address, port: host.port, username: host.user, identityFile: host.identityFile }, { kind: 'accept-new', onAccept: () => undefined });
      opened.push(c);
      return c;
    };
    const store = new Store(db);
    try {
      const engine = new FixEngine(
        await open(),
        { host: { hostId: null, name: host.name, address: host.address, port: host.port, username: host.user }, sudo: { mode: 'none', password: null, host: host.name }, sshdConfigPath: host.sshdConfigPath, scanRoots: [] },
        { store, reconnect: open, containerWait: WAIT, ...(beforeStep ? { beforeStep: (step, phase) => beforeStep(step, phase, net) } : {}) },
      );
      const { plan, skipped } = await engine.plan({ findingIds });
      expect(skipped, JSON.stringify(skipped)).toEqual([]);
      expect(plan.fixes).toHaveLength(findingIds.length);
      const preview = engine.preview(plan);
      FixPreview.parse({ ...preview, skipped: [] });
      const report = await engine.apply(plan, 'test');
      jobs.add(report.jobId);
      FixJobReport.parse(report);
      const rolledBack = rollbackAfter && report.status === 'applied' ? await engine.rollback(report.jobId) : null;
      return { report, rolledBack };
    } finally {
      for (const c of opened) c.close();
      store.close();
    }
  }

  /** Drops every SSH connection to the lab host (kills its sshd's per-connection children by pid). */
  const dropConnections = (): number => dropHostConnections(host);

  /** Pre-state of a project's service: the compose file (and .env), and the container's config. */
  async function pre(prj: Project, svc: string): Promise<{ file: FileSnap | null; env: FileSnap | null; bytes: Buffer; svc: ServiceSnap }> {
    return { file: snap(prj.file), env: snap(path.join(prj.dir, '.env')), bytes: fs.readFileSync(prj.file), svc: await service(prj.p, svc) };
  }

  /** The host is as before the job: file bytes, mode, owner; no .env made; the same compose config, running and healthy. */
  async function expectPreState(prj: Project, svc: string, before: Awaited<ReturnType<typeof pre>>): Promise<void> {
    expect(snap(prj.file)).toEqual(before.file);
    expect(fs.readFileSync(prj.file).equals(before.bytes)).toBe(true);
    expect(snap(path.join(prj.dir, '.env'))).toEqual(before.env);
    const now = await service(prj.p, svc);
    expect(now.configHash).toBe(before.svc.configHash);
    expect(now.running).toBe(true);
    expect(now.health).toBe('healthy');
    // No temp file of an atomic write or a restore left beside the compose file.
    expect(fs.readdirSync(prj.dir).filter((n) => n.startsWith('.rampart-'))).toEqual([]);
  }

  function journalText(): string {
    return fs.readFileSync(db).toString('latin1') + (fs.existsSync(`${db}-wal`) ? fs.readFileSync(`${db}-wal`).toString('latin1') : '');
  }

  it('every compose hardening in one job through `rampart fix`: preview with the redacted diff, applied and verified one by one, then --rollback puts the file back byte-identical and the service as it was', async () => {
    const text = `# Lab stack: these comments must survive every edit
version: "2.4"
services:
${healthyService('app', `    environment:
      APP_MODE: production
      DB_PASSWORD: "Qz7-fixlab-secret-$$-#1 x"   # the literal the fix moves
`)}
  # the other service must not be touched
${healthyService('other')}`;
    const prj = await startProject('all', 'all', text, ['app', 'other']);
    const before = await pre(prj, 'app');
    const otherBefore = await service(prj.p, 'other');
    const otherId = await containerId(prj.p, 'other');
    const checks = ['DOCKER-NO-CAP-DROP-ALL', 'DOCKER-NO-NEW-PRIVILEGES', 'DOCKER-NO-MEMORY-LIMIT', 'DOCKER-NO-PIDS-LIMIT', 'DOCKER-NO-CPU-LIMIT', 'DOCKER-ROOTFS-WRITABLE'];
    const ids = [...(await Promise.all(checks.map((c) => findingOf(c, prj.p, 'app')))), findingKey(hostKey(), 'SECRETS-COMPOSE-LITERAL', `compose:${prj.file}:app:DB_PASSWORD`)];

    // The dry run: every step with its command, the diff with the secret redacted, nothing changed.
    const dry = await cli(['fix', ...conn(), ...ids.flatMap((i) => ['--finding', i]), '--dry-run', '--format', 'json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.report!.status).toBe('dry-run');
    expect(dry.report!.fixes.map((f) => f.checkId)).toEqual([...checks, 'SECRETS-COMPOSE-LITERAL']);
    const capDiff = dry.report!.fixes[0]!.diff!;
    expect(capDiff).toContain(`--- ${prj.file}`);
    expect(capDiff).toMatch(/^\+ {4}cap_drop: \[ALL\]$/m);
    expect(capDiff).toContain('DB_PASSWORD: <redacted>');
    const secretFix = dry.report!.fixes[6]!;
    expect(secretFix.diff).toContain('DB_PASSWORD: "${DB_PASSWORD}"');
    expect(secretFix.diff).toContain(`+++ ${path.join(prj.dir, '.env')}\n@@ -0,0 +1,1 @@\n+DB_PASSWORD=<redacted>`);
    expect(secretFix.steps.map((s) => s.name)).toEqual([
      'backup',
      `capture + backup ${JSON.stringify(path.join(prj.dir, '.env'))}`,
      `capture + backup ${JSON.stringify(prj.file)}`,
      `write ${JSON.stringify(path.join(prj.dir, '.env'))}`,
      `write ${JSON.stringify(prj.file)}`,
      'compose config -q',
      'compose up -d',
      'wait healthy',
      'verify',
    ]);
    expect(secretFix.steps.find((s) => s.name === 'compose up -d')!.detail).toBe(`'docker-compose' '-f' '${prj.file}' '-p' 'all' '--project-directory' '${prj.dir}' 'up' '-d' '--no-deps' '--no-build' '--' 'app'`);
    expect(dry.stdout + dry.stderr).not.toMatch(SECRET_RE);
    expect(snap(prj.file)).toEqual(before.file);

    // The table preview shows the diff and KEY=<redacted>.
    const table = await cli(['fix', ...conn(), '--finding', ids[6]!, '--dry-run', '--format', 'table']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('diff (secret values shown as <redacted>)');
    expect(table.stdout).toContain('+DB_PASSWORD=<redacted>');
    expect(table.stdout).not.toMatch(SECRET_RE);

    const r = await cli(['fix', ...conn(), ...ids.flatMap((i) => ['--finding', i]), '--yes', '--format', 'json']);
    expect(r.code, r.stderr + r.stdout.slice(0, 3000)).toBe(0);
    expect(r.report!.status).toBe('applied');
    for (const f of r.report!.fixes) {
      expect(f.status, f.checkId).toBe('applied');
      expect(f.verification.stillFailing).toEqual([]);
      expect(f.verification.checksRerun).toContain(f.checkId);
      expect(f.steps.filter((s) => s.name !== 'backup').every((s) => s.status === 'done'), JSON.stringify(f.steps)).toBe(true);
      expect(f.diff).toBeTruthy();
    }
    // What the host has now: each hardening in the running container, the secret in a 600 .env.
    const after = await service(prj.p, 'app');
    expect(after.capDrop).toEqual(['ALL']);
    expect(after.securityOpt).toEqual(['no-new-privileges:true']);
    expect(after.readonly).toBe(true);
    expect(after.memory).toBe(512 * 1024 * 1024);
    expect(after.health).toBe('healthy');
    const edited = fs.readFileSync(prj.file, 'utf8');
    expect(edited.startsWith('# Lab stack: these comments must survive every edit\n')).toBe(true);
    expect(edited).not.toMatch(SECRET_RE);
    expect(edited).toContain('DB_PASSWORD: "${DB_PASSWORD}"   # the literal the fix moves');
    const env = path.join(prj.dir, '.env');
    expect(snap(env)!.mode).toBe(0o600);
    expect(fs.readFileSync(env, 'utf8')).toContain('DB_PASSWORD=');
    expect(snap(prj.file)!.mode).toBe(before.file!.mode);
    // The other service was not re-created.
    expect(await containerId(prj.p, 'other')).toBe(otherId);
    // The backups: on the host, root-only, byte copies of the files (the database has none).
    const bdir = path.join(BACKUP_ROOT, r.report!.jobId!);
    expect(fs.lstatSync(bdir).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(path.join(bdir, 'fix0-compose')).equals(before.bytes)).toBe(true);
    expect(fs.readFileSync(path.join(bdir, 'restore.sh'), 'utf8')).toContain(`'up' '-d' '--no-deps' '--no-build' '--' 'app'`);
    // No secret value in any output, the journal, or the preview/report.
    expect(r.stdout + r.stderr).not.toMatch(SECRET_RE);
    expect(journalText()).not.toMatch(SECRET_RE);
    expect(journalText()).not.toContain('Qz7-fixlab');

    const back = await cli(['fix', ...conn(), '--rollback', r.report!.jobId!, '--format', 'json']);
    expect(back.code, back.stderr + back.stdout.slice(0, 3000)).toBe(0);
    expect(back.report!.status).toBe('rolled-back');
    await expectPreState(prj, 'app', before);
    expect(await service(prj.p, 'other')).toEqual(otherBefore);
    expect(back.stdout + back.stderr).not.toMatch(SECRET_RE);
  });

  it('a hardening that breaks the service (cap_drop ALL against a healthcheck that needs CAP_CHOWN) is rolled back automatically: byte-identical file, healthy service, exit 1', async () => {
    const text = `services:
  owner:
    image: lab/busybox:1.35
    network_mode: none
    command: ["sh", "-c", "touch /tmp/hc; trap 'exit 0' TERM; sleep 3600 & wait"]
    healthcheck:
      # root chowning a file to another user: needs CAP_CHOWN
      test: ["CMD-SHELL", "chown 1000 /tmp/hc"]
      interval: 1s
      timeout: 3s
      retries: 2
`;
    const prj = await startProject('breaks', 'breaks', text, ['owner']);
    const before = await pre(prj, 'owner');
    const r = await cli(['fix', ...conn(), '--finding', await findingOf('DOCKER-NO-CAP-DROP-ALL', prj.p, 'owner'), '--yes', '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.report!.status).toBe('rolled-back');
    const f = r.report!.fixes[0]!;
    expect(f.status).toBe('rolled-back');
    expect(f.steps.find((s) => s.name === 'wait healthy')!.status).toBe('failed');
    expect(f.steps.find((s) => s.name === 'wait healthy')!.detail).toMatch(/^unhealthy/);
    expect(f.steps.find((s) => s.name.startsWith('write '))!.status).toBe('undone');
    expect(f.steps.find((s) => s.name === 'compose up -d')!.status).toBe('undone');
    expect(r.stderr).toMatch(/the fix was rolled back: service "owner" did not come up healthy/);
    await expectPreState(prj, 'owner', before);
  });

  it('two services of one file in one job: the second fix starts from the first one\'s file; when the second breaks its service, both are undone newest first and the file is byte-identical', async () => {
    const text = `services:
${healthyService('a')}  b:
    image: lab/busybox:1.35
    network_mode: none
    command: ["sh", "-c", "touch /tmp/hc; trap 'exit 0' TERM; sleep 3600 & wait"]
    healthcheck:
      test: ["CMD-SHELL", "chown 1000 /tmp/hc"]
      interval: 1s
      timeout: 3s
      retries: 2
`;
    const prj = await startProject('two', 'two', text, ['a', 'b']);
    const beforeA = await pre(prj, 'a');
    const beforeB = await service(prj.p, 'b');
    const r = await cli(['fix', ...conn(), '--finding', await findingOf('DOCKER-NO-NEW-PRIVILEGES', prj.p, 'a'), '--finding', await findingOf('DOCKER-NO-CAP-DROP-ALL', prj.p, 'b'), '--yes', '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.report!.status).toBe('rolled-back');
    const [fa, fb] = r.report!.fixes;
    // The first was applied and verified before the second failed; both were undone.
    expect(fa!.steps.find((s) => s.name === 'verify')!.status).toBe('done');
    expect(fa!.steps.find((s) => s.name === 'compose up -d')!.status).toBe('undone');
    expect(fb!.steps.find((s) => s.name === 'wait healthy')!.status).toBe('failed');
    expect(fb!.steps.find((s) => s.name.startsWith('write '))!.status).toBe('undone');
    // The second fix's diff is against the first one's result (its lines are shifted by the first edit).
    const mid = setNoNewPrivileges(text, 'a').text;
    const at = mid.split('\n').indexOf('      retries: 2') + 1;
    expect(at).toBeGreaterThan(text.split('\n').indexOf('      retries: 2') + 1);
    expect(fb!.diff).toContain(`@@ -${at - 2},3 +${at - 2},4 @@`);
    await expectPreState(prj, 'a', beforeA);
    expect(await service(prj.p, 'b')).toEqual(beforeB);
  });

  it('a secret moved into an existing .env: appended (mode 600, owner kept), the same value reaches the container; --rollback restores both files byte-identical', async () => {
    const text = `services:\n${healthyService('svc', `    environment:\n      API_TOKEN: 'Qz7-fixlab-secret-token'\n`)}`;
    const prj = await startProject('dotenv', 'dotenv', text, ['svc']);
    const env = path.join(prj.dir, '.env');
    fs.writeFileSync(env, '# existing\nOTHER=1', { mode: 0o644 });
    fs.chownSync(env, 1234, 1234);
    const envBytes = fs.readFileSync(env);
    const before = await pre(prj, 'svc');
    expect(before.env).toMatchObject({ mode: 0o644, uid: 1234 });
    const r = await cli(['fix', ...conn(), '--finding', findingKey(hostKey(), 'SECRETS-COMPOSE-LITERAL', `compose:${prj.file}:svc:API_TOKEN`), '--yes', '--format', 'json']);
    expect(r.code, r.stderr + r.stdout.slice(0, 2000)).toBe(0);
    expect(r.report!.fixes[0]!.diff).toContain(`--- ${env}\n+++ ${env}\n@@ -2,0 +3,1 @@\n+API_TOKEN=<redacted>`);
    expect(snap(env)).toMatchObject({ mode: 0o600, uid: 1234, gid: 1234 });
    expect(fs.readFileSync(env, 'utf8')).toBe("# existing\nOTHER=1\nAPI_TOKEN='Qz7-fixlab-secret-token'\n");
    const env2 = JSON.parse(await docker(d, ['inspect', '--format', '{{json .Config.Env}}', await containerId(prj.p, 'svc')])) as string[];
    expect(env2).toContain('API_TOKEN=Qz7-fixlab-secret-token');
    expect(r.stdout + r.stderr + journalText()).not.toMatch(SECRET_RE);
    const back = await cli(['fix', ...conn(), '--rollback', r.report!.jobId!, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    expect(fs.readFileSync(env).equals(envBytes)).toBe(true);
    await expectPreState(prj, 'svc', before);
  });

  describe('faults', () => {
    let prj: Project;
    beforeAll(async () => {
      prj = await startProject('faults', 'faults', `services:\n${healthyService('web')}`, ['web']);
    });

    it('connection dropped after the backup, before the write (and the host unreachable for a moment): rolled back, nothing changed', async () => {
      const before = await pre(prj, 'web');
      let dropped = 0;
      const { report } = await fixHere([await findingOf('DOCKER-NO-NEW-PRIVILEGES', prj.p, 'web')], (step, phase, net) => {
        if (step.kind === 'file-write' && phase === 'apply' && !dropped) {
          net.failReconnects = 1;
          dropped = dropConnections();
        }
      });
      expect(dropped).toBeGreaterThan(0);
      expect(report.status, report.message ?? '').toBe('rolled-back');
      expect(report.message).toMatch(/unreachable for a moment/);
      expect(report.fixes[0]!.steps.find((s) => s.name.startsWith('write '))!.status).toBe('undone');
      expect(report.fixes[0]!.steps.find((s) => s.name === 'compose up -d')!.status).toBe('pending');
      expect(report.fixes[0]!.steps.find((s) => s.name === 'capture + backup ' + JSON.stringify(prj.file))!.status).toBe('done');
      await expectPreState(prj, 'web', before);
    });

    it('connection dropped after the write, before up -d: rolled back, the file restored byte-identical, the service re-created as it was', async () => {
      const before = await pre(prj, 'web');
      let dropped = 0;
      const { report } = await fixHere([await findingOf('DOCKER-NO-NEW-PRIVILEGES', prj.p, 'web')], (step, phase) => {
        if (step.kind === 'compose-up' && phase === 'apply' && !dropped) dropped = dropConnections();
      });
      expect(dropped).toBeGreaterThan(0);
      expect(report.status, report.message ?? '').toBe('rolled-back');
      const steps = report.fixes[0]!.steps;
      expect(steps.find((s) => s.name.startsWith('write '))!.status).toBe('undone');
      expect(steps.find((s) => s.name.startsWith('write '))!.detail).toContain('byte-identical from');
      await expectPreState(prj, 'web', before);
    });

    it('connection dropped during the health wait: reconnects, the wait goes on, applied and verified; --rollback restores the pre-state', async () => {
      const before = await pre(prj, 'web');
      let dropped = 0;
      const { report, rolledBack } = await fixHere(
        [await findingOf('DOCKER-NO-PIDS-LIMIT', prj.p, 'web')],
        (step, phase) => {
          if (step.kind === 'health' && phase === 'apply' && !dropped) dropped = dropConnections();
        },
        true,
      );
      expect(dropped).toBeGreaterThan(0);
      expect(report.status, report.message ?? '').toBe('applied');
      expect(report.fixes[0]!.steps.find((s) => s.name === 'wait healthy')!.detail).toMatch(/^healthy/);
      expect(rolledBack!.status, rolledBack!.message ?? '').toBe('rolled-back');
      await expectPreState(prj, 'web', before);
    });

    it('compose rejects the edited file (config -q fails): rolled back before up -d, file byte-identical', async () => {
      // The project was started with TAG in the starter's environment; the file requires it
      // (\${TAG:?}), and the fix's session has none: compose rejects the edited project.
      const p2 = await startProject('required-var', 'reqvar', `services:\n${healthyService('api').replace('lab/busybox:1.35', 'lab/busybox:${TAG:?TAG_must_be_set}')}`, ['api'], 'docker-compose.yml', 'TAG=1.35');
      const before = await pre(p2, 'api');
      const { report } = await fixHere([await findingOf('DOCKER-NO-PIDS-LIMIT', p2.p, 'api')]);
      expect(report.status, report.message ?? '').toBe('rolled-back');
      const steps = report.fixes[0]!.steps;
      expect(steps.find((s) => s.name === 'compose config -q')!.status).toBe('failed');
      expect(steps.find((s) => s.name === 'compose config -q')!.detail).toMatch(/compose rejects the edited file \(config -q, exit 1\): .*TAG_must_be_set/);
      expect(steps.find((s) => s.name === 'compose up -d')!.status).toBe('pending');
      await expectPreState(p2, 'api', before);
    });

    it('the compose file changed on the host between plan and apply: refused before anything is written', async () => {
      const before = await pre(prj, 'web');
      let edited: Buffer | null = null;
      const { report } = await fixHere([await findingOf('DOCKER-NO-MEMORY-LIMIT', prj.p, 'web')], (step) => {
        if (step.kind === 'file-backup' && !edited) {
          fs.appendFileSync(prj.file, '# edited by someone else\n');
          edited = fs.readFileSync(prj.file);
        }
      });
      expect(report.status).toBe('refused');
      expect(report.fixes[0]!.status).toBe('refused');
      expect(report.fixes[0]!.steps.find((s) => s.name.startsWith('capture + backup'))!.detail).toMatch(/changed since the plan.*nothing was written/);
      expect(fs.readFileSync(prj.file).equals(edited!)).toBe(true);
      expect((await service(prj.p, 'web')).configHash).toBe(before.svc.configHash);
      fs.writeFileSync(prj.file, before.bytes);
      await expectPreState(prj, 'web', before);
    });

    /** Starts `rampart fix` held before a step, waits until it holds, SIGKILLs it; returns the unfinished job. */
    const killMidJob = (args: readonly string[], hold: string): Promise<string> => killMidJobIn({ args, hold, db, jobs, holdTimeoutMs: 180_000 });

    it('SIGKILL mid-job: after the write before up -d then --rollback; in the health wait then --resume; before the write then --resume; after the write before the journal recorded it then --resume or --rollback', async () => {
      const before = await pre(prj, 'web');
      const id = await findingOf('DOCKER-NO-NEW-PRIVILEGES', prj.p, 'web');
      const job = await killMidJob(['fix', ...conn(), '--finding', id, '--yes', '--format', 'json'], 'compose-up');
      expect(fs.readFileSync(prj.file, 'utf8')).toContain('no-new-privileges:true');
      const back = await cli(['fix', ...conn(), '--rollback', job, '--format', 'json']);
      expect(back.code, back.stderr).toBe(0);
      expect(back.report!.status).toBe('rolled-back');
      await expectPreState(prj, 'web', before);

      const job2 = await killMidJob(['fix', ...conn(), '--finding', id, '--yes', '--format', 'json'], 'health');
      const resumed = await cli(['fix', ...conn(), '--resume', job2, '--format', 'json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.report!.status).toBe('applied');
      expect((await service(prj.p, 'web')).securityOpt).toEqual(['no-new-privileges:true']);
      const back2 = await cli(['fix', ...conn(), '--rollback', job2, '--format', 'json']);
      expect(back2.code, back2.stderr).toBe(0);
      await expectPreState(prj, 'web', before);

      // Killed after the backup, before the write: --resume writes, re-creates, verifies.
      const job3 = await killMidJob(['fix', ...conn(), '--finding', id, '--yes', '--format', 'json'], 'file-write');
      expect(snap(prj.file)).toEqual(before.file);
      const resumed3 = await cli(['fix', ...conn(), '--resume', job3, '--format', 'json']);
      expect(resumed3.code, resumed3.stderr).toBe(0);
      expect(resumed3.report!.status).toBe('applied');
      const back3 = await cli(['fix', ...conn(), '--rollback', job3, '--format', 'json']);
      expect(back3.code, back3.stderr).toBe(0);
      await expectPreState(prj, 'web', before);

      // Killed after the write ran on the host, before the journal recorded it (the step is left
      // `running`): --resume reads the file on the host, finds the write done, and goes on.
      const job4 = await killMidJob(['fix', ...conn(), '--finding', id, '--yes', '--format', 'json'], 'file-write:record');
      expect(fs.readFileSync(prj.file, 'utf8')).toContain('no-new-privileges:true');
      const st = new Store(db);
      try {
        expect((st.db.prepare("SELECT status FROM remediation_steps WHERE job_id = ? AND kind = 'file-write'").get(job4) as { status: string }).status).toBe('running');
      } finally {
        st.close();
      }
      const resumed4 = await cli(['fix', ...conn(), '--resume', job4, '--format', 'json']);
      expect(resumed4.code, resumed4.stderr).toBe(0);
      expect(resumed4.report!.status).toBe('applied');
      expect(resumed4.report!.fixes[0]!.steps.find((s) => s.name.startsWith('write '))!.detail).toBe('found done on the host when resumed');
      const back4 = await cli(['fix', ...conn(), '--rollback', job4, '--format', 'json']);
      expect(back4.code, back4.stderr).toBe(0);
      await expectPreState(prj, 'web', before);
      // The same crash, then --rollback: the file is restored from the backup.
      const job5 = await killMidJob(['fix', ...conn(), '--finding', id, '--yes', '--format', 'json'], 'file-write:record');
      const rolled5 = await cli(['fix', ...conn(), '--rollback', job5, '--format', 'json']);
      expect(rolled5.code, rolled5.stderr).toBe(0);
      expect(rolled5.report!.status).toBe('rolled-back');
      await expectPreState(prj, 'web', before);
    });

    it('a rollback that meets a file edited since the fix: rollback-incomplete (exit 3), with the backup and the restore command', async () => {
      const before = await pre(prj, 'web');
      const r = await cli(['fix', ...conn(), '--finding', await findingOf('DOCKER-NO-CPU-LIMIT', prj.p, 'web'), '--yes', '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      fs.appendFileSync(prj.file, '# a later edit\n');
      const back = await cli(['fix', ...conn(), '--rollback', r.report!.jobId!, '--format', 'json']);
      expect(back.code).toBe(3);
      expect(back.report!.status).toBe('rollback-incomplete');
      expect(back.report!.fixes[0]!.status).toBe('rollback-incomplete');
      const bdir = path.join(BACKUP_ROOT, r.report!.jobId!);
      expect(back.stderr).toContain(JSON.stringify(prj.file));
      expect(back.stderr).toContain(`its content before the job is in ${bdir}/fix0-compose`);
      expect(back.stderr).toContain(`${bdir}/restore.sh`);
      // The admin's way back, as printed: the backup is the pre-state byte for byte.
      expect(fs.readFileSync(path.join(bdir, 'fix0-compose')).equals(before.bytes)).toBe(true);
      fs.copyFileSync(path.join(bdir, 'fix0-compose'), prj.file);
      const up = await composeUpAndWait(local, prj.p, 'web', WAIT);
      expect(up.ok).toBe(true);
      await expectPreState(prj, 'web', before);
    });
  });

  it('a hostile project: folder with spaces, quotes and $(), file name with a space, service named -x; applied and rolled back', async () => {
    const dirName = `it's a "dir" with $(touch pwned) and spaces`;
    const prj = await startProject(dirName, 'hostile', `services:\n${healthyService('-x')}`, ['-x'], 'my compose.yml');
    const before = await pre(prj, '-x');
    const id = await findingOf('DOCKER-NO-NEW-PRIVILEGES', prj.p, '-x');
    const r = await cli(['fix', ...conn(), '--finding', id, '--yes', '--format', 'json']);
    expect(r.code, r.stderr + r.stdout.slice(0, 2000)).toBe(0);
    expect(r.report!.status).toBe('applied');
    expect((await service(prj.p, '-x')).securityOpt).toEqual(['no-new-privileges:true']);
    const back = await cli(['fix', ...conn(), '--rollback', r.report!.jobId!, '--format', 'json']);
    expect(back.code, back.stderr).toBe(0);
    await expectPreState(prj, '-x', before);
    // Nothing was executed by a shell on the way.
    expect(fs.readdirSync(prj.dir).sort()).toEqual(['my compose.yml']);
    expect(fs.existsSync(path.join(ROOT, 'pwned'))).toBe(false);
    expect(fs.existsSync('/pwned')).toBe(false);
  });

  it('a digest pin is refused when the running image has no registry digest (imported image)', async () => {
    const prj = await startProject('latest', 'latest', `services:\n${healthyService('lt').replace('lab/busybox:1.35', 'lab/busybox:latest')}`, ['lt']);
    const r = await cli(['fix', ...conn(), '--finding', await findingOf('DOCKER-IMAGE-LATEST', prj.p, 'lt'), '--yes', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.report!.status).toBe('refused');
    expect(r.report!.fixes[0]!.steps[0]!.detail).toMatch(/has no registry digest/);
  });

  describe('container restart', () => {
    const health = (cmd: string): string[] => ['--health-cmd', cmd, '--health-interval', '1s', '--health-retries', '1', '--health-timeout', '3s'];
    const IDLE_SH = "trap 'exit 0' TERM; sleep 3600 & wait";

    async function untilUnhealthy(name: string): Promise<void> {
      for (let i = 0; i < 100; i++) {
        if ((await docker(d, ['inspect', '--format', '{{.State.Health.Status}}', name])).trim() === 'unhealthy') return;
        await new Promise((r) => setTimeout(r, 300));
      }
      throw new Error(`${name} never became unhealthy`);
    }

    it('an unhealthy container that is healthy after a restart: applied and verified', async () => {
      await createLabContainer(d, { name: 'flaky', args: health('test -f /tmp/ok'), cmd: ['sh', '-c', `if [ -f /tmp/first ]; then touch /tmp/ok; else touch /tmp/first; fi; ${IDLE_SH}`] });
      await untilUnhealthy('flaky');
      const r = await cli(['fix', ...conn(), '--finding', findingKey(hostKey(), 'DOCKER-UNHEALTHY', 'container:flaky'), '--yes', '--format', 'json']);
      expect(r.code, r.stderr + r.stdout.slice(0, 2000)).toBe(0);
      expect(r.report!.status).toBe('applied');
      expect(r.report!.fixes[0]!.steps.map((s) => [s.name, s.status])).toEqual([
        ['backup', 'done'],
        ['restart "container:flaky"', 'done'],
        ['verify', 'done'],
      ]);
      expect((await docker(d, ['inspect', '--format', '{{.State.Health.Status}}', 'flaky'])).trim()).toBe('healthy');
    });

    it('one that does not come back is returned to its previous state (running), and the job says rolled back (exit 1)', async () => {
      await createLabContainer(d, { name: 'sick', args: health('false'), cmd: ['sh', '-c', IDLE_SH] });
      await untilUnhealthy('sick');
      const id = (await docker(d, ['inspect', '--format', '{{.Id}}', 'sick'])).trim();
      const r = await cli(['fix', ...conn(), '--finding', findingKey(hostKey(), 'DOCKER-UNHEALTHY', 'container:sick'), '--yes', '--format', 'json']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.report!.status).toBe('rolled-back');
      const step = r.report!.fixes[0]!.steps.find((s) => s.name.startsWith('restart'))!;
      expect(step.status).toBe('undone');
      expect(r.stderr).toMatch(/did not come back \(unhealthy/);
      expect((await docker(d, ['inspect', '--format', '{{.Id}} {{.State.Running}}', 'sick'])).trim()).toBe(`${id} true`);
    });

    it('a crash-looping container that still crashes after the restart: rolled back to how it was (kept under its restart policy), exit 1', async () => {
      await createLabContainer(d, { name: 'looping', args: ['--restart', 'always'], cmd: ['sh', '-c', 'sleep 1; exit 4'] });
      for (let i = 0; i < 200; i++) {
        if (Number((await docker(d, ['inspect', '--format', '{{.RestartCount}}', 'looping'])).trim()) >= 3) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      const r = await cli(['fix', ...conn(), '--finding', findingKey(hostKey(), 'DOCKER-UNHEALTHY', 'container:looping'), '--yes', '--format', 'json']);
      expect(r.code, r.stderr + r.stdout.slice(0, 2000)).toBe(1);
      expect(r.report!.status).toBe('rolled-back');
      expect(r.stderr).toMatch(/did not come back \(restarting/);
      const policy = (await docker(d, ['inspect', '--format', '{{.HostConfig.RestartPolicy.Name}}', 'looping'])).trim();
      expect(policy).toBe('always');
      await docker(d, ['rm', '-f', 'looping']);
    });
  });
});
