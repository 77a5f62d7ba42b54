// Shared helpers of the mail stack health checks (issue 13): ages, whether the server sends mail
// over SMTP at all, and which TLS protocols a Postfix protocol list allows.
import type { PostfixFacts } from '../../parsers/postfix';

export const HOUR_S = 3600;
export const DAY_S = 24 * HOUR_S;

/** "3 d 4 h", "5 h", "12 min". */
export function ageText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= DAY_S) return `${Math.floor(s / DAY_S)} d${s % DAY_S >= HOUR_S ? ` ${Math.floor((s % DAY_S) / HOUR_S)} h` : ''}`;
  if (s >= HOUR_S) return `${Math.floor(s / HOUR_S)} h`;
  return `${Math.floor(s / 60)} min`;
}

/**
 * Why this Postfix delivers nothing over SMTP (so outgoing TLS and DKIM do not matter), or null when
 * it does: default_transport error/discard/local-only, or smtp listed in defer_transports.
 */
export function notSendingReason(pf: PostfixFacts): string | null {
  const dt = (pf.explicit.default_transport ?? 'smtp').trim();
  const transport = dt.split(':')[0]!;
  if (['error', 'discard', 'local', 'retry'].includes(transport)) return `default_transport = ${dt}: the server does not deliver mail over SMTP`;
  const deferred = (pf.explicit.defer_transports ?? '').split(/[\s,]+/).filter(Boolean);
  if (deferred.includes(transport) || deferred.includes('smtp')) return `defer_transports = ${pf.explicit.defer_transports}: SMTP deliveries are held, nothing is sent`;
  return null;
}

export const TLS_PROTOCOLS = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsProtocol = (typeof TLS_PROTOCOLS)[number];

/**
 * The protocols a Postfix *_tls_protocols value allows: `>=TLSv1.2`, `<=TLSv1.2`, `>=TLSv1 <=TLSv1.2`,
 * or an exclusion list `!SSLv2, !SSLv3` (Postfix ≥ 3.6 and older syntax). Unknown words are ignored;
 * an inclusion list (`TLSv1.2 TLSv1.3`) allows just those.
 */
export function allowedProtocols(spec: string | undefined): TlsProtocol[] {
  const words = (spec ?? '').split(/[\s,:]+/).filter(Boolean);
  const idx = (p: string): number => TLS_PROTOCOLS.findIndex((x) => x.toLowerCase() === p.toLowerCase());
  let lo = 0;
  let hi = TLS_PROTOCOLS.length - 1;
  const excluded = new Set<number>();
  const included = new Set<number>();
  for (const w of words) {
    const m = /^(>=|<=|!)?(.+)$/.exec(w)!;
    const i = idx(m[2]!);
    if (i < 0) continue;
    if (m[1] === '>=') lo = Math.max(lo, i);
    else if (m[1] === '<=') hi = Math.min(hi, i);
    else if (m[1] === '!') excluded.add(i);
    else included.add(i);
  }
  return TLS_PROTOCOLS.filter((_, i) => i >= lo && i <= hi && !excluded.has(i) && (!included.size || included.has(i)));
}

/** Protocols older than TLS 1.2 in the list. */
export const legacyOf = (ps: readonly TlsProtocol[]): TlsProtocol[] => ps.filter((p) => p !== 'TLSv1.2' && p !== 'TLSv1.3');
