// The SSH checks beyond single sshd settings: Terrapin, regreSSHion, AllowUsers/AllowGroups, host-based
// authentication, PermitUserEnvironment — on real `sshd -T` fixtures and OpenSSH versions as the
// collector reads them. Also: the algorithm names ssh-audit 2.5.0 calls "unknown" are no weakness.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../engine';
import type { HostFacts } from '../../facts';
import { parseSshdT } from '../../parsers/sshd';
import { parseSshVersion } from '../../parsers/sshVersion';
import { classifyCipher, classifyHostKey, classifyKex, classifyMac } from './algorithms';
import { checks } from '.';
import { terrapinModes } from './terrapin';

const VERSION_AND_ACCESS = ['SSH-TERRAPIN', 'SSH-REGRESSHION', 'SSH-NO-ALLOW-USERS', 'SSH-HOSTBASED-AUTH', 'SSH-PERMIT-USER-ENVIRONMENT'];
const extraSshChecks = checks.filter((c) => VERSION_AND_ACCESS.includes(c.id));

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '__fixtures__');
const sshdT = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const DEBIAN12 = fs.readFileSync(path.join(FIXTURES, 'network', 'ssh-version-debian12.txt'), 'utf8');

function set(text: string, key: string, value: string | null): string {
  const lines = text.split('\n').filter((l) => !l.startsWith(`${key} `));
  if (value !== null) lines.push(`${key} ${value}`);
  return lines.join('\n');
}

function run(sshd: string, version: string) {
  const facts = {
    sshd: { ok: true, value: { path: '/etc/ssh/sshd_config', config: parseSshdT(sshd) } },
    sshVersion: { ok: true, value: parseSshVersion(version) },
  } as unknown as HostFacts;
  const ev = evaluate(facts, '192.0.2.10:22', extraSshChecks);
  return (id: string) => {
    const c = ev.checks.find((x) => x.checkId === id)!;
    const f = ev.findings.filter((x) => x.checkId === id);
    return { status: c.status, message: c.message, lines: f.map((x) => `${x.severity}: ${x.evidence}`), findings: f };
  };
}

const pkg = (v: string): string => `sshd: \nssh: \npkg: dpkg ${v}\n`;

describe('catalog', () => {
  it('ids, categories, no overlap with keyboard-interactive (SSH-PASSWORD-AUTH covers it)', () => {
    expect(extraSshChecks.map((c) => c.id)).toEqual(VERSION_AND_ACCESS);
    for (const c of extraSshChecks) expect(c.category).toBe('ssh');
  });

  it('the hardened fixture on Debian 12 (deb12u10) passes all', () => {
    const r = run(sshdT('sshd-T-hardened.txt'), DEBIAN12);
    for (const c of extraSshChecks) expect(r(c.id).status, c.id).toBe('pass');
  });
});

describe('SSH-TERRAPIN', () => {
  const id = 'SSH-TERRAPIN';
  it('which cipher/MAC combinations are exposed', () => {
    expect(terrapinModes(['chacha20-poly1305@openssh.com', 'aes128-ctr'], ['hmac-sha2-256'])).toEqual(['chacha20-poly1305@openssh.com']);
    expect(terrapinModes(['aes128-cbc', 'aes256-gcm@openssh.com'], ['hmac-sha2-256-etm@openssh.com'])).toEqual(['CBC ciphers (aes128-cbc) with encrypt-then-MAC (hmac-sha2-256-etm@openssh.com)']);
    expect(terrapinModes(['aes128-cbc'], ['hmac-sha2-256'])).toEqual([]);
    expect(terrapinModes(['aes256-gcm@openssh.com', 'aes128-ctr'], ['hmac-sha2-512-etm@openssh.com'])).toEqual([]);
  });

  it('Debian 12 before the fix (deb12u1) → medium; with it (deb12u2) → pass', () => {
    const weak = sshdT('sshd-T-weak.txt');
    expect(run(weak, pkg('1:9.2p1-2+deb12u1'))(id).lines).toEqual([
      'medium: offers chacha20-poly1305@openssh.com and CBC ciphers (3des-cbc, aes128-cbc, aes256-cbc) with encrypt-then-MAC (hmac-sha2-256-etm@openssh.com); strict key exchange: not available (OpenSSH 9.2p1 (dpkg package 1:9.2p1-2+deb12u1): Debian 12 (DSA-5586-1) fixed it in 1:9.2p1-2+deb12u2; this package is older)',
    ]);
    expect(run(weak, pkg('1:9.2p1-2+deb12u2'))(id).status).toBe('pass');
    expect(run(weak, DEBIAN12)(id).status).toBe('pass');
  });

  it('Ubuntu 22.04 before/after USN-6560-1; upstream 9.6+; unknown vendor → low', () => {
    const cfg = sshdT('sshd-T-debian12-default.txt'); // chacha20 offered
    expect(run(cfg, pkg('1:8.9p1-3ubuntu0.4'))(id).findings.map((f) => f.severity)).toEqual(['medium']);
    expect(run(cfg, pkg('1:8.9p1-3ubuntu0.5'))(id).status).toBe('pass');
    expect(run(cfg, 'sshd: OpenSSH_9.6p1, OpenSSL 3.0.13 30 Jan 2024\nssh: \npkg: none\n')(id).status).toBe('pass');
    const rhel = run(cfg, 'sshd: \nssh: OpenSSH_8.7p1, OpenSSL 3.0.7 1 Nov 2022\npkg: rpm 8.7p1-34.el9\n')(id);
    expect(rhel.findings.map((f) => [f.severity, f.title])).toEqual([['low', 'SSH may be exposed to the Terrapin attack (strict key exchange not established)']]);
    expect(rhel.lines[0]).toContain('no backport of the fix is known for this package');
  });

  it('no vulnerable mode offered → pass whatever the version', () => {
    const cfg = set(set(sshdT('sshd-T-weak.txt'), 'ciphers', 'aes256-gcm@openssh.com,aes128-ctr'), 'macs', 'hmac-sha2-512-etm@openssh.com');
    expect(run(cfg, pkg('1:8.4p1-5'))(id).status).toBe('pass');
  });
});

describe('SSH-REGRESSHION', () => {
  const id = 'SSH-REGRESSHION';
  const cfg = sshdT('sshd-T-hardened.txt');
  it.each([
    [pkg('1:9.2p1-2+deb12u2'), 'fail'],
    [pkg('1:9.2p1-2+deb12u3'), 'pass'],
    [pkg('1:8.9p1-3ubuntu0.7'), 'fail'],
    [pkg('1:8.9p1-3ubuntu0.10'), 'pass'],
    [pkg('1:9.6p1-3ubuntu13.3'), 'pass'],
    [pkg('1:8.4p1-5+deb11u1'), 'pass'], // 8.4 predates the regression
    ['sshd: OpenSSH_9.8p1, OpenSSL 3.3.1\nssh: \npkg: none\n', 'pass'],
  ])('%s → %s', (v, status) => expect(run(cfg, v)(id).status).toBe(status));

  it('known vulnerable → high; unknown backport → low', () => {
    expect(run(cfg, pkg('1:9.2p1-2+deb12u2'))(id).findings.map((f) => f.severity)).toEqual(['high']);
    expect(run(cfg, 'sshd: \nssh: OpenSSH_9.3p2, OpenSSL 3.1\npkg: none\n')(id).findings.map((f) => [f.severity, f.title])).toEqual([['low', 'OpenSSH may be vulnerable to regreSSHion (CVE-2024-6387)']]);
  });

  it('no OpenSSH version → not applicable', () => {
    expect(run(cfg, 'sshd: \nssh: \npkg: none\n')(id).status).toBe('not-applicable');
  });
});

describe('SSH-NO-ALLOW-USERS, SSH-HOSTBASED-AUTH, SSH-PERMIT-USER-ENVIRONMENT', () => {
  it('no allow list → low; AllowGroups alone is enough', () => {
    const weak = sshdT('sshd-T-weak.txt');
    expect(run(weak, DEBIAN12)('SSH-NO-ALLOW-USERS').lines).toEqual(['low: neither AllowUsers nor AllowGroups is set']);
    expect(run(set(weak, 'allowgroups', 'sshusers'), DEBIAN12)('SSH-NO-ALLOW-USERS').status).toBe('pass');
  });

  it('host-based trust', () => {
    const cfg = set(set(sshdT('sshd-T-hardened.txt'), 'hostbasedauthentication', 'yes'), 'ignorerhosts', 'no');
    expect(run(cfg, DEBIAN12)('SSH-HOSTBASED-AUTH').lines.sort()).toEqual(['medium: HostbasedAuthentication yes', 'medium: IgnoreRhosts no']);
  });

  it('PermitUserEnvironment yes or a pattern', () => {
    expect(run(set(sshdT('sshd-T-hardened.txt'), 'permituserenvironment', 'LANG,LC_*'), DEBIAN12)('SSH-PERMIT-USER-ENVIRONMENT').lines).toEqual(['medium: PermitUserEnvironment LANG,LC_*']);
  });
});

describe('names ssh-audit 2.5.0 reports as "unknown algorithm" are not weaknesses', () => {
  it.each(['kex-strict-s-v00@openssh.com', 'kex-strict-c-v00@openssh.com', 'sntrup761x25519-sha512@openssh.com', 'sntrup761x25519-sha512', 'mlkem768x25519-sha256', 'ext-info-s', 'ext-info-c'])('%s', (a) => {
    expect(classifyKex(a)).toBeNull();
    expect(classifyCipher(a)).toBeNull();
    expect(classifyMac(a)).toBeNull();
    expect(classifyHostKey(a)).toBeNull();
  });
});
