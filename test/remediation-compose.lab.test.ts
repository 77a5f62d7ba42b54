// The compose and container fixes against a real throw-away dockerd (lab/docker.ts) and the real
// docker-compose: every edit of src/main/remediation/compose/edit.ts is applied to a real project,
// `up -d SERVICE` and waitHealthy run through a local `sh -c` runner (the same `run` an SSH exec
// provides), and the audit's own checks are evaluated on `docker inspect` before and after.
// Also: a hardening that really breaks the service (cap_drop ALL removes the CAP_CHOWN its
// healthcheck needs) → unhealthy → the original file restored byte-identical → healthy again; a
// read_only that breaks a service that writes to / → exited → restored; restart with rollback of
// unhealthy and exited containers; a project in a folder with spaces, quotes and $() whose
// service name starts with '-'.
// Needs root, docker.io, busybox-static and docker-compose; skipped without them unless
// RAMPART_LAB_REQUIRED=1 (then it fails). Every service runs with network_mode: none.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabContainer, docker, labComposeAvailable, labDockerPrerequisites, startLabDocker, stopLabDocker, type LabDocker } from '../lab/docker';
import { checks as containerChecks } from '../src/main/audit/checks/containers';
import { checks as secretChecks } from '../src/main/audit/checks/secrets/containerSecrets';
import type { CheckOutcome } from '../src/main/audit/checks/types';
import { parseComposeYaml } from '../src/main/audit/parsers/compose';
import { parseDaemonJson, parseDockerInspect, type DockerDaemonInfo } from '../src/main/audit/parsers/docker';
import type { ComposeFacts, DockerFacts } from '../src/main/audit/sections/containers';
import { shJoin } from '../src/main/ssh/quote';
import {
  appendEnvText,
  moveSecretToEnv,
  pinImageDigest,
  setCapDropAll,
  setNoNewPrivileges,
  setReadOnly,
  setResourceLimits,
  type ComposeEditResult,
} from '../src/main/remediation/compose/edit';
import {
  composeConfigCheckCommand,
  composeLabelsCommand,
  composeUpAndWait,
  detectCompose,
  dotenvPath,
  inspectStateCommand,
  parseComposeLabels,
  parseInspectState,
  parseRunningImageDigest,
  projectFromLabels,
  restartWithRollback,
  runningImageDigestsCommand,
  serviceContainersCommand,
  parseContainerIds,
  waitHealthy,
  type ComposeProject,
  type ComposeTool,
  type Run,
  type WaitOptions,
} from '../src/main/remediation/compose/remote';
import { labDockerShell } from './support/remediation';

const available = (labDockerPrerequisites().ok && labComposeAvailable()) || process.env.RAMPART_LAB_REQUIRED === '1';

/** Healthchecks here run every second; containers without one must stay up 1.5 s. */
const WAIT: WaitOptions = { timeoutMs: 30_000, stableForMs: 1_500, pollIntervalMs: 300 };
/**
 * The containers' idle process: as PID 1, a bare `sleep` ignores SIGTERM and every stop (compose
 * re-creating a service, docker restart) would wait out the 10 s grace period.
 */
const IDLE_SH = "trap 'exit 0' TERM; sleep 3600 & wait";
const IDLE_YAML = JSON.stringify(['sh', '-c', IDLE_SH]).replace(/","/g, '", "');

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

// Each compose re-creation and health wait takes seconds on a loaded 2-core machine.
describe.skipIf(!available)('compose and container fixes on a real dockerd', { timeout: 180_000 }, () => {
  let d: LabDocker;
  let scratch: string;
  let run: Run;
  let tool: ComposeTool;
  const commands: string[] = [];

  beforeAll(async () => {
    d = await startLabDocker();
    scratch = path.join(d.dir, 'scratch');
    fs.mkdirSync(scratch);
    // A local stand-in for an SSH exec: one `sh -c` per command, in an empty folder (a `$(touch
    // pwned)` that escaped quoting would leave a file there). PATH without /usr/local/bin: the
    // Debian docker CLI matches the lab daemon.
    run = labDockerShell(d, scratch, (command) => commands.push(command));
    tool = await detectCompose(run);
  }, 120_000);

  afterAll(async () => {
    if (d) await stopLabDocker(d);
  });

  /** Writes a project under the engine's compose/ folder; every service must be network_mode none on a lab image. */
  function writeProject(dirName: string, files: Record<string, string>): string {
    const dir = path.join(d.dir, 'compose', dirName);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) {
      if (/\.ya?ml$/.test(name)) assertLabServices(text);
      fs.writeFileSync(path.join(dir, name), text, { mode: 0o644 });
    }
    return dir;
  }

  function assertLabServices(text: string): void {
    const doc = parseYaml(text, { merge: true }) as { services: Record<string, { network_mode?: string; image?: string }> };
    for (const [name, s] of Object.entries(doc.services)) {
      expect(s.network_mode, `service ${name}`).toBe('none');
      expect(s.image, `service ${name}`).toMatch(/^lab\//);
    }
  }

  /** Writes the new compose text (never anything but a lab project). */
  function writeCompose(file: string, text: string): void {
    assertLabServices(text);
    fs.writeFileSync(file, text);
  }

  async function containerOf(p: ComposeProject, service: string): Promise<string> {
    const ids = parseContainerIds((await run(serviceContainersCommand(p.projectName, service))).stdout);
    expect(ids).toHaveLength(1);
    return ids[0]!;
  }

  /** The audit's facts for one container, from the real `docker inspect`. */
  async function dockerFacts(id: string): Promise<DockerFacts> {
    const parsed = parseDockerInspect(await docker(d, ['inspect', '--format', '{{json .}}', id]));
    expect(parsed.containers).toHaveLength(1);
    return { daemon: {} as DockerDaemonInfo, containers: parsed.containers, daemonJson: parseDaemonJson(''), limited: null, collectedAt: null, problems: [] };
  }

  async function hostConfig(id: string): Promise<Record<string, unknown>> {
    return JSON.parse(await docker(d, ['inspect', '--format', '{{json .HostConfig}}', id])) as Record<string, unknown>;
  }

  /** Evaluates one of the audit's container checks on the container as it is now. */
  async function containerCheck(checkId: string, id: string): Promise<CheckOutcome['status']> {
    const check = containerChecks.find((c) => c.id === checkId)!;
    expect(check, checkId).toBeDefined();
    return (check.evaluate as (f: { docker: DockerFacts }) => CheckOutcome)({ docker: await dockerFacts(id) }).status;
  }

  function composeCheck(checkId: string, file: string): CheckOutcome {
    const check = secretChecks.find((c) => c.id === checkId)!;
    const compose: ComposeFacts = {
      tools: { standalone: true, plugin: false },
      files: [{ path: file, source: 'scan', services: parseComposeYaml(fs.readFileSync(file, 'utf8'), file) }],
      envFiles: [],
      projectDirs: [],
      problems: [],
    };
    return (check.evaluate as (f: { compose: ComposeFacts }) => CheckOutcome)({ compose });
  }

  async function containerEnv(id: string): Promise<string[]> {
    return JSON.parse(await docker(d, ['inspect', '--format', '{{json .Config.Env}}', id])) as string[];
  }

  it('detects the compose the machine has', () => {
    const plugin = spawnSync('/usr/bin/docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;
    expect(tool.kind).toBe(plugin ? 'plugin' : 'standalone');
    if (!plugin) expect(tool.version).toMatch(/^1\.\d+\.\d+/);
  });

  const SECRET = 'Qz7-lab-secret-$-#1 x';
  const V24 = `# Lab stack for the compose fixes: these comments must survive every edit
version: "2.4"

x-common: &common
  network_mode: none
  restart: "no"

services:
  app:
    <<: *common
    image: lab/busybox:1.35
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
    healthcheck:
      test: ["CMD-SHELL", "test -d /proc/1"]
      interval: 1s
      timeout: 3s
      retries: 3
    environment:
      APP_MODE: production
      DB_PASSWORD: "Qz7-lab-secret-$$-#1 x"   # the literal the fix moves

  # no healthcheck: waited for as running and stable
  sidecar:
    <<: *common
    image: lab/busybox:1.35
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
`;

  it('every edit on a version 2.4 project: up -d, healthy, the check that found it passes, the other service untouched', async () => {
    const dir = writeProject('fixes24', { 'docker-compose.yml': V24 });
    const file = path.join(dir, 'docker-compose.yml');
    const p: ComposeProject = { tool, files: [file], projectName: 'fixes24', projectDir: dir };

    const first = await composeUpAndWait(run, p, 'app', WAIT);
    expect(first.ok, first.up.stderr + (first.wait?.detail ?? '')).toBe(true);
    expect(first.wait!.outcome).toBe('healthy');
    const side = await composeUpAndWait(run, p, 'sidecar', WAIT);
    expect(side.wait!.outcome).toBe('running-stable');
    const sidecarId = await containerOf(p, 'sidecar');
    const sidecarStart = parseInspectState((await run(inspectStateCommand([sidecarId]))).stdout)[0]!.startedAt;
    expect(await containerEnv(await containerOf(p, 'app'))).toContain(`DB_PASSWORD=${SECRET}`);
    expect(composeCheck('SECRETS-COMPOSE-LITERAL', file).status).toBe('fail');

    const steps: Array<[string, string | null, (t: string) => ComposeEditResult, (hc: Record<string, unknown>) => void]> = [
      ['cap_drop', 'DOCKER-NO-CAP-DROP-ALL', (t) => setCapDropAll(t, 'app', []), (hc) => expect(hc.CapDrop).toEqual(['ALL'])],
      ['no-new-privileges', 'DOCKER-NO-NEW-PRIVILEGES', (t) => setNoNewPrivileges(t, 'app'), (hc) => expect(hc.SecurityOpt).toEqual(['no-new-privileges:true'])],
      ['memory', 'DOCKER-NO-MEMORY-LIMIT', (t) => setResourceLimits(t, 'app', { memory: '64m' }), (hc) => expect(hc.Memory).toBe(64 * 1024 * 1024)],
      ['pids', 'DOCKER-NO-PIDS-LIMIT', (t) => setResourceLimits(t, 'app', { pids: 64 }), (hc) => expect(hc.PidsLimit).toBe(64)],
      ['cpus', 'DOCKER-NO-CPU-LIMIT', (t) => setResourceLimits(t, 'app', { cpus: 0.5 }), (hc) => expect(hc.NanoCpus).toBe(500_000_000)],
      ['read_only', 'DOCKER-ROOTFS-WRITABLE', (t) => setReadOnly(t, 'app'), (hc) => expect(hc.ReadonlyRootfs).toBe(true)],
      ['secret', null, (t) => moveSecretToEnv(t, 'app', 'DB_PASSWORD'), () => {}],
    ];
    for (const [name, checkId, edit, expectHost] of steps) {
      const before = fs.readFileSync(file, 'utf8');
      const appBefore = await containerOf(p, 'app');
      if (checkId) expect(await containerCheck(checkId, appBefore), `${name}: the check fails before`).toBe('fail');
      const r = edit(before);
      expect(r.changed, name).toBe(true);
      expect(r.text.startsWith('# Lab stack for the compose fixes: these comments must survive every edit\nversion: "2.4"\n\nx-common: &common\n'), name).toBe(true);
      writeCompose(file, r.text);
      if (r.envAdditions.length) fs.writeFileSync(dotenvPath(p), appendEnvText('', r.envAdditions), { mode: 0o600 });
      expect((await run(composeConfigCheckCommand(p))).code, `${name}: compose accepts the file`).toBe(0);
      const res = await composeUpAndWait(run, p, 'app', WAIT);
      expect(res.ok, `${name}: ${res.up.stderr} ${res.wait?.detail ?? ''}`).toBe(true);
      expect(res.wait!.outcome, name).toBe('healthy');
      const app = await containerOf(p, 'app');
      // Compose re-creates a container only when its resolved config changed: the secret moved to
      // .env resolves to the same value, so that container stays (proof the value survived intact).
      if (name === 'secret') expect(app, 'secret: same resolved config, same container').toBe(appBefore);
      else expect(app, `${name}: the container was re-created`).not.toBe(appBefore);
      expectHost(await hostConfig(app));
      if (checkId) expect(await containerCheck(checkId, app), `${name}: the check passes after`).toBe('pass');
    }

    // The secret: gone from the compose file, in a 600 .env, the container sees the same value.
    const finalText = fs.readFileSync(file, 'utf8');
    expect(finalText).not.toContain('Qz7-lab-secret');
    expect(dotenvPath(p)).toBe(path.join(dir, '.env'));
    expect(finalText).toContain('DB_PASSWORD: "${DB_PASSWORD}"   # the literal the fix moves');
    expect(fs.statSync(path.join(dir, '.env')).mode & 0o777).toBe(0o600);
    expect(await containerEnv(await containerOf(p, 'app'))).toContain(`DB_PASSWORD=${SECRET}`);
    expect(composeCheck('SECRETS-COMPOSE-LITERAL', file).status).toBe('pass');

    // The other service was never touched (--no-deps).
    expect(await containerOf(p, 'sidecar')).toBe(sidecarId);
    expect(parseInspectState((await run(inspectStateCommand([sidecarId]))).stdout)[0]!.startedAt).toBe(sidecarStart);
    // Everything after `app` survived byte for byte.
    expect(finalText.endsWith(V24.slice(V24.indexOf('\n  # no healthcheck')))).toBe(true);
  });

  it('version 3.8: limits under deploy.resources.limits, pids_limit at service level, applied by compose', async () => {
    const V3 = `version: '3.8'
services:
  api:
    image: lab/busybox:1.35
    network_mode: none
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
    deploy:
      restart_policy:
        condition: none
`;
    const dir = writeProject('fixes3', { 'docker-compose.yml': V3 });
    const file = path.join(dir, 'docker-compose.yml');
    const p: ComposeProject = { tool, files: [file], projectName: 'fixes3', projectDir: dir };
    expect((await composeUpAndWait(run, p, 'api', WAIT)).wait!.outcome).toBe('running-stable');
    const r = setResourceLimits(V3, 'api', { memory: '32m', cpus: 0.25, pids: 32 });
    expect(r.text).toContain('    deploy:\n      restart_policy:\n        condition: none\n      resources:\n        limits:\n          memory: 32M\n          cpus: "0.25"\n    pids_limit: 32\n');
    writeCompose(file, r.text);
    const res = await composeUpAndWait(run, p, 'api', WAIT);
    expect(res.ok, res.up.stderr).toBe(true);
    const hc = await hostConfig(await containerOf(p, 'api'));
    expect([hc.Memory, hc.NanoCpus, hc.PidsLimit]).toEqual([32 * 1024 * 1024, 250_000_000, 32]);
    for (const id of ['DOCKER-NO-MEMORY-LIMIT', 'DOCKER-NO-CPU-LIMIT', 'DOCKER-NO-PIDS-LIMIT']) expect(await containerCheck(id, await containerOf(p, 'api')), id).toBe('pass');
  });

  it('a CRLF file without a version: cap_drop ALL with a justified cap_add', async () => {
    const text = `services:\r\n  web:\r\n    image: lab/busybox:1.35\r\n    network_mode: none\r\n    command: ${IDLE_YAML}\r\n    cap_add: [NET_BIND_SERVICE]\r\n`;
    const dir = writeProject('crlf', { 'compose.yml': text });
    const file = path.join(dir, 'compose.yml');
    const p: ComposeProject = { tool, files: [file], projectName: 'crlf' };
    expect((await composeUpAndWait(run, p, 'web', WAIT)).ok).toBe(true);
    const r = setCapDropAll(text, 'web', ['CHOWN']);
    expect(r.text).toBe(text.replace('[NET_BIND_SERVICE]\r\n', '[NET_BIND_SERVICE, CHOWN]\r\n    cap_drop: [ALL]\r\n'));
    writeCompose(file, r.text);
    const res = await composeUpAndWait(run, p, 'web', WAIT);
    expect(res.ok, res.up.stderr).toBe(true);
    const hc = await hostConfig(await containerOf(p, 'web'));
    expect(hc.CapDrop).toEqual(['ALL']);
    expect((hc.CapAdd as string[]).map((c) => c.replace(/^CAP_/, '')).sort()).toEqual(['CHOWN', 'NET_BIND_SERVICE']);
    expect(await containerCheck('DOCKER-NO-CAP-DROP-ALL', await containerOf(p, 'web'))).toBe('pass');
  });

  it('an imported image has no repo digest to pin to; a digest pin is accepted by compose (config -q), a broken file is not', async () => {
    const dir = writeProject('pin', { 'docker-compose.yml': V24 });
    const file = path.join(dir, 'docker-compose.yml');
    const p: ComposeProject = { tool, files: [file], projectName: 'pin' };
    // The lab's images are imported, not pulled: no repo digest, so nothing to pin to, and the
    // engine must refuse the fix. Asked of the real engine:
    const running = await composeUpAndWait(run, p, 'app', WAIT);
    expect(running.ok).toBe(true);
    const digests = await run(runningImageDigestsCommand(await containerOf(p, 'app')));
    expect(digests.code).toBe(0);
    expect(digests.stdout.trim()).toBe('[]');
    expect(parseRunningImageDigest(digests.stdout, 'lab/busybox:1.35')).toBeNull();
    // No registry in the lab, so no image has a repo digest to run: compose's validation only.
    const r = pinImageDigest(V24, 'app', `sha256:${'5'.repeat(64)}`);
    writeCompose(file, r.text);
    expect((await run(composeConfigCheckCommand(p))).code).toBe(0);
    fs.writeFileSync(file, r.text.replace('  app:\n', '  app:\n    mem_limit: [oops]\n'));
    expect((await run(composeConfigCheckCommand(p))).code).not.toBe(0);
  });

  it('cap_drop ALL breaks a healthcheck that needs CAP_CHOWN: unhealthy, then the original file restored byte-identical is healthy again', async () => {
    const ORIGINAL = `services:
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
    const dir = writeProject('breaks', { 'docker-compose.yml': ORIGINAL });
    const file = path.join(dir, 'docker-compose.yml');
    const p: ComposeProject = { tool, files: [file], projectName: 'breaks', projectDir: dir };
    const originalBytes = fs.readFileSync(file);
    expect((await composeUpAndWait(run, p, 'owner', WAIT)).wait!.outcome).toBe('healthy');

    writeCompose(file, setCapDropAll(ORIGINAL, 'owner', []).text);
    const broken = await composeUpAndWait(run, p, 'owner', WAIT);
    expect(broken.up.code).toBe(0);
    expect(broken.ok).toBe(false);
    expect(broken.wait!.outcome).toBe('unhealthy');
    expect((await hostConfig(await containerOf(p, 'owner'))).CapDrop).toEqual(['ALL']);

    // Rollback: the original bytes, up -d again, healthy again.
    fs.writeFileSync(file, originalBytes);
    expect(sha256(fs.readFileSync(file))).toBe(sha256(originalBytes));
    const restored = await composeUpAndWait(run, p, 'owner', WAIT);
    expect(restored.ok, restored.wait?.detail).toBe(true);
    expect(restored.wait!.outcome).toBe('healthy');
    expect((await hostConfig(await containerOf(p, 'owner'))).CapDrop ?? []).toEqual([]);

    // With the capability the check can justify kept, the same hardening holds.
    writeCompose(file, setCapDropAll(ORIGINAL, 'owner', ['CHOWN']).text);
    const justified = await composeUpAndWait(run, p, 'owner', WAIT);
    expect(justified.wait!.outcome).toBe('healthy');
    expect((await hostConfig(await containerOf(p, 'owner'))).CapDrop).toEqual(['ALL']);
  });

  it('read_only breaks a service that writes to its root filesystem: exited, then restored and running', async () => {
    const ORIGINAL = `services:
  writer:
    image: lab/busybox:1.35
    network_mode: none
    command: ["sh", "-c", "echo started > /started || exit 1; trap 'exit 0' TERM; sleep 3600 & wait"]
`;
    const dir = writeProject('readonly', { 'docker-compose.yml': ORIGINAL });
    const file = path.join(dir, 'docker-compose.yml');
    const p: ComposeProject = { tool, files: [file], projectName: 'readonly' };
    expect((await composeUpAndWait(run, p, 'writer', WAIT)).wait!.outcome).toBe('running-stable');
    writeCompose(file, setReadOnly(ORIGINAL, 'writer').text);
    const broken = await composeUpAndWait(run, p, 'writer', WAIT);
    expect(broken.wait!.outcome).toBe('exited');
    expect(broken.wait!.states[0]!.exitCode).not.toBe(0);
    fs.writeFileSync(file, ORIGINAL);
    expect((await composeUpAndWait(run, p, 'writer', WAIT)).wait!.outcome).toBe('running-stable');
  });

  it('a crash-looping service is reported as restarting, not stable', async () => {
    const text = `services:
  loop:
    image: lab/busybox:1.35
    network_mode: none
    restart: always
    command: ["sh", "-c", "sleep 0.5; exit 4"]
`;
    const dir = writeProject('loop', { 'docker-compose.yml': text });
    const p: ComposeProject = { tool, files: [path.join(dir, 'docker-compose.yml')], projectName: 'loop' };
    const r = await composeUpAndWait(run, p, 'loop', { ...WAIT, stableForMs: 3_000 });
    expect(r.ok).toBe(false);
    expect(r.wait!.outcome).toBe('restarting');
    expect((await run(shJoin(['docker', 'rm', '-f', await containerOf(p, 'loop')]))).code).toBe(0);
  });

  it('waitHealthy times out while a healthcheck is still starting; a service without containers is missing', async () => {
    // The first check runs only after the 30 s interval: health stays "starting".
    await createLabContainer(d, { name: 'slow', args: ['--health-cmd', 'true', '--health-interval', '30s'], cmd: ['sh', '-c', IDLE_SH] });
    const r = await waitHealthy(run, { container: 'slow' }, { timeoutMs: 2_000, stableForMs: 500, pollIntervalMs: 300 });
    expect(r.ok).toBe(false);
    expect(r.outcome).toBe('timeout');
    expect(r.states[0]!.health).toBe('starting');
    expect(r.waitedMs).toBeGreaterThanOrEqual(2_000);
    expect(r.polls).toBeGreaterThan(2);
    const m = await waitHealthy(run, { projectName: 'no-such-project', service: 'nothing' }, { timeoutMs: 1_000, stableForMs: 500, pollIntervalMs: 300 });
    expect(m.outcome).toBe('missing');
  });

  it('a hostile project: folder with spaces, quotes and $(), file name with a space, service named -x', async () => {
    const dirName = `it's a "dir" with $(touch pwned) and spaces`;
    const text = `services:
  -x:
    image: lab/busybox:1.35
    network_mode: none
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
    healthcheck:
      test: ["CMD-SHELL", "test -d /proc/1"]
      interval: 1s
`;
    const dir = writeProject(dirName, { 'my compose.yml': text });
    const file = path.join(dir, 'my compose.yml');
    const p: ComposeProject = { tool, files: [file], projectName: 'hostile', projectDir: dir };
    const first = await composeUpAndWait(run, p, '-x', WAIT);
    expect(first.ok, first.up.stderr).toBe(true);
    writeCompose(file, setNoNewPrivileges(text, '-x').text);
    const res = await composeUpAndWait(run, p, '-x', WAIT);
    expect(res.ok, res.up.stderr).toBe(true);
    expect(res.wait!.outcome).toBe('healthy');
    const id = await containerOf(p, '-x');
    expect((await hostConfig(id)).SecurityOpt).toEqual(['no-new-privileges:true']);
    // The labels lead back to the same project.
    const labels = parseComposeLabels((await run(composeLabelsCommand(id))).stdout);
    expect(labels).not.toBeNull();
    expect(projectFromLabels(tool, labels!)).toEqual(p);
    // Nothing was executed by a shell on the way.
    expect(fs.readdirSync(scratch)).toEqual([]);
    expect(spawnSync('find', [d.dir, '-name', 'pwned'], { encoding: 'utf8' }).stdout).toBe('');
  });

  describe('restart with rollback', () => {
    const health = (cmd: string): string[] => ['--health-cmd', cmd, '--health-interval', '1s', '--health-retries', '1', '--health-timeout', '3s'];

    async function waitState(name: string, want: (s: ReturnType<typeof parseInspectState>[number]) => boolean): Promise<void> {
      for (let i = 0; i < 100; i++) {
        const s = parseInspectState((await run(inspectStateCommand([name]))).stdout)[0];
        if (s && want(s)) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`${name} never reached the wanted state`);
    }

    it('unhealthy, healthy after a restart → restarted', async () => {
      await createLabContainer(d, {
        name: 'flaky',
        args: health('test -f /tmp/ok'),
        cmd: ['sh', '-c', `if [ -f /tmp/first ]; then touch /tmp/ok; else touch /tmp/first; fi; ${IDLE_SH}`],
      });
      expect((await waitHealthy(run, { container: 'flaky' }, WAIT)).outcome).toBe('unhealthy');
      const r = await restartWithRollback(run, 'flaky', WAIT);
      expect(r.status, r.detail).toBe('restarted');
      expect(r.previous).toBe('running');
      expect(r.after!.health).toBe('healthy');
    });

    it('unhealthy and still unhealthy after a restart → rolled back to running', async () => {
      await createLabContainer(d, { name: 'sick', args: health('false'), cmd: ['sh', '-c', IDLE_SH] });
      expect((await waitHealthy(run, { container: 'sick' }, WAIT)).outcome).toBe('unhealthy');
      const r = await restartWithRollback(run, 'sick', WAIT);
      expect(r.status, r.detail).toBe('rolled-back');
      expect(r.wait.outcome).toBe('unhealthy');
      expect(r.previous).toBe('running');
      expect(r.after!.running).toBe(true);
    });

    it('exited and exiting again → rolled back to stopped', async () => {
      await createLabContainer(d, { name: 'dead', cmd: ['sh', '-c', 'exit 3'] });
      await waitState('dead', (s) => s.status === 'exited');
      const r = await restartWithRollback(run, 'dead', WAIT);
      expect(r.status, r.detail).toBe('rolled-back');
      expect(r.wait.outcome).toBe('exited');
      expect(r.previous).toBe('stopped');
      expect(r.after!.running).toBe(false);
    });

    it('exited, then running but unhealthy after the restart → stopped again by the rollback', async () => {
      await createLabContainer(d, { name: 'half', args: health('false'), cmd: ['sh', '-c', `test -f /tmp/x || { touch /tmp/x; exit 1; }; ${IDLE_SH}`] });
      await waitState('half', (s) => s.status === 'exited');
      const r = await restartWithRollback(run, 'half', WAIT);
      expect(r.status, r.detail).toBe('rolled-back');
      expect(r.wait.outcome).toBe('unhealthy');
      expect(r.commands.some((c) => c.startsWith("'docker' 'stop'"))).toBe(true);
      expect(r.after!.running).toBe(false);
    });

    it('exited, running steadily after the restart → restarted', async () => {
      await createLabContainer(d, { name: 'back', cmd: ['sh', '-c', `test -f /tmp/x || { touch /tmp/x; exit 1; }; ${IDLE_SH}`] });
      await waitState('back', (s) => s.status === 'exited');
      const r = await restartWithRollback(run, 'back', WAIT);
      expect(r.status, r.detail).toBe('restarted');
      expect(r.wait.outcome).toBe('running-stable');
      expect(r.previous).toBe('stopped');
    });

    it('refuses a container that is not the one the plan saw, and touches nothing', async () => {
      await createLabContainer(d, { name: 'cas', cmd: ['sh', '-c', 'exit 0'] });
      await waitState('cas', (s) => s.status === 'exited');
      const before = parseInspectState((await run(inspectStateCommand(['cas']))).stdout)[0]!;
      await expect(restartWithRollback(run, 'cas', { ...WAIT, expectedId: 'f'.repeat(64) })).rejects.toMatchObject({ code: 'CONFLICT' });
      const after = parseInspectState((await run(inspectStateCommand(['cas']))).stdout)[0]!;
      expect(after.startedAt).toBe(before.startedAt);
      expect(after.running).toBe(false);
      await expect(restartWithRollback(run, 'no-such-container', WAIT)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  it('ran every command through the injected runner', () => {
    expect(commands.length).toBeGreaterThan(20);
    expect(commands.every((c) => c.startsWith("'docker") || c.startsWith('v=$(docker compose'))).toBe(true);
  });
});
