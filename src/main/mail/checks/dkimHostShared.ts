// What the host DKIM checks share: the linked host's keys for the domain with their DNS records.
import { parseTagList } from '../tags';
import type { DnsView } from '../dnsView';
import type { HostDkimKey } from '../hostDkim';
import { selectorKeys, type SelectorKey } from './dkimShared';
import type { MailContext, MailOutcome } from './types';

export const hostDkimResource = (k: HostDkimKey): string => `dkim-host:${k.selector}._domainkey.${k.domain}`;
export const keyWhere = (k: HostDkimKey): string => `selector ${k.selector} (${k.source}, ${k.config}: key ${k.keyPath})`;

export function hostKeysWithDns(dns: DnsView, ctx: MailContext): { pairs: Array<{ host: HostDkimKey; dns: SelectorKey }> } | { outcome: MailOutcome } {
  const h = ctx.hostDkim;
  if (!h) return { outcome: { status: 'not-applicable', message: 'no mail host linked (--host NAME): the signing keys were not read' } };
  if (!h.keys.length)
    return { outcome: { status: 'not-applicable', message: `no DKIM key for ${ctx.domain} in the signer configuration of ${h.host} (${h.configs.join(', ') || 'no opendkim/rspamd config found'})${h.problems.length ? `; ${h.problems.join('; ')}` : ''}` } };
  const s = selectorKeys(dns, ctx);
  if ('outcome' in s) return s;
  const bySelector = new Map(s.keys.map((k) => [k.selector, k]));
  return { pairs: h.keys.map((k) => ({ host: k, dns: bySelector.get(k.selector)! })) };
}

/** The raw p= of a DKIM record (the parsed key keeps the record, not p=). */
export function pTag(record: string): string | null {
  return parseTagList(record).map.get('p') ?? null;
}
