// Users' ~/.ssh and authorized keys from recorded lab output, and the record framing.
import { describe, expect, it } from 'vitest';
import { rawFixture } from '../../../../test/support/hostFixtures';
import { parseKeygenLine, parseSshKeys } from './sshKeys';

describe('parseSshKeys', () => {
  it('vulnerable lab host: alice\'s open ~/.ssh, weak keys in both files, which file sshd reads', () => {
    const s = parseSshKeys(rawFixture('ssh_keys', 'vulnerable').body);
    expect(s.patternSource).toBe('sshd-T');
    expect(s.patterns).toEqual(['/etc/ssh/authorized_keys_%u']);
    expect(s.users.map((u) => u.user).sort()).toEqual(['alice', 'auditor', 'root']);
    const alice = s.users.find((u) => u.user === 'alice')!;
    expect(alice.sshDir).toMatchObject({ path: '/srv/lab/home/alice/.ssh', mode: 0o777, owner: 'alice' });
    expect(alice.files.map((f) => [f.stat.path, f.active, f.stat.mode.toString(8), f.keys.map((k) => `${k.type} ${k.bits}`).join(',')])).toEqual([
      ['/etc/ssh/authorized_keys_alice', true, '666', 'DSA 1024,RSA 2048'],
      ['/srv/lab/home/alice/.ssh/authorized_keys', false, '644', 'RSA 1024'],
    ]);
    expect(alice.files[0]!.keys[0]!.comment).toBe('alice-old-dsa');
    expect(s.denied).toEqual([]);
  });

  it('unprivileged: homes and keys it may not read are listed as denied', () => {
    const s = parseSshKeys(rawFixture('ssh_keys', 'vulnerable-unprivileged').body);
    expect(s.patternSource).toBe('config');
    expect(s.denied).toContain('/lab/state/root-home');
    expect(s.denied).toContain('/etc/ssh/authorized_keys_root');
  });

  it('hardened lab host: only strong keys', () => {
    const s = parseSshKeys(rawFixture('ssh_keys', 'hardened').body);
    const keys = s.users.flatMap((u) => u.files.flatMap((f) => f.keys));
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys.map((k) => k.type))).toEqual(new Set(['ED25519']));
  });

  it('ssh-keygen lines', () => {
    expect(parseKeygenLine('3072 SHA256:abc/def+g a b c (RSA)')).toEqual({ bits: 3072, fingerprint: 'SHA256:abc/def+g', comment: 'a b c', type: 'RSA' });
    expect(parseKeygenLine('256 SHA256:x no comment (ED25519)')!.comment).toBe('');
    expect(parseKeygenLine('256 SHA256:x user@host (ECDSA-SK)')!.type).toBe('ECDSA-SK');
    expect(parseKeygenLine('x is not a public key file.')).toBeNull();
  });

  it('empty, truncated, garbage and huge output', () => {
    expect(parseSshKeys('')).toEqual({ patterns: [], patternSource: 'default', users: [], denied: [], truncated: false });
    const cut = rawFixture('ssh_keys', 'vulnerable').body.slice(0, 300);
    expect(parseSshKeys(cut).truncated).toBe(true);
    expect(() => parseSshKeys('\x00U\tx\0P\t\t\t\0k\0S\t1\0garbage\0')).not.toThrow();
    const many = Array.from({ length: 5000 }, (_, i) => `k\t2048 SHA256:k${i} c (RSA)\t/etc/ssh/ak\0`).join('');
    const body = 'U\tbob\t1000\t/home/bob\0P\tbob\t1\t/etc/ssh/ak\0' + many + 'S\t600\t0\t0\troot\troot\tf\t1\t1\t/etc/ssh/ak\0';
    expect(parseSshKeys(body).users[0]!.files[0]!.keys).toHaveLength(1000);
  });
});
