// Every SSH check, through the engine, on real `sshd -T` output (OpenSSH 9.2p1, Debian 12) and
// variants of it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CheckResult, Finding, Severity } from '../../../../shared/domain';
import { evaluate, findingKey, type Evaluation } from '../../engine';
import type { HostFacts, SectionName } from '../../facts';
import { parseSshdT } from '../../parsers/sshd';
import { CHECKS as ALL_CHECKS } from '../index';

// The checks that read only the sshd facts (the SSH-* checks of the first slice and later ones
// with their own tests elsewhere are filtered by the facts they require).
const SLICE_IDS = new Set(['SSH-PERMIT-ROOT-LOGIN', 'SSH-PASSWORD-AUTH', 'SSH-PERMIT-EMPTY-PASSWORDS', 'SSH-WEAK-KEX', 'SSH-WEAK-CIPHERS', 'SSH-WEAK-MACS', 'SSH-WEAK-HOSTKEY-ALGORITHMS', 'SSH-MAX-AUTH-TRIES', 'SSH-X11-FORWARDING', 'SSH-LOGIN-GRACE-TIME']);
const CHECKS = ALL_CHECKS.filter((c) => c.requires.every((r) => r === 'sshd' || r === 'os') && SLICE_IDS.has(c.id));
import { defineCheck, type CheckDef } from '../types';


const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '__fixtures__');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const DEFAULT = fixture('sshd-T-debian12-default.txt');
const HARDENED = fixture('sshd-T-hardened.txt');
const WEAK = fixture('sshd-T-weak.txt');
/** The hardened fixture with root logins off: nothing left to flag. */
const STRICT = set(HARDENED, 'permitrootlogin', 'no');

const HOST = '192.0.2.10:22';
const CONFIG = '/etc/ssh/sshd_config';

/** Replaces every `key ...` line with one `key value` line (or appends it). */
function set(text: string, key: string, value: string | string[]): string {
  const values = Array.isArray(value) ? value : [value];
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${key} `) || l === key);
  const kept = lines.filter((l) => !(l.startsWith(`${key} `) || l === key));
  const insert = values.map((v) => `${key} ${v}`);
  kept.splice(at >= 0 ? at : kept.length, 0, ...insert);
  return kept.join('\n');
}

function drop(text: string, key: string): string {
  return text
    .split('\n')
    .filter((l) => !(l.startsWith(`${key} `) || l === key))
    .join('\n');
}

function facts(sshdT: string, configPath = CONFIG): Partial<HostFacts> {
  return {
    os: { ok: true, value: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' } },
    sshd: { ok: true, value: { path: configPath, config: parseSshdT(sshdT) } },
  };
}

function run(sshdT: string, host = HOST, configPath = CONFIG): Evaluation {
  return evaluate(facts(sshdT, configPath), host, CHECKS);
}

interface Outcome {
  status: CheckResult['status'];
  findings: Finding[];
  check: CheckResult;
}

function outcome(ev: Evaluation, checkId: string): Outcome {
  const check = ev.checks.find((c) => c.checkId === checkId);
  if (!check) throw new Error(`no result for ${checkId}`);
  return { status: check.status, check, findings: ev.findings.filter((f) => f.checkId === checkId) };
}

function check(sshdT: string, checkId: string): Outcome {
  return outcome(run(sshdT), checkId);
}

/** One failing finding: its severity and evidence. */
function single(o: Outcome): { severity: Severity; evidence: string; title: string; resource: string } {
  expect(o.status).toBe('fail');
  expect(o.findings).toHaveLength(1);
  const f = o.findings[0]!;
  return { severity: f.severity, evidence: f.evidence, title: f.title, resource: f.resource };
}

function expectPass(o: Outcome): void {
  expect(o.status).toBe('pass');
  expect(o.findings).toEqual([]);
}

const TESTED = new Set<string>();
function describeCheck(id: string, fn: () => void): void {
  TESTED.add(id);
  describe(id, fn);
}

describe('fixtures', () => {
  it('every check evaluates on every fixture without error', () => {
    for (const text of [DEFAULT, HARDENED, WEAK, STRICT]) {
      const ev = run(text);
      expect(ev.checks.map((c) => c.checkId)).toEqual(CHECKS.map((c) => c.id));
      for (const c of ev.checks) expect(c.status, `${c.checkId}: ${c.message ?? ''}`).not.toBe('error');
    }
  });

  it('the strict config passes every check', () => {
    const ev = run(STRICT);
    expect(ev.findings).toEqual([]);
    expect(ev.checks.filter((c) => c.status !== 'pass')).toEqual([]);
  });

  it('Debian 12 defaults: the expected findings', () => {
    const ev = run(DEFAULT);
    const bySeverity = Object.fromEntries(ev.findings.map((f) => [f.checkId, f.severity]));
    expect(bySeverity).toEqual({
      'SSH-PERMIT-ROOT-LOGIN': 'low',
      'SSH-PASSWORD-AUTH': 'high',
      'SSH-WEAK-KEX': 'low',
      'SSH-WEAK-MACS': 'medium',
      'SSH-WEAK-HOSTKEY-ALGORITHMS': 'low',
      'SSH-MAX-AUTH-TRIES': 'medium',
      'SSH-X11-FORWARDING': 'low',
      'SSH-LOGIN-GRACE-TIME': 'low',
    });
    expect(outcome(ev, 'SSH-WEAK-CIPHERS').status).toBe('pass');
    expect(outcome(ev, 'SSH-PERMIT-EMPTY-PASSWORDS').status).toBe('pass');
  });

  it('the weak config: the expected findings', () => {
    const ev = run(WEAK);
    const got = ev.findings.map((f) => `${f.checkId}:${f.severity}`).sort();
    expect(got).toEqual(
      [
        'SSH-PERMIT-ROOT-LOGIN:high',
        'SSH-PASSWORD-AUTH:high',
        'SSH-PASSWORD-AUTH:high',
        'SSH-PERMIT-EMPTY-PASSWORDS:critical',
        'SSH-WEAK-KEX:high',
        'SSH-WEAK-CIPHERS:high',
        'SSH-WEAK-MACS:high',
        'SSH-WEAK-HOSTKEY-ALGORITHMS:medium',
        'SSH-MAX-AUTH-TRIES:medium',
        'SSH-X11-FORWARDING:low',
        'SSH-LOGIN-GRACE-TIME:low',
      ].sort(),
    );
    for (const c of ev.checks) expect(c.status).toBe('fail');
  });
});

describeCheck('SSH-PERMIT-ROOT-LOGIN', () => {
  const id = 'SSH-PERMIT-ROOT-LOGIN';
  it.each(['no', 'forced-commands-only'])('%s → pass', (v) => expectPass(check(set(DEFAULT, 'permitrootlogin', v), id)));

  it.each(['prohibit-password', 'without-password'])('%s → low, "with a key"', (v) => {
    const f = single(check(set(DEFAULT, 'permitrootlogin', v), id));
    expect(f).toEqual({ severity: 'low', evidence: `PermitRootLogin ${v}`, title: 'Root can log in over SSH with a key', resource: `sshd:${CONFIG}:PermitRootLogin` });
  });

  it('yes → high, "with a password"', () => {
    const f = single(check(set(DEFAULT, 'permitrootlogin', 'yes'), id));
    expect(f).toEqual({ severity: 'high', evidence: 'PermitRootLogin yes', title: 'Root can log in over SSH with a password', resource: `sshd:${CONFIG}:PermitRootLogin` });
  });
});

describeCheck('SSH-PASSWORD-AUTH', () => {
  const id = 'SSH-PASSWORD-AUTH';
  const noPw = set(set(DEFAULT, 'passwordauthentication', 'no'), 'kbdinteractiveauthentication', 'no');

  it('password and keyboard-interactive off → pass', () => expectPass(check(noPw, id)));

  it('PasswordAuthentication yes → high', () => {
    expect(single(check(DEFAULT, id))).toMatchObject({ severity: 'high', evidence: 'PasswordAuthentication yes', resource: `sshd:${CONFIG}:PasswordAuthentication` });
  });

  it('KbdInteractiveAuthentication yes with UsePAM yes → high', () => {
    const f = single(check(set(set(noPw, 'kbdinteractiveauthentication', 'yes'), 'usepam', 'yes'), id));
    expect(f.severity).toBe('high');
    expect(f.title).toBe('SSH accepts keyboard-interactive logins');
    expect(f.evidence).toBe('KbdInteractiveAuthentication yes with UsePAM yes (asks for the account password)');
    expect(f.resource).toBe(`sshd:${CONFIG}:KbdInteractiveAuthentication`);
  });

  it('KbdInteractiveAuthentication yes without PAM → medium', () => {
    const f = single(check(set(set(noPw, 'kbdinteractiveauthentication', 'yes'), 'usepam', 'no'), id));
    expect(f).toMatchObject({ severity: 'medium', evidence: 'KbdInteractiveAuthentication yes' });
  });

  it('older sshd printing challengeresponseauthentication yes → flagged', () => {
    const old = set(drop(noPw, 'kbdinteractiveauthentication'), 'challengeresponseauthentication', 'yes');
    expect(single(check(old, id)).severity).toBe('high');
  });

  it('both on → two findings with different resources', () => {
    const o = check(WEAK, id);
    expect(o.status).toBe('fail');
    expect(o.findings.map((f) => f.resource).sort()).toEqual([`sshd:${CONFIG}:KbdInteractiveAuthentication`, `sshd:${CONFIG}:PasswordAuthentication`]);
    expect(new Set(o.findings.map((f) => f.id)).size).toBe(2);
  });
});

describeCheck('SSH-PERMIT-EMPTY-PASSWORDS', () => {
  const id = 'SSH-PERMIT-EMPTY-PASSWORDS';
  const empty = set(DEFAULT, 'permitemptypasswords', 'yes');

  it('no → pass, even with password auth on', () => expectPass(check(DEFAULT, id)));

  it('yes with PasswordAuthentication yes → critical', () => {
    expect(single(check(empty, id))).toEqual({
      severity: 'critical',
      evidence: 'PermitEmptyPasswords yes and password logins are enabled',
      title: 'SSH allows accounts with empty passwords',
      resource: `sshd:${CONFIG}:PermitEmptyPasswords`,
    });
  });

  it('yes with only keyboard-interactive on → critical', () => {
    const t = set(set(empty, 'passwordauthentication', 'no'), 'kbdinteractiveauthentication', 'yes');
    expect(single(check(t, id)).severity).toBe('critical');
  });

  it('yes with every password method off → medium (latent)', () => {
    const t = set(set(empty, 'passwordauthentication', 'no'), 'kbdinteractiveauthentication', 'no');
    expect(single(check(t, id))).toMatchObject({ severity: 'medium', evidence: expect.stringContaining('latent') });
  });
});

describeCheck('SSH-WEAK-KEX', () => {
  const id = 'SSH-WEAK-KEX';
  const kex = (...a: string[]): Outcome => check(set(STRICT, 'kexalgorithms', a.join(',')), id);

  it('modern list → pass', () => expectPass(check(STRICT, id)));

  it('sntrup761x25519-sha512@openssh.com, kex-strict-s-v00@openssh.com, mlkem768x25519-sha256 are not flagged', () => {
    expectPass(kex('sntrup761x25519-sha512@openssh.com', 'sntrup761x25519-sha512', 'kex-strict-s-v00@openssh.com', 'mlkem768x25519-sha256', 'curve25519-sha256', 'diffie-hellman-group14-sha256', 'diffie-hellman-group-exchange-sha256', 'ext-info-s'));
  });

  it.each([
    ['diffie-hellman-group1-sha1', 'high', '1024-bit modulus and SHA-1'],
    ['diffie-hellman-group14-sha1', 'high', 'SHA-1 hash'],
    ['diffie-hellman-group-exchange-sha1', 'high', 'SHA-1 hash'],
    ['rsa1024-sha1', 'high', '1024-bit RSA and SHA-1'],
    ['ecdh-sha2-nistp256', 'low', 'NIST P-curves'],
    ['ecdh-sha2-nistp384', 'low', 'NIST P-curves'],
    ['ecdh-sha2-nistp521', 'low', 'NIST P-curves'],
  ])('%s → %s', (alg, severity, reason) => {
    const f = single(kex('curve25519-sha256', alg));
    expect(f.severity).toBe(severity);
    expect(f.evidence).toContain(`${alg} (${reason}`);
    expect(f.evidence).not.toContain('curve25519');
    expect(f.resource).toBe(`sshd:${CONFIG}:KexAlgorithms`);
  });

  it('the worst weakness sets the severity; every weak one is listed', () => {
    const f = single(kex('ecdh-sha2-nistp256', 'curve25519-sha256', 'diffie-hellman-group1-sha1'));
    expect(f.severity).toBe('high');
    expect(f.evidence).toMatch(/^KexAlgorithms offers ecdh-sha2-nistp256 \(.*\), diffie-hellman-group1-sha1 \(.*\)$/);
  });
});

describeCheck('SSH-WEAK-CIPHERS', () => {
  const id = 'SSH-WEAK-CIPHERS';
  const ciphers = (...a: string[]): Outcome => check(set(STRICT, 'ciphers', a.join(',')), id);

  it('chacha20, gcm and ctr → pass', () =>
    expectPass(ciphers('chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com', 'aes128-gcm@openssh.com', 'aes256-ctr', 'aes192-ctr', 'aes128-ctr')));

  it.each([
    ['aes128-cbc', 'medium'],
    ['aes192-cbc', 'medium'],
    ['aes256-cbc', 'medium'],
    ['rijndael-cbc@lysator.liu.se', 'medium'],
    ['3des-cbc', 'high'],
    ['blowfish-cbc', 'high'],
    ['cast128-cbc', 'high'],
    ['arcfour', 'high'],
    ['arcfour256', 'high'],
    ['none', 'high'],
  ])('%s → %s', (alg, severity) => {
    const f = single(ciphers('aes256-gcm@openssh.com', alg));
    expect(f.severity).toBe(severity);
    expect(f.evidence).toMatch(new RegExp(`^Ciphers offers ${alg.replace(/[.@]/g, '\\$&')} \\(`));
  });

  it('aes128-cbc + 3des-cbc → high, both listed', () => {
    const f = single(ciphers('aes128-cbc', '3des-cbc', 'aes128-ctr'));
    expect(f.severity).toBe('high');
    expect(f.evidence).toContain('aes128-cbc (CBC mode');
    expect(f.evidence).toContain('3des-cbc (64-bit block cipher');
    expect(f.evidence).not.toContain('aes128-ctr');
  });
});

describeCheck('SSH-WEAK-MACS', () => {
  const id = 'SSH-WEAK-MACS';
  const macs = (...a: string[]): Outcome => check(set(STRICT, 'macs', a.join(',')), id);

  it('etm SHA-2 and umac-128-etm → pass', () =>
    expectPass(macs('hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com', 'umac-128-etm@openssh.com')));

  it.each([
    ['hmac-md5', 'high'],
    ['hmac-md5-96', 'high'],
    ['hmac-md5-etm@openssh.com', 'high'],
    ['hmac-sha1-96', 'high'],
    ['hmac-sha1', 'medium'],
    ['hmac-sha1-etm@openssh.com', 'medium'],
    ['hmac-ripemd160', 'medium'],
    ['umac-64@openssh.com', 'medium'],
    ['umac-64-etm@openssh.com', 'medium'],
    ['hmac-sha2-256', 'low'],
    ['hmac-sha2-512', 'low'],
    ['umac-128@openssh.com', 'low'],
  ])('%s → %s', (alg, severity) => {
    const f = single(macs('hmac-sha2-256-etm@openssh.com', alg));
    expect(f.severity).toBe(severity);
    expect(f.evidence).toContain(`${alg} (`);
    expect(f.evidence).not.toContain('hmac-sha2-256-etm');
  });

  it('Debian defaults → medium, listing only the weak ones', () => {
    const f = single(check(DEFAULT, id));
    expect(f.severity).toBe('medium');
    for (const a of ['umac-64-etm@openssh.com', 'hmac-sha1-etm@openssh.com', 'umac-64@openssh.com', 'umac-128@openssh.com', 'hmac-sha2-256 (', 'hmac-sha2-512 (', 'hmac-sha1 ('])
      expect(f.evidence).toContain(a);
    for (const a of ['umac-128-etm', 'hmac-sha2-256-etm', 'hmac-sha2-512-etm']) expect(f.evidence).not.toContain(a);
  });
});

describeCheck('SSH-WEAK-HOSTKEY-ALGORITHMS', () => {
  const id = 'SSH-WEAK-HOSTKEY-ALGORITHMS';
  const ALL = 'ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384-cert-v01@openssh.com,rsa-sha2-512,rsa-sha2-256,ssh-rsa,ssh-dss';
  const withKeys = (files: string[], algs = ALL): string => set(set(STRICT, 'hostkeyalgorithms', algs), 'hostkey', files);

  it('only an ed25519 key file → ecdsa, ssh-rsa and ssh-dss are not offered → pass', () => {
    expectPass(check(withKeys(['/etc/ssh/ssh_host_ed25519_key']), id));
  });

  it('hardened fixture (ed25519 key, rsa-sha2 listed) → pass', () => expectPass(check(HARDENED, id)));

  it('ed25519 + ecdsa key files → ecdsa flagged low, rsa/dss not', () => {
    const f = single(check(withKeys(['/etc/ssh/ssh_host_ed25519_key', '/etc/ssh/ssh_host_ecdsa_key']), id));
    expect(f.severity).toBe('low');
    expect(f.evidence).toContain('ecdsa-sha2-nistp256 (NIST');
    expect(f.evidence).toContain('ecdsa-sha2-nistp384-cert-v01@openssh.com');
    expect(f.evidence).not.toContain('ssh-rsa');
    expect(f.evidence).not.toContain('ssh-dss');
    expect(f.evidence).not.toContain('ssh-ed25519');
  });

  it('an rsa key file → ssh-rsa flagged medium, rsa-sha2 not', () => {
    const f = single(check(withKeys(['/etc/ssh/ssh_host_rsa_key']), id));
    expect(f.severity).toBe('medium');
    expect(f.evidence).toBe('HostKeyAlgorithms offers ssh-rsa (RSA signatures with SHA-1)');
  });

  it('a dsa key file → ssh-dss flagged high', () => {
    const f = single(check(withKeys(['/etc/ssh/ssh_host_dsa_key']), id));
    expect(f).toMatchObject({ severity: 'high', evidence: 'HostKeyAlgorithms offers ssh-dss (DSA (1024-bit, deprecated))' });
  });

  it('a key file name that tells nothing → the whole configured list is judged', () => {
    const f = single(check(withKeys(['/etc/ssh/ssh_host_ed25519_key', '/srv/keys/host.key']), id));
    expect(f.severity).toBe('high');
    for (const a of ['ecdsa-sha2-nistp256', 'ssh-rsa', 'ssh-dss']) expect(f.evidence).toContain(a);
  });

  it('Debian defaults (rsa, ecdsa, ed25519 keys) → low for ecdsa only', () => {
    const f = single(check(DEFAULT, id));
    expect(f.severity).toBe('low');
    expect(f.evidence).toContain('ecdsa-sha2-nistp256');
    expect(f.evidence).not.toMatch(/ssh-ed25519|rsa-sha2/);
  });

  it('weak fixture (ssh-rsa with an rsa key) → medium', () => {
    const f = single(check(WEAK, id));
    expect(f.severity).toBe('medium');
    expect(f.evidence).toContain('ssh-rsa (RSA signatures with SHA-1)');
    expect(f.evidence).toContain('ecdsa-sha2-nistp256 (NIST');
  });
});

describeCheck('SSH-MAX-AUTH-TRIES', () => {
  const id = 'SSH-MAX-AUTH-TRIES';
  const tries = (v: string): Outcome => check(set(STRICT, 'maxauthtries', v), id);
  it.each(['1', '3', '4'])('%s → pass', (v) => expectPass(tries(v)));
  it.each(['5', '6', '100'])('%s → medium', (v) => {
    expect(single(tries(v))).toMatchObject({ severity: 'medium', evidence: `MaxAuthTries ${v} (at most 4 recommended)`, resource: `sshd:${CONFIG}:MaxAuthTries` });
  });
  it('not a number → not-applicable with a message', () => {
    const o = tries('lots');
    expect(o.status).toBe('not-applicable');
    expect(o.check.message).toContain('lots');
    expect(o.findings).toEqual([]);
  });
});

describeCheck('SSH-X11-FORWARDING', () => {
  const id = 'SSH-X11-FORWARDING';
  it('no → pass', () => expectPass(check(set(DEFAULT, 'x11forwarding', 'no'), id)));
  it('yes → low', () => {
    expect(single(check(DEFAULT, id))).toMatchObject({ severity: 'low', evidence: 'X11Forwarding yes', resource: `sshd:${CONFIG}:X11Forwarding` });
  });
  it('yes but DisableForwarding yes → pass', () => expectPass(check(set(DEFAULT, 'disableforwarding', 'yes'), id)));
});

describeCheck('SSH-LOGIN-GRACE-TIME', () => {
  const id = 'SSH-LOGIN-GRACE-TIME';
  const grace = (v: string): Outcome => check(set(STRICT, 'logingracetime', v), id);
  it.each(['1', '30', '60'])('%s → pass', (v) => expectPass(grace(v)));
  it('61 → low', () => expect(single(grace('61'))).toMatchObject({ severity: 'low', evidence: 'LoginGraceTime 61 s' }));
  it('120 (Debian default) → low', () => expect(single(check(DEFAULT, id))).toMatchObject({ severity: 'low', evidence: 'LoginGraceTime 120 s' }));
  it('0 → low, unlimited', () => expect(single(grace('0'))).toMatchObject({ severity: 'low', evidence: 'LoginGraceTime 0 (unlimited)' }));
  it('not a number → not-applicable', () => expect(grace('2m').status).toBe('not-applicable'));
});

describe('checks coverage', () => {
  it('every check in CHECKS has tests in this file', () => {
    expect([...TESTED].sort()).toEqual(CHECKS.map((c) => c.id).sort());
  });

  it('every check is an ssh check that requires the sshd section', () => {
    for (const c of CHECKS) {
      expect(c.category).toBe('ssh');
      expect(c.requires).toEqual(['sshd']);
    }
  });
});

describe('a keyword missing from the dump is not read as 0', () => {
  // `Number('')` is 0: an absent keyword (first() → undefined → value() → '') reads as 0.
  it('MaxAuthTries absent → not a pass', () => {
    const o = check(drop(STRICT, 'maxauthtries'), 'SSH-MAX-AUTH-TRIES');
    expect(o.status).toBe('not-applicable');
  });

  it('LoginGraceTime absent → not a "0 (unlimited)" finding', () => {
    const o = check(drop(STRICT, 'logingracetime'), 'SSH-LOGIN-GRACE-TIME');
    expect(o.findings).toEqual([]);
    expect(o.status).toBe('not-applicable');
  });
});

describe('engine', () => {
  it('a needs-sudo sshd section makes every ssh check needs-sudo, with no findings', () => {
    const msg = 'sshd -T needs root to read the host keys and config: sshd: no hostkeys available -- exiting.';
    const ev = evaluate({ os: facts(DEFAULT).os, sshd: { ok: false, status: 'needs-sudo', message: msg } }, HOST, CHECKS);
    expect(ev.findings).toEqual([]);
    expect(ev.checks).toHaveLength(CHECKS.length);
    for (const c of ev.checks) {
      expect(c.status).toBe('needs-sudo');
      expect(c.message).toBe(msg);
    }
    expect(ev.checks.map((c) => c.checkId)).toEqual(CHECKS.map((c) => c.id));
    // Weight information is kept so the UI can show what was skipped.
    expect(ev.checks.find((c) => c.checkId === 'SSH-PERMIT-EMPTY-PASSWORDS')!.severity).toBe('critical');
  });

  it.each(['error', 'not-applicable'] as const)('a %s sshd section passes its status to every check', (status) => {
    const ev = evaluate({ os: facts(DEFAULT).os, sshd: { ok: false, status, message: 'why' } }, HOST, CHECKS);
    expect(ev.findings).toEqual([]);
    for (const c of ev.checks) expect(c).toMatchObject({ status, message: 'why' });
  });

  it('a check that throws becomes status error; the others still run', () => {
    const boom = defineCheck({
      id: 'TEST-THROWS',
      title: 't',
      category: 'ssh',
      severity: 'high',
      references: [],
      rationale: 'r',
      remediation: 'm',
      requires: ['sshd'],
      evaluate: () => {
        throw new TypeError('cannot read properties of undefined');
      },
    }) as CheckDef<SectionName>;
    const catalog = [CHECKS[0]!, boom, ...CHECKS.slice(1)];
    const ev = evaluate(facts(DEFAULT), HOST, catalog);
    const r = ev.checks.find((c) => c.checkId === 'TEST-THROWS')!;
    expect(r).toMatchObject({ status: 'error', category: 'ssh', severity: 'high' });
    expect(r.message).toContain('cannot read properties of undefined');
    expect(ev.findings.filter((f) => f.checkId === 'TEST-THROWS')).toEqual([]);
    const normal = run(DEFAULT);
    expect(ev.findings).toEqual(normal.findings);
    expect(ev.checks.filter((c) => c.checkId !== 'TEST-THROWS')).toEqual(normal.checks);
  });

  it('findings carry the check metadata', () => {
    const f = run(DEFAULT).findings.find((x) => x.checkId === 'SSH-MAX-AUTH-TRIES')!;
    const def = CHECKS.find((c) => c.id === 'SSH-MAX-AUTH-TRIES')!;
    expect(f).toMatchObject({ category: 'ssh', status: 'open', title: def.title, rationale: def.rationale, remediation: def.remediation });
    expect(f.references).toEqual([def.cis, ...def.references]);
  });

  it('finding ids are stable across evaluations and equal findingKey(host, check, resource)', () => {
    const a = run(WEAK);
    const b = run(WEAK);
    expect(a.findings.map((f) => f.id)).toEqual(b.findings.map((f) => f.id));
    for (const f of a.findings) {
      expect(f.id).toBe(findingKey(HOST, f.checkId, f.resource));
      expect(f.id).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(new Set(a.findings.map((f) => f.id)).size).toBe(a.findings.length);
  });

  it('finding ids stay the same when only the evidence changes', () => {
    const a = outcome(run(set(DEFAULT, 'maxauthtries', '6')), 'SSH-MAX-AUTH-TRIES').findings[0]!;
    const b = outcome(run(set(DEFAULT, 'maxauthtries', '10')), 'SSH-MAX-AUTH-TRIES').findings[0]!;
    expect(a.evidence).not.toBe(b.evidence);
    expect(a.id).toBe(b.id);
  });

  it('finding ids differ per host, per port and per config path', () => {
    const ids = (ev: Evaluation): string[] => ev.findings.map((f) => f.id);
    const base = ids(run(WEAK, '192.0.2.10:22'));
    const otherHost = ids(run(WEAK, '192.0.2.11:22'));
    const otherPort = ids(run(WEAK, '192.0.2.10:2222'));
    const otherPath = ids(run(WEAK, '192.0.2.10:22', '/etc/ssh/sshd_config.alt'));
    for (const other of [otherHost, otherPort, otherPath]) {
      expect(other).toHaveLength(base.length);
      for (const id of other) expect(base).not.toContain(id);
    }
  });

  it('findingKey separates its fields unambiguously', () => {
    expect(findingKey('a:1', 'B', 'c')).not.toBe(findingKey('a:1B', '', 'c'));
    expect(findingKey('h', 'C', 'r')).toBe(findingKey('h', 'C', 'r'));
  });
});
