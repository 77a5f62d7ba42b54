// Access checks through the engine, on recorded lab facts and variants of them.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../shared/domain';
import { evaluate } from '../../engine';
import type { HostFacts } from '../../facts';
import { hostFacts, rawScenario } from '../../../../../test/support/hostFixtures';
import { parseSudoers } from '../../parsers/sudoers';
import { checks } from './index';
import { keyWeakness } from './weakAuthorizedKeys';

const HOST = '192.0.2.10:22';
const run = (f: HostFacts) => evaluate(f, HOST, checks);
const brief = (fs: Finding[], id: string): string[] => fs.filter((f) => f.checkId === id).map((f) => `${f.severity} ${f.resource}: ${f.evidence}`);

describe('access checks on the recorded lab hosts', () => {
  it('vulnerable: each planted account, sudo and key problem', () => {
    const ev = run(hostFacts(rawScenario('vulnerable'), 0));
    expect(ev.checks.map((c) => `${c.checkId}:${c.status}`)).toEqual([
      'ACC-UID0:fail',
      'ACC-EMPTY-PASSWORD:fail',
      'ACC-PASSWORD-NOT-SHADOWED:fail',
      'ACC-DUPLICATE-UID:fail',
      'ACC-SUDO-NOPASSWD-ALL:fail',
      'ACC-SUDO-NO-AUTHENTICATE:fail',
      'ACC-WEAK-AUTHORIZED-KEYS:fail',
    ]);
    expect(brief(ev.findings, 'ACC-UID0')).toEqual(['critical user:toor: toor has UID 0 (shell /bin/sh, home /srv/lab/home/toor)']);
    expect(brief(ev.findings, 'ACC-EMPTY-PASSWORD')).toEqual(['critical user:guest: guest (UID 4102) has an empty password field in /etc/shadow; shell /bin/sh']);
    expect(brief(ev.findings, 'ACC-PASSWORD-NOT-SHADOWED')).toEqual(["high user:legacy: legacy's password hash is in the world-readable /etc/passwd"]);
    expect(brief(ev.findings, 'ACC-DUPLICATE-UID')).toEqual(['medium uid:4101: UID 4101 is shared by alice, backupsvc']);
    expect(brief(ev.findings, 'ACC-SUDO-NOPASSWD-ALL')).toEqual([
      'high sudoers:/etc/sudoers.d/90-nopasswd:2: /etc/sudoers.d/90-nopasswd:2: %sudo … = (ALL:ALL) NOPASSWD: ALL — %sudo may run any command as ALL:ALL without a password',
    ]);
    expect(brief(ev.findings, 'ACC-SUDO-NO-AUTHENTICATE')).toEqual(['high sudoers:/etc/sudoers.d/91-guest:1: /etc/sudoers.d/91-guest:1: Defaults:guest !authenticate (applies to :guest)']);
    const weak = ev.findings.filter((f) => f.checkId === 'ACC-WEAK-AUTHORIZED-KEYS');
    expect(weak.map((f) => `${f.severity} ${f.resource}`)).toEqual(['high authorized-keys:/etc/ssh/authorized_keys_alice', 'low authorized-keys:/srv/lab/home/alice/.ssh/authorized_keys']);
    expect(weak[0]!.evidence).toMatch(/^alice: 2 weak keys in \/etc\/ssh\/authorized_keys_alice: DSA \(1024-bit, disabled since OpenSSH 7\.0\) SHA256:\S+ "alice-old-dsa"; RSA 2048 bits \(< 3072\) SHA256:\S+ "alice-laptop"$/);
    expect(weak[1]!.evidence).toMatch(/\(sshd is not configured to read this file\)$/);
  });

  it('hardened: all pass', () => {
    const ev = run(hostFacts(rawScenario('hardened'), 0));
    expect(ev.checks.filter((c) => c.status !== 'pass')).toEqual([]);
  });

  it('unprivileged: shadow, sudoers and keys need root; passwd-based checks still run', () => {
    const ev = run(hostFacts(rawScenario('hardened-unprivileged'), 4100));
    expect(Object.fromEntries(ev.checks.map((c) => [c.checkId, c.status]))).toEqual({
      'ACC-UID0': 'pass',
      'ACC-EMPTY-PASSWORD': 'needs-sudo',
      'ACC-PASSWORD-NOT-SHADOWED': 'pass',
      'ACC-DUPLICATE-UID': 'pass',
      'ACC-SUDO-NOPASSWD-ALL': 'needs-sudo',
      'ACC-SUDO-NO-AUTHENTICATE': 'needs-sudo',
      'ACC-WEAK-AUTHORIZED-KEYS': 'needs-sudo',
    });
  });
});

describe('edge cases', () => {
  it('NOPASSWD ALL for every user is critical; an alias expanding to ALL counts', () => {
    const f = hostFacts(rawScenario('hardened'), 0);
    f.sudoers = { ok: true, value: parseSudoers('F\t/etc/sudoers.d/x\nL\tCmnd_Alias ANY = ALL\nL\tALL ALL=(ALL) NOPASSWD: ANY\n') };
    expect(brief(run(f).findings, 'ACC-SUDO-NOPASSWD-ALL')).toEqual(['critical sudoers:/etc/sudoers.d/x:2: /etc/sudoers.d/x:2: ALL … = (ALL) NOPASSWD: ANY — every user may run any command as ALL without a password']);
  });

  it('an empty password on an account without a login shell is medium', () => {
    const f = hostFacts(rawScenario('hardened'), 0);
    if (!f.accounts.ok || !f.shadow.ok) throw new Error('fixture');
    f.shadow.value.entries.find((e) => e.name === 'www-data')!.state = 'empty';
    expect(brief(run(f).findings, 'ACC-EMPTY-PASSWORD')).toEqual(['medium user:www-data: www-data (UID 33) has an empty password field in /etc/shadow; shell /usr/sbin/nologin (no login shell)']);
  });

  it('key strength', () => {
    const k = (type: string, bits: number) => keyWeakness({ type, bits, fingerprint: 'SHA256:x', comment: '' });
    expect(k('DSA', 1024)?.severity).toBe('high');
    expect(k('RSA', 1024)?.severity).toBe('high');
    expect(k('RSA', 2048)?.severity).toBe('medium');
    expect(k('RSA', 3072)).toBeNull();
    expect(k('ECDSA', 256)).toBeNull();
    expect(k('ED25519', 256)).toBeNull();
    expect(k('ED25519-SK', 256)).toBeNull();
  });
});

describe('evidence never repeats command arguments', () => {
  it('a password on another command of the same rule stays on the host', () => {
    const f = hostFacts(rawScenario('hardened'), 0);
    f.sudoers = { ok: true, value: parseSudoers('F\t/etc/sudoers.d/backup\nL\tbackup ALL=(root) NOPASSWD: /usr/bin/mysqldump -u root -pHunter2secret, ALL\nL\tDefaults:backup !authenticate, env_keep+="X=Hunter2secret"\n') };
    const ev = run(f);
    expect(ev.findings.map((x) => x.checkId).sort()).toEqual(['ACC-SUDO-NO-AUTHENTICATE', 'ACC-SUDO-NOPASSWD-ALL']);
    expect(JSON.stringify(ev.findings)).not.toContain('Hunter2');
  });
});
