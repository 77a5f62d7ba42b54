// Weak SSH algorithms and why, following what ssh-audit and current OpenSSH consider weak.
import type { Severity } from '../../../../shared/domain';

export interface Weakness {
  severity: Severity;
  reason: string;
}

type Rule = [RegExp, Weakness];

const KEX: Rule[] = [
  [/^diffie-hellman-group1-sha1$/, { severity: 'high', reason: '1024-bit modulus and SHA-1' }],
  [/^diffie-hellman-group14-sha1$/, { severity: 'high', reason: 'SHA-1 hash' }],
  [/^diffie-hellman-group-exchange-sha1$/, { severity: 'high', reason: 'SHA-1 hash' }],
  [/^gss-.*sha1/, { severity: 'high', reason: 'GSSAPI key exchange with SHA-1' }],
  [/^ecdh-sha2-nistp(256|384|521)$/, { severity: 'low', reason: 'NIST P-curves (suspected weak constants)' }],
  [/^rsa1024-sha1$/, { severity: 'high', reason: '1024-bit RSA and SHA-1' }],
];

const CIPHERS: Rule[] = [
  [/^3des-cbc$/, { severity: 'high', reason: '64-bit block cipher (Sweet32) in CBC mode' }],
  [/^(blowfish|cast128|idea)-cbc$/, { severity: 'high', reason: '64-bit block cipher in CBC mode' }],
  [/^arcfour/, { severity: 'high', reason: 'broken RC4 stream cipher' }],
  [/^none$/, { severity: 'high', reason: 'no encryption' }],
  [/-cbc(@.*)?$/, { severity: 'medium', reason: 'CBC mode (plaintext-recovery attacks)' }],
];

const MACS: Rule[] = [
  [/^hmac-md5/, { severity: 'high', reason: 'MD5 hash' }],
  [/-96(@|$)/, { severity: 'high', reason: 'truncated 96-bit tag' }],
  [/^hmac-ripemd160/, { severity: 'medium', reason: 'RIPEMD-160 hash' }],
  [/^hmac-sha1/, { severity: 'medium', reason: 'SHA-1 hash' }],
  [/^umac-64/, { severity: 'medium', reason: 'small 64-bit tag' }],
  // Encrypt-and-MAC: the MAC is over plaintext; -etm variants are preferred.
  [/^(hmac-sha2-(256|512)|umac-128)(@openssh\.com)?$/, { severity: 'low', reason: 'encrypt-and-MAC mode (prefer the -etm@openssh.com variant)' }],
];

const HOSTKEYS: Rule[] = [
  [/^ssh-dss/, { severity: 'high', reason: 'DSA (1024-bit, deprecated)' }],
  [/^ssh-rsa(-cert-v01@openssh\.com)?$/, { severity: 'medium', reason: 'RSA signatures with SHA-1' }],
  [/^ecdsa-sha2-nistp/, { severity: 'low', reason: 'NIST P-curves (suspected weak constants)' }],
];

function classify(rules: Rule[], algorithm: string): Weakness | null {
  for (const [re, w] of rules) if (re.test(algorithm)) return w;
  return null;
}

export const classifyKex = (a: string): Weakness | null => classify(KEX, a);
export const classifyCipher = (a: string): Weakness | null => classify(CIPHERS, a);
export const classifyMac = (a: string): Weakness | null => classify(MACS, a);
export const classifyHostKey = (a: string): Weakness | null => classify(HOSTKEYS, a);
