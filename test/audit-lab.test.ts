// runAudit end to end against real lab hosts (network namespaces with a real sshd): the expected
// findings per scenario, and every way an audit can be refused or degrade, with the store intact.
// Needs root; skipped without the lab prerequisites unless RAMPART_LAB_REQUIRED=1 (then it fails).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, regenerateHostKeys, type LabHost } from '../lab/lab';
import { scenarios } from '../lab/scenarios';
import { runAudit, type AuditTarget } from '../src/main/audit/auditor';
import { GLOBAL_CONTEXT } from '../src/main/audit/checks/ssh/sshdValue';
import { connect, probeHostKey } from '../src/main/ssh/connection';
import { Store } from '../src/main/store/store';
import type { Finding, RunDetail } from '../src/shared/domain';
import { RampartError } from '../src/shared/errors';
import { SLICE_CHECKS } from './support/sliceChecks';

/** The CIS Debian 12 5.1 / Lynis SSH-7408 checks added beside the first slice, in catalog order. */
const CIS_5_1_IDS = ['SSH-LOG-LEVEL', 'SSH-STRICT-MODES', 'SSH-GATEWAY-PORTS', 'SSH-TCP-FORWARDING', 'SSH-AGENT-FORWARDING', 'SSH-PERMIT-TUNNEL', 'SSH-CLIENT-ALIVE', 'SSH-MAX-SESSIONS', 'SSH-MAX-STARTUPS', 'SSH-USE-PAM', 'SSH-GSSAPI-AUTH', 'SSH-BANNER'];

const labAvailable = labPrerequisites().ok || process.env.RAMPART_LAB_REQUIRED === '1';

function target(host: LabHost, over: Partial<AuditTarget> = {}): AuditTarget {
  return {
    hostId: null,
    name: host.name,
    address: host.address,
    port: host.port,
    username: host.user,
    identityFile: host.identityFile,
    sshdConfigPath: host.sshdConfigPath,
    ...over,
  };
}

/** The algorithm names an algorithm finding lists ("X offers a (why), b (why)"). */
function listedAlgorithms(f: Finding): string[] {
  return [...f.evidence.replace(/^\S+ offers /, '').matchAll(/(?:^|, )([A-Za-z0-9@._+-]+) \(/g)].map((m) => m[1]!);
}

function only(run: RunDetail, checkId: string): Finding[] {
  return run.findings.filter((f) => f.checkId === checkId);
}

/** What is in the store, for "nothing changed" comparisons. */
function snapshot(store: Store, address: string, port: number): unknown {
  return {
    pin: store.getPin(address, port),
    runs: store.listRuns({ limit: 1000 }).map((r) => store.getRun(r.id)),
  };
}

async function expectRefusal(p: Promise<unknown>, code: string): Promise<RampartError> {
  const err = await p.then(
    () => {
      throw new Error(`expected ${code}, but the audit succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RampartError);
  expect((err as RampartError).code, (err as Error).message).toBe(code);
  return err as RampartError;
}



describe.skipIf(!labAvailable)('runAudit against lab hosts', () => {
  const created: LabHost[] = [];
  let hardened: LabHost;
  let weak: LabHost;
  let dir: string;
  let dbFile: string;
  let store: Store;
  let weakRun: RunDetail;
  let hardenedRun: RunDetail;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-audit-lab-'));
    dbFile = path.join(dir, 'rampart.db');
    store = new Store(dbFile);
    // allSettled: a host that did come up is destroyed in afterAll even if the other failed.
    const results = await Promise.allSettled([createLabHost({ scenario: 'hardened' }), createLabHost({ scenario: 'weak-ssh' })]);
    for (const r of results) if (r.status === 'fulfilled') created.push(r.value);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    [hardened, weak] = created as [LabHost, LabHost];
  });

  afterAll(async () => {
    store?.close();
    await Promise.allSettled(created.map((h) => destroyLabHost(h)));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('weak-ssh: every weakness the scenario configures is found', async () => {
    weakRun = await runAudit(store, target(weak), { acceptNewHostKey: true });
    expect(weakRun.status).toBe('complete');
    expect(weakRun.errors.filter((e) => e.section === 'sshd' || e.section === 'collector')).toEqual([]);
    expect(weakRun.execCount).toBeLessThanOrEqual(3); // one script, plus the slow lane beside it
    expect(weakRun.os).toMatch(/Debian/);
    for (const c of weakRun.checks.filter((x) => x.category === 'ssh' && x.checkId.startsWith('SSH-') && SLICE_CHECKS.has(x.checkId))) expect(c.status, c.checkId).toBe('fail');

    const evidence = (id: string): string[] => only(weakRun, id).map((f) => `${f.severity}: ${f.evidence}`);
    expect(evidence('SSH-PERMIT-ROOT-LOGIN')).toEqual(['high: PermitRootLogin yes']);
    expect(only(weakRun, 'SSH-PERMIT-ROOT-LOGIN')[0]!.title).toBe('Root can log in over SSH with a password');
    expect(evidence('SSH-PASSWORD-AUTH').sort()).toEqual(['high: PasswordAuthentication yes', 'medium: KbdInteractiveAuthentication yes']);
    expect(evidence('SSH-PERMIT-EMPTY-PASSWORDS')).toEqual(['critical: PermitEmptyPasswords yes and password logins are enabled']);
    expect(evidence('SSH-MAX-AUTH-TRIES')).toEqual(['medium: MaxAuthTries 10 (at most 4 recommended)']);
    expect(evidence('SSH-X11-FORWARDING')).toEqual(['low: X11Forwarding yes']);
    expect(evidence('SSH-LOGIN-GRACE-TIME')).toEqual(['low: LoginGraceTime 120 s']);
    // CIS Debian 12 5.1 / Lynis SSH-7408 settings: the scenario's and sshd's defaults, judged on the
    // global values (the collector runs sshd -T without -C).
    const g = (s: string): string => `${s} (${GLOBAL_CONTEXT})`;
    const cis: Record<string, string[]> = Object.fromEntries(CIS_5_1_IDS.map((id) => [id, evidence(id).sort()]));
    expect(cis).toEqual({
      'SSH-LOG-LEVEL': [],
      'SSH-STRICT-MODES': [`medium: ${g('StrictModes no — group- or world-writable authorized_keys are accepted')}`],
      'SSH-GATEWAY-PORTS': [`medium: ${g('GatewayPorts yes — remote forwards may listen on all addresses (AllowTcpForwarding yes)')}`],
      'SSH-TCP-FORWARDING': [
        `low: ${g('AllowStreamLocalForwarding yes — users may reach the server’s Unix sockets they can open')}`,
        `low: ${g('AllowTcpForwarding yes — users may tunnel to any address the server reaches and listen on its ports')}`,
      ],
      'SSH-AGENT-FORWARDING': [`low: ${g('AllowAgentForwarding yes')}`],
      'SSH-PERMIT-TUNNEL': [`low: ${g('PermitTunnel yes')}`],
      'SSH-CLIENT-ALIVE': [`low: ${g('ClientAliveInterval 0 — sshd never checks that an idle client is still there')}`],
      'SSH-MAX-SESSIONS': [`low: ${g('MaxSessions 20 — at most 10 recommended')}`],
      'SSH-MAX-STARTUPS': [`low: ${g('MaxStartups 10:30:100 — 10:30:60 or stricter recommended')}`],
      'SSH-USE-PAM': [`low: ${g('UsePAM no')}`],
      'SSH-GSSAPI-AUTH': [`low: ${g('GSSAPIAuthentication yes')}`],
      'SSH-BANNER': [`info: ${g('Banner none — no notice is shown before login')}`],
    });

    // The weak algorithms of lab/scenarios.ts, and none of the modern ones listed beside them.
    const eff = scenarios['weak-ssh'].expectedEffective;
    const algos: Array<[string, string, string[], string]> = [
      ['SSH-WEAK-KEX', eff.kexalgorithms!, ['diffie-hellman-group1-sha1', 'diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1'], 'high'],
      ['SSH-WEAK-CIPHERS', eff.ciphers!, ['aes128-cbc', '3des-cbc', 'aes256-cbc'], 'high'],
      ['SSH-WEAK-MACS', eff.macs!, ['hmac-md5', 'hmac-sha1', 'hmac-sha1-96', 'umac-64@openssh.com', 'hmac-sha2-512', 'hmac-sha2-256'], 'high'],
      ['SSH-WEAK-HOSTKEY-ALGORITHMS', eff.hostkeyalgorithms!, ['ecdsa-sha2-nistp256', 'ssh-rsa'], 'medium'],
    ];
    for (const [id, configured, weakOnes, severity] of algos) {
      const fs = only(weakRun, id);
      expect(fs, id).toHaveLength(1);
      expect(fs[0]!.severity, id).toBe(severity);
      for (const a of weakOnes) expect(configured.split(','), `${a} is configured in the scenario`).toContain(a);
      expect(listedAlgorithms(fs[0]!), id).toEqual(weakOnes);
    }

    const slice = weakRun.findings.filter((f) => SLICE_CHECKS.has(f.checkId));
    const counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    for (const f of slice) counts[f.severity]++;
    expect(counts).toEqual({ critical: 1, high: 5, medium: 3, low: 2, info: 0 });
    // The critical finding caps the grade at D whatever the other categories score.
    expect(['D', 'F']).toContain(weakRun.score?.grade);
    expect(weakRun.score!.categories.ssh!.grade).toBe('F');
    for (const f of slice) {
      expect(f.category).toBe('ssh');
      expect(f.resource).toMatch(/^sshd:\/etc\/ssh\/sshd_config:[A-Za-z0-9]+$/);
      expect(f.remediation.length).toBeGreaterThan(10);
      expect(f.status).toBe('open');
    }
    // The accepted key is one of the host's keys, as ssh-keygen -lf prints it.
    const pin = store.getPin(weak.address, weak.port);
    expect(Object.values(weak.hostKeyFingerprints)).toContain(pin?.fingerprint);
    expect(weak.hostKeyFingerprints[pin!.keyType]).toBe(pin!.fingerprint);
  });

  it('hardened: no high or critical SSH finding, and a strictly better score than weak-ssh', async () => {
    hardenedRun = await runAudit(store, target(hardened), { acceptNewHostKey: true });
    expect(hardenedRun.status).toBe('complete');
    expect(hardenedRun.errors.filter((e) => e.section === 'sshd' || e.section === 'collector')).toEqual([]);
    expect(hardenedRun.findings.filter((f) => f.category === 'ssh' && (f.severity === 'high' || f.severity === 'critical'))).toEqual([]);
    // Of the slice's checks only key-based root login remains (PermitRootLogin prohibit-password,
    // printed as without-password).
    expect(hardenedRun.findings.filter((f) => SLICE_CHECKS.has(f.checkId)).map((f) => `${f.checkId}:${f.severity}:${f.evidence}`)).toEqual([
      'SSH-PERMIT-ROOT-LOGIN:low:PermitRootLogin without-password',
    ]);
    expect(hardenedRun.checks.filter((c) => SLICE_CHECKS.has(c.checkId) && c.status !== 'pass').map((c) => c.checkId)).toEqual(['SSH-PERMIT-ROOT-LOGIN']);
    // The hardened scenario is written to CIS Debian 12 5.1 (with PAM on): every one of those checks passes.
    expect(hardenedRun.checks.filter((c) => CIS_5_1_IDS.includes(c.checkId)).map((c) => `${c.checkId}:${c.status}`).sort()).toEqual(CIS_5_1_IDS.map((id) => `${id}:pass`).sort());
    expect(hardenedRun.score!.overall).toBeGreaterThan(weakRun.score!.overall);
    expect(hardenedRun.score!.categories.ssh!.score).toBeGreaterThan(weakRun.score!.categories.ssh!.score);
    expect(store.getPin(hardened.address, hardened.port)?.fingerprint).toBe(hardened.hostKeyFingerprints['ssh-ed25519']);
  });

  it('both runs are stored as returned; a second run keeps the finding identities', async () => {
    expect(store.getRun(weakRun.id)).toEqual(weakRun);
    expect(store.getRun(hardenedRun.id)).toEqual(hardenedRun);
    const again = await runAudit(store, target(weak)); // the pinned key is reused: no accept needed
    expect(again.id).not.toBe(weakRun.id);
    expect(again.findings.map((f) => f.id).sort()).toEqual(weakRun.findings.map((f) => f.id).sort());
    expect(again.score).toEqual(weakRun.score);
  });

  it('an unknown host key without consent is refused before connecting; nothing is stored', async () => {
    const fresh = new Store(':memory:');
    try {
      const err = await expectRefusal(runAudit(fresh, target(hardened)), 'HOST_KEY_UNKNOWN');
      expect(err.message).toContain(`${hardened.address}:${hardened.port}`);
      expect(err.message).toMatch(/--accept-new-host-key/);
      expect(fresh.getPin(hardened.address, hardened.port)).toBeNull();
      expect(fresh.listRuns()).toEqual([]);
    } finally {
      fresh.close();
    }
  });

  it('a key that is not in authorized_keys: AUTH_REJECTED naming the method tried', async () => {
    const before = snapshot(store, hardened.address, hardened.port);
    const wrongKey = path.join(dir, 'wrong_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'not-authorized', '-f', wrongKey]);
    const err = await expectRefusal(runAudit(store, target(hardened, { identityFile: wrongKey })), 'AUTH_REJECTED');
    expect(err.message).toContain(`rejected the login as ${hardened.user}`);
    expect(err.message).toContain(wrongKey);
    expect(err.message).toMatch(/methods tried: publickey/);
    expect(err.details).toMatchObject({ methodsTried: ['publickey'] });
    // What the server still accepts is reported too (the hardened host: publickey only).
    expect(err.details?.serverMethods).toEqual(['publickey']);
    expect(err.message).toMatch(/The server accepts: publickey\./);
    expect(snapshot(store, hardened.address, hardened.port)).toEqual(before);
  });

  it('an identity file that is not a private key: IDENTITY_UNREADABLE', async () => {
    const pub = path.join(dir, 'wrong_ed25519.pub');
    const err = await expectRefusal(runAudit(store, target(hardened, { identityFile: pub })), 'IDENTITY_UNREADABLE');
    expect(err.message).toContain(pub);
  });

  it('a port nothing listens on: CONNECTION_REFUSED', async () => {
    const fresh = new Store(':memory:');
    try {
      const err = await expectRefusal(runAudit(fresh, target(hardened, { port: 1 }), { acceptNewHostKey: true }), 'CONNECTION_REFUSED');
      expect(err.message).toBe(`${hardened.address}:1 refused the connection: nothing listens on port 1, or a firewall rejects it.`);
      expect(fresh.getPin(hardened.address, 1)).toBeNull();
      expect(fresh.listRuns()).toEqual([]);
    } finally {
      fresh.close();
    }
  });

  it('the connection drops while collecting: a partial run, saved, with what arrived before the drop', async () => {
    // sshd -T reads its config from a FIFO nobody writes: lane 0 prints id and os-release, then
    // waits there, so the connection is cut at a known point (not after a guessed delay).
    const fifo = path.join(hardened.etcDir, 'ssh', 'blocking_config');
    execFileSync('mkfifo', [fifo]);
    const before = store.listRuns({ limit: 1000 }).length;
    const blocked = (): boolean => execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).includes('-f /etc/ssh/blocking_config');
    try {
      const run = await runAudit(store, target(hardened, { sshdConfigPath: '/etc/ssh/blocking_config' }), {
        open: async () => {
          const conn = await connect(
            { address: hardened.address, port: hardened.port, username: hardened.user, identityFile: hardened.identityFile },
            { kind: 'accept-new', onAccept: () => undefined },
          );
          // Once sshd -T waits on the FIFO, kill this host's per-connection sshd processes (children
          // of its listener): what a reboot or a network cut does to an audit in flight.
          void (async () => {
            for (let i = 0; i < 600 && !blocked(); i++) await new Promise((r) => setTimeout(r, 50));
            const kids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(hardened.pid)], { encoding: 'utf8' }).split('\n').map((l) => Number(l.trim())).filter((n) => n > 1);
            for (const pid of kids) process.kill(pid, 'SIGKILL');
          })();
          return conn;
        },
      });
      expect(run.status).toBe('partial');
      const collector = run.errors.filter((e) => e.section === 'collector');
      expect(collector.length).toBeGreaterThan(0);
      for (const e of collector) expect(e.message).toBe(`The connection to ${hardened.address} dropped while a command was running.`);
      // What arrived before the drop is kept: os-release; sshd -T was cut off mid-section (or, if
      // sshd had not yet passed its BEGIN line on when it was killed, never arrived).
      expect(run.os).toMatch(/Debian/);
      expect(run.errors.find((e) => e.section === 'sshd')?.message).toMatch(/^sshd -T: (output was cut off|the collector returned no output for this section)$/);
      for (const c of run.checks.filter((x) => SLICE_CHECKS.has(x.checkId))) expect(c.status, c.checkId).toBe('error');
      expect(store.listRuns({ limit: 1000 })).toHaveLength(before + 1);
      expect(store.getRun(run.id)).toEqual(run);
    } finally {
      spawnSync('pkill', ['-KILL', '-f', '-- -f /etc/ssh/blocking_config']);
      fs.rmSync(fifo, { force: true });
    }
  });

  it('sshd -T fails (config path does not exist): a partial run with errored checks and no score, saved', async () => {
    const before = store.listRuns({ limit: 1000 }).length;
    const run = await runAudit(store, target(hardened, { sshdConfigPath: '/etc/ssh/no_such_config' }));
    expect(run.status).toBe('partial');
    expect(run.findings.filter((f) => f.checkId.startsWith('SSH-') && SLICE_CHECKS.has(f.checkId))).toEqual([]);
    // The checks that read sshd -T are not graded (not "100" for checks that evaluated nothing);
    // ssh checks built on other facts (the OpenSSH version) still are.
    expect(run.checks.filter((c) => SLICE_CHECKS.has(c.checkId) && (c.status === 'pass' || c.status === 'fail'))).toEqual([]);
    expect(run.os).toMatch(/Debian/); // the other sections still worked
    const sshdError = run.errors.find((e) => e.section === 'sshd');
    expect(sshdError?.message).toMatch(/^sshd -T: exit code \d+: .*no_such_config.*No such file/);
    for (const c of run.checks.filter((x) => SLICE_CHECKS.has(x.checkId))) {
      expect(c.status, c.checkId).toBe('error');
      expect(c.message).toBe(sshdError!.message);
    }
    expect(store.listRuns({ limit: 1000 })).toHaveLength(before + 1);
    expect(store.getRun(run.id)).toEqual(run);
  });

  it('sshd -T fails (garbage config): the same, with sshd’s own complaint in the message', async () => {
    // /etc/netns/<name>/ssh is the host's /etc/ssh.
    fs.writeFileSync(path.join(hardened.etcDir, 'ssh', 'garbage_config'), 'ThisIsNotAnSshdKeyword yes\n\u0000\u0001 binary junk\n');
    const run = await runAudit(store, target(hardened, { sshdConfigPath: '/etc/ssh/garbage_config' }));
    expect(run.status).toBe('partial');
    expect(run.checks.filter((c) => SLICE_CHECKS.has(c.checkId) && (c.status === 'pass' || c.status === 'fail'))).toEqual([]);
    expect(run.errors.find((e) => e.section === 'sshd')?.message).toMatch(/Bad configuration option: ThisIsNotAnSshdKeyword/i);
    expect(run.checks.filter((c) => SLICE_CHECKS.has(c.checkId)).every((c) => c.status === 'error')).toBe(true);
    expect(store.getRun(run.id)).toEqual(run);
  });

  it('a config path with shell metacharacters reaches sshd verbatim (no injection)', async () => {
    const run = await runAudit(store, target(hardened, { sshdConfigPath: "/etc/ssh/it's $(id) `id`; config" }));
    expect(run.status).toBe('partial');
    expect(run.errors[0]!.message).toMatch(/No such file/);
    expect(run.errors[0]!.message).toContain("it's $(id) `id`; config");
  });

  // Runs last: it replaces the hardened host's keys.
  it('a changed host key is refused before any credential; pins and runs are untouched', async () => {
    const oldFp = hardened.hostKeyFingerprints['ssh-ed25519']!;
    const before = snapshot(store, hardened.address, hardened.port);
    hardened = await regenerateHostKeys(hardened);
    const i = created.findIndex((h) => h.name === hardened.name);
    created[i] = hardened;
    const newFp = hardened.hostKeyFingerprints['ssh-ed25519']!;
    expect(newFp).not.toBe(oldFp);
    expect((await probeHostKey({ address: hardened.address, port: hardened.port })).fingerprint).toBe(newFp);

    const logBefore = fs.readFileSync(hardened.logFile, 'utf8').length;
    const err = await expectRefusal(runAudit(store, target(hardened), { acceptNewHostKey: true }), 'HOST_KEY_CHANGED');
    expect(err.message).toContain(oldFp);
    expect(err.message).toContain(newFp);
    expect(err.message).toMatch(/sent no credentials/);
    expect(err.details).toMatchObject({ pinned: oldFp, presented: newFp });
    // sshd saw no authentication attempt
    const log = fs.readFileSync(hardened.logFile, 'utf8').slice(logBefore);
    expect(log).not.toMatch(/authenticating user|Accepted|Failed|Invalid user/);

    expect(snapshot(store, hardened.address, hardened.port)).toEqual(before);
    // …and on disk, after reopening the database.
    store.close();
    store = new Store(dbFile);
    expect(snapshot(store, hardened.address, hardened.port)).toEqual(before);
    expect(store.getRun(weakRun.id)).toEqual(weakRun);
    expect(store.getRun(hardenedRun.id)).toEqual(hardenedRun);
  });
});
