// What the SPF checks share: the domain's single record (or why there is none) and its walk.
import type { DnsView } from '../dnsView';
import { walkSpf, type SpfWalk } from '../spf';
import { spfRecords } from './lookups';
import type { MailOutcome } from './types';

export const SPF_NONE = (domain: string): MailOutcome => ({ status: 'not-applicable', message: `${domain} has no single SPF record (see MAIL-SPF-RECORD)` });

/** The walk when the domain has exactly one SPF record; otherwise the outcome to return. */
export function spfWalkOf(dns: DnsView, domain: string): { walk: SpfWalk } | { outcome: MailOutcome } {
  const { records, problem } = spfRecords(dns, domain);
  if (problem) return { outcome: problem };
  if (records.length !== 1) return { outcome: SPF_NONE(domain) };
  const walk = walkSpf(dns, domain);
  if (walk.pending) return { outcome: { status: 'error', message: 'SPF lookups not finished' } };
  return { walk };
}

export const spfResource = (domain: string): string => `spf:${domain}`;
