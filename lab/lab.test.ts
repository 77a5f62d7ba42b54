// Real lab hosts (network namespaces + sshd), driven with the OpenSSH client. Needs root; the
// suite is skipped without the prerequisites unless RAMPART_LAB_REQUIRED=1 (then it fails).

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLabHost,
  destroyAllLabHosts,
  destroyLabHost,
  isLabHostRunning,
  labExec,
  labPrerequisites,
  listLabHosts,
  regenerateHostKeys,
  type LabHost,
} from './lab';
import { procAlive } from './proc';
import { withStaleSweepLock } from './staleSweepLock';
import { renderSshdConfig, scenarioNames, scenarios } from './scenarios';

const LAB_DIR = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(LAB_DIR, '..');
const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';

interface Result {
  stdout: string;
  stderr: string;
  code: number;
}

function exec(file: string, args: readonly string[], opts: { input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<Result> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      file,
      args,
      { timeout: opts.timeoutMs ?? 15_000, killSignal: 'SIGKILL', cwd: opts.cwd, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolvePromise({ stdout: String(stdout), stderr: String(stderr), code });
      },
    );
    child.stdin?.on('error', () => {}); // EPIPE when the command does not read its stdin
    child.stdin?.end(opts.input ?? '');
  });
}

function sshArgs(host: LabHost, extra: readonly string[] = [], knownHostsFile?: string): string[] {
  const hostKeyOptions = knownHostsFile
    ? ['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHostsFile}`]
    : ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'];
  return [
    ...extra, // first: for ssh the first value of an option wins
    '-F', '/dev/null',
    '-i', host.identityFile,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes',
    ...hostKeyOptions,
    '-o', 'LogLevel=ERROR',
    '-o', 'ConnectTimeout=5',
    '-p', String(host.port),
    `${host.user}@${host.address}`,
  ];
}

function ssh(host: LabHost, command: string, extra: readonly string[] = []): Promise<Result> {
  return exec('ssh', [...sshArgs(host, extra), command]);
}

/** `sshd -T` output as keyword -> values (some keywords repeat). */
function parseSshdT(text: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const sp = t.indexOf(' ');
    const key = sp < 0 ? t : t.slice(0, sp);
    const value = sp < 0 ? '' : t.slice(sp + 1);
    m.set(key, [...(m.get(key) ?? []), value]);
  }
  return m;
}

async function effectiveConfigOverSsh(host: LabHost): Promise<Map<string, string[]>> {
  const r = await ssh(host, '/usr/sbin/sshd -T');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return parseSshdT(r.stdout);
}

/** type -> fingerprint, from `ssh-keyscan` piped into `ssh-keygen -lf -` (what a user would run). */
async function scannedFingerprints(host: LabHost): Promise<Record<string, string>> {
  const scan = await exec('ssh-keyscan', ['-T', '5', '-p', String(host.port), host.address]);
  const keyLines = scan.stdout.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  expect(keyLines.length).toBeGreaterThan(0);
  const fps = await exec('ssh-keygen', ['-lf', '-'], { input: `${keyLines.join('\n')}\n` });
  expect(fps.code).toBe(0);
  const fpLines = fps.stdout.trim().split('\n');
  expect(fpLines).toHaveLength(keyLines.length);
  const out: Record<string, string> = {};
  keyLines.forEach((line, i) => {
    const type = line.split(/\s+/)[1] ?? '';
    const fp = (fpLines[i] ?? '').split(/\s+/)[1] ?? '';
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    out[type] = fp;
  });
  return out;
}


async function netnsList(): Promise<string[]> {
  const r = await exec('ip', ['netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean);
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
}

async function expectGone(host: LabHost): Promise<void> {
  expect(await netnsList()).not.toContain(host.name);
  expect(existsSync(`/run/netns/${host.name}`)).toBe(false);
  expect(existsSync(host.etcDir)).toBe(false);
  expect(existsSync(host.stateDir)).toBe(false);
  expect(existsSync(`/run/rampart-lab/hosts/${host.name}.json`)).toBe(false);
  expect(procAlive(host.pid)).toBe(false);
  const links = await exec('ip', ['-o', 'link', 'show']);
  expect(links.stdout).not.toContain(`rv${host.name.slice(4)}`);
  const addrs = await exec('ip', ['-4', '-o', 'addr', 'show']);
  const rootSide = host.address.replace(/\d+$/, (d) => String(Number(d) - 1));
  expect(addrs.stdout).not.toContain(`inet ${rootSide}/30`);
  expect((await listLabHosts()).map((h) => h.name)).not.toContain(host.name);
}


describe('lab scenarios (data)', () => {
  it('lists the scenarios and renders host-specific lines before the scenario settings', () => {
    expect(scenarioNames).toEqual(['hardened', 'weak-ssh']);
    const text = renderSshdConfig('weak-ssh', { hostName: 'rmp-abc123', pidFile: '/x y/sshd.pid' });
    expect(text).toContain('PidFile "/x y/sshd.pid"');
    expect(text).toContain('AuthorizedKeysFile /etc/ssh/authorized_keys_%u');
    expect(text).toContain('UsePAM no');
    expect(text.match(/^HostKey /gm)).toHaveLength(scenarios['weak-ssh'].hostKeys.length);
    expect(text.indexOf('UsePAM no')).toBeLessThan(text.indexOf('PermitRootLogin yes'));
  });

  it('reports prerequisites as ok or with a reason', () => {
    const p = labPrerequisites();
    if (!p.ok) expect(p.reason).toMatch(/missing: /);
    else expect(p).toEqual({ ok: true });
  });
});

describe.skipIf(!labAvailable)('lab hosts (root, network namespaces, real sshd)', () => {
  let hardened: LabHost;
  let weak: LabHost;
  const extra: LabHost[] = [];

  beforeAll(async () => {
    [hardened, weak] = await Promise.all([createLabHost({ scenario: 'hardened' }), createLabHost({ scenario: 'weak-ssh' })]);
  });

  afterAll(async () => {
    const all = [hardened, weak, ...extra].filter((h): h is LabHost => h !== undefined);
    const results = await Promise.allSettled(all.map((h) => destroyLabHost(h)));
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  });

  it('gives concurrently created hosts distinct names and /30 subnets in 10.213.0.0/16', async () => {
    const burst = await Promise.all([0, 1, 2, 3].map(() => createLabHost({ scenario: 'hardened' })));
    extra.push(...burst);
    const hosts = [hardened, weak, ...burst];
    for (const h of hosts) {
      expect(h.name).toMatch(/^rmp-[0-9a-f]{6}$/);
      expect(h.address).toMatch(/^10\.213\.\d{1,3}\.\d{1,3}$/);
      expect(ipToInt(h.address) % 4).toBe(2); // host side .2 of its /30
      expect(h.port).toBe(22);
      expect(h.user).toBe('root');
      expect(h.sshdConfigPath).toBe('/etc/ssh/sshd_config');
      expect(h.etcDir).toBe(`/etc/netns/${h.name}`);
      expect(procAlive(h.pid)).toBe(true);
    }
    expect(new Set(hosts.map((h) => h.name)).size).toBe(hosts.length);
    expect(new Set(hosts.map((h) => h.address)).size).toBe(hosts.length);
    expect(new Set(hosts.map((h) => Math.floor(ipToInt(h.address) / 4))).size).toBe(hosts.length);
    expect(new Set(hosts.map((h) => h.pid)).size).toBe(hosts.length);
    // Every burst host really answers on its own address.
    const logins = await Promise.all(burst.map((h) => ssh(h, 'cat /etc/ssh/authorized_keys_root')));
    burst.forEach((h, i) => {
      expect(logins[i]?.code).toBe(0);
      expect(logins[i]?.stdout.trim()).toBe(readFileSync(`${h.identityFile}.pub`, 'utf8').trim());
    });
    await Promise.all(burst.map((h) => destroyLabHost(h)));
    await Promise.all(burst.map((h) => expectGone(h)));
  });

  it('hardened: an OpenSSH client logs in with the generated key and sshd -T shows the hardened settings', async () => {
    const cfg = await effectiveConfigOverSsh(hardened);
    expect(cfg.get('permitrootlogin')).toEqual(['without-password']); // = prohibit-password in 9.2's output
    expect(cfg.get('maxauthtries')).toEqual(['3']);
    expect(cfg.get('passwordauthentication')).toEqual(['no']);
    expect(cfg.get('x11forwarding')).toEqual(['no']);
    expect(cfg.get('ciphers')?.[0]?.split(',')).not.toContain('3des-cbc');
    expect(cfg.get('hostkey')).toEqual(['/etc/ssh/ssh_host_ed25519_key']);
    expect(cfg.get('authorizedkeysfile')).toEqual(['/etc/ssh/authorized_keys_%u']);
    for (const [key, value] of Object.entries(scenarios.hardened.expectedEffective)) {
      expect([key, cfg.get(key)]).toEqual([key, [value]]);
    }
  });

  it('weak-ssh: an OpenSSH client logs in with the generated key and sshd -T shows the weak settings', async () => {
    const cfg = await effectiveConfigOverSsh(weak);
    expect(cfg.get('permitrootlogin')).toEqual(['yes']);
    expect(cfg.get('maxauthtries')).toEqual(['10']);
    expect(cfg.get('passwordauthentication')).toEqual(['yes']);
    expect(cfg.get('permitemptypasswords')).toEqual(['yes']);
    expect(cfg.get('x11forwarding')).toEqual(['yes']);
    expect(cfg.get('logingracetime')).toEqual(['120']);
    expect(cfg.get('ciphers')?.[0]?.split(',')).toEqual(expect.arrayContaining(['aes128-cbc', '3des-cbc', 'aes256-cbc']));
    expect(cfg.get('macs')?.[0]?.split(',')).toEqual(expect.arrayContaining(['hmac-md5', 'hmac-sha1', 'hmac-sha1-96', 'umac-64@openssh.com']));
    expect(cfg.get('kexalgorithms')?.[0]?.split(',')).toEqual(
      expect.arrayContaining(['diffie-hellman-group1-sha1', 'diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1', 'curve25519-sha256']),
    );
    expect(cfg.get('hostkeyalgorithms')?.[0]?.split(',')).toEqual(expect.arrayContaining(['ssh-rsa', 'ssh-ed25519']));
    expect(cfg.get('hostkey')).toHaveLength(3);
    for (const [key, value] of Object.entries(scenarios['weak-ssh'].expectedEffective)) {
      expect([key, cfg.get(key)]).toEqual([key, [value]]);
    }
  });

  it('negotiates legacy algorithms only with the weak-ssh host', async () => {
    const legacy = ['-o', 'KexAlgorithms=diffie-hellman-group1-sha1', '-o', 'HostKeyAlgorithms=ssh-rsa', '-c', '3des-cbc', '-m', 'hmac-md5'];
    const [onWeak, onHardened, gexSha1] = await Promise.all([
      ssh(weak, 'echo ok', legacy),
      ssh(hardened, 'echo ok', ['-c', '3des-cbc', '-o', 'LogLevel=INFO']),
      ssh(weak, 'echo ok', ['-o', 'KexAlgorithms=diffie-hellman-group-exchange-sha1', '-c', 'aes256-cbc', '-m', 'hmac-sha1']),
    ]);
    expect(onWeak).toMatchObject({ code: 0, stdout: 'ok\n' });
    expect(gexSha1).toMatchObject({ code: 0, stdout: 'ok\n' });
    expect(onHardened.code).toBe(255);
    expect(onHardened.stderr).toMatch(/no matching cipher found/);
  });

  it('refuses a client key that is not authorized', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-lab-test-'));
    try {
      const key = join(dir, 'other');
      expect((await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key])).code).toBe(0);
      const r = await ssh({ ...hardened, identityFile: key }, 'true');
      expect(r.code).toBe(255);
      expect(r.stderr).toMatch(/Permission denied \(publickey\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports the host key fingerprints that ssh-keyscan | ssh-keygen -lf - sees', async () => {
    expect(Object.keys(hardened.hostKeyFingerprints)).toEqual(['ssh-ed25519']);
    expect(Object.keys(weak.hostKeyFingerprints).sort()).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519', 'ssh-rsa']);
    expect(await scannedFingerprints(hardened)).toEqual(hardened.hostKeyFingerprints);
    expect(await scannedFingerprints(weak)).toEqual(weak.hostKeyFingerprints);
    // The per-host known_hosts lets strict host key checking pass without trust-on-first-use.
    const strict = await exec('ssh', [...sshArgs(weak, [], join(weak.stateDir, 'known_hosts')), 'true']);
    expect(strict.stderr).toBe('');
    expect(strict.code).toBe(0);
  });

  it('runs commands inside the host with labExec (own /etc/ssh, isolated network)', async () => {
    const [addr, route, keys, sudoers] = await Promise.all([
      labExec(hardened, ['ip', '-4', '-o', 'addr', 'show']),
      labExec(hardened, ['ip', 'route', 'show', 'default']),
      labExec(hardened, ['cat', '/etc/ssh/authorized_keys_root']),
      labExec(hardened, ['ls', '-A', '/etc/sudoers.d']),
    ]);
    expect(addr.stdout).toContain(`inet ${hardened.address}/30`);
    expect(route).toMatchObject({ code: 0, stdout: '' }); // no way out of the namespace
    expect(keys.stdout.trim()).toBe(readFileSync(`${hardened.identityFile}.pub`, 'utf8').trim());
    expect(sudoers).toMatchObject({ code: 0, stdout: '' });
    const failing = await labExec(hardened, ['sh', '-c', 'echo err >&2; exit 7']);
    expect(failing).toEqual({ stdout: '', stderr: 'err\n', code: 7 });
  });

  it('lists the hosts from their state files', async () => {
    const listed = await listLabHosts();
    expect(listed).toContainEqual(hardened);
    expect(listed).toContainEqual(weak);
    expect(isLabHostRunning(hardened)).toBe(true);
  });

  it('regenerateHostKeys gives new host keys, restarts sshd and keeps the client key working', async () => {
    const before = weak;
    const after = await regenerateHostKeys(before);
    weak = after;
    expect(Object.keys(after.hostKeyFingerprints).sort()).toEqual(Object.keys(before.hostKeyFingerprints).sort());
    for (const [type, fp] of Object.entries(after.hostKeyFingerprints)) {
      expect(fp).not.toBe(before.hostKeyFingerprints[type]);
    }
    expect(after.pid).not.toBe(before.pid);
    expect(procAlive(before.pid)).toBe(false);
    expect(procAlive(after.pid)).toBe(true);
    expect(await scannedFingerprints(after)).toEqual(after.hostKeyFingerprints);
    expect(await ssh(after, 'echo still-in')).toMatchObject({ code: 0, stdout: 'still-in\n' });
    expect((await listLabHosts()).find((h) => h.name === after.name)).toEqual(after);
  });

  it('destroy removes namespace, veth, /etc/netns entry, state and sshd, and is idempotent', async () => {
    const host = await createLabHost({ scenario: 'weak-ssh' });
    extra.push(host);
    expect(await netnsList()).toContain(host.name);
    expect(existsSync(host.etcDir)).toBe(true);
    // An open session: its processes live in the namespace and must go too.
    const session = spawn('ssh', [...sshArgs(host), 'sleep 60'], { stdio: 'ignore' });
    const sessionClosed = new Promise<number | null>((r) => session.on('close', (code) => r(code)));
    // pgrep sees every process on the machine (namespaces here are network-only): keep the
    // `sleep` whose network namespace is this host's, not one of another test's.
    const hostNetns = readlinkSync(`/proc/${host.pid}/ns/net`);
    const sleepsInHost = async (): Promise<number[]> =>
      (await labExec(host, ['pgrep', '-x', 'sleep'])).stdout
        .split('\n')
        .filter(Boolean)
        .map(Number)
        .filter((pid) => {
          try {
            return readlinkSync(`/proc/${pid}/ns/net`) === hostNetns;
          } catch {
            return false;
          }
        });
    await expect.poll(async () => (await sleepsInHost()).length, { timeout: 5_000 }).toBeGreaterThan(0);
    const sleepPid = (await sleepsInHost())[0]!;

    await destroyLabHost(host);
    await expectGone(host);
    expect(procAlive(sleepPid)).toBe(false);
    expect(await sessionClosed).toBe(255); // the client saw its connection die
    await expect(destroyLabHost(host)).resolves.toBeUndefined();
    await expect(destroyLabHost(host.name)).resolves.toBeUndefined();
    await expect(labExec(host, ['true'])).rejects.toThrow(/does not exist/);
    await expect(destroyLabHost('../etc')).rejects.toThrow(/invalid lab host name/);
    // The other hosts are untouched.
    expect(isLabHostRunning(hardened)).toBe(true);
    expect(isLabHostRunning(weak)).toBe(true);
  });

  describe('cleanup when the creating process ends', () => {
    let scriptDir = '';
    let script = '';
    beforeAll(() => {
      scriptDir = mkdtempSync(join(tmpdir(), 'rampart-lab-child-'));
      script = join(scriptDir, 'child.mts');
      writeFileSync(
        script,
        `import { createLabHost } from ${JSON.stringify(pathToFileURL(join(LAB_DIR, 'lab.ts')).href)};
const mode = process.argv[2];
const host = await createLabHost({ scenario: 'hardened' });
process.stdout.write(JSON.stringify(host) + '\\n');
if (mode === 'exit') process.exit(0);
if (mode === 'throw') setTimeout(() => { throw new Error('simulated test crash'); }, 10);
else setInterval(() => {}, 1000);
`,
      );
    });
    afterAll(() => rmSync(scriptDir, { recursive: true, force: true }));

    /** Starts the child, returns its host once printed, and a promise of how it ended. */
    async function startChild(mode: string): Promise<{ host: LabHost; kill: (s: NodeJS.Signals) => void; ended: Promise<{ code: number | null; signal: string | null }> }> {
      const child = spawn(process.execPath, ['--import', 'tsx', script, mode], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      const ended = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const host = await new Promise<LabHost>((resolveHost, reject) => {
        const timer = setTimeout(() => reject(new Error(`child (${mode}) printed no host: ${err}`)), 20_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const nl = out.indexOf('\n');
          if (nl >= 0) {
            clearTimeout(timer);
            resolveHost(JSON.parse(out.slice(0, nl)) as LabHost);
          }
        });
        void ended.then(() => reject(new Error(`child (${mode}) ended early: ${err}`)));
      });
      extra.push(host); // afterAll cleans it if the test fails
      return { host, kill: (s) => child.kill(s), ended };
    }

    it.concurrent('destroys its hosts on normal exit', async () => {
      const { host, ended } = await startChild('exit');
      expect(await ended).toEqual({ code: 0, signal: null });
      await expectGone(host);
    });

    it.concurrent('destroys its hosts when the process dies of an uncaught exception', async () => {
      const { host, ended } = await startChild('throw');
      expect((await ended).code).toBe(1);
      await expectGone(host);
    });

    it.concurrent('destroys its hosts on SIGTERM', async () => {
      const { host, kill, ended } = await startChild('wait');
      expect(procAlive(host.pid)).toBe(true);
      kill('SIGTERM');
      expect(await ended).toEqual({ code: null, signal: 'SIGTERM' });
      await expectGone(host);
    });

    it.concurrent('leaves a stale host after SIGKILL, which destroyAllLabHosts({ staleOnly }) removes', async () => {
      await withStaleSweepLock(async () => {
        const { host, kill, ended } = await startChild('wait');
        kill('SIGKILL');
        expect((await ended).signal).toBe('SIGKILL');
        expect(await netnsList()).toContain(host.name);
        expect(procAlive(host.pid)).toBe(true); // sshd outlived its creator
        expect((await ssh(host, 'echo orphan')).stdout).toBe('orphan\n');
        await destroyAllLabHosts({ staleOnly: true });
        await expectGone(host);
      });
      // Hosts whose creator is alive (this worker, other test files) are not stale.
      expect(isLabHostRunning(hardened)).toBe(true);
      expect(isLabHostRunning(weak)).toBe(true);
    });
  });

  describe('npm run lab (lab/cli.ts)', () => {
    const cli = (...args: string[]): Promise<Result> =>
      exec(process.execPath, ['--import', 'tsx', join(LAB_DIR, 'cli.ts'), ...args], { cwd: REPO, timeoutMs: 30_000 });

    it('exits 2 with a clear message on usage errors', async () => {
      const [none, unknownCmd, badScenario, noScenario, badName, noDown] = await Promise.all([
        cli(),
        cli('frobnicate'),
        cli('up', 'nope'),
        cli('up'),
        cli('up', 'hardened', '--name', 'web1'),
        cli('down'),
      ]);
      expect(none).toMatchObject({ code: 2, stderr: expect.stringContaining('missing command') });
      expect(unknownCmd).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
      expect(badScenario).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown scenario "nope" (known: hardened, weak-ssh)') });
      expect(noScenario).toMatchObject({ code: 2, stderr: expect.stringContaining('missing <scenario>') });
      expect(badName).toMatchObject({ code: 2, stderr: expect.stringContaining('--name must look like rmp-NAME') });
      expect(noDown).toMatchObject({ code: 2, stderr: expect.stringContaining('missing <name>') });
      for (const r of [none, unknownCmd, badScenario]) expect(r.stderr).toContain('Usage:');
    });

    it('up prints working connection instructions; list shows the host; down removes it', async () => {
      const name = `rmp-cli${Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0')}`;
      const up = await cli('up', 'weak-ssh', '--name', name);
      expect(up.stderr).toBe('');
      expect(up.code).toBe(0);
      const record = JSON.parse(readFileSync(`/run/rampart-lab/hosts/${name}.json`, 'utf8')) as LabHost;
      extra.push(record);
      const sshLine = up.stdout.split('\n').find((l) => l.trim().startsWith('ssh -i '));
      expect(sshLine).toBeDefined();
      expect(sshLine).toContain(`-p 22`);
      expect(sshLine).toContain(`root@${record.address}`);
      for (const fp of Object.values(record.hostKeyFingerprints)) expect(up.stdout).toContain(fp);
      expect(up.stdout).toContain(
        `npx rampart audit --host root@${record.address}:22 --identity ${record.identityFile} --accept-new-host-key --format json`,
      );
      // The printed command works as is (strict host key checking against the written known_hosts).
      const argv = (sshLine ?? '').trim().split(/\s+/).slice(1);
      const login = await exec('ssh', ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', ...argv, 'echo hi']);
      expect(login).toMatchObject({ code: 0, stdout: 'hi\n' });

      // `up` returned, but the host keeps running (persistent) and is not "stale".
      const list = await cli('list');
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(new RegExp(`^${name}\\s+weak-ssh\\s+${record.address.replace(/\./g, '\\.')}:22\\s+\\d+\\s+running`, 'm'));
      await withStaleSweepLock(() => destroyAllLabHosts({ staleOnly: true }));
      expect(isLabHostRunning(record)).toBe(true);

      const down = await cli('down', name);
      expect(down).toMatchObject({ code: 0, stdout: `destroyed ${name}\n` });
      await expectGone(record);
      const listJson = await cli('list', '--json');
      expect((JSON.parse(listJson.stdout) as LabHost[]).map((h) => h.name)).not.toContain(name);
    });
  });
});
