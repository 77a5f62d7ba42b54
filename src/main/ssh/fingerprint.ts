import { createHash } from 'node:crypto';

/** `SHA256:<base64 without padding>` — the same string `ssh-keygen -lf` prints. */
export function sha256Fingerprint(rawKey: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(rawKey).digest('base64').replace(/=+$/, '');
}

/** The key type named inside an SSH wire-format public key blob (its first string). */
export function keyTypeOf(rawKey: Buffer): string {
  if (rawKey.length < 4) return 'unknown';
  const len = rawKey.readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > rawKey.length) return 'unknown';
  const name = rawKey.subarray(4, 4 + len).toString('latin1');
  // Key type names are short printable ASCII (RFC 4251 §6); anything else is not a key blob.
  return /^[A-Za-z0-9@._+-]+$/.test(name) ? name : 'unknown';
}
