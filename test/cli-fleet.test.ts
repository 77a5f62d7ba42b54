// `rampart audit` through jump hosts, with sudo, and over an Ansible inventory: bin/rampart.mjs as
// a child process against real lab hosts. Needs root for the lab; skipped without the
// prerequisites unless RAMPART_LAB_REQUIRED=1. The three lab tests run concurrently.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { createJumpChain, type JumpChain } from '../lab/topology';
import { BIN, exec, GRADE, hostBlock, ORDER, REPORT_HEAD, SEVERITY, VERSION, type Result } from './support/cliContract';

/** ~30 s each when the machine is quiet; room for a loaded 2-core machine. */
const TEST_TIMEOUT_MS = 90_000;
const labAvailable = labPrerequisites().ok || process.env.RAMPART_LAB_REQUIRED === '1';

/** bin/rampart.mjs without an ssh-agent: only key files log in. */
const rampart = (...args: string[]): Promise<Result> => exec(process.execPath, [BIN, ...args], 80_000);

const COUNTS = z.strictObject({ critical: z.number(), high: z.number(), medium: z.number(), low: z.number(), info: z.number() });
/** The single-host report (README "The CLI"), written independently of src/cli/report.ts. */
const HostReport = z.strictObject({
  ...REPORT_HEAD,
  host: hostBlock(z.string().regex(/^SHA256:/)),
  score: z
    .strictObject({ overall: z.number(), grade: GRADE, cap: z.string().nullable(), categories: z.record(z.string(), z.strictObject({ score: z.number(), grade: GRADE })) })
    .nullable(),
  findingCounts: COUNTS,
  findings: z.array(z.looseObject({ checkId: z.string(), category: z.string(), severity: SEVERITY, status: z.string() })),
  checks: z.array(z.strictObject({ checkId: z.string(), category: z.string(), severity: SEVERITY, status: z.string(), message: z.string().optional() })),
  errors: z.array(z.strictObject({ section: z.string(), message: z.string() })),
});
type HostReport = z.infer<typeof HostReport>;
const Failure = z.strictObject({
  host: z.strictObject({ name: z.string(), address: z.string(), port: z.number().int(), username: z.string() }),
  status: z.literal('failed'),
  error: z.strictObject({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});
const FleetReport = z.strictObject({
  tool: z.literal('rampart'),
  version: z.literal(VERSION),
  inventory: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  hosts: z.array(z.union([Failure, HostReport])),
  summary: z.strictObject({
    total: z.number(),
    complete: z.number(),
    partial: z.number(),
    failed: z.number(),
    worstGrade: GRADE.nullable(),
    findingCounts: COUNTS,
  }),
});

const failsAt = (rep: HostReport, failOn: string): boolean =>
  rep.findings.some((f) => f.status === 'open' && ORDER.indexOf(f.severity) <= ORDER.indexOf(failOn as (typeof ORDER)[number]));

const tofu = (h: { address: string; port: number }, label = ''): RegExp =>
  new RegExp(`^rampart: warning: trusted the new host key of ${h.address.replace(/\./g, '\\.')}:${h.port}${label.replace(/[()[\]]/g, '\\$&')} on first use: SHA256:\\S+ \\(ssh-ed25519\\)$`);

describe.skipIf(!labAvailable)('rampart audit: --jump, --sudo, --inventory against lab hosts', () => {
  let chain: JumpChain | undefined;
  let host: LabHost | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-cli-fleet-'));
    const [c, h] = await Promise.allSettled([createJumpChain({ hops: 2 }), createLabHost({ scenario: 'hardened' })]);
    if (c.status === 'fulfilled') chain = c.value;
    if (h.status === 'fulfilled') host = h.value;
    if (c.status === 'rejected') throw c.reason;
    if (h.status === 'rejected') throw h.reason;
    // One key for every hop (as --identity is): the target's client key may log in to the bastion too.
    const pub = fs.readFileSync(`${chain!.target.identityFile}.pub`, 'utf8').trim();
    fs.appendFileSync(path.join(chain!.bastion.etcDir, 'ssh', 'authorized_keys_root'), `${pub}\n`);
    // sudo inside the lab host logs what it runs (its /etc/sudoers.d is the host's own).
    const sudoers = path.join(host!.etcDir, 'sudoers.d', 'rampart-test');
    // loglinelen=0: one line per event. sudo wraps at 80 columns by default, and the PWD it logs
    // holds the checkout path, so where the break falls would depend on where the repo lives.
    fs.writeFileSync(sudoers, `Defaults logfile=${path.join(host!.stateDir, 'sudo.log')}, loglinelen=0\n`, { mode: 0o440 });
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([chain?.destroy(), host ? destroyLabHost(host) : undefined]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe.concurrent('concurrently', () => {
    it('--jump through a bastion reaches a target that listens only on its inner address, and audits it', async () => {
      const { bastion, target } = chain!;
      const key = target.identityFile;
      const jump = `${bastion.user}@${bastion.address}:${bastion.port}`;
      // A known_hosts file that lists the bastion's key, and the bastion's key for the target too.
      const wrong = path.join(dir, 'known_hosts_wrong_target');
      const bastionLines = fs.readFileSync(path.join(bastion.stateDir, 'known_hosts'), 'utf8').trim().split('\n');
      fs.writeFileSync(wrong, [...bastionLines, ...bastionLines.map((l) => l.replace(/^\S+/, target.address))].join('\n') + '\n');
      const [direct, accepted, changed] = await Promise.all([
        rampart('audit', '--host', `root@${target.address}`, '--identity', key, '--accept-new-host-key', '--format', 'json'),
        rampart('audit', '--host', `root@${target.address}:${target.port}`, '--jump', jump, '--identity', key, '--accept-new-host-key', '--format', 'json'),
        rampart('audit', '--host', `root@${target.address}`, `--jump=${jump}`, '--identity', key, '--known-hosts', wrong, '--format', 'json'),
      ]);
      // Not reachable from here without the bastion.
      expect(direct.code).toBe(2);
      expect(JSON.parse(direct.stdout).error.code).toMatch(/^(HOST_UNREACHABLE|CONNECTION_TIMEOUT|CONNECTION_REFUSED)$/);

      const rep = HostReport.parse(JSON.parse(accepted.stdout));
      expect(accepted.code, accepted.stderr).toBe(failsAt(rep, 'high') ? 1 : 0);
      expect(rep.status).toBe('complete');
      expect(rep.host).toMatchObject({ address: target.address, port: target.port, username: 'root', os: expect.stringMatching(/Debian/) });
      expect(rep.host.hostKey).toEqual({ keyType: 'ssh-ed25519', fingerprint: target.hostKeyFingerprints['ssh-ed25519'], source: 'accepted-new' });
      expect(rep.checks.filter((c) => c.category === 'ssh' && c.status === 'pass').length).toBeGreaterThan(0);
      expect(rep.errors.filter((e) => e.section === 'collector')).toEqual([]);
      // Both keys were accepted on first use, each with its own notice; nothing else (not a TTY).
      const lines = accepted.stderr.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(tofu(bastion, ` (jump host 1 of 1: ${jump})`));
      expect(lines[1]).toMatch(tofu(target));
      expect(lines[0]).toContain(bastion.hostKeyFingerprints['ssh-ed25519']);
      // The bastion saw the login, and a forwarding to the inner address.
      expect(fs.readFileSync(bastion.logFile, 'utf8')).toMatch(/Accepted publickey for root/);

      // --known-hosts applies to every hop: the bastion's key matched, the target's (read through the
      // bastion) did not, and the login to the target was refused before any credential.
      expect(changed.code).toBe(2);
      const err = JSON.parse(changed.stdout).error as { code: string; message: string; details: Record<string, unknown> };
      expect(err.code).toBe('HOST_KEY_CHANGED');
      expect(err.message).toMatch(new RegExp(`^The host key of ${target.address.replace(/\./g, '\\.')}:22 does not match `));
      expect(err.details.presented).toBe(target.hostKeyFingerprints['ssh-ed25519']);
      expect(changed.stderr).toBe(`rampart: error: ${err.message}\n`);
    }, TEST_TIMEOUT_MS);

    it('--sudo: collected through sudo -n (root login), a complete run; --scan-root accepted', async () => {
      const log = path.join(host!.stateDir, 'sudo.log');
      const r = await rampart(
        'audit', '--host', `root@${host!.address}`, '--identity', host!.identityFile, '--accept-new-host-key',
        '--sudo', '--scan-root', '/srv', '--scan-root', '/opt', '--format', 'json', '--fail-on', 'none',
      );
      expect(r.code, r.stderr).toBe(0);
      const rep = HostReport.parse(JSON.parse(r.stdout));
      expect(rep.status).toBe('complete');
      expect(rep.errors.filter((e) => e.section === 'sudo')).toEqual([]); // sudo did not refuse
      expect(rep.checks.some((c) => c.status === 'needs-sudo')).toBe(false);
      // sudo ran the collection script (execPrivileged: sudo -n -- sh -c '<started line>; sh -s').
      expect(fs.readFileSync(log, 'utf8')).toMatch(/USER=root ; COMMAND=\S*sh -c .*rampart-started-.*; sh -s'$/m);
    }, TEST_TIMEOUT_MS);

    it('--inventory: 3 hosts at --concurrency 2 (one through a jump host, one with a bad port), one report', async () => {
      const { bastion, target } = chain!;
      const h = host!;
      const inv = path.join(dir, 'hosts.ini');
      fs.writeFileSync(
        inv,
        `# lab fleet
[web]
hardened ansible_host=${h.address} ansible_user=root ansible_ssh_private_key_file=${h.identityFile}
broken ansible_host=${h.address} ansible_port=1 ansible_user=root ansible_ssh_private_key_file=${h.identityFile}

[inner]
inner ansible_host=${target.address} ansible_ssh_private_key_file=${target.identityFile} ansible_ssh_common_args='-J root@${bastion.address}'

[all:vars]
ansible_user=root
`,
      );
      // Every host key from known_hosts files (the jump host's too).
      const kh = path.join(dir, 'known_hosts_fleet');
      fs.writeFileSync(kh, fs.readFileSync(chain!.knownHostsFile, 'utf8') + fs.readFileSync(path.join(h.stateDir, 'known_hosts'), 'utf8'));
      // The jump hop is not in the inventory: it logs in with --identity.
      const r = await rampart('audit', '--inventory', inv, '--concurrency', '2', '--identity', bastion.identityFile, '--known-hosts', kh, '--format', 'json');
      const rep = FleetReport.parse(JSON.parse(r.stdout));
      expect(rep.inventory).toBe(inv);
      expect(rep.hosts.map((e) => [e.host.name, e.status])).toEqual([
        ['hardened', 'complete'],
        ['broken', 'failed'],
        ['inner', 'complete'],
      ]);
      const [hard, broken, inner] = rep.hosts as [HostReport, z.infer<typeof Failure>, HostReport];
      expect(hard.host).toMatchObject({ name: 'hardened', address: h.address, port: 22, username: 'root' });
      expect(inner.host).toMatchObject({ name: 'inner', address: target.address, port: target.port });
      expect(inner.host.hostKey.fingerprint).toBe(target.hostKeyFingerprints['ssh-ed25519']);
      expect(broken).toEqual({
        host: { name: 'broken', address: h.address, port: 1, username: 'root' },
        status: 'failed',
        error: { code: 'CONNECTION_REFUSED', message: `${h.address}:1 refused the connection: nothing listens on port 1, or a firewall rejects it.` },
      });
      const grades = [hard, inner].map((x) => x.score!.grade);
      expect(rep.summary).toEqual({
        total: 3,
        complete: 2,
        partial: 0,
        failed: 1,
        worstGrade: GRADE.options[Math.max(...grades.map((g) => GRADE.options.indexOf(g)))],
        findingCounts: Object.fromEntries(ORDER.map((s) => [s, hard.findingCounts[s] + inner.findingCounts[s]])),
      });
      // Exit: 1 if a host has a finding at or above high, else 2 (a host failed).
      const findings = [hard, inner].some((x) => failsAt(x, 'high'));
      expect(r.code, r.stderr).toBe(findings ? 1 : 2);
      // Not a terminal: no progress lines; only the closing error line when the exit status is 2.
      expect(r.stderr).toBe(findings ? '' : 'rampart: error: 1 of 3 host(s) could not be audited (broken) and 0 audit(s) are incomplete; see the report\n');
      expect(hard.host.hostKey.source).toBe('known-hosts');
      expect(inner.host.hostKey.source).toBe('known-hosts');
    }, TEST_TIMEOUT_MS);
  });
});
