// DANE TLSA parsing and matching (RFC 6698 §2, RFC 7671 §5, RFC 7672 §3) over certificates made
// at test time with the openssl CLI (no committed keys).
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchTlsa, parseTlsa, tlsaFor, tlsaName, tlsaUnusable, type Tlsa } from './dane';

let dir: string;
let leaf: Buffer;
let ca: Buffer;
let otherCa: Buffer;

function makeCa(name: string): void {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE'], { cwd: dir, stdio: 'ignore' });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-dane-'));
  makeCa('ca');
  makeCa('other');
  writeFileSync(join(dir, 'ext'), 'subjectAltName=DNS:mx.example.test\n');
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=mx.example.test'], { cwd: dir, stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '5', '-days', '2', '-out', 'leaf.pem', '-extfile', 'ext'], { cwd: dir, stdio: 'ignore' });
  const der = (f: string) => new X509Certificate(readFileSync(join(dir, f))).raw;
  leaf = der('leaf.pem');
  ca = der('ca.pem');
  otherCa = der('other.pem');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spki = (d: Buffer) => new X509Certificate(d).publicKey.export({ type: 'spki', format: 'der' });
const hash = (alg: string, d: Buffer) => createHash(alg).update(d).digest('hex');
const rec = (usage: number, selector: number, matchingType: number, data: string): Tlsa => ({ usage, selector, matchingType, data });

describe('TLSA records', () => {
  it('presentation form and owner name', () => {
    expect(parseTlsa('3 1 1 ABCD ef01')).toEqual({ usage: 3, selector: 1, matchingType: 1, data: 'abcdef01' });
    expect(parseTlsa('3 1 1 abc')).toBeNull();
    expect(parseTlsa('three 1 1 ab')).toBeNull();
    expect(tlsaName('mx.example.com')).toBe('_25._tcp.mx.example.com');
  });

  it('usable for SMTP: DANE-TA(2)/DANE-EE(3) only, known selectors and matching types, digest lengths', () => {
    expect(tlsaUnusable(rec(3, 1, 1, 'ab'.repeat(32)))).toBeNull();
    expect(tlsaUnusable(rec(2, 0, 2, 'ab'.repeat(64)))).toBeNull();
    expect(tlsaUnusable(rec(1, 1, 1, 'ab'.repeat(32)))).toMatch(/PKIX-EE/);
    expect(tlsaUnusable(rec(0, 1, 1, 'ab'.repeat(32)))).toMatch(/PKIX-TA/);
    expect(tlsaUnusable(rec(3, 2, 1, 'ab'.repeat(32)))).toMatch(/selector/);
    expect(tlsaUnusable(rec(3, 1, 3, 'ab'.repeat(32)))).toMatch(/matching type/);
    expect(tlsaUnusable(rec(3, 1, 1, 'ab'.repeat(31)))).toMatch(/32 bytes, this one 31/);
  });

  it('DANE-EE: every selector and matching type against the leaf', () => {
    const chain = [leaf, ca];
    for (const [selector, data] of [
      [0, leaf],
      [1, spki(leaf)],
    ] as const) {
      expect(matchTlsa(rec(3, selector, 0, data.toString('hex')), chain)).toEqual({ matched: true, depth: 0 });
      expect(matchTlsa(rec(3, selector, 1, hash('sha256', data)), chain)).toEqual({ matched: true, depth: 0 });
      expect(matchTlsa(rec(3, selector, 2, hash('sha512', data)), chain)).toEqual({ matched: true, depth: 0 });
    }
    // The CA's key is not the server's: usage 3 never looks above the leaf.
    expect(matchTlsa(rec(3, 1, 1, hash('sha256', spki(ca))), chain).matched).toBe(false);
    expect(tlsaFor(leaf)).toBe(`3 1 1 ${hash('sha256', spki(leaf))}`);
  });

  it('DANE-TA: the issuer in the chain matches when the leaf is signed by it', () => {
    expect(matchTlsa(rec(2, 0, 1, hash('sha256', ca)), [leaf, ca])).toEqual({ matched: true, depth: 1 });
    expect(matchTlsa(rec(2, 1, 2, hash('sha512', spki(ca))), [leaf, ca])).toEqual({ matched: true, depth: 1 });
    // The leaf itself is not a trust anchor; a matching anchor that did not sign the leaf is refused.
    expect(matchTlsa(rec(2, 0, 1, hash('sha256', leaf)), [leaf, ca]).matched).toBe(false);
    const forged = matchTlsa(rec(2, 0, 1, hash('sha256', otherCa)), [leaf, otherCa]);
    expect(forged).toMatchObject({ matched: false, depth: 1 });
    expect(forged.why).toMatch(/not signed by certificate 1/);
    expect(matchTlsa(rec(2, 0, 1, hash('sha256', ca)), [leaf]).matched).toBe(false);
  });
});
