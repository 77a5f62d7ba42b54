// Docker parsers on real output (Docker 20.10 daemon; CLI 20.10 and 28 error shapes), and on
// empty, truncated, garbage and huge inputs: never a throw, never a secret value kept.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyDockerError, parseContainer, parseDaemonJson, parseDockerGroup, parseDockerInfo, parseDockerInspect } from './docker';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__', 'docker');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const PLANTED = /PLANTED-/;

describe('parseDockerInfo', () => {
  it('real docker info (20.10)', () => {
    const r = parseDockerInfo(fixture('docker-info-20.10.json'));
    expect(r).toEqual({
      ok: true,
      info: {
        serverVersion: '20.10.24+dfsg1',
        securityOptions: ['seccomp'],
        rootless: false,
        userns: false,
        operatingSystem: 'Debian GNU/Linux 12 (bookworm)',
        dockerRootDir: '/srv/lab/data',
        containers: 13,
      },
    });
  });

  it('security options: apparmor, seccomp profile, rootless, userns', () => {
    const r = parseDockerInfo(JSON.stringify({ ServerVersion: '27.1', SecurityOptions: ['name=apparmor', 'name=seccomp,profile=builtin', 'name=rootless', 'name=userns', 'name=cgroupns'] }));
    expect(r.ok && r.info).toMatchObject({ securityOptions: ['apparmor', 'seccomp', 'rootless', 'userns', 'cgroupns'], rootless: true, userns: true });
  });

  // The Docker 20.10 CLI: exit 0, {"ServerErrors":[...]}.
  it('CLI 20.10 permission denied', () => {
    const body =
      '{"ServerErrors":["permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \\"http://%2Fvar%2Frun%2Fdocker.sock/v1.24/info\\": dial unix /var/run/docker.sock: connect: permission denied"],"ClientInfo":{"Debug":false,"Context":"default","Plugins":[],"Warnings":null}}';
    expect(parseDockerInfo(body)).toMatchObject({ ok: false, reason: 'permission' });
  });

  it('CLI 20.10 no daemon', () => {
    const body = '{"ServerErrors":["Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"],"ClientInfo":{}}';
    expect(parseDockerInfo(body)).toMatchObject({ ok: false, reason: 'no-daemon' });
  });

  // The Docker 28 CLI: an empty-ish object, then the error, exit 1.
  it('CLI 28 permission denied / no daemon', () => {
    const empty = '{"ID":"","Containers":0,"ServerVersion":"","ClientInfo":{"Version":"28.2.2"}}';
    expect(
      parseDockerInfo(`${empty}\npermission denied while trying to connect to the Docker daemon socket at unix:///run/docker.sock: Get "http://%2Frun%2Fdocker.sock/v1.50/info": dial unix /run/docker.sock: connect: permission denied`),
    ).toMatchObject({ ok: false, reason: 'permission' });
    expect(parseDockerInfo(`${empty}\nCannot connect to the Docker daemon at unix:///tmp/x.sock. Is the docker daemon running?`)).toMatchObject({ ok: false, reason: 'no-daemon' });
  });

  it.each([
    ['empty', ''],
    ['garbage', 'Segmentation fault\n\x00\x01'],
    ['truncated JSON', fixture('docker-info-20.10.json').slice(0, 300)],
    ['a JSON array', '[1,2,3]'],
    ['JSON without server fields', '{"Foo":1}'],
  ])('%s → not ok, no throw', (_name, body) => {
    const r = parseDockerInfo(body);
    expect(r.ok).toBe(false);
  });

  it('classifyDockerError', () => {
    expect(classifyDockerError('Got permission denied while trying to connect')).toBe('permission');
    expect(classifyDockerError('dial unix /var/run/docker.sock: connect: no such file or directory')).toBe('no-daemon');
    expect(classifyDockerError('Error response from daemon: something')).toBe('error');
  });
});

describe('parseDockerInspect', () => {
  it('real inspect lines of the vulnerable lab containers', () => {
    const r = parseDockerInspect(fixture('inspect-vulnerable.jsonl'));
    expect(r.problems).toEqual([]);
    expect(r.limited).toBeNull();
    const by = Object.fromEntries(r.containers.map((c) => [c.name, c]));
    expect(Object.keys(by).sort()).toEqual(
      ['v-caps', 'v-hostnet', 'v-hostns', 'v-mounts', 'v-ports', 'v-privileged', 'v-restarting', 'v-secrets', 'v-socket', 'v-unconfined', 'v-unhealthy', 'vulnproj_web_1'].sort(),
    );
    expect(by['v-privileged']).toMatchObject({ privileged: true, state: { status: 'created', running: false } });
    expect(by['v-caps']).toMatchObject({ capAdd: ['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE'], image: 'lab/busybox:latest' });
    expect(by['v-hostns']).toMatchObject({ pidMode: 'host', ipcMode: 'host', utsMode: 'host' });
    expect(by['v-hostnet']!.networkMode).toBe('host');
    expect(by['v-mounts']!.mounts).toEqual(
      expect.arrayContaining([
        { type: 'bind', source: '/etc', destination: '/host-etc', rw: false },
        { type: 'bind', source: '/root', destination: '/host-root', rw: true },
      ]),
    );
    expect(by['v-socket']!.mounts).toEqual([{ type: 'bind', source: '/srv/lab/docker.sock', destination: '/var/run/docker.sock', rw: true }]);
    expect(by['v-unconfined']).toMatchObject({ securityOpt: ['seccomp=unconfined', 'apparmor=unconfined'] });
    expect(by['v-unconfined']!.image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(by['v-ports']!.ports.sort((a, b) => a.hostPort.localeCompare(b.hostPort))).toEqual([
      { containerPort: '80/tcp', hostIp: '', hostPort: '18080' },
      { containerPort: '443/tcp', hostIp: '0.0.0.0', hostPort: '18443' },
    ]);
    expect(by['v-ports']!.image).toBe('lab/busybox');
    expect(by['v-unhealthy']!.state).toMatchObject({ running: true, health: 'unhealthy' });
    expect(by['v-restarting']!.state.restarting).toBe(true);
    expect(by['vulnproj_web_1']!.compose).toEqual({ project: 'vulnproj', service: 'web', workingDir: '/srv/lab/compose/vulnproj' });
    expect(by['v-secrets']!.env.filter((e) => e.secret).sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'API_TOKEN', kind: 'default', secret: true },
      { key: 'DATABASE_URL', kind: 'literal', secret: true, via: 'url-password' },
      { key: 'DB_PASSWORD', kind: 'literal', secret: true },
    ]);
    expect(by['v-secrets']!.env.find((e) => e.key === 'GPG_KEY')?.secret).toBe(false);
    for (const c of r.containers) {
      expect(c.user).toBe('');
      expect(c.memory).toBe(0);
      expect(c.pidsLimit).toBeNull();
      expect(c.healthcheck === null || c.name === 'v-unhealthy').toBe(true);
    }
    expect(JSON.stringify(r)).not.toMatch(PLANTED);
  });

  it('the hardened container', () => {
    const [c] = parseDockerInspect(fixture('inspect-hardened.jsonl')).containers;
    expect(c).toMatchObject({
      name: 'h-app',
      user: '1000:1000',
      capDrop: ['ALL'],
      readonlyRootfs: true,
      memory: 64 * 1024 * 1024,
      nanoCpus: 500_000_000,
      pidsLimit: 64,
      securityOpt: ['no-new-privileges'],
      healthcheck: ['CMD-SHELL', 'true'],
      ports: [{ containerPort: '80/tcp', hostIp: '127.0.0.1', hostPort: '18081' }],
      state: { running: true, health: 'healthy' },
    });
  });

  it('the default `docker inspect` output (a JSON array) too', () => {
    const r = parseDockerInspect(fixture('inspect-array.json'));
    expect(r.containers.map((c) => c.name).sort()).toEqual(['h-app', 'v-secrets']);
    expect(JSON.stringify(r)).not.toMatch(PLANTED);
  });

  it('a truncated last line is counted, not echoed; the whole ones are kept', () => {
    const text = fixture('inspect-vulnerable.jsonl');
    const cut = text.slice(0, text.indexOf('PLANTED-fx-urlpw') + 5);
    const r = parseDockerInspect(cut);
    expect(r.containers.length).toBeGreaterThan(0);
    expect(r.containers.length).toBeLessThan(12);
    expect(r.problems).toEqual([expect.stringMatching(/1 line\(s\) of docker inspect output could not be parsed/)]);
    expect(JSON.stringify(r)).not.toMatch(PLANTED);
  });

  it('docker errors between lines (a container removed meanwhile), limits, garbage', () => {
    const [line] = fixture('inspect-hardened.jsonl').split('\n');
    const r = parseDockerInspect(`RAMPART-NOW 1800000000\nRAMPART-LIMIT 512\nError: No such object: 0123abcd\n${line}\n\u0000garbage\n{"not":"a container"}\n[1,2`);
    expect(r.containers.map((c) => c.name)).toEqual(['h-app']);
    expect(r.limited).toBe(512);
    expect(r.now).toBe(1_800_000_000);
    expect(r.containers[0]!.state.startedAt).toBeGreaterThan(1_700_000_000);
    expect(r.problems).toEqual(['Error: No such object: 0123abcd', '3 line(s) of docker inspect output could not be parsed (cut off or garbled)']);
  });

  it.each([
    ['empty', ''],
    ['blank lines', '\n\n  \n'],
    ['garbage', 'ÿØÿà\u0000JFIF'],
    ['a JSON scalar', '42'],
  ])('%s → no containers, no throw', (_n, body) => {
    expect(parseDockerInspect(body).containers).toEqual([]);
  });

  it('huge: 1000 containers (7 MB) with big environments parse quickly', () => {
    const [line] = fixture('inspect-hardened.jsonl').split('\n');
    const base = JSON.parse(line!) as { Id: string; Name: string; Config: { Env: string[] } };
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      base.Id = i.toString(16).padStart(64, '0');
      base.Name = `/c${i}`;
      base.Config.Env = Array.from({ length: 50 }, (_, j) => `VAR_${j}_TOKEN=PLANTED-${'x'.repeat(100)}`);
      lines.push(JSON.stringify(base));
    }
    const t = Date.now();
    const r = parseDockerInspect(lines.join('\n'));
    expect(Date.now() - t).toBeLessThan(5_000);
    expect(r.containers).toHaveLength(1000);
    expect(r.containers[0]!.env).toHaveLength(50);
    expect(JSON.stringify(r.containers[0])).not.toMatch(PLANTED);
  });

  it('parseContainer tolerates missing and mistyped fields', () => {
    expect(parseContainer(null)).toBeNull();
    expect(parseContainer({ Id: 5 })).toBeNull();
    const c = parseContainer({ Id: 'abc', Config: { Env: ['A', 5, 'B=1'], Image: 7 }, HostConfig: { CapAdd: 'SYS_ADMIN', PidsLimit: 'x', Binds: ['/etc:/e:ro', 'vol:/data'] }, Mounts: 'nope' });
    expect(c).toMatchObject({ id: 'abc', name: 'abc', image: '', capAdd: [], pidsLimit: null, mounts: [{ type: 'bind', source: '/etc', destination: '/e', rw: false }] });
    expect(c!.env.map((e) => e.key)).toEqual(['A', 'B']);
  });

  it('-P publishes ports only visible in NetworkSettings', () => {
    const c = parseContainer({
      Id: 'x',
      HostConfig: { PublishAllPorts: true, PortBindings: {} },
      NetworkSettings: { Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '32768' }, { HostIp: '::', HostPort: '32768' }], '81/tcp': null } },
    });
    expect(c!.ports).toEqual([
      { containerPort: '80/tcp', hostIp: '0.0.0.0', hostPort: '32768' },
      { containerPort: '80/tcp', hostIp: '::', hostPort: '32768' },
    ]);
  });
});

describe('parseDaemonJson', () => {
  it('the settings the checks use', () => {
    expect(parseDaemonJson('{"no-new-privileges": true, "userns-remap": "default", "icc": false, "live-restore": true, "userland-proxy": false, "log-driver": "json-file"}')).toEqual({
      present: true,
      noNewPrivileges: true,
      usernsRemap: 'default',
      icc: false,
      liveRestore: true,
      userlandProxy: false,
    });
  });
  it('empty file, invalid JSON, not an object: reported, never thrown', () => {
    expect(parseDaemonJson('')).toMatchObject({ present: true, noNewPrivileges: false });
    expect(parseDaemonJson('{"no-new-privileges": true,').error).toMatch(/not valid JSON/);
    expect(parseDaemonJson('[true]').error).toMatch(/not a JSON object/);
    expect(parseDaemonJson('{"no-new-privileges": "true"}').noNewPrivileges).toBe(false);
  });
});

describe('parseDockerGroup', () => {
  it('supplementary and primary members', () => {
    expect(parseDockerGroup('docker:x:999:alice,bob\nprimary ci\nprimary alice\n')).toEqual({ gid: 999, members: ['alice', 'bob', 'ci'] });
    expect(parseDockerGroup('docker:x:105:\n')).toEqual({ gid: 105, members: [] });
  });
  it('garbage → null', () => {
    expect(parseDockerGroup('')).toBeNull();
    expect(parseDockerGroup('getent: oops')).toBeNull();
  });
});
