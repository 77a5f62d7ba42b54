// The lab Docker engine: a real dockerd with its own roots and socket, busybox images, containers
// and compose projects, and teardown that leaves nothing behind, also after its owner was killed.
// Needs root and docker.io + busybox-static (+ docker-compose); skipped without them unless
// RAMPART_LAB_REQUIRED=1 (then it fails).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  composeUp,
  createLabContainer,
  createLabNetwork,
  docker,
  isLabDockerRunning,
  labComposeAvailable,
  labDockerPrerequisites,
  startLabDocker,
  stopLabDocker,
  sweepStaleLabDockers,
  type LabDocker,
} from './docker';

/** The network namespace of a process (its /proc link, e.g. net:[4026531840]). */
const procNetns = (pid: number): string => fs.readlinkSync(`/proc/${pid}/ns/net`);

const available = labDockerPrerequisites().ok || process.env.RAMPART_LAB_REQUIRED === '1';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const TSX = path.join(HERE, '..', 'node_modules', '.bin', 'tsx');

/** Processes whose command line names `dir`. */
function processesNaming(dir: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
        if (/\) [ZX] /.test(stat)) return false;
        return fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(`${dir}/`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function cgroupDirs(name: string): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => / - cgroup2? /.test(l))
    .map((l) => path.join(l.split(' ')[4]!, name))
    .filter((p) => fs.existsSync(p));
}

function expectGone(d: Pick<LabDocker, 'dir' | 'name'>): void {
  expect(processesNaming(d.dir)).toEqual([]);
  expect(fs.existsSync(d.dir)).toBe(false);
  expect(fs.existsSync(`/run/rampart-lab/docker/${d.name}.json`)).toBe(false);
  expect(cgroupDirs(d.name)).toEqual([]);
}

/** Starts a lab docker in a child process and returns it once ready; the child keeps running until killed. */
async function startInChild(script: string): Promise<{ child: ReturnType<typeof spawn>; d: LabDocker; owner: number }> {
  const file = path.join(os.tmpdir(), `rampart-docker-child-${process.pid}-${Date.now()}.mts`);
  fs.writeFileSync(file, `import { startLabDocker, createLabContainer } from ${JSON.stringify(path.join(HERE, 'docker.ts'))};\n${script}\n`);
  const child = spawn(TSX, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const ready = await new Promise<LabDocker & { owner: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not start a lab docker: ${out}`)), 45_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(6)) as LabDocker & { owner: number });
      }
    });
    child.on('exit', (code) => {
      if (!out.includes('READY ')) {
        clearTimeout(timer);
        reject(new Error(`child exited (${code}) before READY: ${out}`));
      }
    });
  });
  fs.rmSync(file, { force: true });
  const { owner, ...d } = ready;
  return { child, d, owner };
}

describe.skipIf(!available)('lab docker', () => {
  let d: LabDocker;

  beforeAll(async () => {
    const t = Date.now();
    d = await startLabDocker();
    // Ready (incl. importing the images) well within the lab notes' 8 s on an idle machine; allow for load.
    expect(Date.now() - t).toBeLessThan(30_000);
  });

  afterAll(async () => {
    if (d) await stopLabDocker(d);
  });

  it('its own roots, socket, images; no bridge, no iptables', async () => {
    expect(isLabDockerRunning(d)).toBe(true);
    expect(fs.statSync(d.socket).isSocket()).toBe(true);
    expect(d.dockerHost).toBe(`unix://${d.socket}`);
    expect(JSON.parse(fs.readFileSync(`/run/rampart-lab/docker/${d.name}.json`, 'utf8'))).toMatchObject({ name: d.name, dir: d.dir, pid: d.pid, ownerPid: process.pid });
    const info = JSON.parse(await docker(d, ['info', '--format', '{{json .}}'])) as { DockerRootDir: string };
    expect(info.DockerRootDir).toBe(path.join(d.dir, 'data'));
    const cmdline = fs.readFileSync(`/proc/${d.pid}/cmdline`, 'utf8').split('\0');
    for (const flag of ['--iptables=false', '--ip6tables=false', '--bridge=none']) expect(cmdline).toContain(flag);
    expect((await docker(d, ['network', 'ls', '--format', '{{.Name}}'])).trim().split('\n').sort()).toEqual(['host', 'none']);

    const images = (await docker(d, ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'])).trim().split('\n').sort();
    const id = (ref: string): string | undefined => images.find((l) => l.startsWith(`${ref} `))?.split(' ')[1];
    expect(id('lab/busybox:1.35')).toBeDefined();
    expect(id('lab/busybox:latest')).toBe(id('lab/busybox:1.35'));
    expect(d.images.untagged).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(images).toContain(`<none>:<none> ${d.images.untagged.slice(7, 19)}`);
  });

  it('containers: network none by default, privileged ones created only, other networks refused', async () => {
    const id = await createLabContainer(d, { name: 't-plain', args: ['--user', '1000:1000', '--read-only'] });
    const state = JSON.parse(await docker(d, ['inspect', '--format', '{{json .}}', id])) as {
      State: { Running: boolean };
      HostConfig: { NetworkMode: string; ReadonlyRootfs: boolean; CgroupParent: string };
      Config: { User: string };
    };
    expect(state.State.Running).toBe(true);
    expect(state.HostConfig.NetworkMode).toBe('none');
    expect(state.Config.User).toBe('1000:1000');
    expect(cgroupDirs(d.name).length).toBeGreaterThan(0); // the container's cgroups live under /<name>

    await createLabContainer(d, { name: 't-priv', args: ['--privileged'], start: false });
    expect((await docker(d, ['inspect', '--format', '{{.HostConfig.Privileged}} {{.State.Status}}', 't-priv'])).trim()).toBe('true created');
    await expect(createLabContainer(d, { name: 't-bridge', args: ['--network', 'bridge'] })).rejects.toThrow(/network none/);
    await expect(createLabContainer(d, { name: 't-host', args: ['--network=host'] })).rejects.toThrow(/only be created/);
    await createLabContainer(d, { name: 't-host', args: ['--network=host'], start: false });
  });

  it('lab networks: bridges in the engine network namespace only; other names refused', async () => {
    await createLabNetwork(d, 'lab-tfront');
    await createLabNetwork(d, 'lab-tback', { internal: true });
    await expect(createLabNetwork(d, 'front')).rejects.toThrow(/lab-/);
    await createLabContainer(d, { name: 't-net', networks: ['lab-tfront', 'lab-tback'] });
    expect((await docker(d, ['inspect', '--format', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}', 't-net'])).trim()).toMatch(/^lab-tback=\S+ lab-tfront=\S+$/);
    expect((await docker(d, ['network', 'ls', '--filter', 'name=lab-t', '--format', '{{.Name}} {{.Internal}}'])).trim().split('\n').sort()).toEqual(['lab-tback true', 'lab-tfront false']);
    // Not in the machine's namespace: no bridge device, no veth of the container there.
    const ids = (await docker(d, ['network', 'ls', '--filter', 'name=lab-t', '--format', '{{.ID}}'])).trim().split('\n');
    for (const id of ids) expect(fs.existsSync(`/sys/class/net/br-${id.slice(0, 12)}`)).toBe(false);
    expect(procNetns(d.pid)).not.toBe(procNetns(process.pid));
    await expect(createLabContainer(d, { name: 't-net2', networks: ['bridge'] })).rejects.toThrow(/lab networks/);
  });

  it.skipIf(!labComposeAvailable() && process.env.RAMPART_LAB_REQUIRED !== '1')('compose projects: labels set by docker-compose; only network_mode none and lab images', async () => {
    const { dir, composeFile } = await composeUp(d, {
      project: 'tproj',
      files: {
        'docker-compose.yml': 'version: "2.4"\nservices:\n  app:\n    image: lab/busybox:1.35\n    command: ["sleep", "3600"]\n    network_mode: none\n    env_file: ./app.env\n',
        'app.env': 'A=1\n',
      },
    });
    expect(composeFile).toBe(path.join(dir, 'docker-compose.yml'));
    const labels = JSON.parse(await docker(d, ['inspect', '--format', '{{json .Config.Labels}}', 'tproj_app_1'])) as Record<string, string>;
    expect(labels).toMatchObject({
      'com.docker.compose.project': 'tproj',
      'com.docker.compose.service': 'app',
      'com.docker.compose.project.working_dir': dir,
      'com.docker.compose.project.config_files': 'docker-compose.yml',
    });
    await expect(composeUp(d, { project: 'bad', files: { 'docker-compose.yml': 'services:\n  a:\n    image: lab/busybox:1.35\n' } })).rejects.toThrow(/network_mode: none/);
    await expect(
      composeUp(d, { project: 'bad', files: { 'docker-compose.yml': 'services:\n  a:\n    image: nginx\n    network_mode: none\n' } }),
    ).rejects.toThrow(/lab image/);
  });

  it('stop: nothing left (processes, container cgroups, dir, registry); idempotent', async () => {
    const other = await startLabDocker();
    await createLabContainer(other, { name: 'stopme', args: ['--pid', 'host'] });
    expect(processesNaming(other.dir).length).toBeGreaterThan(2); // dockerd, containerd, shim
    await stopLabDocker(other);
    expectGone(other);
    await stopLabDocker(other);
    expect(isLabDockerRunning(d)).toBe(true); // the other engine was not touched
  });

  it('an engine whose owner was killed is swept by the next start (and by sweepStaleLabDockers)', async () => {
    const { child, d: orphan, owner } = await startInChild(
      "const d = await startLabDocker(); await createLabContainer(d, { name: 'orphan' }); console.log('READY ' + JSON.stringify({ ...d, owner: process.pid })); setInterval(() => {}, 1000);",
    );
    expect(processesNaming(orphan.dir).length).toBeGreaterThan(2);
    expect(await sweepStaleLabDockers()).not.toContain(orphan.name); // owner alive: not stale
    // SIGKILL the owner (tsx runs the script in a node child of its own): no exit hook runs.
    process.kill(owner, 'SIGKILL');
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    for (let i = 0; i < 50 && fs.existsSync(`/proc/${owner}/cmdline`) && !/\) [ZX] /.test(fs.readFileSync(`/proc/${owner}/stat`, 'utf8')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(processesNaming(orphan.dir).length).toBeGreaterThan(0); // dockerd outlived its owner
    expect(await sweepStaleLabDockers()).toContain(orphan.name);
    expectGone(orphan);
    expect(isLabDockerRunning(d)).toBe(true);
  });

  it('the exit hook tears the engine down when its owner exits', async () => {
    const { child, d: done } = await startInChild(
      "const d = await startLabDocker(); console.log('READY ' + JSON.stringify({ ...d, owner: process.pid })); setTimeout(() => process.exit(0), 200);",
    );
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    expectGone(done);
  });

  it('refuses to act on things that are not lab engines', async () => {
    await expect(stopLabDocker({ ...d, name: 'rmpd-zzzzzz' })).rejects.toThrow(/not a lab docker/);
    await expect(stopLabDocker({ ...d, dir: '/tmp' })).rejects.toThrow(/not a lab docker/);
    expect(spawnSync('true').status).toBe(0);
  });
});
