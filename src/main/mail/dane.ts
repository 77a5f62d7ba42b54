// DANE for SMTP (RFC 7672, with RFC 6698 / RFC 7671): TLSA records at _25._tcp.<mx> matched
// against the certificate chain the MX serves on port 25. Pure (node:crypto hashes only).
import { createHash, X509Certificate } from 'node:crypto';

export interface Tlsa {
  usage: number;
  selector: number;
  matchingType: number;
  /** Association data, lower-case hex. */
  data: string;
}

/** TLSA owner name for an MX (RFC 7672 §2.2.3: the MX host name, port 25, TCP). */
export const tlsaName = (mxHost: string, port = 25): string => `_${port}._tcp.${mxHost}`;

/** "3 1 1 ABCD…" (presentation form, as the resolver gives it) → record; null when malformed. */
export function parseTlsa(text: string): Tlsa | null {
  const m = /^\s*(\d{1,3})\s+(\d{1,3})\s+(\d{1,3})\s+([0-9a-fA-F\s]+)$/.exec(text);
  if (!m) return null;
  const data = m[4]!.replace(/\s+/g, '').toLowerCase();
  if (!data.length || data.length % 2) return null;
  return { usage: Number(m[1]), selector: Number(m[2]), matchingType: Number(m[3]), data };
}

export const formatTlsa = (t: Tlsa): string => `${t.usage} ${t.selector} ${t.matchingType} ${t.data}`;

/** Why a record cannot be used by an SMTP client, or null (RFC 7672 §3.1.3: PKIX-TA/EE are unusable for SMTP). */
export function tlsaUnusable(t: Tlsa): string | null {
  if (t.usage === 0 || t.usage === 1) return `usage ${t.usage} (PKIX-${t.usage === 0 ? 'TA' : 'EE'}) is not used by SMTP clients (RFC 7672 §3.1.3)`;
  if (t.usage !== 2 && t.usage !== 3) return `unknown usage ${t.usage}`;
  if (t.selector !== 0 && t.selector !== 1) return `unknown selector ${t.selector}`;
  if (t.matchingType > 2) return `unknown matching type ${t.matchingType}`;
  const want = t.matchingType === 1 ? 64 : t.matchingType === 2 ? 128 : 0;
  if (want && t.data.length !== want) return `a SHA-${t.matchingType === 1 ? 256 : 512} digest is ${want / 2} bytes, this one ${t.data.length / 2}`;
  return null;
}

function selected(cert: X509Certificate, selector: number): Buffer {
  return selector === 0 ? cert.raw : cert.publicKey.export({ type: 'spki', format: 'der' });
}

function digest(buf: Buffer, matchingType: number): string {
  if (matchingType === 0) return buf.toString('hex');
  return createHash(matchingType === 1 ? 'sha256' : 'sha512').update(buf).digest('hex');
}

export interface TlsaMatch {
  matched: boolean;
  /** Which certificate of the chain matched (0 = the server's own). */
  depth?: number;
  why?: string;
}

/**
 * Does one usable TLSA record match the chain (DER, leaf first)? DANE-EE (3) matches the leaf
 * only; DANE-TA (2) a certificate above it, and then every link below that trust anchor must be
 * signed by the next certificate (RFC 7671 §5.2). Names and expiry are checked elsewhere.
 */
export function matchTlsa(t: Tlsa, chainDer: readonly Buffer[]): TlsaMatch {
  let certs: X509Certificate[];
  try {
    certs = chainDer.map((d) => new X509Certificate(d));
  } catch (e) {
    return { matched: false, why: `a certificate of the chain does not parse: ${(e as Error).message}` };
  }
  if (!certs.length) return { matched: false, why: 'no certificate' };
  const depths = t.usage === 3 ? [0] : certs.map((_, i) => i).slice(1);
  for (const depth of depths) {
    let value: string;
    try {
      value = digest(selected(certs[depth]!, t.selector), t.matchingType);
    } catch {
      continue;
    }
    if (value !== t.data) continue;
    if (t.usage === 2) {
      for (let i = 0; i < depth; i++)
        if (!certs[i]!.verify(certs[i + 1]!.publicKey)) return { matched: false, depth, why: `the trust anchor at depth ${depth} matches, but certificate ${i} is not signed by certificate ${i + 1}` };
    }
    return { matched: true, depth };
  }
  return { matched: false, why: t.usage === 3 ? 'not the server certificate' : 'no issuer certificate in the chain matches' };
}

/** The TLSA values of a certificate in the common forms (for evidence and remediation text). */
export function tlsaFor(der: Buffer, usage: 2 | 3 = 3): string {
  const c = new X509Certificate(der);
  return `${usage} 1 1 ${digest(selected(c, 1), 1)}`;
}
