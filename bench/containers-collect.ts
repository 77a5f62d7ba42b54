// Bench for the containers sections of the collector (docker, dockerGroup, compose): their real
// shell on this machine, without SSH, against a scan root of compose projects (a compose file, an
// env_file target and a project .env each) and a fake `docker` that prints real `docker inspect`
// lines. Prints one JSON object: processes started (forks, and programs exec'd, counted with
// strace -f) and CPU time (user + system of the whole process tree, from /usr/bin/time) per run,
// median of N runs, under /bin/sh and busybox sh. Nothing here talks to a real daemon: it isolates the collector's own cost.
// Needs strace and /usr/bin/time. Usage: npx tsx bench/containers-collect.ts [--projects 20] [--iterations 5]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCollectScript } from '../src/main/audit/collector';
import { specs } from '../src/main/audit/sections/containers';
import type { CollectContext } from '../src/main/audit/sections/types';

const { values } = parseArgs({ options: { projects: { type: 'string', default: '20' }, iterations: { type: 'string', default: '5' } } });
const projects = Math.max(1, Number(values.projects) || 20);
const iterations = Math.max(1, Number(values.iterations) || 5);

const HERE = path.dirname(fileURLToPath(import.meta.url));
const INSPECT = fs.readFileSync(path.join(HERE, '..', 'src', 'main', 'audit', '__fixtures__', 'docker', 'inspect-vulnerable.jsonl'), 'utf8');

function need(cmd: string): string {
  const p = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
  if (!p.startsWith('/')) throw new Error(`${cmd} is needed`);
  return p;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-bench-containers-'));
try {
  const strace = need('strace');
  const time = '/usr/bin/time';
  if (!fs.existsSync(time)) throw new Error('/usr/bin/time is needed');
  const root = path.join(tmp, 'srv');
  for (let i = 0; i < projects; i++) {
    const dir = path.join(root, `app${i}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'docker-compose.yml'),
      `services:\n  web:\n    image: nginx:1.27\n    cap_drop: [ALL]\n    ports:\n      - "127.0.0.1:80${i}:80"\n    env_file: ./app.env\n    environment:\n      DB_PASSWORD: literal-${i}\n      ADMIN_PASSWORD: changeme\n      SESSION_TOKEN: \${SESSION_TOKEN}\n  db:\n    image: postgres:17\n    environment:\n      - POSTGRES_PASSWORD=pw-${i}\n      - POSTGRES_DB=app\n`,
    );
    fs.writeFileSync(path.join(dir, 'app.env'), `API_KEY=changeme\nSMTP_PASSWORD=smtp-${i}\nLOG_LEVEL=info\n`);
    fs.writeFileSync(path.join(dir, '.env'), `SESSION_TOKEN=tok-${i}\n`);
  }
  const bin = path.join(tmp, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, 'docker'),
    `#!/bin/sh\ncase "$1" in info) echo '{"ServerVersion":"26.1.5","SecurityOptions":["name=seccomp"]}' ;; ps) for a in "$@"; do [ "$a" = --filter ] && exit 0; done; echo ${'a'.repeat(64)} ;; inspect) cat "${path.join(tmp, 'inspect')}" ;; esac\n`,
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(tmp, 'inspect'), INSPECT);

  const ctx: CollectContext = { sshdConfigPath: '/etc/ssh/sshd_config', scanRoots: [root], sectionTimeoutS: 60 };
  const { scripts } = buildCollectScript({ sshdConfigPath: ctx.sshdConfigPath, scanRoots: ctx.scanRoots, sectionTimeoutS: 60 });
  const lines = scripts[0]!.split('\n');
  const prelude = lines.slice(0, lines.findIndex((l) => l.startsWith('sec id ')));
  const script = [...prelude, ...specs.map((s) => s.script(ctx))].join('\n');
  fs.writeFileSync(path.join(tmp, 'script.sh'), script);
  const env = { PATH: `${bin}:/usr/bin:/bin:/usr/sbin:/sbin`, HOME: tmp, LC_ALL: 'C' };

  const shells: Array<[string, string[]]> = [['sh', ['/bin/sh', '-s']]];
  if (fs.existsSync('/bin/busybox')) shells.push(['busybox sh', ['/bin/busybox', 'sh', '-s']]);
  const out: Record<string, unknown> = { projects, iterations, scriptBytes: Buffer.byteLength(script) };
  for (const [name, argv] of shells) {
    const cpu: number[] = [];
    let processes = 0;
    let outputBytes = 0;
    for (let i = 0; i < iterations; i++) {
      const r = spawnSync(time, ['-f', 'RAMPART-TIME %U %S', ...argv], { input: script, env, encoding: 'utf8', maxBuffer: 64 << 20 });
      const m = /RAMPART-TIME ([\d.]+) ([\d.]+)/.exec(r.stderr);
      if (!m) throw new Error(`no timing: ${r.stderr.slice(-300)}`);
      cpu.push(Number(m[1]) + Number(m[2]));
      outputBytes = Buffer.byteLength(r.stdout);
    }
    const log = path.join(tmp, 'strace.log');
    spawnSync(strace, ['-f', '-qq', '-e', 'trace=execve,clone,clone3,fork,vfork', '-o', log, ...argv], { input: script, env, encoding: 'utf8', maxBuffer: 64 << 20 });
    const traced = fs.readFileSync(log, 'utf8').split('\n');
    // Processes: every fork/clone that made one (subshells included) plus the shell itself; execs: programs run.
    processes = 1 + traced.filter((l) => /^\d+\s+(?:clone3?|v?fork)\(.* = [1-9]\d*$/.test(l)).length;
    const execs = traced.filter((l) => /execve\(/.test(l) && / = 0$/.test(l)).length;
    const sorted = [...cpu].sort((a, b) => a - b);
    out[name] = { processes, execs, cpuSecondsMedian: sorted[Math.floor(sorted.length / 2)], cpuSeconds: cpu, outputBytes };
  }
  console.log(JSON.stringify(out, null, 1));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
