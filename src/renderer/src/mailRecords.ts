// Pure helpers of the mail run view's records (MailRecords.tsx): section labels and order, and
// the per-term lookup counts of an SPF record.

export const LABELS: Record<string, string> = {
  spf: 'SPF',
  dmarc: 'DMARC',
  dkim: 'DKIM',
  mx: 'MX hosts',
  mtaSts: 'MTA-STS',
  mtaStsPolicy: 'MTA-STS policy',
  hostDkim: 'DKIM keys on the linked host',
  smtp: 'SMTP and TLS per port',
  tlsRpt: 'TLS-RPT',
  dnsbl: 'DNSBL',
  tls: 'TLS per port',
  dnssec: 'DNSSEC',
  dane: 'DANE',
};
/** Known sections first, in reading order; anything else follows in the order the run stored it. */
export const ORDER = ['spf', 'dmarc', 'dkim', 'hostDkim', 'mx', 'mtaSts', 'mtaStsPolicy', 'tlsRpt', 'smtp', 'tls', 'dane', 'dnssec', 'dnsbl'];
/** Shown in the run header, not as sections. */
export const HEADER_KEYS = new Set(['domain', 'resolver']);

export function humanize(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** SPF terms that cost a DNS lookup (RFC 7208 §4.6.4). */
export const LOOKUP_TERMS = ['include', 'a', 'mx', 'ptr', 'exists', 'redirect'];

/** How many of each lookup term one SPF record has, in LOOKUP_TERMS order: [["include", 2], ["mx", 1]]. */
export function spfTermCounts(record: string): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const raw of record.trim().split(/\s+/).slice(1)) {
    const term = raw.replace(/^[+\-~?]/, '').toLowerCase();
    // Modifiers are name=value; of them only redirect= costs a lookup (exp= is fetched on failure only).
    const key = term.startsWith('redirect=') ? 'redirect' : term.includes('=') ? '' : (term.split(/[:/]/)[0] ?? '');
    if (LOOKUP_TERMS.includes(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return LOOKUP_TERMS.filter((t) => counts.has(t)).map((t) => [t, counts.get(t)!]);
}
