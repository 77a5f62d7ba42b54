// `rampart fix --export-ansible` for the firewall (ufw) and automatic-updates fixes, run by Debian's
// ansible-core against a real lab host with its own /etc/ufw, /etc/default and /etc/apt (bound over
// /etc in its namespace), ufw inactive and no 20auto-upgrades: --check changes nothing; the run
// enables ufw with SSH allowed only on the path Ansible (and Rampart) came in on and default deny,
// writes 20auto-upgrades, a new connection logs in, and a Rampart audit finds both resolved.
// Needs root; skipped without the lab prerequisites unless RAMPART_LAB_REQUIRED=1.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labExec, labPrerequisites, type LabHost } from '../lab/lab';
import { plantOwnAccounts } from '../lab/plant';
import { ownServiceEtc } from '../lab/services';
import { runPlaybook, type Finding } from './support/ansible';
import { BIN, exec } from './support/cliContract';
import { removeJobBackups, snap } from './support/remediation';

const pre = labPrerequisites();
const labAvailable = pre.ok || process.env.RAMPART_LAB_REQUIRED === '1';

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
          plantOwnAccounts(ctx.name, etc);
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
