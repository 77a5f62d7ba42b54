import { describe, expect, it } from 'vitest';
import { hostFieldMatches, knownHostName, parseKnownHosts, verifyKnownHost } from './knownHosts';

// Keys and hashed lines made with OpenSSH 9.2 (ssh-keygen -t …; ssh-keygen -H; ssh-keygen -lf).
const K1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK8HVe9M/u8FEDIcisZcfbyDNz2CDvPawJbgR3ZLk7TX';
const K1_FP = 'SHA256:1FJz8zxLKdsbowz2/Cv7p0Xop4+Kq8NFWMutTDeapYQ';
const K2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID3RTjOPTmn5EAErWOhfsJ1DgAc5Z/GKguL1avHa6THX';
const K2_FP = 'SHA256:Yt/LeHaDgokqI2NMXtyX3YWQQO+5CWcA6Y8pjQz3xjo';
const K3 =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBFT48K3bv8TgP2w9ngxWlOXlytV1Mkrp7zQRwIKVDAsejJbhr31OTm6tUKuAtGxTezaksp5OBcR6zZjC0jHGkY=';
const K3_FP = 'SHA256:KsAJv6eKpr9f0pPq5TmVF5Udk23T79YkWkbo5IGnZOY';
/** `ssh-keygen -H` of "10.1.2.3 K1" and "[10.1.2.3]:2222 K2". */
const HASHED_22 = `|1|c09fuOX1G+JljUJIUnBbxHwndTM=|AcdGgCn1DhClt/5TorTUqeveWGc= ${K1}`;
const HASHED_2222 = `|1|6DDNXC6+abPnE8KORuyssP/y3JI=|fN8WPTROMckHcPnryY63nMPRAq0= ${K2}`;

const key = (fingerprint: string, keyType = 'ssh-ed25519') => ({ keyType, fingerprint });

describe('parseKnownHosts', () => {
  it('reads plain entries with fingerprints as ssh-keygen -lf prints them', () => {
    const { entries, invalidLines } = parseKnownHosts(`# comment\n\n10.1.2.3 ${K1} a comment\nhost.example,10.1.2.4 ${K3}\n`);
    expect(invalidLines).toEqual([]);
    expect(entries).toEqual([
      { line: 3, marker: null, hosts: '10.1.2.3', keyType: 'ssh-ed25519', fingerprint: K1_FP },
      { line: 4, marker: null, hosts: 'host.example,10.1.2.4', keyType: 'ecdsa-sha2-nistp256', fingerprint: K3_FP },
    ]);
  });

  it('reads markers and skips malformed lines (reporting their numbers)', () => {
    const text = [`@revoked 10.1.2.3 ${K2}`, `@cert-authority *.example ${K3}`, '@bogus x ssh-ed25519 AAAA', '10.1.2.3 ssh-ed25519', '10.1.2.3 ssh-rsa not*base64', `10.1.2.3 ssh-rsa ${K1.split(' ')[1]}`, 'justonefield'].join('\r\n');
    const { entries, invalidLines } = parseKnownHosts(text);
    expect(entries.map((e) => [e.line, e.marker, e.fingerprint])).toEqual([
      [1, 'revoked', K2_FP],
      [2, 'cert-authority', K3_FP],
    ]);
    // line 6 declares ssh-rsa for an ed25519 blob
    expect(invalidLines).toEqual([3, 4, 5, 6, 7]);
  });
});

describe('host matching', () => {
  it('names port 22 plainly and other ports as [addr]:port', () => {
    expect(knownHostName('10.1.2.3', 22)).toBe('10.1.2.3');
    expect(knownHostName('Host.Example', 2222)).toBe('[host.example]:2222');
  });

  it.each([
    ['10.1.2.3', '10.1.2.3', 22, true],
    ['10.1.2.3', '10.1.2.3', 2222, false],
    ['[10.1.2.3]:2222', '10.1.2.3', 2222, true],
    ['[10.1.2.3]:2222', '10.1.2.3', 22, false],
    ['[10.1.2.3]:22', '10.1.2.3', 22, true],
    ['a.example,10.1.2.3', '10.1.2.3', 22, true],
    ['10.1.2.*', '10.1.2.3', 22, true],
    ['10.1.2.?', '10.1.2.34', 22, false],
    ['10.1.*,!10.1.2.3', '10.1.2.3', 22, false],
    ['10.1.*,!10.1.2.3', '10.1.2.4', 22, true],
    ['HOST.example', 'host.EXAMPLE', 22, true],
    ['10.1.2.3.', '10.1.2.3', 22, false],
    ['10x1x2x3', '10.1.2.3', 22, false],
  ])('%s vs %s:%d → %s', (field, addr, port, want) => {
    expect(hostFieldMatches(field, addr, port)).toBe(want);
  });

  it('matches hashed entries written by ssh-keygen -H', () => {
    const hash22 = HASHED_22.split(' ')[0]!;
    const hash2222 = HASHED_2222.split(' ')[0]!;
    expect(hostFieldMatches(hash22, '10.1.2.3', 22)).toBe(true);
    expect(hostFieldMatches(hash22, '10.1.2.4', 22)).toBe(false);
    expect(hostFieldMatches(hash22, '10.1.2.3', 2222)).toBe(false);
    expect(hostFieldMatches(hash2222, '10.1.2.3', 2222)).toBe(true);
    expect(hostFieldMatches(hash2222, '10.1.2.3', 22)).toBe(false);
    expect(hostFieldMatches('|1|bad', '10.1.2.3', 22)).toBe(false);
    expect(hostFieldMatches('|2|c09fuOX1G+JljUJIUnBbxHwndTM=|AcdGgCn1DhClt/5TorTUqeveWGc=', '10.1.2.3', 22)).toBe(false);
  });
});

describe('verifyKnownHost', () => {
  const { entries } = parseKnownHosts([HASHED_22, HASHED_2222, `10.9.9.9 ${K1}`, `10.9.9.9 ${K3}`, `@revoked 10.8.8.8 ${K2}`, `10.8.8.8 ${K2}`].join('\n'));

  it('match: the presented key is listed for the host (hashed or plain, any listed type)', () => {
    expect(verifyKnownHost(entries, '10.1.2.3', 22, key(K1_FP))).toMatchObject({ kind: 'match', entry: { line: 1 } });
    expect(verifyKnownHost(entries, '10.1.2.3', 2222, key(K2_FP))).toMatchObject({ kind: 'match', entry: { line: 2 } });
    expect(verifyKnownHost(entries, '10.9.9.9', 22, key(K3_FP, 'ecdsa-sha2-nistp256'))).toMatchObject({ kind: 'match', entry: { line: 4 } });
  });

  it('mismatch: the host is listed with other keys', () => {
    const v = verifyKnownHost(entries, '10.1.2.3', 22, key(K2_FP));
    expect(v.kind).toBe('mismatch');
    expect(v.kind === 'mismatch' && v.known.map((k) => k.fingerprint)).toEqual([K1_FP]);
    // a key listed for another port does not count
    expect(verifyKnownHost(entries, '10.1.2.3', 2222, key(K1_FP)).kind).toBe('mismatch');
  });

  it('other-types: the host is listed, but only with keys of other types (not a change)', () => {
    const v = verifyKnownHost(entries, '10.1.2.3', 22, key(K3_FP, 'ecdsa-sha2-nistp256'));
    expect(v.kind).toBe('other-types');
    expect(v.kind === 'other-types' && v.known.map((k) => k.keyType)).toEqual(['ssh-ed25519']);
  });

  it('absent: no line for the host', () => {
    expect(verifyKnownHost(entries, '10.7.7.7', 22, key(K1_FP))).toEqual({ kind: 'absent' });
    expect(verifyKnownHost(entries, '10.9.9.9', 2200, key(K1_FP))).toEqual({ kind: 'absent' });
  });

  it('revoked wins over a plain entry for the same key', () => {
    expect(verifyKnownHost(entries, '10.8.8.8', 22, key(K2_FP))).toMatchObject({ kind: 'revoked', entry: { line: 5 } });
  });

  it('@cert-authority lines are not host keys', () => {
    const ca = parseKnownHosts(`@cert-authority 10.6.6.6 ${K1}`).entries;
    expect(verifyKnownHost(ca, '10.6.6.6', 22, key(K1_FP))).toEqual({ kind: 'absent' });
  });
});
