// Fingerprints must match what `ssh-keygen -lf` prints for the same key, byte for byte.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyTypeOf, sha256Fingerprint } from './fingerprint';

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampart-fp-test-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Generated {
  blob: Buffer;
  typeInPub: string;
  keygenFingerprint: string;
}

function generate(type: string, extra: string[] = []): Generated {
  const file = path.join(dir, `key_${type}_${extra.join('_')}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...extra, '-N', '', '-C', 'rampart-test', '-f', file], { stdio: 'ignore' });
  const pub = fs.readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/);
  // `ssh-keygen -lf` prints "<bits> SHA256:<b64> <comment> (<TYPE>)".
  const listed = execFileSync('ssh-keygen', ['-E', 'sha256', '-lf', `${file}.pub`], { encoding: 'utf8' }).trim();
  const fp = listed.split(/\s+/)[1]!;
  expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  return { blob: Buffer.from(pub[1]!, 'base64'), typeInPub: pub[0]!, keygenFingerprint: fp };
}

describe('sha256Fingerprint / keyTypeOf against ssh-keygen', () => {
  const cases: Array<[string, string[], string]> = [
    ['ed25519', [], 'ssh-ed25519'],
    ['rsa', ['-b', '2048'], 'ssh-rsa'],
    ['ecdsa', ['-b', '256'], 'ecdsa-sha2-nistp256'],
    ['ecdsa', ['-b', '521'], 'ecdsa-sha2-nistp521'],
  ];
  for (const [type, extra, wireType] of cases) {
    it(`${type} ${extra.join(' ')}: fingerprint equals ssh-keygen -lf, type is ${wireType}`, () => {
      const g = generate(type, extra);
      expect(g.typeInPub).toBe(wireType);
      expect(sha256Fingerprint(g.blob)).toBe(g.keygenFingerprint);
      expect(keyTypeOf(g.blob)).toBe(wireType);
    });
  }

  it('two different keys have different fingerprints', () => {
    const a = generate('ed25519', ['-a', '1']);
    const b = generate('ed25519', ['-a', '2']);
    expect(sha256Fingerprint(a.blob)).not.toBe(sha256Fingerprint(b.blob));
  });

  it('the format has no base64 padding and 43 characters', () => {
    for (const n of [0, 1, 2, 3, 100]) expect(sha256Fingerprint(Buffer.alloc(n, 7))).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    // Known vector: SHA-256 of the empty string.
    expect(sha256Fingerprint(Buffer.alloc(0))).toBe('SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU');
  });
});

describe('keyTypeOf on garbage', () => {
  it.each([
    ['empty', Buffer.alloc(0)],
    ['three bytes', Buffer.from([0, 0, 0])],
    ['zero length prefix', Buffer.from([0, 0, 0, 0, 0x61])],
    ['length past the end', Buffer.from([0, 0, 0, 20, 0x73, 0x73, 0x68])],
    ['absurd length', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x61, 0x62])],
    ['length 65', Buffer.concat([Buffer.from([0, 0, 0, 65]), Buffer.alloc(65, 0x61)])],
    ['ASCII text', Buffer.from('not a key at all')],
    ['a base64 string instead of the decoded blob', Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIA')],
  ])('%s → "unknown"', (_what, buf) => {
    expect(keyTypeOf(buf)).toBe('unknown');
  });

  // A key type is an SSH algorithm name: printable US-ASCII (RFC 4251 §6). Binary bytes behind a
  // plausible length prefix are not a key type and must not reach the UI or the pin table.
  it('a printable-looking length prefix followed by non-name bytes → "unknown"', () => {
    const cases: Array<[string, Buffer]> = [
      ['binary bytes behind a valid length', Buffer.from([0, 0, 0, 4, 0xff, 0xfe, 0x00, 0x07, 1, 2, 3])],
      ['control characters', Buffer.concat([Buffer.from([0, 0, 0, 8]), Buffer.from('ssh\x1b[2Jx', 'latin1')])],
      ['a space and a newline', Buffer.concat([Buffer.from([0, 0, 0, 9]), Buffer.from('ssh-rsa\n ', 'latin1')])],
    ];
    expect(Object.fromEntries(cases.map(([what, buf]) => [what, keyTypeOf(buf)]))).toEqual(Object.fromEntries(cases.map(([what]) => [what, 'unknown'])));
  });

  it('a valid prefix with a short payload still names the type', () => {
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32])]);
    expect(keyTypeOf(blob)).toBe('ssh-ed25519');
  });
});
