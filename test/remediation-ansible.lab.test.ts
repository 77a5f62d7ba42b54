// `rampart fix --export-ansible` against a real lab host (its own sshd in a network namespace),
// run by Debian's ansible-core over real SSH (the host's python3, the lab key, its known_hosts):
// world-readable secrets (one with a hostile name holding quotes, a newline, `$(…)` and Jinja that
// would run a command if Ansible templated it) and two sshd settings (X11Forwarding,
// MaxAuthTries in the main config, validated with `sshd -t`, reloaded by the handler's SIGHUP).
// The export changes nothing; `ansible-playbook --check` changes nothing; a file changed after
// the export makes the playbook fail its pre-check with nothing changed; the real run applies it
// all, a new SSH connection proves access, and a Rampart audit shows the findings resolved.
// Needs root; skipped without the lab prerequisites unless RAMPART_LAB_REQUIRED=1.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labExec, labPrerequisites, type LabHost } from '../lab/lab';
import { canary, lockedShadowFor, plantDir, plantFile, plantRootOf } from '../lab/plant';
import { ownServiceEtc } from '../lab/services';
import { BIN, exec, ROOT, type Result } from './support/cliContract';
import { removeJobBackups, snap, type Snap } from './support/remediation';

const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';

const PWNED = path.join(os.tmpdir(), `rampart-ansible-PWNED-${process.pid}`);
// Quotes, a newline, a command substitution, and Jinja that would create PWNED if templated.
const HOSTILE = `q'"$(touch ${PWNED}) \n {{ lookup('pipe', 'touch ${PWNED}') }}{% raw %}.env`;
const SSH_CHECKS = ['SSH-X11-FORWARDING', 'SSH-MAX-AUTH-TRIES'];

/** ansible-playbook with its state kept in the test folder (no ~/.ansible, no agent, no colour). */
function runPlaybook(dir: string, args: readonly string[]): Promise<Result> {
  const home = path.join(dir, 'ansible-home');
  mkdirSync(home, { recursive: true });
  return new Promise((resolve) => {
    const child = spawn('ansible-playbook', [...args], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        LANG: 'C.UTF-8',
        SSH_AUTH_SOCK: '',
        ANSIBLE_HOME: home,
        ANSIBLE_LOCAL_TEMP: path.join(home, 'tmp'),
        ANSIBLE_REMOTE_TMP: path.join(dir, 'remote-tmp'),
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_RETRY_FILES_ENABLED: '0',
        ANSIBLE_SSH_CONTROL_PATH_DIR: path.join(home, 'cp'),
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

interface Finding {
  id: string;
  checkId: string;
  resource: string;
}

describe.skipIf(!labAvailable)(`rampart fix --export-ansible run by ansible-playbook on a lab host${pre.ok ? '' : ` (${pre.reason})`}`, { timeout: 300_000 }, () => {
  let host: LabHost;
  let dir: string;
  let srv: string;
  const canaries: string[] = [];
  const jobs = new Set<string>();

  const conn = (db: string): string[] => ['--host', `${host.user}@${host.address}:${host.port}`, '--identity', host.identityFile, '--known-hosts', path.join(host.stateDir, 'known_hosts'), '--scan-root', srv, '--db', db];
  const mainConfig = (): string => path.join(host.etcDir, 'ssh', 'sshd_config');
  const playbook = (args: readonly string[]): Promise<Result> => runPlaybook(dir, args);
  const hupCount = (): number => (readFileSync(host.logFile, 'utf8').match(/Received SIGHUP; restarting/g) ?? []).length;

  async function audit(db: string): Promise<Finding[]> {
    const r = await exec(process.execPath, [BIN, 'audit', ...conn(db), '--format', 'json', '--fail-on', 'none'], 180_000);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-ansible-lab-'));
    host = await createLabHost({
      scenario: 'weak-ssh',
      network: {
        // /etc entries are bound for sshd's sessions only if present before it starts.
        setup: async (ctx) => {
          const etc = path.join('/etc/netns', ctx.name);
          plantFile(path.join(etc, 'group'), readFileSync('/etc/group', 'utf8'), { mode: 0o644 });
          plantFile(path.join(etc, 'shadow'), lockedShadowFor(readFileSync('/etc/passwd', 'utf8')), { mode: 0o640 });
        },
      },
    });
    const root = plantRootOf(host.name);
    plantDir(path.dirname(root), { mode: 0o755 });
    plantDir(root, { mode: 0o755 });
    srv = plantDir(path.join(root, 'srv'), { mode: 0o755 });
  }, 120_000);

  afterAll(async () => {
    if (host) await destroyLabHost(host).catch(() => undefined);
    if (host) rmSync(plantRootOf(host.name), { recursive: true, force: true });
    // The playbook keeps its sshd backup in the job's folder, as Rampart does.
    removeJobBackups(jobs);
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(PWNED, { force: true });
  });

  function plantSecret(rel: string, mode: number): { file: string; resource: string } {
    const secret = canary('ansible');
    canaries.push(secret);
    const file = plantFile(path.join(srv, rel), `API_TOKEN=${secret}\n`, { mode, uid: 1234, gid: 1234 });
    return { file, resource: `file:${file}` };
  }

  it('exports the plan (nothing changed), --check changes nothing, a drifted host is refused unchanged, the real run applies it and Rampart finds the findings resolved', async () => {
    const env = plantSecret('app/.env', 0o644);
    const hostile = plantSecret(`hostile/${HOSTILE}`, 0o664);
    const db = path.join(dir, 'rampart.db');
    const found = await audit(db);
    const ids = [
      ['SECRET-FILE-READABLE', env.resource],
      ['SECRET-FILE-READABLE', hostile.resource],
    ].map(([c, r]) => {
      const f = found.find((x) => x.checkId === c && x.resource === r);
      expect(f, `${c} ${JSON.stringify(r)}`).toBeDefined();
      return f!.id;
    });
    for (const c of SSH_CHECKS) expect(found.some((f) => f.checkId === c)).toBe(true);

    const files = [env.file, hostile.file, mainConfig()];
    const snapAll = (): Snap[] => files.map((f) => snap(f));
    const before = snapAll();
    const hups = hupCount();

    // The export: read-only planning, then the playbook and its inventory.
    const book = path.join(dir, 'fix.yml');
    const inventory = path.join(dir, 'fix.inventory.yml');
    const r = await exec(process.execPath, [BIN, 'fix', ...conn(db), ...ids.flatMap((i) => ['--finding', i]), ...SSH_CHECKS.flatMap((c) => ['--check', c]), '--export-ansible', book, '--format', 'json'], 120_000);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { jobId: string; status: string; playbook: string; inventory: string; exported: Array<{ checkId: string }>; skipped: unknown[] };
    expect(rep).toMatchObject({ status: 'exported', playbook: book, inventory });
    jobs.add(rep.jobId);
    expect(rep.exported.map((e) => e.checkId).sort()).toEqual(['SECRET-FILE-READABLE', 'SECRET-FILE-READABLE', ...SSH_CHECKS].sort());
    expect(rep.skipped).toEqual([]);
    expect(snapAll()).toEqual(before);
    expect(hupCount()).toBe(hups);
    const text = readFileSync(book, 'utf8');
    // No secret and no file content went into the playbook.
    for (const c of canaries) expect(text).not.toContain(c);
    expect(text).toContain('validate: !unsafe "/usr/sbin/sshd -t -f %s"');
    expect(readFileSync(inventory, 'utf8')).toContain('UserKnownHostsFile=');

    const syntax = await playbook(['-i', inventory, book, '--syntax-check']);
    expect(syntax.code, syntax.stdout + syntax.stderr).toBe(0);

    // --check: every task evaluated against the host, nothing changed.
    const check = await playbook(['-i', inventory, book, '--check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/failed=0/);
    expect(snapAll()).toEqual(before);
    expect(hupCount()).toBe(hups);

    // Drift: the .env edited after the export (then put back byte for byte, same mode/owner).
    const original = readFileSync(env.file);
    writeFileSync(env.file, Buffer.concat([original, Buffer.from('EXTRA=1\n')]));
    const drifted = await playbook(['-i', inventory, book]);
    expect(drifted.code).not.toBe(0);
    expect(drifted.stdout).toContain('changed since Rampart planned this fix');
    expect(drifted.stdout).toMatch(/changed=0 .*failed=1/);
    // Nothing else was changed: the other secret, the sshd config, sshd not reloaded.
    expect(snap(hostile.file)).toEqual(before[1]);
    expect(snap(mainConfig())).toEqual(before[2]);
    expect(hupCount()).toBe(hups);
    writeFileSync(env.file, original);
    expect(snap(env.file)).toEqual(before[0]);

    // The real run.
    const run = await playbook(['-i', inventory, book]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/failed=0/);
    // The handler reloaded sshd, then a new connection logged in.
    expect(run.stdout).toMatch(/RUNNING HANDLER \[rampart reload sshd \(SIGHUP\)\][^\n]*\n(ok|changed): /);
    expect(run.stdout).toMatch(/TASK \[Prove access: a NEW SSH connection logs in after the change\][^\n]*\nok: /);
    expect(snap(env.file)).toEqual({ ...before[0], mode: 0o600 });
    expect(snap(hostile.file)).toEqual({ ...before[1], mode: 0o600 });
    const conf = readFileSync(mainConfig(), 'utf8');
    expect(conf).toMatch(/^X11Forwarding no$/m);
    expect(conf).toMatch(/^MaxAuthTries 4$/m);
    expect(conf).toContain('# Scenario: weak-ssh');
    // One reload (the handler runs once), and nothing in the hostile name ran.
    expect(hupCount()).toBe(hups + 1);
    expect(existsSync(PWNED)).toBe(false);
    expect(existsSync(path.join(ROOT, 'PWNED'))).toBe(false);

    // Rampart's own audit: the findings are resolved.
    const after = await audit(path.join(dir, 'after.db'));
    for (const [c, res] of [
      ['SECRET-FILE-READABLE', env.resource],
      ['SECRET-FILE-READABLE', hostile.resource],
    ])
      expect(after.filter((f) => f.checkId === c && f.resource === res)).toEqual([]);
    for (const c of SSH_CHECKS) expect(after.filter((f) => f.checkId === c)).toEqual([]);
  });
});

// The firewall and automatic-updates fixes run by Ansible: a host with its own /etc/ufw,
// /etc/default and /etc/apt (bound over /etc in its namespace), ufw inactive, no 20auto-upgrades.
describe.skipIf(!labAvailable)(`rampart fix --export-ansible: ufw and automatic updates run by ansible-playbook${pre.ok ? '' : ` (${pre.reason})`}`, { timeout: 300_000 }, () => {
  let host: LabHost;
  let dir: string;
  const jobs = new Set<string>();
  const CHECKS = ['NET-FIREWALL-INACTIVE', 'SYS-UNATTENDED-UPGRADES'];
  const conn = (db: string): string[] => ['--host', `${host.user}@${host.address}:${host.port}`, '--identity', host.identityFile, '--known-hosts', path.join(host.stateDir, 'known_hosts'), '--db', db];
  const auto = (): string => path.join(host.etcDir, 'apt', 'apt.conf.d', '20auto-upgrades');
  const ufwStatus = async (): Promise<string> => (await labExec(host, ['ufw', 'status', 'verbose'])).stdout;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rampart-ansible-ufw-'));
    host = await createLabHost({
      scenario: 'weak-ssh',
      network: {
        setup: async (ctx) => {
          const etc = ownServiceEtc(ctx.name, 0o700);
          plantFile(path.join(etc, 'group'), readFileSync('/etc/group', 'utf8'), { mode: 0o644 });
          plantFile(path.join(etc, 'shadow'), lockedShadowFor(readFileSync('/etc/passwd', 'utf8')), { mode: 0o640 });
          const apt = path.join(etc, 'apt');
          await exec('cp', ['-a', '/etc/apt', apt], 30_000);
          rmSync(path.join(apt, 'apt.conf.d', '20auto-upgrades'), { force: true });
        },
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (host) await destroyLabHost(host).catch(() => undefined);
    removeJobBackups(jobs);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--check changes nothing; the run enables ufw (SSH allowed from this path only, default deny) and writes 20auto-upgrades; a new connection logs in; Rampart finds both resolved', async () => {
    expect(await ufwStatus()).toMatch(/Status: inactive/);
    expect(existsSync(auto())).toBe(false);
    const ufwFiles = ['ufw/ufw.conf', 'ufw/user.rules', 'default/ufw'].map((f) => path.join(host.etcDir, f));
    const before = ufwFiles.map((f) => snap(f));
    const db = path.join(dir, 'rampart.db');
    const book = path.join(dir, 'guarded.yml');
    const r = await exec(process.execPath, [BIN, 'fix', ...conn(db), ...CHECKS.flatMap((c) => ['--check', c]), '--export-ansible', book, '--format', 'json'], 120_000);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { jobId: string; exported: Array<{ checkId: string }>; skipped: unknown[]; inventory: string };
    jobs.add(rep.jobId);
    expect(rep.exported.map((e) => e.checkId).sort()).toEqual([...CHECKS].sort());
    expect(rep.skipped).toEqual([]);

    const check = await runPlaybook(dir, ['-i', rep.inventory, book, '--check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(await ufwStatus()).toMatch(/Status: inactive/);
    expect(ufwFiles.map((f) => snap(f))).toEqual(before);
    expect(existsSync(auto())).toBe(false);

    const run = await runPlaybook(dir, ['-i', rep.inventory, book]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/TASK \[Prove access: a NEW SSH connection logs in after the change\][^\n]*\nok: /);
    const status = await ufwStatus();
    expect(status).toMatch(/Status: active/);
    expect(status).toMatch(/Default: deny \(incoming\)/);
    // Exactly the path Ansible (and Rampart) came in on: this port, from this machine's address.
    expect(status).toMatch(new RegExp(`^${host.port}/tcp\\s+ALLOW IN\\s+\\d+\\.\\d+\\.\\d+\\.\\d+`, 'm'));
    expect(readFileSync(auto(), 'utf8')).toBe('APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n');

    const after = await exec(process.execPath, [BIN, 'audit', ...conn(path.join(dir, 'after.db')), '--format', 'json', '--fail-on', 'none'], 180_000);
    expect(after.code, after.stderr).toBe(0);
    const findings = (JSON.parse(after.stdout) as { findings: Finding[] }).findings;
    for (const c of CHECKS) expect(findings.filter((f) => f.checkId === c)).toEqual([]);
  });
});
