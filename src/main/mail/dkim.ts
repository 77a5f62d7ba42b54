// DKIM key records (RFC 6376 §3.6.1, RFC 8301 key sizes and sha1, RFC 8463 ed25519).
import { createPublicKey } from 'node:crypto';
import { parseTagList } from './tags';

export interface DkimKey {
  raw: string;
  version: string | null;
  keyType: string;
  /** Acceptable hash algorithms (h=), or null when all are. */
  hashes: string[] | null;
  flags: string[];
  services: string[];
  /** p= empty: the key was revoked. */
  revoked: boolean;
  /** RSA modulus size, or 256 for ed25519; null when the key cannot be read. */
  bits: number | null;
  errors: string[];
}

export const dkimName = (selector: string, domain: string): string => `${selector}._domainkey.${domain}`;

export function parseDkimKey(record: string): DkimKey {
  const tl = parseTagList(record);
  const errors = [...tl.errors];
  const version = tl.map.get('v') ?? null;
  // §3.6.1: v= is optional, but when present it must be the first tag and exactly DKIM1.
  if (version !== null) {
    if (version !== 'DKIM1') errors.push(`v=${version}: the version must be DKIM1`);
    if (tl.tags[0]?.name !== 'v') errors.push('v=DKIM1 must be the first tag');
  }
  const keyType = (tl.map.get('k') ?? 'rsa').toLowerCase();
  const hashes = tl.map.has('h') ? tl.map.get('h')!.split(':').map((h) => h.trim().toLowerCase()).filter(Boolean) : null;
  const flags = (tl.map.get('t') ?? '').split(':').map((f) => f.trim().toLowerCase()).filter(Boolean);
  const services = (tl.map.get('s') ?? '*').split(':').map((f) => f.trim().toLowerCase()).filter(Boolean);
  if (!services.includes('*') && !services.includes('email')) errors.push(`s=${tl.map.get('s')}: the key is not for email`);
  const p = tl.map.get('p');
  let bits: number | null = null;
  let revoked = false;
  if (p === undefined) errors.push('the required p= tag (public key) is missing');
  else {
    const b64 = p.replace(/\s+/g, '');
    if (b64 === '') revoked = true;
    else if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) errors.push('p= is not base64');
    else {
      const der = Buffer.from(b64, 'base64');
      if (keyType === 'rsa') {
        try {
          const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
          bits = key.asymmetricKeyDetails?.modulusLength ?? null;
          if (key.asymmetricKeyType !== 'rsa') errors.push(`p= holds a ${key.asymmetricKeyType} key, k= says rsa`);
        } catch {
          // Some signers publish the PKCS#1 RSAPublicKey instead of SubjectPublicKeyInfo.
          try {
            bits = createPublicKey({ key: der, format: 'der', type: 'pkcs1' }).asymmetricKeyDetails?.modulusLength ?? null;
            errors.push('p= is a PKCS#1 RSA key, not the SubjectPublicKeyInfo RFC 6376 requires (some verifiers refuse it)');
          } catch {
            errors.push('p= is not a readable RSA public key');
          }
        }
      } else if (keyType === 'ed25519') {
        // RFC 8463 §4: the bare 32-byte key, base64.
        if (der.length === 32) bits = 256;
        else errors.push(`p= holds ${der.length} bytes; an ed25519 key is 32`);
      } else errors.push(`k=${keyType}: unknown key type (rsa or ed25519)`);
    }
  }
  for (const h of hashes ?? []) if (h !== 'sha1' && h !== 'sha256') errors.push(`h=${h}: unknown hash algorithm`);
  return { raw: record, version, keyType, hashes, flags, services, revoked, bits, errors };
}

/** A TXT record is a DKIM key record when it has v=DKIM1 or (without v=) a p= tag. */
export function looksLikeDkim(txt: string): boolean {
  return /^\s*v\s*=\s*DKIM1\b/.test(txt) || (!/^\s*v\s*=/.test(txt) && /(^|;)\s*p\s*=/.test(txt));
}
