// The containers sections end to end on this machine, without a Docker daemon: their real shell
// (run by /bin/sh and by busybox sh, with the collector's own prelude) against a fake `docker`
// command and a scan root full of awkward files, then their parsers; and the section-level status
// mapping (not installed, needs-sudo, no daemon, timeout, cut off).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCollectScript } from '../collector';
import { parseComposeFacts, parseDockerFacts, parseDockerGroupFacts, specs } from '../sections/containers';
import type { CollectContext, ParseContext } from '../sections/types';
import { parseSections, type RawSection } from './sections';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__', 'docker');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const SHELLS = [['sh', '/bin/sh'], ...(fs.existsSync('/bin/busybox') ? [['busybox sh', '/bin/busybox']] : [])] as Array<[string, string]>;
const TOOLS = ['sh', 'awk', 'find', 'head', 'wc', 'tr', 'xargs', 'grep', 'sort', 'dirname', 'cut', 'getent', 'cat', 'timeout', 'id', 'sed', 'tail', 'env', 'date', 'sleep'];

/** The collector's prelude (PATH, marker, sec/secsh helpers) followed by the containers sections only. */
function containersScript(ctx: CollectContext): { marker: string; script: string } {
  const { marker, scripts } = buildCollectScript({ sshdConfigPath: '/etc/ssh/sshd_config', scanRoots: ctx.scanRoots, sectionTimeoutS: ctx.sectionTimeoutS });
  const lines = scripts[0]!.split('\n');
  const prelude = lines.slice(0, lines.findIndex((l) => l.startsWith('sec id ')));
  return { marker, script: [...prelude, ...specs.map((s) => s.script(ctx))].join('\n') };
}

let tmp: string;
let bin: string; // the tools, without docker
let fakeBin: string; // the tools plus a fake docker
let fake: string; // what the fake docker prints
let root: string; // a scan root

function link(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const t of TOOLS) {
    const p = spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
    if (p.startsWith('/')) fs.symlinkSync(p, path.join(dir, t));
  }
}

function write(rel: string, content: string | Buffer, mode = 0o644): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content, { mode });
  return p;
}

function listTree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

interface Run {
  sections: Map<string, RawSection>;
  parse: ParseContext;
  stdout: string;
}

function run(shell: string, opts: { docker: boolean; uid?: number; scanRoots?: string[]; timeoutS?: number }): Run {
  const ctx: CollectContext = { sshdConfigPath: '/etc/ssh/sshd_config', scanRoots: opts.scanRoots ?? [root], sectionTimeoutS: opts.timeoutS ?? 20 };
  const { marker, script } = containersScript(ctx);
  const args = shell.endsWith('busybox') ? ['sh', '-s'] : ['-s'];
  const r = spawnSync(shell, args, {
    input: script,
    encoding: 'utf8',
    env: { PATH: opts.docker ? fakeBin : bin, HOME: tmp, FAKE: fake, LC_ALL: 'C' },
    cwd: tmp,
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  const sections = parseSections(r.stdout, marker);
  return { sections, stdout: r.stdout, parse: { uid: opts.uid ?? 0, raw: sections, ctx } };
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-docker-collect-'));
  bin = path.join(tmp, 'bin');
  fakeBin = path.join(tmp, 'fakebin');
  fake = path.join(tmp, 'fake');
  root = path.join(tmp, 'srv');
  link(bin);
  link(fakeBin);
  fs.mkdirSync(fake);
  fs.writeFileSync(
    path.join(fakeBin, 'docker'),
    `#!/bin/sh
# A fake Docker CLI: prints what $FAKE holds for each subcommand.
echo "call $1" >> "$FAKE/calls"
case "$1" in
  info) [ -f "$FAKE/hang" ] && exec sleep 5; cat "$FAKE/info"; exit "$(cat "$FAKE/info.rc" 2>/dev/null || echo 0)" ;;
  ps) for a in "$@"; do [ "$a" = "--filter" ] && { cat "$FAKE/labels"; exit 0; }; done
      cat "$FAKE/ps"; exit "$(cat "$FAKE/ps.rc" 2>/dev/null || echo 0)" ;;
  inspect) shift 3; n=0; for id in "$@"; do n=$((n+1)); done; echo "inspect of $n" >> "$FAKE/calls"; cat "$FAKE/inspect" ;;
  *) echo "fake docker: $1?" >&2; exit 1 ;;
esac
`,
    { mode: 0o755 },
  );
  fs.symlinkSync('/bin/false', path.join(fakeBin, 'docker-compose'));

  // The scan root.
  write(
    'app/docker-compose.yml',
    [
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    env_file: ./web.env   # a comment',
      '    environment:',
      '      DB_PASSWORD: PLANTED-collect-literal',
      '  worker:',
      '    image: worker:2',
      '    env_file:',
      '    - common.env',
      '    - "./quoted.env"',
      '    - path: ./optional.env',
      '      required: false',
      '    - ${STAGE}.env',
      '  cron:',
      '    image: cron:1',
      '    env_file: [ ./a.env, /etc/hostname ]',
      '  fifo:',
      '    image: f:1',
      '    env_file: ./fifo.env',
      '  dir:',
      '    image: d:1',
      '    env_file: ./envdir',
    ].join('\n'),
  );
  write('app/web.env', 'API_KEY=changeme\n');
  write('app/common.env', 'TOKEN=PLANTED-collect-common\n');
  write('app/quoted.env', 'A=1\n');
  write('app/a.env', 'B=2\n');
  write('app/.env', 'STAGE=prod\nSESSION_SECRET=secret\n');
  spawnSync('mkfifo', [path.join(root, 'app/fifo.env')]);
  fs.mkdirSync(path.join(root, 'app/envdir'));
  write('other/compose.yaml', 'services:\n  x:\n    image: x:1\n');
  write('stack/services/postgres.yml', 'services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_PASSWORD: admin\n');
  write('stack/ansible.yml', '- hosts: all\n  tasks: []\n');
  write('we ird $(touch pwned) \'q\'/docker-compose.yml', 'services:\n  odd:\n    image: o:1\n');
  write('a/b/c/docker-compose.yml', 'services: {}\n'); // depth 4: beyond -maxdepth 3
  write('node_modules/pkg/docker-compose.yml', 'services: {}\n');
  write('big/docker-compose.yml', `services:\n  big:\n    image: b:1\n# ${'x'.repeat(300 * 1024)}\n`);
  fs.symlinkSync('/etc/shadow', path.join(root, 'linked-compose.yml'));
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe.each(SHELLS)('the containers sections under %s', (_name, shell) => {
  it('without docker: docker not-applicable; compose files from the scan root with env_file targets and .env', () => {
    const before = listTree(tmp);
    const r = run(shell, { docker: false });
    expect(listTree(tmp)).toEqual(before); // writes nothing (and ran no `$(touch …)`)

    expect(r.sections.get('docker_info')?.exitCode).toBe(127);
    expect(parseDockerFacts(r.parse)).toEqual({ ok: false, status: 'not-applicable', message: 'Docker is not installed (no docker command)' });
    expect(parseDockerGroupFacts(r.parse).ok).toBe(true);

    const compose = parseComposeFacts(r.parse);
    if (!compose.ok) throw new Error(compose.message);
    const c = compose.value;
    expect(c.tools).toEqual({ standalone: false, plugin: false });
    expect(c.problems).toEqual([]);
    const files = Object.fromEntries(c.files.map((f) => [path.relative(root, f.path), f]));
    expect(Object.keys(files).sort()).toEqual(['app/docker-compose.yml', 'big/docker-compose.yml', 'other/compose.yaml', 'stack/services/postgres.yml', "we ird $(touch pwned) 'q'/docker-compose.yml"]);
    expect(files['big/docker-compose.yml']!.error).toMatch(/larger than/);
    expect(files['app/docker-compose.yml']!.source).toBe('scan');
    expect(files['app/docker-compose.yml']!.services.map((s) => s.name)).toEqual(['web', 'worker', 'cron', 'fifo', 'dir']);
    expect(files['stack/services/postgres.yml']!.services[0]!.environment).toEqual([{ key: 'POSTGRES_PASSWORD', kind: 'default', secret: true }]);

    const envs = Object.fromEntries(c.envFiles.map((f) => [f.path.startsWith(root) ? path.relative(root, f.path) : f.path, f]));
    expect(Object.keys(envs).sort()).toEqual(['/etc/hostname', 'app/.env', 'app/a.env', 'app/common.env', 'app/envdir', 'app/fifo.env', 'app/optional.env', 'app/quoted.env', 'app/web.env'].sort());
    expect(envs['app/web.env']!.entries).toEqual([{ key: 'API_KEY', kind: 'default', secret: true }]);
    expect(envs['app/.env']!).toMatchObject({ kind: 'dotenv', entries: [{ key: 'STAGE' }, { key: 'SESSION_SECRET', kind: 'default', secret: true }] });
    expect(envs['app/optional.env']!.error).toMatch(/does not exist/);
    expect(envs['app/fifo.env']!.error).toMatch(/not a regular file/); // and the collector did not hang on it
    expect(envs['app/envdir']!.error).toMatch(/not a regular file/);
    expect(JSON.stringify(c)).not.toMatch(/PLANTED/);
    expect(r.stdout).not.toMatch(/PLANTED/); // classified on the host: the values never left it
    expect(r.stdout).not.toMatch(/root:[^:]*:\d+:/); // the symlink to /etc/shadow was not followed
  });

  it('with a (fake) docker: info, ps + inspect, compose files from labels', () => {
    fs.writeFileSync(path.join(fake, 'info'), fixture('docker-info-20.10.json'));
    fs.writeFileSync(path.join(fake, 'ps'), `${'a'.repeat(64)}\n${'b'.repeat(64)}\nWARNING: not an id\n`);
    // The compose labels come from the inspect (the compose section makes no docker call of its
    // own): the fixture's compose container with other label values, as more containers.
    const lines = fixture('inspect-vulnerable.jsonl').trim().split('\n');
    const composeLine = lines.find((l) => l.includes('"com.docker.compose.project.working_dir"'))!;
    const relabel = (i: number, wd: string, files: string): string =>
      composeLine
        .replace(/"Id":"[0-9a-f]+"/, `"Id":"${String(i).repeat(64)}"`)
        .replace(/"Name":"\/[^"]*"/, `"Name":"/relabel${i}"`)
        .replace(/"com.docker.compose.project.working_dir":"[^"]*"/, `"com.docker.compose.project.working_dir":${JSON.stringify(wd)}`)
        .replace(/"com.docker.compose.project.config_files":"[^"]*"/, `"com.docker.compose.project.config_files":${JSON.stringify(files)}`);
    fs.writeFileSync(
      path.join(fake, 'inspect'),
      [
        ...lines.filter((l) => l !== composeLine),
        relabel(1, `${root}/app`, 'docker-compose.yml'), // compose v1: relative names
        relabel(2, `${root}/other`, `${root}/other/compose.yaml,${root}/other/compose.override.yaml`), // compose v2: absolute, comma-separated
        relabel(3, `${root}/app`, 'docker-compose.yml'),
        relabel(4, 'relative/dir', 'x.yml'),
        relabel(5, '', ''),
        relabel(6, `${root}/tab\there`, 'docker-compose.yml'),
      ].join('\n') + '\n',
    );
    fs.writeFileSync(path.join(fake, 'labels'), 'docker ps must not be asked for the labels\n');
    fs.writeFileSync(path.join(fake, 'calls'), '');
    const r = run(shell, { docker: true, scanRoots: [] });
    expect(fs.readFileSync(path.join(fake, 'calls'), 'utf8').split('\n').filter((l) => l === 'call ps')).toHaveLength(1);
    const docker = parseDockerFacts(r.parse);
    if (!docker.ok) throw new Error(docker.message);
    expect(docker.value.containers).toHaveLength(17);
    expect(Math.abs(docker.value.collectedAt! - Date.now() / 1000)).toBeLessThan(600);
    expect(docker.value.daemonJson.present).toBe(fs.existsSync('/etc/docker/daemon.json'));
    expect(fs.readFileSync(path.join(fake, 'calls'), 'utf8').trim().split('\n').filter((l) => l.startsWith('inspect of')).pop()).toBe('inspect of 2');

    const compose = parseComposeFacts(r.parse);
    if (!compose.ok) throw new Error(compose.message);
    expect(compose.value.tools.standalone).toBe(true);
    expect(compose.value.projectDirs).toEqual([`${root}/app`, `${root}/other`]);
    expect(compose.value.files.map((f) => [path.relative(root, f.path), f.source, f.error ?? 'ok'])).toEqual([
      ['app/docker-compose.yml', 'label', 'ok'],
      ['other/compose.yaml', 'label', 'ok'],
      ['other/compose.override.yaml', 'label', 'the file does not exist'],
    ]);
  });

  it('more containers than the limit: the first 300 are inspected, the count is reported', () => {
    const ids = Array.from({ length: 305 }, (_, i) => i.toString(16).padStart(64, '0'));
    fs.writeFileSync(path.join(fake, 'ps'), `${ids.join('\n')}\n`);
    fs.writeFileSync(path.join(fake, 'inspect'), fixture('inspect-hardened.jsonl'));
    fs.writeFileSync(path.join(fake, 'labels'), `${root}/app\tdocker-compose.yml\n`);
    fs.writeFileSync(path.join(fake, 'calls'), '');
    const r = run(shell, { docker: true, scanRoots: [] });
    const docker = parseDockerFacts(r.parse);
    expect(docker.ok && docker.value.limited).toBe(305);
    // Not every container was inspected: the compose labels come from docker ps, as before.
    expect(fs.readFileSync(path.join(fake, 'calls'), 'utf8').split('\n').filter((l) => l === 'call ps')).toHaveLength(2);
    const compose = parseComposeFacts(r.parse);
    expect(compose.ok && compose.value.projectDirs).toEqual([`${root}/app`]);
    expect(fs.readFileSync(path.join(fake, 'calls'), 'utf8').trim().split('\n').filter((l) => l.startsWith('inspect of')).pop()).toBe('inspect of 300');
  });

  it('a daemon that does not answer costs one section timeout, not three', () => {
    fs.writeFileSync(path.join(fake, 'hang'), '');
    fs.writeFileSync(path.join(fake, 'calls'), '');
    try {
      const t = Date.now();
      const r = run(shell, { docker: true, scanRoots: [], timeoutS: 1 });
      expect(Date.now() - t).toBeLessThan(4_000);
      expect([124, 143]).toContain(r.sections.get('docker_info')?.exitCode); // coreutils / busybox timeout
      expect(r.sections.get('docker_containers')?.exitCode).toBe(124);
      expect(fs.readFileSync(path.join(fake, 'calls'), 'utf8').trim().split('\n')).toEqual(['call info']);
      expect(parseDockerFacts(r.parse)).toMatchObject({ ok: false, status: 'error', message: 'docker info: did not finish in time' });
      expect(parseComposeFacts(r.parse).ok).toBe(true);
    } finally {
      fs.rmSync(path.join(fake, 'hang'));
    }
  });

  it('socket permission denied: needs-sudo when unprivileged', () => {
    const denied = 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: permission denied';
    fs.writeFileSync(path.join(fake, 'info'), `{"ID":"","ServerVersion":""}\n${denied}\n`);
    fs.writeFileSync(path.join(fake, 'info.rc'), '1');
    fs.writeFileSync(path.join(fake, 'ps'), `${denied}\n`);
    fs.writeFileSync(path.join(fake, 'ps.rc'), '1');
    try {
      const r = run(shell, { docker: true, uid: 1000, scanRoots: [] });
      expect(parseDockerFacts(r.parse)).toMatchObject({ ok: false, status: 'needs-sudo' });
      expect(parseDockerFacts({ ...r.parse, uid: 0 })).toMatchObject({ ok: false, status: 'error' });
      expect(parseComposeFacts(r.parse).ok).toBe(true);
    } finally {
      fs.rmSync(path.join(fake, 'info.rc'));
      fs.rmSync(path.join(fake, 'ps.rc'));
    }
  });
});

describe('section status mapping', () => {
  const ctx: CollectContext = { sshdConfigPath: '/etc/ssh/sshd_config', scanRoots: [], sectionTimeoutS: 20 };
  const p = (sections: Record<string, [string, number | null]>, uid: number | null = 0): ParseContext => ({
    uid,
    ctx,
    raw: new Map(Object.entries(sections).map(([name, [body, exitCode]]) => [name, { name, body, exitCode }])),
  });
  const info = fixture('docker-info-20.10.json');

  it('docker: missing, cut off, timed out, no daemon, garbage', () => {
    expect(parseDockerFacts(p({}))).toMatchObject({ ok: false, status: 'error', message: /no output/ });
    expect(parseDockerFacts(p({ docker_info: [info.slice(0, 100), null] }))).toMatchObject({ ok: false, status: 'error', message: /cut off/ });
    expect(parseDockerFacts(p({ docker_info: ['', 124] }))).toMatchObject({ ok: false, status: 'error', message: /in time/ });
    expect(parseDockerFacts(p({ docker_info: ['', 143] }))).toMatchObject({ ok: false, status: 'error', message: /in time/ }); // busybox timeout
    expect(parseDockerFacts(p({ docker_info: ['{"ServerErrors":["Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"]}', 0] }))).toMatchObject({
      ok: false,
      status: 'not-applicable',
    });
    expect(parseDockerFacts(p({ docker_info: ['\u0000garbage', 0] }))).toMatchObject({ ok: false, status: 'error' });
    expect(parseDockerFacts(p({ docker_info: [info, 0] }))).toMatchObject({ ok: false, status: 'error', message: /docker ps\/inspect: the collector returned no output/ });
    expect(parseDockerFacts(p({ docker_info: [info, 0], docker_containers: ['{"Id":"abc"', null] }))).toMatchObject({ ok: false, status: 'error', message: /cut off/ });
  });

  it('docker: ok with no containers; daemon.json absent, unreadable, invalid', () => {
    const base = { docker_info: [info, 0], docker_containers: ['', 0] } as Record<string, [string, number | null]>;
    const ok = (extra: Record<string, [string, number | null]>, uid = 0) => {
      const r = parseDockerFacts(p({ ...base, ...extra }, uid));
      if (!r.ok) throw new Error(r.message);
      return r.value;
    };
    expect(ok({}).containers).toEqual([]);
    expect(ok({ docker_daemon_json: ['RAMPART-ABSENT', 0] }).daemonJson.present).toBe(false);
    expect(ok({ docker_daemon_json: ['head: /etc/docker/daemon.json: Permission denied', 1] }, 1000).daemonJson.error).toMatch(/not readable without root/);
    expect(ok({ docker_daemon_json: ['{"no-new-privileges": true}', 0] }).daemonJson.noNewPrivileges).toBe(true);
    expect(ok({ docker_daemon_json: ['{oops', 0] }).daemonJson.error).toMatch(/not valid JSON/);
  });

  it('compose: timeout → error; cut off → the whole files kept', () => {
    expect(parseComposeFacts(p({ compose_files: ['', 124] }))).toMatchObject({ ok: false, status: 'error' });
    expect(parseComposeFacts(p({}))).toMatchObject({ ok: false, status: 'error' });
    const dump = fixture('compose-dump-vulnerable.txt');
    const cut = parseComposeFacts(p({ compose_files: [dump.slice(0, dump.indexOf('SMTP_PASSWORD')), null] }));
    expect(cut.ok && cut.value.problems).toEqual(['the compose section was cut off']);
    expect(cut.ok && cut.value.files[0]!.services).toHaveLength(1);
  });

  it('docker group: absent, members, garbage', () => {
    expect(parseDockerGroupFacts(p({ docker_group: ['RAMPART-ABSENT', 0] }))).toEqual({ ok: true, value: { group: null } });
    expect(parseDockerGroupFacts(p({ docker_group: ['docker:x:998:alice\nprimary ci', 0] }))).toEqual({ ok: true, value: { group: { gid: 998, members: ['alice', 'ci'] } } });
    expect(parseDockerGroupFacts(p({ docker_group: ['???', 0] }))).toMatchObject({ ok: false, status: 'error' });
    expect(parseDockerGroupFacts(p({ docker_group: ['docker:x:9', null] }))).toMatchObject({ ok: false, status: 'error' });
  });

  it('the script is POSIX sh that dash parses', () => {
    const { script } = containersScript({ ...ctx, scanRoots: ["/srv/it's here", '/opt/$(reboot)'] });
    expect(() => execFileSync('sh', ['-n'], { input: script })).not.toThrow();
    expect(script).toContain("'/opt/$(reboot)'");
  });
});
