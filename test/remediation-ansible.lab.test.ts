// `rampart fix --export-ansible` against a real lab host (its own sshd in a network namespace),
// run by Debian's ansible-core over real SSH (the host's python3, the lab key, its known_hosts):
// world-readable secrets (one with a hostile name holding quotes, a newline, `$(…)` and Jinja that
// would run a command if Ansible templated it) and two sshd settings (X11Forwarding,
// MaxAuthTries in the main config, validated with `sshd -t`, reloaded by the handler's SIGHUP).
// The export changes nothing; `ansible-playbook --check` changes nothing; a file changed after
// the export makes the playbook fail its pre-check with nothing changed; the real run applies it
// all, a new SSH connection proves access, and a Rampart audit shows the findings resolved; an sshd
// edit that does not come out as planned is put back by the playbook's rescue.
// (The firewall and automatic-updates fixes: remediation-ansible-guarded.lab.test.ts.)
// Needs root; skipped without the lab prerequisites unless RAMPART_LAB_REQUIRED=1.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { canary, plantDir, plantFile, plantRootOf, plantOwnAccounts } from '../lab/plant';
import { BIN, exec, ROOT, type Result } from './support/cliContract';
import { runPlaybook, type Finding } from './support/ansible';
import { removeJobBackups, snap, type Snap } from './support/remediation';

const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';

const PWNED = path.join(os.tmpdir(), `rampart-ansible-PWNED-${process.pid}`);
// Quotes, a newline, a command substitution, and Jinja that would create PWNED if templated.
const HOSTILE = `q'"$(touch ${PWNED}) \n {{ lookup('pipe', 'touch ${PWNED}') }}{% raw %}.env`;
const SSH_CHECKS = ['SSH-X11-FORWARDING', 'SSH-MAX-AUTH-TRIES'];

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
          plantOwnAccounts(ctx.name);
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

  it('an sshd edit that does not come out as planned is put back from its backup by the rescue, and sshd is not reloaded', async () => {
    // Test fault: the playbook's planned sha256 after the edit is changed, so its own check fails.
    const db = path.join(dir, 'rescue.db');
    const book = path.join(dir, 'rescue.yml');
    const r = await exec(process.execPath, [BIN, 'fix', ...conn(db), '--check', 'SSH-PERMIT-EMPTY-PASSWORDS', '--export-ansible', book, '--format', 'json'], 120_000);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { jobId: string; inventory: string };
    jobs.add(rep.jobId);
    const text = readFileSync(book, 'utf8');
    const planned = /stat\.checksum == '([0-9a-f]{64})'/g;
    const sums = [...text.matchAll(planned)].map((m) => m[1]!);
    expect(sums).toHaveLength(2); // the pre-check, then the planned result
    writeFileSync(book, text.replace(`checksum == '${sums[1]!}'`, `checksum == '${'0'.repeat(64)}'`));
    const before = snap(mainConfig());
    const hups = hupCount();
    const run = await playbook(['-i', rep.inventory, book]);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(/rescued=1/);
    expect(run.stdout).toContain('failed its checks and was undone; sshd was not reloaded');
    expect(snap(mainConfig())).toEqual(before);
    expect(readFileSync(mainConfig(), 'utf8')).toMatch(/^PermitEmptyPasswords yes$/m);
    expect(hupCount()).toBe(hups);
  });
});
