// Bench for the fixes (issue 10), against real lab hosts, wall time and SSH exec round trips of
// each phase:
//   chmod:   a world-readable .env fixed with `chmod 0600` — plan (read-only re-collection + state
//            capture), apply + verify (backup, CAS chmod, stat + re-check), and rollback;
//   compose: a compose hardening (security_opt no-new-privileges) of a service with a 1 s
//            healthcheck on a real lab dockerd + docker-compose, reached through the lab host —
//            plan (re-collection, compose detection, labels, file read), apply + verify (backup,
//            atomic CAS write, config -q, up -d, health wait, re-check), and rollback (restore
//            byte-identical, up -d, health wait, pre-state re-read).
// Prints one JSON object. Needs root (lab hosts are network namespaces); the compose part needs
// docker.io, busybox-static and docker-compose.
// Usage: npx tsx bench/fix.ts [--iterations N] [--only chmod|compose]
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { labComposeAvailable, labDockerPrerequisites, startLabDocker, stopLabDocker, type LabDocker } from '../lab/docker';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { composeUpAndWait, detectCompose, parseContainerIds, serviceContainersCommand, type ComposeProject, type Run } from '../src/main/remediation/compose/remote';
import { plantDir, plantFile, plantRootOf } from '../lab/plant';
import { findingKey } from '../src/main/audit/engine';
import { FixEngine } from '../src/main/remediation/engine';
import { BACKUP_ROOT } from '../src/main/remediation/remote';
import { connect } from '../src/main/ssh/connection';
import { Store } from '../src/main/store/store';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '10' }, only: { type: 'string' } } });
const iterations = Math.max(1, Number(values.iterations) || 10);
const only = values.only === 'chmod' || values.only === 'compose' ? values.only : null;

function stats(samplesMs: number[]): { n: number; minMs: number; medianMs: number; maxMs: number } {
  const s = [...samplesMs].sort((a, b) => a - b);
  const r = (n: number): number => Math.round(n * 10) / 10;
  return { n: s.length, minMs: r(s[0]!), medianMs: r(s[Math.floor(s.length / 2)]!), maxMs: r(s[s.length - 1]!) };
}

async function chmodBench(): Promise<Record<string, unknown>> {
  let host: LabHost | null = null;
  const jobs: string[] = [];
  try {
    host = await createLabHost({ scenario: 'hardened' });
    const root = plantRootOf(host.name);
    plantDir(path.dirname(root), { mode: 0o755 });
    plantDir(root, { mode: 0o755 });
    const srv = plantDir(path.join(root, 'srv'), { mode: 0o755 });
    const env = plantFile(path.join(srv, 'app', '.env'), 'API_TOKEN=bench\n', { mode: 0o644 });
    const conn = await connect({ address: host.address, port: host.port, username: host.user, identityFile: host.identityFile }, { kind: 'accept-new', onAccept: () => undefined });
    const store = new Store(':memory:');
    const engine = new FixEngine(
      conn,
      { host: { hostId: null, name: host.name, address: host.address, port: host.port, username: host.user }, sudo: { mode: 'none', password: null, host: host.name }, sshdConfigPath: host.sshdConfigPath, scanRoots: [srv] },
      { store },
    );
    const findingId = findingKey(`${host.address}:${host.port}`, 'SECRET-FILE-READABLE', `file:${env}`);
    const plan: number[] = [];
    const apply: number[] = [];
    const rollback: number[] = [];
    const execs = { plan: 0, applyVerify: 0, rollback: 0 };
    for (let i = 0; i < iterations; i++) {
      let e0 = conn.execCount;
      let t0 = performance.now();
      const p = await engine.plan({ findingIds: [findingId] });
      plan.push(performance.now() - t0);
      execs.plan = conn.execCount - e0;
      e0 = conn.execCount;
      t0 = performance.now();
      const r = await engine.apply(p.plan, 'bench');
      apply.push(performance.now() - t0);
      execs.applyVerify = conn.execCount - e0;
      jobs.push(r.jobId);
      if (r.status !== 'applied') throw new Error(`fix not applied: ${r.status} ${r.message ?? ''}`);
      e0 = conn.execCount;
      t0 = performance.now();
      const b = await engine.rollback(r.jobId);
      rollback.push(performance.now() - t0);
      execs.rollback = conn.execCount - e0;
      if (b.status !== 'rolled-back') throw new Error(`not rolled back: ${b.status}`);
    }
    conn.close();
    store.close();
    return {
      fix: 'secret-file-private (SECRET-FILE-READABLE, one .env, 0644 -> 0600)',
      iterations,
      planMs: stats(plan),
      applyAndVerifyMs: stats(apply),
      rollbackMs: stats(rollback),
      execRoundTrips: execs,
    };
  } finally {
    for (const j of jobs) rmSync(path.join(BACKUP_ROOT, j), { recursive: true, force: true });
    // The parents too when this bench made them (nothing else is in them).
    for (const d of [BACKUP_ROOT, path.dirname(BACKUP_ROOT)])
      try {
        if (existsSync(d) && readdirSync(d).length === 0) rmdirSync(d);
      } catch {
        /* someone else's backups */
      }
    if (host) {
      await destroyLabHost(host);
      rmSync(plantRootOf(host.name), { recursive: true, force: true });
    }
  }
}

async function composeBench(): Promise<Record<string, unknown>> {
  if (!labDockerPrerequisites().ok || !labComposeAvailable()) throw new Error('the compose bench needs docker.io, busybox-static and docker-compose');
  let d: LabDocker | null = null;
  let host: LabHost | null = null;
  const jobs: string[] = [];
  try {
    d = await startLabDocker();
    const lab = d;
    host = await createLabHost({ scenario: 'hardened', sshdExtraConfig: `SetEnv DOCKER_HOST=${lab.dockerHost}` });
    // The bench's own hands on the lab dockerd (project set-up only): a local sh.
    const local: Run = (command) =>
      new Promise((resolve) => {
        const child = spawn('/bin/sh', ['-c', command], {
          env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', DOCKER_HOST: lab.dockerHost, DOCKER_CONFIG: path.join(lab.dir, 'cli-config'), HOME: path.join(lab.dir, 'cli-config') },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        child.stderr.on('data', (b: Buffer) => (err += b.toString()));
        child.on('close', (code) => resolve({ stdout: out, stderr: err, code: code ?? 1 }));
      });
    const dir = path.join(lab.dir, 'compose', 'bench');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'docker-compose.yml');
    writeFileSync(
      file,
      `services:
  web:
    image: lab/busybox:1.35
    network_mode: none
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
    healthcheck:
      test: ["CMD-SHELL", "test -d /proc/1"]
      interval: 1s
      timeout: 3s
      retries: 3
`,
    );
    const p: ComposeProject = { tool: await detectCompose(local), files: [file], projectName: 'bench', projectDir: dir };
    const wait = { timeoutMs: 60_000, stableForMs: 2_000, pollIntervalMs: 500 };
    const up = await composeUpAndWait(local, p, 'web', wait);
    if (!up.ok) throw new Error(`the bench service did not come up: ${up.up.stderr} ${up.wait?.detail ?? ''}`);
    const id = parseContainerIds((await local(serviceContainersCommand('bench', 'web'))).stdout)[0]!;
    const name = (await local(`docker inspect --format '{{.Name}}' ${id}`)).stdout.trim().replace(/^\//, '');
    const conn = await connect({ address: host.address, port: host.port, username: host.user, identityFile: host.identityFile }, { kind: 'accept-new', onAccept: () => undefined });
    const store = new Store(':memory:');
    const engine = new FixEngine(
      conn,
      { host: { hostId: null, name: host.name, address: host.address, port: host.port, username: host.user }, sudo: { mode: 'none', password: null, host: host.name }, sshdConfigPath: host.sshdConfigPath, scanRoots: [] },
      { store, containerWait: wait },
    );
    const findingId = findingKey(`${host.address}:${host.port}`, 'DOCKER-NO-NEW-PRIVILEGES', `container:${name}`);
    const plan: number[] = [];
    const apply: number[] = [];
    const rollback: number[] = [];
    const healthWait: number[] = [];
    const execs = { plan: 0, applyVerify: 0, rollback: 0 };
    for (let i = 0; i < iterations; i++) {
      let e0 = conn.execCount;
      let t0 = performance.now();
      const pl = await engine.plan({ findingIds: [findingId] });
      plan.push(performance.now() - t0);
      execs.plan = conn.execCount - e0;
      if (pl.plan.fixes.length !== 1) throw new Error(`nothing planned: ${JSON.stringify(pl.skipped)}`);
      e0 = conn.execCount;
      t0 = performance.now();
      const r = await engine.apply(pl.plan, 'bench');
      apply.push(performance.now() - t0);
      execs.applyVerify = conn.execCount - e0;
      jobs.push(r.jobId);
      if (r.status !== 'applied') throw new Error(`fix not applied: ${r.status} ${r.message ?? ''}`);
      const hw = /after ([0-9.]+) s/.exec(r.fixes[0]!.steps.find((s) => s.name === 'wait healthy')?.detail ?? '');
      if (hw) healthWait.push(Number(hw[1]) * 1000);
      e0 = conn.execCount;
      t0 = performance.now();
      const b = await engine.rollback(r.jobId);
      rollback.push(performance.now() - t0);
      execs.rollback = conn.execCount - e0;
      if (b.status !== 'rolled-back') throw new Error(`not rolled back: ${b.status} ${b.message ?? ''}`);
    }
    conn.close();
    store.close();
    return {
      fix: 'compose-no-new-privileges (DOCKER-NO-NEW-PRIVILEGES, docker-compose 1.29, service with a 1 s healthcheck; re-created on apply and on rollback)',
      iterations,
      planMs: stats(plan),
      applyAndVerifyMs: stats(apply),
      healthWaitInApplyMs: healthWait.length ? stats(healthWait) : null,
      rollbackMs: stats(rollback),
      execRoundTrips: execs,
    };
  } finally {
    for (const j of jobs) rmSync(path.join(BACKUP_ROOT, j), { recursive: true, force: true });
    for (const p of [BACKUP_ROOT, path.dirname(BACKUP_ROOT)])
      try {
        if (existsSync(p) && readdirSync(p).length === 0) rmdirSync(p);
      } catch {
        /* someone else's backups */
      }
    if (host) await destroyLabHost(host);
    if (d) await stopLabDocker(d);
  }
}

async function main(): Promise<void> {
  const pre = labPrerequisites();
  if (!pre.ok) throw new Error(`lab hosts unavailable: ${pre.reason}`);
  const out: Record<string, unknown> = { bench: 'fix' };
  if (only !== 'compose') out.chmod = await chmodBench();
  if (only !== 'chmod') out.compose = await composeBench();
  console.log(JSON.stringify(out, null, 2));
}

await main();
