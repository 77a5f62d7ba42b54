// Agreement with Debian's ssh-audit (2.5.0): on the weak-ssh lab host, every algorithm ssh-audit
// marks [fail], or [warn] for a stated weakness, is flagged by Rampart's algorithm checks too. The
// names 2.5.0 only calls "unknown algorithm" (kex-strict-s-v00@openssh.com, the Terrapin
// countermeasure) or "using experimental algorithm" (sntrup761x25519-sha512@openssh.com, OpenSSH's
// default key exchange since 9.0) are labels of its age, not weaknesses: Rampart must not flag them.
//
// ssh-audit 2.5.0's JSON (-j) lists the algorithms without its notes, so its text output (-n, no
// colours) is parsed. Needs root (lab hosts) and ssh-audit; skipped without them unless
// RAMPART_LAB_REQUIRED=1.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, destroyLabHost, labPrerequisites, type LabHost } from '../lab/lab';
import { runAudit } from '../src/main/audit/auditor';
import { Store } from '../src/main/store/store';
import type { RunDetail } from '../src/shared/domain';

const SSH_AUDIT = ['/usr/bin/ssh-audit', '/usr/local/bin/ssh-audit'].find((p) => fs.existsSync(p));
const available = (labPrerequisites().ok && !!SSH_AUDIT) || process.env.RAMPART_LAB_REQUIRED === '1';

type Kind = 'kex' | 'key' | 'enc' | 'mac';
interface Verdict {
  kind: Kind;
  name: string;
  notes: Array<{ level: 'fail' | 'warn' | 'info'; text: string }>;
}

/** ssh-audit's text report: `(kex) name -- [fail] note` with "`- [warn] note" continuation lines. */
function parseSshAudit(text: string): Verdict[] {
  const out: Verdict[] = [];
  let cur: Verdict | null = null;
  for (const raw of text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '').split('\n')) {
    const head = /^\((kex|key|enc|mac)\) (\S+)/.exec(raw);
    if (head) {
      cur = { kind: head[1] as Kind, name: head[2]!, notes: [] };
      out.push(cur);
    } else if (!/^\s+`- \[/.test(raw)) {
      if (!raw.startsWith(' ')) cur = null;
      continue;
    }
    for (const m of raw.matchAll(/\[(fail|warn|info)\] ([^`]*?)\s*$/g)) cur?.notes.push({ level: m[1] as 'fail' | 'warn' | 'info', text: m[2]! });
  }
  return out;
}

/** ssh-audit 2.5.0's warnings that only say it is older than the algorithm. */
const OUTDATED_LABEL = /unknown algorithm|using experimental algorithm/i;
/** [fail], or a [warn] that states a weakness (anything but an outdated label). */
const isWeak = (v: Verdict): boolean => v.notes.some((n) => n.level === 'fail' || (n.level === 'warn' && !OUTDATED_LABEL.test(n.text)));
const isOnlyUnknown = (v: Verdict): boolean => v.notes.some((n) => OUTDATED_LABEL.test(n.text)) && !isWeak(v);

const CHECK_OF: Record<Kind, string> = { kex: 'SSH-WEAK-KEX', key: 'SSH-WEAK-HOSTKEY-ALGORITHMS', enc: 'SSH-WEAK-CIPHERS', mac: 'SSH-WEAK-MACS' };

/** The algorithm names an algorithm finding lists ("X offers a (why), b (why)"). */
function flagged(run: RunDetail, kind: Kind): string[] {
  return run.findings
    .filter((f) => f.checkId === CHECK_OF[kind])
    .flatMap((f) => [...f.evidence.replace(/^\S+ offers /, '').matchAll(/(?:^|, )([A-Za-z0-9@._+-]+) \(/g)].map((m) => m[1]!));
}

function sshAudit(host: LabHost): Verdict[] {
  const r = spawnSync(SSH_AUDIT!, ['-n', '-t', '10', '-p', String(host.port), host.address], { encoding: 'utf8', timeout: 30_000 });
  // ssh-audit exits non-zero when it found failures or warnings; only a missing report is an error.
  const verdicts = parseSshAudit(r.stdout ?? '');
  if (!verdicts.length) throw new Error(`ssh-audit printed no algorithms (exit ${r.status}): ${r.stdout}${r.stderr}`);
  return verdicts;
}

describe('parseSshAudit', () => {
  it('reads names, levels and notes, including continuation lines', () => {
    const v = parseSshAudit(`# key exchange algorithms
(kex) diffie-hellman-group1-sha1          -- [fail] using small 1024-bit modulus
                                          \`- [warn] using weak hashing algorithm
                                          \`- [info] available since OpenSSH 2.3.0
(kex) kex-strict-s-v00@openssh.com        -- [warn] unknown algorithm
(kex) sntrup761x25519-sha512@openssh.com  -- [warn] using experimental algorithm

# host-key algorithms
(key) rsa-sha2-512 (3072-bit)             -- [info] available since OpenSSH 7.2
(fin) ssh-ed25519: SHA256:abc
`);
    expect(v).toEqual([
      { kind: 'kex', name: 'diffie-hellman-group1-sha1', notes: [{ level: 'fail', text: 'using small 1024-bit modulus' }, { level: 'warn', text: 'using weak hashing algorithm' }, { level: 'info', text: 'available since OpenSSH 2.3.0' }] },
      { kind: 'kex', name: 'kex-strict-s-v00@openssh.com', notes: [{ level: 'warn', text: 'unknown algorithm' }] },
      { kind: 'kex', name: 'sntrup761x25519-sha512@openssh.com', notes: [{ level: 'warn', text: 'using experimental algorithm' }] },
      { kind: 'key', name: 'rsa-sha2-512', notes: [{ level: 'info', text: 'available since OpenSSH 7.2' }] },
    ]);
    expect(v.map(isWeak)).toEqual([true, false, false, false]);
    expect(v.map(isOnlyUnknown)).toEqual([false, true, true, false]);
  });
});

describe.skipIf(!available)('Rampart agrees with ssh-audit on lab hosts', () => {
  const hosts: LabHost[] = [];
  let weak: LabHost;
  let hardened: LabHost;
  let dir: string;
  let store: Store;
  let weakRun: RunDetail;
  let hardRun: RunDetail;
  let weakAudit: Verdict[];
  let hardAudit: Verdict[];

  beforeAll(async () => {
    if (!SSH_AUDIT) throw new Error('ssh-audit is not installed (apt-get install ssh-audit)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-ssh-audit-'));
    store = new Store(path.join(dir, 'rampart.db'));
    const results = await Promise.allSettled([createLabHost({ scenario: 'weak-ssh' }), createLabHost({ scenario: 'hardened' })]);
    for (const r of results) if (r.status === 'fulfilled') hosts.push(r.value);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    [weak, hardened] = hosts as [LabHost, LabHost];
    [weakRun, hardRun] = await Promise.all([runAudit(store, target(weak), { acceptNewHostKey: true }), runAudit(store, target(hardened), { acceptNewHostKey: true })]);
    weakAudit = sshAudit(weak);
    hardAudit = sshAudit(hardened);
  }, 120_000);

  afterAll(async () => {
    store?.close();
    await Promise.allSettled(hosts.map((h) => destroyLabHost(h)));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function target(h: LabHost) {
    return { hostId: null, name: h.name, address: h.address, port: h.port, username: h.user, identityFile: h.identityFile, sshdConfigPath: h.sshdConfigPath };
  }

  it('weak-ssh: every algorithm ssh-audit fails or warns about is flagged by Rampart', () => {
    const weakOnes = weakAudit.filter(isWeak);
    // The scenario's weak algorithms are there at all (a sanity check on the parsing).
    expect(weakOnes.map((v) => v.name)).toEqual(expect.arrayContaining(['diffie-hellman-group1-sha1', '3des-cbc', 'hmac-md5', 'ssh-rsa', 'ecdsa-sha2-nistp256']));
    const missed = weakOnes
      .filter((v) => !flagged(weakRun, v.kind).includes(v.name))
      .map((v) => `${v.kind} ${v.name}: ${v.notes.filter((n) => n.level !== 'info').map((n) => `[${n.level}] ${n.text}`).join('; ')}`);
    expect(missed).toEqual([]);
  });

  it('weak-ssh: ssh-audit’s "unknown algorithm" names (kex-strict-s-v00@openssh.com) are not flagged', () => {
    const unknown = weakAudit.filter(isOnlyUnknown).map((v) => v.name);
    expect(unknown).toContain('kex-strict-s-v00@openssh.com');
    const evidence = weakRun.findings.map((f) => f.evidence).join('\n');
    for (const name of unknown) expect(evidence).not.toContain(name);
  });

  it('hardened: ssh-audit finds nothing weak and Rampart flags no algorithm; its outdated labels (sntrup761 experimental, kex-strict unknown) stay unflagged', () => {
    expect(hardAudit.filter(isWeak).map((v) => v.name)).toEqual([]);
    for (const kind of ['kex', 'key', 'enc', 'mac'] as const) expect(flagged(hardRun, kind), kind).toEqual([]);
    const unknown = hardAudit.filter(isOnlyUnknown).map((v) => v.name);
    expect(unknown).toEqual(expect.arrayContaining(['kex-strict-s-v00@openssh.com', 'sntrup761x25519-sha512@openssh.com']));
    const evidence = hardRun.findings.map((f) => f.evidence).join('\n');
    for (const name of unknown) expect(evidence).not.toContain(name);
  });

  it('Rampart flags nothing ssh-audit considers fine (no false alarms on offered algorithms)', () => {
    const fine = new Map(weakAudit.filter((v) => !isWeak(v)).map((v) => [`${v.kind} ${v.name}`, v]));
    const extra = (['kex', 'key', 'enc', 'mac'] as const).flatMap((k) => flagged(weakRun, k).map((n) => `${k} ${n}`)).filter((k) => fine.has(k));
    expect(extra).toEqual([]);
  });
});
