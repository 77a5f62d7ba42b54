// DKIM key records with RFC 6376 Appendix C's and RFC 8463 Appendix A's published keys.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { looksLikeDkim, parseDkimKey } from './dkim';

// RFC 6376 Appendix C (brisbane._domainkey.example.com), a 1024-bit RSA key.
const RFC6376_KEY =
  'MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB';
// RFC 8463 Appendix A (brisbane._domainkey.football.example.com).
const RFC8463_ED25519 = '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=';

describe('parseDkimKey', () => {
  it('RFC 6376 Appendix C: v=DKIM1, rsa, 1024 bits', () => {
    const k = parseDkimKey(`v=DKIM1; p=${RFC6376_KEY}`);
    expect([k.version, k.keyType, k.bits, k.revoked, k.errors]).toEqual(['DKIM1', 'rsa', 1024, false, []]);
  });

  it('RFC 8463 Appendix A: ed25519, 32 raw bytes', () => {
    const k = parseDkimKey(`v=DKIM1; k=ed25519; p=${RFC8463_ED25519}`);
    expect([k.keyType, k.bits, k.errors]).toEqual(['ed25519', 256, []]);
  });

  it('whitespace inside p= (FWS) is ignored; 2048-bit keys are read', () => {
    const b64 = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const k = parseDkimKey(`v=DKIM1;k=rsa;\t p=${b64.slice(0, 100)} ${b64.slice(100)}`);
    expect([k.bits, k.errors]).toEqual([2048, []]);
  });

  it('flags, hashes, revocation, and what is wrong', () => {
    expect(parseDkimKey(`v=DKIM1; t=y:s; h=sha1; p=${RFC6376_KEY}`)).toMatchObject({ flags: ['y', 's'], hashes: ['sha1'], errors: [] });
    expect(parseDkimKey('v=DKIM1; p=')).toMatchObject({ revoked: true, errors: [] });
    expect(parseDkimKey('k=rsa; v=DKIM1; p=').errors).toEqual(['v=DKIM1 must be the first tag']);
    expect(parseDkimKey('v=DKIM2; p=').errors).toEqual(['v=DKIM2: the version must be DKIM1']);
    expect(parseDkimKey('v=DKIM1; k=rsa').errors).toEqual(['the required p= tag (public key) is missing']);
    expect(parseDkimKey('v=DKIM1; p=not base64!').errors).toEqual(['p= is not base64']);
    expect(parseDkimKey('v=DKIM1; p=QUJD').errors).toEqual(['p= is not a readable RSA public key']);
    expect(parseDkimKey('v=DKIM1; k=dsa; p=QUJD').errors).toEqual(['k=dsa: unknown key type (rsa or ed25519)']);
    expect(parseDkimKey(`v=DKIM1; k=ed25519; p=${RFC6376_KEY}`).errors).toEqual(['p= holds 162 bytes; an ed25519 key is 32']);
    expect(parseDkimKey(`v=DKIM1; p=${RFC6376_KEY}; p=${RFC6376_KEY}`).errors).toEqual(['tag "p" appears more than once']);
    expect(parseDkimKey(`v=DKIM1; s=tlsrpt; p=${RFC6376_KEY}`).errors).toEqual(['s=tlsrpt: the key is not for email']);
  });

  it('looksLikeDkim: a key record, not other TXT at the name', () => {
    expect([`v=DKIM1; p=${RFC6376_KEY}`, `k=rsa; p=${RFC6376_KEY}`, 'v=spf1 -all', 'hello'].map(looksLikeDkim)).toEqual([true, true, false, false]);
  });
});
