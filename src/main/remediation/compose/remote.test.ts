// The command builders through a real /bin/sh: each command line runs with `docker` and
// `docker-compose` on PATH being argv recorders (they print the arguments they received, NUL
// separated), so the test sees exactly what the real binaries would receive — hostile names
// included. The docker behaviour itself is tested against a real dockerd in
// test/remediation-compose.lab.test.ts.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { previewComposeFix } from './index';
import {
  composeConfigCheckCommand,
  composeLabelsCommand,
  composeUpCommand,
  DETECT_COMPOSE_COMMAND,
  dotenvPath,
  inspectStateCommand,
  parseComposeDetect,
  parseComposeLabels,
  parseContainerIds,
  parseInspectState,
  parseRunningImageDigest,
  projectFromLabels,
  restartCommands,
  runningImageDigestsCommand,
  serviceContainersCommand,
  type ComposeProject,
} from './remote';

const work = mkdtempSync(join(tmpdir(), 'rmp-remote-'));
const bin = join(work, 'bin');
const cwd = join(work, 'cwd');
mkdirSync(bin);
mkdirSync(cwd);
for (const name of ['docker', 'docker-compose']) {
  writeFileSync(join(bin, name), `#!/bin/sh\nprintf '%s\\0' "${name}" "$@"\n`);
  chmodSync(join(bin, name), 0o755);
}
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What the command line hands to the binary it runs. */
function argvOf(command: string): string[] {
  const r = spawnSync('/bin/sh', ['-c', command], { cwd, env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

const HOSTILE = [
  "it's",
  'a "quoted" name',
  '$(touch pwned)',
  '`touch pwned`',
  '-rf',
  '--help',
  'semi;colon && echo x | cat',
  'new\nline',
  '*',
  '$HOME ${PATH}',
  'back\\slash',
  'ünïcode',
];

const v1: ComposeProject = { tool: { kind: 'standalone', version: '1.29.2' }, files: ['/srv/app/docker-compose.yml'], projectName: 'app' };

describe('compose command builders', () => {
  it('up -d of a service: v1 and v2 forms', () => {
    expect(argvOf(composeUpCommand(v1, 'web'))).toEqual(['docker-compose', '-f', '/srv/app/docker-compose.yml', '-p', 'app', 'up', '-d', '--no-deps', '--no-build', '--', 'web']);
    const v2: ComposeProject = { tool: { kind: 'plugin', version: '2.29.1' }, files: ['/a.yml', '/b.yml'], projectName: 'p', projectDir: '/srv' };
    expect(argvOf(composeUpCommand(v2, 'db'))).toEqual(['docker', 'compose', '-f', '/a.yml', '-f', '/b.yml', '-p', 'p', '--project-directory', '/srv', 'up', '-d', '--no-deps', '--no-build', '--', 'db']);
    expect(argvOf(composeConfigCheckCommand(v1))).toEqual(['docker-compose', '-f', '/srv/app/docker-compose.yml', '-p', 'app', 'config', '-q']);
  });

  for (const h of HOSTILE)
    it(`hostile name ${JSON.stringify(h)} arrives as one argument everywhere`, () => {
      const p: ComposeProject = { tool: { kind: 'plugin', version: '2' }, files: [`/srv/${h}/compose.yml`], projectName: h, projectDir: `/srv/${h}` };
      expect(argvOf(composeUpCommand(p, h))).toEqual(['docker', 'compose', '-f', `/srv/${h}/compose.yml`, '-p', h, '--project-directory', `/srv/${h}`, 'up', '-d', '--no-deps', '--no-build', '--', h]);
      expect(argvOf(serviceContainersCommand(h, h))).toEqual([
        'docker',
        'ps',
        '-a',
        '--no-trunc',
        '--filter',
        `label=com.docker.compose.project=${h}`,
        '--filter',
        `label=com.docker.compose.service=${h}`,
        '--filter',
        'label=com.docker.compose.oneoff=False',
        '--format',
        '{{.ID}}',
      ]);
      expect(argvOf(composeLabelsCommand(h)).slice(-2)).toEqual(['--', h]);
      expect(argvOf(inspectStateCommand([h, 'other'])).slice(-3)).toEqual(['--', h, 'other']);
      const rc = restartCommands(h, 5);
      expect(argvOf(rc.restart)).toEqual(['docker', 'restart', '--time', '5', '--', h]);
      expect(argvOf(rc.start)).toEqual(['docker', 'start', '--', h]);
      expect(argvOf(rc.stop)).toEqual(['docker', 'stop', '--time', '5', '--', h]);
      // Nothing was executed by the shell along the way.
      expect(readdirSync(cwd)).toEqual([]);
      expect(existsSync(join(cwd, 'pwned'))).toBe(false);
    });

  it('the .env compose reads: in --project-directory, else beside the first file', () => {
    expect(dotenvPath(v1)).toBe('/srv/app/.env');
    expect(dotenvPath({ ...v1, projectDir: '/opt/stack/' })).toBe('/opt/stack/.env');
    expect(dotenvPath({ ...v1, files: ['/compose.yml'] })).toBe('/.env');
  });

  it('refuses a NUL byte (shQuote) and a project without files', () => {
    expect(() => composeUpCommand(v1, 'a\0b')).toThrow(/NUL/);
    expect(() => composeUpCommand({ ...v1, files: [] }, 'web')).toThrow(/at least one file/);
  });
});

describe('detecting compose', () => {
  it('reports nothing when no compose is installed', () => {
    // Neither tool on PATH: nothing answers, and the command still exits 0. The real detection runs in the lab test.
    const r = spawnSync('/bin/sh', ['-c', DETECT_COMPOSE_COMMAND], { cwd, env: { PATH: '/nonexistent' }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(parseComposeDetect(r.stdout)).toEqual({ plugin: null, standalone: null });
  });

  it('parses both tools and v-prefixed versions', () => {
    expect(parseComposeDetect('plugin v2.29.1\nstandalone 1.29.2\n')).toEqual({ plugin: '2.29.1', standalone: '1.29.2' });
    expect(parseComposeDetect('standalone 2.20.0-desktop.1\n')).toEqual({ plugin: null, standalone: '2.20.0-desktop.1' });
    expect(parseComposeDetect('plugin \nstandalone garbage\n')).toEqual({ plugin: null, standalone: null });
  });
});

describe('parsers', () => {
  // Shapes as docker 20.10 and docker-compose 1.29 print them (taken from the lab engine).
  const inspectLine =
    '{"id":"7b5ca84de9dd385314b810336c2d89f63734599fccfe93e19d04eeb35e29eb65","name":"/weird_web_1","state":{"Dead":false,"Error":"","ExitCode":0,"FinishedAt":"0001-01-01T00:00:00Z","Health":{"FailingStreak":0,"Log":[],"Status":"healthy"},"OOMKilled":false,"Paused":false,"Pid":14505,"Restarting":false,"Running":true,"StartedAt":"2026-12-06T03:12:04.046740954Z","Status":"running"},"restartCount":0}';

  it('inspect state', () => {
    const [s] = parseInspectState(`${inspectLine}\n`);
    expect(s).toEqual({
      id: '7b5ca84de9dd385314b810336c2d89f63734599fccfe93e19d04eeb35e29eb65',
      name: 'weird_web_1',
      status: 'running',
      running: true,
      restarting: false,
      paused: false,
      exitCode: 0,
      oomKilled: false,
      health: 'healthy',
      failingStreak: 0,
      restartCount: 0,
      startedAt: '2026-12-06T03:12:04.046740954Z',
      finishedAt: '0001-01-01T00:00:00Z',
    });
    const noHealth = inspectLine.replace(/"Health":\{[^}]*\},/, '').replace('"Running":true', '"Running":false').replace('"Status":"running"', '"Status":"exited"');
    expect(parseInspectState(`garbage\n${noHealth}`)[0]).toMatchObject({ health: null, running: false, status: 'exited' });
  });

  it('the digest to pin: the one of the compose file\'s repository, docker.io names matched in every form', () => {
    const d1 = `sha256:${'1'.repeat(64)}`;
    const d2 = `sha256:${'2'.repeat(64)}`;
    const out = JSON.stringify([`postgres@${d1}`, `registry.example:5000/team/app@${d2}`]);
    expect(parseRunningImageDigest(out, 'postgres:latest')).toBe(d1);
    expect(parseRunningImageDigest(out, 'docker.io/library/postgres')).toBe(d1);
    expect(parseRunningImageDigest(out, 'library/postgres:latest')).toBe(d1);
    expect(parseRunningImageDigest(out, 'registry.example:5000/team/app:latest')).toBe(d2);
    expect(parseRunningImageDigest(out, 'other/postgres:latest')).toBeNull();
    expect(parseRunningImageDigest(out, 'registry.example:5000/postgres')).toBeNull();
    expect(parseRunningImageDigest('[]\n', 'postgres')).toBeNull();
    expect(parseRunningImageDigest('Error: No such image', 'postgres')).toBeNull();
  });

  it('the digest command asks the image of the container, quoted', () => {
    const h = "it's $(x)";
    const argv = argvOf(runningImageDigestsCommand(h));
    // The inner `docker inspect` ran first and its output became the outer's last argument (the
    // shell drops the recorder's NUL separators in $(…)): one argument, the name intact.
    expect(argv.slice(0, 5)).toEqual(['docker', 'image', 'inspect', '--format', '{{json .RepoDigests}}']);
    expect(argv.slice(5)).toEqual([['docker', 'inspect', '--type', 'container', '--format', '{{.Image}}', '--', h].join('')]);
  });

  it('container ids and labels', () => {
    expect(parseContainerIds(`${'a'.repeat(64)}\n\nnot-an-id\n${'b'.repeat(64)}\n`)).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
    const labels = parseComposeLabels(
      `{"com.docker.compose.project":"weird","com.docker.compose.project.config_files":"docker-compose.yml,override.yml","com.docker.compose.project.working_dir":"/tmp/dir with 'q' and $(x)","com.docker.compose.service":"-x"}\n`,
    );
    expect(labels).toEqual({ project: 'weird', service: '-x', workingDir: "/tmp/dir with 'q' and $(x)", configFiles: ['docker-compose.yml', 'override.yml'] });
    expect(projectFromLabels({ kind: 'standalone', version: '1.29.2' }, labels!)).toEqual({
      tool: { kind: 'standalone', version: '1.29.2' },
      files: ["/tmp/dir with 'q' and $(x)/docker-compose.yml", "/tmp/dir with 'q' and $(x)/override.yml"],
      projectName: 'weird',
      projectDir: "/tmp/dir with 'q' and $(x)",
    });
    expect(parseComposeLabels('{"com.docker.compose.service":"x"}')).toBeNull();
    expect(parseComposeLabels('null')).toBeNull();
  });
});

describe('previewComposeFix', () => {
  const text = `services:\n  web:\n    image: lab/busybox:latest\n    environment:\n      API_TOKEN: tok-Qz7-preview-1234\n`;
  const project: ComposeProject = { tool: { kind: 'standalone', version: '1.29.2' }, files: ["/srv/it's app/docker-compose.yml"], projectName: 'app', projectDir: "/srv/it's app" };

  it('the secret move: redacted diff with ${VAR}, the .env by key, the commands in order; no value anywhere', () => {
    const p = previewComposeFix('SECRETS-COMPOSE-LITERAL', project, project.files[0]!, 'web', text, { envKey: 'API_TOKEN' });
    expect(p.fixId).toBe('compose-secret-to-env');
    expect(p.diff).toContain('-      API_TOKEN: <redacted>\n+      API_TOKEN: ${API_TOKEN}\n');
    expect(p.env).toEqual({ path: "/srv/it's app/.env", lines: ['API_TOKEN=<redacted>'] });
    expect(p.commands).toEqual([composeConfigCheckCommand(project), composeUpCommand(project, 'web'), serviceContainersCommand('app', 'web')]);
    expect(argvOf(p.commands[1]!)).toEqual(['docker-compose', '-f', "/srv/it's app/docker-compose.yml", '-p', 'app', '--project-directory', "/srv/it's app", 'up', '-d', '--no-deps', '--no-build', '--', 'web']);
    expect(JSON.stringify(p)).not.toContain('Qz7-preview');
    expect(p.edit.envAdditions[0]!.value.reveal()).toBe('tok-Qz7-preview-1234');
  });

  it('nothing to change: no diff, no commands; unknown checks and foreign files refused', () => {
    const done = previewComposeFix('DOCKER-ROOTFS-WRITABLE', project, project.files[0]!, 'web', text.replace('    image:', '    read_only: true\n    image:'));
    expect([done.diff, done.commands]).toEqual(['', []]);
    expect(() => previewComposeFix('SSH-ROOT-LOGIN', project, project.files[0]!, 'web', text)).toThrow(/No compose fix/);
    expect(() => previewComposeFix('DOCKER-ROOTFS-WRITABLE', project, '/etc/other.yml', 'web', text)).toThrow(/not one of/);
  });
});
