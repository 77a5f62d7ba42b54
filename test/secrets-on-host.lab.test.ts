// Secret values never leave the server. A lab host reaches a real dockerd with containers and
// compose projects planted with distinctive secret values (lab/plant.ts canary()) in every form
// the collector reads: compose `environment:` as a mapping, a list, a flow mapping, a merged
// anchor, a block scalar, quoted and URL values; env_file targets; the project .env; a compose
// file found only under a scan root; `docker run -e` values with quotes, HTML characters,
// newlines and unicode; and where passwords hide beside them (commands, labels, healthchecks). The real audit runs over SSH with the connection's exec wrapped: the
// collector's RAW stdout (every lane, before any parsing) must hold none of the values, while the
// secret checks still name every key. Control: the values are really on the host (files, docker
// inspect), so the test would fail if the collector sent them.
// Needs root, the lab prerequisites, docker.io, busybox-static and docker-compose; skipped without
// them unless RAMPART_LAB_REQUIRED=1 (then it fails).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeUp, createLabContainer, docker, labComposeAvailable, labDockerPrerequisites, startLabDocker, stopLabDocker, type LabDocker } from '../lab/docker';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { canary } from '../lab/plant';
import { runAudit } from '../src/main/audit/auditor';
import { connect, type SshConnection } from '../src/main/ssh/connection';
import { Store } from '../src/main/store/store';
import type { RunDetail } from '../src/shared/domain';

const available = (labPrerequisites().ok && labDockerPrerequisites().ok && labComposeAvailable()) || process.env.RAMPART_LAB_REQUIRED === '1';

const C = {
  anchor: canary('anchor'),
  quoted: canary('quoted'),
  block: canary('block'),
  url: canary('url'),
  map: canary('map'),
  list: canary('list'),
  eq: canary('eq'),
  flow: canary('flow'),
  envFile: canary('envfile'),
  spaced: canary('spaced'),
  dotenv: canary('dotenv'),
  scan: canary('scan'),
  scanList: canary('scanlist'),
  run: canary('run'),
  html: canary('html'),
  newline: canary('newline'),
  unicode: canary('unicode'),
  runUrl: canary('runurl'),
  command: canary('command'),
  label: canary('label'),
  health: canary('health'),
  runCmd: canary('runcmd'),
  runLabel: canary('runlabel'),
};

const HOSTILE_COMPOSE = `version: "2.4"
x-common-env: &common-env
  ANCHOR_SECRET: ${C.anchor}   # a comment
services:
  app:
    image: lab/busybox:1.35
    command: ["sleep", "3600"]
    network_mode: none
    env_file:
      - ./app.env
    environment:
      <<: *common-env
      DB_PASSWORD: ${C.map}
      QUOTED_PASSWORD: "${C.quoted} \\"q\\" back\\\\slash"
      BLOCK_TOKEN: |
        ${C.block}
      SERVICE_URL: postgres://app:${C.url}@db/app
      REQUIRE_PASSWORD: "true"
      REF_PASSWORD: \${REF_PASSWORD}
      APP_NAME: demo
  lister:
    image: lab/busybox:1.35
    command: ["sh", "-c", "sleep 3600 # ${C.command}"]
    labels:
      traefik.http.middlewares.auth.basicauth.users: "admin:${C.label}"
    healthcheck:
      test: ["CMD-SHELL", "true # ${C.health}"]
      interval: 5s
    network_mode: none
    environment:
      - LIST_PASSWORD=${C.list}
      - "EQ_SECRET=${C.eq}=x=y"
      - ADMIN_TOKEN=changeme
  flow:
    image: lab/busybox:1.35
    command: ["sleep", "3600"]
    network_mode: none
    environment: {FLOW_TOKEN: ${C.flow}, FLOW_MODE: production}
`;

const SCAN_COMPOSE = `services:
  db:
    image: postgres:17.2
    environment:
      POSTGRES_PASSWORD: '${C.scan}'
      PGADMIN_DEFAULT_PASSWORD: changeme
  worker:
    image: worker:1
    environment: [ "WORKER_SECRET=${C.scanList}" ]
`;

/** The collector's raw stdout of every exec on the connection, as it arrived. */
function capturing(host: LabHost, raw: string[]): () => Promise<SshConnection> {
  return async () => {
    const conn = await connect(
      { address: host.address, port: host.port, username: host.user, identityFile: host.identityFile },
      { kind: 'accept-new', onAccept: () => undefined },
    );
    const exec = conn.exec.bind(conn);
    conn.exec = async (command, opts) => {
      const r = await exec(command, opts);
      raw.push(r.stdout, r.stderr);
      return r;
    };
    return conn;
  };
}

function resources(run: RunDetail, checkId: string): string[] {
  return run.findings
    .filter((f) => f.checkId === checkId)
    .map((f) => f.resource)
    .sort();
}

describe.skipIf(!available)('secret values are classified on the host: none in the collector output', () => {
  let d: LabDocker | undefined;
  let host: LabHost | undefined;
  let dir: string;
  let store: Store | undefined;
  let composeDir: string;
  let scanRoot: string;
  let scanFile: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-secrets-on-host-'));
    store = new Store(path.join(dir, 'rampart.db'));
    d = await startLabDocker();
    host = await createLabHost({ scenario: 'hardened', sshdExtraConfig: `SetEnv DOCKER_HOST=${d.dockerHost}` });
    const up = await composeUp(d, {
      project: 'hostile',
      files: {
        'docker-compose.yml': HOSTILE_COMPOSE,
        'app.env': `ENVFILE_PASSWORD=${C.envFile}\nSPACED_TOKEN=${C.spaced}\nAPI_KEY=changeme\n`,
        '.env': `DOTENV_SECRET=${C.dotenv}\nREF_PASSWORD=${C.dotenv}-ref\n`,
      },
    });
    composeDir = path.dirname(up.composeFile);
    await createLabContainer(d, {
      name: 'h-run',
      cmd: ['sh', '-c', `sleep 3600 # ${C.runCmd}`],
      args: ['--label', `basicauth=admin:${C.runLabel}`, '-e', `RUN_PASSWORD=${C.run}`, '-e', `HTML_SECRET=a<${C.html}&"x">b`, '-e', `NL_PASSWORD=${C.newline}\nsecond line`, '-e', `UNI_TOKEN=${C.unicode}-ü-🔑`, '-e', `CACHE_URL=redis://:${C.runUrl}@cache:6379`, '-e', 'API_TOKEN=changeme'],
    });
    scanRoot = path.join(d.dir, 'scan');
    scanFile = path.join(scanRoot, 'stack', 'docker-compose.yml');
    fs.mkdirSync(path.dirname(scanFile), { recursive: true });
    fs.writeFileSync(scanFile, SCAN_COMPOSE);
  }, 240_000);

  afterAll(async () => {
    store?.close();
    if (host) await destroyLabHost(host);
    if (d) await stopLabDocker(d);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the raw collector output holds no planted value; the findings name every key', async () => {
    const lab = d!;
    // Control: every value is really on the host, where the collector reads.
    const onDisk = [fs.readFileSync(path.join(composeDir, 'docker-compose.yml'), 'utf8'), fs.readFileSync(path.join(composeDir, 'app.env'), 'utf8'), fs.readFileSync(path.join(composeDir, '.env'), 'utf8'), fs.readFileSync(scanFile, 'utf8')].join('\n');
    const inspected = await docker(lab, ['inspect', '--format', '{{json .Config}}', 'hostile_app_1', 'hostile_lister_1', 'hostile_flow_1', 'h-run']);
    for (const k of ['anchor', 'quoted', 'block', 'url', 'map', 'list', 'eq', 'flow', 'envFile', 'spaced', 'dotenv', 'scan', 'scanList'] as const) expect(onDisk, k).toContain(C[k]);
    for (const k of ['anchor', 'quoted', 'block', 'url', 'map', 'list', 'eq', 'flow', 'envFile', 'spaced', 'run', 'html', 'newline', 'unicode', 'runUrl', 'command', 'label', 'health', 'runCmd', 'runLabel'] as const)
      expect(inspected, k).toContain(C[k]);

    const raw: string[] = [];
    const run = await runAudit(store!, { hostId: null, name: host!.name, address: host!.address, port: host!.port, username: host!.user, identityFile: host!.identityFile, sshdConfigPath: host!.sshdConfigPath, scanRoots: [scanRoot] }, { open: capturing(host!, raw) });
    expect(run.errors.filter((e) => ['docker', 'compose', 'collector'].includes(e.section))).toEqual([]);
    const wire = raw.join('\n');
    expect(wire.length).toBeGreaterThan(1000);
    // The classes arrived in place of the values (compose mapping/list/flow, env files, container Env).
    expect(wire).toMatch(/DB_PASSWORD: "@rampart:literal:\d+:-:k"/);
    expect(wire).toMatch(/- "LIST_PASSWORD=@rampart:literal:\d+:-:k"/);
    expect(wire).toMatch(/\|ENVFILE_PASSWORD=@rampart:literal:\d+:-:k/);
    expect(wire).toMatch(/"RUN_PASSWORD=@rampart:literal:\d+:-:k"/);
    expect(wire).not.toContain('RAMPART-ENV-UNPARSABLE');
    for (const [k, v] of Object.entries(C)) expect(wire.includes(v), `${k} (${v}) left the host`).toBe(false);
    expect(wire).not.toMatch(/rmp-canary-/);

    // The checks still find every secret by its key.
    const composeFile = path.join(composeDir, 'docker-compose.yml');
    const cf = (svc: string, key: string): string => `compose:${composeFile}:${svc}:${key}`;
    const sf = (svc: string, key: string): string => `compose:${scanFile}:${svc}:${key}`;
    expect(resources(run, 'SECRETS-COMPOSE-LITERAL')).toEqual(
      [
        cf('app', 'ANCHOR_SECRET'),
        cf('app', 'DB_PASSWORD'),
        cf('app', 'QUOTED_PASSWORD'),
        cf('app', 'BLOCK_TOKEN'),
        cf('app', 'SERVICE_URL'),
        cf('lister', 'LIST_PASSWORD'),
        cf('lister', 'EQ_SECRET'),
        cf('lister', 'ADMIN_TOKEN'),
        cf('flow', 'FLOW_TOKEN'),
        sf('db', 'POSTGRES_PASSWORD'),
        sf('db', 'PGADMIN_DEFAULT_PASSWORD'),
        sf('worker', 'WORKER_SECRET'),
      ].sort(),
    );
    expect(resources(run, 'SECRETS-DEFAULT-COMPOSE')).toEqual([cf('lister', 'ADMIN_TOKEN'), sf('db', 'PGADMIN_DEFAULT_PASSWORD'), `envfile:${path.join(composeDir, 'app.env')}:API_KEY`].sort());
    const ct = (name: string, key: string): string => `container:${name}:${key}`;
    expect(resources(run, 'SECRETS-CONTAINER-ENV')).toEqual(
      [
        ct('hostile_app_1', 'ANCHOR_SECRET'),
        ct('hostile_app_1', 'DB_PASSWORD'),
        ct('hostile_app_1', 'QUOTED_PASSWORD'),
        ct('hostile_app_1', 'BLOCK_TOKEN'),
        ct('hostile_app_1', 'SERVICE_URL'),
        ct('hostile_app_1', 'REF_PASSWORD'),
        ct('hostile_app_1', 'ENVFILE_PASSWORD'),
        ct('hostile_app_1', 'SPACED_TOKEN'),
        ct('hostile_app_1', 'API_KEY'),
        ct('hostile_lister_1', 'LIST_PASSWORD'),
        ct('hostile_lister_1', 'EQ_SECRET'),
        ct('hostile_lister_1', 'ADMIN_TOKEN'),
        ct('hostile_flow_1', 'FLOW_TOKEN'),
        ct('h-run', 'RUN_PASSWORD'),
        ct('h-run', 'HTML_SECRET'),
        ct('h-run', 'NL_PASSWORD'),
        ct('h-run', 'UNI_TOKEN'),
        ct('h-run', 'CACHE_URL'),
        ct('h-run', 'API_TOKEN'),
      ].sort(),
    );
    expect(resources(run, 'SECRETS-DEFAULT-CONTAINER')).toEqual([ct('h-run', 'API_TOKEN'), ct('hostile_app_1', 'API_KEY'), ct('hostile_lister_1', 'ADMIN_TOKEN')].sort());
    // The switch and the reference are not secrets typed in; the URL one is told as such.
    const urlFinding = run.findings.find((f) => f.resource === ct('h-run', 'CACHE_URL'));
    expect(urlFinding?.evidence).toBe('container h-run has CACHE_URL (the password in the URL) in its environment (value not shown)');
    expect(JSON.stringify(run)).not.toMatch(/rmp-canary-/);
  }, 240_000);
});
