// What the DKIM checks share: each user-given selector's key record, parsed.
import type { DnsView } from '../dnsView';
import { describeResult } from '../dnsView';
import { dkimName, looksLikeDkim, parseDkimKey, type DkimKey } from '../dkim';
import type { MailContext, MailOutcome } from './types';

export type SelectorKey =
  | { selector: string; name: string; kind: 'key'; key: DkimKey }
  | { selector: string; name: string; kind: 'missing'; evidence: string }
  | { selector: string; name: string; kind: 'several'; records: string[] };

export function selectorKeys(dns: DnsView, ctx: MailContext): { keys: SelectorKey[] } | { outcome: MailOutcome } {
  if (!ctx.selectors.length) return { outcome: { status: 'not-applicable', message: 'no DKIM selector given (--dkim-selector SEL); DKIM keys cannot be listed from DNS' } };
  const keys: SelectorKey[] = [];
  for (const selector of ctx.selectors) {
    const name = dkimName(selector, ctx.domain);
    const r = dns.lookup(name, 'TXT');
    if (r.kind === 'pending') return { outcome: { status: 'error', message: `TXT ${name}: not looked up yet` } };
    if (r.kind === 'error') return { outcome: { status: 'error', message: `TXT ${name}: ${describeResult(r)}` } };
    const recs = r.kind === 'answer' ? r.data.filter(looksLikeDkim) : [];
    if (recs.length === 0) keys.push({ selector, name, kind: 'missing', evidence: r.kind === 'answer' ? `TXT at ${name} is not a DKIM key: ${r.data.map((d) => JSON.stringify(d)).join('; ')}` : `${name}: ${describeResult(r)}` });
    else if (recs.length > 1) keys.push({ selector, name, kind: 'several', records: recs });
    else keys.push({ selector, name, kind: 'key', key: parseDkimKey(recs[0]!) });
  }
  return { keys };
}

export const dkimResource = (name: string): string => `dkim:${name}`;

/** Keys that parsed (one record, any syntax) — the input of the key-property checks. */
export function presentKeys(dns: DnsView, ctx: MailContext): { keys: Array<Extract<SelectorKey, { kind: 'key' }>> } | { outcome: MailOutcome } {
  const s = selectorKeys(dns, ctx);
  if ('outcome' in s) return s;
  const keys = s.keys.filter((k): k is Extract<SelectorKey, { kind: 'key' }> => k.kind === 'key');
  if (!keys.length) return { outcome: { status: 'not-applicable', message: 'no selector has a single DKIM key record (see MAIL-DKIM-RECORD)' } };
  return { keys };
}
